"""Command line: ``python -m asskomm COMMAND ...``.

Each command lives in the module of its concern; that module exposes ``register(subparsers)``
which adds its sub-commands and sets ``func`` (returning the exit code) on each.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules that contribute commands (one line per concern).
COMMAND_MODULES = [
    "asskomm.cli.geo",
    "asskomm.cli.records",
    "asskomm.cli.exports",
    "asskomm.cli.users",
    "asskomm.cli.bericht",
    "asskomm.cli.einwohner",
]


def build_parser() -> argparse.ArgumentParser:
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
