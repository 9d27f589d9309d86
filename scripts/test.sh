#!/usr/bin/env bash
# Install what the tests need and run them all.
#
#   bash scripts/test.sh [pytest arguments...]     e.g.  bash scripts/test.sh -m "not browser" -x
#
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

echo "test.sh: pytest $*" >&2
exec "$VENV/bin/python" -m pytest "$@"
