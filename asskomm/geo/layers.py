"""Read the committed boundary layers in ``geo/`` and map old municipality keys to current ones.

All frames are in EPSG:4326; every attribute column is a plain string or float (no datetimes, which
folium cannot serialise). Keys are strings: AGS 8 digits, ARS 12 digits, Kreis 5 digits.

The files are parsed once per process (``functools.lru_cache``); every call returns a fresh copy, so
callers may add or change columns freely without affecting other callers.

Layers are produced by ``python -m asskomm geo build`` (module :mod:`asskomm.geo.build`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from asskomm.paths import GEO_DIR

GEMEINDEN_FILE = "gemeinden.geojson"
KREISE_FILE = "kreise.geojson"
LAND_FILE = "land.geojson"
META_FILE = "meta.json"
SUCCESSION_FILE = "ags_nachfolge.csv"

GEMEINDE_COLUMNS = ["ags", "ars", "name", "typ", "kreis_ags", "kreis_name", "flaeche_km2"]
KREIS_COLUMNS = ["kreis_ags", "name", "typ", "flaeche_km2"]
SUCCESSION_COLUMNS = ["date", "kind", "old_ags", "old_name", "new_ags", "new_name", "new_ars", "new_typ", "source"]

_AGS_RE = re.compile(r"\d{8}")

OUTPUT_CRS = "EPSG:4326"  # the layers in geo/ are WGS84 GeoJSON
METRIC_CRS = "EPSG:25833"  # ETRS89 / UTM 33N: metres, true scale and proportions for Saxony


def _read_layer(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise FileNotFoundError(f"{path}: Grenzdatei fehlt – bitte ».venv/bin/asskomm geo build« ausführen.")
    gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    return gdf


def _read_areas(path: Path, text_columns: tuple[str, ...], key: str) -> gpd.GeoDataFrame:
    """A layer of areas: keys and names as text, the area as a number, sorted by ``key``."""
    gdf = _read_layer(path)
    for col in text_columns:
        gdf[col] = gdf[col].astype(str)
    gdf["flaeche_km2"] = gdf["flaeche_km2"].astype(float)
    return gdf.sort_values(key, ignore_index=True)


@functools.lru_cache(maxsize=8)
def _gemeinden(geo_dir: Path) -> gpd.GeoDataFrame:
    return _read_areas(geo_dir / GEMEINDEN_FILE, ("ags", "ars", "name", "typ", "kreis_ags", "kreis_name"), "ags")


@functools.lru_cache(maxsize=8)
def _kreise(geo_dir: Path) -> gpd.GeoDataFrame:
    return _read_areas(geo_dir / KREISE_FILE, ("kreis_ags", "name", "typ"), "kreis_ags")


@functools.lru_cache(maxsize=8)
def _land(geo_dir: Path) -> gpd.GeoDataFrame:
    gdf = _read_layer(geo_dir / LAND_FILE)
    gdf["ags"] = gdf["ags"].astype(str)
    return gdf


@functools.lru_cache(maxsize=8)
def _meta(geo_dir: Path) -> str:
    return (geo_dir / META_FILE).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=8)
def _succession(geo_dir: Path) -> pd.DataFrame:
    df = pd.read_csv(geo_dir / SUCCESSION_FILE, dtype=str, keep_default_na=False)
    return df[SUCCESSION_COLUMNS]


def gemeinden(geo_dir: Path = GEO_DIR) -> gpd.GeoDataFrame:
    """The current Gemeinden (418 for Saxony since 2023), sorted by AGS.

    Columns: ``ags``, ``ars``, ``name``, ``typ`` (Gemeinde, Stadt, Große Kreisstadt, Kreisfreie Stadt),
    ``kreis_ags``, ``kreis_name``, ``flaeche_km2`` (from the unsimplified geometry, equal-area EPSG:3035), ``geometry``.
    """
    return _gemeinden(Path(geo_dir)).copy()


def kreise(geo_dir: Path = GEO_DIR) -> gpd.GeoDataFrame:
    """The Kreise (10 Landkreise + 3 Kreisfreie Städte), dissolved from the Gemeinden so borders nest exactly.

    Columns: ``kreis_ags``, ``name``, ``typ`` (Landkreis, Kreisfreie Stadt), ``flaeche_km2``, ``geometry``.
    Note that ``name`` alone is ambiguous (Leipzig is both a Kreisfreie Stadt and a Landkreis).
    """
    return _kreise(Path(geo_dir)).copy()


def land(geo_dir: Path = GEO_DIR) -> gpd.GeoDataFrame:
    """The outline of the state (one row: ``ags``, ``name``, ``flaeche_km2``, ``geometry``)."""
    return _land(Path(geo_dir)).copy()


def meta(geo_dir: Path = GEO_DIR) -> dict:
    """Metadata of the layers (``geo/meta.json``): source, Gebietsstand, build date, attribution, measurements.

    The app shows ``meta()["attribution"]`` (»© GeoBasis-DE / BKG (Jahr), dl-de/by-2-0 (Daten verändert)«).
    """
    return json.loads(_meta(Path(geo_dir)))


def attribution(layer_meta: dict | None = None) -> str:
    """The layers' attribution line, as ``python -m asskomm geo build`` writes it into ``geo/meta.json``."""
    return str((layer_meta if layer_meta is not None else meta())["attribution"])


