# Sourced by start.sh and test.sh (from the project folder): $PYTHON, $VENV, as_root (a command as root, with
# sudo -n unless root), and the virtual environment $VENV with a requirements file and the project:
#
#   ensure_venv TAG STAMP REQUIREMENTS FILE...
#
# Creates $VENV with $PYTHON if missing. Installs requirements-lock.txt (every runtime package at the version the
# container gets, checked against its SHA-256 hashes), then REQUIREMENTS and the project itself (editable: the console
# command $VENV/bin/asskomm) only when the checksum of the FILEs changed since the last install, which is
# kept in $VENV/.asskomm-STAMP (so a second run is quick). The project's build uses the venv's setuptools and
# the wheel from the requirements, so nothing more is downloaded. TAG names the calling script in messages.
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

ensure_venv() {
    local tag="$1" stamp="$VENV/.asskomm-$2" requirements="$3"
    shift 3
    if [ ! -x "$VENV/bin/python" ]; then
        echo "$tag: creating $VENV" >&2
        "$PYTHON" -m venv "$VENV"
    fi
    local want
    want="$(cat "$@" | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "$tag: installing $requirements and the command $VENV/bin/asskomm into $VENV" >&2
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-lock.txt
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps -e .
        echo "$want" >"$stamp"
    fi
}
