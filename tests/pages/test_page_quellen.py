"""The Quellen page (AppTest, no browser): data Stand, boundaries, published totals beside the database, updates."""

from __future__ import annotations

import pytest

from asskomm.analysis import sources

PAGE = "pages/quellen.py"


def _no_exception(at):
    assert not at.exception, [e.value for e in at.exception]


def _all_text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [c.value for c in at.code]
    parts += [i.value for i in at.info] + [h.value for h in at.header] + [s.value for s in at.subheader]
    return "\n".join(parts)


def test_default_view(visitor_apptest):
    at = visitor_apptest(PAGE, timeout=90)
    _no_exception(at)
    assert at.title[0].value.startswith("Quellen und Datenstand · Stand ")
    assert not at.warning
    headers = [h.value for h in at.header]
    assert headers == [
        "Was die Karte zeigt",
        "Datenstand",
        "Veröffentlichte Gesamtzahlen und Datenbank",
        "Gemeinde- und Kreisgrenzen",
        "Einwohner",
        "Daten aktualisieren",
    ]
    assert any("Stichtag:** 31.12.2018" in m.value and "dl-de/by-2-0" in m.value for m in at.markdown)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Teilnehmer"]) > 0 and int(metrics["Meilensteine"]) > 0  # the seeded database

    comp = at.dataframe[0].value
    assert list(comp.columns) == list(sources.COMPARISON_COLUMNS.values())
    assert len(comp) > 10
    assert comp["Quelle"].str.startswith("http").all()
    assert set(comp["Kennzahl"]) <= set(sources.FIELD_LABELS.values())
    assert (comp["Differenz"] == comp["in der Datenbank"] - comp["veröffentlicht"]).all()
    published = at.dataframe[1].value
    assert list(published.columns) == ["Datum", "Angabe", "Wert", "Gebiet", "Art der Quelle", "Hinweis", "Quelle"]
    assert set(comp["Art der Quelle"]) == {"SMI/LPR", "Presse (Angabe des SMI/LPR)"}

    text = _all_text(at)
    assert "GeoBasis-DE / BKG" in text and "dl-de/by-2-0" in text
    assert "Gebietsstand" in text
    assert ".venv/bin/asskomm import" in text
    assert ".venv/bin/asskomm geo build --source" in text
    assert "unvollständig" in text
    assert len(at.get("image")) == 1  # the comparison chart


@pytest.mark.parametrize(
    "params",
    [
        {"stand": "gestern"},
        {"kreis": "<script>alert(1)</script>"},
        {"praesentation": "1"},
        {"foo": ["a", "b"]},
    ],
)
def test_query_params_never_break_the_page(visitor_apptest, params):
    at = visitor_apptest(PAGE, query_params=params, timeout=90)
    _no_exception(at)
    assert len(at.dataframe) == 2
