"""Faults: a wrong URL or password, the database lost in the middle of an import, the database down at start.

Each test runs its own PostgreSQL cluster (tests/pg.py), because it stops or locks it.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import harness
import pytest
import sqlalchemy as sa
from pg import PgCluster, PgUnavailable
from records_support import BASE_ROWS, make_store, row, write_csv
from test_migrations import _checks, cli

from asskomm.cli import health

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = "Sehr-Geheim-4711"


@pytest.fixture
def own_cluster(request):
    cluster = PgCluster(password=getattr(request, "param", None))
    try:
        cluster.start()
    except PgUnavailable as exc:
        pytest.skip(str(exc))
    yield cluster
    cluster.stop()


def _no_secret(*texts):
    for text in texts:
        assert SECRET not in text
        assert "Traceback" not in text


@pytest.mark.parametrize("own_cluster", [SECRET], indirect=True)
def test_wrong_password_or_url_gives_a_clear_message_without_the_password(own_cluster, capsys, monkeypatch):
    good = own_cluster.create_database()
    wrong = good.replace(SECRET, "Falsch-" + SECRET)
    assert wrong != good
    cases = {
        wrong: "Anmeldung an der Datenbank ist fehlgeschlagen",
        wrong.replace("postgresql+psycopg", "postgres"): "keine gültige Datenbank-Adresse",
        re.sub(r":\d+/", ":1/", good): "nicht erreichbar",
        good.rsplit("/", 1)[0] + "/gibtsnicht": "existiert auf dem Server nicht",
    }
    for url, expected in cases.items():
        monkeypatch.setenv("ASSKOMM_DB", url)
        rc, out, err = cli(capsys, "user", "list")
        assert rc == 2 and expected in err, (url, err)
        assert "***" in err
        _no_secret(out, err)
        ok, text = health.check_database(url)
        assert not ok and expected in text
        _no_secret(text)
    monkeypatch.setenv("ASSKOMM_DB", good)
    rc, out, err = cli(capsys, "db", "upgrade")
    assert rc == 0 and "***" in out
    _no_secret(out, err)


def test_database_lost_in_the_middle_of_an_import_writes_nothing(own_cluster, tmp_path, capsys, monkeypatch):
    url = own_cluster.create_database()
    make_store(tmp_path, BASE_ROWS, url).dispose()
    before = _checks(url)
    start = dt.date(2019, 1, 1)
    rows = [row(ags="14626110", baustein="beratung", datum=(start + dt.timedelta(days=i)).isoformat())
            for i in range(300)]
    file = write_csv(tmp_path / "gross.csv", rows)
    seen = []

    def stop_server_at_milestones(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO MILESTONES") and not seen:
            seen.append(statement)
            own_cluster.halt("immediate")  # like a crash of the database server, mid-transaction

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", stop_server_at_milestones)
    try:
        monkeypatch.setenv("ASSKOMM_DB", url)
        rc, out, err = cli(capsys, "import", str(file), "--wer", "test")
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", stop_server_at_milestones)
    assert seen, (rc, out, err)
    assert rc == 2, (out, err)
    assert "nicht erreichbar" in err and "nichts halb geschrieben" in err
    _no_secret(out, err)
    own_cluster.resume()
    assert _checks(url) == before  # not one participant, milestone or audit entry of the import
    rc, out, err = cli(capsys, "import", str(file), "--wer", "test")  # and it works once the server is back
    assert rc == 0, err
    assert {c.table: c.rows for c in _checks(url)}["milestones"] == 6 + 300


def test_database_down_at_start_shows_a_german_page_and_recovers(own_cluster, browser, screenshot):
    url = own_cluster.create_database()
    own_cluster.halt("fast")
    server = harness.start_streamlit(harness.ENTRYPOINT, env={"ASSKOMM_DB": url}, name="db-down")
    try:
        page = harness.new_context(browser).new_page()
        page.goto(server.url + "/")
        harness.wait_for_app_idle(page, timeout=90_000)
        page.get_by_text("gerade nicht verfügbar").first.wait_for(timeout=60_000)
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "Die Datenbank kann im Moment nicht verwendet werden" in text
        assert "nicht erreichbar" in text and "Traceback" not in text
        assert not page.locator('[data-testid="stException"]').count()
        screenshot("faults-01-datenbank-weg", page=page)
        check = [sys.executable, "-m", "asskomm.cli.health", "--app", server.url]
        env = {"ASSKOMM_DB": url, "PATH": "/usr/bin:/bin"}
        down = subprocess.run(check, cwd=ROOT, env=env, capture_output=True, text=True)
        assert down.returncode == 1 and "NICHT gesund" in down.stdout, down
        own_cluster.resume()
        page.get_by_role("button", name="Erneut versuchen").click()
        harness.wait_for_app_idle(page, timeout=90_000)
        harness.wait_for_map(page, 400, timeout=90_000)  # seeded and drawn, without restarting the server
        up = subprocess.run(check, cwd=ROOT, env=env, capture_output=True, text=True)
        assert up.returncode == 0 and up.stdout.startswith("gesund"), up
        page.context.close()
    finally:
        server.stop()
