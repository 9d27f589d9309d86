"""db copy / backup / restore: round trips SQLite ↔ PostgreSQL, snapshots while writing, refusals."""

import shutil
import threading

import pytest
import sqlalchemy as sa
from records_support import BASE_ROWS, export_text, gazetteer, make_store, parse, row, write_csv
from test_migrations import cli

from asskomm.store import accounts as auth
from asskomm.store import migrate
from asskomm.store import transfer as db_transfer
from asskomm.store.database import Store


def _filled(tmp_path, url):
    """A store with records, an edit, a contact, a revert, a Problemfeld, a user and a failed sign-in."""
    store = make_store(tmp_path, BASE_ROWS, url)
    accounts = auth.Accounts(store)
    accounts.add("anna", "geheim-passwort-1", "admin", actor="test")
    accounts.authenticate("bernd", "falsch-falsch-1")
    m = store.load().milestones[0]
    store.update_milestone(m.id, m.version, {"bemerkung": "Umlaute äöüß – »geändert«"}, "anna")
    cid = store.add_contact(m.participant_id, "anna", gremium="KPR", email="kpr@example.org")
    store.add_contact(m.participant_id, "anna", gremium="Zweiter Rat")
    store.save_problemfeld("laerm_test", {"label": "Lärm", "colour": "#123456", "description": ""}, "anna")
    entry = next(e for e in store.audit(20) if e["entity"] == "contacts" and e["entity_id"] == cid)
    store.revert(entry["id"], "anna")
    return store


