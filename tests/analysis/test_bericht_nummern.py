"""Issue 28.3: the report shows every gap the official running numbers reveal (table 7 »Nummern«), for
agreements, councils and advised towns, on the project's seed records and ``data/amtliche_nummern.csv``."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from asskomm import records as rec
from asskomm.analysis import bericht, bericht_model, kpis, status
from asskomm.analysis.filters import Filters
from asskomm.geo import layers as geo
from asskomm.store import database

STICHTAG = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    store = database.Store(database.url_from_setting(str(tmp_path_factory.mktemp("nr") / "nr.db")))
    store.ensure_seeded()
    yield store.load().confirmed_only()
    store.dispose()


def _report(records, region="Sachsen"):
    return bericht.build(records, rec.load_gemeinden(), geo.kreis_display_names(geo.kreise()), STICHTAG,
                         region=region)


def test_the_new_official_numbers_are_in_the_file_with_their_sources():
    numbers = {(n.gemeinde, n.baustein, n.nummer): n for n in bericht_model.amtliche_nummern() if n.ebene == "sachsen"}
    for key in [("Freiberg", "kooperationsvereinbarung", 42), ("Stollberg/Erzgeb.", "kooperationsvereinbarung", 43),
                ("Oelsnitz/Erzgeb.", "kooperationsvereinbarung", 47), ("Ostritz", "kooperationsvereinbarung", 51),
                ("Rothenburg/O.L.", "kpr", 40), ("Arnsdorf", "kpr", 46), ("Seifhennersdorf", "beratung", 100)]:
        assert key in numbers and numbers[key].quelle.startswith("https://"), key
    assert numbers[("Seifhennersdorf", "beratung", 100)].datum == "2021-01-18"


def test_every_number_stands_beside_the_database_count_of_its_day(seeded):
    table = _report(seeded).tabelle("Nummern")
    rows = {(r["gemeinde"], r["was"], r["ebene"]): r for r in table.zeilen}
    stated = [n for n in bericht_model.amtliche_nummern() if rec.period_end(n.datum) <= STICHTAG]
    assert len(table.zeilen) == len(stated)
    for r in table.zeilen:
        assert r["luecke"] == r["amtlich"] - r["datenbank"] and r["quelle"].startswith("http")
    # Rothenburg/O.L., the 40th council on 02.11.2023: the database counts its councils on that day as the KPI
    rothenburg = rows[("Rothenburg/O.L.", "Präventionsrat", "Sachsen")]
    on_the_day = kpis.kpis_from_summary(status.summary(seeded, rec.load_gemeinden(), Filters(dt.date(2023, 11, 2))))
    assert rothenburg["datenbank"] == on_the_day["Präventionsräte"] and rothenburg["luecke"] > 0
    # Arnsdorf's council is held as »08/2025«: counted to the end of that month, so it counts itself
    arnsdorf = rows[("Arnsdorf", "Präventionsrat", "Sachsen")]
    assert arnsdorf["gezaehlt"] == "2025-08-31" and arnsdorf["eintrag"] == "08/2025"
    seifhennersdorf = rows[("Seifhennersdorf", "Beratung", "Sachsen")]
    assert seifhennersdorf["amtlich"] == 100 and seifhennersdorf["eintrag"] == "18.01.2021"
    assert rows[("Leutersdorf", "Vereinbarung", "Sachsen")]["eintrag"] == "fehlt"


def test_the_notes_name_the_gap_of_the_newest_number_per_kind(seeded):
    table = _report(seeded).tabelle("Nummern")
    newest = {r["was"]: r for r in table.zeilen if r["ebene"] == "Sachsen"}  # rows are in date order per kind
    for was, word in (("Präventionsrat", "Präventionsräte"), ("Vereinbarung", "Kooperationsvereinbarungen"),
                      ("Beratung", "beratene Kommunen")):
        r = newest[was]
        note = next(h for h in table.hinweise if h.startswith(f"{r['gemeinde']} ist laut Quelle "))
        assert f"es fehlen ihr mindestens {r['luecke']} {word}" in note
    assert "der 46. Präventionsrat in Sachsen (11.08.2025" in " ".join(table.hinweise)
    assert "älter sind als ASSKomm" in table.regel and "asskomm" not in table.regel.replace("ASSKomm", "")


def test_a_region_shows_only_its_own_numbers_and_the_unconfirmed_close_gaps(seeded, tmp_path):
    goerlitz = _report(seeded, "14626").tabelle("Nummern")
    assert {r["gemeinde"] for r in goerlitz.zeilen} == {"Görlitz", "Leutersdorf", "Ostritz", "Rothenburg/O.L.",
                                                        "Seifhennersdorf"}
    store = database.Store(database.url_from_setting(str(tmp_path / "all.db")))
    store.ensure_seeded()
    with_unconfirmed = {(r["gemeinde"], r["was"]): r for r in _report(store.load()).tabelle("Nummern").zeilen}
    confirmed = {(r["gemeinde"], r["was"]): r for r in _report(seeded).tabelle("Nummern").zeilen}
    key = ("Arnsdorf", "Präventionsrat")
    assert with_unconfirmed[key]["datenbank"] > confirmed[key]["datenbank"]  # Dresden 1996, Chemnitz 1998, …
    store.dispose()


def test_a_bad_baustein_in_the_numbers_file_is_refused_with_file_and_row(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("ags,gemeinde,ebene,baustein,nummer,datum,quelle,aussage,hinweis\n"
                    "14626110,Görlitz,sachsen,rat,30,2023-02-09,https://a.example,30.,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"n\.csv, Zeile 2: Baustein »rat«"):
        bericht_model.amtliche_nummern(path)
    assert dataclasses.fields(bericht_model.AmtlicheNummer)[-1].name == "baustein"
