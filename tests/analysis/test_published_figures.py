"""The one chooser of the published figure beside each KPI (``figures.published_for_kpi``) and its rules."""

from __future__ import annotations

import datetime as dt

import pytest

from asskomm.analysis import figures

HEADER = "date,metric,value,source,region,region_label,stated_by,note\n"


@pytest.fixture
def figures_file(tmp_path):
    path = tmp_path / "reported.csv"
    path.write_text(
        HEADER
        + "2021-09-01,kpr_constituted_or_reactivated,25,https://a.example/1,,,,\n"
        + "2022-12-21,kpr_constituted,28,https://b.example/2,,,,\n"
        + "2023-01-30,kpr_active,28,https://c.example/3,,,,\n"  # not the same thing: never chosen
        + "2023-02-09,kpr_ordinal_goerlitz,30,https://d.example/4,,,,\n"
        + "2023-02,kpr_constituted,29,https://e.example/5,,,,\n"  # counts from 28.02.2023: newer than 09.02.
        + "2020-12,cooperation_agreements_approx,20,https://f.example/6,,,Bürgermeister X,\n"
        + "2020-12,cooperation_agreements,19,https://g.example/7,,,,\n"  # same day: the exact figure wins
        + "2021-09-10,cooperation_agreements,5,https://h.example/8,14626,Landkreis Görlitz,,\n"
        + '2022-07-11,cooperation_agreements,11,https://i.example/9,14626 14625,"Ostsachsen (Bautzen, Görlitz)",,\n',
        encoding="utf-8",
    )
    return path


def _pick(kpi, until, path, region=()):
    fig = figures.published_for_kpi(kpi, until, region=region, path=path)
    return None if fig is None else (fig.value, fig.date)


def test_newest_figure_among_the_rules_metrics_wins(figures_file):
    assert _pick("Präventionsräte", dt.date(2021, 12, 31), figures_file) == (25, "2021-09-01")
    assert _pick("Präventionsräte", dt.date(2023, 1, 31), figures_file) == (28, "2022-12-21")
    assert _pick("Präventionsräte", dt.date(2023, 2, 27), figures_file) == (30, "2023-02-09")
    assert _pick("Präventionsräte", dt.date(2023, 2, 28), figures_file) == (29, "2023-02")
    assert _pick("Präventionsräte", dt.date(2021, 1, 1), figures_file) is None


def test_same_day_the_metric_named_first_wins_and_others_are_labelled(figures_file):
    assert figures.KPI_RULES["Kooperationsvereinbarungen"].metrics[0] == "cooperation_agreements"
    fig = figures.published_for_kpi("Kooperationsvereinbarungen", dt.date(2021, 1, 31), path=figures_file)
    assert (fig.value, fig.stated_by, fig.qualifier) == (19, "", "")
    only_approx = figures_file.read_text(encoding="utf-8").replace("2020-12,cooperation_agreements,19", "2021-03,cooperation_agreements,19")
    figures_file.write_text(only_approx, encoding="utf-8")
    figures._load.cache_clear()
    fig = figures.published_for_kpi("Kooperationsvereinbarungen", dt.date(2021, 1, 31), path=figures_file)
    assert fig.value == 20 and fig.by_others and fig.qualifier == "laut Bürgermeister X, nicht SMI/LPR"


def test_regional_figures_only_for_exactly_their_region(figures_file):
    until = dt.date(2023, 1, 1)
    assert _pick("Kooperationsvereinbarungen", until, figures_file, region=("14626",)) == (5, "2021-09-10")
    assert _pick("Kooperationsvereinbarungen", until, figures_file, region=["14625", "14626"]) == (11, "2022-07-11")
    assert _pick("Kooperationsvereinbarungen", until, figures_file, region="14626 14625") == (11, "2022-07-11")
    assert _pick("Kooperationsvereinbarungen", until, figures_file, region=("14625",)) is None
    # statewide: the regional rows are not Saxony's figure
    assert _pick("Kooperationsvereinbarungen", until, figures_file) == (19, "2020-12")
    fig = figures.published_for_kpi("Kooperationsvereinbarungen", until, region=("14626",), path=figures_file)
    assert fig.qualifier == "für Landkreis Görlitz"


def test_every_rule_names_known_metrics_and_a_german_reason():
    known = set(figures.reported_figures()["metric"]) | set(figures.METRIC_LABELS)
    for kpi, rule in figures.KPI_RULES.items():
        assert rule.kpi == kpi and rule.metrics and set(rule.metrics) <= known
        assert len(rule.rule) > 40
    # »aktive« councils are a different count and never stand beside the KPI
    assert "kpr_active" not in figures.KPI_RULES["Präventionsräte"].metrics


def test_the_real_figures_of_the_issue():
    """Görlitz's council was published as the 30th, and 25 completed security analyses in 02/2024: these,
    not 25 (2021) and 12 (2021), stand beside the cards today."""
    today = dt.date(2026, 1, 1)
    kpr = figures.published_for_kpi("Präventionsräte", today)
    assert (kpr.value, kpr.date) == (30, "2023-02-09")
    sia = figures.published_for_kpi("Sicherheitsanalysen", today)
    assert (sia.value, sia.date) == (25, "2024-02")
    goerlitz = figures.published_for_kpi("Kooperationsvereinbarungen", today, region=("14626",))
    assert goerlitz.value == 5 and goerlitz.source.startswith("https://")
