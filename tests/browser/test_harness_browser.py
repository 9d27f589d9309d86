"""Real-browser tests of the harness: the dashboard renders in Chromium, and the map helpers work.

The map test uses a small streamlit-folium app written to a temporary folder (self-hosted Leaflet, as the
dashboard does), so ``wait_for_map`` is proven before the dashboard's own map exists.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import harness
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MAP_APP = textwrap.dedent(
    '''
    """Test app: N square polygons in a streamlit-folium map, N from a slider (default from the env)."""
    import os

    import folium
    import streamlit as st
    from streamlit_folium import st_folium

    st.set_page_config(page_title="harness map", layout="wide")
    st.title("Harness-Karte")
    st.write("marker:", os.environ.get("ASSKOMM_TEST_MARKER", "-"))
    n = st.slider("Anzahl", 1, 20, int(os.environ.get("ASSKOMM_TEST_POLYGONS", "6")))
    m = folium.Map(location=[51.0, 13.4], zoom_start=7, tiles=None)
    m.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", "/app/static/leaflet/leaflet.css")]
    features = []
    for i in range(20):
        x, y = 12 + (i % 5) * 0.5, 50.5 + (i // 5) * 0.3
        ring = [[x, y], [x + 0.4, y], [x + 0.4, y + 0.25], [x, y + 0.25], [x, y]]
        features.append({"type": "Feature", "properties": {"i": i},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    layer = folium.FeatureGroup(name="Gebiete")
    folium.GeoJson({"type": "FeatureCollection", "features": features[:n]}).add_to(layer)
    st_folium(m, feature_group_to_add=layer, height=400, width=700, returned_objects=[], key="karte")
    '''
)


def _leaflet_dir() -> Path:
    """Leaflet 1.9.4 as the project serves it (static/leaflet), else from the django-js-lib-leaflet wheel."""
    own = harness.REPO_ROOT / "static" / "leaflet"
    if (own / "leaflet.js").exists():
        return own
    import js_lib_leaflet

    return Path(js_lib_leaflet.__file__).parent / "static" / "js_lib_leaflet"


def test_dashboard_renders_in_chromium(page, app_url, recorder, screenshot) -> None:
    page.goto(app_url)
    harness.wait_for_app_idle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert main.locator('[data-testid="stElementContainer"]').count() > 0, "the page drew nothing"
    expect(main.locator('[data-testid="stHeading"]').first).to_contain_text("ASSKomm")
    shot = screenshot("harness-dashboard-start")
    assert shot.stat().st_size > 5_000
    recorder.assert_same_origin(app_url)
    recorder.assert_no_console_errors()
    assert any(url.endswith("/_stcore/stream") for url in recorder.websockets), recorder.websockets


def test_wait_for_map_counts_polygons_without_remount(
    streamlit_server_factory, page, recorder, screenshot, tmp_path
) -> None:
    (tmp_path / "map_app.py").write_text(MAP_APP, encoding="utf-8")
    shutil.copytree(_leaflet_dir(), tmp_path / "static" / "leaflet")
    server = streamlit_server_factory(
        str(tmp_path / "map_app.py"),
        env={"ASSKOMM_TEST_MARKER": "factory-env", "ASSKOMM_TEST_POLYGONS": "6"},
        extra_args=["--server.enableStaticServing", "true"],
    )
    page.goto(server.url)
    harness.wait_for_app_idle(page)
    expect(page.get_by_text("factory-env")).to_be_visible()
    assert harness.wait_for_map(page, 6) == 6
    screenshot("harness-map-6")

    # A rerun with more polygons must repaint inside the same iframe document (no remount).
    frame = harness.map_frame(page)
    frame.evaluate("window.__harnessMarker = 42")
    slider = page.get_by_role("slider")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    harness.wait_for_app_idle(page)
    assert harness.wait_for_map(page, 9) == 9
    assert harness.map_frame(page).evaluate("window.__harnessMarker") == 42, "map iframe was remounted"
    assert harness.count_polygons(page) == 9

    recorder.assert_same_origin(server.url)
    recorder.assert_no_console_errors()
    assert recorder.bytes_downloaded("/app/static/leaflet/leaflet.js") > 10_000


def test_wait_for_map_times_out_when_there_is_no_map(page, streamlit_server_factory) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    server = streamlit_server_factory("bench/minimal_app.py")
    page.goto(server.url)
    harness.wait_for_app_idle(page)
    assert harness.count_polygons(page) == 0
    with pytest.raises(PlaywrightTimeout):
        harness.wait_for_map(page, 1, timeout=1_000)
