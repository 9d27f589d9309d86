import csv
import datetime as dt

import pandas as pd
import pytest
from records_support import GEMEINDEN, TODAY, URL, gazetteer, parse, row, write_csv

from asskomm import records as rec
from asskomm.analysis.filters import Filters
from asskomm.analysis.status import matching_ags, status_table, summary
from asskomm.labels import STATUS_ORDER
from asskomm.paths import DATA_DIR


def records_from(tmp_path, rows):
    parsed = parse(write_csv(tmp_path / "r.csv", rows))
    assert parsed.ok, parsed.error_report()
    return rec.RecordSet.from_import(parsed)


def at(table, ags):
    return table.set_index("ags").loc[ags]


def test_columns_and_all_gemeinden(tmp_path):
    table = status_table(records_from(tmp_path, [row(ags="14626110", baustein="beratung", datum="2020")]),
                         GEMEINDEN, TODAY, today=TODAY)
    assert list(table.columns) == ["ags", "status", "status_seit", "modellkommune", "kpr", "sicherheitsanalyse",
                                   "coaching", "foerderung", "koordinierungsstelle", "kpr_seit", "problemfelder",
                                   "teilnehmer"]
    assert list(table["ags"]) == list(GEMEINDEN["ags"])
    assert set(table["status"]) <= set(STATUS_ORDER)
    assert table["kpr"].dtype == bool


def test_agreement_counts_from_its_day(tmp_path):
    rs = records_from(tmp_path, [row(ags="14521035", baustein="kooperationsvereinbarung", datum="2021-12-17")])
    assert at(status_table(rs, GEMEINDEN, dt.date(2021, 11, 30), today=TODAY), "14521035").status == "nicht_beteiligt"
    assert at(status_table(rs, GEMEINDEN, dt.date(2021, 12, 16), today=TODAY), "14521035").status == "nicht_beteiligt"
    got = at(status_table(rs, GEMEINDEN, dt.date(2021, 12, 17), today=TODAY), "14521035")
    assert got.status == "kooperation" and got.status_seit == "2021-12-17"


def test_year_and_month_count_from_end_of_period(tmp_path):
    rs = records_from(tmp_path, [row(ags="14626110", baustein="kpr", datum="2021"),
                                 row(ags="14626600", baustein="kooperationsvereinbarung", datum="2021-06")])
    t = status_table(rs, GEMEINDEN, dt.date(2021, 12, 30), today=TODAY)
    assert not at(t, "14626110").kpr and at(t, "14626110").status == "nicht_beteiligt"
    assert at(t, "14626600").status_seit == "2021-06"
    assert at(status_table(rs, GEMEINDEN, dt.date(2021, 6, 29), today=TODAY), "14626600").status == "nicht_beteiligt"
    t = status_table(rs, GEMEINDEN, dt.date(2021, 12, 31), today=TODAY)
    assert at(t, "14626110").kpr and at(t, "14626110").status == "beraten" and at(t, "14626110").status_seit == "2021"


def test_undated_counts_only_today(tmp_path):
    rs = records_from(tmp_path, [row(ags="14521040", baustein="kooperationsvereinbarung", datum="")])
    assert at(status_table(rs, GEMEINDEN, TODAY, today=TODAY), "14521040").status == "kooperation"
    assert at(status_table(rs, GEMEINDEN, TODAY, today=TODAY), "14521040").status_seit == ""
    past = TODAY - dt.timedelta(days=1)
    assert at(status_table(rs, GEMEINDEN, past, today=TODAY), "14521040").status == "nicht_beteiligt"


def test_highest_stage_and_sonstiges_never_changes_status(tmp_path):
    rs = records_from(tmp_path, [
        row(ags="14626110", baustein="beratung", datum="2019-05"),
        row(ags="14626110", baustein="kooperationsvereinbarung", datum="2020-07"),
        row(ags="14626110", baustein="coaching", datum="2022-01-10"),
        row(ags="14523340", baustein="sonstiges", datum="2021-09-08", problemfelder="Senioren"),
    ])
    t = status_table(rs, GEMEINDEN, TODAY, today=TODAY)
    assert at(t, "14626110").status == "kooperation" and at(t, "14626110").status_seit == "2020-07"
    assert at(t, "14626110").coaching
    s = at(t, "14523340")
    assert s.status == "nicht_beteiligt" and s.problemfelder == ("senioren",) and s.teilnehmer == ("Reichenbach im Vogtland",)


def test_groups_colour_members_landkreis_does_not(tmp_path):
    rs = records_from(tmp_path, [
        row(ags="14521035", baustein="kooperationsvereinbarung", datum="2021-12-17", gruppe="Städtebund Silberberg",
            problemfelder="Vandalismus"),
        row(ags="14521530", baustein="kooperationsvereinbarung", datum="2021-12-17", gruppe="Städtebund Silberberg",
            problemfelder="Vandalismus"),
        row(ags="14626", baustein="kpr", datum="2009-10-07"),
    ])
    t = status_table(rs, GEMEINDEN, TODAY, today=TODAY)
    for ags in ("14521035", "14521530"):
        assert at(t, ags).status == "kooperation"
        assert at(t, ags).teilnehmer == ("Städtebund Silberberg",)
        assert at(t, ags).problemfelder == ("vandalismus",)
    assert not t[t["ags"].str.startswith("14626")]["kpr"].any()
    assert set(t[t["ags"].str.startswith("14626")]["status"]) == {"nicht_beteiligt"}
    s = summary(rs, GEMEINDEN, Filters(stand=TODAY), today=TODAY)
    assert s.land.vereinbarungen == 1  # a group is one agreement
    assert s.land.gemeinden_mit_vereinbarung == 2
    assert s.land.praeventionsraete == 1  # the Landkreis-level council counts as a participant
    assert s.kreise["14626"].praeventionsraete == 1 and s.kreise["14521"].vereinbarungen == 1


