"""What a visitor can do to the server from outside (issue 25): empty the caches (any client may send
Streamlit's »clear_cache« message), see the database's address when it is down; and the uploader's limit."""

from __future__ import annotations

import logging

import harness
import pytest
import streamlit as st
from streamlit import config

from asskomm.store.accounts import Accounts
from asskomm.store.database import Store
from asskomm.ui import auth as ui_auth
from asskomm.ui import data, uploads

PW = "Ein-gutes-Passwort-9"


def _editor_session(tmp_db, monkeypatch) -> str:
    monkeypatch.setenv("ASSKOMM_DB", str(tmp_db))
    store = Store.from_env()
    accounts = Accounts(store)
    accounts.add("berta", PW, "bearbeiter", actor="test")
    sid, _ = accounts.start_session(accounts.get("berta"))
    store.dispose()
    return sid


def test_cleared_caches_keep_the_store_its_write_lock_and_the_sign_ins(apptest, tmp_db, monkeypatch):
    sid = _editor_session(tmp_db, monkeypatch)
    at = apptest("pages/kommune.py", query_params={"ags": "14626110"}, run=False, timeout=90)
    at.session_state[ui_auth.K_SID] = sid
    at.run()
    harness.assert_no_exception(at)
    store, accounts = data._store(str(tmp_db)), ui_auth.accounts()
    lock = store._lock
    signed_in = [c.value for c in at.caption]
    assert "Keine Kontaktdaten erfasst." in signed_in  # the contacts' part: for signed-in users only
    st.cache_resource.clear()  # what Streamlit does for any client's clear_cache message (app_session.py)
    st.cache_data.clear()
    at.run()
    harness.assert_no_exception(at)
    assert data._store(str(tmp_db)) is store and store._lock is lock and ui_auth.accounts() is accounts
    assert [c.value for c in at.caption] == signed_in  # still signed in, same session
    assert at.session_state[ui_auth.K_SID] == sid
    assert at.title[0].value.startswith("Görlitz")
    records = store.load()
    p = next(p for p in records.participants if p.ags == "14626110")
    m = records.milestones_of(p.id)[0]
    store.update_milestone(m.id, m.version, {"bemerkung": "nach dem Leeren"}, "berta")  # writes go on
    at.run()
    harness.assert_no_exception(at)


def test_database_down_tells_visitors_no_address_and_logs_it(apptest, caplog):
    url = "postgresql+psycopg://asskomm:geheim@127.0.0.1:1/asskomm"  # nothing listens on port 1
    with caplog.at_level(logging.ERROR, logger="asskomm"):
        at = apptest(env={"ASSKOMM_DB": url}, timeout=60)
    harness.assert_no_exception(at)
    shown = "\n".join([t.value for t in at.title] + [e.value for e in at.error] + [c.value for c in at.caption])
    assert "gerade nicht verfügbar" in shown and "nicht erreichbar" in shown
    for secret in ("127.0.0.1", ":1/", "asskomm@", "geheim", "postgresql"):
        assert secret not in shown, secret
    logged = caplog.text
    assert "127.0.0.1" in logged and "geheim" not in logged  # for the operators, without the password


@pytest.fixture
def upload_limit():
    saved = config.get_option("server.maxUploadSize")

    def set_limit(mb: int) -> None:
        config.set_option("server.maxUploadSize", mb)

    yield set_limit
    config.set_option("server.maxUploadSize", saved)


def test_the_uploader_states_the_limit_streamlit_enforces(apptest, tmp_db, monkeypatch, upload_limit):
    sid = _editor_session(tmp_db, monkeypatch)
    upload_limit(3)
    at = apptest("pages/import.py", run=False)
    at.session_state[ui_auth.K_SID] = sid
    at.run()
    harness.assert_no_exception(at)
    uploader = at.get("file_uploader")[0].proto
    assert uploader.max_upload_size_mb == 3 and "höchstens 3 MB" in uploader.help
    assert "Inhalt" in uploader.help and "50.000 Zeilen" in uploader.help
    upload_limit(200)  # above what the import takes: the import's own limit is the one stated
    assert uploads.limit_mb() == 10 and "höchstens 10 MB" in uploads.help_text()
