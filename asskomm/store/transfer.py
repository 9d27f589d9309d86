"""Moving a whole database: copy between SQLite and PostgreSQL, backup to a file, restore from it.

* :func:`copy` reads a consistent snapshot of the source (SQLite: the online backup API into a temporary
  file; PostgreSQL: one ``REPEATABLE READ`` transaction), upgrades the target's schema, and replaces the
  target's rows in **one** transaction. Before committing it reads the target back and compares the row
  count and a SHA-256 checksum per table with the source; any difference rolls everything back.
* :func:`backup` is a copy into a new SQLite file that also holds a manifest (counts, checksums, schema
  revision, time); the file appears under its name only when complete.
* :func:`restore` checks such a file first (SQLite header, ``integrity_check``, manifest, checksums, a
  schema revision this program knows) and then copies it over the database. A damaged file or one of a
  newer schema is refused before anything is written.

Checksums are computed over rows sorted in Python (not by the database's collation) with values in a
canonical form (times in UTC, JSON with sorted keys), so SQLite and PostgreSQL give the same digest.
After a copy or restore ``data_version`` is set above both the old and the copied value, so every
running app server notices the change and drops its caches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from asskomm.store import migrate
from asskomm.store.connection import safe_url
from asskomm.store.schema import meta, url_from_setting

CHUNK = 1000
SQLITE_MAGIC = b"SQLite format 3\x00"
# Tables only a backup file has (not part of the application's schema).
_backup_meta = sa.MetaData()
manifest_table = sa.Table(
    "backup_manifest", _backup_meta,
    sa.Column("table_name", sa.String, primary_key=True),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
)
info_table = sa.Table(
    "backup_info", _backup_meta,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)


class TransferError(RuntimeError):
    """A copy, backup or restore was refused or failed; nothing was changed (German message)."""


@dataclasses.dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    sha256: str


@dataclasses.dataclass(frozen=True)
class Report:
    source: str
    target: str
    revision: str
    tables: tuple[TableCheck, ...]

    def text(self) -> str:
        width = max(len(t.table) for t in self.tables)
        lines = [f"Von {self.source} nach {self.target} (Schemastand {self.revision}), geprüft:"]
        lines += [f"  {t.table:<{width}}  {t.rows:>8} Zeilen  SHA-256 {t.sha256[:16]}…" for t in self.tables]
        return "\n".join(lines)


def tables() -> list[sa.Table]:
    """All application tables in foreign-key order (parents first)."""
    return list(migrate.target_metadata().sorted_tables)


# ------------------------------------------------------------------------------------------ checksums
def _canonical(value: Any, column: sa.Column) -> Any:
    if value is not None and isinstance(column.type, sa.Numeric):  # SQLite may hand back 160000 for 160000.0
        return repr(float(value))
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # SQLite keeps no zone; the app writes UTC
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _rows(conn: sa.Connection, table: sa.Table) -> list[tuple]:
    """All rows of ``table`` in canonical form, sorted by primary key (in Python, not by collation)."""
    columns = list(table.columns)
    pk_pos = [columns.index(c) for c in table.primary_key.columns]
    rows = [tuple(_canonical(v, c) for v, c in zip(r, columns, strict=True))
            for r in conn.execute(sa.select(*columns))]
    rows.sort(key=lambda r: tuple((v is None, v) for v in (r[i] for i in pk_pos)))
    return rows


def _digest(rows: list[tuple]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str).encode())
        h.update(b"\n")
    return h.hexdigest()


def checks(conn: sa.Connection) -> tuple[TableCheck, ...]:
    """Row count and checksum of every application table."""
    out = []
    for table in tables():
        rows = _rows(conn, table)
        out.append(TableCheck(table.name, len(rows), _digest(rows)))
    return tuple(out)


# ------------------------------------------------------------------------------------------ snapshots
def _sqlite_path(url: sa.URL) -> Path:
    return Path(url.database or "")


@contextmanager
def snapshot(url: str) -> Iterator[sa.Connection]:
    """A connection that sees one consistent state of the database while others keep writing."""
    u = sa.make_url(url)
    if u.get_backend_name() == "sqlite":
        path = _sqlite_path(u)
        if not path.is_file():
            raise TransferError(f"Die Datenbankdatei {path} gibt es nicht.")
        with tempfile.TemporaryDirectory(prefix="asskomm-snap-") as tmp:
            copy_path = Path(tmp) / "snapshot.db"
            src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            dst = sqlite3.connect(copy_path)
            try:
                src.backup(dst)  # SQLite's online backup: a consistent copy, also of the WAL's pages
            except sqlite3.DatabaseError as exc:
                raise TransferError(f"Die Datenbankdatei {path} kann nicht gelesen werden: {exc}") from exc
            finally:
                dst.close()
                src.close()
            engine = sa.create_engine(f"sqlite:///{copy_path}", poolclass=sa.pool.NullPool)
            try:
                with engine.connect() as conn:
                    yield conn
            finally:
                engine.dispose()
        return
    engine = sa.create_engine(u, poolclass=sa.pool.NullPool)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
            conn.execute(sa.text("SET TRANSACTION READ ONLY"))
            yield conn
    finally:
        engine.dispose()


def _source_revision(conn: sa.Connection, name: str) -> str:
    revision = migrate.current(conn)
    if revision is None:
        raise TransferError(
            f"{name} hat keinen Schemastand (leer oder von einer Version vor den Migrationen); "
            "bitte zuerst »asskomm db upgrade« für sie ausführen."
        )
    if migrate.is_newer(revision):
        raise TransferError(migrate.newer_message(revision))
    if revision != migrate.head():
        raise TransferError(
            f"{name} hat den älteren Schemastand »{revision}« (aktuell: »{migrate.head()}«); "
            "bitte zuerst »asskomm db upgrade« für sie ausführen."
        )
    return revision


# ------------------------------------------------------------------------------------------ copy
def _data_version(conn: sa.Connection) -> int:
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_version")).scalar()
    return int(value or 0)


def _has_data(conn: sa.Connection) -> bool:
    return any(
        conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
        for t in tables()
        if t.name != "meta"
    )


def _to_target(value: Any, column: sa.Column) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    return value


def _write(src: sa.Connection, dst: sa.Connection) -> tuple[TableCheck, ...]:
    """Replace every table of ``dst`` by the rows of ``src`` (inside the caller's transaction)."""
    ordered = tables()
    if dst.dialect.name == "postgresql":  # no app server may write in between
        names = ", ".join(dst.dialect.identifier_preparer.quote(t.name) for t in ordered)
        dst.execute(sa.text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
    for table in reversed(ordered):
        dst.execute(table.delete())
    for table in ordered:
        columns = list(table.columns)
        batch: list[dict[str, Any]] = []
        for row in src.execute(sa.select(*columns)):
            batch.append({c.name: _to_target(v, c) for c, v in zip(columns, row, strict=True)})
            if len(batch) >= CHUNK:
                dst.execute(table.insert(), batch)
                batch = []
        if batch:
            dst.execute(table.insert(), batch)
        if dst.dialect.name == "postgresql":
            for col in table.primary_key.columns:
                if col.autoincrement is True or (col.autoincrement == "auto" and isinstance(col.type, sa.Integer)
                                                 and len(table.primary_key.columns) == 1):
                    top = sa.func.max(col)
                    dst.execute(sa.select(sa.func.setval(
                        sa.func.pg_get_serial_sequence(table.name, col.name), sa.func.coalesce(top, 1),
                        top.is_not(None))))
    return checks(dst)


def _verify(expected: tuple[TableCheck, ...], got: tuple[TableCheck, ...], what: str) -> None:
    bad = [f"{e.table} ({e.rows} → {g.rows} Zeilen)" if e.rows != g.rows else f"{e.table} (Prüfsumme)"
           for e, g in zip(expected, got, strict=True) if e != g]
    if bad:
        raise TransferError(f"{what}: die Kopie weicht ab bei {', '.join(bad)}; nichts wurde geändert.")


def _copy_from(src: sa.Connection, source_name: str, to_url: str, *, replace: bool,
               expected: tuple[TableCheck, ...] | None = None) -> Report:
    revision = _source_revision(src, source_name)
    source_checks = checks(src)
    if expected is not None:
        _verify(expected, source_checks, "Prüfung der Sicherung")
    migrate.upgrade(to_url)
    engine = migrate.migration_engine(to_url)
    try:
        with engine.begin() as dst:
            if not replace and _has_data(dst):
                raise TransferError(
                    f"Das Ziel {safe_url(to_url)} enthält schon Daten; zum Ersetzen »--ersetzen« angeben."
                )
            old_version = _data_version(dst)
            written = _write(src, dst)
            _verify(source_checks, written, "Kopie")
            dst.execute(meta.update().where(meta.c.key == "data_version").values(
                value=max(old_version, _data_version(dst)) + 1))
    finally:
        engine.dispose()
    return Report(source_name, safe_url(to_url), revision, source_checks)


def copy(from_setting: str, to_setting: str, *, replace: bool = False) -> Report:
    """Copy everything from one database to another (paths or URLs as in ``ASSKOMM_DB``) and verify it."""
    from_url, to_url = url_from_setting(from_setting), url_from_setting(to_setting)
    if from_url == to_url:
        raise TransferError("Quelle und Ziel sind dieselbe Datenbank.")
    try:
        with snapshot(from_url) as src:
            return _copy_from(src, safe_url(from_url), to_url, replace=replace)
    except sa.exc.SQLAlchemyError as exc:
        raise TransferError(f"Kopieren fehlgeschlagen, nichts wurde geändert: {_short(exc)}") from exc


# ------------------------------------------------------------------------------------------ backup
def backup(setting: str, file: str | Path) -> Report:
    """Write a consistent, verified snapshot of the database to ``file`` (a SQLite file with a manifest)."""
    url = url_from_setting(setting)
    file = Path(file).expanduser().resolve()
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_name(file.name + ".unvollstaendig")
    partial.unlink(missing_ok=True)
    try:
        with snapshot(url) as src:
            report = _copy_from(src, safe_url(url), f"sqlite:///{partial}", replace=False)
        engine = sa.create_engine(f"sqlite:///{partial}", poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as conn:
                _backup_meta.create_all(conn)
                conn.execute(manifest_table.insert(),
                             [{"table_name": c.table, "row_count": c.rows, "sha256": c.sha256} for c in checks(conn)])
                conn.execute(info_table.insert(), [
                    {"key": "created_at", "value": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")},
                    {"key": "source", "value": report.source},
                    {"key": "revision", "value": report.revision},
                ])
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            engine.dispose()
        partial.replace(file)
    except sa.exc.SQLAlchemyError as exc:
        raise TransferError(f"Sicherung fehlgeschlagen: {_short(exc)}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return dataclasses.replace(report, target=str(file))


# ------------------------------------------------------------------------------------------ restore
def inspect_backup(file: str | Path) -> tuple[str, tuple[TableCheck, ...], dict[str, str]]:
    """Check a backup file without changing it; returns (revision, manifest, info). Raises TransferError."""
    file = Path(file)
    if not file.is_file():
        raise TransferError(f"Die Sicherungsdatei {file} gibt es nicht.")
    with file.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise TransferError(f"{file} ist keine Sicherungsdatei von ASSKomm-Karte (kein SQLite-Format).")
    engine = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(f"file:{file}?mode=ro", uri=True),
                              poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as con:
            result = con.exec_driver_sql("PRAGMA integrity_check").fetchall()
            if [tuple(r) for r in result] != [("ok",)]:
                raise TransferError(f"Die Sicherungsdatei {file} ist beschädigt ({result[0][0]}).")
            names = set(sa.inspect(con).get_table_names())
            if not {"backup_manifest", "backup_info", "alembic_version"} <= names:
                raise TransferError(f"{file} ist keine Sicherungsdatei von ASSKomm-Karte (kein Inhaltsverzeichnis).")
            manifest = {r.table_name: TableCheck(r.table_name, int(r.row_count), r.sha256)
                        for r in con.execute(sa.select(manifest_table))}
            info = {r.key: r.value for r in con.execute(sa.select(info_table))}
            revision = migrate.current(con)
    except (sqlite3.DatabaseError, sa.exc.DatabaseError) as exc:
        raise TransferError(f"Die Sicherungsdatei {file} ist beschädigt ({_short(exc)}).") from exc
    finally:
        engine.dispose()
    if migrate.is_newer(revision):
        raise TransferError(
            f"Die Sicherung hat den Schemastand »{revision}«, den diese Programmversion nicht kennt "
            f"(neuester bekannter: »{migrate.head()}«); sie stammt von einer neueren Version. Nichts wurde geändert."
        )
    return revision or "", tuple(manifest.values()), info


def restore(file: str | Path, setting: str) -> Report:
    """Replace the database's contents by a backup (checked first; all or nothing)."""
    file = Path(file).expanduser().resolve()
    url = url_from_setting(setting)
    revision, manifest, _info = inspect_backup(file)
    with tempfile.TemporaryDirectory(prefix="asskomm-restore-") as tmp:
        work = Path(tmp) / "restore.db"
        shutil.copyfile(file, work)  # the backup file itself is never changed
        tmp_url = f"sqlite:///{work}"
        try:
            engine = sa.create_engine(tmp_url, poolclass=sa.pool.NullPool)
            try:
                with engine.connect() as conn:
                    by_name = {c.table: c for c in manifest}
                    stored = tuple(c for c in checks(conn) if c.table in by_name)
                    _verify(tuple(by_name[c.table] for c in stored), stored, "Prüfung der Sicherung")
            finally:
                engine.dispose()
            if revision != migrate.head():
                migrate.upgrade(tmp_url)  # an older backup: bring the copy to the current schema first
            with snapshot(tmp_url) as src:
                report = _copy_from(src, str(file), url, replace=True)
        except TransferError as exc:
            raise TransferError(f"Wiederherstellung abgelehnt: {exc}") from exc
        except (sa.exc.SQLAlchemyError, sqlite3.DatabaseError) as exc:
            raise TransferError(f"Wiederherstellung fehlgeschlagen, nichts wurde geändert: {_short(exc)}") from exc
    return report


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
