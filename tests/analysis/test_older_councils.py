"""Issue 28.2: councils older than ASSKomm (Dresden 1996, Chemnitz 1998, …) are real councils that the ministry
counts, but no success of the programme. One test per rule, on a small hand-made record set."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
from records_support import GEMEINDEN, TODAY, parse, row, write_csv

from asskomm import records as rec
from asskomm.analysis import bericht, kpis, status, timeline
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.render import mapstatus, maptext
from asskomm.ui import kommune

CHEMNITZ, GOERLITZ, LEIPZIG, MARKKLEEBERG = "14511000", "14626110", "14713000", "14729260"
KREIS_LABELS = {"14511": "Chemnitz", "14521": "Erzgebirgskreis", "14523": "Vogtlandkreis", "14625": "Bautzen",
                "14626": "Görlitz", "14713": "Leipzig", "14729": "Landkreis Leipzig"}


def _records(tmp_path) -> rec.RecordSet:
    rows = [
        # Chemnitz: a model municipality whose council dates from 1998
        row(ags=CHEMNITZ, baustein="modellkommune", datum="2019-02-06"),
        row(ags=CHEMNITZ, baustein="kpr", datum="1998-02-04"),
        # Markkleeberg: only a council of 2017 (like Riesa): a council, but not »beraten« by the programme
        row(ags=MARKKLEEBERG, baustein="kpr", datum="2017"),
        # Görlitz: advised 2020, agreement 2020, council founded 2021 (a success of the programme)
        row(ags=GOERLITZ, baustein="beratung", datum="2020-01-15"),
        row(ags=GOERLITZ, baustein="kooperationsvereinbarung", datum="2020-07"),
        row(ags=GOERLITZ, baustein="kpr", datum="2021-03-01"),
        # Leipzig: a council of 2004, advised in 2020, agreement 2021
        row(ags=LEIPZIG, baustein="kpr", datum="2004"),
        row(ags=LEIPZIG, baustein="beratung", datum="2020-06-01"),
        row(ags=LEIPZIG, baustein="kooperationsvereinbarung", datum="2021-06-01"),
    ]
    parsed = parse(write_csv(tmp_path / "older.csv", rows))
    assert parsed.ok, parsed.error_report()
    return rec.RecordSet.from_import(parsed)


def _status(records, stand):
    return status.status_table(records, GEMEINDEN, stand, today=TODAY).set_index("ags")


def test_the_rule_and_its_label():
    assert rec.older_council("kpr", "1996-06-28") and rec.older_council("kpr", "2018-11")
    assert not rec.older_council("kpr", "2019-02-06") and not rec.older_council("kpr", "")
    assert not rec.older_council("beratung", "2018-04")  # only councils may be older than the programme
    assert rec.council_label("1996-06-28") == "Präventionsrat (seit 1996, vor ASSKomm)"
    assert rec.council_label("2019-09-18") == rec.council_label("") == "Kommunaler Präventionsrat"


def test_an_older_council_exists_at_every_stand_after_its_founding(tmp_path):
    records = _records(tmp_path)
    start = _status(records, PROGRAMME_START)
    assert start.loc[CHEMNITZ, "kpr"] and start.loc[MARKKLEEBERG, "kpr"] and start.loc[LEIPZIG, "kpr"]
    assert start.loc[CHEMNITZ, "kpr_seit"] == "1998-02-04"
    assert not _status(records, dt.date(1998, 2, 3)).loc[CHEMNITZ, "kpr"]  # not before its founding
    land = status.summary(records, GEMEINDEN, Filters(PROGRAMME_START), today=TODAY).land
    assert (land.praeventionsraete, land.praeventionsraete_vor_asskomm) == (3, 3)
    land = status.summary(records, GEMEINDEN, Filters(TODAY), today=TODAY).land
    assert (land.praeventionsraete, land.praeventionsraete_vor_asskomm) == (4, 3)


def test_an_older_council_raises_no_status(tmp_path):
    records = _records(tmp_path)
    today = _status(records, TODAY)
    assert today.loc[MARKKLEEBERG, "status"] == "nicht_beteiligt" and today.loc[MARKKLEEBERG, "kpr"]
    assert today.loc[LEIPZIG, "status_seit"] == "2021-06-01"  # from the agreement, not from 2004
    assert _status(records, dt.date(2020, 1, 1)).loc[LEIPZIG, "status"] == "nicht_beteiligt"
    cards = kpis.kpis_from_summary(status.summary(records, GEMEINDEN, Filters(TODAY), today=TODAY))
    assert cards["Beratene Kommunen"] == 3 and cards["Präventionsräte"] == 4  # Markkleeberg: a council only


def test_an_older_council_is_shown_as_such(tmp_path):
    records = _records(tmp_path)
    table = status.status_table(records, GEMEINDEN, TODAY, today=TODAY)
    row_of = table.set_index("ags", drop=False).loc
    label = "Präventionsrat (seit 1998, vor ASSKomm)"
    assert label in kommune.flags(row_of[CHEMNITZ].to_dict())
    assert "Kommunaler Präventionsrat" in kommune.flags(row_of[GOERLITZ].to_dict())
    chemnitz = [p for p in records.participants if p.ags == CHEMNITZ]
    rows = kommune.timeline(records, chemnitz, TODAY, today=TODAY)
    assert [r.baustein for r in rows] == [label, "Modellkommune"]
    assert label in maptext.tooltip_body(row_of[CHEMNITZ].to_dict(), {})
    assert "vor ASSKomm" not in maptext.tooltip_body(row_of[GOERLITZ].to_dict(), {})
    state = mapstatus.map_state(table, pd.Series(True, index=table.index), markers=("kpr",))
    markers = {ags: text for ags, kind, text in state["markers"]}
    assert markers[CHEMNITZ] == label and markers[GOERLITZ] == "Kommunaler Präventionsrat"
    assert MARKKLEEBERG in state["t"]  # a Gemeinde with only an older council still says so in its tooltip


def test_the_kpi_help_says_the_count_includes_older_councils():
    assert "älter sind als ASSKomm" in kpis.KPI_HELP["Präventionsräte"]
    from asskomm.analysis import figures

    assert "älter sind als ASSKomm" in figures.KPI_RULES["Präventionsräte"].rule


def test_neu_seit_never_presents_an_older_council_as_new(tmp_path):
    records = _records(tmp_path)
    diff = timeline.since(records, dt.date(1990, 1, 1), TODAY, problemfeld_labels={})
    assert [c.teilnehmer for c in diff.councils] == ["Görlitz"]
    assert not {CHEMNITZ, LEIPZIG, MARKKLEEBERG} & {a for ch in diff.councils for a in ch.members}
    assert "1998-02-04" not in diff.table()["Datum"].tolist() and "04.02.1998" not in diff.table()["Datum"].tolist()


def test_the_zeitraffer_starts_with_the_older_councils_and_grows_only_by_new_ones(tmp_path):
    records = _records(tmp_path)
    series = timeline.growth_series(records, GEMEINDEN, end=TODAY,
                                    summary=lambda r, g, f: status.summary(r, g, f, today=TODAY))
    councils = series["Präventionsräte"].tolist()
    assert councils[0] == 3  # at 06.02.2019, the first frame: they exist, they are no step of the programme
    steps = [b - a for a, b in itertools.pairwise(councils) if b != a]
    assert steps == [1]  # the only increase: Görlitz, 03/2021
    increase = series.loc[series["Präventionsräte"].diff() > 0, "stand"].iloc[0]
    assert increase == dt.date(2021, 3, 31)


def test_the_report_path_uses_only_councils_founded_after_the_first_advice(tmp_path):
    records = _records(tmp_path)
    report = bericht.build(records, GEMEINDEN, KREIS_LABELS, TODAY, today=TODAY)
    steps = {r["schritt"]: r for r in report.tabelle("Weg").zeilen}
    assert steps["Kommunaler Präventionsrat"]["n"] == 1  # Görlitz only; Chemnitz, Leipzig, Markkleeberg: older
    assert steps["beraten (erster Eintrag)"]["n"] == 3  # Markkleeberg has no step of the programme
    # Görlitz: agreement 07/2020 → council 01.03.2021; Leipzig's 2004 council gives no negative months
    assert steps["Kommunaler Präventionsrat"]["paare"] == 1 and steps["Kommunaler Präventionsrat"]["median"] > 0
    assert "älter" in report.tabelle("Weg").regel
    assert report.tabelle("Kreise").row("Sachsen")["praeventionsraete"] == 4  # as the KPI
    changes = bericht.build(records, GEMEINDEN, KREIS_LABELS, TODAY, today=TODAY).tabelle("Änderungen")
    assert {r["partner"] for r in changes.zeilen if r["art"] == "neuer Präventionsrat"} == {"Görlitz"}
