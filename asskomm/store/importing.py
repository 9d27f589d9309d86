"""Applying a validated import in one transaction: new participants, milestones, focus areas."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from asskomm import records as rec
from asskomm.records import vocabulary as vocab
from asskomm.store.results import Change, ConflictError, ImportRefused, ImportResult
from asskomm.store.rows import audit_entry, milestone_fields
from asskomm.store.schema import (
    SEED_ACTOR,
    audit_log,
    focus,
    members,
    meta,
    milestones,
    participants,
    utc_now,
)


class Importing:
    """Store methods: applying a validated import in one transaction: new participants, milestones, focus areas."""

    # writing ---------------------------------------------------------------------------------
    def ensure_seeded(self) -> ImportResult | None:
        """Load the seed records into an empty, never-seeded database."""
        if self.seed_file is None or not Path(self.seed_file).exists():
            return None
        with self.engine.connect() as conn:
            seeded = conn.execute(sa.select(meta.c.value).where(meta.c.key == "seeded")).scalar_one()
        if seeded or not self.is_empty():
            return None
        parsed = rec.parse_file(self.seed_file, self.gazetteer())
        if not parsed.ok:
            raise ImportRefused("Die Startdaten sind ungültig:\n" + parsed.error_report())
        return self.apply_import(parsed, SEED_ACTOR, _seed=True)

    def apply_import(
        self,
        parsed: rec.ParsedImport,
        actor: str,
        *,
        dry_run: bool = False,
        overwrite: bool = False,
        expected_version: int | None = None,
        _seed: bool = False,
    ) -> ImportResult:
        """Apply a validated import in one transaction (all or nothing).

        New participants, members and milestones are added; nothing is deleted. A row that would change an
        existing milestone is refused unless ``overwrite`` is set; either way it is reported.
        ``dry_run`` computes the same result and rolls back. ``expected_version``: raise ConflictError
        (changing nothing) if ``data_version`` is no longer this (the data changed since a preview).
        """
        if not parsed.ok:
            return ImportResult(
                parsed.source,
                False,
                dry_run,
                errors=parsed.errors,
                warnings=parsed.warnings,
                data_version=self.data_version(),
            )
        with self._lock, self.engine.connect() as conn:
            trans = conn.begin()
            try:
                if expected_version is not None and self._version(conn) != expected_version:
                    raise ConflictError(
                        "Die Daten wurden seit der Vorschau geändert; bitte die Vorschau neu erstellen."
                    )
                result = self._apply(conn, parsed, actor, dry_run=dry_run, overwrite=overwrite, seed=_seed)
                if result.errors or dry_run:
                    trans.rollback()
                else:
                    trans.commit()
            except BaseException:
                trans.rollback()
                raise
        if result.applied:
            self._snapshot = None
        return result

    def _apply(
        self,
        conn: sa.Connection,
        parsed: rec.ParsedImport,
        actor: str,
        *,
        dry_run: bool,
        overwrite: bool,
        seed: bool,
    ) -> ImportResult:
        now = utc_now()
        batch = str(uuid.uuid4())
        p_specs = parsed.participants()
        m_specs = parsed.milestones()
        existing_p = {r.key: r for r in conn.execute(sa.select(participants))}
        existing_members: dict[int, set[str]] = {}
        for pid, ags in conn.execute(sa.select(members.c.participant_id, members.c.ags)):
            existing_members.setdefault(pid, set()).add(ags)
        changes: list[Change] = []
        audit: list[dict[str, Any]] = []
        first_rows: dict[str, tuple[int, ...]] = {}
        for spec in m_specs.values():
            first_rows.setdefault(spec.participant_key, spec.rows[:1])

        # participants and members
        pid_of: dict[str, int] = {}
        new_members: list[dict[str, Any]] = []
        new_specs = [spec for key, spec in p_specs.items() if key not in existing_p]
        if new_specs:
            ids = conn.execute(
                participants.insert().returning(participants.c.id, sort_by_parameter_order=True),
                [{"kind": s.kind, "key": s.key, "name": s.name, "ags": s.ags, "version": 1,
                  "created_by": actor, "created_at": now} for s in new_specs],
            ).scalars().all()
            for pid, spec in zip(ids, new_specs, strict=True):
                pid_of[spec.key] = pid
                changes.append(Change("neuer_teilnehmer", spec.name, first_rows.get(spec.key, ())))
                audit.append(audit_entry(batch, now, actor, "insert", "participants", pid, None,
                                    {"kind": spec.kind, "key": spec.key, "name": spec.name, "ags": spec.ags,
                                     "members": list(spec.members)}))
                if spec.kind == "gruppe":
                    new_members += [{"participant_id": pid, "ags": a} for a in spec.members]
        for key, spec in p_specs.items():
            row = existing_p.get(key)
            if row is not None:
                pid = row.id
                pid_of[key] = pid
                if spec.kind == "gruppe":
                    have = existing_members.get(pid, set())
                    added = [a for a in spec.members if a not in have]
                    if added:
                        changes.append(Change("neue_mitglieder", row.name, first_rows.get(key, ()),
                                              before={"members": sorted(have)},
                                              after={"members": added}))
                        new_members += [{"participant_id": pid, "ags": a} for a in added]
                        audit.append(audit_entry(batch, now, actor, "update", "participants", pid,
                                            {"members": sorted(have)}, {"members": sorted(have | set(added))}))
                        conn.execute(participants.update().where(participants.c.id == pid).values(
                            version=participants.c.version + 1, updated_by=actor, updated_at=now))
        if new_members:
            conn.execute(members.insert(), new_members)

        # milestones
        pids = set(pid_of.values())
        existing_m: dict[tuple[int, str, str], Any] = {}
        if pids:
            for r in conn.execute(sa.select(milestones).where(milestones.c.participant_id.in_(pids))):
                existing_m[(r.participant_id, r.baustein, r.datum)] = r
        existing_focus: dict[int, list[str]] = {}
        if existing_m:
            ids = [r.id for r in existing_m.values()]
            for mid, pf in conn.execute(
                sa.select(focus.c.milestone_id, focus.c.problemfeld).where(focus.c.milestone_id.in_(ids))
            ):
                existing_focus.setdefault(mid, []).append(pf)
        pf_order = {pf: i for i, pf in enumerate(vocab.problemfeld_ids())}
        inserts: list[dict[str, Any]] = []
        insert_specs: list[rec.MilestoneSpec] = []
        conflicts: list[rec.Issue] = []
        unchanged = 0
        names = {k: s.name for k, s in p_specs.items()}
        for spec in m_specs.values():
            pid = pid_of[spec.participant_key]
            old = existing_m.get((pid, spec.baustein, spec.datum))
            after = spec.fields()
            if old is None:
                changes.append(
                    Change(
                        "neuer_meilenstein",
                        names[spec.participant_key],
                        spec.rows,
                        spec.baustein,
                        spec.datum,
                        None,
                        after,
                    )
                )
                inserts.append(
                    {
                        "participant_id": pid,
                        "baustein": spec.baustein,
                        "datum": spec.datum,
                        "betrag_eur": spec.betrag_eur,
                        "quelle": spec.quelle,
                        "bemerkung": spec.bemerkung,
                        "version": 1,
                        "created_by": actor,
                        "created_at": now,
                    }
                )
                insert_specs.append(spec)
                continue
            before = milestone_fields(
                old._mapping, sorted(existing_focus.get(old.id, ()), key=lambda p: pf_order.get(p, 999))
            )
            if before == after:
                unchanged += 1
                continue
            change = Change(
                "geaenderter_meilenstein",
                names[spec.participant_key],
                spec.rows,
                spec.baustein,
                spec.datum,
                before,
                after,
            )
            changes.append(change)
            if not overwrite:
                conflicts.append(
                    rec.Issue(
                        str(change).split(": ", 1)[1] + " – bestehende Einträge werden nicht stillschweigend "
                        "überschrieben; zum Übernehmen »--ueberschreiben« angeben.",
                        spec.rows[0],
                        None,
                        parsed.source,
                    )
                )
                continue
            conn.execute(
                milestones.update()
                .where(milestones.c.id == old.id)
                .values(
                    betrag_eur=spec.betrag_eur,
                    quelle=spec.quelle,
                    bemerkung=spec.bemerkung,
                    version=milestones.c.version + 1,
                    updated_by=actor,
                    updated_at=now,
                )
            )
            conn.execute(focus.delete().where(focus.c.milestone_id == old.id))
            if spec.problemfelder:
                conn.execute(
                    focus.insert(), [{"milestone_id": old.id, "problemfeld": pf} for pf in spec.problemfelder]
                )
            audit.append(audit_entry(batch, now, actor, "update", "milestones", old.id, before, after))

        if conflicts:
            return ImportResult(
                parsed.source,
                False,
                dry_run,
                tuple(changes),
                unchanged,
                tuple(conflicts),
                parsed.warnings,
                self._version(conn),
            )
        if inserts:
            new_ids = (
                conn.execute(
                    milestones.insert().returning(milestones.c.id, sort_by_parameter_order=True), inserts
                )
                .scalars()
                .all()
            )
            focus_rows = [
                {"milestone_id": mid, "problemfeld": pf}
                for mid, spec in zip(new_ids, insert_specs, strict=True)
                for pf in spec.problemfelder
            ]
            if focus_rows:
                conn.execute(focus.insert(), focus_rows)
            for mid, spec in zip(new_ids, insert_specs, strict=True):
                audit.append(
                    audit_entry(
                        batch,
                        now,
                        actor,
                        "insert",
                        "milestones",
                        mid,
                        None,
                        {
                            "participant": spec.participant_key,
                            "baustein": spec.baustein,
                            "datum": spec.datum,
                            **spec.fields(),
                        },
                    )
                )
        summary = {
            "source": parsed.source,
            "new": len(inserts),
            "changed": sum(1 for c in changes if c.kind == "geaenderter_meilenstein"),
            "unchanged": unchanged,
        }
        audit.append(audit_entry(batch, now, actor, "seed" if seed else "import", "import", None, None, summary))
        version = self._version(conn)
        if len(audit) > 1:  # something besides the summary entry: write the log, bump the version
            conn.execute(sa.insert(audit_log), audit)
            version = self._bump(conn, seed=seed)
        return ImportResult(
            parsed.source, not dry_run, dry_run, tuple(changes), unchanged, (), parsed.warnings, version
        )
