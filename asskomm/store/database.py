"""The records database: the ``Store`` (engine, snapshot of the records, data version, seeding).

SQLAlchemy Core only, no database-specific SQL: SQLite by default (``data/asskomm.db``), PostgreSQL when
``ASSKOMM_DB`` holds a ``postgresql+psycopg://`` URL. Every change runs in one transaction together with
its audit-log entries and the increment of ``data_version``; a failed change leaves nothing behind.

Editing (issue 6) builds on: ``version`` columns for optimistic locking, ``created_by/created_at`` and
``updated_by/updated_at`` on participants, milestones and contacts, store methods that take an ``actor``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from asskomm import records as rec
from asskomm.records import vocabulary as vocab
from asskomm.store import migrate
from asskomm.store.auditlog import AuditLog
from asskomm.store.connection import DatabaseUnavailable, unavailable_message
from asskomm.store.edits import Edits
from asskomm.store.importing import Importing
from asskomm.store.official_figures import OfficialFigures
from asskomm.store.official_figures import read as read_official_figures
from asskomm.store.problemfelder import ProblemfeldEntries
from asskomm.store.rows import iso_text
from asskomm.store.schema import (
    SEED_FILE,
    contacts,
    focus,
    members,
    meta,
    milestones,
    participants,
    sqlite_pragmas,
    url_from_setting,
)


class Store(AuditLog, Importing, Edits, ProblemfeldEntries, OfficialFigures):
    """The records database. Thread-safe for reads; writes are transactions.

    This class holds the engine, the snapshot of the records and the data version; each concern's methods
    live in their own module (audit log, import, single edits, Problemfelder, »amtliche Zahlen«) and are mixed
    in here.
    """

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
        else:  # a server: notice a dropped connection (restart, failover) before using it
            kwargs["pool_pre_ping"] = True
        try:
            self.engine = sa.create_engine(url, echo=echo, **kwargs)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
            raise DatabaseUnavailable(unavailable_message(url, exc)) from exc
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", sqlite_pragmas)
        self.seed_file = SEED_FILE if seed_file == "default" else seed_file
        self._gazetteer = gazetteer
        self._lock = threading.Lock()
        self._snapshot: rec.RecordSet | None = None
        self._vocab_rows: tuple[dict[str, str], ...] = ()
        self._vocab_version = -1
        #: writes through this object in this process; a reader that keeps data_version() for a while
        #: (ui.runmemo: for one script run) asks again when this changes
        self.writes = 0
        try:
            migrate.ensure_schema(url)  # creates or upgrades the tables (Alembic), refuses a newer schema
            with self.engine.connect() as conn:
                self._use_vocabulary(conn)
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise DatabaseUnavailable(unavailable_message(url, exc)) from exc
        except migrate.SchemaError:
            self.engine.dispose()
            raise

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
                vocab.set_problemfeld_overlay(self._vocab_rows)
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
        order = {pf: i for i, pf in enumerate(vocab.problemfeld_ids())}
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
                iso_text(r.created_at),
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
                iso_text(r.created_at),
                r.unbestaetigt or "",
            )
            for r in conn.execute(sa.select(milestones).order_by(milestones.c.id))
        )
        cts = tuple(
            rec.Contact(r.id, r.participant_id, r.gremium, r.adresse, r.telefon, r.email, r.version)
            for r in conn.execute(sa.select(contacts).order_by(contacts.c.id))
        )
        return rec.RecordSet(parts, mss, cts, version, read_official_figures(conn))

    @staticmethod
    def _version(conn: sa.Connection, lock: bool = False) -> int:
        query = sa.select(meta.c.value).where(meta.c.key == "data_version")
        if lock:  # SELECT … FOR UPDATE on PostgreSQL; SQLite has one writer at a time anyway
            query = query.with_for_update()
        return int(conn.execute(query).scalar_one())

    def _bump(self, conn: sa.Connection, seed: bool = False) -> int:
        self.writes += 1
        conn.execute(meta.update().where(meta.c.key == "data_version").values(value=meta.c.value + 1))
        if seed:
            conn.execute(meta.update().where(meta.c.key == "seeded").values(value=1))
        return int(conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_version")).scalar_one())

    PROBLEMFELD_FIELDS = ("label", "colour", "description")
