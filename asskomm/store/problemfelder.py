"""The Problemfelder vocabulary as edited in the app, stored over data/problemfelder.csv."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from asskomm.records import vocabulary as vocab
from asskomm.store.results import ConflictError
from asskomm.store.rows import audit_entry, same_values
from asskomm.store.schema import audit_log, focus, problemfeld_entries, utc_now


class ProblemfeldEntries:
    """Store methods: the Problemfelder vocabulary as edited in the app, stored over data/problemfelder.csv."""

    # Problemfelder vocabulary (admins) ---------------------------------------------------------
    def _use_vocabulary(self, conn: sa.Connection) -> None:
        rows = conn.execute(
            sa.select(problemfeld_entries).order_by(problemfeld_entries.c.position, problemfeld_entries.c.id)
        ).mappings()
        self._vocab_rows = tuple(
            {"id": r["id"], "label": r["label"], "colour": r["colour"], "description": r["description"] or ""}
            for r in rows
        )
        vocab.set_problemfeld_overlay(self._vocab_rows)

    def problemfeld_entries(self) -> dict[str, dict[str, Any]]:
        """Entries stored in the app (id → label, colour, description, version, updated_by/at)."""
        with self.engine.connect() as conn:
            return {
                r["id"]: dict(r)
                for r in conn.execute(sa.select(problemfeld_entries).order_by(problemfeld_entries.c.position))
                .mappings()
            }

    def save_problemfeld(
        self, pf_id: str, values: Mapping[str, str], actor: str, *, expected_version: int | None = None
    ) -> int:
        """Add a Problemfeld or change one (label, colour, description); returns the entry's version.

        Validation is the caller's (``asskomm.store.vocab_editing``). ``expected_version``: the version read before
        editing (None = the id has no database entry yet); a mismatch raises ConflictError.
        """
        now = utc_now()
        values = {k: values[k] for k in self.PROBLEMFELD_FIELDS}
        with self._lock, self.engine.begin() as conn:
            row = conn.execute(
                sa.select(problemfeld_entries).where(problemfeld_entries.c.id == pf_id)
            ).mappings().first()
            current = {k: row[k] for k in self.PROBLEMFELD_FIELDS} if row is not None else None
            if (row["version"] if row is not None else None) != expected_version:
                raise ConflictError("Das Problemfeld wurde inzwischen von jemand anderem geändert.", current)
            file_row = next((r for r in vocab.problemfelder().to_dict("records") if r["id"] == pf_id), None)
            if row is None:
                position = conn.execute(
                    sa.select(sa.func.coalesce(sa.func.max(problemfeld_entries.c.position), 0))
                ).scalar_one() + 1
                conn.execute(
                    problemfeld_entries.insert().values(
                        id=pf_id, **values, position=position, version=1, created_by=actor, created_at=now
                    )
                )
                before = {k: file_row[k] for k in self.PROBLEMFELD_FIELDS} if file_row else None
                version = 1
            else:
                version = row["version"] + 1
                conn.execute(
                    problemfeld_entries.update()
                    .where(problemfeld_entries.c.id == pf_id)
                    .values(**values, version=version, updated_by=actor, updated_at=now)
                )
                before = current
            action = "insert" if before is None else "update"
            conn.execute(
                sa.insert(audit_log),
                [audit_entry(str(uuid.uuid4()), now, actor, action, "problemfelder", None,
                        {"id": pf_id, **before} if before else None, {"id": pf_id, **values})],
            )
            self._bump(conn)
            self._use_vocabulary(conn)
        self._snapshot = None
        return version

    def _revert_problemfeld(self, conn, action, before, after, actor, now, batch) -> dict[str, Any]:
        pf_id = after.get("id") or before.get("id")
        row = conn.execute(
            sa.select(problemfeld_entries).where(problemfeld_entries.c.id == pf_id)
        ).mappings().first()
        current = {k: row[k] for k in self.PROBLEMFELD_FIELDS} if row is not None else None
        if current is None or not same_values(current, {k: after.get(k) for k in self.PROBLEMFELD_FIELDS}):
            raise ConflictError("Das Problemfeld wurde inzwischen wieder geändert.", current)
        if action == "insert":  # a new id: only while no record uses it
            used = conn.execute(
                sa.select(sa.func.count()).select_from(focus).where(focus.c.problemfeld == pf_id)
            ).scalar_one()
            if used:
                raise ConflictError(f"Das Problemfeld »{after.get('label')}« wird inzwischen verwendet.")
            conn.execute(problemfeld_entries.delete().where(problemfeld_entries.c.id == pf_id))
            log = audit_entry(batch, now, actor, "delete", "problemfelder", None, after, None)
        else:
            restored = {k: before.get(k) or "" for k in self.PROBLEMFELD_FIELDS}
            conn.execute(
                problemfeld_entries.update()
                .where(problemfeld_entries.c.id == pf_id)
                .values(**restored, version=row["version"] + 1, updated_by=actor, updated_at=now)
            )
            log = audit_entry(batch, now, actor, "update", "problemfelder", None, after, {"id": pf_id, **restored})
        self._use_vocabulary(conn)
        return log
