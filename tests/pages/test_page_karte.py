"""The Karte page (AppTest, no browser) and the view helpers it uses (asskomm.ui.views)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import harness
import pandas as pd
import pytest
from openpyxl import load_workbook

from asskomm.ui import views
from asskomm.ui.mapblock import TABLE_TAB
from asskomm.ui.takeaways import DOWNLOADS

KPI_LABELS = [
    "Beratene Kommunen",
    "Kooperationsvereinbarungen",
    "Modellkommunen",
    "Präventionsräte",
    "Sicherheitsanalysen",
]


def _no_exception(at):
    assert not at.exception, [e.value for e in at.exception]


def _kpis(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at) -> pd.DataFrame:
    """The table »Gemeinden in dieser Ansicht«: its tab below the map opened (it runs only while open)."""
    if not at.dataframe:
        at.session_state["karte_tabs"] = TABLE_TAB
        at.run()
        _no_exception(at)
    return at.dataframe[0].value


def test_default_view(visitor_apptest):
    at = visitor_apptest(timeout=90)
    _no_exception(at)
    assert [m.label for m in at.metric] == KPI_LABELS
    assert "ASSKomm-Karte · Stand" in at.title[0].value
    assert not at.warning
    assert int(_kpis(at)["Modellkommunen"]) == 8
    assert any("GeoBasis-DE / BKG" in el.proto.body for el in at.get("html"))  # the sources footer
    # the first view: the »Mitnehmen« tab open with the meeting take-aways; the table's tab closed (no table
    # code needed before the map is drawn), named in the tab bar
    takeaways = {label for label, *_ in DOWNLOADS.values()}
    assert {b.label for b in at.get("download_button")} == takeaways
    assert len(at.dataframe) == 0 and TABLE_TAB in [t.label for t in at.tabs]
    table = _table(at)
    assert len(table) == 418  # all Gemeinden match without filters
    assert list(table.columns) == list(views.TABLE_COLUMNS.values())
    assert table["Status"].iloc[0] == "Kooperationsvereinbarung"  # highest stage first
    assert {b.label for b in at.get("download_button")} == {"Tabelle als CSV", "Tabelle als Excel (XLSX)"}
    assert any(h.value.startswith("Gemeinden in dieser Ansicht (418)") for h in at.subheader)


def test_kreis_filter_from_url(visitor_apptest):
    at = visitor_apptest(query_params={"kreis": "14626"}, timeout=90)
    _no_exception(at)
    assert not at.warning
    assert at.multiselect(key="flt_kreise").value == ["14626"]
    table = _table(at)
    assert 0 < len(table) < 418
    assert set(table["Kreis"]) == {"Görlitz"}
    assert int(_kpis(at)["Modellkommunen"]) == 1  # Görlitz


@pytest.mark.parametrize(
    ("params", "fragments"),
    [
        ({"kreis": "99999"}, ["kreis=99999"]),
        ({"kreis": "abc", "problemfeld": "unbekannt"}, ["kreis=abc", "problemfeld=unbekannt"]),
        ({"stand": "gestern"}, ["stand=gestern", "JJJJ-MM-TT"]),
        ({"stand": "2001-01-01"}, ["stand=2001-01-01", "außerhalb"]),
        ({"baustein": "<script>"}, ["baustein=<script>"]),
    ],
)
def test_bad_query_params_give_a_german_notice(visitor_apptest, params, fragments):
    at = visitor_apptest(query_params=params, timeout=90)
    _no_exception(at)
    text = " ".join(harness.shown(w.value) for w in at.warning)
    for fragment in fragments:
        assert fragment in text
    assert "ignoriert" in text
    assert [m.label for m in at.metric] == KPI_LABELS  # the page still works


def test_filter_combinations_narrow_the_view(visitor_apptest):
    at = visitor_apptest(timeout=90)
    everything = len(_table(at))
    at = visitor_apptest(query_params={"kreis": ["14626", "14729"], "stand": "2021-11-30"}, timeout=90)
    _no_exception(at)
    two_kreise = _table(at)
    assert set(two_kreise["Kreis"]) <= {"Görlitz", "Landkreis Leipzig", "Leipzig"}
    assert len(two_kreise) < everything
    assert "30.11.2021" in at.title[0].value
    at = visitor_apptest(query_params={"baustein": "kooperationsvereinbarung", "stand": "2021-11-30"}, timeout=90)
    _no_exception(at)
    coop = _table(at)
    assert set(coop["Status"]) == {"Kooperationsvereinbarung"}
    early = visitor_apptest(query_params={"baustein": "kooperationsvereinbarung", "stand": "2019-03-01"}, timeout=90)
    assert len(_table(early)) < len(coop)  # the alliance grew


def test_problemfeld_filter(visitor_apptest):
    at = visitor_apptest(query_params={"problemfeld": "drogenmissbrauch"}, timeout=90)
    _no_exception(at)
    table = _table(at)
    assert len(table) > 0
    assert table["Problemfelder"].str.contains("Drogenmissbrauch").all()


def test_widget_change_updates_url_and_figures(visitor_apptest):
    at = visitor_apptest(timeout=90)
    before = _kpis(at)
    at.multiselect(key="flt_kreise").set_value(["14626"]).run()
    _no_exception(at)
    assert at.query_params["kreis"] in ("14626", ["14626"])
    assert _kpis(at) != before
    at.slider(key="flt_stand").set_value(dt.date(2020, 1, 31)).run()
    assert at.query_params["stand"] in ("2020-01-31", ["2020-01-31"])
    at.button[0].click().run()  # Filter zurücksetzen
    assert "kreis" not in at.query_params


def test_search_selects_a_gemeinde(visitor_apptest):
    at = visitor_apptest(timeout=90)
    at.selectbox(key="flt_suche").set_value("14626110").run()  # Görlitz
    _no_exception(at)
    assert any("Görlitz" in md.value for md in at.markdown)
    assert at.session_state["sel_ags"] == "14626110"


def test_presentation_mode(visitor_apptest):
    at = visitor_apptest(query_params={"praesentation": "1"}, timeout=90)
    _no_exception(at)
    assert [m.label for m in at.metric] == KPI_LABELS
    assert "Stand" in at.title[0].value
    assert len(at.dataframe) == 0  # map, figures and legend only


def test_presentation_shows_published_totals_with_date_and_source(visitor_apptest):
    # 28.11.2022: the ministry published 42 agreements; the seed database holds fewer
    at = visitor_apptest(query_params={"praesentation": "1", "stand": "2022-11-28"}, timeout=90)
    _no_exception(at)
    units = {m.label: m.proto.delta for m in at.metric}
    assert re.fullmatch(r"Vereinbarungen? · [\d.]+ Gemeinden?", units["Kooperationsvereinbarungen"])
    bodies = [h.proto.body for h in at.get("html")]
    # issue 24.6: the short source line (kind and date), no link and no site on the projector
    assert any("veröffentlicht: <b>42</b> · SMI/LPR, 28.11.2022</div>" in b for b in bodies)
    assert not any("<a href" in b for b in bodies if "asskomm-kpi-note" in b)
    notes = [b for b in bodies if b.startswith("<div class=\"asskomm-source asskomm-sites\"")]
    assert len(notes) == 1 and "Seite »Quellen«" in notes[0] and "sachsen.de" not in notes[0]


def test_source_site_names_the_host():
    assert views.source_site("https://www.lpr.sachsen.de/29279.htm") == "lpr.sachsen.de"
    assert views.source_site("") == ""
    assert views.source_site("intern: Protokoll") == ""


# ------------------------------------------------------------------------------------------- views


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "Gemeinde": ['=HYPERLINK("x")', "Görlitz"],
            "Status": ["beraten", "Kooperationsvereinbarung"],
            "Modellkommune": [False, True],
            "Quelle": ["https://example.org/a", None],
        }
    )


def test_csv_is_excel_friendly(frame):
    data = views.csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Gemeinde;Status;Modellkommune;Quelle"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][0] == '\'=HYPERLINK("x")'
    assert lines[2] == "Görlitz;Kooperationsvereinbarung;ja;"


def test_xlsx_has_german_headers_and_neutralised_cells(frame):
    wb = load_workbook(io.BytesIO(views.xlsx_bytes(frame, note="Stand 30.11.2021")))
    ws = wb.active
    assert [c.value for c in ws[1]] == list(frame.columns)
    assert ws["A2"].value.startswith("'=")
    assert ws["C3"].value == "ja"
    assert wb["Hinweise"]["A1"].value == "Stand 30.11.2021"


def test_search_options_tell_namesakes_apart():
    gem = pd.DataFrame(
        {"ags": ["1", "2", "3"], "name": ["Auerbach", "Auerbach", "Zwickau"], "kreis_ags": ["A", "B", "A"]}
    )
    opts = views.search_options(gem, {"A": "Vogtlandkreis", "B": "Erzgebirgskreis"})
    assert opts == {"2": "Auerbach (Erzgebirgskreis)", "1": "Auerbach (Vogtlandkreis)", "3": "Zwickau"}


def test_size_class_and_unconfirmed_toggle_from_the_url(visitor_apptest):
    """Issue 14/19: the size class narrows the region the shares refer to; the toggle counts doubtful facts."""
    import re

    from asskomm.records import einwohner

    at = visitor_apptest(query_params={"kreis": "14626", "groesse": "unter_2000"}, timeout=90)
    _no_exception(at)
    assert at.selectbox(key="flt_groesse").value == "unter_2000"
    line = next(m.value for m in at.markdown if m.value.startswith("Beteiligt:"))
    small = {a for a, n in einwohner.load().einwohner.items() if n < 2000 and a.startswith("14626")}
    assert f"von {len(small)} Gemeinden im Landkreis Görlitz mit unter 2.000 Einwohnern" in line
    assert set(_table(at)["AGS"]) <= small
    assert any("Stand 31.12.2018" in c.value for c in at.caption)  # the population's date and source

    at = visitor_apptest(query_params={"kreis": "14729", "unbestaetigt": "1", "groesse": "riesig"}, timeout=90)
    _no_exception(at)
    assert at.toggle(key="flt_unbestaetigt").value is True
    assert any("groesse=riesig" in w.value for w in at.warning)
    with_doubt = int(re.search(r"Beteiligt: (\d+)", next(m.value for m in at.markdown
                                                          if m.value.startswith("Beteiligt:"))).group(1))
    at.toggle(key="flt_unbestaetigt").set_value(False).run()
    without = int(re.search(r"Beteiligt: (\d+)", next(m.value for m in at.markdown
                                                       if m.value.startswith("Beteiligt:"))).group(1))
    # Naunhof and Parthenstein; Bennewitz, Lossatal, Thallwitz (the Wurzener Land's council, undated: today)
    assert with_doubt == without + 5


@pytest.mark.parametrize(("params", "scope"), [({}, None), ({"kreis": "14626"}, "14626")])
def test_summary_json_carries_the_shares_the_coverage_line_shows(apptest, capsys, params, scope):
    """Issue 28.4: ``asskomm summary --json`` gives scripts the page's coverage line and its population shares,
    statewide and per Kreis (same database, same Stand)."""
    import json

    from asskomm.cli import main as cli

    at = apptest(query_params=params, timeout=90)
    _no_exception(at)
    line = next(m.value for m in at.markdown if m.value.startswith("Beteiligt: "))
    capsys.readouterr()
    assert cli.main(["summary", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    shares = data["land"] if scope is None else data["kreise"][scope]
    assert shares["zeile"] == line
    percent = re.findall(r"([\d,]+) % der Einwohner", line)
    assert [views_pct(shares["anteil_einwohner_beteiligt"]), views_pct(shares["anteil_einwohner"])] == percent
    assert 0 < shares["einwohner_mit_vereinbarung"] <= shares["einwohner_beteiligt"] <= shares["einwohner"]
    assert data["einwohner_stand"]["stichtag"] == "2018-12-31" and "dl-de/by-2-0" in data["einwohner_stand"]["quelle"]
    assert all("anteil_einwohner" in k for k in data["kreise"].values())


def views_pct(share: float) -> str:
    from asskomm import labels

    return labels.fmt_pct(share).removesuffix(" %")
