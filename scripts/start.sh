#!/usr/bin/env bash
# Set up (first time) and start the ASSKomm-Karte dashboard.
#
#   bash scripts/start.sh [streamlit options...]
#   ASSKOMM_ADDRESS=0.0.0.0 bash scripts/start.sh      # listen on every network interface (see README)
#
# Creates .venv with python3 if missing, installs requirements.txt and the project itself (the console
# command .venv/bin/asskomm) when they changed since the last install (so a second start is quick), then
# replaces itself with `streamlit run app.py` (the app and its sign-in cookie routes), listening on 127.0.0.1 only unless ASSKOMM_ADDRESS
# or --server.address says otherwise.
# Works on a fresh Debian machine with Python 3.11; the only network access is the package registries.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/venv.sh
. scripts/venv.sh

# Debian's python3 has no venv/ensurepip until python3-venv is installed.
if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv --help >/dev/null 2>&1 || ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
        echo "start.sh: installing python3-venv (apt-get)" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
    fi
fi
ensure_venv start.sh requirements-run requirements.txt requirements.txt requirements-lock.txt pyproject.toml

# Only this machine can reach the dashboard unless another address is asked for explicitly: plain HTTP with
# password sign-in must not be offered to a whole network (beyond one machine: a reverse proxy with TLS).
ADDRESS="${ASSKOMM_ADDRESS:-127.0.0.1}"
case " $* " in
    *" --server.address"*) exec "$VENV/bin/python" -m streamlit run app.py "$@" ;;
esac
if [ "$ADDRESS" != 127.0.0.1 ] && [ "$ADDRESS" != localhost ]; then
    echo "start.sh: WARNING: listening on $ADDRESS (plain HTTP): put a reverse proxy with TLS in front" >&2
fi
exec "$VENV/bin/python" -m streamlit run app.py --server.address "$ADDRESS" "$@"
