"""Validated edit operations on the records (used by the Kommune, Änderungen and Import pages).

* Milestones (with their focus areas, source and note) are validated by the import's own rules: the form
  is turned into a one-row import file and read with ``records.parse_bytes``, so a date in the future, an
  unknown Problemfeld, a missing source or a cell Excel would execute are refused with the same German
  messages as in an import.
* Changes go through the store's optimistic locking: the caller passes the version it showed the user;
  if someone saved in between, ``store.ConflictError`` is raised and :func:`conflict_diff` tells what
  changed meanwhile. Nothing is written in that case, and the user's input stays in the form.
* Every change is written to the audit log by the store; :func:`audit_view` turns the log into German rows
  for the Änderungen page, :func:`revert` undoes an entry (the undo is logged too).
* :func:`import_preview` classifies every row of an uploaded file as new, changed, unchanged or invalid
  (with the reasons) without changing anything; :func:`apply_preview` then applies it in one transaction,
  refusing if the data changed since the preview.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from asskomm import labels
from asskomm import records as rec
from asskomm.records import vocabulary as vocab
from asskomm.store.database import Store
from asskomm.store.results import ConflictError, DuplicateError, ImportResult

TZ = zoneinfo.ZoneInfo("Europe/Berlin")
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
ENTITY_LABELS = {
    "milestones": "Meilenstein",
    "contacts": "KPR-Kontakt",
    "participants": "Teilnehmer",
    "users": "Benutzer",
    "import": "Import",
    "problemfelder": "Problemfeld",
}
ACTION_LABELS = {
    "insert": "angelegt",
    "update": "geändert",
    "delete": "gelöscht",
    "import": "Import",
    "seed": "Startdaten",
    "revert": "Rücknahme",
}
UPLOAD_TYPES = ("csv", "xlsx")
FORM_SOURCE = "Formular"  # the "file name" of a milestone entered on the Kommune page
FORM_ORIGIN = "Eingabe auf der Kommune-Seite"  # how the audit log names such an entry
MAX_CONTACT = {"gremium": 300, "adresse": 1000, "telefon": 60, "email": 254}
_EMAIL = re.compile(r"^[^@\s<>\"';,]+@[^@\s<>\"';,]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^[0-9 +()/.\-]{3,60}$")
_FORMULA = re.compile(r"^(?:[=+@\t\r]|-[^\d\s.,])")


class EditError(ValueError):
    """Invalid input; ``messages`` are German, each naming the field."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


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


def _issue_text(issue: rec.Issue) -> str:
    label = FIELD_LABELS.get(issue.column or "", "")
    return f"{label}: {issue.message}" if label else issue.message


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
        raise EditError([_issue_text(i) for i in parsed.errors])
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
        if _FORMULA.match(out[key]):
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


# ------------------------------------------------------------------------------------------ audit log


@dataclasses.dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime  # local time (Europe/Berlin)
    actor: str
    action: str
    entity: str
    teilnehmer: str
    ags: tuple[str, ...]
    was: str  # German description of the change
    reverted_by: int | None
    revert_of: int | None
    revertable: bool

    @property
    def when(self) -> str:
        return self.at.strftime("%d.%m.%Y %H:%M:%S")


