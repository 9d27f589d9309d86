"""Browser tests for an adviser's day (issue 16): a sign-in that lasts (reload, new tab) and ends (sign-out in
another tab, inactivity), the way back to the town, the import's reasons and error report, one audit entry
per form save, and no English from Streamlit on any page.

One server for the module (``streamlit run app.py``, own database, accounts made before it starts); the
expiry test starts a second one with a session length of a few seconds.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time

import harness
import pytest
import sqlalchemy as sa
from test_browser_editing import click, idle, main_text, nav

from asskomm.store import accounts as auth
from asskomm.store.database import Store
from asskomm.store.schema import audit_log

PASSWORDS = {"berta": "Bearbeiter-Pw-42", "admin": "Admin-Passwort-42"}
GOERLITZ = "14626110"
COOKIE = "asskomm_sitzung"
HEADER = "ags;gemeinde;kreis;baustein;datum;problemfelder;betrag_eur;quelle;bemerkung;gruppe\n"

# Texts Streamlit 1.67 writes itself in English (front-end defaults); none may reach a page of this app.
ENGLISH = [
    r"\bPress (Ctrl|⌘|Enter)", r"to submit form", r"\bto apply\b", r"Drag and drop", r"Browse files", r"^Upload$",
    r"per file", r"^\d+\.\d(B|KB|MB)$", r"^Help for ", r"^Help$", r"^(dd|mm|yyyy)$", r"dd\.mm\.yyyy",
    r"^Choose an option$", r"^Choose date", r"^No results$", r"^Clear (all|value)$", r"^Show password$",
    r"^Download as CSV$", r"^Search$", r"^Fullscreen", r"^Show/hide columns$", r"^Copy to clipboard$",
    r"^Collapse sidebar$", r"^Sidebar$", r"^Open$", r"^Close$", r"^Link to heading$", r"^Skip to main content$",
    r"^file upload$", r"^Add files$", r"^Remove ", r"^(day|month|year), ", r"^Selected Date", r"^Running\.\.\.$",
]
SCAN_JS = """() => {
  const out = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) {
    const n = w.currentNode, t = n.textContent.trim(), el = n.parentElement;
    if (!t || !el || el.closest('script,style,noscript,[data-testid="stIconMaterial"]')) continue;
    out.push(t);
  }
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[aria-placeholder]'))
    for (const a of ['aria-label', 'title', 'placeholder', 'aria-placeholder'])
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
  return out;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("session-db") / "asskomm.sqlite"
    store = Store(f"sqlite:///{db}")
    store.ensure_seeded()
    accounts = auth.Accounts(store)
    accounts.add("berta", PASSWORDS["berta"], "bearbeiter", actor="test")
    accounts.add("admin", PASSWORDS["admin"], "admin", actor="test")
    store.dispose()
    srv = harness.start_streamlit(harness.ENTRYPOINT, db_path=db, name="session")
    yield srv
    srv.stop()


@pytest.fixture
def url(server):
    return server.url


def sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def fill_sign_in(page, name="berta"):
    """On the sign-in page: enter name and password and submit; wait for the browser to get its cookie."""
    page.get_by_label("Benutzername").fill(name)
    page.get_by_label("Passwort", exact=True).fill(PASSWORDS[name])
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_function("() => document.documentElement.dataset.asskommSitzung === 'aktiv'", timeout=30_000)
    idle(page)


def sign_in(page, url, name="berta"):
    page.goto(url + "/anmelden")
    idle(page)
    fill_sign_in(page, name)


def session_cookie(context):
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def test_sign_in_returns_to_the_town_and_lasts_through_reload_and_new_tab(page, url, server, screenshot):
    page.goto(f"{url}/kommune?ags={GOERLITZ}")
    idle(page)
    nav(page, "Anmelden")
    fill_sign_in(page)
    # back on Görlitz's page, now with the editing forms
    page.wait_for_url(re.compile(rf"/kommune\?ags={GOERLITZ}"), timeout=30_000)
    page.locator('[data-testid="stMain"]').get_by_text("Bearbeiten", exact=True).first.wait_for(timeout=30_000)
    assert "Angemeldet als berta" in sidebar_text(page)
    screenshot("session-01-zurueck-in-goerlitz")
    cookie = session_cookie(page.context)
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert PASSWORDS["berta"] not in cookie["value"]
    assert COOKIE not in page.evaluate("document.cookie")  # HttpOnly: no script on the page can read it
    # reload: still signed in, same town
    page.reload()
    idle(page)
    page.locator('[data-testid="stMain"]').get_by_text("Bearbeiten", exact=True).first.wait_for(timeout=30_000)
    assert "Angemeldet als berta" in sidebar_text(page) and GOERLITZ in page.url
    # a new tab on an editors' page, and »Kommune« without ?ags= shows the session's last town
    tab = page.context.new_page()
    tab.goto(url + "/import")
    idle(tab)
    tab.locator('[data-testid="stFileUploader"]').wait_for(timeout=30_000)
    assert "Angemeldet als berta" in sidebar_text(tab)
    tab.goto(url + "/kommune")
    idle(tab)
    tab.get_by_role("heading", name=re.compile("Görlitz")).first.wait_for(timeout=30_000)
    screenshot("session-02-neuer-tab-letzte-gemeinde", page=tab)
    # neither the password nor the cookie's token is in a URL or the server log
    token = cookie["value"].split(".")[0]
    log = server.log_text()
    for secret in (PASSWORDS["berta"], token):
        assert secret not in log and secret not in page.url and secret not in tab.url
    tab.close()


