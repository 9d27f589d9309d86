"""Validated edit operations on the records (used by the Kommune, Änderungen and Import pages).

* Milestones (with their focus areas, source and note) are validated by the import's own rules: the form
  is turned into a one-row import file and read with ``records.parse_bytes``, so a date in the future, an
  unknown Problemfeld, a missing source or a cell Excel would execute are refused with the same German
  messages as in an import.
* Changes go through the store's optimistic locking: the caller passes the version it showed the user;
  if someone saved in between, ``store.ConflictError`` is raised and :func:`conflict_diff` tells what
  changed meanwhile. Nothing is written in that case, and the user's input stays in the form.
* Every change is written to the audit log by the store; ``asskomm.store.audit_view`` turns the log into German
  rows for the Änderungen page and undoes an entry; ``asskomm.store.import_preview`` classifies an uploaded file
  before it is applied. Both are re-exported here (``editing.audit_view``, ``editing.import_preview``, …), as
  are the German field labels and ``EditError`` of ``asskomm.store.display``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Mapping
from typing import Any

from asskomm import labels
from asskomm import records as rec
from asskomm.records import vocabulary as vocab
from asskomm.records.importformat import FORMULA_START
from asskomm.store.audit_view import ACTION_LABELS, ENTITY_LABELS, TZ, AuditRow, audit_view, revert
from asskomm.store.database import Store
from asskomm.store.display import FIELD_LABELS, FORM_SOURCE, EditError, issue_text, show_value
from asskomm.store.import_preview import (
    ERROR_REPORT_COLUMNS,
    UPLOAD_TYPES,
    Preview,
    PreviewRow,
    Problem,
    apply_preview,
    error_report_csv,
    error_report_name,
    import_preview,
    rows_phrase,
)
from asskomm.store.results import ConflictError, DuplicateError, ImportResult

FORM_ORIGIN = "Eingabe auf der Kommune-Seite"  # how the audit log names such an entry
MAX_CONTACT = {"gremium": 300, "adresse": 1000, "telefon": 60, "email": 254}
_EMAIL = re.compile(r"^[^@\s<>\"';,]+@[^@\s<>\"';,]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^[0-9 +()/.\-]{3,60}$")


@dataclasses.dataclass(frozen=True)
class MilestoneForm:
    baustein: str
    datum: str = ""
    problemfelder: tuple[str, ...] = ()
    betrag_eur: str = ""
    quelle: str = ""
    bemerkung: str = ""

    @classmethod
    def of(cls, m: rec.Milestone) -> MilestoneForm:
        betrag = "" if m.betrag_eur is None else labels.fmt_num(m.betrag_eur, 2)
        return cls(m.baustein, m.datum, tuple(m.problemfelder), betrag, m.quelle, m.bemerkung)


def _row_csv(cells: Mapping[str, str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(list(cells))
    writer.writerow([str(v) for v in cells.values()])
    return buf.getvalue().encode("utf-8")


def _participant_cells(participant: rec.Participant | None, ags: str | None) -> dict[str, str]:
    if participant is None or participant.kind == "gemeinde":
        return {"ags": ags or (participant.ags if participant else "") or "", "gruppe": ""}
    if participant.kind == "landkreis":
        return {"ags": participant.ags or "", "gruppe": ""}
    member = participant.members[0] if participant.members else (ags or "")
    return {"ags": member, "gruppe": participant.name}


def validate_milestone(
    form: MilestoneForm,
    *,
    participant: rec.Participant | None = None,
    ags: str | None = None,
    gazetteer: rec.Gazetteer | None = None,
    today: dt.date | None = None,
) -> rec.ParsedImport:
    """Validate a milestone as one import row of ``participant`` (or of the Gemeinde ``ags``).

    Returns the parsed one-row import; raises EditError with German messages naming the fields.
    """
    cells = {
        **_participant_cells(participant, ags),
        "baustein": form.baustein or "",
        "datum": form.datum or "",
        "problemfelder": ";".join(form.problemfelder),
        "betrag_eur": form.betrag_eur or "",
        "quelle": form.quelle or "",
        "bemerkung": form.bemerkung or "",
    }
    if any("\x00" in v for v in cells.values()):
        raise EditError(["Die Eingabe enthält ein unzulässiges Steuerzeichen."])
    too_long = [k for k, v in cells.items() if len(v) > rec.MAX_CELL_CHARS]
    if too_long:
        raise EditError(
            [f"{FIELD_LABELS.get(k, k)}: zu langer Text (höchstens {rec.MAX_CELL_CHARS} Zeichen)." for k in too_long]
        )
    parsed = rec.parse_bytes(_row_csv(cells), FORM_SOURCE, gazetteer, today=today)
    if not parsed.ok:
        raise EditError([issue_text(i) for i in parsed.errors])
    if participant is not None and parsed.rows and parsed.rows[0].participant_key != participant.key:
        raise EditError(["Der Eintrag gehört nicht zu diesem Teilnehmer."])
    return parsed


def add_milestone(
    store: Store,
    form: MilestoneForm,
    actor: str,
    *,
    participant: rec.Participant | None = None,
    ags: str | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Add a milestone to a participant (or to the Gemeinde ``ags``, which becomes a participant)."""
    parsed = validate_milestone(form, participant=participant, ags=ags, gazetteer=store.gazetteer(), today=today)
    result = store.apply_import(parsed, actor, origin=FORM_ORIGIN)
    if not result.ok:
        row = parsed.rows[0]
        raise EditError(
            [
                f"Einen Meilenstein »{vocab.baustein_labels().get(row.baustein, row.baustein)}« mit dem Datum "
                f"{labels.fmt_date(row.datum) if row.datum else '(ohne Datum)'} gibt es hier schon; "
                "bitte jenen Eintrag bearbeiten."
            ]
        )
    return result


