"""Issue 19 in a real Chromium: the presentation link keeps the prepared view (1), the projected map fills the
screen with title, Stand, legend and source in view and no downloads (2), Kreis and participant names on the
map without a remount (3), the start page's map begins in the upper half (5), the published figures are the same
on the card, the Quellen page and in the PDF (6), and each card says what it counts (16.6)."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

import harness
import pytest
from pypdf import PdfReader

from asskomm import labels
from asskomm.analysis import figures

pytestmark = pytest.mark.browser

PREPARED = "/?kreis=14626&stand=2023-06-30&ebenen=kpr"


def _open(page, url: str):
    page.goto(url)
    harness.wait_for_app_idle(page, timeout=90_000)
    harness.wait_for_map(page, min_polygons=418, timeout=90_000)
    harness.wait_for_app_idle(page)
    return harness.map_frame(page)


def _markers(frame) -> set[str]:
    return set(frame.evaluate("window.asskomm.state.markers.map(function (m) { return m[1]; })"))


def test_presentation_link_keeps_the_prepared_view(page, app_url, recorder):
    page.set_viewport_size({"width": 1280, "height": 720})
    frame = _open(page, app_url + PREPARED)
    assert _markers(frame) <= {"kpr"}
    link = page.get_by_role("link", name=re.compile("Präsentationsansicht"))
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] < 200, box  # visible, beside the title, above the map
    assert link.is_visible()
    harness.save_screenshot(page, "praesentation-01-vorbereitet-1280x720", full_page=False)
    href = link.get_attribute("href")
    query = parse_qs(urlsplit(href).query)
    assert query == {"praesentation": ["1"], "kreis": ["14626"], "stand": ["2023-06-30"], "ebenen": ["kpr"]}

    frame = _open(page, app_url + "/" + href.lstrip("/"))
    assert "Stand 30.06.2023" in page.locator("h1").first.inner_text()
    assert page.get_by_text("Kreis: Görlitz", exact=False).first.is_visible()
    assert frame.evaluate("window.asskomm.state.fit") == ["14626"]  # zoomed to Görlitz
    assert _markers(frame) == {"kpr"}  # the Sicherheitsanalyse layer stays off, as prepared
    harness.save_screenshot(page, "praesentation-02-projiziert-1280x720", full_page=False)

    back = page.get_by_role("link", name=re.compile("Beenden"))
    assert parse_qs(urlsplit(back.get_attribute("href")).query) == {
        "kreis": ["14626"], "stand": ["2023-06-30"], "ebenen": ["kpr"]
    }
    recorder.assert_same_origin(app_url)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_presentation_map_fills_the_screen_with_everything_in_view(page, app_url, recorder, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    frame = _open(page, app_url + "/?praesentation=1&kreis=14626&stand=2024-12-31")
    iframe = page.locator(harness.SEL_MAP_IFRAME).bounding_box()
    assert iframe["height"] >= 0.7 * height, iframe
    assert iframe["y"] >= 0 and iframe["y"] + iframe["height"] <= height
    # the Leaflet map inside uses the whole frame
    inner = frame.evaluate("[window.map.getSize().x, window.map.getSize().y]")
    assert inner[1] >= iframe["height"] - 4, inner
    title = page.locator("h1").first.bounding_box()
    assert title["y"] >= 0 and title["y"] + title["height"] <= height
    assert "Stand 31.12.2024" in page.locator("h1").first.inner_text()
    legend = page.locator(".asskomm-legend").first.bounding_box()
    assert legend["y"] + legend["height"] <= height, legend
    source = page.get_by_text("Quelle: ASSKomm-Datenbank", exact=False).first.bounding_box()
    assert source["y"] + source["height"] <= height
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0  # nothing to download on the screen
    # orientation: the 13 Kreis names, and with the Kreis filter the Gemeinden that take part
    assert frame.locator(".asskomm-kreisname").count() == 13
    names = frame.locator(".asskomm-name").all_inner_texts()
    assert "Görlitz" in names and len(names) >= 5
    size_px = frame.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.asskomm-kreisname span')).fontSize)"
    )
    assert size_px >= 16  # readable from the back of a room at 1280×720
    harness.save_screenshot(page, f"praesentation-03-{width}x{height}", full_page=False)
    recorder.assert_same_origin(app_url)
    recorder.assert_no_console_errors()


def test_names_follow_the_filter_without_remount(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    frame = _open(page, app_url + "/?kreis=14626&stand=2024-12-31")
    frame.evaluate("window.__asskommMark = 'alive'; window.map.__asskommMark = 'alive'")
    assert frame.locator(".asskomm-name").count() > 0
    applied = frame.evaluate("window.asskomm.applied")
    page.get_by_role("button", name="Filter zurücksetzen").click()
    harness.wait_for_app_idle(page)
    frame.wait_for_function("(n) => window.asskomm.applied > n", arg=applied)
    assert frame.locator(".asskomm-name").count() == 0  # no Kreis filter: no Gemeinde names
    assert frame.locator(".asskomm-kreisname").count() == 13
    assert frame.evaluate("window.__asskommMark") == "alive" and frame.evaluate("window.map.__asskommMark") == "alive"


@pytest.mark.parametrize(("size", "limit"), [((1280, 720), 360), ((1920, 1080), 540), ((390, 844), 600)])
def test_start_page_map_begins_early(page, app_url, size, limit):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    _open(page, app_url + "/?stand=2024-12-31")
    top = page.locator(harness.SEL_MAP_IFRAME).bounding_box()["y"]
    assert top <= limit, top
    harness.save_screenshot(page, f"startseite-{size[0]}x{size[1]}", full_page=False)


def test_each_card_says_what_it_counts(page, app_url):
    """16.6: »27 · Vereinbarungen · 33 Gemeinden« and the legend's 33 Gemeinden agree."""
    page.set_viewport_size({"width": 1280, "height": 800})
    _open(page, app_url + "/?stand=2024-12-31")
    unit = page.locator('[data-testid="stMetricDelta"]').filter(has_text="Vereinbarung").first.inner_text()
    gemeinden = int(re.search(r"(\d+) Gemeinden?", unit).group(1))
    legend = page.locator(".asskomm-legend .item").filter(has_text="Kooperationsvereinbarung").first.inner_text()
    assert int(re.findall(r"\d+", legend)[-1]) == gemeinden


