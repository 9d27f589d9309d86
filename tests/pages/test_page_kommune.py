"""AppTest: the Kommune page (params, status, contacts only for editors, editing) and the role checks of the
editing pages when their script is run directly (as a typed URL would, bypassing the navigation)."""

import datetime as dt

import harness
import pytest

from asskomm.store import account_tables, sessions, sign_in
from asskomm.store import accounts as auth
from asskomm.store.database import Store
from asskomm.ui import auth as ui_auth

PW = "Ein-gutes-Passwort-9"


@pytest.fixture
def db(tmp_db, monkeypatch):
    monkeypatch.setenv("ASSKOMM_DB", str(tmp_db))
    store = Store.from_env()
    accounts = auth.Accounts(store)
    accounts.add("berta", PW, "bearbeiter", actor="test")
    accounts.add("viktor", PW, "betrachter", actor="test")
    goerlitz = next(p for p in store.load().participants if p.ags == "14626110")
    store.add_contact(goerlitz.id, "test", gremium="KPR Görlitz", telefon="03581 12345",
                      email="kpr@goerlitz.example")
    store.dispose()
    return tmp_db


def _as(at, name, *, idle: dt.timedelta | None = None):
    """Sign ``name`` in for this AppTest session (a session row in the database, as the sign-in page makes)."""
    store = Store.from_env(seed=False)
    accounts = auth.Accounts(store)
    sid, _ = accounts.start_session(accounts.get(name))
    if idle is not None:
        with store.engine.begin() as conn:
            conn.execute(account_tables.user_sessions.update().values(last_seen_at=dt.datetime.now(dt.UTC) - idle))
    store.dispose()
    at.session_state[ui_auth.K_SID] = sid
    return at


def text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [str(getattr(h, "proto", "")) for h in at.get("html")]
    return "\n".join(map(str, parts))


def test_kommune_page_shows_status_timeline_and_neighbours(apptest, db):
    at = apptest("pages/kommune.py", query_params={"ags": "14626110"})
    harness.assert_no_exception(at)
    assert at.title[0].value.startswith("Görlitz · Stand")
    body = text(at)
    assert "Kooperationsvereinbarung" in body and "Modellkommune" in body
    assert "t-online.de" in body  # a source link in the timeline
    labels = [getattr(link.proto, "label", "") for link in at.get("page_link")]
    assert any("Markersdorf" in lbl or "Schöpstal" in lbl for lbl in labels), labels
    # contact data is not on the page for visitors
    assert "kpr@goerlitz.example" not in body and "03581" not in body
    assert "Kontaktdaten" in body
    assert not any(f.label == "Meilenstein" for f in at.selectbox)


@pytest.mark.parametrize(
    ("ags", "fragment"),
    [("", "Bitte eine Gemeinde"), ("abc", "kein Gemeindeschlüssel"), ("14999999", "gibt es nicht"),
     ("09162000", "nicht zu Sachsen"), ("<script>alert(1)</script>", "kein Gemeindeschlüssel")],
)
def test_bad_ags_gives_german_message_and_search(apptest, db, ags, fragment):
    at = apptest("pages/kommune.py", query_params={"ags": ags} if ags else None)
    harness.assert_no_exception(at)
    assert fragment in at.warning[0].value
    assert at.selectbox[0].label == "Gemeinde suchen"


def test_old_key_and_bad_stand(apptest, db):
    at = apptest("pages/kommune.py", query_params={"ags": "14521030", "stand": "2019-13-01"})
    harness.assert_no_exception(at)
    assert "früheren Gemeinde" in at.info[0].value and "Aue-Bad Schlema" in at.title[0].value
    assert any("stand" in w.value for w in at.warning)
    at = apptest("pages/kommune.py", query_params={"ags": "14626110", "stand": "2019-03-01"})
    assert "Stand 01.03.2019" in at.title[0].value
    assert "Modellkommune" in at.markdown[0].value or "Modellkommune" in text(at)


