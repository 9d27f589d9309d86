"""The meeting tools on the Karte page in a real Chromium: the Zeitraffer repaints the same map (no remount)
and moves the date and the KPIs, »Neu seit …« outlines Gemeinden in that map, and every download button gives
a file of the right kind (PNG, SVG, PDF on A4 in German, a self-contained HTML)."""

from __future__ import annotations

import io
import re

import harness
import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from asskomm.render import mapcontroller

pytestmark = pytest.mark.browser

SEL_KPI = '[data-testid="stMetricValue"]'
SEL_HIGHLIGHT = f'.leaflet-asskommOutline-pane path[stroke="{mapcontroller.HIGHLIGHT_COLOUR}"]'


def _open(page, url: str):
    page.goto(url)
    harness.wait_for_app_idle(page, timeout=90_000)
    harness.wait_for_map(page, min_polygons=418, timeout=90_000)
    harness.wait_for_app_idle(page)
    frame = harness.map_frame(page)
    # a remount creates a new window and a new Leaflet map: neither would carry these marks
    frame.evaluate("window.__asskommMark = 'alive'; window.map.__asskommMark = 'alive'")
    return frame


def _stand(page) -> str:
    title = page.locator("h1").first.inner_text()
    return re.search(r"Stand (\d\d\.\d\d\.\d{4})", title).group(1)


def _kpis(page) -> list[str]:
    return page.locator(SEL_KPI).all_inner_texts()


def _same_map(page) -> None:
    frame = harness.map_frame(page)
    assert frame.evaluate("window.__asskommMark") == "alive", "the map iframe was remounted"
    assert frame.evaluate("window.map.__asskommMark") == "alive", "the Leaflet map was rebuilt"
    assert frame.locator(harness.SEL_POLYGON).count() >= 418


def test_zeitraffer_plays_pauses_and_scrubs_without_remount(page, app_url, recorder):
    frame = _open(page, app_url + "/?stand=2021-09-15")
    applied = frame.evaluate("window.asskomm.applied")
    start_kpis = _kpis(page)
    assert _stand(page) == "15.09.2021"

    page.get_by_role("button", name="Zeitraffer").click()
    # monthly steps: 30.09.2021, 31.10.2021, 30.11.2021, … — wait for the third one
    page.wait_for_function(
        "() => /Stand (30\\.11\\.2021|31\\.12\\.2021|31\\.01\\.2022)/.test(document.querySelector('h1').innerText)",
        timeout=60_000,
    )
    # the same map repainted once per step (the frame's own counter of applied states)
    frame.wait_for_function("(n) => window.asskomm.applied >= n + 3", arg=applied, timeout=30_000)
    assert re.search(r"stand=20(21|22)-\d\d-\d\d", page.url)  # the URL follows
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no tooltip in the picture
    page.mouse.move(900, 20)
    harness.save_screenshot(page, "meeting-01-zeitraffer-laeuft", full_page=False)

    page.get_by_role("button", name="Pause").click()
    page.mouse.move(900, 20)  # no tooltip over later screenshots
    harness.wait_for_app_idle(page)
    paused = _stand(page)
    page.wait_for_timeout(2500)
    harness.wait_for_app_idle(page)
    assert _stand(page) == paused, "still playing after Pause"
    assert _kpis(page) != start_kpis  # the alliance grew from September 2021 on
    _same_map(page)

    # Scrub: the sidebar's »Stand« slider is the scrubber (keyboard: Home = 06.02.2019)
    page.locator('[data-testid="stSidebar"] input[type="range"]').first.focus()
    page.keyboard.press("Home")
    harness.wait_for_app_idle(page)
    page.wait_for_function("() => /Stand 06\\.02\\.2019/.test(document.querySelector('h1').innerText)")
    assert _kpis(page)[2] == "8"  # Modellkommunen from day one
    _same_map(page)
    recorder.assert_same_origin(app_url)
    recorder.assert_no_console_errors()


def test_presentation_player_and_scrubber(page, app_url, recorder):
    page.set_viewport_size({"width": 1280, "height": 720})
    _open(page, app_url + "/?praesentation=1&stand=2022-11-28")
    assert page.get_by_role("button", name="Abspielen").is_visible()
    iframe = page.locator(harness.SEL_MAP_IFRAME).bounding_box()
    assert iframe["y"] + iframe["height"] <= 720 + 5, "the map must fit the projector's 720 px"
    assert iframe["width"] > 800
    harness.save_screenshot(page, "meeting-02-praesentation-1280x720", full_page=False)

    for _ in range(3):  # one month back per key press; each press reruns the page
        page.locator('[data-testid="stMain"] input[type="range"]').first.focus()
        page.keyboard.press("ArrowLeft")
        harness.wait_for_app_idle(page)
    page.wait_for_function("() => /Stand 31\\.08\\.2022/.test(document.querySelector('h1').innerText)")
    _same_map(page)
    harness.save_screenshot(page, "meeting-03-praesentation-zurueckgespult", full_page=False)
    recorder.assert_same_origin(app_url)
    recorder.assert_no_console_errors()


