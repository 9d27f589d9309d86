"""Benchmark of the meeting take-aways: ``python bench/bench_exports.py`` (or ``run()`` from bench/run.py).

Times, on the committed layers and the seed records (a temporary database), the median of several runs of:
collecting the data (status, KPIs, milestones), the briefing PDF (1 page, and with 2 Kreis pages), the map
PNG (slide and A4 at 300 dpi), the SVG, the offline HTML snapshot, and the monthly growth series.
Target: briefing under 3 s including data collection. A script, not a test: it reports, it asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _median_ms(fn, runs: int) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        timings.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(timings), 1), result


def run(runs: int = 5) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        previous = os.environ.get("ASSKOMM_DB")
        os.environ["ASSKOMM_DB"] = str(Path(tmp) / "bench.db")
        try:
            return _measure(runs)
        finally:
            if previous is None:
                os.environ.pop("ASSKOMM_DB", None)
            else:
                os.environ["ASSKOMM_DB"] = previous


def _measure(runs: int) -> dict:
    from asskomm.analysis import exportdata, timeline
    from asskomm.analysis.filters import Filters
    from asskomm.render import briefing, snapshot, static_map
    from asskomm.store.database import Store

    store = Store.from_env()  # seeds the temporary database once
    today = dt.date.today()
    filters = Filters(stand=today)
    kreis_filters = Filters(stand=today, kreise=("14626", "14625"))
    collect_ms, data = _median_ms(lambda: exportdata.collect(filters, store=store), runs)
    kreis_data = exportdata.collect(kreis_filters, store=store)

    def briefing_end_to_end() -> bytes:
        return briefing.render_briefing_pdf(exportdata.collect(filters, store=store))

    figures = {
        "runs": runs,
        "collect data ms (status, KPIs, milestones)": collect_ms,
    }
    figures["briefing PDF ms (1 page, incl. collect) – target < 3000"], pdf = _median_ms(
        briefing_end_to_end, runs
    )
    figures["briefing PDF ms (render only)"], _ = _median_ms(lambda: briefing.render_briefing_pdf(data), runs)
    figures["briefing PDF ms (+2 Kreis pages, render only)"], _ = _median_ms(
        lambda: briefing.render_briefing_pdf(kreis_data, kreis_pages=True), runs
    )
    figures["map PNG 1920×1080 ms"], png = _median_ms(lambda: static_map.render_map_png(data), runs)
    figures["map PNG A4 300 dpi ms"], png_a4 = _median_ms(
        lambda: static_map.render_map_png(data, size="a4"), runs
    )
    figures["map SVG ms"], svg = _median_ms(lambda: static_map.render_map_svg(data), runs)
    figures["snapshot HTML ms"], html = _median_ms(lambda: snapshot.render_snapshot_html(data), runs)
    records = store.load()
    from asskomm.geo import layers as geo

    gemeinden = geo.gemeinden()
    figures["growth series ms (monthly since 06.02.2019)"], series = _median_ms(
        lambda: timeline.growth_series(records, gemeinden), max(1, runs // 2)
    )
    figures.update(
        {
            "briefing PDF KB": round(len(pdf) / 1024, 1),
            "map PNG KB": round(len(png) / 1024, 1),
            "map PNG A4 KB": round(len(png_a4) / 1024, 1),
            "map SVG KB": round(len(svg) / 1024, 1),
            "snapshot HTML KB": round(len(html.encode("utf-8")) / 1024, 1),
            "growth series points": len(series),
        }
    )
    store.dispose()
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
