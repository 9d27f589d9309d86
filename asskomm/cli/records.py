"""CLI for the records: ``python -m asskomm import|export|summary``.

Exit codes: 0 success, 2 invalid input (nothing changed), 1 other failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path

from asskomm import records as rec
from asskomm.analysis.filters import Filters
from asskomm.labels import STATUS_LABELS, STATUS_ORDER, fmt_date, fmt_int, fmt_pct
from asskomm.records import vocabulary as vocab

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INVALID = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("import", help="Datensätze aus CSV/XLSX importieren (alles oder nichts)")
    p.add_argument("file", metavar="DATEI", type=Path)
    p.add_argument("--dry-run", action="store_true", help="nur prüfen und zeigen, was sich ändern würde")
    p.add_argument("--ueberschreiben", "--overwrite", dest="overwrite", action="store_true",
                   help="bestehende Meilensteine mit abweichenden Angaben ändern (sonst Ablehnung)")
    p.add_argument("--wer", "--actor", dest="actor", default=None, help="Name für das Änderungsprotokoll")
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser("export", help="alle Datensätze als CSV (Excel, ;) oder XLSX exportieren")
    p.add_argument("file", metavar="DATEI", type=Path)
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("summary", help="Kennzahlen je Status und Baustein, landesweit und je Kreis")
    p.add_argument("--stand", type=dt.date.fromisoformat, default=None, metavar="JJJJ-MM-TT")
    p.add_argument("--json", action="store_true", help="als JSON ausgeben")
    p.add_argument("--mit-unbestaetigten", action="store_true",
                   help="unbestätigte Angaben mitzählen (Standard: nur bestätigte)")
    p.set_defaults(func=cmd_summary)


def _store():
    from asskomm.store.database import Store

    return Store.from_env(gazetteer=rec.load_gazetteer)


def _actor(args: argparse.Namespace) -> str:
    if args.actor:
        return args.actor
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli:" + os.environ.get("USER", "unbekannt")


def cmd_import(args: argparse.Namespace) -> int:
    store = _store()
    parsed = rec.parse_file(args.file, store.gazetteer())
    result = store.apply_import(parsed, _actor(args), dry_run=args.dry_run, overwrite=args.overwrite)
    print(result.report(), file=sys.stdout if result.ok else sys.stderr)
    return EXIT_OK if result.ok else EXIT_INVALID


def cmd_export(args: argparse.Namespace) -> int:
    if args.file.suffix.lower() not in (".csv", ".xlsx"):
        print(f"{args.file}: bitte .csv oder .xlsx als Endung angeben.", file=sys.stderr)
        return EXIT_INVALID
    store = _store()
    n = rec.export(store.load(), args.file, store.gazetteer())
    print(f"{n} Zeilen nach {args.file} geschrieben.")
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from asskomm.analysis.status import summary

    today = dt.date.today()
    stand = args.stand or today
    if stand > today:
        print(f"--stand {stand.isoformat()} liegt in der Zukunft.", file=sys.stderr)
        return EXIT_INVALID
    store = _store()
    gemeinden = rec.load_gemeinden()
    records = store.load() if args.mit_unbestaetigten else store.load().confirmed_only()
    result = summary(records, gemeinden, Filters(stand=stand, unbestaetigt=args.mit_unbestaetigten), today=today)
    shares = _population_shares(records, gemeinden, stand, today, result)
    if args.json:
        out = result.to_dict()
        out["einwohner_stand"] = shares["einwohner_stand"]
        out["land"].update(shares["land"])
        for k, fig in out["kreise"].items():
            fig.update(shares["kreise"].get(k, {}))
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    land = result.land
    print(f"ASSKomm – Stand {fmt_date(stand)} (Datenbank, nicht die veröffentlichten Gesamtzahlen)")
    print(f"Gemeinden: {fmt_int(land.gemeinden)}")
    for s in STATUS_ORDER:
        print(f"  {STATUS_LABELS[s]}: {fmt_int(land.status[s])}")
    print(f"Kooperationsvereinbarungen (Teilnehmer, Gruppe = 1): {fmt_int(land.vereinbarungen)}")
    print(f"Anteil Gemeinden mit Vereinbarung: {fmt_pct(land.anteil_gemeinden)}, "
          f"Anteil Fläche: {fmt_pct(land.anteil_flaeche)}")
    print(f"Abdeckung: {shares['land']['zeile']}")
    print(f"  ({shares['einwohner_stand']['quelle']})")
    labels = vocab.baustein_labels()
    print("Bausteine (Teilnehmer):")
    for b, n in land.bausteine.items():
        print(f"  {labels.get(b, b)}: {fmt_int(n)}")
    print("Je Kreis (nicht beteiligt / beraten / Vereinbarung; Vereinbarungen):")
    names = {**result.kreis_namen, **_kreis_display_names()}
    for k, fig in result.kreise.items():
        counts = " / ".join(fmt_int(fig.status[s]) for s in STATUS_ORDER)
        print(f"  {names.get(k, k)} ({k}): {counts}; {fmt_int(fig.vereinbarungen)}")
    return EXIT_OK


def _population_shares(records, gemeinden, stand: dt.date, today: dt.date, result) -> dict:
    """The coverage line's shares (Gemeinden, area, population), statewide and per Kreis, as the Karte page
    and the Landkreise page show them (``analysis.coverage``)."""
    from asskomm.analysis import coverage, region
    from asskomm.analysis.status import status_table
    from asskomm.geo import layers as geo
    from asskomm.records import einwohner

    table = status_table(records, gemeinden, stand, today=today)
    try:
        names = region.kreis_region_names(geo.kreise())  # »im Landkreis Görlitz«, as the page says
    except (OSError, ValueError, KeyError):
        names = {}
    return coverage.population_shares(table, gemeinden, einwohner.load(), result.kreise, names)


def _kreis_display_names() -> dict[str, str]:
    """»Landkreis Leipzig« beside the city of Leipzig (from the Kreis layer; empty if it cannot be read)."""
    from asskomm.geo import layers as geo

    try:
        return geo.kreis_display_names(geo.kreise())
    except (OSError, ValueError, KeyError):
        return {}
