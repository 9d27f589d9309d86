"""AppTest: the Änderungen page offers to undo a change of the Problemfelder to admins only (issue 25)."""

import harness
import pytest

from asskomm.records import vocabulary as vocab
from asskomm.store import vocab_editing
from asskomm.store.accounts import Accounts
from asskomm.store.database import Store
from asskomm.ui import auth as ui_auth

PW = "Ein-gutes-Passwort-9"


@pytest.fixture
def pf_change(tmp_db, monkeypatch):
    """An admin renamed a Problemfeld; returns its audit id."""
    monkeypatch.setenv("ASSKOMM_DB", str(tmp_db))
    store = Store.from_env()
    accounts = Accounts(store)
    accounts.add("anna", PW, "admin", actor="test")
    accounts.add("berta", PW, "bearbeiter", actor="test")
    vocab_editing.change(store, "senioren", {"label": "Ältere Menschen", "colour": "#0000AA"}, "anna", None)
    audit_id = next(e["id"] for e in store.audit_query() if e["entity"] == "problemfelder")
    store.dispose()
    yield audit_id
    vocab.set_problemfeld_overlay(())


def _as(at, name):
    store = Store.from_env(seed=False)
    accounts = Accounts(store)
    sid, _ = accounts.start_session(accounts.get(name))
    store.dispose()
    at.session_state[ui_auth.K_SID] = sid
    return at


@pytest.mark.parametrize(("name", "offered"), [("berta", False), ("anna", True)])
def test_undo_of_a_problemfeld_change_is_offered_to_admins_only(apptest, pf_change, name, offered):
    at = _as(apptest("pages/aenderungen.py", run=False), name).run()
    harness.assert_no_exception(at)
    assert any(r == pf_change for r in at.dataframe[0].value["Nr."])  # listed for both
    options = at.selectbox(key="aen_choice").options  # as shown: »Nr. 188 · …«
    assert any(o.startswith(f"Nr. {pf_change} ") for o in options) is offered
    assert any("Meilenstein" in o for o in options)  # the editor may undo other changes
