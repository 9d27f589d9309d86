"""Issue 19.6: the card, the PDF briefing, the PNG slide, the offline snapshot, the growth chart, the Quellen page
and the report for the Landtag (page »Bericht«, DOCX) show the same published figure per KPI
(``figures.published_for_kpi``), for Saxony and for a Landkreis or Polizeidirektion. Issue 24.6: each with its
kind of source (»SMI/LPR«, »Presse (Angabe des SMI/LPR)«), another speaker's figure nowhere beside a KPI, and the
heading »Ministerium / LPR« only over the ministry's own."""

from __future__ import annotations

import datetime as dt
import html
import io

import pytest
from docx import Document
from pypdf import PdfReader

from asskomm import labels
from asskomm import records as rec
from asskomm.analysis import bericht, exportdata, figures, kpis
from asskomm.analysis.filters import Filters
from asskomm.geo import layers as geo
from asskomm.render import bericht_export, briefing, snapshot
from asskomm.store import database

STAND = dt.date(2024, 12, 31)


@pytest.fixture
def seeded(tmp_db, monkeypatch):
    monkeypatch.setenv("ASSKOMM_DB", str(tmp_db))
    return database.Store.from_env()


def _expected(region=()):
    out = figures.published_kpis(STAND, region=region)
    assert out, "the project's data must have published figures at this date"
    return {kpi: (labels.fmt_int(f.value), labels.fmt_date(f.date), f.kind_label) for kpi, f in out.items()}


def test_pdf_and_snapshot_show_the_chosen_figure_per_kpi_with_its_kind(seeded):
    for filters, region in ((Filters(STAND), ()), (Filters(STAND, kreise=("14626",)), ("14626",))):
        data = exportdata.collect(filters, store=seeded)
        expected = _expected(region)
        assert [p.label.split(" – ")[0] for p in data.published] == list(expected)
        assert [p.kpi for p in data.published] == list(expected)
        pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(briefing.render_briefing_pdf(data))).pages)
        pdf_text = " ".join(pdf_text.split())
        html = snapshot.render_snapshot_html(data)
        for kpi, (value, date, kind) in expected.items():
            assert date in pdf_text and value in pdf_text and kind in pdf_text, (kpi, value, date)
            assert f"{date} · {kind} · " in html and f"<td class='n'>{value}</td>" in html, (kpi, value, date)
        press = [p for p in data.published if p.kind == "presse"]
        heading = "Veröffentlichte Zahlen zu den Kennzahlen (Ministerium / LPR" + (" und Presse)" if press else ")")
        assert heading in pdf_text and html.count("(Ministerium / LPR") == 1
        if region:
            assert "für Landkreis Görlitz" in pdf_text
    # 31.12.2024, Saxony: 144 advised as the press reported the LPR's figure (wochenkurier.info, 12/2023)
    saxony = {p.kpi: p for p in exportdata.collect(Filters(STAND), store=seeded).published}
    assert saxony["Beratene Kommunen"].kind_label == "Presse (Angabe des SMI/LPR)"
    assert saxony["Kooperationsvereinbarungen"].attribution == "SMI/LPR, 18.12.2023"  # 56 (medienservice)


def test_png_slide_names_kind_and_date_beside_the_kpis(seeded, monkeypatch):
    """The slide's KPI panel writes »veröffentlicht 60 · SMI/LPR, 11.04.2025« under a card that differs."""
    from asskomm.render import static_map_panels

    data = exportdata.collect(Filters(STAND), store=seeded)
    written: list[str] = []

    class Axes:
        def text(self, x, y, text, **kw):
            written.append(str(text))

        def plot(self, *a, **kw):
            pass

    monkeypatch.setattr(static_map_panels, "_blank_panel", lambda ax: None)
    static_map_panels.draw_kpis(Axes(), data, 1.0)
    for p in data.published:
        if int(p.value) != int(data.kpis[p.kpi]):
            assert f"veröffentlicht {labels.fmt_int(p.value)} · {p.kind_label}, {labels.fmt_date(p.date)}" in written


def test_no_other_speakers_figure_anywhere_beside_a_kpi(seeded):
    """At 01.01.2021 the newest »advised« total is the 87 of a private site (stephan-hoesl.com, 16.09.2020), the
    newest agreements total the »rund 20« of Taucha's mayor (12/2020): neither stands beside a KPI, in any view."""
    until = dt.date(2021, 1, 1)
    chosen = figures.published_kpis(until)
    assert all(f.kind in figures.BESIDE_KPI for f in chosen.values())
    assert chosen["Beratene Kommunen"].value == 64 and "vhw.de" in chosen["Beratene Kommunen"].source
    assert "Kooperationsvereinbarungen" not in chosen
    data = exportdata.collect(Filters(until), store=seeded)
    text = " ".join(f"{p.label} {p.source}" for p in data.published)
    assert "stephan-hoesl" not in text and "Taucha" not in text
    from asskomm.analysis import timeline

    points = timeline.published_points(until=until)
    assert not points["quelle"].str.contains("stephan-hoesl|Taucha").any()
    assert set(points["art"]) <= {"SMI/LPR", "Presse (Angabe des SMI/LPR)"}


def test_no_published_figure_beside_a_problemfeld_filter(seeded):
    data = exportdata.collect(Filters(STAND, problemfelder=("vandalismus",)), store=seeded)
    assert list(data.published) == []


