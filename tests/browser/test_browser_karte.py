"""The Karte page in a real Chromium: 418 polygons, a filter change repaints without remounting the map,
a click selects a Gemeinde, nothing is loaded from outside the app's origin, no console error."""

from __future__ import annotations

import re

import harness
import pytest

from asskomm import labels
from asskomm.ui.mapblock import TABLE_TAB

pytestmark = pytest.mark.browser

SEL_GEMEINDEN = ".leaflet-overlay-pane path.leaflet-interactive"
SEL_KPI = '[data-testid="stMetricValue"]'


def _kpis(page) -> list[str]:
    return page.locator(SEL_KPI).all_inner_texts()


def _view_count(page) -> int:
    harness.open_tab(page, TABLE_TAB)  # the table's tab (closed in the first view)
    text = page.get_by_text(re.compile(r"Gemeinden in dieser Ansicht \(\d+\)")).inner_text()
    return int(re.search(r"\((\d+)\)", text).group(1))


def _open(page, url: str) -> object:
    page.goto(url)
    harness.wait_for_app_idle(page, timeout=90_000)
    harness.wait_for_map(page, min_polygons=418, timeout=90_000)
    harness.wait_for_app_idle(page)
    return harness.map_frame(page)


@pytest.mark.smoke  # the browser test of scripts/test.sh --quick
def test_map_filters_without_remount(page, app_url, recorder):
    frame = _open(page, app_url + "/")
    assert frame.locator(SEL_GEMEINDEN).count() == 418
    # Leaflet comes from our origin; the component iframe is served by Streamlit itself.
    assert any(u.endswith("/app/static/leaflet/leaflet.js") for u in recorder.requests)
    assert any("/component/streamlit_folium.st_folium/" in u for u in recorder.requests)
    # the content-named geometry file: cached by the browser for a year (app.py's middleware)
    geometry = [u for u in recorder.requests if "/app/static/generated/karte-geometrie-" in u]
    assert geometry
    assert page.request.get(geometry[0]).headers["cache-control"] == "public, max-age=31536000, immutable"
    before_kpis, before_count = _kpis(page), _view_count(page)
    assert before_count == 418
    # Mark the live map; a remount would create a new window and Leaflet map without these marks.
    frame.evaluate("window.__asskommMark = 'alive'; window.map.__asskommMark = 'alive'")
    applied = frame.evaluate("window.asskomm.applied")
    zoom_state = frame.evaluate("window.map.getZoom()")
    harness.save_tall_screenshot(page, "karte-01-start")

    harness.choose_kreis(page, "Görlitz")
    frame.wait_for_function("(n) => window.asskomm && window.asskomm.applied > n", arg=applied)

    assert "kreis=14626" in page.url
    assert _kpis(page) != before_kpis
    assert 0 < _view_count(page) < before_count
    same_frame = harness.map_frame(page)
    assert same_frame.evaluate("window.__asskommMark") == "alive"
    assert same_frame.evaluate("window.map.__asskommMark") == "alive"
    assert same_frame.locator(SEL_GEMEINDEN).count() == 418  # greyed, not removed
    fills = same_frame.evaluate("() => Object.values(window.asskomm.byAgs).map(l => l.options.fillColor)")
    assert fills.count(labels.FILTERED_OUT_COLOUR) > 300
    # the map zoomed to the Kreis (same map): all of Görlitz in view, Leipzig not
    same_frame.wait_for_function("(z) => window.map.getZoom() > z", arg=zoom_state, timeout=10_000)
    page.wait_for_timeout(400)  # the zoom animation
    in_view = """(a) => window.map.getBounds().contains(window.asskomm.byAgs[a].getBounds())"""
    assert same_frame.evaluate(in_view, "14626110") and not same_frame.evaluate(in_view, "14713000")
    zoom_kreis = same_frame.evaluate("window.map.getZoom()")
    harness.save_tall_screenshot(page, "karte-02-kreis-goerlitz")

    # A click on Görlitz selects it: the panel beside the map links to its page; still the same map.
    page.set_viewport_size({"width": 1280, "height": 1700})  # the whole map on screen for a real click
    page.wait_for_timeout(300)
    point = same_frame.evaluate(
        """() => { const l = window.asskomm.byAgs['14626110'];
                   const p = window.map.latLngToContainerPoint(l.feature.properties.p);
                   const r = document.getElementById('map_div').getBoundingClientRect();
                   return [p.x + r.left, p.y + r.top]; }"""
    )
    box = page.locator(harness.SEL_MAP_IFRAME).bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.get_by_text("Zur Seite der Gemeinde").wait_for(timeout=30_000)
    harness.wait_for_app_idle(page)
    link = page.get_by_role("link", name="Zur Seite der Gemeinde")
    assert link.get_attribute("href").endswith("/kommune?ags=14626110")
    assert harness.map_frame(page).evaluate("window.__asskommMark") == "alive"
    assert harness.map_frame(page).evaluate("window.map.getZoom()") == zoom_kreis  # a click keeps the view
    harness.save_tall_screenshot(page, "karte-03-auswahl-goerlitz")

    recorder.assert_same_origin(app_url)
    recorder.assert_no_console_errors()


def test_tooltip_is_german_and_escaped(page, app_url, recorder):
    frame = _open(page, app_url + "/?stand=2021-11-30")
    # a function without a return value: openTooltip() returns the Leaflet layer, and serialising its object
    # graph (the map, every layer) back to Python takes Playwright 15-25 s
    frame.evaluate("() => { window.asskomm.byAgs['14626110'].openTooltip(); }")
    tip = frame.locator(".leaflet-tooltip").inner_text()
    assert "Görlitz" in tip
    assert re.search(r"seit \d\d\.\d\d\.\d{4}|seit \d\d/\d{4}|seit \d{4}", tip)
    recorder.assert_same_origin(app_url)


def test_presentation_mode_fits_a_projector(page, app_url, recorder):
    page.set_viewport_size({"width": 1280, "height": 720})
    # 31.12.2024: three published totals differ, from three sites – the fullest side column
    _open(page, app_url + "/?praesentation=1&stand=2024-12-31")
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    title = page.locator("h1").first.inner_text()
    assert re.search(r"Stand \d\d\.\d\d\.\d{4}", title)
    iframe = page.locator(harness.SEL_MAP_IFRAME).bounding_box()
    assert iframe["y"] + iframe["height"] <= 720 + 5
    # the figures (with the published totals) and the whole legend fit beside the map
    legend = page.locator(".asskomm-legend").first.bounding_box()
    assert legend["y"] + legend["height"] <= 720
    assert page.get_by_text("veröffentlicht: ", exact=False).count() >= 3
    harness.save_screenshot(page, "karte-04-praesentation-1280x720", full_page=False)
    recorder.assert_same_origin(app_url)
    recorder.assert_no_console_errors()


def test_bad_parameters_show_a_notice(page, app_url):
    _open(page, app_url + "/?kreis=12345&stand=morgen")
    notices = page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
    assert any("kreis=12345" in n for n in notices)
    assert any("stand=morgen" in n for n in notices)
