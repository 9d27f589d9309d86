"""Keyboard only (issue 13, WCAG 2.1.1 and 2.4.7): on the Karte page, without the mouse, choose a Gemeinde in the
search box, a Kreis in the filter, start and stop the Zeitraffer, skip the map to its table, download the table
and the take-aways – every stop with a visible focus outline. The map's own Gemeinden are focusable too and
Enter selects one."""

from __future__ import annotations

import re

import harness
import pytest

from asskomm.ui.mapblock import TABLE_TAB

pytestmark = pytest.mark.browser

# What has the focus: the Streamlit widget around it (test id | first line of its text) or the element itself,
# and its outline (the project's focus style: 3px solid).
DESCRIBE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {what: '', outline: ''};
  const w = el.closest('[data-testid="stMultiSelect"],[data-testid="stSelectbox"],[data-testid="stButton"],'
    + '[data-testid="stDownloadButton"],[data-testid="stSlider"]');
  const what = w ? w.getAttribute('data-testid') + '|' + el.tagName + '|' + w.innerText.replace(/\\s+/g, ' ').trim()
                 : el.tagName + '|' + (el.innerText || el.getAttribute('aria-label') || el.title || '').trim();
  const box = w && w.querySelector('[data-baseweb="select"]') || el;
  const cs = getComputedStyle(box);
  return {what: what, outline: cs.outlineStyle + ' ' + cs.outlineWidth};
}"""


def _focus(page) -> dict:
    return page.evaluate(DESCRIBE)


def tab_to(page, pattern: str, *, back: bool = False, limit: int = 60) -> dict:
    """Press Tab (or Shift+Tab) until the focused element's description matches ``pattern``; assert that the
    focus is visible there."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = _focus(page)
        seen.append(now["what"][:60])
        if re.search(pattern, now["what"]):
            assert now["outline"].startswith("solid") and float(now["outline"].split()[1][:-2]) >= 2, now
            return now
    raise AssertionError(f"no focus stop matching {pattern!r} in {limit} keys: {seen}")


def _open_karte(page, url: str):
    page.goto(url + "/")
    harness.wait_for_app_idle(page, timeout=90_000)
    harness.wait_for_map(page, 418, timeout=90_000)
    harness.wait_for_app_idle(page)
    return harness.map_frame(page)


def _download(page, key: str = "Enter") -> str:
    with page.expect_download(timeout=60_000) as info:
        page.keyboard.press(key)
    return info.value.suggested_filename