def test_sign_out_ends_the_sign_in_in_every_tab(browser, url, screenshot):
    context = harness.new_context(browser)
    try:
        first = context.new_page()
        sign_in(first, url)
        second = context.new_page()
        second.goto(url + "/import")
        idle(second)
        second.locator('[data-testid="stFileUploader"]').wait_for(timeout=30_000)
        click(first, first.locator('[data-testid="stMain"]').get_by_role("button", name="Abmelden"),
              "Sie wurden abgemeldet")
        first.wait_for_function("() => document.documentElement.dataset.asskommSitzung === 'beendet'", timeout=30_000)
        assert session_cookie(context) is None  # the route deleted the cookie
        # the other tab: its next click finds the session gone
        nav(second, "Karte")
        second.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stSidebar\"]').innerText.includes('Angemeldet als')",
            timeout=30_000,
        )
        assert "Import" not in second.locator('[data-testid="stSidebarNav"]').inner_text()
        screenshot("session-03-anderer-tab-abgemeldet", page=second)
        # and a reload of an editors' page shows no editing
        second.goto(url + "/import")
        idle(second)
        assert second.locator('[data-testid="stFileUploader"]').count() == 0
    finally:
        context.close()


def test_session_expires_after_inactivity(browser, streamlit_server_factory, tmp_path_factory, screenshot):
    db = tmp_path_factory.mktemp("expiry-db") / "asskomm.sqlite"
    store = Store(f"sqlite:///{db}")
    store.ensure_seeded()
    auth.Accounts(store).add("berta", PASSWORDS["berta"], "bearbeiter", actor="test")
    store.dispose()
    srv = streamlit_server_factory(env={"ASSKOMM_SESSION_MINUTES": "0.5"}, db_path=db)  # 30 seconds
    context = harness.new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, srv.url)  # stays on the (light) sign-in page, which says who is signed in
        start = time.monotonic()
        # activity keeps it alive (sliding) beyond the 30 seconds ...
        while time.monotonic() - start < 40:
            time.sleep(10)
            page.reload()
            idle(page)
            assert "Angemeldet als berta" in main_text(page)
        # ... inactivity ends it: the idle tab notices by itself (a check every 10 s) and says why
        time.sleep(30)
        page.get_by_text(re.compile("Sitzung ist nach 30 Sekunden ohne Aktivität abgelaufen")).first.wait_for(
            timeout=30_000)
        idle(page)
        assert "Angemeldet als" not in main_text(page)
        page.reload()
        idle(page)
        assert "Angemeldet als" not in main_text(page) and page.get_by_label("Benutzername").count() == 1
        assert "Anmelden" in page.locator('[data-testid="stSidebarNav"]').inner_text()
        screenshot("session-04-abgelaufen", page=page)
    finally:
        context.close()


def test_import_shows_every_reason_and_offers_the_error_report(page, url, tmp_path, screenshot):
    sign_in(page, url)
    nav(page, "Import")
    bad = tmp_path / "fehler.csv"
    bad.write_text(HEADER + "14627010;;;beratung;2023-04;;;https://example.org/1;;\n"
                   + "14627140;;;erfunden;2023;;;https://example.org/2;;\n", encoding="utf-8")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(bad))
    page.get_by_text("Vorschau: fehler.csv").first.wait_for(timeout=30_000)
    idle(page)
    text = main_text(page)
    assert "1 Zeile ist ungültig" in text and "Zeile(n)" not in text
    # the long reason in full (the table cuts it; the list below does not)
    assert "Erlaubt: beratung, modellkommune, kooperationsvereinbarung" in text and "foerderung, sonstiges" in text
    screenshot("session-05-import-gruende")
    with page.expect_download() as info:
        page.get_by_role("button", name="Fehlerbericht (CSV)").click()
    download = info.value
    assert download.suggested_filename == "fehler-fehlerbericht.csv"
    raw = download.path().read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Zeile", "Spalte", "Wert", "Grund"]
    assert rows[1][:3] == ["3", "baustein", "erfunden"] and "sonstiges" in rows[1][3]
    # choosing another file: the uploader is empty again
    click(page, page.get_by_role("button", name="Andere Datei wählen"))
    assert "Vorschau:" not in main_text(page)
    assert page.locator('[data-testid="stFileUploader"]').get_by_text("Hochladen").count() >= 1