def test_summary_shares_and_filters(tmp_path):
    rs = records_from(tmp_path, [
        row(ags="14626110", baustein="kooperationsvereinbarung", datum="2020-07", problemfelder="drogenmissbrauch"),
        row(ags="14626600", baustein="beratung", datum="2021"),
        row(ags="14713000", baustein="modellkommune", datum="2019-02-06"),
        row(ags="14713000", baustein="sicherheitsanalyse", datum="2021"),
    ])
    s = summary(rs, GEMEINDEN, Filters(stand=TODAY), today=TODAY)
    assert s.land.gemeinden == len(GEMEINDEN) == s.land.treffer
    assert s.land.status == {"nicht_beteiligt": 11, "beraten": 2, "kooperation": 1}
    assert s.land.modellkommunen == 1 and s.land.sicherheitsanalysen == 1
    assert s.land.anteil_gemeinden == pytest.approx(1 / 14)
    assert s.land.anteil_flaeche == pytest.approx(67 / GEMEINDEN["flaeche_km2"].sum())
    assert s.kreise["14626"].anteil_gemeinden == pytest.approx(1 / 3)
    assert s.to_dict()["kreise"]["14626"]["name"] == "Görlitz"

    f = Filters(stand=TODAY, kreise=("14626",))
    assert matching_ags(rs, GEMEINDEN, f, today=TODAY) == {"14626110", "14626450", "14626600"}
    s = summary(rs, GEMEINDEN, f, today=TODAY)
    assert list(s.kreise) == ["14626"] and s.land.gemeinden == 3
    f = Filters(stand=TODAY, problemfelder=("drogenmissbrauch", "jugend"))
    assert matching_ags(rs, GEMEINDEN, f, today=TODAY) == {"14626110"}
    f = Filters(stand=TODAY, baustein="beratung")
    assert matching_ags(rs, GEMEINDEN, f, today=TODAY) == {"14626600"}
    s = summary(rs, GEMEINDEN, f, today=TODAY)
    assert s.land.treffer == 1 and s.land.bausteine["beratung"] == 1 and s.land.vereinbarungen == 0
    f = Filters(stand=dt.date(2020, 12, 31), baustein="beratung")
    assert matching_ags(rs, GEMEINDEN, f, today=TODAY) == frozenset()


def test_seed_file_is_valid_and_sourced(tmp_path):
    """The committed seed parses against a gazetteer built from its own rows; every row has a source."""
    with (DATA_DIR / "seed_records.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 100
    assert all(r["quelle"].startswith("http") for r in rows)
    gem = {(r["ags"], r["gemeinde"], r["kreis"]) for r in rows if len(r["ags"]) == 8}
    kreise = {r["ags"]: r["kreis"] for r in rows if len(r["ags"]) == 5}
    gdf = pd.DataFrame(
        [(a, n, a[:5], "Stadt " + k if k.startswith("kreisfreie") else k, 1.0) for a, n, k in gem]
        + [(k + "999", "Platzhalter " + k, k, n, 1.0) for k, n in kreise.items()],
        columns=["ags", "name", "kreis_ags", "kreis_name", "flaeche_km2"],
    ).drop_duplicates("ags")
    parsed = rec.parse_file(DATA_DIR / "seed_records.csv", rec.Gazetteer(gdf), today=dt.date(2026, 1, 1))
    assert parsed.ok, parsed.error_report()
    rs = rec.RecordSet.from_import(parsed)
    groups = {p.name: p.members for p in rs.participants if p.kind == "gruppe"}
    assert len(groups["Städtebund Silberberg"]) == 4 and len(groups["Verwaltungsgemeinschaft Olbersdorf"]) == 4
    assert {p.name for p in rs.participants if p.kind == "landkreis"} == {
        "Landkreis Görlitz (Kreisebene)", "Landkreis Leipzig (Kreisebene)"}
    s = summary(rs, gdf, Filters(stand=dt.date(2019, 2, 6)), today=dt.date(2026, 1, 1))
    assert s.land.modellkommunen == 8 and s.land.vereinbarungen == 0
    # never more agreements than published (29 in 11/2021, 42 on 28.11.2022, the 47th on 23.02.2023)
    for stand, published in [(dt.date(2021, 11, 30), 29), (dt.date(2022, 11, 28), 42), (dt.date(2023, 2, 23), 47)]:
        assert summary(rs, gdf, Filters(stand=stand), today=dt.date(2026, 1, 1)).land.vereinbarungen <= published


def test_url_kept_in_group_rows(tmp_path):
    rs = records_from(tmp_path, [row(ags="14521035", baustein="sicherheitsanalyse", datum="2022", gruppe="G")])
    assert rs.milestones[0].quelle == URL and gazetteer().names["14521035"] == "Aue-Bad Schlema"
