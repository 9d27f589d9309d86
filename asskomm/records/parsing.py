"""Parsing an import file (CSV or XLSX, as a path or uploaded bytes) into a validated ``ParsedImport``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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
