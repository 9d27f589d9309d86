"""Chromium: the Ansprache page for an editor (ranked list, map layer, call list download) and the size-class
filter and unconfirmed toggle of the map (URL, shares counted against the filtered region)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import harness
import openpyxl
import pytest

from asskomm.store import accounts as auth
from asskomm.store.database import Store

pytestmark = pytest.mark.browser
PW = "Bearbeiter-Pw-42"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("ansprache-db") / "asskomm.sqlite"
    store = Store(f"sqlite:///{db}")
    store.ensure_seeded()
    auth.Accounts(store).add("berta", PW, "bearbeiter", actor="test")
    store.dispose()
    srv = harness.start_streamlit(harness.ENTRYPOINT, db_path=db, name="ansprache")
    yield srv
    srv.stop()


def _sign_in(page, url):
    page.goto(url + "/anmelden")
    harness.wait_for_app_idle(page)
    page.get_by_label("Benutzername").fill("berta")
    page.get_by_label("Passwort", exact=True).fill(PW)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_text("Angemeldet als", exact=False).first.wait_for(timeout=30_000)
    harness.wait_for_app_idle(page)


def test_ansprache_page_ranks_candidates_and_exports_a_call_list(page, server, recorder):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + "/ansprache")
    harness.wait_for_app_idle(page, timeout=90_000)
    # a visitor is sent to the map: no candidate list
    assert page.get_by_text(re.compile(r"Gemeinden ohne Beteiligung")).count() == 0

    _sign_in(page, server.url)  # a reload would end the session: navigate inside the app
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Ansprache").click()
    harness.wait_for_app_idle(page, timeout=90_000)
    harness.choose_kreis(page, "Görlitz")
    page.wait_for_url(re.compile(r"/ansprache\?kreis=14626"), timeout=30_000)
    harness.wait_for_map(page, min_polygons=418, timeout=90_000)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(re.compile(r"\d+ Gemeinden ohne Beteiligung")).wait_for(timeout=30_000)
    assert "Görlitz" in main.inner_text()
    frame = harness.map_frame(page)
    frame.wait_for_function("() => window.asskomm && window.asskomm.applied > 0")
    harness.save_tall_screenshot(page, "ansprache-01-goerlitz")

    with page.expect_download() as info:
        page.get_by_role("button", name="Anrufliste als Excel (XLSX)").click()
    wb = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))  # the file has no suffix
    ws = wb["Ansprache"]
    header = [c.value for c in ws[1]]
    assert header[:7] == ["Rang", "Gemeinde", "Kreis", "Polizeidirektion", "Einwohner", "Punkte",
                          "Warum (Punkte je Grund)"]
    assert ws.max_row > 10 and {ws.cell(r, 3).value for r in range(2, ws.max_row + 1)} == {"Görlitz"}
    assert {ws.cell(r, 4).value for r in range(2, ws.max_row + 1)} == {"PD Görlitz"}
    recorder.assert_same_origin(server.url)


def test_size_class_filter_is_in_the_url_and_shares_use_the_filtered_region(page, server):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + "/?kreis=14626&groesse=2000_5000")
    harness.wait_for_app_idle(page, timeout=90_000)
    harness.wait_for_map(page, min_polygons=418, timeout=90_000)
    harness.wait_for_app_idle(page)
    main = page.locator('[data-testid="stMain"]')
    line = main.get_by_text(re.compile(r"Beteiligt: \d+ von \d+ Gemeinden im Landkreis Görlitz")).inner_text()
    n_total = int(re.search(r"von (\d+) Gemeinden", line).group(1))
    assert 0 < n_total < 53 and "mit 2.000 bis unter 5.000 Einwohnern" in line
    harness.save_tall_screenshot(page, "karte-groesse-goerlitz")

    page.goto(server.url + "/?kreis=14626")
    harness.wait_for_app_idle(page, timeout=90_000)
    line = main.get_by_text(re.compile(r"Beteiligt: \d+ von 53 Gemeinden im Landkreis Görlitz")).inner_text()
    assert re.search(r"\(\d+,\d %\)", line) and "der Einwohner" in line

    # Landkreis Leipzig: Naunhof, Parthenstein and the Wurzener Land are named only by doubtful sources
    page.goto(server.url + "/?kreis=14729")
    harness.wait_for_app_idle(page, timeout=90_000)
    pattern = re.compile(r"Beteiligt: (\d+) von (\d+) Gemeinden im Landkreis Leipzig")
    before = int(pattern.search(main.get_by_text(pattern).inner_text()).group(1))
    page.locator('[data-testid="stSidebar"]').get_by_text("Unbestätigte Angaben einbeziehen").click()
    harness.wait_for_app_idle(page)
    page.wait_for_url(re.compile(r"unbestaetigt=1"), timeout=30_000)
    # Naunhof and Parthenstein; Bennewitz, Lossatal, Thallwitz (the Wurzener Land's council, undated: today)
    main.get_by_text(re.compile(rf"Beteiligt: {before + 5} von")).wait_for(timeout=30_000)
    harness.save_tall_screenshot(page, "karte-unbestaetigt-leipzig")
