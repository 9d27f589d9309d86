"""»Amtliche Zahlen«: current figures the ministry enters in the app (metric, value, Stand, internal reference,
who entered it and when). Admins only: every write re-reads the actor's role in its transaction
(``store.write_access``), goes to the audit log and bumps the data version; the security log notes it.

They are read with the records (``RecordSet.official_figures``) and stand beside their KPI card before any
press figure (``asskomm.analysis.figures.published_for_kpi``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from asskomm import labels, securitylog
from asskomm import records as rec
from asskomm.records.model import OFFICIAL_KENNZAHLEN
from asskomm.store.display import EditError
from asskomm.store.results import ConflictError
from asskomm.store.rows import audit_entry, iso_text
from asskomm.store.schema import audit_log, official_figures, utc_now
from asskomm.store.write_access import PermissionDenied, require_role

ENTITY = "official_figures"
FIELDS = ("kennzahl", "wert", "stand", "referenz")
MAX_VALUE = 100_000
MAX_REFERENCE = 200
ROLE = "admin"


def kennzahl_id(text: object) -> str | None:
    """The KPI field for an id or a card's label (»vereinbarungen«, »Kooperationsvereinbarungen«), or None."""
    folded = labels.fold(str(text or ""))
    for field, label in OFFICIAL_KENNZAHLEN.items():
        if folded in (labels.fold(field), labels.fold(label)):
            return field
    return None


def _value(raw: object) -> int | None:
    text = str(raw if raw is not None else "").strip().replace(".", "").replace(" ", "")
    return int(text) if re.fullmatch(r"\d{1,6}", text) and int(text) <= MAX_VALUE else None


def _stand(raw: object, today: dt.date) -> tuple[str, str]:
    """(ISO date, "") or ("", the German problem) for the Stand of a figure."""
    try:
        iso = rec.normalise_datum(raw.isoformat() if isinstance(raw, dt.date) else raw)
    except rec.DateError as exc:
        return "", f"Stand: {exc} (z. B. 30.11.2026)."
    if len(iso) != 10:
        return "", "Stand: bitte einen Tag angeben (z. B. 30.11.2026)."
    day = dt.date.fromisoformat(iso)
    if day > today:
        return "", f"Stand: der {labels.fmt_date(day)} liegt in der Zukunft."
    if day < rec.PROGRAMME_START:
        return "", f"Stand: der {labels.fmt_date(day)} liegt vor dem Start des Programms am 06.02.2019."
    return iso, ""


