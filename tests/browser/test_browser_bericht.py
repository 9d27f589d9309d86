"""The page »Bericht« in Chromium at 1280×720: it renders, the DOCX download arrives, nothing leaves the origin.

Screenshots: ``test-output/screenshots/bericht-*.png``.
"""

from __future__ import annotations

import io

import harness
import openpyxl
import pytest
from docx import Document
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_bericht_page(page, app_url, recorder, screenshot, tmp_path) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(app_url)  # from the start page through the navigation, as a user would
    harness.wait_for_app_idle(page)
    page.get_by_role("link", name="Bericht").click()
    page.wait_for_url("**/bericht*")
    harness.wait_for_app_idle(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bericht · Stand ")
    expect(page.get_by_text("Tabelle 1: Landkreise und Kreisfreie Städte")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(7)  # table 7: official running numbers
    screenshot("bericht-1280x720", full_page=False)

    page.goto(f"{app_url}/bericht?stichtag=2022-12-31&region=PD+G%C3%B6rlitz")
    harness.wait_for_app_idle(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stand 31.12.2022")
    expect(page.get_by_text("Tabelle 2: Polizeidirektionen, Stichtag 31.12.2022")).to_be_visible()
    screenshot("bericht-pd-goerlitz", full_page=False)
    harness.save_tall_screenshot(page, "bericht-pd-goerlitz-ganz", height=3600)

    with page.expect_download() as info:
        page.get_by_role("button", name="Als Word-Dokument (DOCX)").click()
    download = info.value
    assert download.suggested_filename == "asskomm_bericht_2022-12-31_pd-goerlitz.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    doc = Document(str(path))
    assert "Stichtag 31.12.2022" in doc.core_properties.title
    with page.expect_download() as info:
        page.get_by_role("button", name="Als Excel-Tabelle (XLSX)").click()
    wb = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))  # noqa: SIM115
    assert wb["Kreise"].cell(row=wb["Kreise"].max_row, column=1).value == "Sachsen"

    recorder.assert_same_origin(app_url)
    errors = [str(e) for e in recorder.console_errors()
              if not ("404" in e.text and "/bericht/_stcore/" in e.url)]
    assert not errors