def test_since_view_highlights_in_the_same_map(page, app_url, recorder):
    frame = _open(page, app_url + "/?stand=2022-11-28")
    assert frame.locator(SEL_HIGHLIGHT).count() == 0
    page.get_by_role("tab", name="Neu seit …").click()
    harness.wait_for_app_idle(page)
    page.get_by_role("spinbutton", name="Tag, Neu seit").click()  # day/month/year segments (labels in German)
    page.keyboard.type("01122021")
    page.keyboard.press("Escape")  # closes the calendar and commits the typed date
    harness.wait_for_app_idle(page)
    frame.wait_for_function("() => window.asskomm.state && window.asskomm.state.hl.length > 0")
    hl = frame.evaluate("window.asskomm.state.hl")
    assert frame.locator(SEL_HIGHLIGHT).count() == len(hl)
    harness.wait_for_app_idle(page)  # the map is drawn before the tab's text: wait for the whole page
    summary = page.get_by_text(re.compile(r"Vom 01\.12\.2021 bis 28\.11\.2022: \d+ neue"))
    expect(summary).to_be_visible()
    legend = page.locator(".asskomm-legend").first.inner_text()
    assert "neu seit 01.12.2021" in legend
    _same_map(page)
    harness.save_tall_screenshot(page, "meeting-04-neu-seit", 1500)

    page.get_by_role("tab", name=re.compile("Mitnehmen")).click()  # other tab: no highlight any more
    harness.wait_for_app_idle(page)
    frame.wait_for_function("() => window.asskomm.state.hl.length === 0")
    assert frame.locator(SEL_HIGHLIGHT).count() == 0
    _same_map(page)

    # the growth chart (lines from the records, published totals as points) with the sources as links
    page.get_by_role("tab", name="Wachstum seit 2019").click()
    harness.wait_for_app_idle(page)
    chart = page.locator('[data-testid="stImage"] img').first
    chart.wait_for()
    assert chart.evaluate("img => img.naturalWidth") > 800  # Streamlit scales it to the column
    assert page.get_by_text("Veröffentlichte Gesamtzahlen (Kreise im Diagramm) und ihre Quellen").is_visible()
    harness.save_tall_screenshot(page, "meeting-06-wachstum", 1700)
    recorder.assert_same_origin(app_url)
    recorder.assert_no_console_errors()


def _download(page, name: str) -> bytes:
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name=name).click()
    path = info.value.path()
    return path.read_bytes() if hasattr(path, "read_bytes") else open(path, "rb").read()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data)).size


def test_each_download_button_gives_the_right_file(page, app_url, recorder):
    _open(page, app_url + "/?kreis=14626&stand=2022-11-28")
    tab = page.get_by_role("tab", name=re.compile("Mitnehmen"))
    tab.click()
    harness.wait_for_app_idle(page)
    harness.save_tall_screenshot(page, "meeting-05-mitnehmen", 1500)

    png = _download(page, "Folie (PNG, 1920 × 1080)")
    assert _png_size(png) == (1920, 1080) and len(png) > 100_000
    a4 = _download(page, "Druck (PNG, A4 quer, 300 dpi)")
    assert _png_size(a4) == (3508, 2480)
    svg = _download(page, "Vektorgrafik (SVG)").decode("utf-8")
    assert "<svg" in svg[:500] and "Görlitz" in svg

    for name, pages in (("Kurzinformation (PDF, 1 Seite)", 1), ("Kurzinformation mit Kreisseiten (PDF)", 2)):
        pdf = _download(page, name)
        assert pdf.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == pages
        box = reader.pages[0].mediabox
        assert sorted((round(float(box.width)), round(float(box.height)))) == [595, 842]  # A4
        text = reader.pages[0].extract_text()
        assert "28.11.2022" in text and "Görlitz" in text and "Kooperationsvereinbarungen" in text

    html = _download(page, "Offline-Karte (HTML)").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Stand: 28.11.2022" in html
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert not re.search(r"url\((?!data:|#)", html)
    assert not re.search(r"""(src|srcset)=["']?https?:""", html)
    _same_map(page)
    recorder.assert_same_origin(app_url)
    recorder.assert_no_console_errors()
