"""Browser tests (Chromium) for sign-in, roles, editing, conflicts, the import and escaping (issue 6).

One server for the module, with its own database and three accounts created before it starts.
"""

from __future__ import annotations

import re

import harness
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from asskomm import labels
from asskomm.store import accounts as auth
from asskomm.store.database import Store

PASSWORDS = {"admin": "Admin-Passwort-42", "berta": "Bearbeiter-Pw-42", "viktor": "Betrachter-Pw-42"}
XSS = "<img src=x onerror=alert(1)>"
KOOP_COLOUR = labels.STATUS_COLOURS["kooperation"]


@pytest.fixture(scope="module")
def database(request, tmp_path_factory):
    """PostgreSQL when the test cluster can run (always in CI), else SQLite: the editing pages in a browser
    run once against PostgreSQL; the store and editing logic run on both backends in the unit tests."""
    try:
        return request.getfixturevalue("pg_cluster").create_database("edit")
    except pytest.skip.Exception:
        return f"sqlite:///{tmp_path_factory.mktemp('edit-db') / 'asskomm.sqlite'}"


@pytest.fixture(scope="module")
def server(database):
    store = Store(database)
    store.ensure_seeded()
    accounts = auth.Accounts(store)
    for name, role in (("admin", "admin"), ("berta", "bearbeiter"), ("viktor", "betrachter")):
        accounts.add(name, PASSWORDS[name], role, actor="test")
    goerlitz = next(p for p in store.load().participants if p.ags == "14626110")
    store.add_contact(goerlitz.id, "test", gremium="KPR Görlitz", telefon="03581 12345",
                      email="kpr@goerlitz.example")
    store.dispose()
    srv = harness.start_streamlit(harness.ENTRYPOINT, env={"ASSKOMM_DB": database}, name="editing")
    yield srv
    srv.stop()


@pytest.fixture
def url(server):
    return server.url


@pytest.fixture
def dialogs(page):
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    return seen


def idle(page):
    harness.wait_for_app_idle(page)


def click(page, locator, expect: str | None = None):
    """Click and wait for the rerun: for ``expect`` to appear in the main area (if given), then for idle."""
    locator.click()
    if expect:
        page.locator('[data-testid="stMain"]').get_by_text(expect, exact=False).first.wait_for(timeout=30_000)
    else:
        page.wait_for_timeout(400)
    idle(page)


def sign_in(page, url, name, password=None):
    """Sign in on the sign-in page (signing out first if the browser is still signed in: the sign-in lasts)."""
    page.goto(url + "/anmelden")
    idle(page)
    signed_in = page.locator('[data-testid="stMain"]').get_by_role("button", name="Abmelden")
    if signed_in.count():
        click(page, signed_in, "Sie wurden abgemeldet")
    page.get_by_label("Benutzername").fill(name)
    page.get_by_label("Passwort", exact=True).fill(password or PASSWORDS[name])
    click(page, page.get_by_role("button", name="Anmelden"),
          "Anmeldung fehlgeschlagen" if password else "Angemeldet als")


NAV_TITLES_JS = """() => [...document.querySelectorAll('[data-testid="stSidebarNav"] a')].map(a => {
    const c = a.cloneNode(true);
    c.querySelectorAll('[data-testid="stIconMaterial"]').forEach(i => i.remove());
    return c.textContent.trim();
})"""


def nav_titles(page) -> list[str]:
    """The page titles in the sidebar navigation (without the icons' ligature names)."""
    return [t for t in page.evaluate(NAV_TITLES_JS) if t]


def nav(page, title):
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    idle(page)


