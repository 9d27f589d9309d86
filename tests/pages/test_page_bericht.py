"""The page »Bericht« (AppTest, no browser): tables, Sachsen row = KPIs, URL parameters, bad input."""

from __future__ import annotations

import datetime as dt

PAGE = "pages/bericht.py"


def _no_exception(at):
    assert not at.exception, [e.value for e in at.exception]


def _table(at, n: int):
    return at.dataframe[n].value


def test_default_report(apptest):
    at = apptest(PAGE, timeout=90)
    _no_exception(at)
    assert at.title[0].value.startswith("Bericht für Landtagsanfragen · Stand ")
    assert [s.value for s in at.subheader][:2] == [
        f"Tabelle 1: Landkreise und Kreisfreie Städte, Stichtag {dt.date.today():%d.%m.%Y}",
        f"Tabelle 2: Polizeidirektionen, Stichtag {dt.date.today():%d.%m.%Y}",
    ]
    assert len(at.dataframe) == 6
    kreise = _table(at, 0)
    assert len(kreise) == 14 and kreise.iloc[-1]["Kreis"] == "Sachsen"
    assert kreise.iloc[-1]["Gemeinden"] == "418"
    pds = _table(at, 1)
    assert list(pds["Polizeidirektion"]) == [
        "PD Chemnitz", "PD Dresden", "PD Görlitz", "PD Leipzig", "PD Zwickau", "Sachsen"]
    assert [b.label for b in at.get("download_button")] == ["Als Word-Dokument (DOCX)", "Als Excel-Tabelle (XLSX)"]
