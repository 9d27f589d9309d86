"""Coverage: shares of Gemeinden, area and population counted against the filtered region (hand-computed)."""

import datetime as dt

import pandas as pd
from records_support import GEMEINDEN, TODAY, parse, row, write_csv

from asskomm import records as rec
from asskomm.analysis import coverage
from asskomm.analysis.filters import Filters
from asskomm.analysis.region import kreis_region_names, region_ags, region_label
from asskomm.analysis.status import status_table
from asskomm.records.einwohner import Population

# Görlitz 14626 has three Gemeinden in the fixture: Görlitz (67 km², 56.000), Reichenbach/O.L. (50, 4.000),
# Weißwasser/O.L. (63, 15.000).
POP = Population(dict.fromkeys(GEMEINDEN["ags"], 1000) | {"14626110": 56_000, "14626450": 4_000, "14626600": 15_000},
                 dt.date(2018, 12, 31), "Test")


def records(tmp_path):
    parsed = parse(write_csv(tmp_path / "r.csv", [
        row(ags="14626110", baustein="kooperationsvereinbarung", datum="2020-07-01", problemfelder="vandalismus"),
        row(ags="14626600", baustein="beratung", datum="2022-05"),
        row(ags="14713000", baustein="kooperationsvereinbarung", datum="2021"),
    ]))
    assert parsed.ok, parsed.error_report()
    return rec.RecordSet.from_import(parsed)


def test_shares_count_against_the_filtered_kreis(tmp_path):
    table = status_table(records(tmp_path), GEMEINDEN, TODAY, today=TODAY)
    f = Filters(TODAY, kreise=("14626",))
    region = region_ags(GEMEINDEN, f, POP)
    assert region == ["14626110", "14626450", "14626600"]
    names = kreis_region_names(pd.DataFrame({"kreis_ags": ["14626", "14521", "14713"],
                                             "name": ["Görlitz", "Erzgebirgskreis", "Leipzig"],
                                             "typ": ["Landkreis", "Landkreis", "Kreisfreie Stadt"]}))
    assert names == {"14626": "im Landkreis Görlitz", "14521": "im Erzgebirgskreis", "14713": "in der Stadt Leipzig"}
    cov = coverage.coverage(table, GEMEINDEN, region, POP, region_name=region_label(f, names))
    assert (cov.beteiligt.n, cov.beteiligt.n_total) == (2, 3)
    assert cov.beteiligt.p_area == (67 + 63) / (67 + 50 + 63)
    assert cov.beteiligt.p_population == (56_000 + 15_000) / 75_000
    assert (cov.kooperation.n, cov.kooperation.population) == (1, 56_000)
    line = coverage.coverage_line(cov)
    assert "2 von 3 Gemeinden im Landkreis Görlitz (66,7 %)" in line
    assert "94,7 % der Einwohner" in line  # 71.000 / 75.000


def test_statewide_and_at_an_earlier_stand(tmp_path):
    rs = records(tmp_path)
    early = status_table(rs, GEMEINDEN, dt.date(2021, 6, 30), today=TODAY)
    region = region_ags(GEMEINDEN, Filters(TODAY), POP)
    cov = coverage.coverage(early, GEMEINDEN, region, POP)
    assert (cov.beteiligt.n, cov.beteiligt.n_total) == (1, len(GEMEINDEN))  # Leipzig's 2021 counts from 31.12.
    assert cov.beteiligt.population == 56_000
    assert cov.beteiligt.population_total == POP.total


def test_size_class_and_an_extra_region_narrow_the_whole(tmp_path):
    f = Filters(TODAY, kreise=("14626",), groesse="10000_20000")
    assert region_ags(GEMEINDEN, f, POP) == ["14626600"]
    assert region_label(f, {"14626": "im Landkreis Görlitz"}) == (
        "im Landkreis Görlitz mit 10.000 bis unter 20.000 Einwohnern")
    # any other region plugs in as a set of Gemeinden
    some = {"14626110", "14626450"}
    assert region_ags(GEMEINDEN, Filters(TODAY), POP, extra=[some]) == ["14626110", "14626450"]


def test_a_polizeidirektion_is_a_region(tmp_path):
    """PD Görlitz covers the Landkreise Bautzen and Görlitz: the shares count against their Gemeinden."""
    f = Filters(TODAY, polizeidirektionen=("goerlitz",))
    region = region_ags(GEMEINDEN, f, POP)
    assert region == ["14625020", "14626110", "14626450", "14626600"]
    assert region_label(f, pd_labels={"goerlitz": "PD Görlitz"}) == "im Bereich der PD Görlitz"
    table = status_table(records(tmp_path), GEMEINDEN, TODAY, today=TODAY)
    cov = coverage.coverage(table, GEMEINDEN, region, POP, region_name="im Bereich der PD Görlitz")
    assert (cov.beteiligt.n, cov.beteiligt.n_total) == (2, 4)
    assert "2 von 4 Gemeinden im Bereich der PD Görlitz (50,0 %)" in coverage.coverage_line(cov)


def test_problemfeld_filter_narrows_only_the_reached(tmp_path):
    table = status_table(records(tmp_path), GEMEINDEN, TODAY, today=TODAY)
    region = region_ags(GEMEINDEN, Filters(TODAY, kreise=("14626",)), POP)
    cov = coverage.coverage(table, GEMEINDEN, region, POP, reached={"14626110"})
    assert (cov.beteiligt.n, cov.beteiligt.n_total) == (1, 3)


def test_series_and_by_kreis(tmp_path):
    rs = records(tmp_path)
    frame = coverage.series(rs, GEMEINDEN, list(GEMEINDEN["ags"]), POP,
                            [dt.date(2020, 6, 30), dt.date(2021, 12, 31)], today=TODAY)
    assert list(frame["Gemeinden beteiligt"]) == [0.0, round(200 / len(GEMEINDEN), 2)]
    kreise = coverage.by_kreis(status_table(rs, GEMEINDEN, TODAY, today=TODAY), GEMEINDEN, POP)
    assert kreise["14626"].beteiligt.n == 2 and kreise["14713"].kooperation.p_n == 1.0


def test_filters_keep_size_class_and_unconfirmed_toggle_in_the_url():
    f = Filters(TODAY, groesse="unter_2000", unbestaetigt=True)
    query = f.to_query(today=TODAY)
    assert query == {"groesse": "unter_2000", "unbestaetigt": "1"}
    back, notices = Filters.from_query(query, kreise=[], problemfelder=[], bausteine=[], today=TODAY)
    assert back == f and not notices
    _, notices = Filters.from_query({"groesse": "riesig"}, kreise=[], problemfelder=[], bausteine=[], today=TODAY)
    assert "groesse=riesig" in notices[0]
