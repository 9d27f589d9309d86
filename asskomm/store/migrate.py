"""Schema migrations with Alembic: the database's revision, upgrading it, adding a revision.

The revisions live in ``asskomm/store/migrations/versions/`` (inside the package, so they ship with it).
``0001`` is the schema as it was before migrations existed; it creates only the tables that are missing,
so a database made by that older code (which had no ``alembic_version`` table) upgrades without loss.

Every :class:`asskomm.store.database.Store` calls :func:`ensure_schema` when it opens a database: an empty or older
database is upgraded to the newest revision, a database of a *newer* revision (written by a newer version
of the program) is refused with a German message. Upgrades run in one transaction under a lock
(PostgreSQL: an advisory lock; SQLite: ``BEGIN IMMEDIATE``), so several app servers starting at once
upgrade the database exactly once.

Adding a revision (see README »Betrieb« and ``python -m asskomm db revision``): change the tables in
``asskomm.store.schema`` / ``asskomm.store.account_tables``, then ``python -m asskomm db revision -m "what changed"`` writes the
next numbered file with the operations Alembic detects; check and edit it, run the migration tests.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from asskomm.store import account_tables, schema  # noqa: F401  (account_tables adds its tables to schema.metadata)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 7_243_901  # any constant: the advisory lock that serialises upgrades


class SchemaError(RuntimeError):
    """The database's schema cannot be used by this version of the program (German message)."""


def target_metadata() -> sa.MetaData:
    """All tables of the application (``account_tables`` adds its tables to the schema's metadata)."""
    return schema.metadata


def _config(connection: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["connection"] = connection
    return cfg


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The newest revision this program knows."""
    return _head()


@functools.cache
def _head() -> str:
    heads = scripts().get_heads()
    if len(heads) != 1:
        raise SchemaError(f"Die Migrationen haben {len(heads)} Enden ({', '.join(heads)}); genau eines erwartet.")
    return heads[0]


def known_revisions() -> list[str]:
    """Revision ids from the first to the newest."""
    return list(_revisions())


@functools.cache
def _revisions() -> tuple[str, ...]:  # the files do not change while the program runs
    return tuple(s.revision for s in reversed(list(scripts().walk_revisions())))


def current(conn: sa.Connection) -> str | None:
    """The revision recorded in the database (None: never migrated, i.e. empty or made by older code)."""
    return MigrationContext.configure(conn).get_current_revision()


def is_newer(revision: str | None) -> bool:
    """Whether ``revision`` is unknown to this program (written by a newer version)."""
    return revision is not None and revision not in known_revisions()


def migration_engine(url: str | sa.URL) -> sa.Engine:
    """An engine for schema work: on SQLite with real transactions for DDL and a write lock up front."""
    url = sa.make_url(url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    if url.get_backend_name() == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _no_implicit(dbapi_conn, _record):  # pysqlite would otherwise commit before every DDL statement
            dbapi_conn.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _immediate(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def _locked(engine: sa.Engine) -> Iterator[sa.Connection]:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        yield conn


def upgrade(url: str | sa.URL, target: str = "head", *, check: bool = True) -> tuple[str | None, str | None]:
    """Upgrade the database to ``target``; returns (revision before, revision after).

    ``check``: afterwards every table and column of the code must exist (else SchemaError, rolled back).
    """
    engine = migration_engine(url)
    try:
        with _locked(engine) as conn:
            before = current(conn)
            if is_newer(before):
                raise SchemaError(newer_message(before))
            if target == "head" and before == head():
                return before, before
            command.upgrade(_config(conn), target)
            after = current(conn)
            missing = missing_columns(conn) if check else []
            if missing:
                raise SchemaError(
                    "Die Datenbank passt nicht zum erwarteten Aufbau (es fehlen: "
                    + ", ".join(missing[:10])
                    + "); nichts wurde geändert."
                )
        return before, after
    finally:
        engine.dispose()


def stamp(conn: sa.Connection, revision: str) -> None:
    """Record ``revision`` without running anything (used by copies that create the tables themselves)."""
    command.stamp(_config(conn), revision)


def ensure_schema(url: str | sa.URL) -> None:
    """Called when the app or a command opens a database: upgrade if needed, refuse a newer schema."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            revision = current(conn)
    finally:
        engine.dispose()
    if revision == head():
        return
    if is_newer(revision):
        raise SchemaError(newer_message(revision))
    upgrade(url)


def newer_message(revision: str | None) -> str:
    return (
        f"Die Datenbank hat den Schemastand »{revision}«, den diese Programmversion nicht kennt "
        f"(neuester bekannter Stand: »{head()}«). Sie wurde wohl von einer neueren Version angelegt; "
        "bitte diese Version verwenden."
    )


def missing_columns(conn: sa.Connection) -> list[str]:
    """Tables and columns of the code's schema that the database lacks (``table`` or ``table.column``)."""
    insp = sa.inspect(conn)
    have_tables = set(insp.get_table_names())
    missing = []
    for table in target_metadata().sorted_tables:
        if table.name not in have_tables:
            missing.append(table.name)
            continue
        have = {c["name"] for c in insp.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    return missing


def next_revision_id() -> str:
    numbers = [int(r) for r in known_revisions() if re.fullmatch(r"\d{4}", r)]
    return f"{max(numbers, default=0) + 1:04d}"


def new_revision(message: str, *, autogenerate: bool = True) -> Path:
    """Write the next revision file (``NNNN_message.py``); with ``autogenerate`` Alembic fills in the
    operations that bring a database at the current head to the code's tables. Returns its path."""
    with tempfile.TemporaryDirectory(prefix="asskomm-rev-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'head.db'}"
        upgrade(url, check=False)  # the code's tables are ahead of the revisions: that is the point
        engine = migration_engine(url)
        try:
            with engine.begin() as conn:
                rev_id = next_revision_id()
                slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "revision"
                cfg = _config(conn)
                cfg.set_main_option("file_template", f"{rev_id}_{slug}")
                script = command.revision(cfg, message=message, autogenerate=autogenerate, rev_id=rev_id)
        finally:
            engine.dispose()
    _head.cache_clear()
    _revisions.cache_clear()
    return Path(script.path)
