"""A tiny BKG-VG250-shaped source for the boundary build tests (written by the tests, never downloaded).

Layout and fields follow the official release ``vg250_01-01.utm32s.shape.ebenen.zip``:
``vg250_01-01.utm32s.shape.ebenen/vg250_ebenen_0101/VG250_{GEM,KRS,LAN}.shp`` in EPSG:25832 with the
fields ADE, GF, BSG, ARS, AGS, GEN, BEZ, … and an ``aktualitaet.txt`` stating the Gebietsstand.

Content (1 km squares near Chemnitz, Gebietsstand 01.01.2018)::

    y=4 +---------Pfaffroda----+-----Olbernhau-------+~~water~~+
        |   14521470 (0..3 km) |  14521460 (3..6 km) | GF=2    |
    y=2 +-----Chemnitz---+------Aue------+--Bad Schlema-+------+
        |  14511000      |  14521030     |  14521050    |
    y=0 +----------------+---------------+--------------+
    plus 16051000 Erfurt west of Chemnitz (another state) and a 0.3 m overlap between Chemnitz and Aue.

Expected build for ``--land 14``: the 2019 merger Aue + Bad Schlema → 14521035 Aue-Bad Schlema is applied
(after the Gebietsstand), the 2017 change Pfaffroda → Olbernhau is not (already before it; this fixture
pretends Pfaffroda still existed, so it must stay) → 4 Gemeinden, 2 Kreise.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
from shapely.geometry import box

X0, Y0 = 774_000.0, 5_630_000.0  # EPSG:25832, near Chemnitz
KM = 1000.0
RELEASE = "vg250_01-01.utm32s.shape.ebenen"
INNER = "vg250_ebenen_0101"
CRS = "EPSG:25832"


def _sq(x0: float, y0: float, x1: float, y1: float):
    return box(X0 + x0 * KM, Y0 + y0 * KM, X0 + x1 * KM, Y0 + y1 * KM)


def _row(ars: str, gen: str, bez: str, geom, gf: int = 4) -> dict:
    ags = ars[:5] + ars[-3:] if len(ars) == 12 else ars
    return {
        "ADE": 6 if len(ags) == 8 else (4 if len(ags) == 5 else 2),
        "GF": gf, "BSG": 1, "ARS": ars, "AGS": ags, "SDV_ARS": ars, "GEN": gen, "BEZ": bez,
        "IBZ": 60, "BEM": "--", "NBD": "ja", "SN_L": ags[:2], "geometry": geom,
    }


def gem_frame() -> gpd.GeoDataFrame:
    rows = [
        _row("145110000000", "Chemnitz", "Stadt", _sq(0, 0, 2.0003, 2)),  # 0.3 m overlap into Aue
        _row("145210030030", "Aue", "Stadt", _sq(2, 0, 4, 2)),
        _row("145210050050", "Bad Schlema", "Gemeinde", _sq(4, 0, 6, 2)),
        _row("145210470470", "Pfaffroda", "Gemeinde", _sq(0, 2, 3, 4)),
        _row("145210460460", "Olbernhau", "Stadt", _sq(3, 2, 6, 4)),
        _row("145210460460", "Olbernhau", "Stadt", _sq(6, 2, 7, 4), gf=2),  # water part: skipped
        _row("160510000000", "Erfurt", "Stadt", _sq(-3, 0, 0, 4)),
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def krs_frame() -> gpd.GeoDataFrame:
    rows = [
        {**_row("14511", "Chemnitz", "Kreisfreie Stadt", _sq(0, 0, 2, 2)), "AGS": "14511", "ARS": "14511"},
        {**_row("14521", "Erzgebirgskreis", "Landkreis", _sq(2, 0, 6, 4)), "AGS": "14521", "ARS": "14521"},
        {**_row("16051", "Erfurt", "Kreisfreie Stadt", _sq(-3, 0, 0, 4)), "AGS": "16051", "ARS": "16051"},
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def lan_frame() -> gpd.GeoDataFrame:
    rows = [
        {**_row("14", "Sachsen", "Freistaat", _sq(0, 0, 7, 4)), "AGS": "14", "ARS": "14"},
        {**_row("16", "Thüringen", "Freistaat", _sq(-3, 0, 0, 4)), "AGS": "16", "ARS": "16"},
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def write_folder(root: Path, *, gem: gpd.GeoDataFrame | None = None, gebietsstand: str = "01.01.2018") -> Path:
    """Write the unzipped release below ``root``; return the release folder."""
    release = root / RELEASE
    inner = release / INNER
    inner.mkdir(parents=True, exist_ok=True)
    for name, frame in (("VG250_GEM", gem_frame() if gem is None else gem), ("VG250_KRS", krs_frame()),
                        ("VG250_LAN", lan_frame())):
        pyogrio.write_dataframe(frame, inner / f"{name}.shp", encoding="UTF-8")
    (release / "aktualitaet.txt").write_text(gebietsstand + "\n", encoding="latin-1")
    return release


def zip_folder(release: Path, zip_path: Path, *, skip: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(release.rglob("*")):
            if path.is_file() and not any(s.lower() in path.name.lower() for s in skip):
                zf.write(path, path.relative_to(release.parent).as_posix())
    return zip_path


def write_zip(root: Path, **kwargs) -> Path:
    work = root / "unzipped"
    release = write_folder(work, **kwargs)
    path = zip_folder(release, root / f"{RELEASE}.zip")
    shutil.rmtree(work)
    return path


def write_gpkg(root: Path) -> Path:
    """The GeoPackage variant: one DE_VG250.gpkg with lower-case layer names."""
    path = root / "DE_VG250.gpkg"
    for name, frame in (("vg250_gem", gem_frame()), ("vg250_krs", krs_frame()), ("vg250_lan", lan_frame())):
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
    return path
