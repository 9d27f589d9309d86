"""Server-side map pictures for meetings: PNG (slide 1920×1080, A4 landscape at 300 dpi) and SVG.

The map is drawn with geopandas/matplotlib from the same data and the same palette (``asskomm.labels``)
as the interactive map: Gemeinden coloured by status, Modellkommunen outlined, Kreis borders on top,
markers for Präventionsräte and Sicherheitsanalysen, Gemeinden outside the current filter greyed.

Renderers take plain inputs (:class:`asskomm.analysis.exportdata.ExportData`), so tests can hand-build them;
``exportdata.collect`` wires the defaults to the real modules (geo, store, status, figures, vocabulary).
Here: the layouts (slide, map with legend) and the public API; the map itself is drawn by
``static_map_drawing``, legend and KPIs by ``static_map_panels``, the file written by ``figure_file``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from matplotlib.figure import Figure

from asskomm import labels
from asskomm.analysis.exportdata import TITLE, ExportData, collect
from asskomm.analysis.filters import Filters
from asskomm.render.figure_file import figure_bytes
from asskomm.render.maptext import map_summary
from asskomm.render.static_map_drawing import draw_map
from asskomm.render.static_map_panels import draw_kpis, draw_legend

# Pixel sizes of the PNG formats: name → (width px, height px, dpi).
FORMATS = {
    "folie": (1920, 1080, 100),  # 16:9 slide
    "a4": (3508, 2480, 300),  # A4 landscape, 297 × 210 mm at 300 dpi
}


def _figure(width_px: int, height_px: int, dpi: int) -> tuple[Figure, float]:
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
    # Layout is designed for the 1920×1080 slide (10.8 in high); other sizes scale with the height.
    scale = (height_px / dpi) / 10.8
    return fig, scale


def draw_slide(data: ExportData, width_px: int, height_px: int, dpi: int) -> Figure:
    """The full map picture: title, Stand and filters, map, legend with counts, KPIs, attribution."""
    fig, s = _figure(width_px, height_px, dpi)
    fig.text(0.025, 0.955, TITLE, fontsize=30 * s, fontweight="bold", va="top", color="#0B2A4A")
    fig.text(
        0.025,
        0.893,
        f"Stand: {labels.fmt_date(data.filters.stand)}  ·  {data.filter_text()}",
        fontsize=17 * s,
        va="top",
        color="#333333",
    )
    map_ax = fig.add_axes((0.01, 0.065, 0.71, 0.80))
    draw_map(map_ax, data, scale=s)
    legend_ax = fig.add_axes((0.735, 0.40, 0.245, 0.47))
    draw_legend(legend_ax, data, scale=s)

    draw_kpis(fig.add_axes((0.735, 0.17, 0.245, 0.30)), data, s)  # under the legend
    fig.text(
        0.025,
        0.025,
        f"Gemeindegrenzen: {data.attribution}  ·  Status: {data.kpi_source}",
        fontsize=11 * s,
        va="bottom",
        color="#444444",
    )
    fig.text(
        0.975,
        0.025,
        f"Erstellt am {labels.fmt_date(dt.date.today())}",
        fontsize=11 * s,
        va="bottom",
        ha="right",
        color="#444444",
    )
    return fig


def draw_map_only(
    data: ExportData,
    width_px: int,
    height_px: int,
    dpi: int,
    *,
    focus_kreis: str | None = None,
    legend: bool = True,
    highlight: Iterable[str] = (),
) -> Figure:
    """Map with legend beside it and no title (for embedding in the briefing PDF)."""
    fig, _ = _figure(width_px, height_px, dpi)
    # Embedded pictures are placed at their natural size, so font sizes are the printed point sizes.
    s = 0.62
    if legend:
        map_ax = fig.add_axes((0.0, 0.0, 0.67, 1.0))
        legend_ax = fig.add_axes((0.675, 0.08, 0.325, 0.90))
        draw_legend(legend_ax, data, scale=s * 0.95, title_size=16, count_first=True)
    else:
        map_ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    draw_map(map_ax, data, scale=s, focus_kreis=focus_kreis, highlight=highlight)
    return fig


def export_text(data: ExportData) -> tuple[str, str]:
    """(title, description) of a map picture: what it shows, at which date, filtered how, from where."""
    stand = labels.fmt_date(data.filters.stand)
    title = f"ASSKomm-Karte: Gemeinden in Sachsen nach Status, Stand {stand}"
    summary = map_summary(data.frame, data.frame["treffer"].astype(bool), table_hint=False)
    description = (
        f"Karte der Allianz Sichere Sächsische Kommunen, Stand {stand}. {summary} "
        f"Quelle: ASSKomm-Datenbank (SMI/LPR-Veröffentlichungen). Grenzen: {data.attribution}."
    )
    return title, description


# --------------------------------------------------------------------------------------------- public API


def _resolve(data: ExportData | None, filters: Filters | None) -> ExportData:
    if data is not None:
        return data
    return collect(filters or Filters(stand=dt.date.today()))


def render_map_png(
    data: ExportData | None = None, *, filters: Filters | None = None, size: str = "folie"
) -> bytes:
    """The map picture as PNG bytes: ``size`` »folie« (1920×1080) or »a4« (A4 quer, 300 dpi)."""
    if size not in FORMATS:
        raise ValueError(f"Unbekanntes Format »{size}«; erlaubt: {', '.join(FORMATS)}.")
    width, height, dpi = FORMATS[size]
    data = _resolve(data, filters)
    title, description = export_text(data)
    return figure_bytes(draw_slide(data, width, height, dpi), "png", title=title, description=description)


def render_map_svg(data: ExportData | None = None, *, filters: Filters | None = None) -> bytes:
    """The slide map as SVG (vector; same layout as the 1920×1080 PNG)."""
    width, height, dpi = FORMATS["folie"]
    data = _resolve(data, filters)
    title, description = export_text(data)
    return figure_bytes(draw_slide(data, width, height, dpi), "svg", title=title, description=description)
