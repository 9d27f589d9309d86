"""asskomm.analysis.sources: published totals beside the database, database series, facts for the Quellen page."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from asskomm.analysis import figures, sources
from asskomm.geo import layers as geo
from asskomm.records.model import Milestone, OfficialFigure, Participant, RecordSet
from asskomm.render import comparison_chart

TODAY = dt.date(2024, 6, 30)
URL = "https://example.org/quelle"

GEMEINDEN = pd.DataFrame(
    [
        ("14521035", "Aue-Bad Schlema", "14521", "Erzgebirgskreis", 80.0),
        ("14521530", "Schneeberg", "14521", "Erzgebirgskreis", 20.0),
        ("14626110", "Görlitz", "14626", "Görlitz", 70.0),
    ],
    columns=["ags", "name", "kreis_ags", "kreis_name", "flaeche_km2"],
)


def _records() -> RecordSet:
    parts = (
        Participant(
            1, "gruppe", "gruppe:silberberg", "Städtebund Silberberg", None, ("14521035", "14521530")
        ),
        Participant(2, "gemeinde", "14626110", "Görlitz", "14626110", ("14626110",)),
        Participant(3, "landkreis", "14626", "Landkreis Görlitz", "14626", ()),
    )
    ms = (
        Milestone(
            1, 1, "kooperationsvereinbarung", "2021-06-25", quelle=URL, created_at="2024-01-02T10:00:00"
        ),
        Milestone(
            2, 2, "modellkommune", "2019-02-06", quelle=f"{URL}/a | {URL}", created_at="2024-03-01T09:00:00"
        ),
        Milestone(3, 2, "kooperationsvereinbarung", "2022", quelle=URL),
        Milestone(4, 3, "kpr", "2022-05", quelle="intern: Protokoll"),
        Milestone(5, 2, "sicherheitsanalyse", "", quelle=URL),
    )
    return RecordSet(parts, ms, data_version=7)


def _reported(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"date": d, "metric": m, "value": v, "source": f"https://example.org/{i}"}
            for i, (d, m, v) in enumerate(rows)
        ]
    )


def test_comparison_pairs_published_with_database_at_the_same_day():
    reported = _reported(
        [
            ("2021-12-01", "cooperation_agreements", 30),
            ("2022", "cooperation_agreements", 40),  # counts from 31.12.2022
            ("2022-05", "kpr_constituted", 28),  # counts from 31.05.2022
            ("2019-02-06", "model_municipalities", 8),
            ("2021-05-05", "kommunen_participating", 105),  # no database counterpart
            ("2030-01-01", "cooperation_agreements", 99),  # after today
        ]
    )
    comp = sources.comparison(_records(), GEMEINDEN, reported, today=TODAY)
    assert list(comp["metric"]) == [
        "model_municipalities",
        "cooperation_agreements",
        "kpr_constituted",
        "cooperation_agreements",
    ]
    by_date = comp.set_index("datum")
    assert by_date.loc["2019-02-06", "datenbank"] == 1
    assert by_date.loc["2021-12-01", "datenbank"] == 1  # the group counts once
    assert by_date.loc["2021-12-01", "differenz"] == 1 - 30
    assert by_date.loc["2022", "stand"] == dt.date(2022, 12, 31)
    assert by_date.loc["2022", "datenbank"] == 2
    assert by_date.loc["2022-05", "datenbank"] == 1  # Landkreis-level council counts
    assert by_date.loc["2022-05", "kennzahl"] == "Präventionsräte"
    assert by_date.loc["2022-05", "veroeffentlicht_als"] == figures.metric_label("kpr_constituted")
    assert set(comp["feld"]) <= set(sources.FIELD_LABELS)


def test_comparison_of_the_real_figures_has_every_comparable_metric_with_a_source():
    comp = sources.comparison(RecordSet(), GEMEINDEN, today=TODAY)
    reported = figures.reported_figures()
    expected = reported[reported["metric"].isin(figures.COMPARABLE) & (reported["region"] == "")
                        & reported["source_kind"].isin(figures.BESIDE_KPI)]
    expected = expected[[k <= TODAY for k in expected["known_from"]]]
    assert len(comp) == len(expected) > 10
    assert comp["quelle"].str.startswith("http").all()
    assert set(comp["art"]) == {"SMI/LPR", "Presse (Angabe des SMI/LPR)"}  # never another speaker's figure
    assert not comp["quelle"].str.contains("lvz.de/Region/Taucha").any()
    assert (comp["datenbank"] == 0).all()  # an empty database holds nothing
    assert list(comp["stand"]) == sorted(comp["stand"])
    shown = sources.comparison_display(comp)
    assert list(shown.columns) == list(sources.COMPARISON_COLUMNS.values())
    assert shown["Datum"].iloc[0] == "06.02.2019"


def test_database_series_monthly_from_the_start():
    series = sources.database_series(_records(), GEMEINDEN, today=TODAY)
    assert series["stand"].iloc[0] == dt.date(2019, 2, 6)
    assert series["stand"].iloc[-1] == TODAY
    assert list(series.columns) == ["stand", *sources.FIELD_LABELS]
    at = series.set_index("stand")
    assert at.loc[dt.date(2021, 5, 31), "vereinbarungen"] == 0
    assert at.loc[dt.date(2021, 6, 30), "vereinbarungen"] == 1
    assert at.loc[TODAY, "vereinbarungen"] == 2
    assert at.loc[TODAY, "modellkommunen"] == 1
    assert at.loc[TODAY, "sicherheitsanalysen"] == 1  # undated: counts for today
    assert at.loc[dt.date(2024, 5, 31), "sicherheitsanalysen"] == 0
    png = comparison_chart.render_comparison_png(
        series, sources.comparison(_records(), GEMEINDEN, today=TODAY), width_px=700, height_px=380
    )
    assert png.startswith(b"\x89PNG")


def test_data_facts():
    facts = sources.data_facts(_records(), today=TODAY)
    assert (facts.participants, facts.gemeinde_participants, facts.groups, facts.landkreis_participants) == (
        3,
        1,
        1,
        1,
    )
    assert facts.milestones == 5 and facts.undated == 1
    assert facts.sources == 3  # URL, URL/a, the internal reference
    assert facts.first == "2019-02-06" and facts.last == "2022"  # »2022« ends after »2022-05«
    assert facts.last_entered == "2024-03-01T09:00:00"
    assert facts.data_version == 7
    empty = sources.data_facts(RecordSet(), today=TODAY)
    assert empty.first == empty.last == empty.last_entered == ""


def test_boundary_facts_from_geo_meta():
    facts = sources.boundary_facts(geo.meta())
    assert "GeoBasis-DE / BKG" in facts["Namensnennung"]
    assert facts["Gebietsstand"].count(".") == 2  # German date
    assert "418 Gemeinden" in facts["Umfang"]
    assert sources.boundary_facts({}) == {}


def test_published_table_lists_every_figure_newest_first():
    table = sources.published_table()
    assert len(table) == len(figures.reported_figures())
    assert list(table.columns) == ["Datum", "Angabe", "Wert", "Gebiet", "Art der Quelle", "Hinweis", "Quelle"]
    assert table["Quelle"].str.startswith("http").all()
    # a regional total names its region; every figure its kind of source; another speaker says who
    taucha = table[table["Quelle"].str.contains("Taucha")].iloc[0]
    assert taucha["Art der Quelle"] == "andere Angabe (nicht SMI/LPR): Bürgermeister von Taucha (im Stadtrat)"
    kinds = table["Art der Quelle"].str.split(":").str[0]
    assert set(kinds) == {"SMI/LPR", "Presse (Angabe des SMI/LPR)", "andere Angabe (nicht SMI/LPR)"}
    wochenkurier = table[table["Quelle"].str.contains("wochenkurier")].iloc[0]
    assert wochenkurier["Art der Quelle"] == "Presse (Angabe des SMI/LPR)"
    assert "Landkreis Görlitz" in set(table["Gebiet"]) and "Sachsen" in set(table["Gebiet"])
    assert "1.300.000" in set(table["Wert"])  # German thousands
    small = sources.published_table(
        _reported([("2021", "cooperation_agreements", 1), ("2023-01-30", "kpr_active", 2)])
    )
    assert list(small["Datum"]) == ["30.01.2023", "2021"]
    entered = sources.published_table(
        _reported([("2021", "cooperation_agreements", 1)]),
        official=[OfficialFigure(1, "vereinbarungen", 63, "2026-11-30", "LPR-Statistik 11/2026", "admin")],
    )
    first = entered.iloc[0]
    assert (first["Datum"], first["Wert"], first["Art der Quelle"], first["Quelle"]) == (
        "30.11.2026", "63", "SMI/LPR (amtliche Zahl)", "LPR-Statistik 11/2026")
    assert "admin" not in " ".join(entered.astype(str).to_numpy().ravel())  # who entered it: admins' page only