def succession(geo_dir: Path = GEO_DIR) -> pd.DataFrame:
    """The AGS succession table (``geo/ags_nachfolge.csv``), all columns strings.

    Columns: ``date`` (ISO, the day the change took effect), ``kind`` (Eingliederung, Vereinigung (Neubildung)),
    ``old_ags``, ``old_name``, ``new_ags``, ``new_name``, ``new_ars``, ``new_typ``, ``source``.
    """
    return _succession(Path(geo_dir)).copy()


def _as_iso(date: dt.date | dt.datetime | str | None) -> str | None:
    if date is None:
        return None
    if isinstance(date, dt.datetime):
        return date.date().isoformat()
    if isinstance(date, dt.date):
        return date.isoformat()
    text = str(date).strip()
    return dt.date.fromisoformat(text).isoformat()


def current_ags(ags: str | int, date: dt.date | dt.datetime | str | None = None, geo_dir: Path = GEO_DIR) -> str:
    """Map a municipality key to the key valid at ``date`` (default: today, i.e. every known change).

    Follows chains of changes (A → B → C). Examples: ``current_ags("14521030") == "14521035"`` (Aue →
    Aue-Bad Schlema, 2019), ``current_ags("14521470") == "14521460"`` (Pfaffroda → Olbernhau, 2017),
    ``current_ags("14521030", "2018-12-31") == "14521030"`` (Aue still existed then).

    Keys that are not in the succession table – current keys, but also unknown ones – are returned
    **unchanged**; this function does not check that a key exists (use :func:`gemeinden` for that).
    Raises ``ValueError`` if ``ags`` is not an 8-digit key (e.g. an integer that lost its leading zero).
    """
    key = str(ags).strip()
    if not _AGS_RE.fullmatch(key):
        raise ValueError(f"Ungültiger Gemeindeschlüssel {ags!r}: erwartet werden 8 Ziffern (z. B. '14521035').")
    until = _as_iso(date)
    mapping = _succession_map(Path(geo_dir))
    seen = {key}
    while key in mapping:
        change_date, new = mapping[key]
        if until is not None and change_date > until:
            break
        key = new
        if key in seen:  # defensive: a cycle in the table
            break
        seen.add(key)
    return key


@functools.lru_cache(maxsize=8)
def _succession_map(geo_dir: Path) -> dict[str, tuple[str, str]]:
    df = _succession(geo_dir)
    return {row.old_ags: (row.date, row.new_ags) for row in df.itertuples()}


def kreis_display_names(kreise: pd.DataFrame) -> dict[str, str]:
    """Kreis key → display name; a Landkreis sharing its name with a city becomes »Landkreis Leipzig«."""
    names = kreise["name"].astype(str).tolist()
    typ = kreise["typ"].astype(str).tolist() if "typ" in kreise else [""] * len(kreise)
    out = {}
    for key, name, kind in zip(kreise["kreis_ags"].astype(str), names, typ, strict=True):
        if names.count(name) > 1 and kind.lower().startswith("landkreis") and not name.startswith("Landkreis"):
            name = f"Landkreis {name}"
        out[key] = name
    return out
