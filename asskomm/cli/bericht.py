"""CLI for the report: ``python -m asskomm bericht --stichtag JJJJ-MM-TT [--von JJJJ-MM-TT] [--bis JJJJ-MM-TT]
[--region …] --format docx|xlsx --out DATEI``.

Exit status: 0 written, 2 bad input (German message on stderr, nothing written). The file is written to a
temporary file beside the target and renamed, so a failure never leaves a half-written file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import sys
from pathlib import Path

from asskomm.cli.exports import EXIT_BAD_INPUT, EXIT_OK, InputError, _write

FORMATS = ("docx", "xlsx")
_OS_REASONS = {
    errno.EACCES: "keine Schreibrechte",
    errno.EPERM: "keine Schreibrechte",
    errno.EROFS: "Datenträger nur lesbar",
    errno.ENOSPC: "Datenträger voll",
    errno.ENOENT: "Ordner nicht beschreibbar",
}


def _date(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} »{text}« ist kein Datum im Format JJJJ-MM-TT.") from None


def _target(out: str, fmt: str) -> Path:
    if fmt not in FORMATS:
        raise InputError(f"--format »{fmt}« unbekannt; erlaubt: {', '.join(FORMATS)}.")
    target = Path(out)
    if target.suffix.lower() != f".{fmt}":
        raise InputError(f"--out »{out}« muss zum Format passen und auf .{fmt} enden.")
    if not target.parent.is_dir():
        raise InputError(f"--out: Ordner »{target.parent}« gibt es nicht.")
    if target.is_dir():
        raise InputError(f"--out »{out}« ist ein Ordner, keine Datei.")
    return target


def cmd_bericht(args: argparse.Namespace, today: dt.date | None = None) -> int:
    from asskomm import records as rec
    from asskomm.analysis import bericht
    from asskomm.geo import layers as geo
    from asskomm.render import bericht_export

    today = today or dt.date.today()
    try:
        target = _target(args.out, args.format)
        stichtag = _date(args.stichtag, "--stichtag")
        von = _date(args.von, "--von")
        bis = _date(args.bis, "--bis")
        kreis_labels = geo.kreis_display_names(geo.kreise())
        bericht.check_dates(stichtag, von, today, bis)  # type: ignore[arg-type]
        region = bericht.parse_region(args.region, kreis_labels)
    except (InputError, bericht.BerichtInputError) as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from asskomm.store.database import Store

    store = Store.from_env(gazetteer=rec.load_gazetteer)
    report = bericht.build(store.load().confirmed_only(), rec.load_gemeinden(), kreis_labels, stichtag, von=von, bis=bis,
                           region=region, today=today)
    payload = bericht_export.render(report, args.format)
    try:
        _write(target, payload)
    except OSError as exc:
        reason = _OS_REASONS.get(exc.errno or 0, "das Betriebssystem meldet einen Fehler")
        print(f"Fehler: »{target}« kann nicht geschrieben werden ({reason}); keine Datei angelegt.",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Bericht geschrieben: {target} ({len(payload):,} Bytes)".replace(",", "."))
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "bericht",
        help="Bericht für Landtagsanfragen als DOCX oder XLSX (Tabellen je Kreis und Polizeidirektion)",
        description="Nummerierte Tabellen zum Stichtag: Kreise, Polizeidirektionen, Partner, Förderung, Weg, "
        "Änderungen – mit Zählregeln und Quellen.",
    )
    p.add_argument("--stichtag", required=True, metavar="JJJJ-MM-TT", help="Stichtag (06.02.2019 bis heute)")
    p.add_argument("--von", metavar="JJJJ-MM-TT", help="Beginn des Zeitraums für Förderung und Änderungen "
                   "(Standard: 06.02.2019)")
    p.add_argument("--bis", metavar="JJJJ-MM-TT", help="Ende des Zeitraums für Förderung und Änderungen "
                   "(Standard: der Stichtag; frühestens --von, höchstens der Stichtag)")
    p.add_argument("--region", default="Sachsen", metavar="REGION",
                   help="Sachsen (Standard), ein Kreis (Schlüssel wie 14626 oder Name) oder eine Polizeidirektion "
                   "(»PD Görlitz«)")
    p.add_argument("--format", required=True, metavar="docx|xlsx", help="docx (Word) oder xlsx (Excel)")
    p.add_argument("--out", required=True, metavar="DATEI", help="Ausgabedatei (.docx oder .xlsx)")
    p.set_defaults(func=cmd_bericht)
