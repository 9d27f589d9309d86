"""Polizeidirektionen: project data with sources, every Gemeinde gets its PD, the PD filter (URL, status,
summary), and the PD column of the map table and the records export."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from records_support import BASE_ROWS, GEMEINDEN, TODAY, gazetteer, make_store

from asskomm import records as rec
from asskomm.analysis import status
from asskomm.analysis.filters import Filters, describe
from asskomm.geo import layers as geo
from asskomm.geo import polizei
from asskomm.ui import views


def test_five_pds_cover_every_kreis_once_with_sources():
    pds = polizei.polizeidirektionen()
    assert [p.name for p in pds.values()] == ["Chemnitz", "Dresden", "Görlitz", "Leipzig", "Zwickau"]
    kreise = [str(k) for k in geo.kreise()["kreis_ags"]]
    covered = [k for p in pds.values() for k in p.kreise]
    assert sorted(covered) == sorted(kreise)  # each Kreis exactly once
    assert set(pds["chemnitz"].kreise) == {"14511", "14521", "14522"}
    assert "https://www.polizei.sachsen.de/de/13059.htm" in pds["chemnitz"].quellen
    assert set(pds["goerlitz"].kreise) == {"14625", "14626"}
    assert set(pds["zwickau"].kreise) == {"14523", "14524"}
    assert all(p.quellen and all(u.startswith("https://") for u in p.quellen) for p in pds.values())
    assert all("SächsPolOrgVO" in p.rechtsgrundlage for p in pds.values())


def test_every_gemeinde_gets_its_pd():
    gemeinden = rec.load_gemeinden()
    pd_of = polizei.pd_of_gemeinden(gemeinden)
    assert len(pd_of) == len(gemeinden) and all(pd_of.values())
    assert pd_of["14626110"] == "goerlitz" and pd_of["14511000"] == "chemnitz"


def test_bad_pd_file_is_refused_with_row_and_column(tmp_path):
    path = tmp_path / "pd.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(polizei.PD_COLUMNS)
        writer.writerow(["14511", "Chemnitz", "Chemnitz", "https://a", "x"])
        writer.writerow(["14511", "Chemnitz", "Dresden", "https://b", "x"])
    with pytest.raises(ValueError, match=r"Zeile 3, Spalte »kreis_ags«: Kreis 14511 kommt doppelt vor"):
        polizei.polizeidirektionen(path)


def test_filter_from_url_and_back():
    filters, notices = Filters.from_query(
        {"polizeidirektion": ["goerlitz", "mars"]}, kreise=["14626"], problemfelder=[], bausteine=[], today=TODAY
    )
    assert filters.polizeidirektionen == ("goerlitz",)
    assert len(notices) == 1 and "»polizeidirektion=mars« ignoriert" in notices[0] and "zwickau" in notices[0]
    assert not filters.is_default
    assert filters.to_query(today=TODAY) == {"polizeidirektion": ["goerlitz"]}
    again, _ = Filters.from_query(filters.to_query(today=TODAY), kreise=[], problemfelder=[], bausteine=[],
                                  today=TODAY)
    assert again == filters
    assert describe(filters) == "PD Görlitz"
    assert Filters(TODAY).scope_kreise() is None
    assert Filters(TODAY, polizeidirektionen=("goerlitz",)).scope_kreise() == {"14625", "14626"}
    assert Filters(TODAY, kreise=("14511",), polizeidirektionen=("goerlitz",)).scope_kreise() == set()


def test_filter_restricts_matching_and_summary(tmp_path):
    store = make_store(tmp_path, BASE_ROWS)
    records = store.load()
    only = Filters(TODAY, polizeidirektionen=("goerlitz",))
    hits = status.matching_ags(records, GEMEINDEN, only, today=TODAY)
    expected = set(GEMEINDEN.loc[GEMEINDEN["kreis_ags"].isin(["14625", "14626"]), "ags"])
    assert hits == expected
    summ = status.summary(records, GEMEINDEN, only, today=TODAY)
    assert set(summ.kreise) == {"14625", "14626"}
    assert summ.land.gemeinden == len(expected)
    # PD and Kreis filter together: both must hold (Chemnitz is not in PD Görlitz)
    none = status.summary(records, GEMEINDEN, Filters(TODAY, kreise=("14511",), polizeidirektionen=("goerlitz",)),
                          today=TODAY)
    assert none.land.gemeinden == 0 and summ.land.vereinbarungen >= 1
    store.dispose()


def test_pd_column_in_map_table_and_records_export(tmp_path):
    store = make_store(tmp_path, BASE_ROWS)
    table = status.status_table(store.load(), GEMEINDEN, TODAY, today=TODAY)
    frame = views.karte_table(table, GEMEINDEN, pd.Series(True, index=table.index))
    assert "Polizeidirektion" in frame.columns
    pd_of = dict(zip(frame["Gemeinde"], frame["Polizeidirektion"], strict=True))
    assert pd_of["Görlitz"] == "PD Görlitz" and pd_of["Leipzig"] == "PD Leipzig"
    assert "Polizeidirektion" in views.csv_bytes(frame).decode("utf-8-sig").splitlines()[0]
    out = tmp_path / "export.csv"
    rec.export(store.load(), out, gazetteer())
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert {r["gemeinde"]: r["polizeidirektion"] for r in rows}["Görlitz"] == "PD Görlitz"
    # the derived column does not disturb a re-import (no warning about an unknown column)
    parsed = rec.parse_file(out, gazetteer(), today=TODAY)
    assert parsed.ok and not any("polizeidirektion" in str(w) for w in parsed.warnings)
    store.dispose()
