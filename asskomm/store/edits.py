"""Single edits of milestones and KPR contacts with optimistic locking (version per row)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from asskomm.store.results import ConflictError, DuplicateError
from asskomm.store.rows import CONTACT_FIELDS, audit_entry, contact_fields, milestone_fields
from asskomm.store.schema import audit_log, contacts, focus, milestones, utc_now


def _current(
    conn: sa.Connection,
    table: sa.Table,
    row_id: int,
    expected_version: int,
    what: str,
    state: Callable[[Any], dict[str, Any]],
) -> tuple[Any, dict[str, Any]]:
    """The row and its state before an edit; ConflictError (German, naming ``what``) when it is gone or changed."""
    row = conn.execute(sa.select(table).where(table.c.id == row_id)).first()
    if row is None:
        raise ConflictError(f"Der {what} wurde inzwischen gelöscht.")
    before = state(row)
    if row.version != expected_version:
        raise ConflictError(f"Der {what} wurde inzwischen von jemand anderem geändert.", before)
    return row, before


def _milestone_state(conn: sa.Connection, row: Any) -> dict[str, Any]:
    pfs = [r[0] for r in conn.execute(sa.select(focus.c.problemfeld).where(focus.c.milestone_id == row.id))]
    return {"baustein": row.baustein, "datum": row.datum, **milestone_fields(row._mapping, pfs)}


def _contact_state(row: Any) -> dict[str, Any]:
    return contact_fields(row._mapping)


def _check_unchanged(rowcount: int, what: str, before: dict[str, Any]) -> None:
    if rowcount != 1:
        raise ConflictError(f"Der {what} wurde inzwischen von jemand anderem geändert.", before)


def _check_fields(changes: Mapping[str, Any], allowed: set[str] | tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"Nicht änderbar: {', '.join(sorted(unknown))}")


class Edits:
    """Store methods: single edits of milestones and KPR contacts with optimistic locking (version per row)."""

    @contextmanager
    def _edit(self, now, actor: str, action: str, entity: str) -> Iterator[tuple[sa.Connection, dict[str, Any]]]:
        """One locked transaction of a single edit: yields the connection and a dict for ``entity_id``,
        ``before`` and ``after``; on success logs the audit entry, bumps the data version, drops the snapshot."""
        log: dict[str, Any] = {}
        with self._lock, self.engine.begin() as conn:
            yield conn, log
            conn.execute(
                sa.insert(audit_log),
                [audit_entry(str(uuid.uuid4()), now, actor, action, entity, log["entity_id"], log["before"],
                             log["after"])],
            )
            self._bump(conn)
        self._snapshot = None

    # single-record editing (used by the editing pages of issue 6) -----------------------------
    def update_milestone(
        self, milestone_id: int, expected_version: int, changes: Mapping[str, Any], actor: str
    ) -> int:
        """Change ``quelle``, ``bemerkung``, ``betrag_eur`` or ``problemfelder`` of a milestone.

        Raises ConflictError when the milestone's version is no longer ``expected_version``.
        Returns the new version.
        """
        _check_fields(changes, {"quelle", "bemerkung", "betrag_eur", "problemfelder", "baustein", "datum", "unbestaetigt"})
        now = utc_now()
        with self._edit(now, actor, "update", "milestones") as (conn, log):
            row, before = _current(
                conn, milestones, milestone_id, expected_version, "Meilenstein", lambda r: _milestone_state(conn, r)
            )
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
            _check_unchanged(result.rowcount, "Meilenstein", before)
            if "problemfelder" in changes:
                conn.execute(focus.delete().where(focus.c.milestone_id == milestone_id))
                if after["problemfelder"]:
                    conn.execute(
                        focus.insert(),
                        [{"milestone_id": milestone_id, "problemfeld": p} for p in after["problemfelder"]],
                    )
            log.update(entity_id=milestone_id, before=before, after=after)
        return expected_version + 1

    def delete_milestone(self, milestone_id: int, expected_version: int, actor: str) -> None:
        with self._edit(utc_now(), actor, "delete", "milestones") as (conn, log):
            _row, before = _current(
                conn,
                milestones,
                milestone_id,
                expected_version,
                "Meilenstein",
                lambda r: {"participant_id": r.participant_id, **_milestone_state(conn, r)},
            )
            conn.execute(focus.delete().where(focus.c.milestone_id == milestone_id))
            conn.execute(
                milestones.delete().where(
                    milestones.c.id == milestone_id, milestones.c.version == expected_version
                )
            )
            log.update(entity_id=milestone_id, before=before, after=None)

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
        with self._edit(now, actor, "insert", "contacts") as (conn, log):
            cid = conn.execute(
                contacts.insert().values(**values, version=1, created_by=actor, created_at=now)
            ).inserted_primary_key[0]
            log.update(entity_id=cid, before=None, after=values)
        return cid

    def update_contact(
        self, contact_id: int, expected_version: int, changes: Mapping[str, Any], actor: str
    ) -> int:
        """Change a KPR contact (optimistic locking like ``update_milestone``); returns the new version."""
        _check_fields(changes, self.CONTACT_FIELDS)
        now = utc_now()
        with self._edit(now, actor, "update", "contacts") as (conn, log):
            _row, before = _current(conn, contacts, contact_id, expected_version, "Kontakt", _contact_state)
            result = conn.execute(
                contacts.update()
                .where(contacts.c.id == contact_id, contacts.c.version == expected_version)
                .values(**changes, version=expected_version + 1, updated_by=actor, updated_at=now)
            )
            _check_unchanged(result.rowcount, "Kontakt", before)
            log.update(entity_id=contact_id, before=before, after={**before, **changes})
        return expected_version + 1

    def delete_contact(self, contact_id: int, expected_version: int, actor: str) -> None:
        with self._edit(utc_now(), actor, "delete", "contacts") as (conn, log):
            _row, before = _current(conn, contacts, contact_id, expected_version, "Kontakt", _contact_state)
            conn.execute(contacts.delete().where(contacts.c.id == contact_id))
            log.update(entity_id=contact_id, before=before, after=None)
