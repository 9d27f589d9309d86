"""Geometry of the build as one coverage: repair (no gaps, no overlaps), simplify every shared border once, round to WGS84."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from asskomm.geo.boundary_sources import BuildError
from asskomm.geo.layers import METRIC_CRS, OUTPUT_CRS

REPAIR_GRID_M = 0.01  # snap grid for the repair step (1 cm)

GAP_WIDTH_M = 1.0  # slivers/gaps narrower than this between neighbours are closed by coverage_clean

# Chosen by measurement (README): 110 m keeps every border within ~110 m of the source while the
# 418 Saxon Gemeinden stay below ~700 KB of GeoJSON even as folium serialises it (with spaces).
SIMPLIFY_TOLERANCE_M = 110.0

COORD_DECIMALS = 5  # ~1.1 m north-south, ~0.7 m east-west in Saxony

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
