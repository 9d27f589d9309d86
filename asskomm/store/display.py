"""German display of stored values, shared by the edit forms, the audit view and the import preview."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from asskomm import labels
from asskomm import records as rec
from asskomm.records import vocabulary as vocab

FORM_SOURCE = "Formular"  # the "file name" of a milestone entered on the Kommune page
FIELD_LABELS = {
    "ags": "Gemeinde",
    "gemeinde": "Gemeinde",
    "gruppe": "Gruppe",
    "baustein": "Baustein",
    "datum": "Datum",
    "problemfelder": "Problemfelder",
    "betrag_eur": "Betrag (€)",
    "quelle": "Quelle",
    "bemerkung": "Bemerkung",
    "gremium": "Gremium",
    "adresse": "Adresse",
    "telefon": "Telefon",
    "email": "E-Mail",
    "participant_id": "Teilnehmer",
    "members": "Mitglieder",
    "name": "Name",
    "role": "Rolle",
    "active": "aktiv",
    "label": "Bezeichnung",
    "colour": "Farbe",
    "description": "Beschreibung",
}

class EditError(ValueError):
    """Invalid input; ``messages`` are German, each naming the field."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


def issue_text(issue: rec.Issue) -> str:
    label = FIELD_LABELS.get(issue.column or "", "")
    return f"{label}: {issue.message}" if label else issue.message


def show_value(key: str, value: Any) -> str:
    """German display of one field value (for diffs and the audit log)."""
    if value is None or value == "" or value == []:
        return "–"
    if key == "problemfelder":
        names = vocab.problemfeld_labels()
        return ", ".join(names.get(p, p) for p in value)
    if key == "baustein":
        return vocab.baustein_labels().get(value, value)
    if key == "datum":
        return labels.fmt_date(value)
    if key == "betrag_eur":
        try:
            return labels.fmt_eur(float(value))
        except (TypeError, ValueError):
            return str(value)
    if key == "members" and isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def same_value(key: str, a: Any, b: Any) -> bool:
    if key == "problemfelder":
        return sorted(a or []) == sorted(b or [])
    return (a if a not in (None, []) else "") == (b if b not in (None, []) else "")
