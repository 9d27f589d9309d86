"""The records: model, import format and validation, reading, export, vocabularies.

The names below are the package's public API; modules elsewhere use ``from asskomm import records as rec``.
"""

from asskomm.records.dates import (
    PROGRAMME_START,
    DateError,
    council_label,
    counts_at,
    normalise_datum,
    older_council,
    period_end,
    period_start,
    precision,
)
from asskomm.records.export import export, export_rows, neutralise
from asskomm.records.gazetteer import Gazetteer, as_gazetteer, landkreis_name, load_gazetteer, load_gemeinden
from asskomm.records.importformat import (
    COLUMNS,
    DERIVED_COLUMNS,
    EXPORT_COLUMNS,
    MAX_CELL_CHARS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    SOURCE_SEPARATOR,
    Issue,
)
from asskomm.records.model import Contact, FocusAssignment, Milestone, OfficialFigure, Participant, RecordSet
from asskomm.records.parsed import ImportRow, MilestoneSpec, ParsedImport, ParticipantSpec, group_key
from asskomm.records.parsing import ImportTable, parse_bytes, parse_file, read_import, validate_table
from asskomm.records.reading import cell_text, read_table
from asskomm.records.validation import parse_amount, validate

__all__ = [
    "COLUMNS",
    "DERIVED_COLUMNS",
    "EXPORT_COLUMNS",
    "MAX_CELL_CHARS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_COLUMNS",
    "MAX_IMPORT_ROWS",
    "MAX_XLSX_UNPACKED_BYTES",
    "PROGRAMME_START",
    "SOURCE_SEPARATOR",
    "Contact",
    "DateError",
    "FocusAssignment",
    "Gazetteer",
    "ImportRow",
    "ImportTable",
    "Issue",
    "Milestone",
    "MilestoneSpec",
    "OfficialFigure",
    "ParsedImport",
    "Participant",
    "ParticipantSpec",
    "RecordSet",
    "as_gazetteer",
    "cell_text",
    "council_label",
    "counts_at",
    "export",
    "export_rows",
    "group_key",
    "landkreis_name",
    "load_gazetteer",
    "load_gemeinden",
    "neutralise",
    "normalise_datum",
    "older_council",
    "parse_amount",
    "parse_bytes",
    "parse_file",
    "period_end",
    "period_start",
    "precision",
    "read_import",
    "read_table",
    "validate",
    "validate_table",
]
