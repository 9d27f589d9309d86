"""The Landkreise and Quellen pages in Chromium: they render, nothing leaves the origin, no console error.

Screenshots go to ``test-output/screenshots/`` (look at them: they are what a ministry meeting sees).
"""

from __future__ import annotations

import harness
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _console_errors(recorder: harness.Recorder) -> list[str]:
    """Console errors, minus Streamlit's base-path probe: opened at ``/landkreise``, its frontend first asks
    ``/landkreise/_stcore/health`` and ``…/host-config`` (404), then finds the server at ``/``."""
    return [
        str(e)
        for e in recorder.console_errors()
        if not ("404" in e.text and any(f"/{p}/_stcore/" in e.url for p in ("landkreise", "quellen")))
    ]


def _full(page, screenshot, name: str, height: int) -> None:
    """Streamlit scrolls inside its own container, so a »full page« shot needs a tall viewport."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    harness.wait_for_app_idle(page)
    screenshot(name, full_page=False)
    page.set_viewport_size(size)


def _open(page, url: str | None = None) -> None:
    if url:
        page.goto(url)
    harness.wait_for_app_idle(page)
    # Images (choropleth, Kreis pictures, chart) are served by the app's media endpoint; wait until decoded.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stImage\"] img')]"
        ".every(img => img.complete && img.naturalWidth > 0)",
        timeout=30_000,
    )


def test_landkreise_page(page, app_url, recorder, screenshot) -> None:
    # Open the start page first: on a fresh server, Streamlit runs the first deep link's page without the
    # entrypoint (see test_first_deep_link_after_start below).
    _open(page, app_url)
    _open(page, f"{app_url}/landkreise?stand=2023-12-31")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "ASSKomm in den Landkreisen · Stand 31.12.2023"
    )
    expect(page.locator('[data-testid="stImage"] img')).to_have_count(1 + 13)
    expect(page.get_by_text("Kreise im Vergleich (alle 13 Kreise)")).to_be_visible()
    expect(page.locator('[data-testid="stWarning"]')).to_have_count(0)
    screenshot("landkreise-oben", full_page=False)
    _full(page, screenshot, "landkreise", 3000)

    page.set_viewport_size({"width": 1280, "height": 720})  # a projector
    _open(page, f"{app_url}/landkreise?praesentation=1&stand=2023-12-31")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    screenshot("landkreise-praesentation", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 800})

    _open(page, f"{app_url}/landkreise?kreis=14626&stand=kaputt")
    expect(page.locator('[data-testid="stAlert"]')).to_contain_text("stand=kaputt")
    expect(page.locator('[data-testid="stImage"] img')).to_have_count(1 + 1)
    expect(page.get_by_text("Gemeinden in Görlitz")).to_be_visible()
    _full(page, screenshot, "landkreise-goerlitz", 2000)

    recorder.assert_same_origin(app_url)
    assert not _console_errors(recorder)


def test_quellen_page(page, app_url, recorder, screenshot) -> None:
    page.goto(app_url)  # as a user would: from the start page through the navigation
    harness.wait_for_app_idle(page)
    page.get_by_role("link", name="Quellen").click()
    harness.wait_for_app_idle(page)
    page.wait_for_url("**/quellen")
    _open(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quellen und Datenstand")
    expect(page.get_by_text("Veröffentlichte Gesamtzahlen und Datenbank").first).to_be_visible()
    expect(page.get_by_text("© GeoBasis-DE / BKG").first).to_be_visible()
    expect(page.locator('[data-testid="stImage"] img')).to_have_count(1)
    screenshot("quellen-oben", full_page=False)
    _full(page, screenshot, "quellen", 3200)

    recorder.assert_same_origin(app_url)
    assert not _console_errors(recorder)


def test_first_deep_link_after_start_uses_the_navigation(page, streamlit_server_factory) -> None:
    """A fresh server whose first request is a deep link still runs the page under dashboard.py's navigation.

    (Streamlit starts in its old pages-folder mode; ``layout.ensure_navigation`` leaves it.)
    """
    server = streamlit_server_factory()
    _open(page, f"{server.url}/landkreise")
    # the switch is a rerun: on a loaded machine it can land after the first run looked finished
    expect(page.locator('[data-testid="stSidebarNav"]')).to_contain_text("Quellen", timeout=30_000)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Karte" in nav and "Quellen" in nav
    assert "dashboard" not in nav and "landkreise" not in nav  # old mode names pages after their files
    assert "Import" not in nav  # role-dependent registration is in force

    # an editing page as the very first request: not registered for a visitor, so the map opens instead
    server = streamlit_server_factory()
    _open(page, f"{server.url}/import?role=admin")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Datei wählen" not in main and "ASSKomm-Karte · Stand" in main
