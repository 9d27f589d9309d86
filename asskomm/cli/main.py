"""Command line: ``python -m asskomm COMMAND ...``.

Each command lives in the module of its concern; that module exposes ``register(subparsers)``
which adds its sub-commands and sets ``func`` (returning the exit code) on each.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

import sqlalchemy as sa

from asskomm.cli import argparse_de
from asskomm.store.connection import DatabaseUnavailable, unavailable_message, url_from_setting
from asskomm.store.migrate import SchemaError

# Modules that contribute commands (one line per concern).
COMMAND_MODULES = [
    "asskomm.cli.geo",
    "asskomm.cli.records",
    "asskomm.cli.exports",
    "asskomm.cli.users",
    "asskomm.cli.zahlen",
    "asskomm.cli.bericht",
    "asskomm.cli.einwohner",
    "asskomm.cli.db",
]


def build_parser() -> argparse.ArgumentParser:
    argparse_de.use_german()
    parser = argparse.ArgumentParser(prog="asskomm", description="ASSKomm-Karte: Werkzeuge")
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return 130
    except (DatabaseUnavailable, SchemaError) as exc:  # a clear message, no traceback, never a password
        print(exc, file=sys.stderr)
        return 2
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:  # the connection broke off midway
        print(unavailable_message(url_from_setting(os.environ.get("ASSKOMM_DB")), exc)
              + "\nDie laufende Änderung wurde nicht gespeichert (nichts halb geschrieben).", file=sys.stderr)
        return 2
