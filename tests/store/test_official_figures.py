"""Issue 24.6: »amtliche Zahlen« the ministry enters — validated in German, admins only (the role as the database
holds it at the moment of writing), audited and revertible, logged as security events, read with the records;
on SQLite and PostgreSQL (``db_url``)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from records_support import BASE_ROWS, make_store

from asskomm.analysis import figures
from asskomm.store import accounts as auth
from asskomm.store import audit_view
from asskomm.store import official_figures as official
from asskomm.store.display import EditError
from asskomm.store.results import ConflictError
from asskomm.store.write_access import PermissionDenied

TODAY = dt.date(2026, 12, 4)
GOOD = {"kennzahl": "Kooperationsvereinbarungen", "wert": "63", "stand": "30.11.2026",
        "referenz": "LPR-Statistik 11/2026"}
PASSWORD = "ein-langes-Passwort-1"  # a test account's password


@pytest.fixture
def store(tmp_path, db_url):
    s = make_store(tmp_path, BASE_ROWS, db_url)
    accounts = auth.Accounts(s)
    accounts.add("ada", PASSWORD, "admin", actor="test")
    accounts.add("bert", PASSWORD, "bearbeiter", actor="test")
    accounts.add("ina", PASSWORD, "admin", actor="test")
    yield s
    s.dispose()


def _events(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def test_validation_names_each_field_in_german():
    assert official.validate(GOOD, today=TODAY) == {
        "kennzahl": "vereinbarungen", "wert": 63, "stand": "2026-11-30", "referenz": "LPR-Statistik 11/2026"}
    assert official.validate({**GOOD, "kennzahl": "praeventionsraete", "wert": "1.234"}, today=TODAY)["wert"] == 1234
    with pytest.raises(EditError) as err:
        official.validate({"kennzahl": "Räte", "wert": "-3", "stand": "2026-12-24", "referenz": " "}, today=TODAY)
    assert [m.split(":")[0] for m in err.value.messages] == ["Kennzahl", "Wert", "Stand", "Referenz"]
    assert "der 24.12.2026 liegt in der Zukunft" in err.value.messages[2]
    assert "beraten (Beratene Kommunen)" in err.value.messages[0]
    for stand, message in (("2026-11", "bitte einen Tag angeben"), ("2018-05-01", "vor dem Start des Programms"),
                           ("30.02.2026", "Tag gibt es")):
        with pytest.raises(EditError, match=message):
            official.validate({**GOOD, "stand": stand}, today=TODAY)


def test_an_admin_enters_a_figure_it_is_audited_read_with_the_records_and_logged(store, capsys):
    version = store.data_version()
    capsys.readouterr()
    fid = store.add_official_figure(GOOD, "ada", today=TODAY)
    (event,) = _events(capsys.readouterr().err)
    assert (event["event"], event["outcome"], event["user"], event["role"]) == ("record_changed", "ok", "ada", "admin")
    assert "Kooperationsvereinbarungen 63, Stand 30.11.2026" in event["detail"]
    assert store.data_version() > version
    (held,) = store.load().official_figures
    assert (held.id, held.kennzahl, held.wert, held.stand, held.referenz, held.created_by) == (
        fid, "vereinbarungen", 63, "2026-11-30", "LPR-Statistik 11/2026", "ada")
    assert held.created_at.startswith(str(dt.date.today().year))
    (entry,) = [e for e in store.audit_query() if e["entity"] == "official_figures"]
    assert (entry["action"], entry["actor"], entry["after"]["wert"]) == ("insert", "ada", 63)
    rows = audit_view.audit_view(store, store.load())
    assert any(r.entity == "Amtliche Zahl" and "LPR-Statistik 11/2026" in r.was for r in rows)
    # it stands beside the KPI card, before the press
    fig = figures.published_for_kpi("Kooperationsvereinbarungen", TODAY, official=store.load().official_figures)
    assert (fig.value, fig.kind, fig.source) == (63, "amtlich", "LPR-Statistik 11/2026")


def test_only_a_current_admin_may_write_checked_at_the_moment_of_writing(store, capsys):
    accounts = auth.Accounts(store)
    capsys.readouterr()
    with pytest.raises(PermissionDenied, match="»bert« hat die Rolle »Bearbeiter«"):
        store.add_official_figure(GOOD, "bert", today=TODAY)
    with pytest.raises(PermissionDenied, match="gibt es nicht"):
        store.add_official_figure(GOOD, "niemand", today=TODAY)
    fid = store.add_official_figure(GOOD, "ina", today=TODAY)
    accounts.set_role("ina", "bearbeiter", actor="ada")  # demoted after signing in: the next write is refused
    with pytest.raises(PermissionDenied):
        store.remove_official_figure(fid, "ina")
    accounts.set_active("ina", False, actor="ada")
    with pytest.raises(PermissionDenied, match="gesperrt"):
        store.add_official_figure(GOOD, "ina", today=TODAY)
    denied = [e for e in _events(capsys.readouterr().err) if e["outcome"] == "denied"]
    assert [(e["event"], e["user"]) for e in denied] == [
        ("record_changed", "bert"), ("record_changed", "niemand"), ("record_changed", "ina"), ("record_changed", "ina")]
    assert all(PASSWORD not in json.dumps(e) for e in denied)
    assert [f.id for f in store.load().official_figures] == [fid]  # nothing written by the refused ones


def test_remove_and_revert_through_the_audit_log(store):
    fid = store.add_official_figure(GOOD, "ada", today=TODAY)
    store.add_official_figure({**GOOD, "kennzahl": "beraten", "wert": "150"}, "ada", today=TODAY)
    before = store.remove_official_figure(fid, "ada")
    assert before["wert"] == 63 and [f.kennzahl for f in store.load().official_figures] == ["beraten"]
    with pytest.raises(EditError, match=r"Nr\. 999 gibt es nicht"):
        store.remove_official_figure(999, "ada")
    removal = next(e for e in store.audit_query() if e["entity"] == "official_figures" and e["action"] == "delete")
    with pytest.raises(ConflictError, match="nicht erlaubt"):  # an editor may not undo an admin's figure
        store.revert(removal["id"], "bert")
    store.revert(removal["id"], "ada")
    assert sorted(f.wert for f in store.load().official_figures) == [63, 150]