def choose(page, label, option, *, exact=True):
    """Pick ``option`` in the selectbox ``label``; once more if a rerun redrew the list under the pointer."""
    idle(page)
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text(label, exact=True)).first
    for attempt in range(2):
        box.locator("input").click()
        page.keyboard.type(option[:12])
        try:
            page.get_by_role("option", name=option, exact=exact).first.click(timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt:
                raise
            page.keyboard.press("Escape")
            idle(page)
    idle(page)


def open_kommune(page, name):
    nav(page, "Kommune")
    choose(page, "Gemeinde suchen", name)
    page.get_by_role("heading", name=re.compile(name)).first.wait_for()


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_sign_in_and_sign_out(page, url, screenshot):
    sign_in(page, url, "berta", "falsches-Passwort")
    assert "Anmeldung fehlgeschlagen" in main_text(page)
    assert "Import" not in nav_titles(page)
    sign_in(page, url, "berta")
    titles = nav_titles(page)
    assert "Import" in titles and "Änderungen" in titles and "Abmelden" in titles and "Benutzer" not in titles
    screenshot("edit-01-angemeldet")
    nav(page, "Abmelden")
    click(page, page.get_by_role("button", name="Abmelden"), "Sie wurden abgemeldet")
    assert "Sie wurden abgemeldet" in main_text(page)
    assert "Import" not in nav_titles(page) and "Anmelden" in nav_titles(page)


def test_viewer_cannot_reach_editing_pages_or_contacts(page, url, screenshot):
    for path in ("/import", "/aenderungen", "/benutzer", "/import?role=admin", "/benutzer?user=admin"):
        page.goto(url + path)
        idle(page)
        text = main_text(page)
        assert "Datei wählen" not in text and "Neuer Benutzer" not in text and "Rückgängig" not in text
    page.goto(url + "/kommune?ags=14626110&edit=1&role=bearbeiter")
    idle(page)
    assert "kpr@goerlitz.example" not in page.content() and "Bearbeiten" not in main_text(page)
    sign_in(page, url, "viktor")
    assert "Import" not in nav_titles(page) and "Änderungen" not in nav_titles(page)
    open_kommune(page, "Görlitz")
    assert "kpr@goerlitz.example" not in page.content()
    assert "Kontaktdaten (Ansprechpersonen" in main_text(page)
    screenshot("edit-02-betrachter-kommune")
    # the same page for an editor shows the contact
    sign_in(page, url, "berta")
    open_kommune(page, "Görlitz")
    assert "kpr@goerlitz.example" in main_text(page)


def test_edit_appears_on_map_and_in_audit_log(page, url, dialogs, screenshot, recorder):
    sign_in(page, url, "berta")
    open_kommune(page, "Kamenz")
    assert "nicht beteiligt" in main_text(page)
    page.get_by_role("textbox", name="Datum", exact=True).fill("2024-05-02")
    choose(page, "Baustein", "Kooperationsvereinbarung")
    page.get_by_role("textbox", name="Quelle", exact=True).fill("https://example.org/kamenz")
    page.get_by_role("textbox", name="Bemerkung", exact=True).fill(XSS)
    click(page, page.get_by_role("button", name="Meilenstein anlegen"), "angelegt")
    text = main_text(page)
    assert "angelegt" in text and "Kooperationsvereinbarung seit 02.05.2024" in text
    assert XSS in text  # the note shows as text
    screenshot("edit-03-kamenz-bearbeitet")
    nav(page, "Karte")
    harness.wait_for_map(page, 400)
    frame = harness.map_frame(page)
    ags = "14625250"  # Kamenz
    colour = frame.evaluate(f"() => window.asskomm.byAgs['{ags}'].options.fillColor")
    assert colour.upper() == KOOP_COLOUR
    nav(page, "Änderungen")
    choose(page, "Gemeinde", "Kamenz")
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text("Eintrag", exact=True)).first
    box.locator("input").click()
    page.get_by_role("option").first.wait_for()
    options = page.get_by_role("option").all_inner_texts()
    assert any("berta" in o and "Meilenstein angelegt" in o for o in options), options
    page.get_by_role("option").filter(has_text="Meilenstein angelegt").first.click()
    idle(page)
    assert "Kooperationsvereinbarung 02.05.2024" in main_text(page)
    screenshot("edit-04-aenderungen")
    # revert it from the audit log; the revert is logged and the map is grey again
    click(page, page.get_by_role("button", name="Rückgängig machen"), "wurde rückgängig gemacht")
    assert "wurde rückgängig gemacht" in main_text(page)  # (the page's caption says »rückgängig gemacht« too)
    box.locator("input").click()
    page.get_by_role("option").first.wait_for()
    assert any("gelöscht" in o and "berta" in o for o in page.get_by_role("option").all_inner_texts())
    page.keyboard.press("Escape")
    nav(page, "Karte")
    harness.wait_for_map(page, 400)
    harness.map_frame(page).wait_for_function(
        f"() => window.asskomm.byAgs['{ags}'].options.fillColor.toUpperCase() !== '{KOOP_COLOUR}'",
        timeout=20_000,
    )
    assert not dialogs
    recorder.assert_same_origin(url)


def test_concurrent_edit_is_refused_with_what_changed(browser, url, screenshot):
    pages = []
    for name in ("berta", "admin"):
        context = harness.new_context(browser)
        p = context.new_page()
        sign_in(p, url, name)
        open_kommune(p, "Pirna")
        choose(p, "Meilenstein", "Kooperationsvereinbarung", exact=False)
        pages.append(p)
    first, second = pages
    first.get_by_role("textbox", name="Bemerkung", exact=True).fill("Berta war schneller")
    click(first, first.get_by_role("button", name="Speichern"), "Änderung gespeichert")
    assert "Änderung gespeichert" in main_text(first)
    second.get_by_role("textbox", name="Quelle", exact=True).fill("https://example.org/admin-quelle")
    click(second, second.get_by_role("button", name="Speichern"), "Nicht gespeichert")
    text = main_text(second)
    assert "Nicht gespeichert" in text and "inzwischen" in text
    assert "Berta war schneller" in text  # the diff shows what changed meanwhile
    assert second.get_by_role("textbox", name="Quelle", exact=True).input_value() == "https://example.org/admin-quelle"  # nothing lost
    screenshot("edit-05-konflikt", page=second)
    click(second, second.get_by_role("button", name="Aktuellen Stand laden"))
    assert second.get_by_role("textbox", name="Bemerkung", exact=True).input_value() == "Berta war schneller"
    for p in pages:
        p.context.close()


