"""Cached loaders for the pages, keyed on plain values (``st.cache_data`` cannot hash a GeoDataFrame).

Keys: ``geo_key()`` (the boundary layer's version), ``data_version()`` (the database's version, bumped by
every write) and ISO date strings. Pages call these and never the domain modules' loaders directly, so one
change to the data invalidates exactly the views that depend on it.

    gem = ui.data.gemeinden()                       # GeoDataFrame (shared, do not mutate)
    idx = ui.data.gemeinden_index()                 # DataFrame without geometry (ags, name, kreis_…, flaeche_km2)
    tab = ui.data.status_table("2021-11-30")        # status per AGS at that date
    rec = ui.data.records()                         # RecordSet of the current data_version
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from typing import Any

import pandas as pd
import streamlit as st

from asskomm.analysis.filters import Filters
from asskomm.render import mapgeometry


# ----------------------------------------------------------------------------------------------- geo
@st.cache_resource(show_spinner=False)
def _geo_layers(key: str) -> tuple[Any, Any, Any]:
    from asskomm.geo import layers as geo

    return geo.gemeinden(), geo.kreise(), geo.meta()


def geo_key() -> str:
    """Version of the boundary layers (changes when ``geo/`` is rebuilt)."""
    from asskomm.paths import GEO_DIR

    h = hashlib.sha256()
    for path in sorted(GEO_DIR.glob("*")):
        if path.is_file():
            stat = path.stat()
            h.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def gemeinden():
    return _geo_layers(geo_key())[0]


def kreise():
    return _geo_layers(geo_key())[1]


def geo_meta() -> Any:
    return _geo_layers(geo_key())[2]


def bkg_attribution() -> str:
    from asskomm.geo import layers

    return layers.attribution(geo_meta())


@st.cache_data(show_spinner=False)
def _gemeinden_index(key: str) -> pd.DataFrame:
    gem = _geo_layers(key)[0]
    cols = [c for c in ("ags", "ars", "name", "typ", "kreis_ags", "kreis_name", "flaeche_km2") if c in gem]
    return pd.DataFrame(gem[cols]).reset_index(drop=True)


def gemeinden_index() -> pd.DataFrame:
    """The Gemeinden without geometry (cheap to copy, filter and show)."""
    return _gemeinden_index(geo_key())


@st.cache_data(show_spinner=False)
def _kreise_index(key: str) -> pd.DataFrame:
    kr = _geo_layers(key)[1]
    cols = [c for c in ("kreis_ags", "name", "typ", "flaeche_km2") if c in kr]
    return pd.DataFrame(kr[cols]).sort_values("name").reset_index(drop=True)


def kreise_index() -> pd.DataFrame:
    return _kreise_index(geo_key())


def kreis_labels() -> dict[str, str]:
    """Kreis key → display name (»Landkreis Leipzig« vs. »Leipzig«), sorted by name."""
    from asskomm.geo.layers import kreis_display_names

    return dict(sorted(kreis_display_names(kreise_index()).items(), key=lambda kv: kv[1]))


@st.cache_data(show_spinner=False)
def _map_geometry(key: str) -> mapgeometry.MapGeometry:
    gem, kr, _ = _geo_layers(key)
    return mapgeometry.prepare_geometry(gem, kr, attribution=bkg_attribution())


def map_geometry() -> mapgeometry.MapGeometry:
    """Compact GeoJSON for the interactive map (prepared once per boundary layer)."""
    return _map_geometry(geo_key())


@st.cache_resource(show_spinner=False)
def _geometry_script(key: str) -> str:
    return mapgeometry.geometry_script(_map_geometry(key))


def map_geometry_url(base_url_path: str = "") -> str | None:
    """URL of the map's geometry as a static file (``asskomm.geo.geometry_file``); ``None``: embed it."""
    from asskomm.geo import geometry_file

    return geometry_file.url(_geometry_script(geo_key()), base_url_path)


# ----------------------------------------------------------------------------------------------- records
@st.cache_resource(show_spinner=False)
def _store(db_setting: str):
    from asskomm.store.database import Store

    return Store.from_env()


def store():
    """The store named by ``ASSKOMM_DB`` (one per setting, so tests with their own database stay apart)."""
    return _store(os.environ.get("ASSKOMM_DB", ""))


# Session key of the »unbestätigte Angaben einbeziehen« toggle (sidebar; URL parameter ``unbestaetigt=1``).
K_UNCONFIRMED = "flt_unbestaetigt"


def include_unconfirmed() -> bool:
    """Whether this view counts unconfirmed milestones (the sidebar toggle, else the URL)."""
    if K_UNCONFIRMED in st.session_state:
        return bool(st.session_state[K_UNCONFIRMED])
    return st.query_params.get("unbestaetigt", "") in ("1", "ja", "true")


