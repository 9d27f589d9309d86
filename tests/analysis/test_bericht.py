"""The report for the Landtag (asskomm.analysis.bericht): figures equal the KPIs and ``summary``, PDs add up, Verbünde
count once, running numbers beside the official ones, grants, path, changes, bad input."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics

import bericht_support
import pytest
from bericht_support import KREIS_LABELS
from records_support import GEMEINDEN, TODAY, gazetteer, row, write_csv

from asskomm import labels
from asskomm import records as rec
from asskomm.analysis import bericht, status
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.cli import records as records_cli
from asskomm.ui import views

FIGURES = ("gemeinden", "beraten", "vereinbarungen", "mit_vereinbarung", "modellkommunen", "praeventionsraete",
           "sicherheitsanalysen")
db = bericht_support.db  # the fixture: bericht_support.ROWS as the CLI's database
DATES = [PROGRAMME_START, dt.date(2020, 9, 16), dt.date(2021, 12, 31), dt.date(2023, 2, 23), TODAY]


def build(records, stichtag, **kwargs):
    return bericht.build(records, GEMEINDEN, KREIS_LABELS, stichtag, today=TODAY, **kwargs)


def summary_cli(stichtag: dt.date, capsys) -> dict:
    parser = argparse.ArgumentParser()
    records_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["summary", "--stand", stichtag.isoformat(), "--json"])
    assert args.func(args) == 0
    return json.loads(capsys.readouterr().out)["land"]


@pytest.mark.parametrize("stichtag", DATES, ids=[d.isoformat() for d in DATES])
def test_sachsen_row_equals_kpis_and_summary_command(db, capsys, stichtag):
    records = db.load()
    report = build(records, stichtag)
    sachsen = report.tabelle("Kreise").row("Sachsen")
    assert report.tabelle("Kreise").zeilen[-1] is sachsen
    # the dashboard's KPI cards (asskomm.ui.views.kpi_values on asskomm.analysis.status.summary)
    summ = status.summary(records, GEMEINDEN, Filters(stichtag), today=TODAY).to_dict()
    table = status.status_table(records, GEMEINDEN, stichtag, today=TODAY)
    kpis = views.kpi_values(summ, table, table["ags"].notna())
    assert sachsen["beraten"] == kpis["Beratene Kommunen"]
    assert sachsen["vereinbarungen"] == kpis["Kooperationsvereinbarungen"]
    assert sachsen["modellkommunen"] == kpis["Modellkommunen"]
    assert sachsen["praeventionsraete"] == kpis["Präventionsräte"]
    assert sachsen["sicherheitsanalysen"] == kpis["Sicherheitsanalysen"]
    # python -m asskomm summary --stand … --json
    land = summary_cli(stichtag, capsys)
    assert sachsen["gemeinden"] == land["gemeinden"] == len(GEMEINDEN)
    assert sachsen["vereinbarungen"] == land["vereinbarungen"]
    assert sachsen["mit_vereinbarung"] == land["gemeinden_mit_vereinbarung"]
    assert sachsen["praeventionsraete"] == land["praeventionsraete"]
    assert sachsen["sicherheitsanalysen"] == land["sicherheitsanalysen"]
    assert sachsen["modellkommunen"] == land["modellkommunen"]
    assert sachsen["beraten"] == land["status"]["beraten"] + land["status"]["kooperation"]
    # and the Polizeidirektionen table ends with the same Sachsen row
    pd_sachsen = report.tabelle("Polizeidirektionen").zeilen[-1]
    assert pd_sachsen["name"] == "Sachsen"
    assert {k: pd_sachsen[k] for k in FIGURES} == {k: sachsen[k] for k in FIGURES}


def test_programme_start_day(db):
    report = build(db.load(), PROGRAMME_START)
    sachsen = report.tabelle("Kreise").row("Sachsen")
    assert sachsen["vereinbarungen"] == 0 and sachsen["modellkommunen"] == 2  # Görlitz and Leipzig
    assert report.tabelle("Partner").zeilen == ()
    assert "Stichtag 06.02.2019" in report.titel


@pytest.mark.parametrize("stichtag", DATES, ids=[d.isoformat() for d in DATES])
def test_pd_and_kreis_rows_add_up_to_sachsen(db, stichtag):
    report = build(db.load(), stichtag)
    for blatt in ("Polizeidirektionen", "Kreise"):
        table = report.tabelle(blatt)
        parts = [r for r in table.zeilen if r["_art"] == ""]
        sachsen = table.row("Sachsen")
        for key in FIGURES:
            assert sum(r[key] for r in parts) == sachsen[key], (blatt, key)
    assert [r["name"] for r in report.tabelle("Polizeidirektionen").zeilen] == [
        "PD Chemnitz", "PD Dresden", "PD Görlitz", "PD Leipzig", "PD Zwickau", "Sachsen"]
    kreise = report.tabelle("Kreise")
    assert {r["pd"] for r in kreise.zeilen if r["name"] in ("Görlitz", "Bautzen")} == {"PD Görlitz"}


def test_verbund_counts_once_with_members_and_rule_in_kpi_words(db):
    report = build(db.load(), TODAY)
    partner = report.tabelle("Partner")
    silberberg = [r for r in partner.zeilen if r["partner"] == "Städtebund Silberberg"]
    assert len(silberberg) == 1
    assert silberberg[0]["art"] == "Verbund"
    assert silberberg[0]["mitglieder"] == "Aue-Bad Schlema, Schneeberg"
    assert silberberg[0]["pd"] == "PD Chemnitz"
    assert labels.TEILNEHMER_REGEL in partner.regel
    assert labels.TEILNEHMER_REGEL in report.tabelle("Kreise").regel
    # one agreement per partner: the table has as many rows as the KPI counts
    assert len(partner.zeilen) == report.tabelle("Kreise").row("Sachsen")["vereinbarungen"]


def test_verbund_across_two_pds_is_named_under_the_table(tmp_path):
    rows = [row(ags="14521040", baustein="kooperationsvereinbarung", datum="2022-03-01", gruppe="Grenzverbund"),
            row(ags="14523300", baustein="kooperationsvereinbarung", datum="2022-03-01", gruppe="Grenzverbund")]
    parsed = rec.parse_file(write_csv(tmp_path / "x.csv", rows), gazetteer(), today=TODAY)
    assert parsed.ok, parsed.error_report()
    report = build(rec.RecordSet.from_import(parsed), TODAY)
    pds = report.tabelle("Polizeidirektionen")
    assert pds.row("Sachsen")["vereinbarungen"] == 1
    assert pds.row("PD Chemnitz")["vereinbarungen"] == pds.row("PD Zwickau")["vereinbarungen"] == 1
    assert any("mehreren Polizeidirektionen" in h for h in pds.hinweise)


def test_running_numbers_and_official_number_beside(db):
    partner = build(db.load(), TODAY).tabelle("Partner")
    assert [r["nr"] for r in partner.zeilen] == list(range(1, len(partner.zeilen) + 1))
    dates = [rec.period_end(r["datum"]) for r in partner.zeilen]
    assert dates == sorted(dates)
    by_kreis: dict[str, list[int]] = {}
    for r in partner.zeilen:
        by_kreis.setdefault(r["kreis"], []).append(r["nr_kreis"])
    assert all(nrs == list(range(1, len(nrs) + 1)) for nrs in by_kreis.values())
    oelsnitz = next(r for r in partner.zeilen if r["partner"] == "Oelsnitz/Erzgeb.")
    stated = {n.ebene: n.nummer for n in bericht.amtliche_nummern() if n.ags == "14521450"}
    assert oelsnitz["amtlich"] == stated["sachsen"] and oelsnitz["amtlich_kreis"] == stated["kreis"]
    assert any(h.startswith("Oelsnitz/Erzgeb.: laut Quelle die ") and "fehlen" in h for h in partner.hinweise)
    # before the source's date, the official number is not shown
    earlier = build(db.load(), dt.date(2023, 2, 22)).tabelle("Partner")
    assert all(r["amtlich"] is None for r in earlier.zeilen)


def test_official_numbers_are_sourced_project_data():
    items = bericht.amtliche_nummern()
    assert {n.ebene for n in items} == {"sachsen", "kreis"}
    assert all(n.quelle.startswith("https://") and len(n.ags) == 8 and n.nummer > 0 for n in items)
    by_name = {(n.gemeinde, n.ebene): n.nummer for n in items}
    assert by_name[("Leutersdorf", "sachsen")] == 60 and by_name[("Meerane", "sachsen")] == 50


def test_grants_per_partner_and_year_with_kreis_sums(db):
    table = build(db.load(), TODAY).tabelle("Förderung")
    data = [r for r in table.zeilen if r["_art"] == ""]
    assert {(r["partner"], r["jahr"]): r["betrag"] for r in data} == {
        ("Leipzig", 2021): 160000.0, ("Leipzig", 2022): 40000.0, ("Görlitz", 2021): 10000.5}
    assert table.row("Summe Leipzig")["betrag"] == 200000.0
    assert table.row("Summe Görlitz")["betrag"] == 10000.5
    assert table.zeilen[-1]["kreis"] == "Sachsen" and table.zeilen[-1]["betrag"] == 210000.5
    assert any("ohne Betrag" in h and "Weißwasser/O.L." in h for h in table.hinweise)
    # the period decides: from 2022 on only the 2022 grant counts
    later = build(db.load(), TODAY, von=dt.date(2022, 1, 1)).tabelle("Förderung")
    assert later.zeilen[-1]["betrag"] == 40000.0
    assert bericht.zelle(210000.5, "eur") == "210.000,50 €"
    assert bericht.zelle(40000.0, "eur") == "40.000 €"


def test_path_counts_and_median_months(db):
    report = build(db.load(), TODAY)
    steps = {r["schritt"]: r for r in report.tabelle("Weg").zeilen}
    sachsen = report.tabelle("Kreise").row("Sachsen")
    assert steps["Kooperationsvereinbarung"]["n"] == sachsen["vereinbarungen"]
    # the Landkreis Görlitz' own council (2009) counts in the KPI, as the ministry counts older councils, but
    # not on the path: it was founded long before any advice of the programme (issue 28.2)
    assert sachsen["praeventionsraete"] == 3 and steps["Kommunaler Präventionsrat"]["n"] == 2
    # Görlitz: advised 15.01.2020 → agreement 31.07.2020 (month precision); Reichenbach: 01.03.2020 → 16.09.2020
    expected = statistics.median([
        (dt.date(2020, 7, 31) - dt.date(2019, 2, 6)).days / bericht.DAYS_PER_MONTH,  # Görlitz: Modellkommune first
        (dt.date(2020, 9, 16) - dt.date(2020, 3, 1)).days / bericht.DAYS_PER_MONTH,
        0.0, 0.0, 0.0,  # Auerbach, Silberberg, Oelsnitz: the agreement is their first entry
    ])
    assert steps["Kooperationsvereinbarung"]["median"] == pytest.approx(expected)
    assert 0 < steps["Kooperationsvereinbarung"]["anteil"] <= 1


def test_changes_in_period(db):
    table = build(db.load(), dt.date(2022, 12, 31), von=dt.date(2021, 1, 1)).tabelle("Änderungen")
    new_agreements = {r["partner"] for r in table.zeilen if r["art"] == "neue Kooperationsvereinbarung"}
    assert new_agreements == {"Städtebund Silberberg", "Auerbach/Vogtl."}
    assert {r["partner"] for r in table.zeilen if r["art"] == "neue Sicherheitsanalyse"} == {"Görlitz"}
    assert not any(r["art"].startswith("beendet") for r in table.zeilen)
    assert table.hinweise[0].startswith("Im Zeitraum: ")


def test_region_pd_and_kreis(db):
    report = build(db.load(), TODAY, region="PD Görlitz")
    names = [r["name"] for r in report.tabelle("Kreise").zeilen]
    assert names == ["Bautzen", "Görlitz", "Summe PD Görlitz", "Sachsen"]
    assert [r["name"] for r in report.tabelle("Polizeidirektionen").zeilen] == ["PD Görlitz", "Sachsen"]
    assert {r["pd"] for r in report.tabelle("Partner").zeilen} == {"PD Görlitz"}
    kreis = build(db.load(), TODAY, region="14523")
    assert [r["name"] for r in kreis.tabelle("Kreise").zeilen] == ["Vogtlandkreis", "Summe Vogtlandkreis", "Sachsen"]
    assert bericht.parse_region("Polizeidirektion Görlitz", KREIS_LABELS).key == "goerlitz"
    assert bericht.parse_region("landkreis leipzig", KREIS_LABELS).key == "14729"


def test_period_until_bis(db):
    """»bis« ends the period of grants and changes (default: the Stichtag); the tables at the Stichtag stay."""
    stichtag = dt.date(2023, 6, 30)
    whole = build(db.load(), stichtag)
    assert whole.bis == stichtag
    report = build(db.load(), stichtag, von=dt.date(2021, 1, 1), bis=dt.date(2021, 12, 31))
    assert (report.von, report.bis, report.stichtag) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31), stichtag)
    assert "Zeitraum für Förderung und Änderungen: 01.01.2021 bis 31.12.2021" in report.untertitel
    grants = report.tabelle("Förderung")
    assert grants.titel == "Förderung nach Partner und Jahr, 01.01.2021 bis 31.12.2021"
    # Leipzig 2021 (160.000 €) and Görlitz 06/2021 (10.000,50 €) count, Leipzig 01.05.2022 (40.000 €) does not
    assert grants.zeilen[-1]["betrag"] == 170000.5
    assert {(r["partner"], r["jahr"]) for r in grants.zeilen if r["_art"] == ""} == {
        ("Leipzig", 2021), ("Görlitz", 2021)}
    changes = report.tabelle("Änderungen")
    assert changes.titel == "Änderungen vom 01.01.2021 bis 31.12.2021"
    new = {(r["art"], r["partner"]) for r in changes.zeilen}
    assert ("neue Sicherheitsanalyse", "Görlitz") in new  # 09/2021
    assert ("neue Kooperationsvereinbarung", "Städtebund Silberberg") in new  # 17.12.2021
    assert not any(r["partner"] == "Auerbach/Vogtl." for r in changes.zeilen)  # its agreement: 22.07.2022
    assert ("neue Kooperationsvereinbarung", "Auerbach/Vogtl.") in {
        (r["art"], r["partner"]) for r in whole.tabelle("Änderungen").zeilen}
    # what is counted at the Stichtag does not depend on the period
    assert report.tabelle("Kreise").zeilen == whole.tabelle("Kreise").zeilen
    assert report.tabelle("Partner").zeilen == whole.tabelle("Partner").zeilen
    # »bis« = the Stichtag is the default
    same = build(db.load(), stichtag, bis=stichtag)
    assert same.tabelle("Förderung").zeilen == whole.tabelle("Förderung").zeilen


@pytest.mark.parametrize(
    ("stichtag", "von", "bis", "region", "message"),
    [
        (TODAY + dt.timedelta(days=1), None, None, None, "liegt in der Zukunft"),
        (dt.date(2019, 2, 5), None, None, None, "vor dem Start von ASSKomm am 06.02.2019"),
        (dt.date(2022, 1, 1), dt.date(2022, 6, 1), None, None, "nach dem Stichtag 01.01.2022"),
        (dt.date(2022, 1, 1), None, None, "Atlantis",
         "Unbekannte Region »Atlantis«. Gültig sind: Sachsen, 14625 (Bautzen)"),
        (dt.date(2022, 1, 1), None, dt.date(2022, 1, 2), None,
         "Das Ende des Zeitraums (»bis«) 02.01.2022 liegt nach dem Stichtag 01.01.2022; »bis« darf höchstens der "
         "Stichtag sein."),
        (dt.date(2022, 1, 1), dt.date(2021, 6, 1), dt.date(2021, 5, 31), None,
         "Das Ende des Zeitraums (»bis«) 31.05.2021 liegt vor seinem Beginn (»von«) 01.06.2021."),
        (dt.date(2022, 1, 1), None, dt.date(2019, 1, 31), None,
         "Das Ende des Zeitraums (»bis«) 31.01.2019 liegt vor seinem Beginn (»von«) 06.02.2019."),
    ],
)
def test_bad_input_german_message(db, stichtag, von, bis, region, message):
    with pytest.raises(bericht.BerichtInputError) as err:
        build(db.load(), stichtag, von=von, bis=bis, region=region)
    assert message in str(err.value)
    if region:
        assert "PD Zwickau" in str(err.value)


def test_partner_count_below_the_published_total_is_named(db):
    partner = build(db.load(), TODAY).tabelle("Partner")
    from asskomm.analysis import figures

    published = figures.published_for_kpi("Kooperationsvereinbarungen", TODAY)  # as the KPI card
    assert published is not None and published.value > len(partner.zeilen)
    assert partner.hinweise[0].startswith(f"Die Datenbank kennt {len(partner.zeilen)} Partner mit Vereinbarung")
    assert published.source in partner.hinweise[0]
    assert published.source in build(db.load(), TODAY).quellen


def test_published_totals_are_those_beside_the_kpi_cards(db):
    """The notes name ``figures.published_for_kpi``'s figure for the same Stichtag: Saxony's beside the Sachsen row,
    the region's own beside the region's sum (as the map with that filter)."""
    from asskomm.analysis import figures

    kreise = build(db.load(), TODAY, region="14625").tabelle("Kreise")
    sachsen, bautzen = kreise.row("Sachsen"), kreise.row("Summe Bautzen")
    for kpi, rule in figures.KPI_RULES.items():
        title = next(s.titel for s in kreise.spalten if s.key == rule.field)
        for where, figs, region in (("Sachsen", sachsen, ()), ("Bautzen", bautzen, ("14625",))):
            fig = figures.published_for_kpi(kpi, TODAY, region=region)
            notes = [h for h in kreise.hinweise if h.startswith(f"{title}, {where}: ")]
            if fig is None or fig.value <= figs[rule.field]:
                assert notes == [], (kpi, where)
            else:
                assert notes == [
                    f"{title}, {where}: Datenbank {labels.fmt_int(figs[rule.field])}, veröffentlicht "
                    f"{labels.fmt_int(fig.value)} ({fig.label}, {labels.fmt_date(fig.date)}"
                    f"{', ' + fig.qualifier if fig.qualifier else ''}; {fig.kind_label}; Quelle: {fig.source})."
                ], (kpi, where)
    assert any(h.startswith("Vereinbarungen (Partner), Bautzen: Datenbank 0, veröffentlicht 4 (") and
               "für Landkreis Bautzen" in h for h in kreise.hinweise)
