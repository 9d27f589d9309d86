"""Single edits of milestones and KPR contacts with optimistic locking (version per row)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from asskomm.store.results import ConflictError, DuplicateError
from asskomm.store.rows import CONTACT_FIELDS, audit_entry, contact_fields, milestone_fields
from asskomm.store.schema import audit_log, contacts, focus, milestones, utc_now


class Edits:
    """Store methods: single edits of milestones and KPR contacts with optimistic locking (version per row)."""

    # single-record editing (used by the editing pages of issue 6) -----------------------------
    def update_milestone(
        self, milestone_id: int, expected_version: int, changes: Mapping[str, Any], actor: str
    ) -> int:
        """Change ``quelle``, ``bemerkung``, ``betrag_eur`` or ``problemfelder`` of a milestone.

        Raises ConflictError when the milestone's version is no longer ``expected_version``.
        Returns the new version.
        """
        allowed = {"quelle", "bemerkung", "betrag_eur", "problemfelder", "baustein", "datum", "unbestaetigt"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"Nicht änderbar: {', '.join(sorted(unknown))}")
        now = utc_now()
        with self._lock, self.engine.begin() as conn:
            row = conn.execute(sa.select(milestones).where(milestones.c.id == milestone_id)).first()
            if row is None:
                raise ConflictError("Der Meilenstein wurde inzwischen gelöscht.")
            pfs = [
                r[0]
                for r in conn.execute(sa.select(focus.c.problemfeld).where(focus.c.milestone_id == row.id))
            ]
            before = {"baustein": row.baustein, "datum": row.datum, **milestone_fields(row._mapping, pfs)}
            if row.version != expected_version:
                raise ConflictError("Der Meilenstein wurde inzwischen von jemand anderem geändert.", before)
            key = (changes.get("baustein", row.baustein), changes.get("datum", row.datum))
            if key != (row.baustein, row.datum) and conn.execute(
                sa.select(milestones.c.id).where(
                    milestones.c.participant_id == row.participant_id,
                    milestones.c.baustein == key[0],
                    milestones.c.datum == key[1],
                    milestones.c.id != row.id,
                )
            ).first():
                raise DuplicateError(
                    "Diesen Baustein mit diesem Datum gibt es für den Teilnehmer schon; bitte jenen Eintrag ändern."
                )
            after = {**before, **{k: (list(v) if k == "problemfelder" else v) for k, v in changes.items()}}
            values = {k: v for k, v in changes.items() if k != "problemfelder"}
            result = conn.execute(
                milestones.update()
                .where(milestones.c.id == milestone_id, milestones.c.version == expected_version)
                .values(**values, version=expected_version + 1, updated_by=actor, updated_at=now)
            )
            if result.rowcount != 1:
                raise ConflictError("Der Meilenstein wurde inzwischen von jemand anderem geändert.", before)
            if "problemfelder" in changes:
                conn.execute(focus.delete().where(focus.c.milestone_id == milestone_id))
                if after["problemfelder"]:
                    conn.execute(
                        focus.insert(),
                        [{"milestone_id": milestone_id, "problemfeld": p} for p in after["problemfelder"]],
                    )
            conn.execute(
                sa.insert(audit_log),
                [audit_entry(str(uuid.uuid4()), now, actor, "update", "milestones", milestone_id, before, after)],
            )
            self._bump(conn)
        self._snapshot = None
        return expected_version + 1

    def delete_milestone(self, milestone_id: int, expected_version: int, actor: str) -> None:
        now = utc_now()
        with self._lock, self.engine.begin() as conn:
            row = conn.execute(sa.select(milestones).where(milestones.c.id == milestone_id)).first()
            if row is None:
                raise ConflictError("Der Meilenstein wurde inzwischen gelöscht.")
            pfs = [
                r[0]
                for r in conn.execute(sa.select(focus.c.problemfeld).where(focus.c.milestone_id == row.id))
            ]
            before = {
                "participant_id": row.participant_id,
                "baustein": row.baustein,
                "datum": row.datum,
                **milestone_fields(row._mapping, pfs),
            }
            if row.version != expected_version:
                raise ConflictError("Der Meilenstein wurde inzwischen von jemand anderem geändert.", before)
            conn.execute(focus.delete().where(focus.c.milestone_id == milestone_id))
            conn.execute(
                milestones.delete().where(
                    milestones.c.id == milestone_id, milestones.c.version == expected_version
                )
            )
            conn.execute(
                sa.insert(audit_log),
                [audit_entry(str(uuid.uuid4()), now, actor, "delete", "milestones", milestone_id, before, None)],
            )
            self._bump(conn)
        self._snapshot = None

    CONTACT_FIELDS = CONTACT_FIELDS

    def add_contact(
        self,
        participant_id: int,
        actor: str,
        *,
        gremium: str,
        adresse: str = "",
        telefon: str = "",
        email: str = "",
    ) -> int:
        now = utc_now()
        values = {
            "participant_id": participant_id,
            "gremium": gremium,
            "adresse": adresse,
            "telefon": telefon,
            "email": email,
        }
        with self._lock, self.engine.begin() as conn:
            cid = conn.execute(
                contacts.insert().values(**values, version=1, created_by=actor, created_at=now)
            ).inserted_primary_key[0]
            conn.execute(
                sa.insert(audit_log),
                [audit_entry(str(uuid.uuid4()), now, actor, "insert", "contacts", cid, None, values)],
            )
            self._bump(conn)
        self._snapshot = None
        return cid

    def update_contact(
        self, contact_id: int, expected_version: int, changes: Mapping[str, Any], actor: str
    ) -> int:
        """Change a KPR contact (optimistic locking like ``update_milestone``); returns the new version."""
        unknown = set(changes) - set(self.CONTACT_FIELDS)
        if unknown:
            raise ValueError(f"Nicht änderbar: {', '.join(sorted(unknown))}")
        now = utc_now()
        with self._lock, self.engine.begin() as conn:
            row = conn.execute(sa.select(contacts).where(contacts.c.id == contact_id)).first()
            if row is None:
                raise ConflictError("Der Kontakt wurde inzwischen gelöscht.")
            before = contact_fields(row._mapping)
            if row.version != expected_version:
                raise ConflictError("Der Kontakt wurde inzwischen von jemand anderem geändert.", before)
            result = conn.execute(
                contacts.update()
                .where(contacts.c.id == contact_id, contacts.c.version == expected_version)
                .values(**changes, version=expected_version + 1, updated_by=actor, updated_at=now)
            )
            if result.rowcount != 1:
                raise ConflictError("Der Kontakt wurde inzwischen von jemand anderem geändert.", before)
            after = {**before, **changes}
            conn.execute(
                sa.insert(audit_log),
                [audit_entry(str(uuid.uuid4()), now, actor, "update", "contacts", contact_id, before, after)],
            )
            self._bump(conn)
        self._snapshot = None
        return expected_version + 1

    def delete_contact(self, contact_id: int, expected_version: int, actor: str) -> None:
        now = utc_now()
        with self._lock, self.engine.begin() as conn:
            row = conn.execute(sa.select(contacts).where(contacts.c.id == contact_id)).first()
            if row is None:
                raise ConflictError("Der Kontakt wurde inzwischen gelöscht.")
            before = contact_fields(row._mapping)
            if row.version != expected_version:
                raise ConflictError("Der Kontakt wurde inzwischen von jemand anderem geändert.", before)
            conn.execute(contacts.delete().where(contacts.c.id == contact_id))
            conn.execute(
                sa.insert(audit_log),
                [audit_entry(str(uuid.uuid4()), now, actor, "delete", "contacts", contact_id, before, None)],
            )
            self._bump(conn)
        self._snapshot = None