def test_form_save_is_confirmed_in_view_and_logged_once(page, url, server, screenshot):
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, url)
    page.goto(f"{url}/kommune?ags={GOERLITZ}")
    idle(page)
    with sa.create_engine(f"sqlite:///{server.db_path}").connect() as conn:
        before = conn.execute(sa.select(sa.func.max(audit_log.c.id))).scalar_one()
    page.get_by_role("textbox", name="Datum", exact=True).fill("2024-05-02")
    page.get_by_role("textbox", name="Quelle", exact=True).fill("https://example.org/goerlitz")
    click(page, page.get_by_role("button", name="Meilenstein anlegen"), "angelegt")
    page.locator('[data-testid="stToast"]').filter(has_text="angelegt").wait_for(timeout=10_000)
    marked = page.locator("table.asskomm-tl tr.saved")
    assert marked.count() == 1 and "02.05.2024" in marked.inner_text()
    screenshot("session-06-gespeichert", full_page=False)
    with sa.create_engine(f"sqlite:///{server.db_path}").connect() as conn:
        entries = conn.execute(sa.select(audit_log).where(audit_log.c.id > before)).mappings().all()
    assert [(e["action"], e["entity"], e["actor"]) for e in entries] == [("insert", "milestones", "berta")]
    after = entries[0]["after"] if isinstance(entries[0]["after"], dict) else json.loads(entries[0]["after"])
    assert after["eingabe"] == "Eingabe auf der Kommune-Seite"
    # Änderungen: no placeholder for long, and the table fits 1400 px without scrolling sideways
    start = time.monotonic()
    nav(page, "Änderungen")
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
    shown_after = time.monotonic() - start
    grid = page.locator('[data-testid="stDataFrame"] .dvn-scroller').first
    overflow = grid.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 2, f"the audit table scrolls sideways by {overflow} px at 1400 px"
    assert shown_after < 5, f"the audit table took {shown_after:.1f} s"
    print(f"audit table shown {shown_after:.2f} s after the click")
    screenshot("session-07-aenderungen-1400", full_page=False)


def _english(page) -> list[str]:
    return sorted({t for t in page.evaluate(SCAN_JS) if any(re.search(p, t) for p in ENGLISH)})


def test_no_english_from_streamlit_on_any_page(page, url, tmp_path):
    found: dict[str, list[str]] = {}

    def scan(where):
        page.wait_for_timeout(300)  # the translation runs as Streamlit draws
        hits = _english(page)
        if hits:
            found[where] = hits

    public = ("/", f"/kommune?ags={GOERLITZ}", "/landkreise", "/bericht", "/quellen", "/barrierefreiheit", "/anmelden")
    for path in public:
        page.goto(url + path)
        idle(page)
        scan("Besucher " + path)
    sign_in(page, url)
    for path in (*public, "/import", "/aenderungen", "/ansprache"):
        page.goto(url + path)
        idle(page)
        scan("angemeldet " + path)
        if path.startswith("/kommune"):
            page.get_by_role("textbox", name="Bemerkung", exact=True).fill("Notiz")
            scan("angemeldet Bemerkung")
        if path == "/import":
            csv_file = tmp_path / "gut.csv"
            csv_file.write_text(HEADER + f"{GOERLITZ};;;beratung;2022-03;;;https://example.org/g;;\n",
                                encoding="utf-8")
            page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(csv_file))
            page.get_by_text("Vorschau: gut.csv").first.wait_for(timeout=30_000)
            idle(page)
            scan("angemeldet Import mit Datei")
    # the admin's pages (a new sign-in: without the cookie the next page load is a visitor's)
    page.context.clear_cookies()
    sign_in(page, url, "admin")
    for path in ("/benutzer", "/problemfelder"):
        page.goto(url + path)
        idle(page)
        assert page.get_by_role("heading", name=path.strip("/").capitalize()).count() >= 1, path
        scan("Administrator " + path)
    assert not found, found
