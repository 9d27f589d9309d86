"""What every first view of the start page needs, computed once per data version, boundary version and
filters and shared by all sessions (issue 18: 20 visitors at once were served one after another, each
building the same table), and :func:`warm`, which fills these caches when the server starts.

The results are plain values; pages must not mutate them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from asskomm.analysis.filters import Filters
from asskomm.render import mapstatus, maptext
from asskomm.ui import boundaries, coverage, data, views


@st.cache_data(show_spinner=False, max_entries=64)
def _sources(version: str, key: str, stand_iso: str) -> dict[str, list[str]]:
    table = data.status_table_for(version, key, stand_iso)
    return views.sources_by_ags(data.records_for(version), dt.date.fromisoformat(stand_iso), table["ags"])


def sources(stand: dt.date) -> dict[str, list[str]]:
    """AGS → source URLs of the milestones that count by ``stand`` (``views.sources_by_ags``), shared."""
    return _sources(data.data_version(), boundaries.geo_key(), stand.isoformat())


@st.cache_data(show_spinner=False, max_entries=64)
def _karte_table(version: str, key: str, fkey: tuple) -> pd.DataFrame:
    from asskomm.geo.layers import kreis_display_names

    stand_iso = fkey[0]
    table = data.status_table_for(version, key, stand_iso)
    hit = data.matched_for(version, key, fkey, table)
    data.records_for(version)  # this version's Problemfelder in force before their labels are read
    return views.karte_table(
        table,
        boundaries.gemeinden_index_for(key),
        hit,
        problemfeld_labels=data.vocab_labels_for(version)[0],
        kreis_labels=kreis_display_names(boundaries.kreise_index_for(key)),
        sources=_sources(version, key, stand_iso),
    )


def karte_table(filters: Filters) -> pd.DataFrame:
    """The start page's table »Gemeinden in dieser Ansicht« (``views.karte_table``) for ``filters``, shared."""
    return _karte_table(data.data_version(), boundaries.geo_key(), filters.cache_key())


@st.cache_resource(show_spinner=False, max_entries=64)
def _map_state(version: str, key: str, fkey: tuple, selected: str | None, markers: tuple, highlight: tuple,
               fit: tuple, table_hint: bool) -> dict:
    table = data.status_table_for(version, key, fkey[0])
    hit = data.matched_for(version, key, fkey, table)
    data.records_for(version)  # this version's Problemfelder in force before their labels are read
    return mapstatus.map_state(
        table, hit, problemfeld_labels=data.vocab_labels_for(version)[0], selected=selected, markers=markers,
        highlight=highlight, fit_kreise=fit, summary=maptext.map_summary(table, hit, table_hint=table_hint),
    )


def map_state(filters: Filters, *, selected: str | None = None, markers: Iterable[str] = (),
              highlight: Iterable[str] = (), fit_kreise: Iterable[str] = (), table_hint: bool = True) -> dict:
    """The map's state for this view (``mapstatus.map_state``, its ``summary`` the map's text alternative),
    computed once for all sessions that show the same view (shared: do not mutate)."""
    return _map_state(data.data_version(), boundaries.geo_key(), filters.cache_key(), selected, tuple(markers),
                      tuple(sorted(str(a) for a in highlight)), tuple(fit_kreise), table_hint)


def warm(stand: dt.date | None = None) -> list[str]:
    """Fill the shared caches for the default first view (``/`` without filters at ``stand``, default today).

    Called once per server process when it starts (``app.py``), outside any session: the first visitor then
    finds the boundary layers, the map geometry, the records and the start page's table ready. Returns what
    was warmed; errors (e.g. no database yet) are left to the first page run, which shows them in German.
    """
    stand_iso = (stand or dt.date.today()).isoformat()
    done = []
    key = boundaries.geo_key()
    boundaries.layers_for(key)
    boundaries.gemeinden_index_for(key)
    boundaries.kreise_index_for(key)
    boundaries.map_geometry_for(key)
    boundaries.geometry_script_for(key)
    done.append("geo")
    version = data.data_version(unconfirmed=False)  # the default view counts confirmed milestones only
    data.records_for(version)
    data.vocab_labels_for(version)
    data.status_table_for(version, key, stand_iso)
    fkey = Filters(dt.date.fromisoformat(stand_iso)).cache_key()
    data.summary_for(version, key, fkey)
    _sources(version, key, stand_iso)
    _karte_table(version, key, fkey)
    _map_state(version, key, fkey, None, views.LAYER_KINDS, (), (), True)  # all marker layers by default
    data.published_figures_for(stand_iso, (), data.figures_file_key(), version)
    coverage.population_for(coverage.population_key())
    done.append(f"records {version}")
    return done
