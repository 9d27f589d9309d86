"""``python -m asskomm einwohner import FILE``: replace ``data/einwohner.csv`` with newer official figures."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from asskomm.cli.argparse_de import command_group
from asskomm.labels import fmt_date, fmt_int
from asskomm.records import einwohner, einwohner_import

EXIT_OK, EXIT_INVALID = 0, 2
DEFAULT_SOURCE = "Statistisches Bundesamt (Destatis), Gemeindeverzeichnis (GV-ISys)"


def register(sub: argparse._SubParsersAction) -> None:
    cmds = command_group(sub, "einwohner", "Einwohnerzahlen je Gemeinde (data/einwohner.csv)", metavar="BEFEHL")
    imp = cmds.add_parser(
        "import",
        help="Einwohner aus GV-ISys-Auszug (XLSX) oder CSV »AGS;Einwohner« übernehmen (alles oder nichts)",
    )
    imp.add_argument("file", type=Path, metavar="DATEI")
    imp.add_argument("--stichtag", type=dt.date.fromisoformat, help="JJJJ-MM-TT (bei CSV Pflicht)")
    imp.add_argument("--quelle", default=DEFAULT_SOURCE, help=f"Quellenangabe (Vorgabe: {DEFAULT_SOURCE})")
    imp.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts schreiben")
    imp.add_argument("--ziel", type=Path, default=None, help="Zieldatei (Vorgabe: data/einwohner.csv)")
    imp.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from asskomm.records import load_gazetteer

    gaz = load_gazetteer()
    target = args.ziel or einwohner.EINWOHNER_FILE
    current = einwohner.load(target).total if Path(target).exists() else None
    parsed = einwohner_import.parse(args.file, gaz, stichtag=args.stichtag, current_total=current or None)
    for w in parsed.warnings:
        print(f"Hinweis: {w}")
    if not parsed.ok:
        print(parsed.report(), file=sys.stderr)
        print("Nichts geändert.", file=sys.stderr)
        return EXIT_INVALID
    total = sum(parsed.einwohner.values())
    summary = (f"{fmt_int(len(parsed.einwohner))} Gemeinden, {fmt_int(total)} Einwohner, "
               f"Stichtag {fmt_date(parsed.stichtag)}")
    if args.dry_run:
        print(f"Probelauf (nichts geschrieben): {summary}.")
        return EXIT_OK
    einwohner_import.write(parsed, gaz, args.quelle, target)
    print(f"{target} geschrieben: {summary}.")
    return EXIT_OK