def find_milestone(
    store: Store, form: MilestoneForm, *, participant: rec.Participant | None = None, ags: str | None = None
) -> int | None:
    """The id of the stored milestone that ``form`` describes (participant, Baustein, date), or None."""
    try:
        row = validate_milestone(form, participant=participant, ags=ags, gazetteer=store.gazetteer()).rows[0]
    except (EditError, IndexError):
        return None
    records = store.load()
    owner = next((p for p in records.participants if p.key == row.participant_key), None)
    if owner is None:
        return None
    return next((m.id for m in records.milestones_of(owner.id)
                 if m.baustein == row.baustein and m.datum == row.datum), None)


def milestone_changes(original: rec.Milestone, parsed: rec.ParsedImport) -> dict[str, Any]:
    row = parsed.rows[0]
    new = {
        "baustein": row.baustein,
        "datum": row.datum,
        "problemfelder": list(row.problemfelder),
        "betrag_eur": row.betrag_eur,
        "quelle": row.quelle,
        "bemerkung": row.bemerkung,
    }
    old = {
        "baustein": original.baustein,
        "datum": original.datum,
        "problemfelder": list(original.problemfelder),
        "betrag_eur": original.betrag_eur,
        "quelle": original.quelle,
        "bemerkung": original.bemerkung,
    }
    return {k: v for k, v in new.items() if v != old[k]}


def update_milestone(
    store: Store,
    original: rec.Milestone,
    form: MilestoneForm,
    actor: str,
    *,
    participant: rec.Participant,
    today: dt.date | None = None,
) -> int:
    """Save the form over ``original`` (the version the user started from). Returns the new version.

    Raises EditError (invalid), ConflictError (changed or deleted meanwhile).
    """
    parsed = validate_milestone(form, participant=participant, gazetteer=store.gazetteer(), today=today)
    changes = milestone_changes(original, parsed)
    if not changes:
        return original.version
    try:
        return store.update_milestone(original.id, original.version, changes, actor)
    except DuplicateError as exc:
        raise EditError([str(exc)]) from None


def delete_milestone(store: Store, original: rec.Milestone, actor: str) -> None:
    store.delete_milestone(original.id, original.version, actor)


# ------------------------------------------------------------------------------------------ contacts