def test_keyboard_only_kreis_gemeinde_zeitraffer_and_downloads(page, app_url, screenshot):
    frame = _open_karte(page, app_url)

    # a Gemeinde through the search box: the selection panel and the map show it
    tab_to(page, r"^stSelectbox\|INPUT\|Gemeinde suchen")
    page.keyboard.type("Görlitz")
    page.get_by_role("option", name=re.compile(r"^Görlitz")).first.wait_for()
    page.keyboard.press("Enter")
    harness.wait_for_app_idle(page)
    link = page.get_by_role("link", name="Zur Seite der Gemeinde")
    assert link.get_attribute("href").endswith("/kommune?ags=14626110")
    frame.wait_for_function("() => window.asskomm.state && window.asskomm.state.sel === '14626110'")
    screenshot("tastatur-01-gemeinde")

    # a Kreis in the filter
    tab_to(page, r"^stMultiSelect\|INPUT\|Kreis")
    page.keyboard.type("Bautzen")
    page.get_by_role("option", name="Bautzen", exact=True).wait_for()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    harness.wait_for_app_idle(page)
    page.wait_for_url(re.compile(r"kreis=14625"), timeout=15_000)
    summary = page.locator("#karte-zusammenfassung").inner_text()
    assert re.search(r"\d+ von 418 Gemeinden entsprechen den Filtern", summary), summary
    assert "Bautzen" in page.locator('[data-testid="stMain"]').inner_text()
    screenshot("tastatur-02-kreis")

    # the Zeitraffer starts and pauses with Enter; the Stand moves
    title_before = page.locator("h1").first.inner_text()
    tab_to(page, r"^stButton\|BUTTON\|.*Zeitraffer abspielen")
    screenshot("tastatur-03-fokus-zeitraffer", full_page=False)
    page.keyboard.press("Enter")
    page.get_by_role("button", name=re.compile("Pause")).wait_for(timeout=15_000)
    page.wait_for_function(
        "(t) => document.querySelector('h1') && document.querySelector('h1').innerText !== t",
        arg=title_before,
        timeout=20_000,
    )
    assert _focus(page)["what"].startswith("stButton|")  # the focus stays on the player
    page.keyboard.press("Enter")
    page.get_by_role("button", name=re.compile("Zeitraffer abspielen")).wait_for(timeout=15_000)
    harness.wait_for_app_idle(page)
    assert re.search(r"Stand \d\d\.\d\d\.20(19|20)", page.locator("h1").first.inner_text())

    # the skip link before the map opens the table's tab, the text alternative, and puts the focus on it;
    # the table's downloads work with Enter
    tab_to(page, r"^A\|Karte überspringen")
    assert page.locator("#karte-zusammenfassung").inner_text().startswith("Karte der Gemeinden Sachsens")
    assert "Reiter »Tabelle der Gemeinden«" in page.locator("#karte-zusammenfassung").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("#tabelle"))
    harness.wait_for_app_idle(page)
    focused = page.evaluate("() => [document.activeElement.getAttribute('role'), document.activeElement.innerText]")
    assert focused == ["tab", TABLE_TAB]
    assert page.get_by_role("tab", name=TABLE_TAB).get_attribute("aria-selected") == "true"
    tab_to(page, r"^stDownloadButton\|BUTTON\|.*Tabelle als CSV")
    assert _download(page).endswith(".csv")
    tab_to(page, r"^stDownloadButton\|BUTTON\|.*Tabelle als Excel")
    assert _download(page).endswith(".xlsx")

    # the take-aways: back to the tab bar, the tab »Mitnehmen« with the arrow key and Enter, then its downloads
    tab_to(page, rf"^[A-Z]+\|{TABLE_TAB}$", back=True, limit=40)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    harness.wait_for_app_idle(page)
    assert page.get_by_role("tab", name=re.compile("Mitnehmen")).get_attribute("aria-selected") == "true"
    tab_to(page, r"^stDownloadButton\|BUTTON\|.*Folie \(PNG", limit=10)
    assert _download(page).endswith(".png")
    tab_to(page, r"^stDownloadButton\|BUTTON\|.*Vektorgrafik \(SVG\)", limit=3)
    assert _download(page).endswith(".svg")
    tab_to(page, r"^stDownloadButton\|BUTTON\|.*Kurzinformation \(PDF", limit=3)
    assert _download(page).endswith(".pdf")
    tab_to(page, r"^stDownloadButton\|BUTTON\|.*Offline-Karte \(HTML\)", limit=6)
    assert _download(page).endswith(".html")


def test_gemeinde_in_the_map_focusable_and_selected_with_enter(page, app_url):
    frame = _open_karte(page, app_url)
    tab_to(page, r"^A\|Karte überspringen")
    page.keyboard.press("Tab")  # the map
    page.keyboard.press("Tab")  # its first Gemeinde
    focused = frame.evaluate("() => document.activeElement.getAttribute('aria-label') || ''")
    assert re.match(r"^[^,<>]+, .+", focused), focused  # »Name, Kreis« as text, no markup
    assert frame.locator(".leaflet-tooltip").count() == 1  # the tooltip opens on focus
    stroke = frame.evaluate("() => getComputedStyle(document.activeElement).strokeWidth")
    assert stroke == "4px"
    page.keyboard.press("Enter")
    harness.wait_for_app_idle(page)
    name = focused.split(",")[0]
    page.get_by_role("link", name="Zur Seite der Gemeinde").wait_for(timeout=30_000)
    assert name in page.locator('[data-testid="stMain"]').inner_text()
