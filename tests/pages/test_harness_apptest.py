"""Tests of the AppTest helpers and of the harness pieces that need no browser."""

from __future__ import annotations

import os

import harness
import psutil
import pytest


def test_dashboard_runs_without_exception(apptest) -> None:
    at = apptest()
    harness.assert_no_exception(at)
    titles = [t.value for t in at.title]
    assert any("ASSKomm" in t for t in titles), titles


def test_run_page_switches_to_a_page_file() -> None:
    at = harness.run_page("pages/karte.py")
    harness.assert_no_exception(at)
    assert at.title, "the Karte page drew no title"


def test_apptest_keeps_db_and_env_for_the_whole_test(apptest, tmp_db) -> None:
    at = apptest(query_params={"kreis": "14626"}, env={"ASSKOMM_TEST_MARKER": "x1"})
    assert os.environ["ASSKOMM_DB"] == str(tmp_db)
    assert os.environ["ASSKOMM_TEST_MARKER"] == "x1"
    assert at.query_params["kreis"] == "14626"
    at.run()  # a rerun sees the same environment
    harness.assert_no_exception(at)


def test_patched_env_restores_previous_values(monkeypatch) -> None:
    monkeypatch.setenv("ASSKOMM_A", "before")
    monkeypatch.delenv("ASSKOMM_B", raising=False)
    with harness.patched_env({"ASSKOMM_A": "inside", "ASSKOMM_B": "new"}):
        assert os.environ["ASSKOMM_A"] == "inside"
        assert os.environ["ASSKOMM_B"] == "new"
    assert os.environ["ASSKOMM_A"] == "before"
    assert "ASSKOMM_B" not in os.environ


def test_recorder_separates_own_origin_from_foreign_requests() -> None:
    rec = harness.Recorder()
    rec.requests += [
        "http://127.0.0.1:8501/",
        "ws://127.0.0.1:8501/_stcore/stream",
        "http://127.0.0.1:8501/app/static/leaflet/leaflet.js",
        "data:image/png;base64,AAAA",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "http://127.0.0.1:9999/other-port",
    ]
    rec.console.append(harness.ConsoleEntry("error", "boom"))
    rec.console.append(harness.ConsoleEntry("warning", "meh"))
    assert rec.foreign_requests("http://127.0.0.1:8501") == [
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "http://127.0.0.1:9999/other-port",
    ]
    assert [e.text for e in rec.console_errors()] == ["boom"]
    assert rec.console_errors(ignore=("boom",)) == []
    with pytest.raises(AssertionError, match="2 request"):
        rec.assert_same_origin("http://127.0.0.1:8501")


def test_server_starts_healthy_with_temp_db_and_stops_its_process_group(streamlit_server_factory) -> None:
    server = streamlit_server_factory(env={"ASSKOMM_TEST_MARKER": "factory"})
    assert server.alive()
    assert server.db_path is not None and server.db_path.name == "asskomm.sqlite"
    proc = psutil.Process(server.process.pid)
    assert proc.environ().get("ASSKOMM_DB") == str(server.db_path)
    assert proc.environ().get("ASSKOMM_TEST_MARKER") == "factory"
    assert server.rss_bytes() > 10_000_000
    assert server.log_path.is_relative_to(harness.OUTPUT_DIR)
    server.stop()
    assert not server.alive()
    assert (
        not psutil.pid_exists(server.process.pid) or psutil.Process(server.process.pid).status() == "zombie"
    )
    server.stop()  # idempotent


def test_start_streamlit_reports_a_server_that_exits(tmp_path) -> None:
    # A missing script makes `streamlit run` exit at once: the error must say so, with the log tail.
    with pytest.raises(RuntimeError, match="exited"):
        harness.start_streamlit(tmp_path / "missing.py", timeout=30)
