"""The audit log as German rows for the Änderungen page, and undoing an entry (the undo is logged too)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any

from asskomm import records as rec
from asskomm.store.auditlog import ADMIN_ONLY_REVERTS
from asskomm.store.database import Store
from asskomm.store.display import FIELD_LABELS, FORM_SOURCE, same_value, show_value
from asskomm.store.official_figures import describe as official_describe

TZ = zoneinfo.ZoneInfo("Europe/Berlin")
ENTITY_LABELS = {
    "milestones": "Meilenstein",
    "contacts": "KPR-Kontakt",
    "participants": "Teilnehmer",
    "users": "Benutzer",
    "import": "Import",
    "problemfelder": "Problemfeld",
    "official_figures": "Amtliche Zahl",
}
ACTION_LABELS = {
    "insert": "angelegt",
    "update": "geändert",
    "delete": "gelöscht",
    "import": "Import",
    "seed": "Startdaten",
    "revert": "Rücknahme",
}


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
    elif entity == "official_figures":
        return f"Nr. {(after or before).get('id', '')}: {official_describe(after or before)}"
    if action == "update":
        diffs = [
            f"{FIELD_LABELS.get(k, k)}: {show_value(k, before.get(k))} → {show_value(k, v)}"
            for k, v in after.items()
            if k in before and not same_value(k, before.get(k), v)
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


def audit_view(
    store: Store,
    records: rec.RecordSet,
    *,
    ags: str | None = None,
    actor: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 300,
    admin: bool = False,
) -> list[AuditRow]:
    """The audit log as German rows, newest first, filtered by Gemeinde (AGS), person and local dates;
    ``admin``: the viewer is an admin (who may also undo changes of the Problemfelder)."""
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
        if (since and at.date() < since) or (until and at.date() > until):
            continue
        before, after = e.get("before") or {}, e.get("after") or {}
        pid = _participant_id(e, before, after, m_part, by_key)
        if wanted is not None and pid not in wanted:
            continue
        p = by_id.get(pid) if pid is not None else None
        name = p.name if p else (str(after.get("name") or before.get("name") or "") if e["entity"] == "participants" else "")
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
                revertable=_revertable(e, admin),
            )
        )
        if len(out) >= limit:
            break
    return out


def _participant_id(
    e: Mapping[str, Any],
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    m_part: Mapping[int, int],
    by_key: Mapping[str, rec.Participant],
) -> int | None:
    """The participant an audit entry concerns (a deleted milestone's from the logged values)."""
    if e["entity"] == "milestones":
        pid = m_part.get(e["entity_id"]) or before.get("participant_id") or after.get("participant_id")
        if pid is None and after.get("participant") in by_key:
            pid = by_key[after["participant"]].id
        return pid
    if e["entity"] == "contacts":
        return before.get("participant_id") or after.get("participant_id")
    if e["entity"] == "participants":
        return e["entity_id"]
    return None


def _revertable(e: Mapping[str, Any], admin: bool) -> bool:
    """Not yet reverted, not the seed data, not an account change, not itself the revert of an import; a
    change that only admins make (the Problemfelder) only for admins (``Store.revert`` checks it again)."""
    return (
        not e.get("reverted_by")
        and (admin or e["entity"] not in ADMIN_ONLY_REVERTS)
        and e["action"] != "seed"
        and e["entity"] != "users"
        and not (e["entity"] == "import" and e["action"] == "revert")
    )


def revert(store: Store, audit_id: int, actor: str) -> list[int]:
    """Undo an audit entry (a whole import for its summary entry); raises ConflictError with German text."""
    return store.revert(audit_id, actor)
