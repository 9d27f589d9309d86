"""The Landkreise page (AppTest, no browser): table, figures, Stand and Kreis from the URL, bad parameters."""

from __future__ import annotations

import datetime as dt

import harness
import pytest

from asskomm.analysis import kreise as kreisview

PAGE = "pages/landkreise.py"


def _no_exception(at):
    assert not at.exception, [e.value for e in at.exception]


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at):
    return at.dataframe[0].value


def test_default_view(visitor_apptest):
    at = visitor_apptest(PAGE, timeout=90)
    _no_exception(at)
    assert at.title[0].value.startswith("ASSKomm in den Landkreisen · Stand ")
    assert not at.warning
    table = _table(at)
    assert len(table) == 13
    assert list(table.columns) == list(kreisview.COLUMNS.values())
    assert table["Gemeinden"].sum() == 418
    assert "Landkreis Leipzig" in set(table["Kreis"]) and "Leipzig" in set(table["Kreis"])
    metrics = _metrics(at)
    assert metrics["Gemeinden mit Vereinbarung"].endswith(" von 418")
    assert metrics["Anteil der Gemeinden"].endswith(" %") and "," in metrics["Anteil der Gemeinden"]
    assert [b.label for b in at.get("download_button")] == ["Tabelle als CSV"]
    assert len(at.get("image")) == 1 + 13  # the choropleth and one picture per Kreis
    assert any("GeoBasis-DE / BKG" in el.proto.body for el in at.get("html"))  # the sources footer
    assert at.slider(key="lk_stand").value == dt.date.today()


def test_stand_from_url(visitor_apptest):
    now = visitor_apptest(PAGE, timeout=90)
    then = visitor_apptest(PAGE, query_params={"stand": "2021-11-30"}, timeout=90)
    _no_exception(then)
    assert "Stand 30.11.2021" in then.title[0].value
    assert not then.warning
    assert then.slider(key="lk_stand").value == dt.date(2021, 11, 30)
    before = _table(then)["mit Vereinbarung"].sum()
    after = _table(now)["mit Vereinbarung"].sum()
    assert 0 < before < after


def test_programme_start_has_no_agreements(visitor_apptest):
    at = visitor_apptest(PAGE, query_params={"stand": "2019-02-06"}, timeout=90)
    _no_exception(at)
    assert _table(at)["mit Vereinbarung"].sum() == 0
    assert _metrics(at)["Anteil der Gemeinden"] == "0,0 %"


def test_kreis_from_url_limits_table_and_pictures(visitor_apptest):
    at = visitor_apptest(PAGE, query_params={"kreis": ["14626", "14729"]}, timeout=90)
    _no_exception(at)
    assert at.multiselect(key="lk_kreise").value == ["14626", "14729"]
    assert set(_table(at)["Kreis"]) == {"Görlitz", "Landkreis Leipzig"}
    assert len(at.get("image")) == 1 + 2
    assert _metrics(at)["Gemeinden mit Vereinbarung"].endswith(" von 418")  # Saxony stays the frame
    gemeinden = at.dataframe[1].value  # the Gemeinden of the chosen Kreise, for advisers
    assert set(gemeinden["Kreis"]) == {"Görlitz", "Landkreis Leipzig"}
    assert len(gemeinden) == int(_table(at)["Gemeinden"].sum())
    assert gemeinden["Status"].iloc[0] == "nicht beteiligt"


def test_presentation_param_survives_the_url_sync(visitor_apptest):
    at = visitor_apptest(PAGE, query_params={"praesentation": "1", "stand": "2022-06-30"}, timeout=90)
    _no_exception(at)
    assert at.query_params["praesentation"] in ("1", ["1"])
    assert at.query_params["stand"] in ("2022-06-30", ["2022-06-30"])


def test_slider_change_is_written_to_the_url(visitor_apptest):
    at = visitor_apptest(PAGE, timeout=90)
    at.slider(key="lk_stand").set_value(dt.date(2022, 12, 31)).run()
    _no_exception(at)
    assert "Stand 31.12.2022" in at.title[0].value
    assert at.query_params["stand"] in ("2022-12-31", ["2022-12-31"])


def test_stand_chosen_on_the_karte_page_carries_over(visitor_apptest):
    at = visitor_apptest(query_params={"stand": "2021-11-30"}, timeout=90)  # the Karte page
    _no_exception(at)
    for key in list(at.query_params):
        del at.query_params[key]  # navigating to another page drops the query string
    at.switch_page(PAGE).run()
    _no_exception(at)
    assert "Stand 30.11.2021" in at.title[0].value


@pytest.mark.parametrize(
    ("params", "fragments"),
    [
        ({"kreis": "99999"}, ["kreis=99999"]),
        ({"kreis": "<script>alert(1)</script>"}, ["kreis=<script>"]),
        ({"stand": "gestern"}, ["stand=gestern", "JJJJ-MM-TT"]),
        ({"stand": "2001-01-01"}, ["stand=2001-01-01", "außerhalb"]),
        ({"stand": "2999-01-01", "kreis": "1462"}, ["stand=2999-01-01", "kreis=1462"]),
    ],
)
def test_bad_query_params_give_a_german_notice(visitor_apptest, params, fragments):
    at = visitor_apptest(PAGE, query_params=params, timeout=90)
    _no_exception(at)
    text = " ".join(harness.shown(w.value) for w in at.warning)
    assert "ignoriert" in text
    for fragment in fragments:
        assert fragment in text
    assert len(_table(at)) == 13  # the page still shows everything
    assert at.slider(key="lk_stand").value == dt.date.today()


def test_unrelated_params_are_harmless(visitor_apptest):
    at = visitor_apptest(PAGE, query_params={"problemfeld": "vandalismus", "foo": "bar"}, timeout=90)
    _no_exception(at)
    assert not at.warning
    assert len(_table(at)) == 13
    # the comparison and the reach per Kreis; no Gemeinden list without a chosen Kreis
    assert len(at.dataframe) == 2


def test_reach_per_kreis_counts_each_kreis_against_its_own_gemeinden(visitor_apptest):
    at = visitor_apptest(PAGE, query_params={"kreis": "14626"}, timeout=90)
    _no_exception(at)
    reach = next(d.value for d in at.dataframe if "Einwohner beteiligt %" in d.value.columns)
    assert list(reach["Kreis"]) == ["Görlitz"]
    row = reach.iloc[0]
    assert row["Gemeinden"] == 53
    assert abs(row["Gemeinden beteiligt %"] - 100 * row["beteiligt"] / 53) < 1e-9
    assert 0 < row["Einwohner beteiligt %"] <= 100
    assert at.get("arrow_line_chart") or any("Reichweite seit 2019" in m.value for m in at.markdown)