def test_editor_sees_contacts_and_can_add_a_milestone(apptest, db):
    at = _as(apptest("pages/kommune.py", query_params={"ags": "14626110"}, run=False), "berta").run()
    harness.assert_no_exception(at)
    assert "kpr@goerlitz.example" in text(at)
    at.selectbox(key="ed_f_baustein").set_value("coaching")
    at.text_input(key="ed_f_datum").set_value("2024-03")
    at.text_input(key="ed_f_quelle").set_value("https://example.org/coaching")
    at.text_area(key="ed_f_bemerkung").set_value("<b>fett</b>")
    next(b for b in at.button if b.label == "Meilenstein anlegen").click().run()
    harness.assert_no_exception(at)
    assert any("angelegt" in s.value for s in at.success)
    store = Store.from_env()
    assert any(m.baustein == "coaching" and m.datum == "2024-03" and m.bemerkung == "<b>fett</b>"
               for m in store.load().milestones)
    assert store.audit(1)[0]["actor"] == "berta"
    store.dispose()


def test_invalid_edit_is_refused_in_german(apptest, db):
    at = _as(apptest("pages/kommune.py", query_params={"ags": "14626110"}, run=False), "berta").run()
    at.text_input(key="ed_f_datum").set_value("2099-01-01")
    at.text_input(key="ed_f_quelle").set_value("")
    next(b for b in at.button if b.label == "Meilenstein anlegen").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "Zukunft" in errors and "Quelle" in errors


def test_viewer_role_sees_no_contacts(apptest, db):
    at = _as(apptest("pages/kommune.py", query_params={"ags": "14626110"}, run=False), "viktor").run()
    assert "kpr@goerlitz.example" not in text(at)
    assert not any(f.label == "Meilenstein" for f in at.selectbox)


def test_idle_session_expires(apptest, db):
    at = apptest("pages/kommune.py", query_params={"ags": "14626110"}, run=False)
    _as(at, "berta", idle=sessions.session_timeout() + dt.timedelta(minutes=1)).run()
    assert "kpr@goerlitz.example" not in text(at)
    assert ui_auth.K_SID not in at.session_state
    assert "ohne Aktivität abgelaufen" in at.session_state[ui_auth.K_NOTICE]


@pytest.mark.parametrize(
    "page", ["pages/import.py", "pages/aenderungen.py", "pages/benutzer.py", "pages/problemfelder.py",
             "pages/amtliche_zahlen.py"]
)
@pytest.mark.parametrize("who", [None, "viktor"])
def test_editing_pages_check_the_role_themselves(db, page, who):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(harness.REPO_ROOT / page), default_timeout=30)  # the page alone, no navigation
    if who:
        _as(at, who)
    at.query_params["role"] = "admin"  # query parameters grant nothing
    at.run()
    harness.assert_no_exception(at)
    assert "lock" in str(at.warning[0].proto) or "nur nach der Anmeldung" in at.warning[0].value \
        or "nicht freigegeben" in at.warning[0].value
    assert not at.get("file_uploader") and not at.get("arrow_data_frame") and not at.button


def test_bearbeiter_cannot_open_user_admin(db):
    from streamlit.testing.v1 import AppTest

    at = _as(AppTest.from_file(str(harness.REPO_ROOT / "pages/benutzer.py"), default_timeout=30), "berta").run()
    assert "nicht freigegeben" in at.warning[0].value
    at = _as(AppTest.from_file(str(harness.REPO_ROOT / "pages/problemfelder.py"), default_timeout=30), "berta")
    at.run()
    assert "nicht freigegeben" in at.warning[0].value and not at.button
    at = _as(AppTest.from_file(str(harness.REPO_ROOT / "pages/amtliche_zahlen.py"), default_timeout=30), "berta")
    at.run()
    assert "nicht freigegeben" in at.warning[0].value and not at.button and not at.get("arrow_data_frame")
    at = _as(AppTest.from_file(str(harness.REPO_ROOT / "pages/aenderungen.py"), default_timeout=30), "berta").run()
    harness.assert_no_exception(at)
    assert at.title[0].value == "Änderungen"


def test_sign_in_page_throttles(apptest, db):
    at = apptest("pages/anmelden.py")
    for i in range(sign_in.FREE_ATTEMPTS + 1):
        at.text_input[0].set_value("berta")
        at.text_input[1].set_value(f"falsch-{i}-xxxxx")
        at.button[0].click().run()
    assert "Sekunden" in at.error[0].value
    assert ui_auth.K_SID not in at.session_state


