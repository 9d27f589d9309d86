"""The server is killed (SIGKILL) in the middle of an import confirmed in the browser: after a restart the
records are all old (the import's transaction never committed), nothing half-written, and the app works.

»In the middle« is observed, not guessed: the import of ~20,000 rows writes pages to SQLite's write-ahead
log long before it commits, so the test kills the server as soon as that log grows after the click.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import signal
import sqlite3
import time

import harness
import pytest
from test_browser_editing import HEADER, PASSWORDS, idle, nav, sign_in

from asskomm import records as rec
from asskomm.geo import layers as geo
from asskomm.store import accounts as auth
from asskomm.store.database import Store
from asskomm.ui.mapblock import TABLE_TAB

pytestmark = pytest.mark.browser

ROWS = 20_000
BAUSTEINE = ("beratung", "coaching", "sicherheitsanalyse", "foerderung", "kpr")


def _counts(db) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed table names
            for table in ("milestones", "participants", "audit_log")
        )


def _wait_for_open_write_transaction(db, timeout_s: float) -> bool:
    """True as soon as another connection holds SQLite's write lock (the import's transaction is open)."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
            except sqlite3.OperationalError:  # »database is locked«: a writer is inside its transaction
                return True
            time.sleep(0.002)
        return False
    finally:
        probe.close()


def _big_import(path) -> None:
    """ROWS new, valid milestones for real Gemeinden (a new date per AGS and Baustein)."""
    keys = geo.gemeinden()["ags"].astype(str).tolist()
    rows = itertools.islice(
        ((ags, b, dt.date(2019, 3, 1) + dt.timedelta(days=d)) for d in range(0, 2000, 7) for b in BAUSTEINE
         for ags in keys),
        ROWS,
    )
    lines = [f"{ags};;;{b};{day.isoformat()};;;https://example.org/last/{i};Lasttest;\n"
             for i, (ags, b, day) in enumerate(rows)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")


def test_kill_during_import_leaves_all_old(browser, tmp_path, screenshot):
    db = tmp_path / "asskomm.sqlite"
    store = Store(f"sqlite:///{db}")
    store.ensure_seeded()
    auth.Accounts(store).add("berta", PASSWORDS["berta"], "bearbeiter", actor="test")
    store.dispose()
    before = _counts(db)
    big = tmp_path / "gross.csv"
    _big_import(big)

    server = harness.start_streamlit(harness.ENTRYPOINT, db_path=db, name="crash-1")
    context = harness.new_context(browser)
    page = context.new_page()
    try:
        sign_in(page, server.url, "berta")
        nav(page, "Import")
        page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(big))
        page.get_by_role("button", name="Import übernehmen").wait_for(timeout=90_000)
        idle(page)
        assert re.search(r"neu\s+20\.?000\b", page.locator('[data-testid="stMain"]').inner_text())
        page.get_by_role("button", name="Import übernehmen").click()
        assert _wait_for_open_write_transaction(db, timeout_s=60), "the import never started writing"
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
    finally:
        context.close()
        server.stop()

    # SQLite recovers on the next open: the uncommitted import is gone, everything else is intact.
    assert _counts(db) == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    restarted = harness.start_streamlit(harness.ENTRYPOINT, db_path=db, name="crash-2")
    context = harness.new_context(browser)
    page = context.new_page()
    try:
        page.goto(restarted.url + "/")
        harness.wait_for_app_idle(page, timeout=90_000)
        harness.wait_for_map(page, min_polygons=418, timeout=90_000)
        harness.open_tab(page, TABLE_TAB)
        assert "Gemeinden in dieser Ansicht (418)" in page.locator('[data-testid="stMain"]').inner_text()
        screenshot("crash-nach-neustart", page=page)
    finally:
        context.close()
        restarted.stop()

    # Control: the same file, imported without a kill, is complete – the old state above was the rollback.
    store = Store(f"sqlite:///{db}")
    parsed = rec.parse_file(big, store.gazetteer())
    assert parsed.ok and store.apply_import(parsed, "test").ok
    store.dispose()
    assert _counts(db)[0] == before[0] + ROWS
