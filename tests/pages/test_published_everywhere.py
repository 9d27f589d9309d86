"""Issue 19.6: the card, the PDF briefing, the offline snapshot and the Quellen page show the same published
figure per KPI (``figures.published_for_kpi``), for Saxony and for a filtered Landkreis."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from asskomm import labels
from asskomm.analysis import exportdata, figures
from asskomm.analysis.filters import Filters
from asskomm.render import briefing, snapshot
from asskomm.store import database

STAND = dt.date(2024, 12, 31)


@pytest.fixture
def seeded(tmp_db, monkeypatch):
    monkeypatch.setenv("ASSKOMM_DB", str(tmp_db))
    return database.Store.from_env()


def _expected(region=()):
    out = figures.published_kpis(STAND, region=region)
    assert out, "the project's data must have published figures at this date"
    return {kpi: (labels.fmt_int(f.value), labels.fmt_date(f.date)) for kpi, f in out.items()}


def test_pdf_and_snapshot_show_the_chosen_figure_per_kpi(seeded):
    for filters, region in ((Filters(STAND), ()), (Filters(STAND, kreise=("14626",)), ("14626",))):
        data = exportdata.collect(filters, store=seeded)
        expected = _expected(region)
        assert [p.label.split(" – ")[0] for p in data.published] == list(expected)
        pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(briefing.render_briefing_pdf(data))).pages)
        pdf_text = " ".join(pdf_text.split())
        html = snapshot.render_snapshot_html(data)
        for kpi, (value, date) in expected.items():
            assert date in pdf_text and value in pdf_text, (kpi, value, date)
            assert f"{date} · " in html and f"<td class='n'>{value}</td>" in html, (kpi, value, date)
        if region:
            assert "für Landkreis Görlitz" in pdf_text


def test_no_published_figure_beside_a_problemfeld_filter(seeded):
    data = exportdata.collect(Filters(STAND, problemfelder=("vandalismus",)), store=seeded)
    assert list(data.published) == []


def test_cards_and_quellen_page_show_the_same_figures(apptest):
    today = dt.date.today()
    expected = {kpi: (labels.fmt_int(f.value), labels.fmt_date(f.date)) for kpi, f in figures.published_kpis(today).items()}
    at = apptest(timeout=90)
    values = {m.label: m.value for m in at.metric}
    bodies = " ".join(h.proto.body for h in at.get("html"))
    for kpi, (value, date) in expected.items():
        if values.get(kpi) == value:  # the card shows the published figure only where it differs
            continue
        assert f"veröffentlicht: <b>{value}</b> ({date}" in bodies, kpi
    quellen = apptest("pages/quellen.py", timeout=90)
    text = " ".join(md.value for md in quellen.markdown)
    for kpi, (value, date) in expected.items():
        assert f"**{kpi}: {value}** ({date}" in text, kpi
