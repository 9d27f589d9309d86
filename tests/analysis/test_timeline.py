"""Growth over time and the »since« view, from hand-made records."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from PIL import Image

from asskomm.analysis import timeline
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.records.model import Milestone, Participant, RecordSet
from asskomm.render import growth_chart


def make_records() -> RecordSet:
    participants = (
        Participant(1, "gemeinde", "14521001", "Gemeinde Eins", "14521001", ("14521001",)),
        Participant(2, "gruppe", "gruppe:vv sued", "Verwaltungsverband Süd", None, ("14626004", "14626005")),
        Participant(3, "landkreis", "14626", "Landkreis Görlitz", "14626", ()),
        Participant(4, "gemeinde", "14521002", "Gemeinde Zwei", "14521002", ("14521002",)),
    )
    milestones = (
        Milestone(1, 1, "modellkommune", "2019-02-06", quelle="https://example.org/start"),
        Milestone(
            2, 1, "kooperationsvereinbarung", "2020-05-14", ("vandalismus",), quelle="https://example.org/1"
        ),
        Milestone(3, 2, "kooperationsvereinbarung", "2021-06", ("drogen",), quelle="https://example.org/2"),
        Milestone(4, 1, "kpr", "2021", ("vandalismus", "jugend"), quelle="https://example.org/3"),
        Milestone(5, 3, "kpr", "2021-03-01", quelle="LPR intern"),
        Milestone(6, 4, "beratung", "", ("laerm",)),  # undated: never »new«, never in a past stand
        Milestone(7, 4, "sonstiges", "2021-12-24", ("laerm",), quelle="https://example.org/4"),
    )
    return RecordSet(participants, milestones)


def test_month_steps_run_from_programme_start_to_the_last_date():
    steps = timeline.month_steps(PROGRAMME_START, dt.date(2019, 5, 10))
    assert steps == [
        dt.date(2019, 2, 6),
        dt.date(2019, 2, 28),
        dt.date(2019, 3, 31),
        dt.date(2019, 4, 30),
        dt.date(2019, 5, 10),
    ]
    assert timeline.month_steps(dt.date(2019, 2, 6), dt.date(2019, 2, 28)) == [
        dt.date(2019, 2, 6),
        dt.date(2019, 2, 28),
    ]


def test_growth_series_uses_the_kpi_code_at_every_step():
    seen: list[Filters] = []

    def fake_summary(records, gemeinden, filters):
        seen.append(filters)
        n = (filters.stand.year - 2019) * 12 + filters.stand.month
        return {
            "land": {
                "status": {"beraten": n, "kooperation": 1},
                "vereinbarungen": n // 2,
                "modellkommunen": 8,
                "praeventionsraete": n // 3,
                "sicherheitsanalysen": n // 4,
            }
        }

    kreis_filter = Filters(stand=dt.date(2020, 1, 15), kreise=("14626",))
    series = timeline.growth_series(
        None, None, end=dt.date(2020, 1, 15), filters=kreis_filter, summary=fake_summary
    )
    assert list(series.columns) == ["stand", *timeline.SERIES]
    assert series["stand"].iloc[0] == PROGRAMME_START and series["stand"].iloc[-1] == dt.date(2020, 1, 15)
    assert len(series) == 13  # start, 11 month ends (Feb–Dec 2019), end
    assert all(f.kreise == ("14626",) for f in seen)  # the filters are kept, only the date moves
    last = series.iloc[-1]
    assert last["Beratene Kommunen"] == 14 and last["Kooperationsvereinbarungen"] == 6


def test_published_points_keep_date_and_source():
    reported = pd.DataFrame(
        {
            "date": ["2020-02-12", "2021-11", "2021", "2022-01-01"],
            "metric": [
                "kommunen_advised",
                "cooperation_agreements",
                "security_analyses_conducted",
                "budget_eur",
            ],
            "value": [64, 29, 12, 1_000_000],
            "source": [
                "https://vhw.de/a",
                "https://asskomm.sachsen.de/b",
                "https://asskomm.sachsen.de/c",
                "x",
            ],
        }
    )
    points = timeline.published_points(reported)
    assert set(points["serie"]) == {"Beratene Kommunen", "Kooperationsvereinbarungen", "Sicherheitsanalysen"}
    row = points[points["serie"] == "Kooperationsvereinbarungen"].iloc[0]
    assert row["stand"] == dt.date(2021, 11, 30) and row["datum"] == "2021-11" and row["wert"] == 29
    assert row["quelle"] == "https://asskomm.sachsen.de/b"
    assert len(timeline.published_points(reported, until=dt.date(2021, 6, 30))) == 1


def test_published_points_carry_their_kind_and_never_another_speakers_figure():
    """Issue 24.6: the growth chart's points say their kind of source; a mayor's figure is no point; an
    »amtliche Zahl« is one."""
    from asskomm.records import OfficialFigure

    reported = pd.DataFrame({
        "date": ["2020-02-12", "2020-12", "2021-11"],
        "metric": ["kommunen_advised", "cooperation_agreements_approx", "cooperation_agreements"],
        "value": [64, 20, 29],
        "source": ["https://vhw.de/a", "https://lvz.de/taucha", "https://asskomm.sachsen.de/b"],
        "source_kind": ["presse", "andere", "smi_lpr"],
    })
    official = [OfficialFigure(1, "vereinbarungen", 63, "2026-11-30", "LPR-Statistik 11/2026")]
    points = timeline.published_points(reported, official=official)
    assert list(zip(points["wert"], points["art"], strict=True)) == [
        (64, "Presse (Angabe des SMI/LPR)"), (29, "SMI/LPR"), (63, "SMI/LPR (amtliche Zahl)")]
    assert points.iloc[-1]["quelle"] == "LPR-Statistik 11/2026" and points.iloc[-1]["stand"] == dt.date(2026, 11, 30)
    # the chart draws the press as a diamond, the ministry's own as a circle
    assert list(growth_chart._is_press(points)) == [True, False, False]


def test_growth_chart_png():
    series = pd.DataFrame({"stand": timeline.month_steps(end=dt.date(2021, 1, 1))})
    for i, label in enumerate(timeline.SERIES):
        series[label] = range(i, i + len(series))
    points = pd.DataFrame(
        {
            "serie": ["Beratene Kommunen"],
            "stand": [dt.date(2020, 2, 29)],
            "wert": [64],
            "datum": ["2020-02"],
            "quelle": ["https://vhw.de/a"],
        }
    )
    img = Image.open(io.BytesIO(growth_chart.render_growth_png(series, points, width_px=1200, height_px=600)))
    assert img.size == (1200, 600)
    assert img.convert("L").getextrema()[0] < 100  # not blank


def test_since_lists_new_agreements_councils_and_focus_areas():
    diff = timeline.since(
        make_records(),
        dt.date(2020, 12, 31),
        dt.date(2021, 12, 31),
        problemfeld_labels={"drogen": "Drogen", "jugend": "Jugend"},
    )
    assert [c.teilnehmer for c in diff.agreements] == ["Verwaltungsverband Süd"]
    assert diff.agreements[0].members == ("14626004", "14626005")
    assert [c.teilnehmer for c in diff.councils] == ["Landkreis Görlitz", "Gemeinde Eins"]
    # »vandalismus« was known for Gemeinde Eins before; »jugend« is new; the undated »laerm« is not new
    assert sorted((c.teilnehmer, c.detail) for c in diff.focus) == [
        ("Gemeinde Eins", "Jugend"),
        ("Verwaltungsverband Süd", "Drogen"),
    ]
    assert diff.highlighted_ags() == {"14521001", "14626004", "14626005"}
    assert diff.summary_text() == (
        "Vom 31.12.2020 bis 31.12.2021: 1 neue Kooperationsvereinbarung, "
        "2 neue Präventionsräte, 2 neue Problemfelder."
    )
    table = diff.table()
    assert list(table.columns) == ["Art", "Datum", "Teilnehmer", "Problemfeld", "Quelle"]
    assert table.iloc[0]["Datum"] == "2021"  # newest first (counts from 31.12.2021)
    # precision: »2021-06« is not new before 30.06.2021
    early = timeline.since(make_records(), dt.date(2021, 1, 1), dt.date(2021, 6, 29))
    assert early.agreements == () and [c.teilnehmer for c in early.councils] == ["Landkreis Görlitz"]
    # restricted to the filter's Gemeinden
    only = timeline.since(make_records(), dt.date(2020, 12, 31), dt.date(2021, 12, 31), only_ags={"14521001"})
    assert only.agreements == () and [c.teilnehmer for c in only.councils] == ["Gemeinde Eins"]
    # dates given the wrong way round are swapped, not an empty answer
    assert timeline.since(make_records(), dt.date(2021, 12, 31), dt.date(2020, 12, 31)).agreements


def test_recent_milestones_newest_first_without_undated_or_future():
    labels = {
        "kpr": "Kommunaler Präventionsrat",
        "kooperationsvereinbarung": "Kooperationsvereinbarung",
        "modellkommune": "Modellkommune",
    }
    got = timeline.recent_milestones(
        make_records(), Filters(stand=dt.date(2021, 7, 1)), limit=3, baustein_labels=labels
    )
    assert [(m.date, m.name, m.baustein) for m in got] == [
        ("2021-06", "Verwaltungsverband Süd", "Kooperationsvereinbarung"),
        ("2021-03-01", "Landkreis Görlitz", "Kommunaler Präventionsrat"),
        ("2020-05-14", "Gemeinde Eins", "Kooperationsvereinbarung"),
    ]
    filtered = timeline.recent_milestones(
        make_records(),
        Filters(stand=dt.date(2022, 1, 1), kreise=("14626",)),
        only_ags={"14626004", "14626005"},
        baustein_labels=labels,
    )
    assert [m.name for m in filtered] == ["Verwaltungsverband Süd", "Landkreis Görlitz"]


MEETING_APP = """
import datetime as dt
import streamlit as st
from asskomm.analysis.filters import Filters
from asskomm.ui import neu_seit, player, takeaways
f = Filters(stand=dt.date(2023, 12, 31), kreise=("14626",))
stand = player.stand_player(f.stand)
st.write("STAND " + stand.isoformat())
takeaways.downloads(f)
neu_seit.since_view(f)
"""


def test_meeting_widgets_play_pause_and_scrub(tmp_path, monkeypatch):
    """The page's one-call widgets (AppTest on the seed records in a fresh database)."""
    import time

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ASSKOMM_DB", str(tmp_path / "asskomm.db"))
    at = AppTest.from_string(MEETING_APP, default_timeout=60).run()
    assert not at.exception

    def stand() -> str:
        return next(str(m.value) for m in at.markdown if str(m.value).startswith("STAND"))

    assert stand() == "STAND 2023-12-31"
    labels = [w.proto.label for w in at.get("download_button")]
    assert "Kurzinformation (PDF, 1 Seite)" in labels and "Offline-Karte (HTML)" in labels
    assert "Kurzinformation mit Kreisseiten (PDF)" in labels
    at.button[0].click().run()  # Abspielen
    assert at.session_state["stand_player_playing"]
    time.sleep(1.3)
    at.run()
    assert stand() == "STAND 2024-01-31"
    at.button[0].click().run()  # Pause
    assert not at.session_state["stand_player_playing"]
    at.select_slider[0].set_value(0).run()
    assert stand() == "STAND 2019-02-06"