def database_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean »the database cannot be used right now« (shown by :func:`database_notice`)."""
    import sqlalchemy as sa

    from asskomm.store.connection import DatabaseUnavailable
    from asskomm.store.migrate import SchemaError

    return (DatabaseUnavailable, SchemaError, sa.exc.OperationalError, sa.exc.InterfaceError)


def database_notice(exc: BaseException) -> None:
    """A German page instead of a traceback; stops the run. The next rerun tries the database again, so the
    app recovers by itself when the database is back (the store is only cached once it opened)."""
    from asskomm.store.connection import DatabaseUnavailable, unavailable_message, url_from_setting
    from asskomm.store.migrate import SchemaError

    if isinstance(exc, DatabaseUnavailable | SchemaError):
        detail = str(exc)
    else:
        detail = unavailable_message(url_from_setting(os.environ.get("ASSKOMM_DB")), exc)
    st.title("ASSKomm-Karte ist gerade nicht verfügbar")
    st.error(
        "Die Datenbank kann im Moment nicht verwendet werden. Es wurde nichts halb gespeichert. "
        "Bitte in einigen Minuten erneut versuchen; bleibt der Fehler, bitte die Administration informieren."
    )
    st.caption(detail.replace("\n", "  \n"))
    st.button("Erneut versuchen", type="primary")
    st.stop()


def require_database() -> None:
    """Stop the page with :func:`database_notice` when the database cannot be reached (entrypoint, first).

    The notice is the only page then (no navigation: Streamlit would otherwise list the files in pages/).
    """
    try:
        store().data_version()
    except database_errors() as exc:
        error = exc

        def nicht_verfuegbar() -> None:
            database_notice(error)

        st.navigation([st.Page(nicht_verfuegbar, title="Nicht verfügbar", default=True)], position="hidden").run()
        st.stop()


def data_version() -> str:
    """The database's version as a plain string (the cache key of everything derived from records).

    It names the database too, so two databases at the same version never share cached results, and ends in
    ``:u`` when unconfirmed milestones count (``:c`` otherwise), so both views are cached apart.
    """
    db = hashlib.sha256(os.environ.get("ASSKOMM_DB", "").encode()).hexdigest()[:8]
    return f"{db}:{store().data_version()}:{'u' if include_unconfirmed() else 'c'}"


@st.cache_resource(show_spinner=False, max_entries=8)
def _records(version: str):
    loaded = store().load()
    return loaded if version.endswith(":u") else loaded.confirmed_only()


def records():
    """The records this view counts (without unconfirmed milestones unless the toggle is on)."""
    return _records(data_version())


def all_records():
    """Every record, unconfirmed milestones included (for the town page, which shows them with the reason)."""
    return store().load()


def _population_key() -> str:
    from asskomm.records.einwohner import EINWOHNER_FILE

    try:
        return str(EINWOHNER_FILE.stat().st_mtime_ns)
    except OSError:
        return "-"


@st.cache_resource(show_spinner=False, max_entries=2)
def _population(key: str):
    from asskomm.records import einwohner

    return einwohner.load()


def population():
    """The population table (``asskomm.records.einwohner.Population``: figures, Stichtag, source)."""
    return _population(_population_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _coverage(version: str, key: str, pop_key: str, fkey: tuple, region_name: str) -> dict:
    from asskomm.analysis import coverage, status

    filters = Filters.from_cache_key(fkey)
    gem = _geo_layers(key)[0]
    table = _status_table(version, key, fkey[0])
    region = coverage.region_ags(gem, filters, _population(pop_key))
    reached = None
    if filters.problemfelder or filters.baustein:
        reached = status.matching_ags(_records(version), gem, filters)
    cov = coverage.coverage(table, gem, region, _population(pop_key), reached=reached, region_name=region_name)
    return {"line": coverage.coverage_line(cov), **cov.to_dict()}


def coverage(filters: Filters) -> dict:
    """Shares of the filtered region reached (``asskomm.analysis.coverage``): ``line`` (German), ``beteiligt``,
    ``kooperation`` (each n/area/population with their totals) and ``region`` (»im Landkreis Görlitz«)."""
    from asskomm.analysis.coverage import kreis_region_names, region_label
    from asskomm.geo import polizei

    return _coverage(data_version(), geo_key(), _population_key(), filters.cache_key(),
                     region_label(filters, kreis_region_names(kreise_index()), pd_labels=polizei.labels()))


@st.cache_data(show_spinner=False, max_entries=64)
def _status_table(version: str, key: str, stand_iso: str) -> pd.DataFrame:
    from asskomm.analysis import status

    table = status.status_table(_records(version), _geo_layers(key)[0], dt.date.fromisoformat(stand_iso))
    return pd.DataFrame(table).reset_index(drop=True)


def status_table(stand: dt.date | str) -> pd.DataFrame:
    """Status of every Gemeinde at ``stand`` (see ``asskomm.analysis.status.status_table``)."""
    stand_iso = stand if isinstance(stand, str) else stand.isoformat()
    return _status_table(data_version(), geo_key(), stand_iso)


@st.cache_data(show_spinner=False, max_entries=64)
def _summary(version: str, key: str, fkey: tuple):
    from asskomm.analysis import status

    result = status.summary(_records(version), _geo_layers(key)[0], Filters.from_cache_key(fkey))
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    return dict(result) if isinstance(result, dict) else result


def summary(filters: Filters) -> dict:
    """KPI counts for the filters (``asskomm.analysis.status.summary``, the same code as ``python -m asskomm summary``)."""
    return _summary(data_version(), geo_key(), filters.cache_key())


# ----------------------------------------------------------------------------------------------- vocab
def vocab_labels() -> tuple[dict[str, str], dict[str, str]]:
    """(Problemfeld id → label, Baustein id → label) in display order (with the admins' Problemfelder)."""
    version = data_version()
    _records(version)  # reading this version of the database put its Problemfelder in force
    return _vocab_labels(version)


@st.cache_data(show_spinner=False, max_entries=8)
def _vocab_labels(version: str) -> tuple[dict[str, str], dict[str, str]]:
    from asskomm.records import vocabulary as vocab

    return vocab.problemfeld_labels(), vocab.baustein_labels()


def published_figures(until: dt.date, region: tuple[str, ...] | None = ()) -> list[dict]:
    """The published figure per KPI card by ``until`` (``figures.published_for_kpi``, the one rule for every
    page and export); ``region``: Kreis keys of a region filter, ``None`` for a view no figure fits."""
    if region is None:
        return []
    return _published_figures(until.isoformat(), tuple(region), _figures_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _published_figures(until_iso: str, region: tuple[str, ...], figures_key: str) -> list[dict]:
    from asskomm.analysis import figures

    until = dt.date.fromisoformat(until_iso)
    return [
        {
            "kpi": kpi,
            "metric": fig.metric,
            "value": fig.value,
            "date": fig.date,
            "source": fig.source,
            "qualifier": fig.qualifier,
        }
        for kpi, fig in figures.published_kpis(until, region=region).items()
    ]


@st.cache_data(show_spinner=False, max_entries=64)
def _matching(version: str, key: str, fkey: tuple) -> frozenset:
    from asskomm.analysis import status

    return frozenset(status.matching_ags(_records(version), _geo_layers(key)[0], Filters.from_cache_key(fkey)))


def matched(filters: Filters, table: pd.DataFrame) -> pd.Series:
    """Boolean Series aligned with ``table``: the Gemeinden matching the filters (``status.matching_ags``)."""
    if filters.is_default:
        return pd.Series(True, index=table.index)
    hits = _matching(data_version(), geo_key(), filters.cache_key())
    return table["ags"].astype(str).isin(hits)


# ----------------------------------------------------------------------------------------------- Ansprache
@st.cache_resource(show_spinner=False)
def _neighbours(key: str) -> tuple[dict, dict]:
    from asskomm.analysis import ansprache

    gem = _geo_layers(key)[0]
    return ansprache.neighbours(gem), ansprache.centroids_km(gem)


def neighbours_and_centroids() -> tuple[dict, dict]:
    """(AGS → neighbouring AGS, AGS → centroid in km, EPSG:25833) of the boundary layer (computed once)."""
    return _neighbours(geo_key())


# ----------------------------------------------------------------------------------------------- coverage
@st.cache_data(show_spinner=False, max_entries=16)
def _coverage_by_kreis(version: str, key: str, pop_key: str, stand_iso: str) -> pd.DataFrame:
    from asskomm.analysis import coverage

    gem = _geo_layers(key)[0]
    table = _status_table(version, key, stand_iso)
    rows = []
    for kreis, cov in coverage.by_kreis(table, gem, _population(pop_key)).items():
        b, k = cov.beteiligt, cov.kooperation
        rows.append({"kreis_ags": kreis, "Gemeinden": b.n_total, "beteiligt": b.n,
                     "Gemeinden beteiligt %": 100 * b.p_n, "Fläche beteiligt %": 100 * b.p_area,
                     "Einwohner beteiligt %": 100 * b.p_population, "mit Vereinbarung": k.n,
                     "Einwohner mit Vereinbarung %": 100 * k.p_population})
    return pd.DataFrame(rows)


def coverage_by_kreis(stand: dt.date) -> pd.DataFrame:
    """One row per Kreis: shares of its own Gemeinden, area and population reached at ``stand``."""
    return _coverage_by_kreis(data_version(), geo_key(), _population_key(), stand.isoformat())


@st.cache_data(show_spinner=False, max_entries=16)
def _coverage_series(version: str, key: str, pop_key: str, today_iso: str, kreise: tuple) -> pd.DataFrame:
    from asskomm.analysis import coverage, timeline

    gem = _geo_layers(key)[0]
    today = dt.date.fromisoformat(today_iso)
    region = coverage.region_ags(gem, Filters(today, kreise), _population(pop_key))
    return coverage.series(_records(version), gem, region, _population(pop_key),
                           timeline.month_steps(end=today), today=today)


def coverage_series(kreise: tuple = ()) -> pd.DataFrame:
    """Monthly shares (in %) of the region's Gemeinden, area and population reached since the start."""
    return _coverage_series(data_version(), geo_key(), _population_key(), dt.date.today().isoformat(), tuple(kreise))


# ----------------------------------------------------------------------------------------------- first view
# What every first view of the start page needs, computed once per data version, boundary version and
# filters and shared by all sessions (issue 18: 20 visitors at once were served one after another, each
# building the same table). The results are plain values; pages must not mutate them.
@st.cache_data(show_spinner=False, max_entries=64)
def _sources(version: str, key: str, stand_iso: str) -> dict[str, list[str]]:
    from asskomm.ui import views

    table = _status_table(version, key, stand_iso)
    return views.sources_by_ags(_records(version), dt.date.fromisoformat(stand_iso), table["ags"])


def sources(stand: dt.date) -> dict[str, list[str]]:
    """AGS → source URLs of the milestones that count by ``stand`` (``views.sources_by_ags``), shared."""
    return _sources(data_version(), geo_key(), stand.isoformat())


@st.cache_data(show_spinner=False, max_entries=64)
def _karte_table(version: str, key: str, fkey: tuple) -> pd.DataFrame:
    from asskomm.geo.layers import kreis_display_names
    from asskomm.ui import views

    filters = Filters.from_cache_key(fkey)
    stand_iso = fkey[0]
    table = _status_table(version, key, stand_iso)
    if filters.is_default:
        hit = pd.Series(True, index=table.index)
    else:
        hit = table["ags"].astype(str).isin(_matching(version, key, fkey))
    _records(version)  # this version's Problemfelder in force before their labels are read
    return views.karte_table(
        table,
        _gemeinden_index(key),
        hit,
        problemfeld_labels=_vocab_labels(version)[0],
        kreis_labels=kreis_display_names(_kreise_index(key)),
        sources=_sources(version, key, stand_iso),
    )


def karte_table(filters: Filters) -> pd.DataFrame:
    """The start page's table »Gemeinden in dieser Ansicht« (``views.karte_table``) for ``filters``, shared."""
    return _karte_table(data_version(), geo_key(), filters.cache_key())


def _figures_key() -> str:
    from asskomm.analysis.figures import FIGURES_FILE

    try:
        stat = FIGURES_FILE.stat()
        return f"{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        return "-"


def warm(stand: dt.date | None = None) -> list[str]:
    """Fill the shared caches for the default first view (``/`` without filters at ``stand``, default today).

    Called once per server process when it starts (``app.py``), outside any session: the first visitor then
    finds the boundary layers, the map geometry, the records and the start page's table ready. Returns what
    was warmed; errors (e.g. no database yet) are left to the first page run, which shows them in German.
    """
    stand_iso = (stand or dt.date.today()).isoformat()
    done = []
    key = geo_key()
    _geo_layers(key)
    _gemeinden_index(key)
    _kreise_index(key)
    _map_geometry(key)
    _geometry_script(key)
    done.append("geo")
    db = hashlib.sha256(os.environ.get("ASSKOMM_DB", "").encode()).hexdigest()[:8]
    version = f"{db}:{store().data_version()}:c"  # the default view counts confirmed milestones only
    _records(version)
    _vocab_labels(version)
    _status_table(version, key, stand_iso)
    fkey = Filters(dt.date.fromisoformat(stand_iso)).cache_key()
    _summary(version, key, fkey)
    _sources(version, key, stand_iso)
    _karte_table(version, key, fkey)
    _published_figures(stand_iso, (), _figures_key())
    _population(_population_key())
    done.append(f"records {version}")
    return done