def test_cards_and_quellen_page_show_the_same_figures(visitor_apptest):
    today = dt.date.today()
    chosen = figures.published_kpis(today)
    expected = {kpi: (labels.fmt_int(f.value), labels.fmt_date(f.date), f.kind_label) for kpi, f in chosen.items()}
    at = visitor_apptest(timeout=90)
    values = {m.label: m.value for m in at.metric}
    bodies = " ".join(h.proto.body for h in at.get("html"))
    for kpi, (value, date, kind) in expected.items():
        if values.get(kpi) == value:  # the card shows the published figure only where it differs
            continue
        assert f"veröffentlicht: <b>{value}</b> · {html.escape(kind)}, {date} · <a href=" in bodies, kpi
    helps = {m.label: m.help for m in at.metric}
    assert "älter sind als ASSKomm" in helps["Präventionsräte"]
    quellen = visitor_apptest("pages/quellen.py", timeout=90)
    text = " ".join(md.value for md in quellen.markdown)
    for kpi, (value, date, kind) in expected.items():
        assert f"**{kpi}: {value}** ({date}; {labels.md_inert(kind)}: " in text, kpi
        assert chosen[kpi].source in text


# --------------------------------------------------------------------------------------------- the report
# The report's regions and the map filter for the same region: both name the published figures of
# ``kpis.published_region`` (Saxony's, a Landkreis' own, Bautzen + Görlitz = »Ostsachsen« for PD Görlitz).
REPORT_REGIONS = (
    ("Sachsen", {}),
    ("14625", {"kreise": ("14625",)}),
    ("14626", {"kreise": ("14626",)}),
    ("PD Görlitz", {"polizeidirektionen": ("goerlitz",)}),
)


def _report(store, region: str) -> bericht.Bericht:
    kreis_labels = geo.kreis_display_names(geo.kreise())
    return bericht.build(store.load().confirmed_only(), rec.load_gemeinden(), kreis_labels, STAND, region=region)


def _report_hints(report: bericht.Bericht, region_keys: tuple[str, ...]) -> dict[str, str]:
    """KPI → the report's note naming the published total beside the region's row (Sachsen for ``()``), after
    checking it is the chosen figure and stands exactly where the database is below it."""
    table = report.tabelle("Kreise")
    titles = {s.key: s.titel for s in table.spalten}
    where = "Sachsen" if not region_keys else report.region.name
    row = table.row("Sachsen" if not region_keys else f"Summe {report.region.name}")
    chosen = figures.published_kpis(STAND, region=region_keys)
    out: dict[str, str] = {}
    for kpi, rule in figures.KPI_RULES.items():
        notes = [h for h in table.hinweise if h.startswith(f"{titles[rule.field]}, {where}: ")]
        assert len(notes) <= 1, notes
        fig = chosen.get(kpi)
        if fig is None or fig.value <= row[rule.field]:
            assert not notes, (kpi, notes)
            continue
        assert notes, (kpi, "no note although the database is below the published figure", fig)
        assert f"veröffentlicht {labels.fmt_int(fig.value)} ({fig.label}, {labels.fmt_date(fig.date)}" in notes[0], (
            kpi, fig, notes[0])
        assert fig.source in notes[0] and fig.source in report.quellen
        out[kpi] = notes[0]
    return out


def _docx_text(payload: bytes) -> str:
    doc = Document(io.BytesIO(payload))
    parts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return " ".join(" ".join(parts).split())


def test_report_names_the_chosen_figure_per_kpi(seeded):
    for region, map_filter in REPORT_REGIONS:
        keys = kpis.published_region(Filters(STAND, **map_filter))
        assert keys is not None
        report = _report(seeded, region)
        notes = list(_report_hints(report, keys).values())
        if keys:  # beside the Sachsen row stand Saxony's figures, in every region
            notes += _report_hints(report, ()).values()
        if region == "14625":  # Landkreis Bautzen: 4 agreements published (18.12.2023), fewer in the database
            assert any(n.startswith("Vereinbarungen (Partner), Bautzen: ") and "für Landkreis Bautzen" in n
                       for n in notes), notes
        text = _docx_text(bericht_export.render_docx(report))
        for note in notes:
            assert " ".join(note.split()) in text
    sachsen = _report_hints(_report(seeded, "Sachsen"), ())
    # 31.12.2024: Präventionsräte 40 (Rothenburg/O.L. the 40th, 02.11.2023), Sicherheitsanalysen 25 (02/2024)
    assert "veröffentlicht 40 (" in sachsen["Präventionsräte"] and "02.11.2023; SMI/LPR; " in sachsen["Präventionsräte"]
    assert "veröffentlicht 25 (" in sachsen["Sicherheitsanalysen"] and "02/2024" in sachsen["Sicherheitsanalysen"]


def test_report_page_shows_the_chosen_figures(visitor_apptest):
    at = visitor_apptest("pages/bericht.py", query_params={"stichtag": STAND.isoformat()}, timeout=90)
    assert not at.exception, [e.value for e in at.exception]
    bodies = " ".join(h.proto.body for h in at.get("html"))
    notes = _report_hints(_report(database.Store.from_env(), "Sachsen"), ())  # the page's database
    assert {"Präventionsräte", "Sicherheitsanalysen"} <= set(notes)
    for kpi, note in notes.items():
        assert html.escape(note) in bodies, kpi
