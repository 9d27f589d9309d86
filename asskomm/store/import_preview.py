"""The import preview: every row of an uploaded file classified as new, changed, unchanged or invalid (with the
reasons) without changing anything; :func:`apply_preview` then applies it in one transaction, refusing if the
data changed since the preview."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asskomm import labels
from asskomm import records as rec
from asskomm.records import vocabulary as vocab
from asskomm.store.database import Store
from asskomm.store.display import FIELD_LABELS, EditError, issue_text, same_value, show_value
from asskomm.store.results import ImportResult

UPLOAD_TYPES = ("csv", "xlsx")


@dataclasses.dataclass(frozen=True)
class PreviewRow:
    zeile: int | None
    status: str  # neu | geändert | unverändert | ungültig
    teilnehmer: str
    baustein: str
    datum: str
    details: str


@dataclasses.dataclass(frozen=True)
class Problem:
    """One reason why a file cannot be imported: where (row, column), what was there, and why."""

    zeile: int | None  # as the spreadsheet shows it (header = 1); None = the whole file
    spalte: str
    wert: str
    grund: str

    def __str__(self) -> str:
        where = [f"Zeile {self.zeile}"] if self.zeile is not None else ["Datei"]
        if self.spalte:
            where.append(f"Spalte »{self.spalte}«")
        if self.wert:
            where.append(f"Wert »{self.wert}«")
        return " · ".join(where) + ": " + self.grund


@dataclasses.dataclass(frozen=True)
class Preview:
    source: str
    rows: tuple[PreviewRow, ...]
    file_errors: tuple[str, ...]  # problems that concern the whole file (no row)
    warnings: tuple[str, ...]
    parsed: rec.ParsedImport | None  # the valid rows (None if the file could not be read)
    data_version: int
    counts: dict[str, int]
    problems: tuple[Problem, ...] = ()  # every reason in full, for the list and the error report

    @property
    def invalid(self) -> int:
        return self.counts.get("ungültig", 0)

    @property
    def changed(self) -> int:
        return self.counts.get("geändert", 0)

    @property
    def applicable(self) -> bool:
        """Something to apply and nothing invalid."""
        return (
            self.parsed is not None
            and not self.file_errors
            and not self.invalid
            and (self.counts.get("neu", 0) + self.changed) > 0
        )


def import_preview(store: Store, data: bytes, name: str, *, today: dt.date | None = None) -> Preview:
    """Classify every row of an uploaded file; changes nothing. The file is read and parsed once."""
    version = store.data_version()
    gaz = store.gazetteer()
    today = today or dt.date.today()
    try:
        table = rec.read_import(data, name)
    except (csv.Error, ValueError, OSError) as exc:  # e.g. a CSV cell above the csv module's field limit
        msg = f"{name}: Die Datei kann nicht gelesen werden ({exc}). Bitte als CSV (;) oder .xlsx speichern."
        return Preview(name, (), (msg,), (), None, version, {})
    parsed = rec.validate_table(table, gaz, today=today)
    warnings = tuple(str(w) for w in parsed.warnings)
    if table.rows is None:
        return Preview(name, (), tuple(str(e) for e in parsed.errors), warnings, None, version, {},
                       _problems(parsed.errors, [], 1))
    rows: list[PreviewRow] = []
    problems: tuple[Problem, ...] = ()
    if not parsed.ok:
        header_line = next((i + 1 for i, r in enumerate(table.rows) if any(rec.cell_text(c) for c in r)), 1)
        problems = _problems(parsed.errors, table.rows, header_line)
        file_errors = tuple(str(e) for e in parsed.errors if e.row is None or e.row <= header_line)
        bad: dict[int, list[str]] = {}
        for e in parsed.errors:
            if e.row is not None and e.row > header_line:
                bad.setdefault(e.row, []).append(issue_text(e))
        if file_errors or not bad:
            return Preview(name, (), file_errors or tuple(str(e) for e in parsed.errors), warnings, None,
                           version, {}, problems)
        # The same table without the invalid rows (blanked, so row numbers stay) classifies the rest.
        valid = rec.validate_table(table, gaz, today=today, skip_rows=bad)
        typed = _typed_rows(table.rows, header_line)
        for line, reasons in sorted(bad.items()):
            rows.append(PreviewRow(line, "ungültig", *typed.get(line, ("", "", "")), "; ".join(reasons)))
        parsed = valid if valid.ok else rec.ParsedImport(name)
    if parsed.rows:
        result = store.apply_import(parsed, "vorschau", dry_run=True, overwrite=True)
        rows.extend(_classify(parsed, result))
    rows.sort(key=lambda r: (r.zeile or 0))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return Preview(name, tuple(rows), (), warnings, parsed, version, counts, problems)


def _header_index(table: Sequence[Sequence[Any]], header_line: int) -> dict[str, int]:
    """Folded column name → its first index in the header row (empty without a header)."""
    if header_line > len(table):
        return {}
    header = [vocab.fold(rec.cell_text(c)) for c in table[header_line - 1]]
    return {h: i for i, h in reversed(list(enumerate(header)))}


def _problems(
    issues: Sequence[rec.Issue], table: Sequence[Sequence[Any]], header_line: int
) -> tuple[Problem, ...]:
    """The issues with the cell's value as typed (looked up by the column's name in the header row)."""
    index = _header_index(table, header_line)
    out = []
    for issue in issues:
        value = ""
        if issue.row is not None and issue.column and 0 < issue.row <= len(table):
            i = index.get(vocab.fold(issue.column))
            row = table[issue.row - 1]
            if i is not None and i < len(row):
                value = rec.cell_text(row[i])
        out.append(Problem(issue.row, issue.column or "", value, issue.message))
    return tuple(out)


ERROR_REPORT_COLUMNS = ("Zeile", "Spalte", "Wert", "Grund")


def error_report_csv(preview: Preview) -> bytes:
    """The reasons of a refused import as CSV for Excel (``;``, UTF-8 with BOM, formula-like cells made inert):
    one line per problem with row, column, value as typed and reason, to fix the file from."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(ERROR_REPORT_COLUMNS)
    for p in preview.problems:
        writer.writerow([rec.neutralise(x) for x in ("" if p.zeile is None else str(p.zeile), p.spalte, p.wert, p.grund)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def error_report_name(source: str) -> str:
    return f"{Path(source).stem or 'import'}-fehlerbericht.csv"


def rows_phrase(n: int, singular: str, plural: str) -> str:
    """»1 Zeile ist ungültig« / »3 Zeilen sind ungültig«: the number with the right form."""
    return f"{n} {singular if n == 1 else plural}"


def _typed_rows(table: Sequence[Sequence[Any]], header_line: int) -> dict[int, tuple[str, str, str]]:
    """Row number → (participant text, baustein, datum) as typed, for listing invalid rows."""
    index = _header_index(table, header_line)

    def col(row: Sequence[Any], *names: str) -> str:
        for n in names:
            if n in index and index[n] < len(row):
                text = rec.cell_text(row[index[n]])
                if text:
                    return text
        return ""

    return {
        i: (col(r, "gruppe") or col(r, "gemeinde", "name", "kommune") or col(r, "ags"), col(r, "baustein"),
            col(r, "datum"))
        for i, r in enumerate(table[header_line:], start=header_line + 1)
    }


def _classify(parsed: rec.ParsedImport, result: ImportResult) -> list[PreviewRow]:
    bs = vocab.baustein_labels()
    by_row: dict[int, tuple[str, str]] = {}
    for change in result.changes:
        if change.kind == "neuer_meilenstein":
            for r in change.rows:
                by_row[r] = ("neu", "")
        elif change.kind == "geaenderter_meilenstein":
            diffs = "; ".join(
                f"{FIELD_LABELS.get(k, k)}: {show_value(k, change.before.get(k))} → {show_value(k, v)}"
                for k, v in change.after.items()
                if not same_value(k, change.before.get(k), v)
            )
            for r in change.rows:
                by_row[r] = ("geändert", diffs)
    new_parts = {c.rows[0]: c for c in result.changes if c.kind == "neuer_teilnehmer" and c.rows}
    out = []
    for row in parsed.rows:
        status, details = by_row.get(row.row, ("unverändert", ""))
        if row.row in new_parts:
            details = (details + "; " if details else "") + f"neuer Teilnehmer »{row.participant_name}«"
        out.append(PreviewRow(row.row, status, row.participant_name, bs.get(row.baustein, row.baustein),
                              labels.fmt_date(row.datum) if row.datum else "ohne Datum", details))
    return out


def apply_preview(store: Store, preview: Preview, actor: str, *, overwrite: bool) -> ImportResult:
    """Apply a previewed import in one transaction; ConflictError if the data changed since the preview."""
    if not preview.applicable:
        raise EditError(["Diese Datei kann so nicht übernommen werden (siehe Vorschau)."])
    if preview.changed and not overwrite:
        raise EditError(["Die Datei ändert bestehende Meilensteine; bitte »Überschreiben« bestätigen."])
    result = store.apply_import(preview.parsed, actor, overwrite=overwrite, expected_version=preview.data_version)
    if not result.ok:
        raise EditError([str(e) for e in result.errors])
    return result
