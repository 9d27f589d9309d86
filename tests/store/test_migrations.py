"""Alembic migrations: the baseline, taking over a database made before migrations, newer schemas, new revisions."""

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from records_support import gazetteer

from asskomm.cli.main import main
from asskomm.store import accounts as auth
from asskomm.store import migrate
from asskomm.store import transfer as db_transfer
from asskomm.store.database import Store

LEGACY_SQL = Path(__file__).resolve().parent.parent / "data" / "pre_migration.sql"
ROOT = Path(__file__).resolve().parent.parent.parent


def legacy_db(tmp_path: Path) -> Path:
    """A SQLite file exactly as the code before migrations wrote it (tests/data/pre_migration.sql)."""
    path = tmp_path / "alt.db"
    con = sqlite3.connect(path)
    con.executescript(LEGACY_SQL.read_text(encoding="utf-8"))
    con.close()
    return path


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """``python -m asskomm ARGS`` in this process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def _raw_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table the file has, with only the columns it has (works before and after upgrades)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            insp = sa.inspect(conn)
            out = {}
            for name in insp.get_table_names():
                cols = [c["name"] for c in insp.get_columns(name)]
                table = sa.table(name, *(sa.column(c) for c in cols))
                out[name] = sorted((tuple(r) for r in conn.execute(sa.select(table))), key=repr)
            return out
    finally:
        engine.dispose()


def _checks(url: str):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return db_transfer.checks(conn)
    finally:
        engine.dispose()


def test_one_head_and_numbered_revisions():
    revisions = migrate.known_revisions()
    assert revisions[0] == "0001"
    # numbered and in order; a number may be missing while a parallel branch's revision is not merged yet
    assert all(len(r) == 4 and r.isdigit() for r in revisions)
    assert revisions == sorted(set(revisions))
    assert migrate.head() == revisions[-1]


def test_migrated_schema_matches_the_tables_in_code(db_url):
    """Fails when a table or column is changed in code without a revision (see README »Betrieb«)."""
    migrate.upgrade(db_url)
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert migrate.current(conn) == migrate.head()
            diff = compare_metadata(MigrationContext.configure(conn), migrate.target_metadata())
    finally:
        engine.dispose()
    assert diff == []


def test_database_from_before_migrations_upgrades_without_loss(tmp_path, capsys):
    path = legacy_db(tmp_path)
    url = f"sqlite:///{path}"
    before = _raw_rows(url)
    assert len(before["audit_log"]) == 17
    assert "vor den Migrationen" in cli(capsys, "db", "current", "--db", str(path))[1]
    assert f"→ {migrate.head()}" in cli(capsys, "db", "upgrade", "--db", str(path))[1]
    after = _raw_rows(url)
    for table, rows in before.items():  # every row of every table as it was (columns added later aside)
        width = len(rows[0]) if rows else 0
        assert [r[:width] for r in after[table]] == rows, table
    engine = sa.create_engine(url)
    with engine.connect() as conn:  # unbestaetigt (revision 0002): "" = confirmed, as every milestone was before
        assert conn.execute(sa.text("SELECT DISTINCT unbestaetigt FROM milestones")).all() == [("",)]
    engine.dispose()
    assert _checks(url)  # and the tables are what the code reads
    store = Store(url, seed_file=None, gazetteer=gazetteer())
    try:
        records = store.load()
        assert len(records.milestones) == 6 and len(records.participants) == 5
        assert any(m.bemerkung == "geändert ä ö ü ß" for m in records.milestones)
        assert auth.Accounts(store).authenticate("anna", "geheim-passwort-1").ok
        assert store.audit_query(entities=["contacts"])[0]["reverted_by"] is None  # the revert itself
    finally:
        store.dispose()
    assert "(aktuell)" in cli(capsys, "db", "current", "--db", str(path))[1]


def test_store_on_a_legacy_file_upgrades_it_by_itself(tmp_path):
    path = legacy_db(tmp_path)
    store = Store(f"sqlite:///{path}", seed_file=None, gazetteer=gazetteer())
    store.dispose()
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.head(),)]
    con.close()


def test_newer_schema_is_refused_and_left_alone(db_url, capsys):
    migrate.upgrade(db_url)
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(migrate.SchemaError, match="von einer neueren Version"):
        Store(db_url, seed_file=None, gazetteer=gazetteer())
    rc, _, err = cli(capsys, "db", "upgrade", "--db", db_url)
    assert rc == 1 and "9999" in err and "neueren Version" in err
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        assert migrate.current(conn) == "9999"
    engine.dispose()


@pytest.mark.postgres
def test_two_servers_upgrading_at_once_upgrade_once(pg_cluster):
    url = pg_cluster.create_database()
    procs = [subprocess.Popen([sys.executable, "-m", "asskomm", "db", "upgrade", "--db", url], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(p.wait(60), p.stdout.read(), p.stderr.read()) for p in procs]
    assert all(rc == 0 for rc, _, _ in results), results
    assert sum("→" in out for _, out, _ in results) == 1  # exactly one did the work
    store = Store(url, seed_file=None, gazetteer=gazetteer())
    assert store.data_version() == 0
    store.dispose()


def test_adding_a_revision_the_documented_way(tmp_path, monkeypatch):
    """``db revision`` writes the next numbered file with the detected change; it upgrades old databases."""
    versions = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, versions, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", versions)
    metadata = sa.MetaData()
    for table in migrate.target_metadata().tables.values():
        table.to_metadata(metadata)
    sa.Table("sessions", metadata, sa.Column("id", sa.String(64), primary_key=True),
             sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False))
    milestones = metadata.tables["milestones"]
    milestones.append_column(sa.Column("geprueft", sa.Boolean, nullable=False, server_default=sa.false()))
    monkeypatch.setattr(migrate, "target_metadata", lambda: metadata)
    migrate._head.cache_clear()
    migrate._revisions.cache_clear()
    try:
        number = f"{int(migrate.known_revisions()[-1]) + 1:04d}"
        path = migrate.new_revision("sessions and checked milestones")
        assert path.name == f"{number}_sessions_and_checked_milestones.py"
        text = path.read_text()
        assert "create_table('sessions'" in text and "add_column" in text and "geprueft" in text
        assert migrate.head() == number
        old = legacy_db(tmp_path)
        assert migrate.upgrade(f"sqlite:///{old}") == (None, number)
        engine = sa.create_engine(f"sqlite:///{old}")
        with engine.connect() as conn:
            assert "sessions" in sa.inspect(conn).get_table_names()
            assert conn.execute(sa.text("SELECT count(*) FROM milestones WHERE geprueft = 0")).scalar() == 6
            assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() == 17
        engine.dispose()
    finally:
        migrate._head.cache_clear()
        migrate._revisions.cache_clear()
