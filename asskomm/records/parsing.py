"""Parsing an import file (CSV or XLSX, as a path or uploaded bytes) into a validated ``ParsedImport``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pandas as pd

from asskomm.records.gazetteer import Gazetteer, as_gazetteer
from asskomm.records.importformat import MAX_IMPORT_BYTES, Issue
from asskomm.records.parsed import ParsedImport
from asskomm.records.reading import read_table
from asskomm.records.validation import validate


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
    """Like ``parse_file`` for uploaded bytes; the content decides whether it is read as CSV or XLSX."""
    return validate_table(read_import(data, name), gemeinden, today=today)


@dataclasses.dataclass(frozen=True)
class ImportTable:
    """An import file read once: its raw cells (or None if unreadable) and what reading found."""

    name: str
    rows: list[list[Any]] | None
    issues: tuple[Issue, ...] = ()  # errors (unreadable file, formula cells, …)
    warnings: tuple[Issue, ...] = ()
    text_formulas: bool = True  # CSV: a cell starting with "=" is refused; XLSX: formulas are their own type


def read_import(data: bytes, name: str) -> ImportTable:
    """Read uploaded bytes into cells, once: size limit, type by content, CSV or XLSX."""
    if len(data) > MAX_IMPORT_BYTES:
        message = (f"Die Datei ist zu groß ({len(data) / 1024 / 1024:.1f} MB); erlaubt sind höchstens "
                   f"{MAX_IMPORT_BYTES // 1024 // 1024} MB.")
        return ImportTable(name, None, (Issue(message, file=name),))
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return ImportTable(name, None, (Issue("Die Datei ist leer.", file=name),))
    issues: list[Issue] = []
    warnings: list[Issue] = []
    rows = read_table(Path(name), data, issues, warnings)
    # In XLSX, formulas are their own cell type (refused when read); a text cell starting with "=" is text.
    return ImportTable(name, rows, tuple(issues), tuple(warnings), data[:4] != b"PK\x03\x04")


def validate_table(
    table: ImportTable,
    gemeinden: pd.DataFrame | Gazetteer | None = None,
    *,
    today: dt.date | None = None,
    skip_rows: Collection[int] = (),
) -> ParsedImport:
    """Validate a table read by ``read_import``; ``skip_rows`` (row numbers) are left out as if blank."""
    if table.rows is None:
        return ParsedImport(table.name, errors=table.issues, warnings=table.warnings)
    rows = table.rows
    if skip_rows:
        skip = set(skip_rows)
        rows = [[] if i + 1 in skip else r for i, r in enumerate(rows)]
    issues = [i for i in table.issues if i.row not in skip_rows] if skip_rows else list(table.issues)
    return validate(rows, table.name, as_gazetteer(gemeinden), today or dt.date.today(), issues,
                    table.text_formulas, list(table.warnings))