def test_admin_adds_a_problemfeld_and_the_map_filter_offers_it(apptest, db):
    from asskomm.records import vocabulary as vocab

    store = Store.from_env()
    auth.Accounts(store).add("ada", PW, "admin", actor="test")
    store.dispose()
    at = _as(apptest("pages/problemfelder.py", run=False), "ada").run()
    harness.assert_no_exception(at)
    assert at.title[0].value == "Problemfelder"
    at.text_input(key="pfv_label").set_value("Ruhestörung am Abend")
    at.button[0].click().run()  # the form's »Anlegen«
    harness.assert_no_exception(at)
    assert "angelegt (Kennung ruhestoerung_am_abend)" in at.success[0].value
    # invalid: refused with the field named, nothing saved
    at.text_input(key="pfv_label").set_value("x;y")
    at.button[0].click().run()
    assert "Bezeichnung" in at.error[0].value
    vocab.set_problemfeld_overlay(())  # forget this process's state: the database is the source
    karte = apptest()
    options = karte.multiselect(key="flt_problemfelder").options
    assert "Ruhestörung am Abend" in options
    vocab.set_problemfeld_overlay(())


def test_admin_enters_an_official_figure_the_card_shows_it_and_a_demoted_admin_cannot(apptest, db, capsys):
    """Issue 24.6: the page »Amtliche Zahlen« (admins), the figure on the KPI card before the press, and the role
    checked again at the moment of writing (a demoted admin's next save changes nothing)."""
    store = Store.from_env()
    auth.Accounts(store).add("ada", PW, "admin", actor="test")
    auth.Accounts(store).add("otto", PW, "admin", actor="test")
    store.dispose()
    at = _as(apptest("pages/amtliche_zahlen.py", run=False), "ada").run()
    harness.assert_no_exception(at)
    assert at.title[0].value == "Amtliche Zahlen" and "Noch keine amtlichen Zahlen" in at.info[0].value
    at.selectbox[0].set_value("beraten")
    at.number_input[0].set_value(151)
    at.date_input[0].set_value(dt.date.today() - dt.timedelta(days=3))
    at.text_input[0].set_value("LPR-Statistik 11/2026")
    at.button[0].click().run()  # the form's »Eintragen«
    harness.assert_no_exception(at)
    assert "Amtliche Zahl Nr. 1 eingetragen: Beratene Kommunen 151" in at.success[0].value
    table = at.dataframe[0].value
    assert list(table["Referenz"]) == ["LPR-Statistik 11/2026"] and list(table["neben der Kennzahl"]) == ["ja"]
    assert list(table["eingetragen von"]) == ["ada"]
    # the card: the entered figure before the press's 144 (wochenkurier.info); the presentation says only kind and date
    karte = apptest()
    notes = " ".join(h.proto.body for h in karte.get("html") if "asskomm-kpi-note" in h.proto.body)
    assert "amtliche Zahl: <b>151</b> · SMI/LPR, Stand " in notes and "LPR-Statistik 11/2026" in notes
    assert "wochenkurier" not in notes
    quellen = apptest("pages/quellen.py")
    assert any("**Beratene Kommunen: 151**" in m.value for m in quellen.markdown)
    assert "ada" not in " ".join(quellen.dataframe[-1].value.astype(str).to_numpy().ravel())  # public page
    # invalid input: German, per field, nothing saved
    at.text_input[0].set_value("")
    at.button[0].click().run()
    assert "Referenz" in at.error[0].value and "Wert" in at.error[0].value
    # ada loses the role while the page is open: the next run refuses, the store would too
    store = Store.from_env(seed=False)
    auth.Accounts(store).set_role("ada", "bearbeiter", actor="otto")
    store.dispose()
    at.run()
    assert "nicht freigegeben" in at.warning[0].value and not at.button
    store = Store.from_env(seed=False)
    assert [f.wert for f in store.load().official_figures] == [151]
    store.dispose()


def test_a_council_older_than_asskomm_is_named_as_such_on_the_town_page(apptest, db):
    """Issue 28.2: Hoyerswerda's council of 1999 (a confirmed fact of the seed) is »Präventionsrat (seit 1999, vor
    ASSKomm)«, in the chips and in the milestones; Dresden's of 1996 (unconfirmed) in the milestones with its
    reason."""
    at = apptest("pages/kommune.py", query_params={"ags": "14625240"})
    harness.assert_no_exception(at)
    body = text(at)
    assert body.count("Präventionsrat (seit 1999, vor ASSKomm)") >= 2
    dresden = text(apptest("pages/kommune.py", query_params={"ags": "14612000"}))
    assert "Präventionsrat (seit 1996, vor ASSKomm)" in dresden and "unbestätigt: " in dresden
