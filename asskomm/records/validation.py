"""Validation of an import table: the header (``header``), then each data row by a table of small named rules.

Validation never stops at the first problem: every problem is reported with file, row (as the spreadsheet
shows it, header = row 1) and column, in German. A file with any error changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
from typing import Any

from asskomm.records import vocabulary as vocab
from asskomm.records.dates import DateError, normalise_datum, period_end, period_start
from asskomm.records.gazetteer import Gazetteer, _is_kreis_name, landkreis_name, name_keys
from asskomm.records.header import data_rows, read_header
from asskomm.records.importformat import (
    _NEUTRALISED,
    COLUMNS,
    EARLIEST_DATE,
    EARLIEST_DATE_BY_BAUSTEIN,
    FORMULA_START,
    LAND_PREFIX,
    MAX_CELL_CHARS,
    SOURCE_SEPARATOR,
    Issue,
)
from asskomm.records.parsed import ImportRow, ParsedImport, group_key
from asskomm.records.reading import cell_text


@dataclasses.dataclass
class RowCheck:
    """One data row under validation: its cells and line, the lookups, and where its problems go."""

    file: str
    line: int
    gaz: Gazetteer
    today: dt.date
    issues: list[Issue]
    warnings: list[Issue]
    cells: dict[str, str] = dataclasses.field(default_factory=dict)

    def err(self, message: str, column: str | None = None) -> None:
        self.issues.append(Issue(message, self.line, column, self.file))

    def warn(self, message: str, column: str | None = None) -> None:
        self.warnings.append(Issue(message, self.line, column, self.file))


# ------------------------------------------------------------------------------------------- cells


def read_cells(check: RowCheck, raw: list[Any], columns: dict[str, int], text_formulas: bool) -> dict[str, str]:
    """The row's cells as text: formula cells refused (CSV) or unescaped, over-long text cut and reported."""
    cells: dict[str, str] = {}
    for col, idx in columns.items():
        text = cell_text(raw[idx]) if idx < len(raw) else ""
        if text_formulas:
            text = _formula_checked(check, col, text)
        if len(text) > MAX_CELL_CHARS:
            check.err(f"Zu langer Text ({len(text)} Zeichen, höchstens {MAX_CELL_CHARS}).", col)
            text = text[:MAX_CELL_CHARS]
        cells[col] = text
    for col in COLUMNS:
        cells.setdefault(col, "")
    return cells


def _formula_checked(check: RowCheck, col: str, text: str) -> str:
    if _NEUTRALISED.match(text):
        return text[1:]
    if FORMULA_START.match(text) and not (col == "betrag_eur" and re.fullmatch(r"-?[\d.,]+", text)):
        check.err(
            f"Zelle beginnt mit »{text[:1]}« und würde in Excel als Formel ausgeführt: »{text[:40]}«. "
            "Bitte ein Apostroph voranstellen oder den Text umformulieren.",
            col,
        )
    return text


# ------------------------------------------------------------------------------------------- column rules
# Each rule reads the row's cells, reports its problems on the RowCheck and returns the parsed value.


def check_baustein(check: RowCheck) -> str | None:
    text = check.cells["baustein"]
    if not text:
        check.err("Baustein fehlt.", "baustein")
        return None
    baustein = vocab.resolve_baustein(text)
    if baustein is None:
        check.err(f"Unbekannter Baustein »{text}«. Erlaubt: {', '.join(vocab.baustein_ids())}.", "baustein")
    return baustein


def check_datum(check: RowCheck, baustein: str | None) -> str:
    text = check.cells["datum"]
    try:
        datum = normalise_datum(text)
    except DateError as exc:
        check.err(str(exc) + ".", "datum")
        return ""
    if not datum:
        return ""
    earliest = EARLIEST_DATE_BY_BAUSTEIN.get(baustein or "", EARLIEST_DATE)
    if period_start(datum) > check.today:
        check.err(f"Datum »{text}« liegt in der Zukunft (heute ist {check.today:%d.%m.%Y}).", "datum")
    elif period_end(datum) < earliest:
        check.err(
            f"Datum »{text}« liegt vor dem {earliest:%d.%m.%Y}; das ist für diesen Baustein nicht plausibel.",
            "datum",
        )
    return datum


