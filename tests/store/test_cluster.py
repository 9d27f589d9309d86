"""Several app servers on one PostgreSQL: locking, imports and sign-in throttling hold across processes.

Each "server" here is a separate OS process with its own Store (own engine and connection pool), as two
``streamlit run`` processes would have; they start their step together at a multiprocessing barrier.
(The browser test with two real ``streamlit run`` servers is tests/browser/test_browser_cluster.py.)
"""

from __future__ import annotations

import multiprocessing
import traceback

import pytest
from records_support import BASE_ROWS, gazetteer, make_store, parse, row, write_csv

from asskomm.store import accounts as auth
from asskomm.store import sign_in
from asskomm.store.database import Store
from asskomm.store.results import ConflictError

pytestmark = pytest.mark.postgres
CTX = multiprocessing.get_context("fork")


def _in_processes(target, args_per_process, timeout=120):
    """Run ``target(barrier, *args)`` in one process per args tuple; returns their results in order."""
    barrier = CTX.Barrier(len(args_per_process))
    queue = CTX.Queue()

    def run(i, args):
        try:
            queue.put((i, "ok", target(barrier, *args)))
        except BaseException:
            queue.put((i, "error", traceback.format_exc()))

    procs = [CTX.Process(target=run, args=(i, a)) for i, a in enumerate(args_per_process)]
    for p in procs:
        p.start()
    results = dict.fromkeys(range(len(procs)))
    for _ in procs:
        i, status, value = queue.get(timeout=timeout)
        assert status == "ok", value
        results[i] = value
    for p in procs:
        p.join(30)
    return [results[i] for i in range(len(procs))]


@pytest.fixture
def pg_store(pg_cluster, tmp_path):
    url = pg_cluster.create_database()
    store = make_store(tmp_path, BASE_ROWS, url)
    yield url, store
    store.dispose()


def _edit(barrier, url, milestone_id, version, note):
    store = Store(url, seed_file=None, gazetteer=gazetteer())
    try:
        barrier.wait()
        try:
            return ("ok", store.update_milestone(milestone_id, version, {"bemerkung": note}, note))
        except ConflictError as exc:
            return ("konflikt", str(exc))
    finally:
        store.dispose()


def test_optimistic_locking_across_processes(pg_store):
    url, store = pg_store
    m = store.load().milestones[0]
    version = m.version
    for round_ in range(4):
        results = _in_processes(_edit, [(url, m.id, version, f"server{i}-{round_}") for i in range(2)])
        assert sorted(r[0] for r in results) == ["konflikt", "ok"], results
        winner = next(i for i, r in enumerate(results) if r[0] == "ok")
        version += 1
        now = next(x for x in store.load().milestones if x.id == m.id)
        assert now.bemerkung == f"server{winner}-{round_}" and now.version == version
    updates = [e for e in store.audit(50) if e["action"] == "update" and e["entity"] == "milestones"]
    assert len(updates) == 4  # one per round: the losers wrote nothing


def _import(barrier, url, path, expected):
    store = Store(url, seed_file=None, gazetteer=gazetteer())
    try:
        parsed = parse(path)
        preview = store.apply_import(parsed, "preview", dry_run=True)
        assert preview.ok and store.data_version() == expected  # as editing.preview_import reads it
        barrier.wait()
        try:
            result = store.apply_import(parsed, "server", expected_version=expected)
            return ("ok", result.count("neuer_meilenstein"))
        except ConflictError as exc:
            return ("konflikt", str(exc))
    finally:
        store.dispose()


def test_confirmed_imports_from_two_servers_do_not_interleave(pg_store, tmp_path):
    url, store = pg_store
    files = [
        write_csv(tmp_path / "a.csv", [row(ags="14626600", baustein="beratung", datum="2021"),
                                       row(ags="14625020", baustein="beratung", datum="2022")]),
        write_csv(tmp_path / "b.csv", [row(ags="14729260", baustein="beratung", datum="2023"),
                                       row(ags="14625020", baustein="beratung", datum="2022")]),
    ]
    for _ in range(3):
        before = store.load()
        version = store.data_version()
        results = _in_processes(_import, [(url, f, version) for f in files])
        assert sorted(r[0] for r in results) == ["konflikt", "ok"], results
        assert "seit der Vorschau geändert" in next(r[1] for r in results if r[0] == "konflikt")
        after = store.load()
        assert store.data_version() == version + 1
        assert len(after.milestones) == len(before.milestones) + 2  # one whole file, nothing of the other
        for ms in list(after.milestones)[len(before.milestones):]:  # undo for the next round
            store.delete_milestone(ms.id, ms.version, "test")


def _sign_in(barrier, url, attempts):
    store = Store(url, seed_file=None, gazetteer=gazetteer())
    try:
        accounts = auth.Accounts(store)
        messages = []
        for _ in range(attempts):
            barrier.wait()
            messages.append(accounts.authenticate("Mallory", "falsches-passwort-1").message)
        return messages
    finally:
        store.dispose()


def test_sign_in_throttling_counts_attempts_from_all_servers(pg_store):
    url, store = pg_store
    accounts = auth.Accounts(store)
    accounts.add("mallory", "richtiges-passwort-1", "betrachter", actor="test")
    results = _in_processes(_sign_in, [(url, 3), (url, 3)])
    messages = [m for r in results for m in r]
    checked = [m for m in messages if m.startswith("Anmeldung fehlgeschlagen")]
    refused = [m for m in messages if m.startswith("Zu viele Fehlversuche")]
    assert len(checked) + len(refused) == 6
    failures, wait = accounts.throttle_state("mallory")
    assert failures == len(checked) >= sign_in.FREE_ATTEMPTS  # every checked attempt counted, none lost
    assert wait > 0
    # the wait applies on every server, also to the right password
    other = Store(url, seed_file=None, gazetteer=gazetteer())
    try:
        result = auth.Accounts(other).authenticate("mallory", "richtiges-passwort-1")
        assert not result.ok and "Zu viele Fehlversuche" in result.message
    finally:
        other.dispose()
