"""Cached boundary layers for the pages: Gemeinden, Kreise, their indexes, labels and the map geometry.

Keyed on ``geo_key()`` (the boundary layer's version, changes when ``geo/`` is rebuilt), so a rebuilt
layer invalidates exactly what is derived from it. ``x()`` reads the current key; ``x_for(key)`` is the cache
itself (for the other loaders and ``firstview.warm``).

    gem = ui.boundaries.gemeinden()          # GeoDataFrame (shared, do not mutate)
    idx = ui.boundaries.gemeinden_index()    # without geometry (ags, name, kreis_…, flaeche_km2)
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from asskomm.render import mapgeometry
from asskomm.ui import views
from asskomm.ui.runmemo import once_per_run


@st.cache_resource(show_spinner=False)
def layers_for(key: str) -> tuple[Any, Any, Any]:
    """(Gemeinden, Kreise, meta) of the boundary layer version ``key``."""
    from asskomm.geo import layers as geo

    return geo.gemeinden(), geo.kreise(), geo.meta()


def geo_key() -> str:
    """Version of the boundary layers (changes when ``geo/`` is rebuilt; read once per run)."""
    return once_per_run("geo_key", _read_geo_key)


def _read_geo_key() -> str:
    from asskomm.paths import GEO_DIR

    h = hashlib.sha256()
    for path in sorted(GEO_DIR.glob("*")):
        if path.is_file():
            stat = path.stat()
            h.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def gemeinden():
    return layers_for(geo_key())[0]


def kreise():
    return layers_for(geo_key())[1]


def geo_meta() -> Any:
    return layers_for(geo_key())[2]


def bkg_attribution() -> str:
    from asskomm.geo import layers

    return layers.attribution(geo_meta())


@st.cache_data(show_spinner=False)
def gemeinden_index_for(key: str) -> pd.DataFrame:
    gem = layers_for(key)[0]
    cols = [c for c in ("ags", "ars", "name", "typ", "kreis_ags", "kreis_name", "flaeche_km2") if c in gem]
    return pd.DataFrame(gem[cols]).reset_index(drop=True)


def gemeinden_index() -> pd.DataFrame:
    """The Gemeinden without geometry (cheap to copy, filter and show)."""
    return gemeinden_index_for(geo_key())


@st.cache_data(show_spinner=False)
def kreise_index_for(key: str) -> pd.DataFrame:
    kr = layers_for(key)[1]
    cols = [c for c in ("kreis_ags", "name", "typ", "flaeche_km2") if c in kr]
    return pd.DataFrame(kr[cols]).sort_values("name").reset_index(drop=True)


def kreise_index() -> pd.DataFrame:
    return kreise_index_for(geo_key())


def kreis_labels() -> dict[str, str]:
    """Kreis key → display name (»Landkreis Leipzig« vs. »Leipzig«), sorted by name (shared: do not mutate)."""
    return kreis_labels_for(geo_key())


@st.cache_resource(show_spinner=False, max_entries=4)
def kreis_labels_for(key: str) -> dict[str, str]:
    from asskomm.geo.layers import kreis_display_names

    return dict(sorted(kreis_display_names(kreise_index_for(key)).items(), key=lambda kv: kv[1]))


def search_options() -> dict[str, str]:
    """AGS → label of the Gemeinde search box (``views.search_options``; shared: do not mutate)."""
    return _search_options(geo_key())


@st.cache_resource(show_spinner=False, max_entries=4)
def _search_options(key: str) -> dict[str, str]:
    return views.search_options(gemeinden_index_for(key), kreis_labels_for(key))


# immutable (strings): shared by all sessions without a copy per call
@st.cache_resource(show_spinner=False)
def map_geometry_for(key: str) -> mapgeometry.MapGeometry:
    gem, kr, _ = layers_for(key)
    return mapgeometry.prepare_geometry(gem, kr, attribution=bkg_attribution())


def map_geometry() -> mapgeometry.MapGeometry:
    """Compact GeoJSON for the interactive map (prepared once per boundary layer)."""
    return map_geometry_for(geo_key())


@st.cache_resource(show_spinner=False)
def geometry_script_for(key: str) -> str:
    return mapgeometry.geometry_script(map_geometry_for(key))


def map_geometry_url(base_url_path: str = "") -> str | None:
    """URL of the map's geometry as a static file (``asskomm.geo.geometry_file``); ``None``: embed it."""
    from asskomm.geo import geometry_file

    return geometry_file.url(geometry_script_for(geo_key()), base_url_path)


@st.cache_resource(show_spinner=False)
def _neighbours(key: str) -> tuple[dict, dict]:
    from asskomm.analysis import ansprache

    gem = layers_for(key)[0]
    return ansprache.neighbours(gem), ansprache.centroids_km(gem)


def neighbours_and_centroids() -> tuple[dict, dict]:
    """(AGS → neighbouring AGS, AGS → centroid in km, EPSG:25833) of the boundary layer (computed once)."""
    return _neighbours(geo_key())
