"""Accessibility (issue 13, BITV 2.0 / WCAG 2.1 AA): axe-core on every page, for a visitor and for a signed-in
administrator, inside the map's iframe too; every finding goes to ``test-output/a11y/<page>.txt``; the test
fails on any serious or critical violation."""

from __future__ import annotations

import itertools

import a11y
import harness
import pytest
from test_browser_editing import PASSWORDS, choose, nav, sign_in

from asskomm import labels
from asskomm.store import accounts as auth
from asskomm.store.database import Store

pytestmark = pytest.mark.browser

VISITOR_PAGES = {
    "karte": "/",
    "kommune": "/kommune?ags=14626110",
    "landkreise": "/landkreise",
    "quellen": "/quellen",
    "bericht": "/bericht",
    "barrierefreiheit": "/barrierefreiheit",
    "anmelden": "/anmelden",
    "praesentation": "/?praesentation=1",
    "karte-wachstum": "/",
    "karte-neu-seit": "/",
}
# Karte variants: the tab to open before the check (only the open tab is drawn)
TABS = {"karte-wachstum": "Wachstum seit 2019", "karte-neu-seit": "Neu seit …"}
SIGNED_IN_PAGES = ("Kommune", "Import", "Änderungen", "Ansprache", "Benutzer", "Problemfelder", "Amtliche Zahlen",
                   "Karte")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("a11y-db") / "asskomm.sqlite"
    store = Store(f"sqlite:///{db}")
    store.ensure_seeded()
    auth.Accounts(store).add("admin", PASSWORDS["admin"], "admin", actor="test")
    store.dispose()
    srv = harness.start_streamlit(harness.ENTRYPOINT, db_path=db, name="a11y")
    yield srv
    srv.stop()


def _settle(page) -> None:
    harness.wait_for_app_idle(page, timeout=90_000)
    if page.locator(harness.SEL_MAP_IFRAME).count():
        for i in range(page.locator(harness.SEL_MAP_IFRAME).count()):
            harness.wait_for_map(page, 1, timeout=90_000, index=i)
        harness.wait_for_app_idle(page)


def _check(page, name: str) -> list[a11y.Finding]:
    findings = a11y.run_axe(page)
    out = harness.OUTPUT_DIR / "a11y" / f"{harness._safe_name(name)}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(a11y.report(findings) + "\n", encoding="utf-8")
    harness.save_screenshot(page, f"a11y-{name}")
    return a11y.serious(findings)


@pytest.mark.parametrize("name", list(VISITOR_PAGES))
def test_axe_visitor(page, server, name):
    page.goto(server.url + VISITOR_PAGES[name])
    _settle(page)
    if name in TABS:
        page.get_by_role("tab", name=TABS[name]).click()
        harness.wait_for_app_idle(page)
    if name.startswith("karte"):  # the map's iframe is part of the check
        assert page.locator(harness.SEL_MAP_IFRAME).count() == 1
    bad = _check(page, f"besucher-{name}")
    assert not bad, a11y.report(bad)


def test_axe_signed_in(page, server):
    sign_in(page, server.url, "admin")
    failures = []
    for title in SIGNED_IN_PAGES:
        nav(page, title)
        if title == "Kommune":
            choose(page, "Gemeinde suchen", "Görlitz")
        _settle(page)
        failures += _check(page, f"angemeldet-{title}")
    assert not failures, a11y.report(failures)


def test_colour_vision_screenshots(page, server):
    """Map and legend as seen with protanopia and deuteranopia (test-output/screenshots/farbsehen-*.png, to look
    at); the legend's status swatches, sampled from the simulated pictures, stay 3:1 apart."""
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(server.url + "/?stand=2024-12-31")
    _settle(page)
    page.wait_for_timeout(500)
    box = page.locator(harness.SEL_MAP_IFRAME).bounding_box()
    legend = page.locator(".asskomm-legend").first
    leg = legend.bounding_box()
    clip = {"x": box["x"], "y": min(box["y"], leg["y"])}
    clip["width"] = leg["x"] + leg["width"] - clip["x"]
    clip["height"] = max(box["y"] + box["height"], leg["y"] + leg["height"]) - clip["y"]
    out = harness.SCREENSHOT_DIR
    out.mkdir(parents=True, exist_ok=True)
    normal = out / "farbsehen-normal.png"
    page.screenshot(path=str(normal), clip=clip)
    # the centre of each status swatch (the first three legend rows: Kooperation, beraten, nicht beteiligt)
    centres = [
        (round(b["x"] + b["width"] / 2 - clip["x"]), round(b["y"] + b["height"] / 2 - clip["y"]))
        for b in (s.bounding_box() for s in legend.locator(".swatch").all()[:3])
    ]
    from PIL import Image

    for kind in ("normal", *a11y.CVD_MATRICES):
        path = normal if kind == "normal" else a11y.simulate_png(normal, out / f"farbsehen-{kind}.png", kind)
        image = Image.open(path).convert("RGB")
        seen = ["#{:02X}{:02X}{:02X}".format(*image.getpixel(c)) for c in centres]
        for darker, lighter in itertools.pairwise(seen):
            ratio = labels.contrast_ratio(darker, lighter)
            assert ratio >= 3.0, f"{kind}: swatches {darker} / {lighter} only {ratio:.2f}:1"