def _checks(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {c.table: c for c in db_transfer.checks(conn)}
    finally:
        engine.dispose()


def _without_meta(checks):
    return {k: v for k, v in checks.items() if k != "meta"}


@pytest.mark.postgres
def test_round_trip_sqlite_postgresql_sqlite(tmp_path, pg_cluster, capsys):
    src = _filled(tmp_path, f"sqlite:///{tmp_path / 'a.db'}")
    text = export_text(src, tmp_path)
    version = src.data_version()
    src.dispose()
    pg = pg_cluster.create_database()
    rc, out, err = cli(capsys, "db", "copy", "--from", str(tmp_path / "a.db"), "--to", pg)
    assert rc == 0, err
    assert "Prüfsummen stimmen überein" in out and "audit_log" in out
    back = tmp_path / "b.db"
    assert cli(capsys, "db", "copy", "--from", pg, "--to", str(back))[0] == 0
    first, middle, last = _checks(f"sqlite:///{tmp_path / 'a.db'}"), _checks(pg), _checks(f"sqlite:///{back}")
    assert _without_meta(first) == _without_meta(middle) == _without_meta(last)
    assert first["audit_log"].rows > 10 and first["users"].rows == 1 and first["contacts"].rows == 1
    store = Store(pg, seed_file=None, gazetteer=gazetteer())
    try:
        assert export_text(store, tmp_path) == text
        assert store.data_version() > version  # running servers notice the new contents
        assert auth.Accounts(store).authenticate("anna", "geheim-passwort-1").ok
        # the sequences continue after the copied ids: new rows get fresh ids
        m = store.load().milestones[0]
        new_contact = store.add_contact(m.participant_id, "anna", gremium="Neu")
        assert new_contact > max(c.id for c in store.load().contacts if c.id != new_contact)
        parsed = parse(write_csv(tmp_path / "n.csv", [row(ags="14626600", baustein="beratung", datum="2021")]))
        assert store.apply_import(parsed, "anna").ok
    finally:
        store.dispose()


def test_copy_refuses_a_target_with_data_and_changes_nothing(tmp_path, db_url, capsys):
    src = make_store(tmp_path, BASE_ROWS, f"sqlite:///{tmp_path / 'src.db'}")
    src.dispose()
    target = make_store(tmp_path / "t", BASE_ROWS[:2], db_url) if (tmp_path / "t").mkdir() is None else None
    target.dispose()
    before = _checks(db_url)
    rc, _, err = cli(capsys, "db", "copy", "--from", str(tmp_path / "src.db"), "--to", db_url)
    assert rc == 1 and "enthält schon Daten" in err and "--ersetzen" in err
    assert _checks(db_url) == before
    assert cli(capsys, "db", "copy", "--from", str(tmp_path / "src.db"), "--to", db_url, "--ersetzen")[0] == 0
    assert _checks(db_url)["milestones"].rows == 6


def test_backup_while_writing_is_consistent_and_restores(tmp_path, db_url, capsys):
    store = make_store(tmp_path, BASE_ROWS, db_url)
    m = store.load().milestones[0]
    stop = threading.Event()
    written = []

    def writer():
        version = m.version
        while not stop.is_set():
            version = store.update_milestone(m.id, version, {"bemerkung": str(len(written) + 1)}, "writer")
            written.append(version)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        file = tmp_path / "sicherung.sqlite"
        for _ in range(3):
            rc, out, err = cli(capsys, "db", "backup", str(file), "--db", db_url)
            assert rc == 0 and "Sicherung geschrieben" in out, err
    finally:
        stop.set()
        thread.join()
    assert len(written) > 3  # the writer really ran during the backups
    assert not list(tmp_path.glob("*.unvollstaendig"))
    # consistent: the note's counter equals the number of the writer's audit entries in the same file
    engine = sa.create_engine(f"sqlite:///{file}")
    with engine.connect() as conn:
        note = conn.execute(sa.text("SELECT bemerkung FROM milestones WHERE id = :i"), {"i": m.id}).scalar()
        logged = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE actor = 'writer'")).scalar()
    engine.dispose()
    assert int(note) == logged
    # restore into the running database: the records go back to the backup's state
    store.update_milestone(m.id, written[-1], {"bemerkung": "nach der Sicherung"}, "anna")
    rc, _, err = cli(capsys, "db", "restore", str(file), "--db", db_url)
    assert rc == 0, err
    assert next(x for x in store.load().milestones if x.id == m.id).bemerkung == note
    store.dispose()


def _damaged_variants(good, tmp_path):
    data = good.read_bytes()
    flipped = bytearray(data)
    page = int.from_bytes(data[16:18], "big")  # SQLite page size
    for start in range(page, len(data), page):  # damage the B-tree header of every page after the first
        for i in range(start, start + 8):
            flipped[i] ^= 0x5A
    variants = {
        "kaputt.sqlite": bytes(flipped),
        "abgeschnitten.sqlite": data[: len(data) // 3],
        "text.sqlite": b"participant;milestone\n1;2\n",
        "leer.sqlite": b"",
    }
    paths = []
    for name, content in variants.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(path)
    return paths


def test_restore_refuses_damaged_or_foreign_files_and_changes_nothing(tmp_path, db_url, capsys):
    store = make_store(tmp_path, BASE_ROWS, db_url)
    good = tmp_path / "gut.sqlite"
    db_transfer.backup(db_url, good)
    store.update_milestone(store.load().milestones[0].id, 1, {"bemerkung": "danach"}, "anna")
    store.dispose()
    before = _checks(db_url)
    # a plain database (no manifest) and a backup whose rows were edited behind its manifest's back
    plain = tmp_path / "plain.sqlite"
    make_store(tmp_path / "p" if (tmp_path / "p").mkdir() is None else None, BASE_ROWS,
               f"sqlite:///{plain}").dispose()
    edited = tmp_path / "bearbeitet.sqlite"
    shutil.copyfile(good, edited)
    engine = sa.create_engine(f"sqlite:///{edited}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE milestones SET quelle = 'https://example.org/untergeschoben'"))
    engine.dispose()
    for path in [*_damaged_variants(good, tmp_path), plain, edited]:
        rc, _, err = cli(capsys, "db", "restore", str(path), "--db", db_url)
        assert rc == 1, path.name
        assert ("beschädigt" in err or "keine Sicherungsdatei" in err or "weicht ab" in err), (path.name, err)
        assert "Traceback" not in err
        assert _checks(db_url) == before, path.name


def test_restore_refuses_a_backup_of_a_newer_schema(tmp_path, db_url, capsys):
    make_store(tmp_path, BASE_ROWS, db_url).dispose()
    newer = tmp_path / "neuer.sqlite"
    db_transfer.backup(db_url, newer)
    engine = sa.create_engine(f"sqlite:///{newer}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()
    before = _checks(db_url)
    rc, _, err = cli(capsys, "db", "restore", str(newer), "--db", db_url)
    assert rc == 1 and "0999" in err and "neueren Version" in err
    assert _checks(db_url) == before
    assert migrate.head() != "0999"
