"""Row helpers shared by the store's concerns: audit entries, stored times, fields of a row, comparison."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

# The fields of a KPR contact that a user edits.
CONTACT_FIELDS = ("gremium", "adresse", "telefon", "email")


def audit_entry(
    batch: str,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any,
    after: Any,
) -> dict[str, Any]:
    return {
        "batch": batch,
        "at": at,
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": jsonable(before),
        "after": jsonable(after),
    }


def jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time with its zone: SQLite returns naive datetimes for timezone-aware columns (written in UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def iso_text(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def milestone_fields(row: Mapping[str, Any], pfs: Iterable[str]) -> dict[str, Any]:
    betrag = row["betrag_eur"]
    return {
        "problemfelder": list(pfs),
        "betrag_eur": None if betrag is None else float(betrag),
        "quelle": row["quelle"],
        "bemerkung": row["bemerkung"] or "",
        "unbestaetigt": row.get("unbestaetigt") or "",
    }


def contact_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"participant_id": row["participant_id"], **{k: row[k] or "" for k in CONTACT_FIELDS}}


def same_values(current: Mapping[str, Any], expected: Mapping[str, Any]) -> bool:
    """Whether the record still holds the values an audit entry left (only the keys it names)."""
    for key, value in expected.items():
        if key not in current:
            continue
        have = current[key]
        if key == "problemfelder":
            if sorted(have or []) != sorted(value or []):
                return False
        elif key == "betrag_eur":
            if (None if have is None else float(have)) != (None if value in (None, "") else float(value)):
                return False
        elif (have or "") != (value or ""):
            return False
    return True
