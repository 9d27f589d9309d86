"""Cached population table and coverage: the shares of the filtered region's Gemeinden, area and population
reached (``asskomm.analysis.coverage``), for the KPI line, the Landkreise page and its series.

Keyed like ``ui.data`` plus ``population_key()`` (the version of ``data/einwohner.csv``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from asskomm.analysis.filters import Filters
from asskomm.ui import boundaries, data


def population_key() -> str:
    """Version of ``data/einwohner.csv`` (the cache key of the population table)."""
    from asskomm.records.einwohner import EINWOHNER_FILE

    try:
        return str(EINWOHNER_FILE.stat().st_mtime_ns)
    except OSError:
        return "-"


@st.cache_resource(show_spinner=False, max_entries=2)
def population_for(key: str):
    from asskomm.records import einwohner

    return einwohner.load()


def population():
    """The population table (``asskomm.records.einwohner.Population``: figures, Stichtag, source)."""
    return population_for(population_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _coverage(version: str, key: str, pop_key: str, fkey: tuple, region_name: str) -> dict:
    from asskomm.analysis import coverage, region, status

    filters = Filters.from_cache_key(fkey)
    gem = boundaries.layers_for(key)[0]
    table = data.status_table_for(version, key, fkey[0])
    in_region = region.region_ags(gem, filters, population_for(pop_key))
    reached = None
    if filters.problemfelder or filters.baustein:
        reached = status.matching_ags(data.records_for(version), gem, filters)
    cov = coverage.coverage(table, gem, in_region, population_for(pop_key), reached=reached, region_name=region_name)
    return {"line": coverage.coverage_line(cov), **cov.to_dict()}


def coverage(filters: Filters) -> dict:
    """Shares of the filtered region reached (``asskomm.analysis.coverage``): ``line`` (German), ``beteiligt``,
    ``kooperation`` (each n/area/population with their totals) and ``region`` (»im Landkreis Görlitz«)."""
    from asskomm.analysis.region import kreis_region_names, region_label
    from asskomm.geo import polizei

    region_name = region_label(filters, kreis_region_names(boundaries.kreise_index()), pd_labels=polizei.labels())
    return _coverage(data.data_version(), boundaries.geo_key(), population_key(), filters.cache_key(), region_name)


@st.cache_data(show_spinner=False, max_entries=16)
def _coverage_by_kreis(version: str, key: str, pop_key: str, stand_iso: str) -> pd.DataFrame:
    from asskomm.analysis import coverage

    gem = boundaries.layers_for(key)[0]
    table = data.status_table_for(version, key, stand_iso)
    rows = []
    for kreis, cov in coverage.by_kreis(table, gem, population_for(pop_key)).items():
        b, k = cov.beteiligt, cov.kooperation
        rows.append({"kreis_ags": kreis, "Gemeinden": b.n_total, "beteiligt": b.n,
                     "Gemeinden beteiligt %": 100 * b.p_n, "Fläche beteiligt %": 100 * b.p_area,
                     "Einwohner beteiligt %": 100 * b.p_population, "mit Vereinbarung": k.n,
                     "Einwohner mit Vereinbarung %": 100 * k.p_population})
    return pd.DataFrame(rows)


def coverage_by_kreis(stand: dt.date) -> pd.DataFrame:
    """One row per Kreis: shares of its own Gemeinden, area and population reached at ``stand``."""
    return _coverage_by_kreis(data.data_version(), boundaries.geo_key(), population_key(), stand.isoformat())


@st.cache_data(show_spinner=False, max_entries=16)
def _coverage_series(version: str, key: str, pop_key: str, today_iso: str, kreise: tuple) -> pd.DataFrame:
    from asskomm.analysis import coverage, region, timeline

    gem = boundaries.layers_for(key)[0]
    today = dt.date.fromisoformat(today_iso)
    in_region = region.region_ags(gem, Filters(today, kreise), population_for(pop_key))
    return coverage.series(data.records_for(version), gem, in_region, population_for(pop_key),
                           timeline.month_steps(end=today), today=today)


def coverage_series(kreise: tuple = ()) -> pd.DataFrame:
    """Monthly shares (in %) of the region's Gemeinden, area and population reached since the start."""
    return _coverage_series(data.data_version(), boundaries.geo_key(), population_key(), dt.date.today().isoformat(),
                            tuple(kreise))
