"""The page »Bericht« (AppTest, no browser): tables, Sachsen row = KPIs, URL parameters, bad input."""

from __future__ import annotations

import datetime as dt

import harness

from asskomm.ui.mapblock import TABLE_TAB

PAGE = "pages/bericht.py"


def _no_exception(at):
    assert not at.exception, [e.value for e in at.exception]


def _table(at, n: int):
    return at.dataframe[n].value


def test_default_report(visitor_apptest):
    at = visitor_apptest(PAGE, timeout=90)
    _no_exception(at)
    assert at.title[0].value.startswith("Bericht · Stand ")
    assert [s.value for s in at.subheader][:2] == [
        f"Tabelle 1: Landkreise und Kreisfreie Städte, Stichtag {dt.date.today():%d.%m.%Y}",
        f"Tabelle 2: Polizeidirektionen, Stichtag {dt.date.today():%d.%m.%Y}",
    ]
    assert len(at.dataframe) == 7
    kreise = _table(at, 0)
    assert len(kreise) == 14 and kreise.iloc[-1]["Kreis"] == "Sachsen"
    assert kreise.iloc[-1]["Gemeinden"] == "418"
    pds = _table(at, 1)
    assert list(pds["Polizeidirektion"]) == [
        "PD Chemnitz", "PD Dresden", "PD Görlitz", "PD Leipzig", "PD Zwickau", "Sachsen"]
    assert [b.label for b in at.get("download_button")] == ["Als Word-Dokument (DOCX)", "Als Excel-Tabelle (XLSX)"]


def test_sachsen_row_equals_map_kpis_at_programme_start(visitor_apptest):
    report = visitor_apptest(PAGE, query_params={"stichtag": "2019-02-06"}, timeout=90)
    _no_exception(report)
    assert "Stand 06.02.2019" in report.title[0].value
    sachsen = _table(report, 0).iloc[-1]
    karte = visitor_apptest("pages/karte.py", query_params={"stand": "2019-02-06"}, timeout=90)
    kpis = {m.label: m.value for m in karte.metric}
    assert sachsen["beraten (Gemeinden)"] == kpis["Beratene Kommunen"]
    assert sachsen["Vereinbarungen (Partner)"] == kpis["Kooperationsvereinbarungen"]
    assert sachsen["Modellkommunen"] == kpis["Modellkommunen"]
    assert sachsen["Präventionsräte (KPR)"] == kpis["Präventionsräte"]
    assert sachsen["Sicherheitsanalysen"] == kpis["Sicherheitsanalysen"]
    # the KPI help states the counting rule in the words of the report's footnotes
    from asskomm import labels

    assert any(labels.TEILNEHMER_REGEL in c.value for c in karte.caption)


def test_region_and_period_from_url(visitor_apptest):
    at = visitor_apptest(PAGE, query_params={"stichtag": "2022-12-31", "von": "2022-01-01", "region": "PD Görlitz"},
                 timeout=90)
    _no_exception(at)
    assert not at.warning
    assert at.selectbox(key="ber_region").value == "PD Görlitz"
    assert list(_table(at, 0)["Kreis"]) == ["Bautzen", "Görlitz", "Summe PD Görlitz", "Sachsen"]
    assert set(_table(at, 2)["Polizeidirektion"]) == {"PD Görlitz"}
    assert "Änderungen vom 01.01.2022 bis 31.12.2022" in [s.value for s in at.subheader][-2]


def test_bad_url_parameters_give_german_notices(visitor_apptest):
    at = visitor_apptest(PAGE, query_params={"stichtag": "2099-01-01", "region": "Atlantis"}, timeout=90)
    _no_exception(at)
    warnings = " ".join(harness.shown(w.value) for w in at.warning)
    assert "»stichtag=2099-01-01« ignoriert" in warnings
    assert "»region=Atlantis« ignoriert" in warnings and "PD Zwickau" in warnings
    assert f"Stand {dt.date.today():%d.%m.%Y}" in at.title[0].value


def test_pd_filter_on_the_map_page(visitor_apptest):
    at = visitor_apptest("pages/karte.py", query_params={"polizeidirektion": "zwickau"}, timeout=90)
    _no_exception(at)
    assert not at.warning
    assert at.multiselect(key="flt_polizeidirektionen").value == ["zwickau"]
    at.session_state["karte_tabs"] = TABLE_TAB  # the table's tab below the map (closed in the first view)
    at.run()
    table = at.dataframe[0].value
    assert set(table["Polizeidirektion"]) == {"PD Zwickau"}
    assert set(table["Kreis"]) == {"Vogtlandkreis", "Zwickau"}
    at.multiselect(key="flt_polizeidirektionen").set_value(["zwickau", "goerlitz"]).run()
    assert at.query_params["polizeidirektion"] == ["zwickau", "goerlitz"]
    assert set(at.dataframe[0].value["Polizeidirektion"]) == {"PD Zwickau", "PD Görlitz"}


def test_period_bis_from_url_and_its_checks(visitor_apptest):
    at = visitor_apptest(PAGE, query_params={"stichtag": "2022-12-31", "von": "2022-01-01", "bis": "2022-06-30"}, timeout=90)
    _no_exception(at)
    assert not at.warning and not at.error
    assert at.date_input(key="ber_bis").value == dt.date(2022, 6, 30)
    headers = [s.value for s in at.subheader]
    assert "Tabelle 1: Landkreise und Kreisfreie Städte, Stichtag 31.12.2022" in headers
    assert "Tabelle 4: Förderung nach Partner und Jahr, 01.01.2022 bis 30.06.2022" in headers
    assert headers[-2] == "Tabelle 6: Änderungen vom 01.01.2022 bis 30.06.2022"
    assert headers[-1] == "Tabelle 7: Amtliche laufende Nummern und Datenbank, Stichtag 31.12.2022"
    assert any("Zeitraum für Förderung und Änderungen: 01.01.2022 bis 30.06.2022" in c.value for c in at.caption)
    # »bis« after the Stichtag: the report's German message names the field, no tables
    at.date_input(key="ber_bis").set_value(dt.date(2023, 1, 1)).run()
    _no_exception(at)
    assert at.query_params["bis"] == "2023-01-01"  # kept in the URL like »von«
    assert [e.value for e in at.error] == [
        "Das Ende des Zeitraums (»bis«) 01.01.2023 liegt nach dem Stichtag 31.12.2022; »bis« darf höchstens der "
        "Stichtag sein."]
    assert not at.dataframe
    # »bis« before »von«
    at.date_input(key="ber_bis").set_value(dt.date(2021, 12, 31)).run()
    assert "liegt vor seinem Beginn (»von«) 01.01.2022" in at.error[0].value
    # a »bis« outside the programme in the URL is ignored with a notice (as »von«)
    later = visitor_apptest(PAGE, query_params={"stichtag": "2022-12-31", "bis": "2099-01-01"}, timeout=90)
    assert "»bis=2099-01-01« ignoriert" in " ".join(harness.shown(w.value) for w in later.warning)
    assert [s.value for s in later.subheader][-2] == "Tabelle 6: Änderungen vom 06.02.2019 bis 31.12.2022"
