"""Versions read once per script run (``ui.runmemo``): one answer within a run, a fresh one on the next run,
also when another server wrote in between, and again within a run after this process wrote."""

from __future__ import annotations

import sqlite3

import harness
import pytest
from streamlit.testing.v1 import AppTest

from asskomm.ui.runmemo import once_per_run


def test_outside_a_run_every_call_computes():
    calls = []
    assert once_per_run("x", lambda: calls.append(1) or len(calls)) == 1
    assert once_per_run("x", lambda: calls.append(1) or len(calls)) == 2


def _counting_script():
    import streamlit as st

    from asskomm.ui.runmemo import once_per_run

    calls = st.session_state.setdefault("calls", [0])

    def compute():
        calls[0] += 1
        return calls[0]

    first, second = once_per_run("x", compute), once_per_run("x", compute)
    other = once_per_run("x", compute, unless=st.session_state.get("unless"))
    st.write(f"{first},{second},{other}")


def test_within_a_run_one_answer_and_a_new_one_each_run():
    at = AppTest.from_function(_counting_script)
    at.run()
    assert at.markdown[0].value == "1,1,1"
    at.run()  # a rerun asks again
    assert at.markdown[0].value == "2,2,2"
    at.session_state["unless"] = "geschrieben"
    at.run()  # within the run, a changed ``unless`` asks again
    assert at.markdown[0].value == "3,3,4"


def _version_script():
    import streamlit as st

    from asskomm.ui import data

    before = data.data_version()
    again = data.data_version()
    if st.session_state.get("write"):
        store = data.store()
        with store.engine.begin() as conn:  # a save of this process within the run
            store._bump(conn)
    st.write(f"{before}|{again}|{data.data_version()}")


@pytest.fixture
def seeded_db(apptest, tmp_db):
    harness.assert_no_exception(apptest())  # the app creates and seeds the database in ASSKOMM_DB
    return tmp_db


def test_data_version_once_per_run_and_fresh_after_writes(seeded_db):
    at = AppTest.from_function(_version_script, default_timeout=60)
    at.run()
    before, again, after = at.markdown[0].value.split("|")
    assert before == again == after
    # another server writes between two runs: the next run sees it
    with sqlite3.connect(seeded_db) as conn:
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
    at.run()
    next_before, _, _ = at.markdown[0].value.split("|")
    assert next_before != before
    # this process writes within a run: the rest of the run sees the new version
    at.session_state["write"] = True
    at.run()
    first, second, third = at.markdown[0].value.split("|")
    assert first == second != third
