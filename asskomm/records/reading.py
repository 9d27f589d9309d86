"""Reading import files: CSV (encoding and delimiter detection) and XLSX into rows of text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

from asskomm.records import filetype, xlsx_guard
from asskomm.records.importformat import _CONTROL, _MOJIBAKE, MAX_IMPORT_COLUMNS, Issue

# Reading files


def read_table(
    path: Path, data: bytes, issues: list[Issue], warnings: list[Issue] | None = None
) -> list[list[Any]] | None:
    """Raw cells (header first) from CSV or XLSX bytes; None after recording an error.

    The content decides how the file is read (``filetype.sniff``), not the name; a name whose suffix says
    otherwise gets a notice in ``warnings``."""
    name = path.name
    kind = filetype.sniff(data)
    if kind.refused:
        issues.append(Issue(kind.refusal, file=name))
        return None
    if notice := filetype.suffix_notice(kind.kind, path.suffix):
        (warnings if warnings is not None else []).append(Issue(notice, file=name))
    if kind.kind == filetype.XLSX:
        return _read_xlsx(data, name, issues)
    text = _decode(data, name, issues)
    if text is None:
        return None
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=lambda d: (first.count(d), d == ";"))
    return _csv_rows(text, delimiter, name, issues)


def _csv_rows(text: str, delimiter: str, name: str, issues: list[Issue]) -> list[list[Any]] | None:
    """The CSV's rows, cut at the format's column count: a value further right is refused."""
    rows: list[list[Any]] = []
    for line, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        if len(row) > MAX_IMPORT_COLUMNS:
            far = next((i for i in range(len(row) - 1, MAX_IMPORT_COLUMNS - 1, -1) if row[i].strip()), None)
            if far is not None:
                issues.append(Issue(f"Ein Wert steht in der {far + 1}. Spalte; das Importformat hat höchstens "
                                    f"{MAX_IMPORT_COLUMNS} Spalten. Bitte die Spalten rechts davon löschen.",
                                    line, None, name))
                return None
            row = row[:MAX_IMPORT_COLUMNS]
        rows.append(row)
    return rows


def _decode(data: bytes, name: str, issues: list[Issue]) -> str | None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            issues.append(Issue("Die Datei ist nicht lesbar kodiert (UTF-16 fehlerhaft).", file=name))
            return None
    elif b"\x00" in data:
        issues.append(
            Issue(
                "Die Datei ist keine Textdatei (Binärdaten oder eine nicht unterstützte Kodierung). "
                "Bitte als CSV (UTF-8 oder Windows-1252) oder .xlsx speichern.",
                file=name,
            )
        )
        return None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                issues.append(
                    Issue(
                        "Die Kodierung der Datei ist nicht erkannt (weder UTF-8 noch Windows-1252).",
                        file=name,
                    )
                )
                return None
    text = text.lstrip("\ufeff")
    if len(_CONTROL.findall(text[:100_000])) > 0:
        issues.append(
            Issue("Die Datei enthält Steuerzeichen und ist wohl keine CSV-Datei (Binärdatei?).", file=name)
        )
        return None
    if m := _MOJIBAKE.search(text):
        line = text[: m.start()].count("\n") + 1
        issues.append(
            Issue(
                f"Die Datei ist falsch kodiert: »{m.group(0)}« statt eines Umlauts (UTF-8-Text wurde "
                "als Windows-1252 gespeichert). Bitte die Datei mit der richtigen Kodierung neu speichern.",
                row=line,
                file=name,
            )
        )
        return None
    return text


def _read_xlsx(data: bytes, name: str, issues: list[Issue]) -> list[list[Any]] | None:
    """The first sheet's cells, after ``xlsx_guard`` checked the zip and found the used range."""
    import zipfile

    import openpyxl

    try:
        used = xlsx_guard.check(data)
    except xlsx_guard.Refused as exc:
        issues.append(Issue(str(exc), exc.row, exc.column, name))
        return None
    if not used.rows:
        return []
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        issues.append(Issue(f"Die Excel-Datei ist nicht lesbar ({type(exc).__name__}).", file=name))
        return None
    try:
        ws = wb.worksheets[0]
        if getattr(ws, "_worksheet_path", used.sheet).lstrip("/") != used.sheet:  # openpyxl's view of "first"
            issues.append(Issue("Die Excel-Datei ist nicht lesbar (unklares erstes Tabellenblatt).", file=name))
            return None
        rows: list[list[Any]] = []
        for r, cells in enumerate(ws.iter_rows(max_row=used.rows, max_col=used.columns), start=1):
            rows.append([_xlsx_value(cell, r, c, name, issues) for c, cell in enumerate(cells)])
        return rows
    finally:
        wb.close()


def _xlsx_value(cell: Any, row: int, col: int, name: str, issues: list[Issue]) -> Any:
    """A cell's value; a formula is refused (its text is not what Excel shows)."""
    if getattr(cell, "data_type", None) != "f":
        return cell.value
    issues.append(
        Issue(f"Formel »{str(cell.value)[:40]}« ist nicht erlaubt; bitte den Wert als Text eingeben.",
              row=row, column=xlsx_guard.column_letter(col + 1), file=name)
    )
    return ""


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --------------------------------------------------------------------------------------------------