def _local(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(TZ)


def _describe(entry: Mapping[str, Any]) -> str:
    before, after = entry.get("before") or {}, entry.get("after") or {}
    entity, action = entry["entity"], entry["action"]
    if entity == "import":
        a = after or {}
        if action == "revert":
            return f"Import aus Eintrag {a.get('revert_of')} zurückgenommen"
        if a.get("source") == FORM_SOURCE:
            return "Eingabe im Formular der Kommune-Seite"
        return (
            f"Datei »{a.get('source', '')}«: {a.get('new', 0)} neu, {a.get('changed', 0)} geändert, "
            f"{a.get('unchanged', 0)} unverändert"
        )
    if entity == "users":
        data = after or before
        parts = [f"{k}: {show_value(k, v)}" for k, v in data.items()]
        return "; ".join(parts)
    head = ""
    if entity == "milestones":
        src = after or before
        if "baustein" in src:
            head = f"{show_value('baustein', src.get('baustein'))} {show_value('datum', src.get('datum'))}"
    elif entity == "contacts":
        head = str((after or before).get("gremium", ""))
    elif entity == "problemfelder":
        src = after or before
        head = f"»{src.get('label', '')}« ({src.get('id', '')})"
    if action == "update":
        diffs = [
            f"{FIELD_LABELS.get(k, k)}: {show_value(k, before.get(k))} → {show_value(k, v)}"
            for k, v in after.items()
            if k in before and not _equal(k, before.get(k), v)
        ]
        return (head + (" – " if head and diffs else "") + "; ".join(diffs)) or head or "ohne inhaltliche Änderung"
    data = after if action == "insert" else before
    details = [
        f"{FIELD_LABELS.get(k, k)}: {show_value(k, v)}"
        for k, v in data.items()
        if k
        in ("problemfelder", "quelle", "bemerkung", "betrag_eur", "adresse", "telefon", "email", "members",
            "colour", "description")
        and v not in (None, "", [])
    ]
    if entity == "participants":
        head = str(data.get("name", ""))
    text = head + (" – " + "; ".join(details) if details else "")
    origin = (after or {}).get("eingabe")
    return f"{origin}: {text}" if origin else text


def _equal(key: str, a: Any, b: Any) -> bool:
    if key == "problemfelder":
        return sorted(a or []) == sorted(b or [])
    return (a if a not in (None, []) else "") == (b if b not in (None, []) else "")


def audit_view(
    store: Store,
    records: rec.RecordSet,
    *,
    ags: str | None = None,
    actor: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 300,
) -> list[AuditRow]:
    """The audit log as German rows, newest first, filtered by Gemeinde (AGS), person and local dates."""
    entries = store.audit_query(actor=actor or None)
    by_id = {p.id: p for p in records.participants}
    by_key = {p.key: p for p in records.participants}
    m_part = store.milestone_participants()
    revert_of = {e["reverted_by"]: e["id"] for e in entries if e.get("reverted_by")}
    wanted: set[int] | None = None
    if ags:
        wanted = {p.id for p in records.participants if ags in p.members or p.ags == ags}
    out: list[AuditRow] = []
    for e in entries:
        at = _local(e["at"])
        if since and at.date() < since:
            continue
        if until and at.date() > until:
            continue
        before, after = e.get("before") or {}, e.get("after") or {}
        pid = None
        if e["entity"] == "milestones":
            pid = m_part.get(e["entity_id"]) or before.get("participant_id") or after.get("participant_id")
            if pid is None and after.get("participant") in by_key:
                pid = by_key[after["participant"]].id
        elif e["entity"] == "contacts":
            pid = before.get("participant_id") or after.get("participant_id")
        elif e["entity"] == "participants":
            pid = e["entity_id"]
        if wanted is not None and pid not in wanted:
            continue
        p = by_id.get(pid) if pid is not None else None
        name = p.name if p else (str(after.get("name") or before.get("name") or "") if e["entity"] == "participants" else "")
        revertable = (
            not e.get("reverted_by")
            and e["action"] != "seed"
            and e["entity"] != "users"
            and not (e["entity"] == "import" and e["action"] == "revert")
        )
        out.append(
            AuditRow(
                id=int(e["id"]),
                at=at,
                actor=str(e["actor"]),
                action=ACTION_LABELS.get(e["action"], e["action"]),
                entity=ENTITY_LABELS.get(e["entity"], e["entity"]),
                teilnehmer=name,
                ags=tuple(p.members) if p else (),
                was=_describe(e),
                reverted_by=e.get("reverted_by"),
                revert_of=revert_of.get(e["id"]),
                revertable=revertable,
            )
        )
        if len(out) >= limit:
            break
    return out


def revert(store: Store, audit_id: int, actor: str) -> list[int]:
    """Undo an audit entry (a whole import for its summary entry); raises ConflictError with German text."""
    return store.revert(audit_id, actor)


# ------------------------------------------------------------------------------------------ import


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
    """Classify every row of an uploaded file; changes nothing."""
    suffix = Path(name).suffix.lower().lstrip(".")
    version = store.data_version()
    if suffix not in UPLOAD_TYPES:
        msg = f"{name}: nur CSV- oder Excel-Dateien (.csv, .xlsx) können importiert werden."
        return Preview(name, (), (msg,), (), None, version, {})
    gaz = store.gazetteer()
    today = today or dt.date.today()
    try:
        parsed = rec.parse_bytes(data, name, gaz, today=today)
    except (csv.Error, ValueError, OSError) as exc:  # e.g. a CSV cell above the csv module's field limit
        msg = f"{name}: Die Datei kann nicht gelesen werden ({exc}). Bitte als CSV (;) oder .xlsx speichern."
        return Preview(name, (), (msg,), (), None, version, {})
    warnings = tuple(str(w) for w in parsed.warnings)
    rows: list[PreviewRow] = []
    if not parsed.ok:
        raw_table = [] if len(data) > rec.MAX_IMPORT_BYTES else (rec.read_table(Path(name), data, []) or [])
        header_line = next((i + 1 for i, r in enumerate(raw_table) if any(rec.cell_text(c) for c in r)), 1)
        problems = tuple(_problem(e, raw_table, header_line) for e in parsed.errors)
        file_errors = tuple(str(e) for e in parsed.errors if e.row is None or e.row <= header_line)
        bad: dict[int, list[str]] = {}
        for e in parsed.errors:
            if e.row is not None and e.row > header_line:
                bad.setdefault(e.row, []).append(_issue_text(e))
        if file_errors or not bad:
            return Preview(name, (), file_errors or tuple(str(e) for e in parsed.errors), warnings, None,
                           version, {}, problems)
        # Re-read the file without the invalid rows (blanked, so row numbers stay) to classify the rest.
        issues: list[rec.Issue] = []
        table = rec.read_table(Path(name), data, issues)  # same reader as parse_bytes
        if table is None:
            return Preview(name, (), tuple(str(i) for i in issues), warnings, None, version, {})
        table = [[] if (i + 1) in bad else r for i, r in enumerate(table)]
        valid = rec.validate(table, name, gaz, today, [], data[:4] != b"PK\x03\x04")
        for line, reasons in sorted(bad.items()):
            raw = next((r for r in _raw_rows(data, name) if r[0] == line), None)
            rows.append(PreviewRow(line, "ungültig", raw[1] if raw else "", raw[2] if raw else "",
                                   raw[3] if raw else "", "; ".join(reasons)))
        parsed = valid if valid.ok else rec.ParsedImport(name)
    else:
        problems = ()
    if parsed.rows:
        result = store.apply_import(parsed, "vorschau", dry_run=True, overwrite=True)
        rows.extend(_classify(parsed, result))
    rows.sort(key=lambda r: (r.zeile or 0))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return Preview(name, tuple(rows), (), warnings, parsed, version, counts, problems)


def _problem(issue: rec.Issue, table: Sequence[Sequence[Any]], header_line: int) -> Problem:
    """An issue with the cell's value as typed (looked up by the column's name in the header row)."""
    value = ""
    if issue.row is not None and issue.column and 0 < issue.row <= len(table) and header_line <= len(table):
        header = [vocab.fold(rec.cell_text(c)) for c in table[header_line - 1]]
        key = vocab.fold(issue.column)
        row = table[issue.row - 1]
        if key in header and header.index(key) < len(row):
            value = rec.cell_text(row[header.index(key)])
    return Problem(issue.row, issue.column or "", value, issue.message)


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


def _raw_rows(data: bytes, name: str) -> list[tuple[int, str, str, str]]:
    """(row number, participant text, baustein, datum) as typed, for listing invalid rows."""
    table = rec.read_table(Path(name), data, []) or []
    if not table:
        return []
    header = [vocab.fold(rec.cell_text(c)) for c in table[0]]

    def col(row: list[Any], *names: str) -> str:
        for n in names:
            if n in header and header.index(n) < len(row):
                text = rec.cell_text(row[header.index(n)])
                if text:
                    return text
        return ""

    return [
        (i + 1, col(r, "gruppe") or col(r, "gemeinde", "name", "kommune") or col(r, "ags"),
         col(r, "baustein"), col(r, "datum"))
        for i, r in enumerate(table[1:], start=1)
    ]


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
                if not _equal(k, change.before.get(k), v)
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


def participants_of(records: rec.RecordSet, ags: str) -> list[rec.Participant]:
    """The Gemeinde's own participant first, then the groups it belongs to, then its Landkreis level."""
    own = [p for p in records.participants if p.kind == "gemeinde" and p.ags == ags]
    groups = [p for p in records.participants if p.kind == "gruppe" and ags in p.members]
    kreis = [p for p in records.participants if p.kind == "landkreis" and p.ags == ags[:5]]
    return own + sorted(groups, key=lambda p: p.name) + kreis


def actors(store: Store) -> list[str]:
    return store.audit_actors()


__all__ = [
    "ConflictError",
    "EditError",
    "MilestoneForm",
    "add_contact",
    "add_milestone",
    "apply_preview",
    "audit_view",
    "conflict_diff",
    "delete_contact",
    "delete_milestone",
    "import_preview",
    "revert",
    "update_contact",
    "update_milestone",
    "validate_contact",
    "validate_milestone",
]

