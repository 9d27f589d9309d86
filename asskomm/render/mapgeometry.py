"""The map's geometry, prepared once per boundary layer: the Gemeinden and Kreis borders simplified as a coverage,
packed as integer deltas (plain strings, so ``st.cache_data`` can keep them), the script that unpacks them in the
browser, and the geometry as a script file of its own (``mapbase.base_map(..., geometry_url=...)``)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import shapely

from asskomm.render import maplabels
from asskomm.render.mapscript import script_json, script_safe
from asskomm.render.maptext import esc

# Where a geometry script loaded by URL (``geometry_script``) leaves the packed Gemeinden and Kreise.
GEOMETRY_GLOBAL = "window.asskommGeometry"


@dataclasses.dataclass(frozen=True)
class MapGeometry:
    # FeatureCollections with packed geometries (see ``pack_geometry``);
    # Gemeinden properties: ags, h (escaped tooltip header), p ([lat, lon] of a point inside, for markers)
    gemeinden_geojson: str
    kreise_geojson: str
    decimals: int
    bounds: tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east))
    attribution: str
    # Kreis names for the map: JSON list of [kreis key, escaped HTML name, lat, lon] (a point inside the Kreis)
    kreis_labels: str = "[]"

    @property
    def size_bytes(self) -> int:
        return len(self.gemeinden_geojson.encode()) + len(self.kreise_geojson.encode())


def _round_coords(geoms: np.ndarray, decimals: int) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


def _simplified_coverage(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify the layer as a coverage (shared borders stay shared: no gaps or overlaps)."""
    if tolerance <= 0:
        return geoms
    return shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)


def pack_geometry(geom, decimals: int = 4) -> dict:
    """A (Multi)Polygon/LineString as integer deltas: ``{"t": type, "c": [...]}`` (about half the size of
    GeoJSON). Each ring/line is ``[x0, y0, dx1, dy1, ...]`` in units of ``10**-decimals`` degrees; the map's
    script (``UNPACK_JS``) turns it back into GeoJSON."""
    scale = 10**decimals

    def ring(coords) -> list[int]:
        xy = np.rint(np.asarray(coords)[:, :2] * scale).astype(np.int64)
        out = np.empty_like(xy)
        out[0] = xy[0]
        out[1:] = xy[1:] - xy[:-1]
        return out.ravel().tolist()

    gj = json.loads(shapely.to_geojson(geom))
    kind, coords = gj["type"], gj["coordinates"]
    if kind == "Polygon":
        packed = [ring(r) for r in coords]
    elif kind == "MultiPolygon":
        packed = [[ring(r) for r in poly] for poly in coords]
    elif kind == "LineString":
        packed = ring(coords)
    elif kind == "MultiLineString":
        packed = [ring(r) for r in coords]
    else:
        raise ValueError(f"cannot pack {kind}")
    return {"t": kind, "c": packed}


def unpack_geometry(packed: dict, decimals: int = 4) -> dict:
    """Inverse of ``pack_geometry`` (used by tests; the browser does the same in JavaScript)."""
    scale = 10**decimals

    def ring(flat: list[int]) -> list[list[float]]:
        arr = np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0) / scale
        return arr.tolist()

    kind, c = packed["t"], packed["c"]
    if kind == "Polygon":
        coords = [ring(r) for r in c]
    elif kind == "MultiPolygon":
        coords = [[ring(r) for r in poly] for poly in c]
    elif kind == "LineString":
        coords = ring(c)
    else:
        coords = [ring(r) for r in c]
    return {"type": kind, "coordinates": coords}


def _feature_collection(features: list[dict]) -> str:
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
    )


def tooltip_header(name: str, kreis_name: str | None) -> str:
    head = f"<b>{esc(name)}</b>"
    return head + (f"<br>{esc(kreis_name)}" if kreis_name else "")


def prepare_geometry(
    gemeinden,
    kreise,
    *,
    attribution: str = "",
    tolerance: float = 0.0004,
    decimals: int = 4,
) -> MapGeometry:
    """Compact GeoJSON of the Gemeinden (with tooltip header and marker point) and the Kreis borders.

    ``gemeinden``: GeoDataFrame (EPSG:4326) with ``ags``, ``name``, ``kreis_name``;
    ``kreise``: GeoDataFrame (EPSG:4326). Coordinates are simplified as a coverage and rounded to
    ``decimals`` (4 ≈ 10 m), which keeps the map payload small without opening gaps.
    """
    geoms = _round_coords(_simplified_coverage(np.asarray(gemeinden.geometry.values), tolerance), decimals)
    points = shapely.point_on_surface(np.asarray(gemeinden.geometry.values))
    features = []
    for ags, name, kreis_name, geom, point in zip(
        gemeinden["ags"],
        gemeinden["name"],
        gemeinden.get("kreis_name", [None] * len(gemeinden)),
        geoms,
        points,
        strict=True,
    ):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "ags": str(ags),
                    "n": esc(name),
                    "h": tooltip_header(name, kreis_name),
                    "p": [round(point.y, 4), round(point.x, 4)],
                },
                "geometry": pack_geometry(geom, decimals),
            }
        )
    kreis_geoms = _round_coords(_simplified_coverage(np.asarray(kreise.geometry.values), tolerance), decimals)
    kreis_features = [
        {"type": "Feature", "properties": {}, "geometry": pack_geometry(g, decimals)}
        for g in shapely.boundary(kreis_geoms)
    ]
    west, south, east, north = (float(v) for v in gemeinden.total_bounds)
    return MapGeometry(
        kreis_labels=script_json(maplabels.kreis_label_points(kreise)),
        gemeinden_geojson=_feature_collection(features),
        kreise_geojson=_feature_collection(kreis_features),
        bounds=((round(south, 4), round(west, 4)), (round(north, 4), round(east, 4))),
        attribution=attribution,
        decimals=decimals,
    )


UNPACK_JS = """
window.asskommUnpack = window.asskommUnpack || function (fc, decimals) {
  var scale = Math.pow(10, decimals);
  function ring(flat) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < flat.length; i += 2) { x += flat[i]; y += flat[i + 1]; out.push([x / scale, y / scale]); }
    return out;
  }
  function geom(g) {
    var c = g.c, t = g.t;
    if (t === "Polygon" || t === "MultiLineString") { return {type: t, coordinates: c.map(ring)}; }
    if (t === "MultiPolygon") { return {type: t, coordinates: c.map(function (p) { return p.map(ring); })}; }
    return {type: t, coordinates: ring(c)};
  }
  fc.features.forEach(function (f) { f.geometry = geom(f.geometry); });
  return fc;
};
"""


def geometry_script(geometry: MapGeometry) -> str:
    """The map's geometry as a script of its own (``base_map(..., geometry_url=...)`` loads it by URL)."""
    return (
        f"{GEOMETRY_GLOBAL} = {{g: {script_safe(geometry.gemeinden_geojson)}, "
        f"k: {script_safe(geometry.kreise_geojson)}}};\n"
    )

