"""asskomm.analysis.kreise: one row per Kreis, German table and download, choropleth classes and pictures."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest

from asskomm.analysis import kreise as kreisview
from asskomm.geo import layers as geo
from asskomm.records.model import Milestone, Participant, RecordSet
from asskomm.render import kreis_maps
from asskomm.ui import views

TODAY = dt.date(2024, 6, 30)
URL = "https://example.org/quelle"

GEMEINDEN = pd.DataFrame(
    [
        ("14521035", "Aue-Bad Schlema", "14521", "Erzgebirgskreis", 80.0),
        ("14521530", "Schneeberg", "14521", "Erzgebirgskreis", 20.0),
        ("14521450", "Oelsnitz/Erzgeb.", "14521", "Erzgebirgskreis", 50.0),
        ("14521040", "Auerbach", "14521", "Erzgebirgskreis", 50.0),
        ("14626110", "Görlitz", "14626", "Görlitz", 70.0),
        ("14626600", "Weißwasser/O.L.", "14626", "Görlitz", 30.0),
        ("14713000", "Leipzig", "14713", "Leipzig", 300.0),
        ("14729260", "Markkleeberg", "14729", "Leipzig", 30.0),
    ],
    columns=["ags", "name", "kreis_ags", "kreis_name", "flaeche_km2"],
)
KREISE = pd.DataFrame(
    [
        ("14521", "Erzgebirgskreis", "Landkreis", 200.0),
        ("14626", "Görlitz", "Landkreis", 100.0),
        ("14713", "Leipzig", "Kreisfreie Stadt", 300.0),
        ("14729", "Leipzig", "Landkreis", 30.0),
    ],
    columns=["kreis_ags", "name", "typ", "flaeche_km2"],
)


def _records() -> RecordSet:
    parts = (
        # A Städtebund of two Gemeinden: one agreement, two Gemeinden with agreement.
        Participant(
            1, "gruppe", "gruppe:silberberg", "Städtebund Silberberg", None, ("14521035", "14521530")
        ),
        Participant(2, "gemeinde", "14521450", "Oelsnitz/Erzgeb.", "14521450", ("14521450",)),
        Participant(3, "gemeinde", "14626110", "Görlitz", "14626110", ("14626110",)),
        # A Landkreis-level Präventionsrat: colours no Gemeinde, counts in its Kreis.
        Participant(4, "landkreis", "14626", "Landkreis Görlitz", "14626", ()),
        Participant(5, "gemeinde", "14713000", "Leipzig", "14713000", ("14713000",)),
    )
    ms = (
        Milestone(1, 1, "kooperationsvereinbarung", "2021-06-25", ("vandalismus",), quelle=URL),
        Milestone(2, 2, "beratung", "2021", ("vandalismus", "jugend"), quelle=URL),
        Milestone(3, 2, "kooperationsvereinbarung", "2023-02-23", quelle=URL),
        Milestone(4, 3, "modellkommune", "2019-02-06", ("drogenmissbrauch",), quelle=URL),
        Milestone(5, 3, "kooperationsvereinbarung", "2022-03", quelle=URL),
        Milestone(6, 4, "kpr", "2022-05-01", ("senioren",), quelle=URL),
        Milestone(7, 5, "modellkommune", "2019-02-06", quelle=URL),
    )
    return RecordSet(parts, ms)


def _table(stand: dt.date) -> pd.DataFrame:
    return kreisview.kreis_table(_records(), GEMEINDEN, KREISE, stand, today=TODAY).set_index("kreis_ags")


def test_one_row_per_kreis_with_counts_and_shares():
    t = _table(TODAY)
    assert list(t.index) == ["14521", "14626", "14713", "14729"]
    erz = t.loc["14521"]
    assert erz["gemeinden"] == 4
    assert erz["mit_vereinbarung"] == 3  # both group members + Oelsnitz
    assert erz["vereinbarungen"] == 2  # the group counts once
    assert erz["beraten"] == 3 and erz["nur_beraten"] == 0
    assert erz["anteil_gemeinden"] == pytest.approx(3 / 4)
    assert erz["anteil_flaeche"] == pytest.approx(150 / 200)
    gr = t.loc["14626"]
    assert gr["mit_vereinbarung"] == 1 and gr["praeventionsraete"] == 1  # Landkreis-level council counts
    assert gr["modellkommunen"] == 1
    assert t.loc["14713", "nur_beraten"] == 1 and t.loc["14713", "mit_vereinbarung"] == 0
    assert t.loc["14713", "anteil_flaeche_beteiligt"] == pytest.approx(1.0)
    assert t.loc["14729", "kreis"] == "Landkreis Leipzig"  # namesake of the city
    assert t.loc["14729", "beraten"] == 0


def test_focus_areas_counted_per_gemeinde_and_kreis_level():
    t = _table(TODAY)
    assert t.loc["14521", "problemfelder"] == (("vandalismus", 3), ("jugend", 1))
    assert dict(t.loc["14626", "problemfelder"]) == {"drogenmissbrauch": 1, "senioren": 0}
    text = kreisview.focus_text(t.loc["14626", "problemfelder"], {"senioren": "Senioren"})
    assert text == "drogenmissbrauch (1), Senioren (Kreis)"
    assert kreisview.focus_text((("a", 3), ("b", 2), ("c", 1)), {}, limit=2) == "a (3), b (2), +1 weitere"


def test_stand_changes_the_figures():
    before = _table(dt.date(2021, 12, 31))
    assert before.loc["14521", "mit_vereinbarung"] == 2  # Oelsnitz signs only in 2023
    assert before.loc["14521", "nur_beraten"] == 1  # advised in 2021 (counts from 31.12.2021)
    assert before.loc["14626", "mit_vereinbarung"] == 0  # »2022-03« counts from 31.03.2022
    assert before.loc["14626", "praeventionsraete"] == 0
    early = _table(dt.date(2021, 12, 30))
    assert early.loc["14521", "nur_beraten"] == 0


def test_totals_weight_area():
    t = kreisview.kreis_table(_records(), GEMEINDEN, KREISE, TODAY, today=TODAY)
    total = kreisview.totals(t)
    assert total.gemeinden == 8 and total.mit_vereinbarung == 4 and total.vereinbarungen == 3
    assert total.anteil_gemeinden == pytest.approx(0.5)
    assert total.anteil_flaeche == pytest.approx((150 + 70) / 630)


def test_display_and_download_tables_are_german():
    t = kreisview.kreis_table(_records(), GEMEINDEN, KREISE, TODAY, today=TODAY)
    shown = kreisview.display_table(t, {"vandalismus": "Vandalismus", "jugend": "Jugend"})
    assert list(shown.columns) == list(kreisview.COLUMNS.values())
    assert pd.api.types.is_float_dtype(shown["Anteil Gemeinden"])  # sorts as a number
    assert shown.loc[0, "Problemfelder"] == "Vandalismus (3), Jugend (1)"
    down = kreisview.download_table(t, {})
    assert down.loc[0, "Anteil Gemeinden mit Vereinbarung (%)"] == "75,0"
    assert down.loc[0, "Anteil Fläche mit Vereinbarung (%)"] == "75,0"


def test_csv_download_neutralises_formulas():
    t = kreisview.kreis_table(_records(), GEMEINDEN, KREISE, TODAY, today=TODAY)
    t.loc[0, "kreis"] = '=HYPERLINK("http://x")'
    t.loc[1, "kreis"] = "@SUM(A1)"
    raw = views.csv_bytes(kreisview.download_table(t, {}))
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Kreis"
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[2][0] == "'@SUM(A1)"
    assert len(rows) == 1 + len(t)


@pytest.mark.parametrize(
    ("share", "cls"),
    [(0.0, 0), (0.001, 1), (0.0499, 1), (0.05, 2), (0.1, 3), (0.1999, 3), (0.2, 4), (0.3, 5), (1.0, 5)],
)
def test_share_classes(share, cls):
    assert kreisview.share_class(share) == cls
    assert (
        len(kreisview.SHARE_COLOURS) == len(kreisview.SHARE_CLASS_LABELS) == len(kreisview.SHARE_BREAKS) + 2
    )


def test_panel_caption():
    row = {
        "mit_vereinbarung": 15,
        "gemeinden": 53,
        "anteil_gemeinden": 15 / 53,
        "nur_beraten": 2,
        "anteil_flaeche": 0.2657,
        "praeventionsraete": 3,
        "sicherheitsanalysen": 0,
        "problemfelder": (),
    }
    lines = kreisview.panel_caption(row, {})
    assert lines[0] == "15 von 53 mit Vereinbarung (28,3 %)"
    assert lines[1] == "Fläche: 26,6 % · nur beraten: 2"
    assert lines[2] == "Präventionsräte: 3"
    assert lines[3] == "Problemfelder: keine erfasst"


def test_pictures_are_pngs_of_the_real_layers():
    gem, kr = geo.gemeinden(), geo.kreise()
    table = pd.DataFrame(
        {
            "kreis_ags": kr["kreis_ags"],
            "kreis": kreisview.kreis_names(kr).values(),
            "anteil_gemeinden": [i / 20 for i in range(len(kr))],
        }
    )
    png = kreis_maps.render_choropleth_png(
        kr, table, stand=TODAY, attribution="© GeoBasis-DE / BKG", width_px=550, height_px=300
    )
    assert png.startswith(b"\x89PNG")
    status_of = dict.fromkeys(gem["ags"], "nicht_beteiligt") | {"14626110": "kooperation"}
    panel = kreis_maps.render_kreis_png(gem, status_of, "14626", model=("14626110",), size_px=200)
    assert panel.startswith(b"\x89PNG")


def test_gemeinden_table_lists_those_without_agreement_first():
    table = pd.DataFrame(
        {
            "ags": ["14626110", "14626600", "14521035"],
            "status": ["kooperation", "nicht_beteiligt", "beraten"],
            "status_seit": ["2022-03", "", "2021"],
            "problemfelder": [("vandalismus",), (), ()],
        }
    )
    out = kreisview.gemeinden_table(
        table,
        GEMEINDEN,
        ["14626"],
        kreis_labels={"14626": "Görlitz"},
        pf_labels={"vandalismus": "Vandalismus"},
    )
    assert list(out.columns) == list(kreisview.GEMEINDE_COLUMNS.values())
    assert list(out["Gemeinde"]) == ["Weißwasser/O.L.", "Görlitz"]
    assert list(out["Status"]) == ["nicht beteiligt", "Kooperationsvereinbarung"]
    assert list(out["seit"]) == ["", "03/2022"]
    assert out.loc[1, "Problemfelder"] == "Vandalismus"
    assert out.loc[1, "Seite"] == "/kommune?ags=14626110"


def test_a_modellkommune_without_agreement_never_looks_absent():
    city = {"anteil_gemeinden": 0.0, "modellkommunen": 1, "gemeinden": 1, "beraten": 1}
    assert kreisview.participation_note(city) == "Modellkommune"
    assert kreisview.participation_note({**city, "gemeinden": 40}) == "mit Modellkommune"
    assert kreisview.participation_note({**city, "modellkommunen": 0, "beraten": 3}) == "3 beteiligt"
    assert kreisview.participation_note({**city, "modellkommunen": 0, "beraten": 0}) == ""
    assert kreisview.participation_note({**city, "anteil_gemeinden": 0.2}) == ""  # the share says it already
    row = {**city, "mit_vereinbarung": 0, "anteil_flaeche": 0.0, "nur_beraten": 1, "problemfelder": ()}
    assert kreisview.panel_caption(row, {})[0].endswith("· Modellkommune")