NOTE = re.compile(r"veröffentlicht: ([\d.]+) · (SMI/LPR|Presse \(Angabe des SMI/LPR\)), ([\d./]+)")


def test_published_figures_agree_on_card_quellen_page_and_pdf(page, app_url):
    """… each with its kind of source (issue 24.6): »veröffentlicht: 60 · SMI/LPR, 11.04.2025 · Quelle«."""
    page.set_viewport_size({"width": 1280, "height": 800})
    today = dt.date.today()
    chosen = figures.published_kpis(today)
    expected = {k: (labels.fmt_int(f.value), f.kind_label, labels.fmt_date(f.date)) for k, f in chosen.items()}
    _open(page, app_url + "/")
    cards = page.locator('.st-key-kpi_row [data-testid="stColumn"]')
    shown = {}
    for i in range(cards.count()):
        text = cards.nth(i).inner_text()
        found = NOTE.search(text)
        if found:
            shown[text.splitlines()[0].strip()] = found.groups()
    assert shown and all(expected[k] == v for k, v in shown.items()), (shown, expected)
    assert "Presse (Angabe des SMI/LPR)" in {v[1] for v in shown.values()}  # 144 advised, as wochenkurier.info reported
    harness.save_screenshot(page, "kpi-karten-art-der-quelle-1280x800", full_page=False)

    page.get_by_role("tab", name=re.compile("Mitnehmen")).click()
    harness.wait_for_app_idle(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=re.compile(r"Kurzinformation \(PDF, 1 Seite\)")).click()
    pdf = PdfReader(io.BytesIO(open(info.value.path(), "rb").read()))  # noqa: SIM115
    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    for value, kind, date in expected.values():
        assert value in pdf_text and date in pdf_text and kind in pdf_text
    assert "(Ministerium / LPR und Presse)" in pdf_text

    page.goto(app_url + "/quellen")
    harness.wait_for_app_idle(page, timeout=90_000)
    body = page.locator('[data-testid="stMain"]').inner_text()
    for kpi, (value, kind, date) in expected.items():
        assert f"{kpi}: {value} ({date}; {kind}: " in body, kpi
    harness.save_screenshot(page, "quellen-veroeffentlicht", full_page=False)


def test_presentation_names_only_kind_and_date_of_a_published_figure(page, app_url):
    """Issue 24.6: on the projector the source line is short (»veröffentlicht: 60 · SMI/LPR, 11.04.2025«), no
    link and no web site; the detail is on the Quellen page. Never another speaker's figure."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    _open(page, app_url + "/?praesentation=1")
    notes = page.locator(".asskomm-kpi-note").all_inner_texts()
    assert notes and all(NOTE.fullmatch(n.strip()) for n in notes), notes
    assert page.locator(".asskomm-kpi-note a").count() == 0
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Quellen und Einzelheiten: Seite »Quellen«" in body
    assert "wochenkurier" not in body and "sachsen.de" not in body and "laut " not in body
    harness.save_screenshot(page, "praesentation-quellenzeile-1920x1080", full_page=False)
