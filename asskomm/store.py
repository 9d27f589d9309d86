"""Database access: tables, transactions, audit log, seeding.

SQLAlchemy Core only, no database-specific SQL: SQLite by default (``data/asskomm.db``), PostgreSQL when
``ASSKOMM_DB`` holds a ``postgresql+psycopg://`` URL. Every change runs in one transaction together with
its audit-log entries and the increment of ``data_version``; a failed change leaves nothing behind.

Editing (issue 6) builds on: ``version`` columns for optimistic locking, ``created_by/created_at`` and
``updated_by/updated_at`` on participants, milestones and contacts, store methods that take an ``actor``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from asskomm import records as rec
from asskomm.paths import DATA_DIR

DEFAULT_DB = DATA_DIR / "asskomm.db"
SEED_FILE = DATA_DIR / "seed_records.csv"
SEED_ACTOR = "seed"

metadata = sa.MetaData()


def _participant_ref() -> sa.Column:
    return sa.Column(
        "participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False
    )


def _tracking_columns() -> list[sa.Column]:
    """Version (optimistic locking) and who created/changed a row when: on every editable table."""
    return [
        sa.Column("version", sa.Integer, nullable=False, default=1),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
    ]


participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),  # gemeinde | gruppe | landkreis
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("ags", sa.String(8)),
    *_tracking_columns(),
)
members = sa.Table(
    "members",
    metadata,
    sa.Column(
        "participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("ags", sa.String(8), primary_key=True),
)
milestones = sa.Table(
    "milestones",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _participant_ref(),
    sa.Column("baustein", sa.String(40), nullable=False),
    sa.Column("datum", sa.String(10), nullable=False, default=""),  # ISO with precision, "" = undated
    sa.Column("betrag_eur", sa.Numeric(14, 2, asdecimal=False)),
    sa.Column("quelle", sa.Text, nullable=False),
    sa.Column("bemerkung", sa.Text, nullable=False, default=""),
    *_tracking_columns(),
    sa.UniqueConstraint("participant_id", "baustein", "datum", name="uq_milestone"),
)
focus = sa.Table(
    "focus",
    metadata,
    sa.Column(
        "milestone_id", sa.Integer, sa.ForeignKey("milestones.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("problemfeld", sa.String(60), primary_key=True),
)
contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _participant_ref(),
    sa.Column("gremium", sa.String(300), nullable=False),
    sa.Column("adresse", sa.Text, nullable=False, default=""),
    sa.Column("telefon", sa.String(100), nullable=False, default=""),
    sa.Column("email", sa.String(300), nullable=False, default=""),
    *_tracking_columns(),
)
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("batch", sa.String(36), nullable=False, index=True),  # one change set (e.g. one import)
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),  # insert | update | delete | import | seed
    sa.Column(
        "entity", sa.String(30), nullable=False
    ),  # participants | members | milestones | contacts | import
    sa.Column("entity_id", sa.Integer),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
)
# Which audit entry was reverted by which (a change is reverted at most once; the revert is itself logged).
audit_reverts = sa.Table(
    "audit_reverts",
    metadata,
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audit_log.id"), primary_key=True),
    sa.Column("revert_audit_id", sa.Integer, nullable=False),
)
# Problemfelder added or edited by admins in the app (over data/problemfelder.csv; see asskomm.vocab).
problemfeld_entries = sa.Table(
    "problemfeld_entries",
    metadata,
    sa.Column("id", sa.String(60), primary_key=True),
    sa.Column("label", sa.String(120), nullable=False),
    sa.Column("colour", sa.String(7), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("position", sa.Integer, nullable=False),  # order of new ids (after the file's)
    *_tracking_columns(),
)
meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)


class ConflictError(RuntimeError):
    """A record was changed by someone else since it was read (optimistic locking)."""

    def __init__(self, message: str, current: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = dict(current) if current else None


class DuplicateError(ValueError):
    """A change would create a second milestone with the same participant, Baustein and date."""


class ImportRefused(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class Change:
    """One effect an import has (or would have)."""

    kind: str  # neuer_teilnehmer | neue_mitglieder | neuer_meilenstein | geaenderter_meilenstein
    participant: str
    rows: tuple[int, ...] = ()
    baustein: str = ""
    datum: str = ""
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None

    def __str__(self) -> str:
        where = (
            f"Zeile {', '.join(map(str, self.rows[:5]))}{' …' if len(self.rows) > 5 else ''}: "
            if self.rows
            else ""
        )
        what = f"{self.baustein} {self.datum or '(ohne Datum)'}".strip()
        if self.kind == "neuer_teilnehmer":
            return f"{where}neuer Teilnehmer »{self.participant}«"
        if self.kind == "neue_mitglieder":
            return f"{where}»{self.participant}«: neue Mitglieder {', '.join(self.after['members'])}"
        if self.kind == "neuer_meilenstein":
            return f"{where}»{self.participant}«: neuer Meilenstein {what}"
        diffs = "; ".join(
            f"{k}: »{_show(self.before.get(k))}« → »{_show(self.after.get(k))}«"
            for k in self.after
            if self.before.get(k) != self.after.get(k)
        )
        return f"{where}»{self.participant}«: Meilenstein {what} würde geändert ({diffs})"


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ";".join(map(str, value))
    return "" if value is None else str(value)


@dataclasses.dataclass(frozen=True)
class ImportResult:
    source: str
    applied: bool
    dry_run: bool
    changes: tuple[Change, ...] = ()
    unchanged: int = 0
    errors: tuple[rec.Issue, ...] = ()
    warnings: tuple[rec.Issue, ...] = ()
    data_version: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self, limit: int = 50) -> str:
        """German summary for the CLI and the import preview."""
        lines = []
        if self.errors:
            lines.append(f"Import abgelehnt, nichts wurde geändert ({len(self.errors)} Problem(e)):")
            lines += [f"  - {e}" for e in self.errors[:limit]]
            if len(self.errors) > limit:
                lines.append(f"  … und {len(self.errors) - limit} weitere")
            return "\n".join(lines)
        verb = "würde" if self.dry_run or not self.applied else "wurde"
        head = "Probelauf (nichts gespeichert)" if self.dry_run else "Import gespeichert"
        lines.append(
            f"{head}: {self.count('neuer_meilenstein')} neue Meilensteine, "
            f"{self.count('geaenderter_meilenstein')} geänderte, {self.unchanged} unverändert, "
            f"{self.count('neuer_teilnehmer')} neue Teilnehmer, {self.count('neue_mitglieder')} Gruppen mit neuen "
            f"Mitgliedern ({verb} übernommen)."
        )
        shown = [c for c in self.changes if c.kind == "geaenderter_meilenstein"] + [
            c for c in self.changes if c.kind != "geaenderter_meilenstein"
        ]
        lines += [f"  - {c}" for c in shown[:limit]]
        if len(shown) > limit:
            lines.append(f"  … und {len(shown) - limit} weitere")
        lines += [f"  Hinweis: {w}" for w in self.warnings[:limit]]
        return "\n".join(lines)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def url_from_setting(setting: str | None) -> str:
    """``ASSKOMM_DB``: a SQLAlchemy URL (contains ``://``) or a file path for SQLite."""
    if not setting:
        setting = str(DEFAULT_DB)
    if "://" in setting:
        return setting
    return "sqlite:///" + str(Path(setting).expanduser().resolve())


def _milestone_fields(row: Mapping[str, Any], pfs: Iterable[str]) -> dict[str, Any]:
    betrag = row["betrag_eur"]
    return {
        "problemfelder": list(pfs),
        "betrag_eur": None if betrag is None else float(betrag),
        "quelle": row["quelle"],
        "bemerkung": row["bemerkung"] or "",
    }


class Store:
    """The records database. Thread-safe for reads; writes are transactions."""

    def __init__(
        self,
        url: str,
        *,
        seed_file: Path | str | None = "default",
        gazetteer: Callable[[], rec.Gazetteer] | rec.Gazetteer | None = None,
        echo: bool = False,
    ) -> None:
        self.url = url
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine = sa.create_engine(url, echo=echo, **kwargs)
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.seed_file = SEED_FILE if seed_file == "default" else seed_file
        self._gazetteer = gazetteer
        self._lock = threading.Lock()
        self._snapshot: rec.RecordSet | None = None
        self._vocab_rows: tuple[dict[str, str], ...] = ()
        self._vocab_version = -1
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            if conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_version")).first() is None:
                conn.execute(
                    meta.insert(), [{"key": "data_version", "value": 0}, {"key": "seeded", "value": 0}]
                )
            self._use_vocabulary(conn)

    @classmethod
    def from_env(cls, *, seed: bool = True, **kwargs: Any) -> Store:
        """The store named by ``ASSKOMM_DB`` (default ``data/asskomm.db``), seeded on first start."""
        setting = os.environ.get("ASSKOMM_DB")
        if not setting or "://" not in setting:
            Path(url_from_setting(setting).removeprefix("sqlite:///")).parent.mkdir(
                parents=True, exist_ok=True
            )
        store = cls(url_from_setting(setting), **kwargs)
        if seed:
            store.ensure_seeded()
        return store

    def dispose(self) -> None:
        self.engine.dispose()

    # gazetteer -------------------------------------------------------------------------------
    def gazetteer(self) -> rec.Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = rec.load_gazetteer()
        elif callable(self._gazetteer) and not isinstance(self._gazetteer, rec.Gazetteer):
            self._gazetteer = self._gazetteer()
        return self._gazetteer

    # reading ---------------------------------------------------------------------------------
    def data_version(self) -> int:
        """A cheap value that changes on every write (for cache keys)."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_version")).scalar_one())

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(milestones)).scalar_one() == 0

    def load(self) -> rec.RecordSet:
        """An immutable snapshot of all records (cached until the next write)."""
        with self.engine.connect() as conn, conn.begin():
            version = int(
                conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_version")).scalar_one()
            )
            if version != self._vocab_version:
                self._use_vocabulary(conn)
                self._vocab_version = version
            else:  # this process may have read another database in between (tests, CLI)
                rec.vocab.set_problemfeld_overlay(self._vocab_rows)
            cached = self._snapshot
            if cached is not None and cached.data_version == version:
                return cached
            snapshot = self._read_all(conn, version)
        self._snapshot = snapshot
        return snapshot

    def _read_all(self, conn: sa.Connection, version: int) -> rec.RecordSet:
        member_map: dict[int, list[str]] = {}
        for pid, ags in conn.execute(
            sa.select(members.c.participant_id, members.c.ags).order_by(members.c.ags)
        ):
            member_map.setdefault(pid, []).append(ags)
        focus_map: dict[int, list[str]] = {}
        for mid, pf in conn.execute(sa.select(focus.c.milestone_id, focus.c.problemfeld)):
            focus_map.setdefault(mid, []).append(pf)
        order = {pf: i for i, pf in enumerate(rec.vocab.problemfeld_ids())}
        parts = tuple(
            rec.Participant(
                r.id,
                r.kind,
                r.key,
                r.name,
                r.ags,
                tuple(member_map.get(r.id, ()))
                if r.kind == "gruppe"
                else ((r.ags,) if r.kind == "gemeinde" else ()),
                r.version,
                r.created_by,
                _iso(r.created_at),
            )
            for r in conn.execute(sa.select(participants).order_by(participants.c.id))
        )
        mss = tuple(
            rec.Milestone(
                r.id,
                r.participant_id,
                r.baustein,
                r.datum,
                tuple(sorted(focus_map.get(r.id, ()), key=lambda p: order.get(p, 999))),
                None if r.betrag_eur is None else float(r.betrag_eur),
                r.quelle,
                r.bemerkung,
                r.version,
                r.created_by,
                _iso(r.created_at),
            )
            for r in conn.execute(sa.select(milestones).order_by(milestones.c.id))
        )
        cts = tuple(
            rec.Contact(r.id, r.participant_id, r.gremium, r.adresse, r.telefon, r.email, r.version)
            for r in conn.execute(sa.select(contacts).order_by(contacts.c.id))
        )
        return rec.RecordSet(parts, mss, cts, version)

    def audit(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest audit entries first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).mappings()
            return [dict(r) for r in rows]

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
        now = _now()
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
                audit.append(_audit(batch, now, actor, "insert", "participants", pid, None,
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
                        audit.append(_audit(batch, now, actor, "update", "participants", pid,
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
        pf_order = {pf: i for i, pf in enumerate(rec.vocab.problemfeld_ids())}
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
            before = _milestone_fields(
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
            audit.append(_audit(batch, now, actor, "update", "milestones", old.id, before, after))

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
                    _audit(
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
        audit.append(_audit(batch, now, actor, "seed" if seed else "import", "import", None, None, summary))
        version = self._version(conn)
        if len(audit) > 1:  # something besides the summary entry: write the log, bump the version
            conn.execute(sa.insert(audit_log), audit)
            version = self._bump(conn, seed=seed)
        return ImportResult(
            parsed.source, not dry_run, dry_run, tuple(changes), unchanged, (), parsed.warnings, version
        )

    @staticmethod
    def _version(conn: sa.Connection) -> int:
        return int(conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_version")).scalar_one())

    @staticmethod
    def _bump(conn: sa.Connection, seed: bool = False) -> int:
        conn.execute(meta.update().where(meta.c.key == "data_version").values(value=meta.c.value + 1))
        if seed:
            conn.execute(meta.update().where(meta.c.key == "seeded").values(value=1))
        return int(conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_version")).scalar_one())

    # single-record editing (used by the editing pages of issue 6) -----------------------------
    def update_milestone(
        self, milestone_id: int, expected_version: int, changes: Mapping[str, Any], actor: str
    ) -> int:
        """Change ``quelle``, ``bemerkung``, ``betrag_eur`` or ``problemfelder`` of a milestone.

        Raises ConflictError when the milestone's version is no longer ``expected_version``.
        Returns the new version.
        """
        allowed = {"quelle", "bemerkung", "betrag_eur", "problemfelder", "baustein", "datum"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"Nicht änderbar: {', '.join(sorted(unknown))}")
        now = _now()
        with self._lock, self.engine.begin() as conn:
            row = conn.execute(sa.select(milestones).where(milestones.c.id == milestone_id)).first()
            if row is None:
                raise ConflictError("Der Meilenstein wurde inzwischen gelöscht.")
            pfs = [
                r[0]
                for r in conn.execute(sa.select(focus.c.problemfeld).where(focus.c.milestone_id == row.id))
            ]
            before = {"baustein": row.baustein, "datum": row.datum, **_milestone_fields(row._mapping, pfs)}
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
                [_audit(str(uuid.uuid4()), now, actor, "update", "milestones", milestone_id, before, after)],
            )
            self._bump(conn)
        self._snapshot = None
        return expected_version + 1

    def delete_milestone(self, milestone_id: int, expected_version: int, actor: str) -> None:
        now = _now()
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
                **_milestone_fields(row._mapping, pfs),
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
                [_audit(str(uuid.uuid4()), now, actor, "delete", "milestones", milestone_id, before, None)],
            )
            self._bump(conn)
        self._snapshot = None

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
        now = _now()
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
                [_audit(str(uuid.uuid4()), now, actor, "insert", "contacts", cid, None, values)],
            )
            self._bump(conn)
        self._snapshot = None
        return cid

    CONTACT_FIELDS = ("gremium", "adresse", "telefon", "email")

    def update_contact(
        self, contact_id: int, expected_version: int, changes: Mapping[str, Any], actor: str
    ) -> int:
        """Change a KPR contact (optimistic locking like ``update_milestone``); returns the new version."""
        unknown = set(changes) - set(self.CONTACT_FIELDS)
        if unknown:
            raise ValueError(f"Nicht änderbar: {', '.join(sorted(unknown))}")
        now = _now()
        with self._lock, self.engine.begin() as conn:
            row = conn.execute(sa.select(contacts).where(contacts.c.id == contact_id)).first()
            if row is None:
                raise ConflictError("Der Kontakt wurde inzwischen gelöscht.")
            before = _contact_fields(row._mapping)
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
                [_audit(str(uuid.uuid4()), now, actor, "update", "contacts", contact_id, before, after)],
            )
            self._bump(conn)
        self._snapshot = None
        return expected_version + 1

    def delete_contact(self, contact_id: int, expected_version: int, actor: str) -> None:
        now = _now()
        with self._lock, self.engine.begin() as conn:
            row = conn.execute(sa.select(contacts).where(contacts.c.id == contact_id)).first()
            if row is None:
                raise ConflictError("Der Kontakt wurde inzwischen gelöscht.")
            before = _contact_fields(row._mapping)
            if row.version != expected_version:
                raise ConflictError("Der Kontakt wurde inzwischen von jemand anderem geändert.", before)
            conn.execute(contacts.delete().where(contacts.c.id == contact_id))
            conn.execute(
                sa.insert(audit_log),
                [_audit(str(uuid.uuid4()), now, actor, "delete", "contacts", contact_id, before, None)],
            )
            self._bump(conn)
        self._snapshot = None

    # Problemfelder vocabulary (admins) ---------------------------------------------------------
    def _use_vocabulary(self, conn: sa.Connection) -> None:
        rows = conn.execute(
            sa.select(problemfeld_entries).order_by(problemfeld_entries.c.position, problemfeld_entries.c.id)
        ).mappings()
        self._vocab_rows = tuple(
            {"id": r["id"], "label": r["label"], "colour": r["colour"], "description": r["description"] or ""}
            for r in rows
        )
        rec.vocab.set_problemfeld_overlay(self._vocab_rows)

    def problemfeld_entries(self) -> dict[str, dict[str, Any]]:
        """Entries stored in the app (id → label, colour, description, version, updated_by/at)."""
        with self.engine.connect() as conn:
            return {
                r["id"]: dict(r)
                for r in conn.execute(sa.select(problemfeld_entries).order_by(problemfeld_entries.c.position))
                .mappings()
            }

    PROBLEMFELD_FIELDS = ("label", "colour", "description")

    def save_problemfeld(
        self, pf_id: str, values: Mapping[str, str], actor: str, *, expected_version: int | None = None
    ) -> int:
        """Add a Problemfeld or change one (label, colour, description); returns the entry's version.

        Validation is the caller's (``asskomm.vocab_editing``). ``expected_version``: the version read before
        editing (None = the id has no database entry yet); a mismatch raises ConflictError.
        """
        now = _now()
        values = {k: values[k] for k in self.PROBLEMFELD_FIELDS}
        with self._lock, self.engine.begin() as conn:
            row = conn.execute(
                sa.select(problemfeld_entries).where(problemfeld_entries.c.id == pf_id)
            ).mappings().first()
            current = {k: row[k] for k in self.PROBLEMFELD_FIELDS} if row is not None else None
            if (row["version"] if row is not None else None) != expected_version:
                raise ConflictError("Das Problemfeld wurde inzwischen von jemand anderem geändert.", current)
            file_row = next((r for r in rec.vocab.problemfelder().to_dict("records") if r["id"] == pf_id), None)
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
                [_audit(str(uuid.uuid4()), now, actor, action, "problemfelder", None,
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
        if current is None or not _same(current, {k: after.get(k) for k in self.PROBLEMFELD_FIELDS}):
            raise ConflictError("Das Problemfeld wurde inzwischen wieder geändert.", current)
        if action == "insert":  # a new id: only while no record uses it
            used = conn.execute(
                sa.select(sa.func.count()).select_from(focus).where(focus.c.problemfeld == pf_id)
            ).scalar_one()
            if used:
                raise ConflictError(f"Das Problemfeld »{after.get('label')}« wird inzwischen verwendet.")
            conn.execute(problemfeld_entries.delete().where(problemfeld_entries.c.id == pf_id))
            log = _audit(batch, now, actor, "delete", "problemfelder", None, after, None)
        else:
            restored = {k: before.get(k) or "" for k in self.PROBLEMFELD_FIELDS}
            conn.execute(
                problemfeld_entries.update()
                .where(problemfeld_entries.c.id == pf_id)
                .values(**restored, version=row["version"] + 1, updated_by=actor, updated_at=now)
            )
            log = _audit(batch, now, actor, "update", "problemfelder", None, after, {"id": pf_id, **restored})
        self._use_vocabulary(conn)
        return log

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
        now = _now()
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
            new_ids: list[int] = []
            for target in targets:
                log = self._revert_entry(conn, dict(target), actor, now, batch)
                new_id = conn.execute(sa.insert(audit_log).values(**log)).inserted_primary_key[0]
                conn.execute(audit_reverts.insert().values(audit_id=target["id"], revert_audit_id=new_id))
                new_ids.append(new_id)
            if entry["entity"] == "import":
                summary = _audit(batch, now, actor, "revert", "import", None, None,
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
            return _audit(batch, now, actor, "delete", "participants", eid, after, None)
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
            return _audit(batch, now, actor, "update", "participants", eid, after, before)
        raise ConflictError("Diese Art von Änderung kann nicht rückgängig gemacht werden.")

    def _revert_milestone(self, conn, action, eid, before, after, actor, now, batch) -> dict[str, Any]:
        row = conn.execute(sa.select(milestones).where(milestones.c.id == eid)).first() if eid else None
        current = None
        if row is not None:
            pfs = [r[0] for r in conn.execute(sa.select(focus.c.problemfeld).where(focus.c.milestone_id == eid))]
            current = {"participant_id": row.participant_id, "baustein": row.baustein, "datum": row.datum,
                       **_milestone_fields(row._mapping, pfs)}
        if action == "insert":
            if current is None:
                raise ConflictError("Der Meilenstein wurde inzwischen gelöscht.")
            if not _same(current, after):
                raise ConflictError("Der Meilenstein wurde inzwischen geändert.", current)
            conn.execute(focus.delete().where(focus.c.milestone_id == eid))
            conn.execute(milestones.delete().where(milestones.c.id == eid))
            return _audit(batch, now, actor, "delete", "milestones", eid, current, None)
        if action == "update":
            if current is None:
                raise ConflictError("Der Meilenstein wurde inzwischen gelöscht.")
            if not _same(current, after):
                raise ConflictError("Der Meilenstein wurde inzwischen geändert.", current)
            values = {k: before[k] for k in ("baustein", "datum", "quelle", "bemerkung", "betrag_eur") if k in before}
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
            return _audit(batch, now, actor, "update", "milestones", eid, restored,
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
                bemerkung=before.get("bemerkung", ""), version=1, created_by=actor, created_at=now,
            )).inserted_primary_key[0]
            if before.get("problemfelder"):
                conn.execute(focus.insert(), [{"milestone_id": new_id, "problemfeld": p}
                                              for p in before["problemfelder"]])
            return _audit(batch, now, actor, "insert", "milestones", new_id, None, before)
        raise ConflictError("Diese Art von Änderung kann nicht rückgängig gemacht werden.")

    def _revert_contact(self, conn, action, eid, before, after, actor, now, batch) -> dict[str, Any]:
        row = conn.execute(sa.select(contacts).where(contacts.c.id == eid)).first() if eid else None
        current = _contact_fields(row._mapping) if row is not None else None
        if action in ("insert", "update"):
            if current is None:
                raise ConflictError("Der Kontakt wurde inzwischen gelöscht.")
            if not _same(current, after):
                raise ConflictError("Der Kontakt wurde inzwischen geändert.", current)
            if action == "insert":
                conn.execute(contacts.delete().where(contacts.c.id == eid))
                return _audit(batch, now, actor, "delete", "contacts", eid, current, None)
            values = {k: before[k] for k in self.CONTACT_FIELDS if k in before}
            conn.execute(contacts.update().where(contacts.c.id == eid).values(
                **values, version=contacts.c.version + 1, updated_by=actor, updated_at=now))
            return _audit(batch, now, actor, "update", "contacts", eid, current, {**current, **values})
        if action == "delete":
            pid = before.get("participant_id")
            if pid is None or conn.execute(sa.select(participants.c.id).where(participants.c.id == pid)).first() is None:
                raise ConflictError("Der Teilnehmer dieses Kontakts gibt es nicht mehr.")
            values = {k: before.get(k, "") for k in self.CONTACT_FIELDS}
            new_id = conn.execute(contacts.insert().values(
                participant_id=pid, **values, version=1, created_by=actor, created_at=now)).inserted_primary_key[0]
            return _audit(batch, now, actor, "insert", "contacts", new_id, None, before)
        raise ConflictError("Diese Art von Änderung kann nicht rückgängig gemacht werden.")


def _contact_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"participant_id": row["participant_id"], **{k: row[k] or "" for k in Store.CONTACT_FIELDS}}


def _same(current: Mapping[str, Any], expected: Mapping[str, Any]) -> bool:
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


def _audit(
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
        "before": _jsonable(before),
        "after": _jsonable(after),
    }


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