def _upload(page, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(path))
    page.locator('[data-testid="stMain"]').get_by_text(f"Vorschau: {name}").first.wait_for(timeout=30_000)
    idle(page)


HEADER = "ags;gemeinde;kreis;baustein;datum;problemfelder;betrag_eur;quelle;bemerkung;gruppe\n"


def test_import_preview_and_confirmation(page, url, tmp_path, dialogs, screenshot):
    sign_in(page, url, "berta")
    nav(page, "Import")
    _upload(page, tmp_path, "fehler.csv", HEADER
            + "14627010;;;beratung;2023-04;;https://example.org/1;;\n"
            + "14999999;;;beratung;2023;;https://example.org/2;;\n"
            + "14627140;;;erfunden;2023;;;;\n")
    text = main_text(page)
    assert "ungültig" in text and "Import übernehmen" not in text
    assert page.get_by_text("Gemeindeschlüssel 14999999 ist unbekannt", exact=False).count() >= 1
    screenshot("edit-06-import-fehler")
    _upload(page, tmp_path, "gut.csv", HEADER
            + "14627010;;;beratung;2023-04;jugend;;https://example.org/1;;\n"
            + f"14625020;;;kooperationsvereinbarung;2023-06-01;;;https://example.org/3;;{XSS}\n"
            + f"14625180;;;kooperationsvereinbarung;2023-06-01;;;https://example.org/3;;{XSS}\n")
    text = main_text(page)
    assert "neu" in text and "Import übernehmen" in text
    # the group name as text in the preview table (the grid draws on a canvas; its accessible DOM has the cells)
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()  # the grid fills its accessible cells only when it is on screen
    expect(grid).to_contain_text(XSS, timeout=15_000)
    screenshot("edit-07-import-vorschau")
    click(page, page.get_by_role("button", name="Import übernehmen"), "Import gespeichert")
    assert "Import gespeichert: 2 neue" in main_text(page)
    open_kommune(page, "Bautzen")
    text = main_text(page)
    assert XSS in text and "Kooperationsvereinbarung seit 01.06.2023" in text
    screenshot("edit-08-xss-als-text")
    assert not dialogs
    assert page.locator("img[src=x]").count() == 0


def test_admin_adds_a_problemfeld_used_by_the_map_filter(page, url, screenshot):
    sign_in(page, url, "admin")
    nav(page, "Problemfelder")
    page.get_by_role("textbox", name="Bezeichnung", exact=True).fill("Sicherheit im Nahverkehr")
    click(page, page.get_by_role("button", name="Anlegen"), "(Kennung sicherheit_im_nahverkehr)")
    assert "»Sicherheit im Nahverkehr« angelegt" in main_text(page)
    screenshot("edit-09-problemfeld-angelegt")
    nav(page, "Karte")
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Problemfeld")
    box.locator("input").click()
    page.keyboard.type("Nahverkehr")
    page.get_by_role("option", name="Sicherheit im Nahverkehr").first.click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"problemfeld=sicherheit_im_nahverkehr"), timeout=15_000)


def test_import_judges_the_content_and_refuses_a_bomb(page, url, tmp_path, screenshot):
    """Issue 25: a PDF named .xlsx and a workbook with one row of 2 million cells (5 MB; it took minutes and
    gigabytes before) get German messages naming the file; the uploader states its limit."""
    import xlsx_support

    sign_in(page, url, "berta")
    nav(page, "Import")
    assert "höchstens 10 MB" in main_text(page)
    files = {
        "tabelle.xlsx": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "ist ein PDF-Dokument"),
        "bombe.xlsx": (xlsx_support.workbook(xlsx_support.wide_row(2_000_000)), "Ein Wert steht in Spalte AG"),
    }
    for name, (data, message) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(path))
        alert = page.locator('[data-testid="stAlertContentError"]').filter(has_text=message).first
        alert.wait_for(timeout=60_000)
        idle(page)
        assert alert.inner_text().split("\n")[-1].startswith(name) and "Import übernehmen" not in main_text(page)
        screenshot(f"edit-09-import-{path.stem}")
