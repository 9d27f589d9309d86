"""Streamlit helpers of the Landkreise page: the Stand control and cached views.

The Stand works as on the Karte page: ``?stand=JJJJ-MM-TT`` (validated by ``Filters.from_query``; a bad value
becomes a German notice), else the date chosen on the Karte page in this session, else today. ``?kreis=…``
(5-digit keys, several allowed) limits the table and the small multiples. Changes are written back to the URL.

Caches are keyed on plain values: ``ui.data.data_version()``, ``ui.boundaries.geo_key()`` and ISO dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from asskomm import labels
from asskomm.analysis import kreise as kreisview
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.render import kreis_maps
from asskomm.ui import boundaries, data, sidebar

K_STAND = "lk_stand"
K_KREISE = "lk_kreise"
K_NOTICES = "lk_notices"


@dataclasses.dataclass
class KreisFilters:
    stand: dt.date
    kreise: tuple[str, ...]
    notices: list[str]


def _init_from_url(kreis_labels: dict[str, str]) -> None:
    params = {key: st.query_params.get_all(key) for key in ("stand", "kreis") if key in st.query_params}
    filters, notices = Filters.from_query(
        params, kreise=kreis_labels.keys(), problemfelder=(), bausteine=(), today=sidebar.today()
    )
    stand = filters.stand
    shared = st.session_state.get(sidebar.K_STAND)  # the Karte page's Stand, if it was used in this session
    if "stand" not in params and isinstance(shared, dt.date) and PROGRAMME_START <= shared <= sidebar.today():
        stand = shared
    st.session_state[K_STAND] = stand
    st.session_state[K_KREISE] = list(filters.kreise)
    st.session_state[K_NOTICES] = notices


def _clear_notices() -> None:
    st.session_state[K_NOTICES] = []


def kreis_filters(kreis_labels: dict[str, str]) -> KreisFilters:
    """Stand slider and Kreis choice in the sidebar, in sync with the URL."""
    if K_STAND not in st.session_state or K_KREISE not in st.session_state:
        _init_from_url(kreis_labels)
    stand = st.session_state.get(K_STAND)
    if not isinstance(stand, dt.date) or not PROGRAMME_START <= stand <= sidebar.today():
        st.session_state[K_STAND] = sidebar.today()
    with st.sidebar:
        st.header("Ansicht")
        st.slider(
            "Stand",
            min_value=PROGRAMME_START,
            max_value=sidebar.today(),
            key=K_STAND,
            format="DD.MM.YYYY",
            on_change=_clear_notices,
            help=f"Zeigt den Stand der Allianz an diesem Tag (Start: {labels.fmt_date(PROGRAMME_START)}).",
        )
        sidebar.labelled_multiselect(
            "Kreise in Tabelle und Kreisbildern", kreis_labels, K_KREISE, "alle 13 Kreise", on_change=_clear_notices
        )
    result = KreisFilters(
        st.session_state[K_STAND],
        tuple(st.session_state[K_KREISE]),
        list(st.session_state.get(K_NOTICES, [])),
    )
    _sync_url(result)
    return result


def _sync_url(f: KreisFilters) -> None:
    wanted: dict[str, list[str] | str] = {
        key: st.query_params.get_all(key) for key in sidebar.KEEP_PARAMS if key in st.query_params
    }
    wanted.update(Filters(f.stand, f.kreise).to_query(today=sidebar.today()))
    normal = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if normal != current:
        st.query_params.from_dict(wanted)


# ----------------------------------------------------------------------------------------------- cached


@st.cache_data(show_spinner=False, max_entries=32)
def _kreis_table(version: str, key: str, stand_iso: str) -> pd.DataFrame:
    return kreisview.kreis_table(
        data.records(), boundaries.gemeinden(), boundaries.kreise(), dt.date.fromisoformat(stand_iso)
    )


def kreis_table(stand: dt.date) -> pd.DataFrame:
    """One row per Kreis at ``stand`` (``asskomm.analysis.kreise.kreis_table``)."""
    return _kreis_table(data.data_version(), boundaries.geo_key(), stand.isoformat())


@st.cache_data(show_spinner=False, max_entries=16)
def _choropleth(version: str, key: str, stand_iso: str) -> bytes:
    stand = dt.date.fromisoformat(stand_iso)
    return kreis_maps.render_choropleth_png(
        boundaries.kreise(), kreis_table(stand), stand=stand, attribution=boundaries.bkg_attribution()
    )


def choropleth_png(stand: dt.date) -> bytes:
    return _choropleth(data.data_version(), boundaries.geo_key(), stand.isoformat())


@st.cache_data(show_spinner=False, max_entries=16)
def _panels(version: str, key: str, stand_iso: str) -> dict[str, bytes]:
    status_of, model = kreisview.status_lookup(data.status_table(stand_iso))
    gem = boundaries.gemeinden()
    return {
        str(k): kreis_maps.render_kreis_png(gem, status_of, str(k), model=model)
        for k in boundaries.kreise()["kreis_ags"]
    }


def kreis_panels(stand: dt.date) -> dict[str, bytes]:
    """Kreis key → PNG of its Gemeinden coloured by status at ``stand``."""
    return _panels(data.data_version(), boundaries.geo_key(), stand.isoformat())


def coverage_chart(growth: pd.DataFrame, columns: list[str], scope: str) -> None:
    """Line chart of coverage shares over time; marks hidden from screen readers, the chart described as a whole."""
    import altair as alt

    long = growth.reset_index().melt("stand", value_vars=columns, var_name="Anteil", value_name="Prozent")
    last = growth[columns].iloc[-1] if len(growth) else None
    summary = (
        f"Reichweite seit 2019 ({scope}); zuletzt: "
        + "; ".join(f"{c} {labels.fmt_num(last[c], 1)} %" for c in columns)
        if last is not None
        else f"Reichweite seit 2019 ({scope}): keine Daten."
    )
    chart = (
        alt.Chart(long, description=summary)
        .mark_line(aria=False)
        .encode(
            x=alt.X("stand:T", title="Stand"),
            y=alt.Y("Prozent:Q", title="%"),
            color=alt.Color("Anteil:N", title=None, legend=alt.Legend(orient="bottom", aria=False)),
        )
        .properties(height=260)
        .configure_axis(aria=False)
    )
    st.altair_chart(chart, width="stretch")
    st.caption(summary)