def validate(values: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Cleaned ``kennzahl``, ``wert``, ``stand`` (ISO), ``referenz``; EditError with every problem otherwise."""
    today = today or dt.date.today()
    problems = []
    kennzahl = kennzahl_id(values.get("kennzahl"))
    if kennzahl is None:
        allowed = ", ".join(f"{k} ({v})" for k, v in OFFICIAL_KENNZAHLEN.items())
        problems.append(f"Kennzahl: »{values.get('kennzahl') or ''}« gibt es nicht; erlaubt: {allowed}.")
    wert = _value(values.get("wert"))
    if wert is None:
        problems.append(f"Wert: bitte eine ganze Zahl von 0 bis {labels.fmt_int(MAX_VALUE)} angeben (z. B. 63).")
    stand, problem = _stand(values.get("stand"), today)
    if problem:
        problems.append(problem)
    referenz = " ".join(str(values.get("referenz") or "").split())
    if len(referenz) < 3:
        problems.append("Referenz: bitte die interne Quelle angeben (z. B. »LPR-Statistik 11/2026«).")
    elif len(referenz) > MAX_REFERENCE:
        problems.append(f"Referenz: höchstens {MAX_REFERENCE} Zeichen.")
    if problems:
        raise EditError(problems)
    return {"kennzahl": kennzahl, "wert": wert, "stand": stand, "referenz": referenz}


def describe(values: Mapping[str, Any]) -> str:
    """»Kooperationsvereinbarungen 63, Stand 30.11.2026 (LPR-Statistik 11/2026)« (audit log, messages)."""
    label = OFFICIAL_KENNZAHLEN.get(str(values.get("kennzahl")), str(values.get("kennzahl")))
    return (f"{label} {labels.fmt_int(values.get('wert'))}, Stand {labels.fmt_date(str(values.get('stand')))} "
            f"({values.get('referenz', '')})")


def read(conn: sa.Connection) -> tuple[rec.OfficialFigure, ...]:
    rows = conn.execute(sa.select(official_figures).order_by(official_figures.c.stand, official_figures.c.id))
    return tuple(
        rec.OfficialFigure(r.id, r.kennzahl, int(r.wert), r.stand, r.referenz, r.created_by, iso_text(r.created_at))
        for r in rows
    )


class OfficialFigures:
    """Store methods: the »amtliche Zahlen« (admins only, audited)."""

    def add_official_figure(self, values: Mapping[str, Any], actor: str, *, today: dt.date | None = None) -> int:
        """Enter a figure; returns its number. EditError (German, per field) or PermissionDenied; nothing is
        written then."""
        clean = validate(values, today=today)
        now = utc_now()
        with self._lock, self.engine.begin() as conn:
            user = require_role(conn, actor, ROLE, "Amtliche Zahl eintragen")
            fid = conn.execute(official_figures.insert().values(**clean, created_by=actor, created_at=now)
                               ).inserted_primary_key[0]
            conn.execute(sa.insert(audit_log), [audit_entry(str(uuid.uuid4()), now, actor, "insert", ENTITY, fid,
                                                            None, {"id": fid, **clean})])
            self._bump(conn)
        self._snapshot = None
        securitylog.record("record_changed", user=actor, role=user.role,
                           detail=f"amtliche Zahl Nr. {fid} eingetragen: {describe(clean)}")
        return int(fid)

    def remove_official_figure(self, figure_id: int, actor: str) -> dict[str, Any]:
        """Remove figure ``figure_id``; returns what it held. EditError if there is none, PermissionDenied."""
        now = utc_now()
        with self._lock, self.engine.begin() as conn:
            user = require_role(conn, actor, ROLE, "Amtliche Zahl entfernen")
            row = conn.execute(sa.select(official_figures).where(official_figures.c.id == figure_id)).mappings().first()
            if row is None:
                raise EditError([f"Nummer: eine amtliche Zahl Nr. {figure_id} gibt es nicht."])
            before = {"id": figure_id, **{k: row[k] for k in FIELDS}}
            conn.execute(official_figures.delete().where(official_figures.c.id == figure_id))
            conn.execute(sa.insert(audit_log), [audit_entry(str(uuid.uuid4()), now, actor, "delete", ENTITY,
                                                            figure_id, before, None)])
            self._bump(conn)
        self._snapshot = None
        securitylog.record("record_changed", user=actor, role=user.role,
                           detail=f"amtliche Zahl Nr. {figure_id} entfernt: {describe(before)}")
        return before

    def _revert_official_figure(self, conn, action, eid, before, after, actor, now, batch) -> dict[str, Any]:
        """Undo an entry or a removal (admins only, as the change itself; refused as a ConflictError, which the
        Änderungen page shows)."""
        try:
            require_role(conn, actor, ROLE, "Amtliche Zahl zurücknehmen")
        except PermissionDenied as exc:
            raise ConflictError(str(exc)) from None
        if action == "insert":
            if conn.execute(sa.select(official_figures.c.id).where(official_figures.c.id == eid)).first() is None:
                raise ConflictError("Die amtliche Zahl wurde inzwischen entfernt.")
            conn.execute(official_figures.delete().where(official_figures.c.id == eid))
            return audit_entry(batch, now, actor, "delete", ENTITY, eid, after, None)
        values = {k: before[k] for k in FIELDS}
        new_id = conn.execute(official_figures.insert().values(**values, created_by=actor, created_at=now)
                              ).inserted_primary_key[0]
        return audit_entry(batch, now, actor, "insert", ENTITY, new_id, None, {"id": new_id, **values})