def validate_contact(values: Mapping[str, str]) -> dict[str, str]:
    out = {k: (values.get(k) or "").strip() for k in Store.CONTACT_FIELDS}
    errors = []
    if not out["gremium"]:
        errors.append("Gremium: bitte die Bezeichnung angeben (z. B. »Kommunaler Präventionsrat Pirna«).")
    for key, limit in MAX_CONTACT.items():
        if len(out[key]) > limit:
            errors.append(f"{FIELD_LABELS[key]}: zu lang ({len(out[key])} Zeichen, höchstens {limit}).")
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in out[key]):
            errors.append(f"{FIELD_LABELS[key]}: enthält unzulässige Steuerzeichen.")
    for key in ("gremium", "adresse", "email"):
        if FORMULA_START.match(out[key]):  # the import's own rule
            errors.append(
                f"{FIELD_LABELS[key]}: beginnt mit »{out[key][:1]}« und würde in Excel als Formel ausgeführt."
            )
    if out["telefon"] and not _PHONE.match(out["telefon"]):
        errors.append("Telefon: nur Ziffern, Leerzeichen und + ( ) / - . erlaubt.")
    if out["email"] and not _EMAIL.match(out["email"]):
        errors.append(f"E-Mail: »{out['email']}« ist keine gültige E-Mail-Adresse.")
    if errors:
        raise EditError(errors)
    return out


def add_contact(store: Store, participant: rec.Participant, values: Mapping[str, str], actor: str) -> int:
    return store.add_contact(participant.id, actor, **validate_contact(values))


def update_contact(store: Store, original: rec.Contact, values: Mapping[str, str], actor: str) -> int:
    clean = validate_contact(values)
    changes = {k: v for k, v in clean.items() if getattr(original, k) != v}
    if not changes:
        return original.version
    return store.update_contact(original.id, original.version, changes, actor)


def delete_contact(store: Store, original: rec.Contact, actor: str) -> None:
    store.delete_contact(original.id, original.version, actor)


# ------------------------------------------------------------------------------------------ conflicts


def conflict_diff(original: Mapping[str, Any], current: Mapping[str, Any] | None) -> list[tuple[str, str, str]]:
    """(field, value when the user started, value now) for every field someone else changed."""
    if not current:
        return []
    out = []
    for key, now in current.items():
        if key in ("participant_id",) or key not in original:
            continue
        was = original[key]
        if key == "problemfelder":
            same = sorted(was or []) == sorted(now or [])
        elif key == "betrag_eur":
            same = (None if was in (None, "") else float(was)) == (None if now in (None, "") else float(now))
        else:
            same = (was or "") == (now or "")
        if not same:
            out.append((FIELD_LABELS.get(key, key), show_value(key, was), show_value(key, now)))
    return out


def milestone_dict(m: rec.Milestone) -> dict[str, Any]:
    return {
        "baustein": m.baustein,
        "datum": m.datum,
        "problemfelder": list(m.problemfelder),
        "betrag_eur": m.betrag_eur,
        "quelle": m.quelle,
        "bemerkung": m.bemerkung,
    }


def contact_dict(c: rec.Contact) -> dict[str, Any]:
    return {k: getattr(c, k) for k in Store.CONTACT_FIELDS}






def actors(store: Store) -> list[str]:
    return store.audit_actors()


__all__ = [
    "ACTION_LABELS",
    "ENTITY_LABELS",
    "ERROR_REPORT_COLUMNS",
    "FIELD_LABELS",
    "FORM_SOURCE",
    "TZ",
    "UPLOAD_TYPES",
    "AuditRow",
    "ConflictError",
    "EditError",
    "MilestoneForm",
    "Preview",
    "PreviewRow",
    "Problem",
    "add_contact",
    "add_milestone",
    "apply_preview",
    "audit_view",
    "conflict_diff",
    "delete_contact",
    "delete_milestone",
    "error_report_csv",
    "error_report_name",
    "find_milestone",
    "import_preview",
    "revert",
    "rows_phrase",
    "show_value",
    "update_contact",
    "update_milestone",
    "validate_contact",
    "validate_milestone",
]

