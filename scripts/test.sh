#!/usr/bin/env bash
# Install what the tests need and run them all.
#
#   bash scripts/test.sh [--quick] [pytest arguments...]     e.g.  bash scripts/test.sh -m "not browser" -x
#
# --quick: the inner loop, about 2 minutes: unit and page tests and one browser smoke test
#          (-m "(not browser and not slow) or smoke").
# pytest runs on ASSKOMM_TEST_WORKERS (default 2) pytest-xdist workers with --dist loadgroup (tests/conftest.py
# keeps the tests of a file that share a module fixture on one worker, in file order); one process instead
# when the arguments ask for it or need it (-n/--dist/-p no:xdist, --pdb, --trace, -s, --headed, --collect-only)
# or ASSKOMM_TEST_WORKERS=1.
# 1. Debian packages (only those missing): chromium (browser tests), fonts-dejavu-core (PDF/PNG text),
#    poppler-utils (pdftotext for PDF checks), libreoffice-writer-nogui (DOCX → PDF check of the report),
#    postgresql (store, editing, import and migration tests also run on a throw-away PostgreSQL cluster),
#    nginx (deploy/nginx.conf in front of two app servers), openssl (test certificates), python3-venv. `apt-get update` runs once, before the install;
#    sudo is used only when not root.
# 2. .venv with requirements-dev.txt (reinstalled only when a requirements file changed).
# 3. ruff check .   4. pytest "$@"
# Exit status: non-zero if any step fails (pytest's own status is passed through; 5 = no tests ran).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/venv.sh
. scripts/venv.sh

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# LibreOffice Writer without GUI: tests/render/test_bericht_export.py converts the report DOCX to PDF (soffice --headless).
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
# PostgreSQL server binaries: tests/pg.py starts throw-away clusters (store, migration, transfer, cluster tests).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
# nginx: tests/browser/test_browser_cluster.py runs it in the foreground with its own prefix (no system service).
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
# openssl: tests/tls.py makes throw-away certificates (nginx with TLS, PostgreSQL with ssl=on).
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ! -x "$VENV/bin/python" ] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "test.sh: installing Debian packages: ${missing[*]}" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    else
        echo "test.sh: WARNING: no apt-get; missing: ${missing[*]} (browser tests will fail in CI)" >&2
    fi
fi

ensure_venv test.sh requirements-dev requirements-dev.txt requirements.txt requirements-dev.txt requirements-lock.txt pyproject.toml

echo "test.sh: ruff check ." >&2
"$VENV/bin/python" -m ruff check .

# Temporary files (SQLite databases, PostgreSQL clusters, browser profiles) in RAM when there is a /dev/shm:
# on a slow disk, waiting for writes and fsyncs took about a third of the run. TMPDIR set by the caller wins.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    export TMPDIR=/dev/shm
fi

args=()
quick=0
for arg in "$@"; do
    if [ "$arg" = --quick ]; then quick=1; else args+=("$arg"); fi
done
if [ "$quick" = 1 ]; then
    args=(-m "(not browser and not slow) or smoke" "${args[@]}")
fi
workers="${ASSKOMM_TEST_WORKERS:-2}"
parallel=1
for arg in "${args[@]}"; do
    case "$arg" in
        -n | -n* | --numprocesses* | --dist* | no:xdist | --pdb | --trace | -s | --capture=no | --headed | --collect-only | --co)
            parallel=0 ;;
    esac
done
[ "$workers" -gt 1 ] 2>/dev/null || parallel=0
if [ "$parallel" = 1 ]; then
    args=(-n "$workers" --dist loadgroup "${args[@]}")
fi

echo "test.sh: pytest ${args[*]}" >&2
exec "$VENV/bin/python" -m pytest "${args[@]}"
