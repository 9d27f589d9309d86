"""The one chooser of the published figure beside each KPI (``figures.published_for_kpi``) and its rules."""

from __future__ import annotations

import datetime as dt

import pytest

from asskomm.analysis import figures
from asskomm.records import OfficialFigure

HEADER = "date,metric,value,source,source_kind,region,region_label,stated_by,note\n"


@pytest.fixture
def figures_file(tmp_path):
    path = tmp_path / "reported.csv"
    path.write_text(
        HEADER
        + "2021-09-01,kpr_constituted_or_reactivated,25,https://a.example/1,smi_lpr,,,,\n"
        + "2022-12-21,kpr_constituted,28,https://b.example/2,presse,,,,\n"
        + "2023-01-30,kpr_active,28,https://c.example/3,smi_lpr,,,,\n"  # not the same thing: never chosen
        + "2023-02-09,kpr_ordinal_goerlitz,30,https://d.example/4,smi_lpr,,,,\n"
        + "2023-02,kpr_constituted,29,https://e.example/5,smi_lpr,,,,\n"  # counts from 28.02.2023: newer than 09.02.
        + "2020-12,cooperation_agreements_approx,21,https://f.example/6,presse,,,,\n"
        + "2020-12,cooperation_agreements,19,https://g.example/7,presse,,,,\n"  # same day: the exact figure wins
        + "2021-01-10,cooperation_agreements,20,https://m.example/10,andere,,,Bürgermeister X,\n"  # never beside
        + "2021-09-10,cooperation_agreements,5,https://h.example/8,presse,14626,Landkreis Görlitz,,\n"
        + '2022-07-11,cooperation_agreements,11,https://i.example/9,smi_lpr,14626 14625,"Ostsachsen (Bautzen, Görlitz)",,\n'
        + "2023-05-01,kommunen_advised,140,https://p.example/11,presse,,,,\n"
        + "2023-05-01,kommunen_advised,139,https://s.example/12,smi_lpr,,,,\n",  # same day: SMI/LPR first
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


def test_same_day_the_metric_named_first_wins_and_others_never_stand_beside(figures_file):
    assert figures.KPI_RULES["Kooperationsvereinbarungen"].metrics[0] == "cooperation_agreements"
    fig = figures.published_for_kpi("Kooperationsvereinbarungen", dt.date(2021, 1, 31), path=figures_file)
    # the mayor's 20 of 10.01.2021 is newer, but another speaker's figure never stands beside a KPI
    assert (fig.value, fig.kind, fig.qualifier) == (19, "presse", "")
    assert fig.kind_label == "Presse (Angabe des SMI/LPR)" and fig.attribution == "Presse (Angabe des SMI/LPR), 12/2020"
    only_approx = figures_file.read_text(encoding="utf-8").replace("2020-12,cooperation_agreements,19", "2021-03,cooperation_agreements,19")
    figures_file.write_text(only_approx, encoding="utf-8")
    figures._load.cache_clear()
    fig = figures.published_for_kpi("Kooperationsvereinbarungen", dt.date(2021, 1, 31), path=figures_file)
    assert fig.value == 21 and not fig.by_others
    # the other speaker's figure is still a published figure (Quellen page), labelled as such
    mayor = figures.latest("cooperation_agreements", dt.date(2021, 1, 31), path=figures_file)
    assert mayor.by_others and mayor.qualifier == "laut Bürgermeister X, nicht SMI/LPR"


def test_same_day_the_ministry_before_the_press(figures_file):
    fig = figures.published_for_kpi("Beratene Kommunen", dt.date(2023, 6, 1), path=figures_file)
    assert (fig.value, fig.kind, fig.attribution) == (139, "smi_lpr", "SMI/LPR, 01.05.2023")


def _official(kennzahl, wert, stand, ref="LPR-Statistik 11/2026", id_=1):
    return OfficialFigure(id_, kennzahl, wert, stand, ref, "admin", "2026-12-01T10:00:00")


def test_official_figures_shadow_the_press_and_meet_the_ministry_by_date(figures_file):
    """An entered »amtliche Zahl« beats every press figure, also a newer one; beside the ministry's own the
    newest wins, the official one on the same day."""
    until = dt.date(2023, 6, 1)
    old = _official("beraten", 120, "2022-01-31")
    fig = figures.published_for_kpi("Beratene Kommunen", until, path=figures_file, official=[old])
    assert (fig.value, fig.kind) == (139, "smi_lpr")  # the ministry's own 139 (05/2023) is newer
    press_only = figures_file.read_text(encoding="utf-8").replace(",139,https://s.example/12,smi_lpr", ",139,https://s.example/12,presse")
    figures_file.write_text(press_only, encoding="utf-8")
    figures._load.cache_clear()
    fig = figures.published_for_kpi("Beratene Kommunen", until, path=figures_file, official=[old])
    assert (fig.value, fig.kind, fig.source, fig.official) == (120, "amtlich", "LPR-Statistik 11/2026", True)
    assert fig.label == "Beratene Kommunen (amtliche Zahl)" and fig.kind_label == "SMI/LPR (amtliche Zahl)"
    # without it the press figure stands there again; before its Stand the official figure is unknown
    assert figures.published_for_kpi("Beratene Kommunen", until, path=figures_file).kind == "presse"
    early = figures.published_for_kpi("Beratene Kommunen", dt.date(2022, 1, 1), path=figures_file, official=[old])
    assert early is None
    same_day = _official("vereinbarungen", 12, "2022-07-11")
    assert figures.published_for_kpi("Kooperationsvereinbarungen", until, path=figures_file,
                                     official=[same_day]).kind == "amtlich"
    # official figures are statewide: a region keeps its own published figures
    fig = figures.published_for_kpi("Kooperationsvereinbarungen", until, region=("14626",), path=figures_file,
                                    official=[same_day])
    assert (fig.value, fig.kind) == (5, "presse")


def test_a_file_without_or_with_an_unknown_kind_of_source_is_refused(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("date,metric,value,source\n2021,cooperation_agreements,1,https://a.example\n", encoding="utf-8")
    with pytest.raises(figures.FiguresFileError, match="Spalte »source_kind« fehlt"):
        figures.reported_figures(path)
    path.write_text(HEADER + "2021,cooperation_agreements,1,https://a.example,zeitung,,,,\n", encoding="utf-8")
    with pytest.raises(figures.FiguresFileError, match=r"Zeile 2, Spalte »source_kind«: »zeitung«"):
        figures.reported_figures(path)


def test_every_row_of_the_project_file_has_a_kind_and_other_speakers_are_named():
    table = figures.reported_figures()
    assert set(table["source_kind"]) == {"smi_lpr", "presse", "andere"}
    assert table["source"].str.startswith("http").all()
    others = table[table["source_kind"] == "andere"]
    assert (others["stated_by"] != "").all()
    hosts = {kind: set(table.loc[table["source_kind"] == kind, "source"].str.extract(r"//(?:www\.)?([^/]+)")[0])
             for kind in ("smi_lpr", "presse", "andere")}
    assert hosts["smi_lpr"] <= {"asskomm.sachsen.de", "medienservice.sachsen.de", "lpr.sachsen.de", "search.sachsen.de"}
    assert {"wochenkurier.info", "t-online.de", "l-iz.de"} <= hosts["presse"]
    assert {"stephan-hoesl.com", "lvz.de", "heidenau.de"} <= hosts["andere"]


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
    kpr = figures.published_for_kpi("Präventionsräte", dt.date(2025, 1, 1))
    assert (kpr.value, kpr.date) == (40, "2023-11-02")  # Rothenburg/O.L. »Sachsens 40.«
    today = dt.date(2026, 1, 1)
    kpr = figures.published_for_kpi("Präventionsräte", today)
    assert (kpr.value, kpr.date, kpr.kind) == (46, "2025-08-11", "smi_lpr")  # Arnsdorf »Sachsens 46.«
    assert figures.published_for_kpi("Präventionsräte", dt.date(2023, 6, 1)).value == 30  # Görlitz the 30th
    sia = figures.published_for_kpi("Sicherheitsanalysen", today)
    assert (sia.value, sia.date) == (25, "2024-02")
    goerlitz = figures.published_for_kpi("Kooperationsvereinbarungen", today, region=("14626",))
    assert goerlitz.value == 5 and goerlitz.source.startswith("https://")
    # the issue's examples: a local paper's figure is labelled as the press, a private site never beside a KPI
    advised = figures.published_for_kpi("Beratene Kommunen", today)
    assert "wochenkurier.info" in advised.source and advised.kind_label == "Presse (Angabe des SMI/LPR)"
    assert figures.published_for_kpi("Beratene Kommunen", dt.date(2020, 12, 1)).value == 64  # not hösl's 87
