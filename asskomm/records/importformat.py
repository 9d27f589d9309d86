"""The import format of the records: columns, limits, header aliases, and the issues an import reports.

Import format (CSV or XLSX, one row per milestone, German column names)::

    ags; gemeinde; kreis; baustein; datum; problemfelder; betrag_eur; quelle; bemerkung; gruppe; unbestaetigt

- ``ags``: 8-digit Gemeindeschlüssel (a 12-digit ARS is accepted, a merged municipality's old key is
  mapped to today's key); a 5-digit Kreisschlüssel makes the row a Landkreis-level participant.
  If ``ags`` is empty, ``gemeinde`` (plus optional ``kreis``) finds the municipality by name.
  ``gemeinde`` = "Landkreis …" also names a Landkreis-level participant.
- ``gruppe``: rows with the same group name form one participant (Verwaltungsgemeinschaft, Städtebund …);
  each row names one member. Rows of one group with the same ``baustein`` and ``datum`` are one milestone
  and must agree in all other columns.
- ``datum``: ``2021-06-25``, ``2021-06``, ``2021``, ``25.06.2021``, ``06.2021`` or empty; the precision is kept.
- ``problemfelder``: ids or labels of the vocabulary, separated by ``;``.
- ``unbestaetigt`` (optional): the reason for doubt; a milestone with a reason is *unbestätigt* — shown with
  the reason, left out of KPIs and map colours unless a view includes unconfirmed facts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

COLUMNS = (
    "ags",
    "gemeinde",
    "kreis",
    "baustein",
    "datum",
    "problemfelder",
    "betrag_eur",
    "quelle",
    "bemerkung",
    "gruppe",
    "unbestaetigt",
)
# The export adds columns derived from the others; an import of an export ignores them without a warning.
DERIVED_COLUMNS = ("polizeidirektion",)
EXPORT_COLUMNS = (*COLUMNS[:3], *DERIVED_COLUMNS, *COLUMNS[3:])
REQUIRED_COLUMNS = ("baustein", "datum", "quelle")
# Files larger than this are refused before they are read (a 10,000-row file is about 2 MB).
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
MAX_CELL_CHARS = 5_000
# The format has 12 columns (with the export's derived one); the rest of 32 leaves room for own notes.
# A value further right is refused when read, before a row of millions of cells costs time and memory.
MAX_IMPORT_COLUMNS = 32
# An XLSX file is a zip: limits on what it unpacks to, checked before any XML is parsed (a 50,000-row
# workbook unpacks to about 30 MB at a ratio of about 12).
MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_XLSX_RATIO = 100  # unpacked : packed, for entries above 1 MB
MAX_XLSX_ENTRIES = 1_000
# Milestones before the preparation of the programme are refused as typos,
# except a Präventionsrat, which may be older than ASSKomm (counted as "reactivated" or existing).
EARLIEST_DATE = dt.date(2018, 1, 1)
EARLIEST_DATE_BY_BAUSTEIN = {"kpr": dt.date(1990, 10, 3)}
LAND_PREFIX = "14"
SOURCE_SEPARATOR = " | "

_HEADER_ALIASES = {
    "ags": "ags",
    "gemeindeschluessel": "ags",
    "schluessel": "ags",
    "ars": "ags",
    "gemeinde": "gemeinde",
    "name": "gemeinde",
    "kommune": "gemeinde",
    "kreis": "kreis",
    "landkreis": "kreis",
    "baustein": "baustein",
    "meilenstein": "baustein",
    "datum": "datum",
    "problemfelder": "problemfelder",
    "problemfeld": "problemfelder",
    "schwerpunkte": "problemfelder",
    "betrag eur": "betrag_eur",
    "betrag": "betrag_eur",
    "foerderbetrag": "betrag_eur",
    "quelle": "quelle",
    "quellen": "quelle",
    "bemerkung": "bemerkung",
    "bemerkungen": "bemerkung",
    "notiz": "bemerkung",
    "gruppe": "gruppe",
    "unbestaetigt": "unbestaetigt",
    "unbestatigt": "unbestaetigt",
    "unsicher": "unbestaetigt",
    "zweifel": "unbestaetigt",
}
FORMULA_START = re.compile(r"^(?:[=+@\t\r]|-[^\d\s.,])")
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")
_MOJIBAKE = re.compile(r"Ã[¤¶¼Ÿ„–œ©Ÿ]|â€[žœ“™¦]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --------------------------------------------------------------------------------------------------
# Issues


@dataclasses.dataclass(frozen=True)
class Issue:
    message: str
    row: int | None = None  # as the spreadsheet shows it: header = 1, first data row = 2
    column: str | None = None
    file: str = ""

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"Zeile {self.row}")
        if self.column:
            where.append(f"Spalte »{self.column}«")
        return (", ".join(where) + ": " if where else "") + self.message


# --------------------------------------------------------------------------------------------------