def check_problemfelder(check: RowCheck) -> tuple[str, ...]:
    pf_ids = vocab.problemfeld_ids()
    pfs: list[str] = []
    for part in re.split(r"[;,|]", check.cells["problemfelder"]):
        part = part.strip()
        if not part:
            continue
        pf = vocab.resolve_problemfeld(part)
        if pf is None:
            close = difflib.get_close_matches(part, list(vocab.problemfeld_labels().values()), n=2, cutoff=0.5)
            hint = f" Meinten Sie: {', '.join(close)}?" if close else f" Erlaubt: {', '.join(pf_ids)}."
            check.err(f"Unbekanntes Problemfeld »{part}«.{hint}", "problemfelder")
        elif pf not in pfs:
            pfs.append(pf)
    return tuple(sorted(pfs, key=pf_ids.index))


def parse_amount(text: str) -> float:
    """German or plain amount: ``160000``, ``160.000``, ``160.000,50``, ``1234.5`` → float."""
    t = text.replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "")
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", t):
        t = t.replace(".", "")
    value = float(t)
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(text)
    return round(value, 2)


def check_betrag(check: RowCheck) -> float | None:
    text = check.cells["betrag_eur"]
    if not text:
        return None
    try:
        return parse_amount(text)
    except ValueError:
        check.err(f"»{text}« ist kein Betrag in Euro (z. B. 160000 oder 160.000,00).", "betrag_eur")
        return None


def check_quelle(check: RowCheck) -> str:
    if not check.cells["quelle"]:
        check.err("Quelle fehlt: jede Angabe braucht eine Quelle (URL oder interner Verweis).", "quelle")
    return check.cells["quelle"]


# ------------------------------------------------------------------------------------------- the participant


def check_participant(check: RowCheck, group_names: dict[str, str]) -> tuple[str, str, str, str | None] | None:
    """(kind, participant key, participant name, member AGS) of the row, or None after reporting why not."""
    resolved = resolve_participant(check)
    if resolved is None:
        return None
    kind, ags = resolved
    gruppe = check.cells["gruppe"]
    if gruppe:
        if kind == "landkreis":
            check.err("Ein Landkreis kann kein Mitglied einer Gruppe sein.", "gruppe")
            return None
        key = group_key(gruppe)
        return "gruppe", key, group_names.setdefault(key, gruppe), ags
    if kind == "landkreis":
        return "landkreis", ags, landkreis_name(check.gaz.kreis_names[ags]), None
    return "gemeinde", ags, check.gaz.names[ags], ags


def resolve_participant(check: RowCheck) -> tuple[str, str] | None:
    """("gemeinde", ags) or ("landkreis", kreis key) for a row, or None after reporting an error."""
    if check.cells["ags"]:
        return _by_key(check)
    gname = check.cells["gemeinde"]
    if not gname:
        check.err("Weder »ags« noch »gemeinde« angegeben.", "ags")
        return None
    if _is_kreis_name(gname):
        kreis_ags = check.gaz.resolve_kreis(re.sub(r"\(kreisebene\)", "", gname, flags=re.I))
        if kreis_ags is None:
            check.err(f"Landkreis »{gname}« ist unbekannt.", "gemeinde")
            return None
        return "landkreis", kreis_ags
    ags, error, notice = check.gaz.resolve_name(gname, check.cells["kreis"])
    if error:
        check.err(error + ("." if not error.endswith((".", "?")) else ""), "kreis" if error.startswith("Kreis") else "gemeinde")
        return None
    if notice:
        check.warn(notice + ".", "gemeinde")
    return "gemeinde", ags


def _by_key(check: RowCheck) -> tuple[str, str] | None:
    ags_text, gaz = check.cells["ags"], check.gaz
    digits = re.sub(r"[\s.]", "", ags_text)
    if not digits.isdigit() or len(digits) not in (5, 8, 12):
        check.err(f"»{ags_text}« ist kein Gemeindeschlüssel (8 Ziffern) oder Kreisschlüssel (5 Ziffern).", "ags")
        return None
    if len(digits) == 12:
        digits = digits[:5] + digits[9:]
    if not digits.startswith(LAND_PREFIX):
        check.err(
            f"Schlüssel {digits} gehört nicht zu Sachsen (sächsische Schlüssel beginnen mit {LAND_PREFIX}).", "ags"
        )
        return None
    if len(digits) == 5:
        return _by_kreis_key(check, digits)
    current = gaz.successor(digits)
    if current is None:
        check.err(
            f"Gemeindeschlüssel {digits} ist unbekannt (keine heutige sächsische Gemeinde, auch nicht über "
            "Gemeindefusionen).",
            "ags",
        )
        return None
    if current != digits:
        check.warn(f"Schlüssel {digits} ist heute {gaz.label(current)}.", "ags")
    gname = check.cells["gemeinde"]
    if gname and not _is_kreis_name(gname):
        by_name, _, _ = gaz.resolve_name(gname, check.cells["kreis"])
        if by_name != current and name_keys(gname)[0] != name_keys(gaz.names[current])[0]:
            check.err(f"Schlüssel {digits} ist {gaz.label(current)}, nicht »{gname}«.", "gemeinde")
            return None
    return "gemeinde", current


