"""The header of an import table: which column is which (names and aliases), and the data rows below it.

Problems are reported in German with the file and the row as the spreadsheet shows it (header = row 1).
"""

from __future__ import annotations

from typing import Any

from asskomm.records import vocabulary as vocab
from asskomm.records.importformat import (
    _HEADER_ALIASES,
    COLUMNS,
    DERIVED_COLUMNS,
    MAX_IMPORT_ROWS,
    REQUIRED_COLUMNS,
    Issue,
)
from asskomm.records.reading import cell_text


def read_header(
    table: list[list[Any]], name: str, issues: list[Issue], warnings: list[Issue]
) -> tuple[int, dict[str, int]] | None:
    """(header row index, column name → index), or None after reporting why the file has no usable header."""
    header_row = next((i for i, r in enumerate(table) if any(cell_text(c) for c in r)), None)
    if header_row is None:
        issues.append(Issue("Die Datei ist leer.", file=name))
        return None
    columns: dict[str, int] = {}
    for i, raw in enumerate(table[header_row]):
        h = vocab.fold(cell_text(raw))
        canon = _HEADER_ALIASES.get(h)
        if canon is None:
            if h and h not in DERIVED_COLUMNS:
                warnings.append(
                    Issue(f"Unbekannte Spalte »{cell_text(raw)}« wird ignoriert.", header_row + 1, None, name)
                )
            continue
        if canon in columns:
            issues.append(Issue(f"Spalte »{canon}« kommt doppelt vor.", header_row + 1, canon, name))
        columns[canon] = i
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if "ags" not in columns and "gemeinde" not in columns:
        missing.insert(0, "ags oder gemeinde")
    if missing:
        message = f"Pflichtspalte fehlt: {', '.join(missing)}. Erwartete Spalten: {', '.join(COLUMNS)}."
        issues.append(Issue(message, header_row + 1, None, name))
        return None
    return header_row, columns


def data_rows(table: list[list[Any]], header_row: int, name: str, issues: list[Issue]) -> list | None:
    """(line, raw cells) of the non-empty rows below the header, or None after reporting too few or many."""
    body = [
        (i + 1, r)
        for i, r in enumerate(table[header_row + 1 :], start=header_row + 1)
        if any(cell_text(c) for c in r)
    ]
    if not body:
        issues.append(Issue("Die Datei enthält nur die Kopfzeile, keine Datenzeilen.", file=name))
        return None
    if len(body) > MAX_IMPORT_ROWS:
        issues.append(Issue(f"Zu viele Zeilen ({len(body)}); erlaubt sind höchstens {MAX_IMPORT_ROWS}.", file=name))
        return None
    return body
