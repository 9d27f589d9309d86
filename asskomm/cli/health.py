"""Health check for containers and proxies: ``python -m asskomm.cli.health [--app http://127.0.0.1:8501]``.

Streamlit's own ``/_stcore/health`` answers »ok« as long as the Streamlit process serves HTTP, also while the
database is unreachable. This check asks both: the app's ``/_stcore/health`` (when ``--app`` is given) and
the database named by ``ASSKOMM_DB`` (a connection, and a schema revision this program knows).
Exit status 0 = healthy, 1 = not; one German line on stdout, never with a password. It imports little
(SQLAlchemy, Alembic), so a container can run it every few seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.request

import sqlalchemy as sa

from asskomm.cli import argparse_de
from asskomm.store.connection import safe_url, unavailable_message, url_from_setting


def check_database(setting: str | None, timeout: float = 5.0) -> tuple[bool, str]:
    from asskomm.store import migrate

    url = url_from_setting(setting)
    connect_args = {"connect_timeout": int(max(timeout, 1))} if url.startswith("postgresql") else {}
    try:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args=connect_args)
        try:
            with engine.connect() as conn:
                revision = migrate.current(conn)
        finally:
            engine.dispose()
    except (sa.exc.SQLAlchemyError, ValueError) as exc:
        return False, unavailable_message(url, exc).replace("\n", " | ")
    if revision != migrate.head():
        return False, f"{safe_url(url)}: Schemastand {revision or '(keiner)'}, erwartet {migrate.head()}"
    return True, f"{safe_url(url)}: erreichbar, Schemastand {revision}"


def check_app(app_url: str, timeout: float = 5.0) -> tuple[bool, str]:
    url = app_url.rstrip("/") + "/_stcore/health"
    if not url.startswith(("http://", "https://")):
        return False, f"{url}: keine http(s)-Adresse"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - http(s) checked above
            body = response.read(100).decode("utf-8", "replace").strip()
    except OSError as exc:
        return False, f"{url}: nicht erreichbar ({exc})"
    return body == "ok", f"{url}: {body}"


def main(argv: list[str] | None = None) -> int:
    argparse_de.use_german()
    parser = argparse.ArgumentParser(
        prog="python -m asskomm.cli.health",
        description="Gesundheitsprüfung für Container und Proxys: die Datenbank (ASSKOMM_DB) und, mit --app, der "
        "Streamlit-Server. Exit-Status 0 = gesund, 1 = nicht gesund.",
    )
    parser.add_argument("--app", help="Adresse des Streamlit-Servers, z. B. http://127.0.0.1:8501")
    parser.add_argument("--timeout", type=float, default=5.0, metavar="SEKUNDEN",
                        help="Wartezeit je Prüfung in Sekunden (Vorgabe: 5)")
    args = parser.parse_args(argv)
    results = []
    if args.app:
        results.append(check_app(args.app, args.timeout))
    results.append(check_database(os.environ.get("ASSKOMM_DB"), args.timeout))
    healthy = all(ok for ok, _ in results)
    print(("gesund: " if healthy else "NICHT gesund: ") + "; ".join(text for _, text in results))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
