"""What the editing pages change, on the app's store: the audit log and its undo (Änderungen), an upload checked
row by row and then applied (Import), and the Problemfelder vocabulary (Problemfelder).

Each function works on ``ui.data.store()``, so a page holds no store and imports nothing from ``asskomm.store``.
A refused change raises :class:`EditError` (German messages, nothing written) or :class:`ConflictError`
(someone saved in between; ``current`` holds what is stored now). The Kommune page's forms are in
``ui.kommune_editor``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from asskomm import records as rec
from asskomm.store import editing, vocab_editing
from asskomm.store.audit_view import AuditRow, audit_view
from asskomm.store.audit_view import revert as revert_entry
from asskomm.store.display import FIELD_LABELS, EditError, show_value
from asskomm.store.import_preview import (
    UPLOAD_TYPES,
    Preview,
    apply_preview,
    error_report_csv,
    error_report_name,
    import_preview,
    rows_phrase,
)
from asskomm.store.results import ConflictError, ImportResult
from asskomm.store.vocab_editing import MAX_DESCRIPTION, MAX_LABEL, ProblemfeldEntry
from asskomm.ui import data

__all__ = [
    "IMPORT_COLUMNS",
    "MAX_DESCRIPTION",
    "MAX_LABEL",
    "UPLOAD_TYPES",
    "ConflictError",
    "EditError",
    "actors",
    "add_problemfeld",
    "apply_upload",
    "audit_rows",
    "audit_table",
    "change_problemfeld",
    "error_report_csv",
    "error_report_name",
    "preview_upload",
    "problemfelder",
    "problemfelder_table",
    "revert",
    "rows_phrase",
    "stored_now",
]

# ------------------------------------------------------------------------------- the audit log (Änderungen)


def actors() -> list[str]:
    """Everyone who has changed something, for the »Person« filter."""
    return editing.actors(data.store())


def audit_rows(
    records: rec.RecordSet,
    *,
    ags: str | None,
    actor: str | None,
    since: dt.date | None,
    until: dt.date | None,
    limit: int,
    admin: bool = False,
) -> list[AuditRow]:
    """The audit log as German rows, newest first, filtered by Gemeinde, person and period; ``admin``: the
    viewer may also undo changes of the Problemfelder (``Store.revert`` checks the role again)."""
    return audit_view(data.store(), records, ags=ags, actor=actor, since=since, until=until, limit=limit,
                      admin=admin)


def audit_table(rows: list[AuditRow]) -> pd.DataFrame:
    """The Änderungen page's table of ``rows``."""
    return pd.DataFrame(
        [
            {
                "Nr.": r.id,
                "Zeitpunkt": r.at.strftime("%d.%m.%Y %H:%M"),
                "Person": r.actor,
                "Was": f"{r.action} · {r.entity}" + (f" (Rücknahme von Nr. {r.revert_of})" if r.revert_of else ""),
                "Teilnehmer": r.teilnehmer,
                "Änderung": r.was,
                "Zurückgenommen": f"durch Nr. {r.reverted_by}" if r.reverted_by else "",
            }
            for r in rows
        ]
    )


def revert(audit_id: int, actor: str) -> list[int]:
    """Undo the entry ``audit_id`` (an import as a whole); the undo is logged itself."""
    return revert_entry(data.store(), audit_id, actor)


def stored_now(current: Mapping[str, Any]) -> pd.DataFrame:
    """What a conflict found stored now, as German field labels and values."""
    return pd.DataFrame(
        [(FIELD_LABELS.get(k, k), show_value(k, v)) for k, v in current.items() if k != "participant_id"],
        columns=["Feld", "jetzt gespeichert"],
    )


# --------------------------------------------------------------------------------------- an upload (Import)
IMPORT_COLUMNS = rec.COLUMNS


def preview_upload(raw: bytes, name: str) -> Preview:
    """The uploaded file classified row by row (new, changed, unchanged, invalid) against the database now."""
    return import_preview(data.store(), raw, name)


def apply_upload(preview: Preview, actor: str, *, overwrite: bool) -> ImportResult:
    """Apply a checked upload in one transaction (refused if the database changed since the preview)."""
    return apply_preview(data.store(), preview, actor, overwrite=overwrite)


# ----------------------------------------------------------------------- the vocabulary (Problemfelder)


def problemfelder() -> list[ProblemfeldEntry]:
    """Every Problemfeld: shipped or added, with its label, colour, description and how often it is used."""
    return vocab_editing.entries(data.store())


def problemfelder_table(entries: list[ProblemfeldEntry]) -> pd.DataFrame:
    """The Problemfelder page's table of ``entries``."""
    return pd.DataFrame(
        [
            {
                "Bezeichnung": e.label,
                "Kennung": e.id,
                "Farbe": e.colour,
                "Beschreibung": e.description,
                "Herkunft": e.origin,
                "Meilensteine": e.usage,
            }
            for e in entries
        ]
    )


def add_problemfeld(values: Mapping[str, Any], actor: str) -> str:
    """A new Problemfeld; returns its id."""
    return vocab_editing.add(data.store(), values, actor)


def change_problemfeld(pf_id: str, values: Mapping[str, Any], actor: str, expected_version: int | None) -> int:
    """Change a Problemfeld's label, colour or description (its id stays)."""
    return vocab_editing.change(data.store(), pf_id, values, actor, expected_version)
