"""Benchmark of the boundary layers: ``python bench/bench_geo.py`` (or called by bench/run.py via ``run()``).

Measures how long ``asskomm.geo.layers.gemeinden()`` + ``kreise()`` take to load from geo/ (cache cleared before
each run; median of several runs) and how much GeoJSON a browser receives for all Gemeinden.
A script, not a test: it reports figures and asserts nothing.
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from asskomm.geo import layers as geo  # noqa: E402
from asskomm.paths import GEO_DIR  # noqa: E402


def _kb(n: int) -> float:
    return round(n / 1024, 1)


def run(runs: int = 7) -> dict:
    timings = []
    for _ in range(runs):
        geo._gemeinden.cache_clear()
        geo._kreise.cache_clear()
        start = time.perf_counter()
        gem = geo.gemeinden()
        geo.kreise()
        timings.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    geo.gemeinden()
    geo.kreise()
    cached_ms = (time.perf_counter() - start) * 1000

    as_folium = gem.to_json()  # folium serialises __geo_interface__ with json.dumps defaults (", " / ": ")
    compact = json.dumps(gem.__geo_interface__, separators=(",", ":"), ensure_ascii=False)
    meta = geo.meta()
    n_vertices = int(gem.geometry.count_coordinates().sum())
    return {
        "gemeinden": len(gem),
        "load_ms_median (gemeinden+kreise, cold cache)": round(statistics.median(timings), 1),
        "load_ms_min": round(min(timings), 1),
        "load_ms_cached (copies)": round(cached_ms, 1),
        "gemeinden.geojson KB": _kb((GEO_DIR / "gemeinden.geojson").stat().st_size),
        "kreise.geojson KB": _kb((GEO_DIR / "kreise.geojson").stat().st_size),
        "land.geojson KB": _kb((GEO_DIR / "land.geojson").stat().st_size),
        "browser GeoJSON KB (gdf.to_json, all columns)": _kb(len(as_folium.encode("utf-8"))),
        "browser GeoJSON KB (compact)": _kb(len(compact.encode("utf-8"))),
        "browser GeoJSON KB (gzip)": _kb(len(gzip.compress(as_folium.encode("utf-8")))),
        "vertices": n_vertices,
        "border deviation max m": meta.get("border_deviation_max_m"),
        "border deviation p95 m": meta.get("border_deviation_p95_m"),
        "simplify tolerance m": meta.get("simplify_tolerance_m"),
        "gebietsstand": meta.get("gebietsstand"),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
