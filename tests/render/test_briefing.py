"""Briefing PDF: one A4 page with the expected German texts; optional Kreis pages."""

from __future__ import annotations

import io

import pytest
from export_support import KREIS_OST, KREIS_WEST, STAND, make_export_data
from pypdf import PdfReader

from asskomm.analysis import kpis
from asskomm.analysis.filters import Filters
from asskomm.render import briefing

A4_PT = (595.28, 841.89)


def _pages(pdf: bytes) -> list:
    return list(PdfReader(io.BytesIO(pdf)).pages)


def _text(page) -> str:
    return " ".join(page.extract_text().split())


def _is_a4(page) -> bool:
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    return abs(w - A4_PT[0]) < 1 and abs(h - A4_PT[1]) < 1


def test_one_a4_page_with_title_date_kpis_totals_milestones_and_attribution():
    pdf = briefing.render_briefing_pdf(make_export_data())
    assert pdf.startswith(b"%PDF")
    pages = _pages(pdf)
    assert len(pages) == 1
    assert _is_a4(pages[0])
    text = _text(pages[0])
    for expected in (
        "Allianz Sichere Sächsische Kommunen (ASSKomm)",
        "Stand: 30.06.2023",
        "Filter: ganz Sachsen, ohne Filter",
        "Kennzahlen am 30.06.2023",
        "Beratene Kommunen",
        "Modellkommunen",
        "Präventionsräte",
        "Sicherheitsanalysen",
        "Quelle: ASSKomm-Datenbank",
        "Veröffentlichte Zahlen zu den Kennzahlen",
        "1.234",  # German thousands separator
        "12.11.2022",
        "lpr.sachsen.de",
        "Die fünf neuesten Meilensteine",
        "14.05.2023",
        "04/2023",  # month precision kept
        "Gemeinde 3",
        "© GeoBasis-DE / BKG (2024), dl-de/by-2-0",
    ):
        assert expected in text, expected
    assert "6 von 12 Gemeinden (50,0 %) mit Kooperationsvereinbarung" in text
    # the label breaks inside its KPI box, so the text extraction may split it
    assert "Kooperations" in text and "vereinbarungen" in text


def test_filters_are_named_and_kreis_pages_added():
    filters = Filters(stand=STAND, kreise=(KREIS_WEST, KREIS_OST), problemfelder=("vandalismus",))
    pdf = briefing.render_briefing_pdf(make_export_data(filters), kreis_pages=True)
    pages = _pages(pdf)
    assert len(pages) == 3
    assert all(_is_a4(p) for p in pages)
    assert "Filter: Kreise: Erzgebirgskreis, Görlitz · Problemfeld: Vandalismus" in _text(pages[0])
    second = _text(pages[1])
    assert second.startswith("Erzgebirgskreis")
    assert "Kreisübersicht" in second and "Beteiligte Gemeinden" in second
    assert "Gemeinde 0" in second and "Modellkommune" in second
    assert "Gemeinde 2" not in second  # outside the Problemfeld filter / not participating
    assert "Görlitz" in _text(pages[2])
    # without the option, still exactly one page
    assert len(_pages(briefing.render_briefing_pdf(make_export_data(filters)))) == 1


def test_long_texts_and_empty_lists_stay_on_one_page():
    long_name = "Verwaltungsgemeinschaft " + ", ".join(f"Gemeinde mit langem Namen {i}" for i in range(20))
    data = make_export_data(
        milestones=[kpis.Milestone("2023-01-0" + str(i), long_name, "Kooperationsvereinbarung",
                                         "https://www.example.org/" + "x" * 200) for i in range(1, 8)],
        published=[kpis.Published("Sehr lange veröffentlichte Kennzahl " * 4, 10**6, "2023", "") ] * 7,
    )
    assert len(_pages(briefing.render_briefing_pdf(data))) == 1
    empty = make_export_data(milestones=[], published=[])
    pages = _pages(briefing.render_briefing_pdf(empty))
    assert len(pages) == 1
    assert "Keine datierten Meilensteine bis 30.06.2023." in _text(pages[0])


def test_pdf_embeds_the_font_shipped_with_matplotlib():
    assert (briefing.FONT_DIR / "DejaVuSans.ttf").is_file()
    reader = PdfReader(io.BytesIO(briefing.render_briefing_pdf(make_export_data())))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert any("DejaVu" in name for name in names)


def test_row_height_estimate_matches_the_table_cells():
    # one line each: the estimate must not wrap what the table draws on one line (it cut Kreis pages short)
    pdf = briefing._Briefing("Fußzeile")
    pdf.add_page()
    rows = [["Bertsdorf-Hörnitz", "Kooperationsvereinbarung", "14.01.2022", "Sicherheitsanalyse", "–"]]
    assert briefing._row_heights(pdf, rows, (36, 45, 21, 40, 44)) == [pytest.approx(4.6 + 1.6)]
    long = [["Ostritz", "Kooperationsvereinbarung", "28.04.2023", "", "Gewalt und Extremismus, " * 4]]
    assert briefing._row_heights(pdf, long, (36, 45, 21, 40, 44))[0] > 3 * 4.6
