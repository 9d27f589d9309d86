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
        origin: str | None = None,
        _seed: bool = False,
    ) -> ImportResult:
        """Apply a validated import in one transaction (all or nothing).

        ``origin``: the change is not a file import but an entry made elsewhere (e.g. the Kommune page's
        form); it is logged as its own entries only, each marked with ``origin`` (key ``eingabe``), without
        an »Import« summary entry.

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
                # Lock the version row first: imports from several app servers run one after the other, and
                # a preview's expected_version is compared with the version nobody can change meanwhile.
                locked = self._version(conn, lock=True)
                if expected_version is not None and locked != expected_version:
                    raise ConflictError(
                        "Die Daten wurden seit der Vorschau geändert; bitte die Vorschau neu erstellen."
                    )
                result = self._apply(conn, parsed, actor, dry_run=dry_run, overwrite=overwrite, seed=_seed,
                                     origin=origin)
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
        origin: str | None = None,
    ) -> ImportResult:
        run = _ImportRun(conn, actor, parsed)
        pid_of = run.participants()
        inserts, conflicts = run.milestones(pid_of, overwrite)
        if conflicts:
            return ImportResult(
                parsed.source,
                False,
                dry_run,
                tuple(run.changes),
                run.unchanged,
                tuple(conflicts),
                parsed.warnings,
                self._version(conn),
            )
        run.insert_milestones(inserts)
        if origin:
            run.mark_origin(origin)
        else:
            run.log_summary(seed, new=len(inserts))
        version = self._version(conn)
        if len(run.audit) > (0 if origin else 1):  # something besides a summary entry: log it, bump the version
            conn.execute(sa.insert(audit_log), run.audit)
            version = self._bump(conn, seed=seed)
        return ImportResult(
            parsed.source, not dry_run, dry_run, tuple(run.changes), run.unchanged, (), parsed.warnings, version
        )


class _ImportRun:
    """One import inside its transaction: what it changes, and the audit entries that say so."""

    def __init__(self, conn: sa.Connection, actor: str, parsed: rec.ParsedImport) -> None:
        self.conn, self.actor, self.parsed = conn, actor, parsed
        self.now = utc_now()
        self.batch = str(uuid.uuid4())
        self.p_specs = parsed.participants()
        self.m_specs = parsed.milestones()
        self.changes: list[Change] = []
        self.audit: list[dict[str, Any]] = []
        self.unchanged = 0
        self.first_rows: dict[str, tuple[int, ...]] = {}
        for spec in self.m_specs.values():
            self.first_rows.setdefault(spec.participant_key, spec.rows[:1])

    def _log(self, action: str, entity: str, entity_id: int | None, before: Any, after: Any) -> None:
        self.audit.append(audit_entry(self.batch, self.now, self.actor, action, entity, entity_id, before, after))

    # participants and members ----------------------------------------------------------------
    def participants(self) -> dict[str, int]:
        """Insert new participants, add new group members; participant key → id for every participant."""
        existing = {r.key: r for r in self.conn.execute(sa.select(participants))}
        pid_of: dict[str, int] = {}
        new_members = self._insert_participants([s for k, s in self.p_specs.items() if k not in existing], pid_of)
        have_members: dict[int, set[str]] = {}
        for pid, ags in self.conn.execute(sa.select(members.c.participant_id, members.c.ags)):
            have_members.setdefault(pid, set()).add(ags)
        for key, spec in self.p_specs.items():
            row = existing.get(key)
            if row is None:
                continue
            pid_of[key] = row.id
            if spec.kind == "gruppe":
                new_members += self._add_members(row, spec, have_members.get(row.id, set()))
        if new_members:
            self.conn.execute(members.insert(), new_members)
        return pid_of

    def _insert_participants(self, new_specs: list[rec.ParticipantSpec], pid_of: dict[str, int]) -> list[dict]:
        if not new_specs:
            return []
        ids = self.conn.execute(
            participants.insert().returning(participants.c.id, sort_by_parameter_order=True),
            [{"kind": s.kind, "key": s.key, "name": s.name, "ags": s.ags, "version": 1,
              "created_by": self.actor, "created_at": self.now} for s in new_specs],
        ).scalars().all()
        new_members: list[dict[str, Any]] = []
        for pid, spec in zip(ids, new_specs, strict=True):
            pid_of[spec.key] = pid
            self.changes.append(Change("neuer_teilnehmer", spec.name, self.first_rows.get(spec.key, ())))
            self._log("insert", "participants", pid, None, {"kind": spec.kind, "key": spec.key, "name": spec.name,
                                                          "ags": spec.ags, "members": list(spec.members)})
            if spec.kind == "gruppe":
                new_members += [{"participant_id": pid, "ags": a} for a in spec.members]
        return new_members

    def _add_members(self, row: Any, spec: rec.ParticipantSpec, have: set[str]) -> list[dict[str, Any]]:
        added = [a for a in spec.members if a not in have]
        if not added:
            return []
        self.changes.append(Change("neue_mitglieder", row.name, self.first_rows.get(spec.key, ()),
                                   before={"members": sorted(have)}, after={"members": added}))
        self._log("update", "participants", row.id, {"members": sorted(have)}, {"members": sorted(have | set(added))})
        self.conn.execute(participants.update().where(participants.c.id == row.id).values(
            version=participants.c.version + 1, updated_by=self.actor, updated_at=self.now))
        return [{"participant_id": row.id, "ags": a} for a in added]

    # milestones -------------------------------------------------------------------------------
    def _existing_milestones(self, pids: set[int]) -> tuple[dict[tuple[int, str, str], Any], dict[int, list[str]]]:
        existing: dict[tuple[int, str, str], Any] = {}
        if pids:
            for r in self.conn.execute(sa.select(milestones).where(milestones.c.participant_id.in_(pids))):
                existing[(r.participant_id, r.baustein, r.datum)] = r
        focus_of: dict[int, list[str]] = {}
        if existing:
            ids = [r.id for r in existing.values()]
            for mid, pf in self.conn.execute(
                sa.select(focus.c.milestone_id, focus.c.problemfeld).where(focus.c.milestone_id.in_(ids))
            ):
                focus_of.setdefault(mid, []).append(pf)
        return existing, focus_of

    def milestones(self, pid_of: dict[str, int], overwrite: bool) -> tuple[list, list[rec.Issue]]:
        """New milestones to insert (as (row, spec)); changed ones updated when ``overwrite``, else conflicts."""
        existing, focus_of = self._existing_milestones(set(pid_of.values()))
        pf_order = {pf: i for i, pf in enumerate(vocab.problemfeld_ids())}
        inserts: list[tuple[dict[str, Any], rec.MilestoneSpec]] = []
        conflicts: list[rec.Issue] = []
        for spec in self.m_specs.values():
            pid = pid_of[spec.participant_key]
            name = self.p_specs[spec.participant_key].name
            old = existing.get((pid, spec.baustein, spec.datum))
            after = spec.fields()
            if old is None:
                self.changes.append(
                    Change("neuer_meilenstein", name, spec.rows, spec.baustein, spec.datum, None, after)
                )
                inserts.append((self._new_milestone(pid, spec), spec))
                continue
            before = milestone_fields(
                old._mapping, sorted(focus_of.get(old.id, ()), key=lambda p: pf_order.get(p, 999))
            )
            if before == after:
                self.unchanged += 1
                continue
            change = Change("geaenderter_meilenstein", name, spec.rows, spec.baustein, spec.datum, before, after)
            self.changes.append(change)
            if not overwrite:
                conflicts.append(
                    rec.Issue(
                        str(change).split(": ", 1)[1] + " – bestehende Einträge werden nicht stillschweigend "
                        "überschrieben; zum Übernehmen »--ueberschreiben« angeben.",
                        spec.rows[0],
                        None,
                        self.parsed.source,
                    )
                )
                continue
            self._update_milestone(old.id, spec, before, after)
        return inserts, conflicts

    def _new_milestone(self, pid: int, spec: rec.MilestoneSpec) -> dict[str, Any]:
        return {
            "participant_id": pid,
            "baustein": spec.baustein,
            "datum": spec.datum,
            "betrag_eur": spec.betrag_eur,
            "quelle": spec.quelle,
            "bemerkung": spec.bemerkung,
            "unbestaetigt": spec.unbestaetigt,
            "version": 1,
            "created_by": self.actor,
            "created_at": self.now,
        }

    def _update_milestone(self, mid: int, spec: rec.MilestoneSpec, before: Any, after: Any) -> None:
        self.conn.execute(
            milestones.update()
            .where(milestones.c.id == mid)
            .values(
                betrag_eur=spec.betrag_eur,
                quelle=spec.quelle,
                bemerkung=spec.bemerkung,
                unbestaetigt=spec.unbestaetigt,
                version=milestones.c.version + 1,
                updated_by=self.actor,
                updated_at=self.now,
            )
        )
        self.conn.execute(focus.delete().where(focus.c.milestone_id == mid))
        if spec.problemfelder:
            self.conn.execute(focus.insert(), [{"milestone_id": mid, "problemfeld": pf} for pf in spec.problemfelder])
        self._log("update", "milestones", mid, before, after)

    def insert_milestones(self, inserts: list[tuple[dict[str, Any], rec.MilestoneSpec]]) -> None:
        if not inserts:
            return
        new_ids = (
            self.conn.execute(
                milestones.insert().returning(milestones.c.id, sort_by_parameter_order=True),
                [row for row, _ in inserts],
            )
            .scalars()
            .all()
        )
        specs = [spec for _, spec in inserts]
        focus_rows = [
            {"milestone_id": mid, "problemfeld": pf}
            for mid, spec in zip(new_ids, specs, strict=True)
            for pf in spec.problemfelder
        ]
        if focus_rows:
            self.conn.execute(focus.insert(), focus_rows)
        for mid, spec in zip(new_ids, specs, strict=True):
            after = {"participant": spec.participant_key, "baustein": spec.baustein, "datum": spec.datum,
                     **spec.fields()}
            self._log("insert", "milestones", mid, None, after)

    def mark_origin(self, origin: str) -> None:
        """Name where the change was made in each of its entries (instead of a summary entry)."""
        for entry in self.audit:
            entry["after"] = {**(entry["after"] or {}), "eingabe": origin}

    def log_summary(self, seed: bool, new: int) -> None:
        summary = {
            "source": self.parsed.source,
            "new": new,
            "changed": sum(1 for c in self.changes if c.kind == "geaenderter_meilenstein"),
            "unchanged": self.unchanged,
        }
        self._log("seed" if seed else "import", "import", None, None, summary)
