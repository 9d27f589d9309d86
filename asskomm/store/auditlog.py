"""The audit log: every change with who, when, before and after; queries and revert."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from asskomm.store.account_tables import users
from asskomm.store.results import ConflictError
from asskomm.store.rows import audit_entry, contact_fields, milestone_fields, same_values
from asskomm.store.schema import (
    audit_log,
    audit_reverts,
    contacts,
    focus,
    members,
    milestones,
    participants,
    utc_now,
)

# Entities whose changes only admins make, so only admins may undo them (the role as stored at this moment).
ADMIN_ONLY_REVERTS = frozenset({"problemfelder"})


def _is_admin(conn: sa.Connection, actor: str) -> bool:
    row = conn.execute(sa.select(users.c.role, users.c.active).where(users.c.name == actor)).first()
    return row is not None and bool(row.active) and row.role == "admin"


class AuditLog:
    """Store methods: the audit log: every change with who, when, before and after; queries and revert."""

    def audit(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest audit entries first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).mappings()
            return [dict(r) for r in rows]

    # audit log: querying and reverting ---------------------------------------------------------
    def audit_query(
        self,
        *,
        actor: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        entities: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Audit entries, newest first, with ``reverted_by`` (id of the entry that reverted it, or None)."""
        q = sa.select(audit_log, audit_reverts.c.revert_audit_id.label("reverted_by")).outerjoin(
            audit_reverts, audit_reverts.c.audit_id == audit_log.c.id
        )
        if actor:
            q = q.where(audit_log.c.actor == actor)
        if since is not None:
            q = q.where(audit_log.c.at >= since)
        if until is not None:
            q = q.where(audit_log.c.at < until)
        if entities is not None:
            q = q.where(audit_log.c.entity.in_(list(entities)))
        q = q.order_by(audit_log.c.id.desc())
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def audit_actors(self) -> list[str]:
        with self.engine.connect() as conn:
            return sorted(r[0] for r in conn.execute(sa.select(audit_log.c.actor).distinct()))

    def milestone_participants(self) -> dict[int, int]:
        """Milestone id → participant id for the milestones that exist now."""
        with self.engine.connect() as conn:
            return dict(conn.execute(sa.select(milestones.c.id, milestones.c.participant_id)).all())

    def revert(self, audit_id: int, actor: str) -> list[int]:
        """Undo one audit entry (or, for an import's summary entry, the whole import) in one transaction.

        The undo is written to the audit log like any change (and can itself be reverted). Refused with
        ConflictError when the record was changed since (the current values are in ``.current``), when the
        entry was already reverted, or when it cannot be undone (user accounts, the seed). Returns the ids of
        the new audit entries.
        """
        now = utc_now()
        batch = str(uuid.uuid4())
        with self._lock, self.engine.begin() as conn:
            entry = conn.execute(sa.select(audit_log).where(audit_log.c.id == audit_id)).mappings().first()
            if entry is None:
                raise ConflictError("Diesen Eintrag im Änderungsprotokoll gibt es nicht.")
            if entry["action"] == "seed":
                raise ConflictError("Das Laden der Startdaten kann nicht rückgängig gemacht werden.")
            if entry["entity"] == "import":
                targets = list(
                    conn.execute(
                        sa.select(audit_log)
                        .where(audit_log.c.batch == entry["batch"], audit_log.c.id != audit_id)
                        .order_by(audit_log.c.id.desc())
                    ).mappings()
                )
            else:
                targets = [entry]
            done = {
                r[0]
                for r in conn.execute(
                    sa.select(audit_reverts.c.audit_id).where(
                        audit_reverts.c.audit_id.in_([audit_id, *(t["id"] for t in targets)])
                    )
                )
            }
            if audit_id in done or any(t["id"] in done for t in targets):
                raise ConflictError("Diese Änderung wurde bereits rückgängig gemacht.")
            if any(t["entity"] in ADMIN_ONLY_REVERTS for t in targets) and not _is_admin(conn, actor):
                raise ConflictError("Änderungen an den Problemfeldern kann nur eine Administratorin oder ein "
                                    "Administrator rückgängig machen.")
            new_ids: list[int] = []
            for target in targets:
                log = self._revert_entry(conn, dict(target), actor, now, batch)
                new_id = conn.execute(sa.insert(audit_log).values(**log)).inserted_primary_key[0]
                conn.execute(audit_reverts.insert().values(audit_id=target["id"], revert_audit_id=new_id))
                new_ids.append(new_id)
            if entry["entity"] == "import":
                summary = audit_entry(batch, now, actor, "revert", "import", None, None,
                                 {"revert_of": audit_id, "source": (entry["after"] or {}).get("source", "")})
                new_id = conn.execute(sa.insert(audit_log).values(**summary)).inserted_primary_key[0]
                conn.execute(audit_reverts.insert().values(audit_id=audit_id, revert_audit_id=new_id))
                new_ids.append(new_id)
            self._bump(conn)
        self._snapshot = None
        return new_ids

    def _revert_entry(
        self, conn: sa.Connection, entry: dict[str, Any], actor: str, now: dt.datetime, batch: str
    ) -> dict[str, Any]:
        entity, action, eid = entry["entity"], entry["action"], entry["entity_id"]
        before, after = entry["before"] or {}, entry["after"] or {}
        if entity == "milestones":
            return self._revert_milestone(conn, action, eid, before, after, actor, now, batch)
        if entity == "contacts":
            return self._revert_contact(conn, action, eid, before, after, actor, now, batch)
        if entity == "problemfelder" and action in ("insert", "update"):
            return self._revert_problemfeld(conn, action, before, after, actor, now, batch)
        if entity == "official_figures" and action in ("insert", "delete"):
            return self._revert_official_figure(conn, action, eid, before, after, actor, now, batch)
        if entity == "participants" and action == "insert":
            used = conn.execute(
                sa.select(sa.func.count()).select_from(milestones).where(milestones.c.participant_id == eid)
            ).scalar_one() + conn.execute(
                sa.select(sa.func.count()).select_from(contacts).where(contacts.c.participant_id == eid)
            ).scalar_one()
            if used:
                raise ConflictError(
                    f"»{after.get('name', eid)}« hat inzwischen weitere Einträge und wird nicht gelöscht."
                )
            conn.execute(members.delete().where(members.c.participant_id == eid))
            conn.execute(participants.delete().where(participants.c.id == eid))
            return audit_entry(batch, now, actor, "delete", "participants", eid, after, None)
        if entity == "participants" and action == "update" and "members" in before:
            have = {
                r[0] for r in conn.execute(sa.select(members.c.ags).where(members.c.participant_id == eid))
            }
            if have != set(after.get("members", [])):
                raise ConflictError("Die Mitglieder der Gruppe wurden inzwischen geändert.", {"members": sorted(have)})
            added = set(after["members"]) - set(before["members"])
            if added:
                conn.execute(members.delete().where(members.c.participant_id == eid, members.c.ags.in_(added)))
            conn.execute(
                participants.update()
                .where(participants.c.id == eid)
                .values(version=participants.c.version + 1, updated_by=actor, updated_at=now)
            )
            return audit_entry(batch, now, actor, "update", "participants", eid, after, before)
        raise ConflictError("Diese Art von Änderung kann nicht rückgängig gemacht werden.")

    def _revert_milestone(self, conn, action, eid, before, after, actor, now, batch) -> dict[str, Any]:
        row = conn.execute(sa.select(milestones).where(milestones.c.id == eid)).first() if eid else None
        current = None
        if row is not None:
            pfs = [r[0] for r in conn.execute(sa.select(focus.c.problemfeld).where(focus.c.milestone_id == eid))]
            current = {"participant_id": row.participant_id, "baustein": row.baustein, "datum": row.datum,
                       **milestone_fields(row._mapping, pfs)}
        if action == "insert":
            if current is None:
                raise ConflictError("Der Meilenstein wurde inzwischen gelöscht.")
            if not same_values(current, after):
                raise ConflictError("Der Meilenstein wurde inzwischen geändert.", current)
            conn.execute(focus.delete().where(focus.c.milestone_id == eid))
            conn.execute(milestones.delete().where(milestones.c.id == eid))
            return audit_entry(batch, now, actor, "delete", "milestones", eid, current, None)
        if action == "update":
            if current is None:
                raise ConflictError("Der Meilenstein wurde inzwischen gelöscht.")
            if not same_values(current, after):
                raise ConflictError("Der Meilenstein wurde inzwischen geändert.", current)
            values = {k: before[k] for k in ("baustein", "datum", "quelle", "bemerkung", "betrag_eur", "unbestaetigt")
                      if k in before}
            conn.execute(
                milestones.update()
                .where(milestones.c.id == eid)
                .values(**values, version=milestones.c.version + 1, updated_by=actor, updated_at=now)
            )
            if "problemfelder" in before:
                conn.execute(focus.delete().where(focus.c.milestone_id == eid))
                if before["problemfelder"]:
                    conn.execute(focus.insert(), [{"milestone_id": eid, "problemfeld": p}
                                                  for p in before["problemfelder"]])
            restored = {k: current[k] for k in after if k in current}
            return audit_entry(batch, now, actor, "update", "milestones", eid, restored,
                          {**restored, **{k: before[k] for k in before if k in restored}})
        if action == "delete":
            pid = before.get("participant_id")
            if pid is None or conn.execute(sa.select(participants.c.id).where(participants.c.id == pid)).first() is None:
                raise ConflictError("Der Teilnehmer dieses Meilensteins gibt es nicht mehr.")
            if conn.execute(sa.select(milestones.c.id).where(
                milestones.c.participant_id == pid, milestones.c.baustein == before["baustein"],
                milestones.c.datum == before["datum"])).first():
                raise ConflictError("Einen Meilenstein mit diesem Baustein und Datum gibt es inzwischen wieder.")
            new_id = conn.execute(milestones.insert().values(
                participant_id=pid, baustein=before["baustein"], datum=before["datum"],
                betrag_eur=before.get("betrag_eur"), quelle=before.get("quelle", ""),
                bemerkung=before.get("bemerkung", ""), unbestaetigt=before.get("unbestaetigt", ""),
                version=1, created_by=actor, created_at=now,
            )).inserted_primary_key[0]
            if before.get("problemfelder"):
                conn.execute(focus.insert(), [{"milestone_id": new_id, "problemfeld": p}
                                              for p in before["problemfelder"]])
            return audit_entry(batch, now, actor, "insert", "milestones", new_id, None, before)
        raise ConflictError("Diese Art von Änderung kann nicht rückgängig gemacht werden.")

    def _revert_contact(self, conn, action, eid, before, after, actor, now, batch) -> dict[str, Any]:
        row = conn.execute(sa.select(contacts).where(contacts.c.id == eid)).first() if eid else None
        current = contact_fields(row._mapping) if row is not None else None
        if action in ("insert", "update"):
            if current is None:
                raise ConflictError("Der Kontakt wurde inzwischen gelöscht.")
            if not same_values(current, after):
                raise ConflictError("Der Kontakt wurde inzwischen geändert.", current)
            if action == "insert":
                conn.execute(contacts.delete().where(contacts.c.id == eid))
                return audit_entry(batch, now, actor, "delete", "contacts", eid, current, None)
            values = {k: before[k] for k in self.CONTACT_FIELDS if k in before}
            conn.execute(contacts.update().where(contacts.c.id == eid).values(
                **values, version=contacts.c.version + 1, updated_by=actor, updated_at=now))
            return audit_entry(batch, now, actor, "update", "contacts", eid, current, {**current, **values})
        if action == "delete":
            pid = before.get("participant_id")
            if pid is None or conn.execute(sa.select(participants.c.id).where(participants.c.id == pid)).first() is None:
                raise ConflictError("Der Teilnehmer dieses Kontakts gibt es nicht mehr.")
            values = {k: before.get(k, "") for k in self.CONTACT_FIELDS}
            new_id = conn.execute(contacts.insert().values(
                participant_id=pid, **values, version=1, created_by=actor, created_at=now)).inserted_primary_key[0]
            return audit_entry(batch, now, actor, "insert", "contacts", new_id, None, before)
        raise ConflictError("Diese Art von Änderung kann nicht rückgängig gemacht werden.")
