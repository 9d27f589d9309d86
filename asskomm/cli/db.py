"""``python -m asskomm db …``: schema migrations, copies between databases, backups.

    python -m asskomm db current                    # schema revision of the database (ASSKOMM_DB)
    python -m asskomm db upgrade                    # bring it to the newest revision
    python -m asskomm db copy --from data/asskomm.db --to postgresql+psycopg://…   [--ersetzen]
    python -m asskomm db backup sicherung.sqlite    # consistent snapshot, also while the app runs
    python -m asskomm db restore sicherung.sqlite   # checked first; all or nothing
    python -m asskomm db revision -m "sessions table"   # for developers: write the next migration

``--db`` names another database than ``ASSKOMM_DB`` (a path or a SQLAlchemy URL, as there).
Messages never show a password.
"""

from __future__ import annotations

import argparse
import os
import sys

import sqlalchemy as sa

from asskomm.cli.argparse_de import command_group
from asskomm.cli.guard import guarded
from asskomm.store import migrate
from asskomm.store import transfer as db_transfer
from asskomm.store.connection import safe_url, unavailable_message, url_from_setting


def _setting(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("ASSKOMM_DB", "")


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def cmd_current(args: argparse.Namespace) -> int:
    url = url_from_setting(_setting(args))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            revision = migrate.current(conn)
            legacy = revision is None and "meta" in sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()
    head = migrate.head()
    if revision is None:
        state = ("ohne Schemastand (von einer Version vor den Migrationen; »db upgrade« übernimmt sie)"
                 if legacy else "leer")
        print(f"{safe_url(url)}: {state}; neuester Stand: {head}")
        return 0
    note = ("aktuell" if revision == head else
            "NEUER als diese Programmversion" if migrate.is_newer(revision) else f"veraltet, neuester: {head}")
    print(f"{safe_url(url)}: Schemastand {revision} ({note})")
    return 0


def cmd_upgrade(args: argparse.Namespace) -> int:
    url = url_from_setting(_setting(args))
    before, after = migrate.upgrade(url)
    if before == after:
        print(f"{safe_url(url)}: Schemastand {after}, nichts zu tun.")
    else:
        print(f"{safe_url(url)}: Schemastand {before or '(keiner)'} → {after}.")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    report = db_transfer.copy(args.source, args.target, replace=args.ersetzen)
    print(report.text())
    print("Kopie vollständig: Zeilenzahlen und Prüfsummen stimmen überein.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    report = db_transfer.backup(_setting(args), args.file)
    print(report.text())
    print(f"Sicherung geschrieben: {report.target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    report = db_transfer.restore(args.file, _setting(args))
    print(report.text())
    print("Wiederherstellung abgeschlossen: Zeilenzahlen und Prüfsummen stimmen überein.")
    return 0


def cmd_revision(args: argparse.Namespace) -> int:
    path = migrate.new_revision(args.message, autogenerate=not args.leer)
    print(f"Neue Migration: {path}\nBitte prüfen und anpassen, dann die Tests laufen lassen.")
    return 0


DESCRIPTION = """Schemastand, Kopien zwischen Datenbanken und Sicherungen.

    asskomm db current                     # Schemastand der Datenbank (ASSKOMM_DB)
    asskomm db upgrade                     # auf den neuesten Schemastand bringen
    asskomm db copy --from data/asskomm.db --to postgresql+psycopg://…   [--ersetzen]
    asskomm db backup sicherung.sqlite     # stimmige Sicherung, auch während die App läuft
    asskomm db restore sicherung.sqlite    # wird zuerst geprüft; alles oder nichts
    asskomm db revision -m "Sitzungen"     # für Entwickler: die nächste Migration anlegen

--db nennt eine andere Datenbank als ASSKOMM_DB (ein Pfad oder eine SQLAlchemy-URL, wie dort).
Meldungen zeigen nie ein Passwort."""


def _guarded(func):
    return guarded(
        func,
        ((db_transfer.TransferError, migrate.SchemaError), lambda exc, args: str(exc)),
        (sa.exc.SQLAlchemyError,
         lambda exc, args: unavailable_message(url_from_setting(_setting(args) if "db" in args else ""), exc)),
        status=1,
    )


def register(sub: argparse._SubParsersAction) -> None:
    cmds = command_group(sub, "db", "Datenbank: Schema, Kopie, Sicherung", metavar="AKTION", description=DESCRIPTION,
                         formatter_class=argparse.RawDescriptionHelpFormatter)

    def add(name: str, func, help_: str) -> argparse.ArgumentParser:
        p = cmds.add_parser(name, help=help_)
        p.add_argument("--db", help="Datenbank (Pfad oder URL); Vorgabe: ASSKOMM_DB")
        p.set_defaults(func=_guarded(func))
        return p

    add("current", cmd_current, "Schemastand anzeigen")
    add("upgrade", cmd_upgrade, "auf den neuesten Schemastand bringen")
    p = add("copy", cmd_copy, "alles in eine andere Datenbank kopieren und prüfen")
    p.add_argument("--from", dest="source", required=True, help="Quelle (Pfad oder URL)")
    p.add_argument("--to", dest="target", required=True, help="Ziel (Pfad oder URL)")
    p.add_argument("--ersetzen", action="store_true", help="Daten im Ziel ersetzen")
    p = add("backup", cmd_backup, "Sicherung in eine Datei schreiben")
    p.add_argument("file", help="Sicherungsdatei (SQLite-Format)")
    p = add("restore", cmd_restore, "Sicherung zurückspielen (ersetzt alle Daten)")
    p.add_argument("file", help="Sicherungsdatei")
    p = add("revision", cmd_revision, "für Entwickler: neue Migration anlegen")
    p.add_argument("-m", "--message", required=True, help="was sich ändert (englisch)")
    p.add_argument("--leer", action="store_true", help="ohne automatisch erkannte Änderungen")