def _by_kreis_key(check: RowCheck, digits: str) -> tuple[str, str] | None:
    if digits not in check.gaz.kreis_names:
        check.err(f"Kreisschlüssel {digits} ist unbekannt.", "ags")
        return None
    if digits in check.gaz.kreisfrei:
        return "gemeinde", digits + "000"  # kreisfreie Stadt
    return "landkreis", digits


# ------------------------------------------------------------------------------------------- one row


def check_row(check: RowCheck, group_names: dict[str, str]) -> ImportRow | None:
    """Every rule on one row (all problems are reported); the row, or None if any rule refused it."""
    n_before = len(check.issues)
    participant = check_participant(check, group_names)
    baustein = check_baustein(check)
    datum = check_datum(check, baustein)
    pfs = check_problemfelder(check)
    betrag = check_betrag(check)
    quelle = check_quelle(check)
    if len(check.issues) > n_before or participant is None or baustein is None:
        return None
    kind, key, pname, member = participant
    return ImportRow(
        check.line, kind, key, pname, member, baustein, datum, pfs, betrag, quelle, check.cells["bemerkung"],
        check.cells["unbestaetigt"],
    )


# ------------------------------------------------------------------------------------------- across rows


@dataclasses.dataclass
class Duplicates:
    """Rows already seen: a participant names a milestone once; a group's rows of one milestone agree."""

    single: dict[tuple[str, str, str], int] = dataclasses.field(default_factory=dict)
    group: dict[tuple[str, str, str], ImportRow] = dataclasses.field(default_factory=dict)
    member: dict[tuple, int] = dataclasses.field(default_factory=dict)

    def accept(self, row: ImportRow, check: RowCheck) -> bool:
        return self._group_row(row, check) if row.kind == "gruppe" else self._single_row(row, check)

    def _single_row(self, row: ImportRow, check: RowCheck) -> bool:
        key = row.milestone_key
        if key in self.single:
            check.err(
                f"Doppelte Zeile: derselbe Teilnehmer, Baustein und dasselbe Datum wie in Zeile "
                f"{self.single[key]}. Mehrere Quellen bitte in einer Zeile mit »{SOURCE_SEPARATOR.strip()}« "
                "trennen."
            )
            return False
        self.single[key] = row.row
        return True

    def _group_row(self, row: ImportRow, check: RowCheck) -> bool:
        key = row.milestone_key
        member_key = (*key, row.member)
        if member_key in self.member:
            check.err(
                f"Doppelte Zeile: Gruppe, Mitglied, Baustein und Datum wie in Zeile {self.member[member_key]}."
            )
            return False
        self.member[member_key] = row.row
        first = self.group.setdefault(key, row)
        fields = ("problemfelder", "betrag_eur", "quelle", "bemerkung", "unbestaetigt")
        differing = [c for c, a, b in zip(fields, first.content(), row.content(), strict=True) if a != b]
        for col in differing:
            check.err(
                f"Widerspricht Zeile {first.row}: Zeilen einer Gruppe mit demselben Baustein und Datum "
                "bilden einen Meilenstein und müssen übereinstimmen.",
                col,
            )
        return not differing


# ------------------------------------------------------------------------------------------- the table


def validate(
    table: list[list[Any]], name: str, gaz: Gazetteer, today: dt.date, issues: list[Issue],
    text_formulas: bool = True, warnings: list[Issue] | None = None,
) -> ParsedImport:
    """Check a whole table; the rows when every rule passed, else every problem and no rows."""
    warnings = list(warnings or ())
    head = read_header(table, name, issues, warnings)
    body = data_rows(table, head[0], name, issues) if head else None
    if head is None or body is None:
        return ParsedImport(name, errors=tuple(issues), warnings=tuple(warnings))
    columns = head[1]
    duplicates = Duplicates()
    group_names: dict[str, str] = {}
    rows: list[ImportRow] = []
    for line, raw in body:
        check = RowCheck(name, line, gaz, today, issues, warnings)
        check.cells = read_cells(check, raw, columns, text_formulas)
        row = check_row(check, group_names)
        if row is not None and duplicates.accept(row, check):
            rows.append(row)
    if issues:
        return ParsedImport(name, (), tuple(issues), tuple(warnings))
    return ParsedImport(name, tuple(rows), (), tuple(warnings))
