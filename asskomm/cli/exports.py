"""CLI for the meeting take-aways.

``python -m asskomm export-map FILE.png|FILE.svg``, ``python -m asskomm briefing FILE.pdf`` and
``python -m asskomm snapshot FILE.html``, each with ``--stand JJJJ-MM-TT``, ``--kreis`` and ``--problemfeld``
(both repeatable) and ``--baustein``; ``export-map`` also takes ``--format folie|a4`` (PNG size),
``briefing`` takes ``--kreisseiten`` (one extra page per chosen Kreis).

Exit status: 0 written, 2 bad input (German message on stderr, no file written).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from asskomm.analysis.filters import Filters, as_query

if TYPE_CHECKING:  # the renderers (geopandas, matplotlib) load only when a command runs
    from asskomm.analysis import exportdata

FORMATS = ("folie", "a4")  # PNG sizes, see static_map.FORMATS

EXIT_OK = 0
EXIT_BAD_INPUT = 2


# »Parameter »kreis=99999« ignoriert:« (the URL notice of Filters.from_query) → »--kreis »99999« ungültig:«
_OPTION_NOTICE = re.compile(r"^Parameter »(\w+)=(.*?)« ignoriert:")


class InputError(ValueError):
    """Bad command-line input; the message is German and shown as is."""


def _known_keys() -> tuple[list[str], list[str], list[str]]:
    """Valid Kreis keys, Problemfeld ids and Baustein ids (from the project's layers and vocabularies)."""
    from asskomm.geo import layers as geo
    from asskomm.records import vocabulary as vocab

    kreise = [str(k) for k in geo.kreise()["kreis_ags"]]
    return kreise, list(vocab.problemfeld_ids()), list(vocab.baustein_ids())


def parse_filters(args: argparse.Namespace, today: dt.date | None = None) -> Filters:
    """Filters from the options; anything unknown is an :class:`InputError` (a CLI does not guess)."""
    today = today or dt.date.today()
    if args.stand:
        try:
            dt.date.fromisoformat(args.stand)
        except ValueError:
            raise InputError(f"--stand »{args.stand}« ist kein Datum im Format JJJJ-MM-TT.") from None
    kreise, problemfelder, bausteine = _known_keys()
    query = as_query(args.kreis, args.problemfeld, args.baustein, getattr(args, "polizeidirektion", None), args.stand)
    filters, notices = Filters.from_query(
        query, kreise=kreise, problemfelder=problemfelder, bausteine=bausteine, today=today
    )
    if notices:
        messages = [_OPTION_NOTICE.sub(lambda m: f"--{m[1]} »{m[2]}« ungültig:", n) for n in notices]
        if any(n.startswith("--problemfeld") for n in messages):
            messages.append("Bekannte Problemfelder: " + ", ".join(problemfelder) + ".")
        if any(n.startswith("--kreis") for n in messages):
            messages.append("Bekannte Kreise: " + ", ".join(kreise) + ".")
        if any(n.startswith("--baustein") for n in messages):
            messages.append("Bekannte Bausteine: " + ", ".join(bausteine) + ".")
        raise InputError(" ".join(messages))
    return filters


def _check_target(path: str, suffixes: tuple[str, ...], what: str) -> Path:
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        allowed = " oder ".join(suffixes)
        raise InputError(f"{what}: Dateiname »{path}« muss auf {allowed} enden.")
    if not target.parent.exists() or not target.parent.is_dir():
        raise InputError(f"{what}: Ordner »{target.parent}« gibt es nicht.")
    return target


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write(target: Path, payload: bytes | str) -> None:
    """Write atomically: a half-written file never replaces a good one."""
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    fd, tmp = tempfile.mkstemp(prefix=".asskomm-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # like any new file (mkstemp makes it private)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _collect(filters: Filters) -> exportdata.ExportData:
    from asskomm.analysis import exportdata  # lazy: the CLI starts without geopandas and matplotlib

    return exportdata.collect(filters)


def _run(args: argparse.Namespace, make: _Take) -> int:
    try:
        target = make.target(args)
        filters = dataclasses.replace(parse_filters(args), unbestaetigt=args.mit_unbestaetigten)
        if args.format not in FORMATS:
            raise InputError(f"--format »{args.format}« unbekannt; erlaubt: {', '.join(FORMATS)}.")
    except InputError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    data = _collect(filters)
    payload = make.render(args, target, data)
    _write(target, payload)
    print(f"{make.what} geschrieben: {target} ({len(payload):,} Bytes)".replace(",", "."))
    return EXIT_OK


def _render_map(args: argparse.Namespace, target: Path, data: exportdata.ExportData) -> bytes:
    from asskomm.render import static_map

    if target.suffix.lower() == ".svg":
        return static_map.render_map_svg(data)
    return static_map.render_map_png(data, size=args.format)


def _render_briefing(args: argparse.Namespace, target: Path, data: exportdata.ExportData) -> bytes:
    from asskomm.render import briefing

    return briefing.render_briefing_pdf(data, kreis_pages=args.kreisseiten)


def _render_snapshot(args: argparse.Namespace, target: Path, data: exportdata.ExportData) -> str:
    from asskomm.render import snapshot

    return snapshot.render_snapshot_html(data)


@dataclass(frozen=True)
class _Take:
    """One take-away command: its name, what it writes, the allowed file endings and the renderer."""

    command: str
    what: str
    suffixes: tuple[str, ...]
    render: Callable[[argparse.Namespace, Path, exportdata.ExportData], bytes | str]

    def target(self, args: argparse.Namespace) -> Path:
        return _check_target(args.datei, self.suffixes, self.command)


_MAP = _Take("export-map", "Karte", (".png", ".svg"), _render_map)
_BRIEFING = _Take("briefing", "Kurzinformation", (".pdf",), _render_briefing)
_SNAPSHOT = _Take("snapshot", "Momentaufnahme", (".html", ".htm"), _render_snapshot)


_FILTER_OPTIONS = (  # (option, argparse settings), in the order of --help
    ("--stand", {"metavar": "JJJJ-MM-TT", "help": "Datenstand (Standard: heute)"}),
    (
        "--kreis",
        {
            "action": "append",
            "metavar": "KREISSCHLÜSSEL",
            "help": "5-stelliger Kreisschlüssel, z. B. 14626 (mehrfach möglich)",
        },
    ),
    (
        "--problemfeld",
        {
            "action": "append",
            "metavar": "ID",
            "help": "Problemfeld-ID aus data/problemfelder.csv (mehrfach möglich)",
        },
    ),
    ("--baustein", {"metavar": "ID", "help": "Baustein-ID aus data/bausteine.csv"}),
    (
        "--polizeidirektion",
        {
            "action": "append",
            "metavar": "ID",
            "help": "Polizeidirektion: chemnitz, dresden, goerlitz, leipzig, zwickau (mehrfach möglich)",
        },
    ),
    (
        "--mit-unbestaetigten",
        {"action": "store_true", "help": "unbestätigte Angaben mitzählen (Standard: nur bestätigte)"},
    ),
)


def _add_filter_options(parser: argparse.ArgumentParser) -> None:
    for option, settings in _FILTER_OPTIONS:
        parser.add_argument(option, **settings)


def _take_parser(
    subparsers: argparse._SubParsersAction, take: _Take, metavar: str, help: str, description: str
) -> argparse.ArgumentParser:
    """The parser of a take-away command: file name and the filter options (callers add their own)."""
    p = subparsers.add_parser(take.command, help=help, description=description)
    p.add_argument("datei", metavar=metavar)
    _add_filter_options(p)
    p.set_defaults(func=lambda args: _run(args, take))
    return p


def register(subparsers: argparse._SubParsersAction) -> None:
    p = _take_parser(
        subparsers,
        _MAP,
        "DATEI.png|DATEI.svg",
        help="Karte als PNG (Folie oder A4 quer) oder SVG speichern",
        description="Karte mit Titel, Stand, Legende und Quellenangabe als Bild.",
    )
    p.add_argument(
        "--format",
        default="folie",
        metavar="folie|a4",
        help="PNG-Größe: folie = 1920×1080 (Standard), a4 = A4 quer mit 300 dpi",
    )

    p = _take_parser(
        subparsers,
        _BRIEFING,
        "DATEI.pdf",
        help="Kurzinformation als einseitiges PDF (A4) speichern",
        description="Einseitige Kurzinformation für Sitzungen (A4, deutsch).",
    )
    p.add_argument("--kreisseiten", action="store_true", help="je gewähltem Kreis eine weitere Seite")
    p.set_defaults(format="folie")

    p = _take_parser(
        subparsers,
        _SNAPSHOT,
        "DATEI.html",
        help="Offline-Momentaufnahme als eine HTML-Datei speichern",
        description="Interaktive Karte als eine HTML-Datei, die ohne Netz funktioniert.",
    )
    p.set_defaults(format="folie")
