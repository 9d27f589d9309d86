#!/usr/bin/env bash
# Set up (first time) and start the ASSKomm-Karte dashboard.
#
#   bash scripts/start.sh [streamlit options...]
#
# Creates .venv with python3 if missing, installs requirements.txt when it changed since the
# last install (so a second start is quick), then replaces itself with `streamlit run app.py` (the app
# and its sign-in cookie routes).
# Works on a fresh Debian machine with Python 3.11; the only network access is the package registries.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

# Debian's python3 has no venv/ensurepip until python3-venv is installed.
if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv --help >/dev/null 2>&1 || ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
        echo "start.sh: installing python3-venv (apt-get)" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
    fi
    echo "start.sh: creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi

# Reinstall only when requirements.txt changed (stamp = its checksum).
stamp="$VENV/.asskomm-requirements-run"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "start.sh: installing requirements.txt into $VENV" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$want" >"$stamp"
fi

exec "$VENV/bin/python" -m streamlit run app.py "$@"
