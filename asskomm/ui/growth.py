"""The alliance's growth since 2019 (Karte page, tab »Wachstum seit 2019«): the records as lines per stage,
beside them the published totals with their sources.

    growth.growth_chart(filters)                   # records over time + published totals with sources
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from asskomm import labels
from asskomm.analysis import timeline
from asskomm.analysis.filters import Filters
from asskomm.render.growth_chart import render_growth_png
from asskomm.ui import boundaries, data, widgets


@st.cache_data(show_spinner=False, max_entries=8)
def _growth_series(version: str, fkey: tuple):
    """``fkey``: the filters' cache key with today as the Stand (the series ends today)."""
    filters = Filters.from_cache_key(fkey)
    series = timeline.growth_series(data.records(), boundaries.gemeinden(), end=filters.stand, filters=filters)
    official = data.records().official_figures
    return series, timeline.published_points(until=filters.stand, official=official)


@st.cache_data(show_spinner=False, max_entries=32)
def _growth_png(version: str, fkey: tuple, stand_iso: str):
    series, points = _growth_series(version, fkey)
    # published totals are statewide: only beside the unfiltered series
    shown = points if Filters.from_cache_key(fkey).is_default else points.iloc[0:0]
    return render_growth_png(series, shown, marker=dt.date.fromisoformat(stand_iso))


def growth_chart(filters: Filters) -> None:
    """The alliance's growth from the records (lines) with the published totals (points) and their sources."""
    args = (data.data_version(), dataclasses.replace(filters, stand=dt.date.today()).cache_key())
    with st.spinner("Zeitreihe wird berechnet …"):
        _series, points = _growth_series(*args)
        png = _growth_png(*args, filters.stand.isoformat())
    st.image(
        png,
        width="stretch",
        alt="Diagramm: Wachstum der Allianz seit Februar 2019, Zahl der Gemeinden je Stufe am Monatsende "
        "(Linien) und, ohne Filter, die veröffentlichten Gesamtzahlen (Punkte).",
    )
    if not filters.is_default:
        st.caption(
            "Mit Filtern: nur die Datenbank-Linien für die gewählten Gemeinden. Die veröffentlichten Zahlen "
            "gelten für ganz Sachsen und erscheinen nur ohne Filter."
        )
        return
    if len(points):
        table = pd.DataFrame(
            {
                "Kennzahl": points["serie"],
                "Stand": points["datum"].map(labels.fmt_date),
                "veröffentlicht": points["wert"].map(labels.fmt_int),
                "Art der Quelle": points["art"],
                "Quelle": points["quelle"],
            }
        )
        st.markdown("**Veröffentlichte Gesamtzahlen (Kreise im Diagramm) und ihre Quellen**")
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "Quelle": widgets.source_link_column()
            },
        )
