"""Parsing and validating an import file into participants and milestones.

Validation never stops at the first problem: every problem is reported with file, row (as the spreadsheet
shows it, header = row 1) and column, in German. A file with any error changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from asskomm.records import vocabulary as vocab
from asskomm.records.dates import DateError, normalise_datum, period_end, period_start
from asskomm.records.gazetteer import Gazetteer, _is_kreis_name, as_gazetteer, landkreis_name, name_keys
from asskomm.records.importformat import (
    _FORMULA_START,
    _HEADER_ALIASES,
    _NEUTRALISED,
    COLUMNS,
    EARLIEST_DATE,
    EARLIEST_DATE_BY_BAUSTEIN,
    LAND_PREFIX,
    MAX_CELL_CHARS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    REQUIRED_COLUMNS,
    SOURCE_SEPARATOR,
    Issue,
)
from asskomm.records.reading import cell_text, read_table

# Parsed import


@dataclasses.dataclass(frozen=True)
class ImportRow:
    row: int
    kind: str  # "gemeinde" | "gruppe" | "landkreis"
    participant_key: str
    participant_name: str
    member: str | None  # the Gemeinde AGS this row names (None for a Landkreis)
    baustein: str
    datum: str
    problemfelder: tuple[str, ...]
    betrag_eur: float | None
    quelle: str
    bemerkung: str

    @property
    def milestone_key(self) -> tuple[str, str, str]:
        return (self.participant_key, self.baustein, self.datum)

    def content(self) -> tuple:
        return (self.problemfelder, self.betrag_eur, self.quelle, self.bemerkung)


@dataclasses.dataclass(frozen=True)
class ParticipantSpec:
    kind: str
    key: str
    name: str
    ags: str | None
    members: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class MilestoneSpec:
    participant_key: str
    baustein: str
    datum: str
    problemfelder: tuple[str, ...]
    betrag_eur: float | None
    quelle: str
    bemerkung: str
    rows: tuple[int, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.participant_key, self.baustein, self.datum)

    def fields(self) -> dict[str, Any]:
        return {
            "problemfelder": list(self.problemfelder),
            "betrag_eur": self.betrag_eur,
            "quelle": self.quelle,
            "bemerkung": self.bemerkung,
        }


@dataclasses.dataclass(frozen=True)
class ParsedImport:
    source: str
    rows: tuple[ImportRow, ...] = ()
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def participants(self) -> dict[str, ParticipantSpec]:
        out: dict[str, ParticipantSpec] = {}
        members: dict[str, list[str]] = {}
        for r in self.rows:
            if r.participant_key not in out:
                ags = (
                    None if r.kind == "gruppe" else (r.member if r.kind == "gemeinde" else r.participant_key)
                )
                out[r.participant_key] = ParticipantSpec(
                    r.kind, r.participant_key, r.participant_name, ags, ()
                )
                members[r.participant_key] = []
            if r.member and r.member not in members[r.participant_key]:
                members[r.participant_key].append(r.member)
        return {k: dataclasses.replace(v, members=tuple(sorted(members[k]))) for k, v in out.items()}

    def milestones(self) -> dict[tuple[str, str, str], MilestoneSpec]:
        out: dict[tuple[str, str, str], MilestoneSpec] = {}
        for r in self.rows:
            if r.milestone_key in out:
                spec = out[r.milestone_key]
                out[r.milestone_key] = dataclasses.replace(spec, rows=(*spec.rows, r.row))
            else:
                out[r.milestone_key] = MilestoneSpec(
                    r.participant_key,
                    r.baustein,
                    r.datum,
                    r.problemfelder,
                    r.betrag_eur,
                    r.quelle,
                    r.bemerkung,
                    (r.row,),
                )
        return out

    def error_report(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def group_key(name: str) -> str:
    return "gruppe:" + vocab.fold(name)


# --------------------------------------------------------------------------------------------------
# Parsing and validation


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


def parse_file(
    path: str | Path,
    gemeinden: pd.DataFrame | Gazetteer | None = None,
    *,
    today: dt.date | None = None,
    display_name: str | None = None,
) -> ParsedImport:
    """Read and validate an import file (CSV or XLSX). Never raises for bad content."""
    path = Path(path)
    name = display_name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        return ParsedImport(name, errors=(Issue(f"Die Datei ist nicht lesbar: {exc.strerror}.", file=name),))
    if size > MAX_IMPORT_BYTES:
        return ParsedImport(
            name,
            errors=(
                Issue(
                    f"Die Datei ist zu groß ({size / 1024 / 1024:.1f} MB); erlaubt sind höchstens "
                    f"{MAX_IMPORT_BYTES // 1024 // 1024} MB. Bitte in kleinere Dateien aufteilen.",
                    file=name,
                ),
            ),
        )
    return parse_bytes(path.read_bytes(), name, gemeinden, today=today)


def parse_bytes(
    data: bytes,
    name: str,
    gemeinden: pd.DataFrame | Gazetteer | None = None,
    *,
    today: dt.date | None = None,
) -> ParsedImport:
    """Like ``parse_file`` for uploaded bytes; ``name`` (with suffix) selects CSV or XLSX."""
    issues: list[Issue] = []
    if len(data) > MAX_IMPORT_BYTES:
        return ParsedImport(
            name,
            errors=(
                Issue(
                    f"Die Datei ist zu groß ({len(data) / 1024 / 1024:.1f} MB); erlaubt sind höchstens "
                    f"{MAX_IMPORT_BYTES // 1024 // 1024} MB.",
                    file=name,
                ),
            ),
        )
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return ParsedImport(name, errors=(Issue("Die Datei ist leer.", file=name),))
    table = read_table(Path(name), data, issues)
    if table is None:
        return ParsedImport(name, errors=tuple(issues))
    # In XLSX, formulas are their own cell type (refused when read); a text cell starting with "=" is text.
    text_formulas = data[:4] != b"PK\x03\x04"
    return validate(table, name, as_gazetteer(gemeinden), today or dt.date.today(), issues, text_formulas)


def validate(
    table: list[list[Any]], name: str, gaz: Gazetteer, today: dt.date, issues: list[Issue],
    text_formulas: bool = True,
) -> ParsedImport:
    warnings: list[Issue] = []

    def err(msg: str, row: int | None = None, col: str | None = None) -> None:
        issues.append(Issue(msg, row, col, name))

    header_row = next((i for i, r in enumerate(table) if any(cell_text(c) for c in r)), None)
    if header_row is None:
        err("Die Datei ist leer.")
        return ParsedImport(name, errors=tuple(issues))
    header = [vocab.fold(cell_text(c)) for c in table[header_row]]
    columns: dict[str, int] = {}
    for i, h in enumerate(header):
        canon = _HEADER_ALIASES.get(h)
        if canon is None:
            if h:
                warnings.append(
                    Issue(
                        f"Unbekannte Spalte »{cell_text(table[header_row][i])}« wird ignoriert.",
                        header_row + 1,
                        None,
                        name,
                    )
                )
            continue
        if canon in columns:
            err(f"Spalte »{canon}« kommt doppelt vor.", header_row + 1, canon)
        columns[canon] = i
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if "ags" not in columns and "gemeinde" not in columns:
        missing.insert(0, "ags oder gemeinde")
    if missing:
        err(
            f"Pflichtspalte fehlt: {', '.join(missing)}. Erwartete Spalten: {', '.join(COLUMNS)}.",
            header_row + 1,
        )
        return ParsedImport(name, errors=tuple(issues), warnings=tuple(warnings))
    body = [
        (i + 1, r)
        for i, r in enumerate(table[header_row + 1 :], start=header_row + 1)
        if any(cell_text(c) for c in r)
    ]
    if not body:
        err("Die Datei enthält nur die Kopfzeile, keine Datenzeilen.")
        return ParsedImport(name, errors=tuple(issues), warnings=tuple(warnings))
    if len(body) > MAX_IMPORT_ROWS:
        err(f"Zu viele Zeilen ({len(body)}); erlaubt sind höchstens {MAX_IMPORT_ROWS}.")
        return ParsedImport(name, errors=tuple(issues), warnings=tuple(warnings))

    pf_ids = vocab.problemfeld_ids()
    bs_ids = vocab.baustein_ids()
    rows: list[ImportRow] = []
    seen_single: dict[tuple[str, str, str], int] = {}
    seen_group: dict[tuple[str, str, str], ImportRow] = {}
    seen_member: dict[tuple[str, str, str, str | None], int] = {}
    group_names: dict[str, str] = {}

    for line, raw in body:
        n_before = len(issues)
        cells: dict[str, str] = {}
        for col, idx in columns.items():
            text = cell_text(raw[idx]) if idx < len(raw) else ""
            if not text_formulas:
                pass
            elif _NEUTRALISED.match(text):
                text = text[1:]
            elif _FORMULA_START.match(text) and not (
                col == "betrag_eur" and re.fullmatch(r"-?[\d.,]+", text)
            ):
                err(
                    f"Zelle beginnt mit »{text[:1]}« und würde in Excel als Formel ausgeführt: »{text[:40]}«. "
                    "Bitte ein Apostroph voranstellen oder den Text umformulieren.",
                    line,
                    col,
                )
            if len(text) > MAX_CELL_CHARS:
                err(f"Zu langer Text ({len(text)} Zeichen, höchstens {MAX_CELL_CHARS}).", line, col)
                text = text[:MAX_CELL_CHARS]
            cells[col] = text
        for col in COLUMNS:
            cells.setdefault(col, "")

        # participant
        kind = key = pname = member = None
        gruppe = cells["gruppe"]
        resolved = _resolve_participant(cells, gaz, line, err, warnings, name)
        if resolved is not None:
            r_kind, r_ags = resolved
            if gruppe:
                if r_kind == "landkreis":
                    err("Ein Landkreis kann kein Mitglied einer Gruppe sein.", line, "gruppe")
                else:
                    kind, key, member = "gruppe", group_key(gruppe), r_ags
                    pname = group_names.setdefault(key, gruppe)
            elif r_kind == "landkreis":
                kind, key, member = "landkreis", r_ags, None
                pname = landkreis_name(gaz.kreis_names[r_ags])
            else:
                kind, key, member, pname = "gemeinde", r_ags, r_ags, gaz.names[r_ags]

        # baustein
        baustein = vocab.resolve_baustein(cells["baustein"]) if cells["baustein"] else None
        if not cells["baustein"]:
            err("Baustein fehlt.", line, "baustein")
        elif baustein is None:
            err(
                f"Unbekannter Baustein »{cells['baustein']}«. Erlaubt: {', '.join(bs_ids)}.", line, "baustein"
            )

        # datum
        datum = ""
        try:
            datum = normalise_datum(cells["datum"])
        except DateError as exc:
            err(str(exc) + ".", line, "datum")
        if datum:
            start, end = period_start(datum), period_end(datum)
            earliest = EARLIEST_DATE_BY_BAUSTEIN.get(baustein or "", EARLIEST_DATE)
            if start > today:
                err(
                    f"Datum »{cells['datum']}« liegt in der Zukunft (heute ist {today:%d.%m.%Y}).",
                    line,
                    "datum",
                )
            elif end < earliest:
                err(
                    f"Datum »{cells['datum']}« liegt vor dem {earliest:%d.%m.%Y}; das ist für diesen Baustein "
                    "nicht plausibel.",
                    line,
                    "datum",
                )

        # problemfelder
        pfs: list[str] = []
        for part in re.split(r"[;,|]", cells["problemfelder"]):
            part = part.strip()
            if not part:
                continue
            pf = vocab.resolve_problemfeld(part)
            if pf is None:
                close = difflib.get_close_matches(
                    part, list(vocab.problemfeld_labels().values()), n=2, cutoff=0.5
                )
                hint = f" Meinten Sie: {', '.join(close)}?" if close else f" Erlaubt: {', '.join(pf_ids)}."
                err(f"Unbekanntes Problemfeld »{part}«.{hint}", line, "problemfelder")
            elif pf not in pfs:
                pfs.append(pf)
        pfs.sort(key=pf_ids.index)

        # betrag
        betrag = None
        if cells["betrag_eur"]:
            try:
                betrag = parse_amount(cells["betrag_eur"])
            except ValueError:
                err(
                    f"»{cells['betrag_eur']}« ist kein Betrag in Euro (z. B. 160000 oder 160.000,00).",
                    line,
                    "betrag_eur",
                )

        if not cells["quelle"]:
            err("Quelle fehlt: jede Angabe braucht eine Quelle (URL oder interner Verweis).", line, "quelle")

        if len(issues) > n_before or kind is None or baustein is None:
            continue
        row = ImportRow(
            line,
            kind,
            key,
            pname,
            member,
            baustein,
            datum,
            tuple(pfs),
            betrag,
            cells["quelle"],
            cells["bemerkung"],
        )
        mkey = row.milestone_key
        if kind == "gruppe":
            member_key = (*mkey, member)
            if member_key in seen_member:
                err(
                    f"Doppelte Zeile: Gruppe, Mitglied, Baustein und Datum wie in Zeile {seen_member[member_key]}.",
                    line,
                )
                continue
            seen_member[member_key] = line
            first = seen_group.get(mkey)
            if first is not None and first.content() != row.content():
                diff = [
                    c
                    for c, a, b in zip(
                        ("problemfelder", "betrag_eur", "quelle", "bemerkung"),
                        first.content(),
                        row.content(),
                        strict=True,
                    )
                    if a != b
                ]
                for col in diff:
                    err(
                        f"Widerspricht Zeile {first.row}: Zeilen einer Gruppe mit demselben Baustein und Datum "
                        "bilden einen Meilenstein und müssen übereinstimmen.",
                        line,
                        col,
                    )
                continue
            seen_group.setdefault(mkey, row)
        else:
            if mkey in seen_single:
                err(
                    f"Doppelte Zeile: derselbe Teilnehmer, Baustein und dasselbe Datum wie in Zeile "
                    f"{seen_single[mkey]}. Mehrere Quellen bitte in einer Zeile mit »{SOURCE_SEPARATOR.strip()}« "
                    "trennen.",
                    line,
                )
                continue
            seen_single[mkey] = line
        rows.append(row)

    if issues:
        return ParsedImport(name, (), tuple(issues), tuple(warnings))
    return ParsedImport(name, tuple(rows), (), tuple(warnings))


def _resolve_participant(
    cells: Mapping[str, str],
    gaz: Gazetteer,
    line: int,
    err: Callable[..., None],
    warnings: list[Issue],
    name: str,
) -> tuple[str, str] | None:
    """("gemeinde", ags) or ("landkreis", kreis key) for a row, or None after reporting an error."""
    ags_text, gname, kreis = cells["ags"], cells["gemeinde"], cells["kreis"]
    if ags_text:
        digits = re.sub(r"[\s.]", "", ags_text)
        if not digits.isdigit() or len(digits) not in (5, 8, 12):
            err(
                f"»{ags_text}« ist kein Gemeindeschlüssel (8 Ziffern) oder Kreisschlüssel (5 Ziffern).",
                line,
                "ags",
            )
            return None
        if len(digits) == 12:
            digits = digits[:5] + digits[9:]
        if not digits.startswith(LAND_PREFIX):
            err(
                f"Schlüssel {digits} gehört nicht zu Sachsen (sächsische Schlüssel beginnen mit {LAND_PREFIX}).",
                line,
                "ags",
            )
            return None
        if len(digits) == 5:
            if digits not in gaz.kreis_names:
                err(f"Kreisschlüssel {digits} ist unbekannt.", line, "ags")
                return None
            if digits in gaz.kreisfrei:
                return "gemeinde", digits + "000"  # kreisfreie Stadt
            return "landkreis", digits
        current = gaz.successor(digits)
        if current is None:
            err(
                f"Gemeindeschlüssel {digits} ist unbekannt (keine heutige sächsische Gemeinde, auch nicht über "
                "Gemeindefusionen).",
                line,
                "ags",
            )
            return None
        if current != digits:
            warnings.append(Issue(f"Schlüssel {digits} ist heute {gaz.label(current)}.", line, "ags", name))
        if gname and not _is_kreis_name(gname):
            by_name, _, _ = gaz.resolve_name(gname, kreis)
            base = name_keys(gname)[0]
            if by_name != current and base != name_keys(gaz.names[current])[0]:
                err(f"Schlüssel {digits} ist {gaz.label(current)}, nicht »{gname}«.", line, "gemeinde")
                return None
        return "gemeinde", current
    if not gname:
        err("Weder »ags« noch »gemeinde« angegeben.", line, "ags")
        return None
    if _is_kreis_name(gname):
        kreis_ags = gaz.resolve_kreis(re.sub(r"\(kreisebene\)", "", gname, flags=re.I))
        if kreis_ags is None:
            err(f"Landkreis »{gname}« ist unbekannt.", line, "gemeinde")
            return None
        return "landkreis", kreis_ags
    ags, error, notice = gaz.resolve_name(gname, kreis)
    if error:
        err(
            error + ("." if not error.endswith((".", "?")) else ""),
            line,
            "kreis" if error.startswith("Kreis") else "gemeinde",
        )
        return None
    if notice:
        warnings.append(Issue(notice + ".", line, "gemeinde", name))
    return "gemeinde", ags
