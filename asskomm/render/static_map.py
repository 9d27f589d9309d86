"""Server-side map pictures for meetings: PNG (slide 1920×1080, A4 landscape at 300 dpi) and SVG.

The map is drawn with geopandas/matplotlib from the same data and the same palette (``asskomm.labels``)
as the interactive map: Gemeinden coloured by status, Modellkommunen outlined, Kreis borders on top,
markers for Präventionsräte and Sicherheitsanalysen, Gemeinden outside the current filter greyed.

Renderers take plain inputs (:class:`asskomm.analysis.exportdata.ExportData`), so tests can hand-build them;
``exportdata.collect`` wires the defaults to the real modules (geo, store, status, figures, vocabulary).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import textwrap
from collections.abc import Iterable, Sequence

import geopandas as gpd
import shapely
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from asskomm import labels
from asskomm.analysis.exportdata import TITLE, ExportData, collect
from asskomm.analysis.filters import Filters
from asskomm.analysis.kpis import KPI_LABELS, legend_counts
from asskomm.geo.layers import METRIC_CRS, kreis_display_names
from asskomm.render.maptext import map_summary

# Pixel sizes of the PNG formats: name → (width px, height px, dpi).
FORMATS = {
    "folie": (1920, 1080, 100),  # 16:9 slide
    "a4": (3508, 2480, 300),  # A4 landscape, 297 × 210 mm at 300 dpi
}


# --------------------------------------------------------------------------------------------- drawing

_HALO = [patheffects.withStroke(linewidth=3, foreground="white")]
# Styles mirrored from the interactive map (asskomm.render.mapcontroller): fill opacity of matching Gemeinden,
# border of greyed ones.
MATCHED_OPACITY = 0.9
OUT_BORDER_COLOUR = "#C8C8C8"


def _marker_style(flag: str, scale: float) -> dict:
    if flag == "kpr":  # filled dot with a white rim
        return {
            "marker": "o",
            "markersize": 8 * scale,
            "markerfacecolor": labels.MARKER_COLOURS["kpr"],
            "markeredgecolor": "white",
            "markeredgewidth": 1.2 * scale,
        }
    return {
        "marker": "o",
        "markersize": 14 * scale,
        "markerfacecolor": "none",  # ring
        "markeredgecolor": labels.MARKER_COLOURS["sicherheitsanalyse"],
        "markeredgewidth": 2.4 * scale,
    }


def _label_points(geoms: gpd.GeoSeries) -> list:
    """Label anchors: the centre of the largest inscribed circle (keeps »Landkreis Leipzig« off the city)."""
    out = []
    for geom in geoms:
        try:
            circle = shapely.maximum_inscribed_circle(geom, tolerance=200.0)
            out.append(shapely.get_point(circle, 0))
        except Exception:  # degenerate geometry: fall back to an inner point
            out.append(geom.representative_point())
    return out


def _nice_length(extent_m: float) -> int:
    """A round scale-bar length (km) of about a fifth of the map width."""
    target = extent_m / 5000
    for km in (1, 2, 5, 10, 20, 25, 50, 100, 200):
        if km >= target:
            return km
    return 200


def _draw_scale_bar(ax, bounds: Sequence[float], fs: float, lw: float) -> None:
    minx, miny, maxx, maxy = bounds
    km = _nice_length(maxx - minx)
    length = km * 1000
    x0 = minx + (maxx - minx) * 0.02
    y0 = miny + (maxy - miny) * 0.03
    height = (maxy - miny) * 0.012
    half = length / 2
    for i, colour in enumerate(("#333333", "white")):
        ax.add_patch(
            Rectangle(
                (x0 + i * half, y0),
                half,
                height,
                facecolor=colour,
                edgecolor="#333333",
                linewidth=lw,
                zorder=10,
            )
        )
    for pos, text in ((0, "0"), (half, fmt_km(km / 2)), (length, f"{fmt_km(km)} km")):
        ax.text(
            x0 + pos,
            y0 + height * 1.6,
            text,
            ha="center",
            va="bottom",
            fontsize=fs,
            color="#333333",
            zorder=10,
            path_effects=_HALO,
        )


def fmt_km(value: float) -> str:
    return labels.fmt_num(value, 0 if float(value).is_integer() else 1)


def _draw_map(
    ax,
    data: ExportData,
    *,
    scale: float,
    focus_kreis: str | None = None,
    highlight: Iterable[str] = (),
) -> None:
    frame = data.frame.to_crs(METRIC_CRS)
    kreise = data.kreise.to_crs(METRIC_CRS) if len(data.kreise) else data.kreise
    hit = frame["treffer"].to_numpy()
    _draw_areas(ax, frame, kreise, hit, scale, set(highlight))
    bounds = _view_bounds(frame, focus_kreis)

    # markers as on the interactive map, at the same inner point: Präventionsrat a filled dot,
    # Sicherheitsanalyse a ring around it (so a Gemeinde with both shows a dot in a ring)
    points = frame.geometry.representative_point()
    grow = 1.0 if focus_kreis is None else 1.3
    for flag in ("sicherheitsanalyse", "kpr"):
        sel = frame[flag].to_numpy() & hit
        if sel.any():
            ax.plot(
                points[sel].x, points[sel].y, linestyle="none", zorder=6, **_marker_style(flag, scale * grow)
            )

    if focus_kreis is None:
        _label_kreise(ax, data, kreise, scale)
    else:
        offset = (bounds[2] - bounds[0]) * 0.006
        _label_gemeinden(ax, frame, points, focus_kreis, bounds, offset, scale)

    _frame(ax, bounds)
    ax.set_axis_off()
    _draw_scale_bar(ax, bounds, fs=10.5 * scale, lw=0.8 * scale)


def _draw_areas(ax, frame, kreise, hit, scale: float, highlight: set[str]) -> None:
    """Gemeinden in their status colour (or greyed out), Modellkommunen, highlighted ones, Kreis borders."""
    fill = frame["status"].map(labels.STATUS_COLOURS)
    base_lw = 0.35 * scale
    if hit.any():
        frame[hit].plot(ax=ax, color=fill[hit].tolist(), alpha=MATCHED_OPACITY, zorder=1)
        frame[hit].boundary.plot(ax=ax, color=labels.GEMEINDE_BORDER_COLOUR, linewidth=base_lw, zorder=2)
    if (~hit).any():
        frame[~hit].plot(ax=ax, color=labels.FILTERED_OUT_COLOUR, alpha=labels.FILTERED_OUT_OPACITY, zorder=1)
        frame[~hit].boundary.plot(ax=ax, color=OUT_BORDER_COLOUR, linewidth=base_lw, zorder=2)
    model = frame[frame["modellkommune"] & frame["treffer"]]
    if len(model):
        model.boundary.plot(ax=ax, color=labels.MODEL_OUTLINE_COLOUR, linewidth=2.2 * scale, zorder=4)
    if highlight:
        marked = frame[frame["ags"].isin(highlight)]
        if len(marked):
            marked.boundary.plot(ax=ax, color="#000000", linewidth=2.6 * scale, zorder=5)
    if len(kreise):
        kreise.boundary.plot(ax=ax, color=labels.KREIS_BORDER_COLOUR, linewidth=1.3 * scale, zorder=3)


def _view_bounds(frame, focus_kreis: str | None) -> tuple[float, float, float, float]:
    """The area shown (all of Sachsen, or the focused Kreis) with 3 % padding."""
    if focus_kreis is not None:
        inside = frame[frame["kreis_ags"] == focus_kreis]
        bounds = inside.total_bounds if len(inside) else frame.total_bounds
    else:
        bounds = frame.total_bounds
    minx, miny, maxx, maxy = bounds
    padx, pady = (maxx - minx) * 0.03, (maxy - miny) * 0.03
    return (minx - padx, miny - pady, maxx + padx, maxy + pady)


def _label_kreise(ax, data: ExportData, kreise, scale: float) -> None:
    """The Kreis names on the map of Sachsen."""
    if not len(kreise):
        return
    label_points = _label_points(kreise.geometry)
    names = data.kreis_labels or kreis_display_names(kreise)
    for key, pt in zip(kreise["kreis_ags"].astype(str), label_points, strict=True):
        name = names.get(key, key)
        name = name.replace("Sächsische Schweiz-Osterzgebirge", "Sächsische Schweiz-\nOsterzgebirge")
        _map_label(ax, pt.x, pt.y, name, 12.5 * scale, va="center", linespacing=1.0)


def _label_gemeinden(ax, frame, points, focus_kreis: str, bounds, offset: float, scale: float) -> None:
    """Kreis view: name the participating Gemeinden (the others stay unlabelled, for legibility);
    agreements and larger towns first, and a name that would cover another is left out."""
    named = frame[(frame["kreis_ags"] == focus_kreis) & frame["treffer"] & (frame["status"] != "nicht_beteiligt")]
    order = {key: i for i, key in enumerate(reversed(labels.STATUS_ORDER))}
    area = named.geometry.area
    named = named.assign(_o=named["status"].map(order), _a=-area).sort_values(["_o", "_a"])
    _frame(ax, bounds)
    ax.apply_aspect()  # label extents are measured in the final layout
    placed = []
    for name, pt in zip(named["name"], points[named.index], strict=True):
        text = _map_label(ax, pt.x, pt.y - offset * 1.5, name, 10 * scale, va="top")
        box = text.get_window_extent().expanded(1.04, 1.1)
        if any(box.overlaps(other) for other in placed):
            text.remove()
        else:
            placed.append(box)


def _frame(ax, bounds) -> None:
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    ax.set_aspect("equal")


def _map_label(ax, x: float, y: float, text: str, fontsize: float, **kwargs):
    """A bold place name with a white halo, centred on (x, y)."""
    return ax.text(
        x, y, text, ha="center", fontsize=fontsize, fontweight="bold", color="#1A1A1A", zorder=8,
        path_effects=_HALO, **kwargs,
    )


def _legend(ax, data: ExportData, *, scale: float, title_size: float = 17, count_first: bool = False) -> None:
    """The legend with counts, drawn in axes coordinates (0..1) of a panel without axes."""
    counts = legend_counts(data.frame)
    _blank_panel(ax)
    fs = 14.5 * scale
    y = 0.97
    step = 0.062
    ax.text(
        0,
        y,
        f"Status am {labels.fmt_date(data.filters.stand)}",
        fontsize=title_size * scale,
        fontweight="bold",
        va="top",
        color="#1A1A1A",
    )
    y -= step * 1.25
    patch_w = 0.07 if count_first else 0.09
    for kind, colour, text, count in _legend_rows(counts):
        yc = y - step * 0.35
        _legend_symbol(ax, kind, colour, yc, patch_w, scale)
        _legend_text(ax, text, count, yc, fs, count_first)
        y -= step
    ax.text(
        0,
        y - 0.005,
        "Anzahl Gemeinden; eine Vereinbarung\neines Verbunds färbt alle Mitglieder.",
        fontsize=10.5 * scale,
        va="top",
        color="#555555",
        linespacing=1.3,
    )


def _legend_rows(counts) -> list[tuple[str, str, str, int]]:
    """(symbol kind, colour, label, count) per legend line: statuses from the highest, flags, filtered out."""
    rows = []
    for key in reversed(labels.STATUS_ORDER):
        rows.append(("patch", labels.STATUS_COLOURS[key], labels.STATUS_LABELS[key], counts[key]))
    rows.append(("outline", labels.MODEL_OUTLINE_COLOUR, "Modellkommune", counts["modellkommune"]))
    for flag in ("kpr", "sicherheitsanalyse"):
        rows.append(("dot", labels.MARKER_COLOURS[flag], labels.MARKER_LABELS[flag], counts[flag]))
    if counts["ausgegraut"]:
        rows.append(("grey", labels.FILTERED_OUT_COLOUR, "außerhalb des Filters", counts["ausgegraut"]))
    return rows


def _legend_symbol(ax, kind: str, colour: str, yc: float, patch_w: float, scale: float) -> None:
    """A filled patch (status, filtered out), an outline (Modellkommune) or a marker (flags)."""
    if kind == "dot":
        flag = "kpr" if colour == labels.MARKER_COLOURS["kpr"] else "sicherheitsanalyse"
        ax.add_line(Line2D([patch_w / 2], [yc], linestyle="none", **_marker_style(flag, scale)))
        return
    if kind == "outline":
        face, edge, width = "white", colour, 2.4
    else:
        face, edge, width = colour, labels.GEMEINDE_BORDER_COLOUR, 0.8
    ax.add_patch(
        Rectangle((0, yc - 0.018), patch_w, 0.036, facecolor=face, edgecolor=edge, linewidth=width * scale)
    )


def _legend_text(ax, text: str, count: int, yc: float, fs: float, count_first: bool) -> None:
    """Label and count of a legend line; narrow panels put the count first (»47  Kooperationsvereinbarung«)."""

    def count_at(x: float) -> None:
        ax.text(x, yc, labels.fmt_int(count), fontsize=fs, va="center", ha="right", fontweight="bold", color="#1A1A1A")

    if count_first:
        count_at(0.23)
        ax.text(0.27, yc, text, fontsize=fs, va="center", color="#1A1A1A")
    else:
        ax.text(0.13, yc, text, fontsize=fs, va="center", color="#1A1A1A")
        count_at(1.0)


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
    _draw_map(map_ax, data, scale=s)
    legend_ax = fig.add_axes((0.735, 0.40, 0.245, 0.47))
    _legend(legend_ax, data, scale=s)

    _kpi_block(fig.add_axes((0.735, 0.17, 0.245, 0.30)), data, s)  # under the legend
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


def _kpi_block(ax, data: ExportData, s: float) -> None:
    """The KPIs from the database with their source, in a panel without axes."""
    _blank_panel(ax)
    ax.text(0, 0.98, "Kennzahlen (Datenbank)", fontsize=17 * s, fontweight="bold", va="top", color="#1A1A1A")
    y = 0.80
    for label in KPI_LABELS:
        if label not in data.kpis:
            continue
        ax.text(0, y, label, fontsize=14.5 * s, va="center", color="#1A1A1A")
        ax.text(
            1.0,
            y,
            labels.fmt_int(data.kpis[label]),
            fontsize=14.5 * s,
            va="center",
            ha="right",
            fontweight="bold",
            color="#1A1A1A",
        )
        y -= 0.13
    ax.plot([0, 1], [y + 0.06, y + 0.06], color="#BBBBBB", linewidth=0.8 * s)
    source = textwrap.fill(f"Quelle: {data.kpi_source}, Stand {labels.fmt_date(data.filters.stand)}", 46)
    ax.text(0, y + 0.02, source, fontsize=10.5 * s, va="top", color="#555555", linespacing=1.3)


def _blank_panel(ax) -> None:
    """A panel without axes, drawn in axes coordinates 0..1."""
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)


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
        _legend(legend_ax, data, scale=s * 0.95, title_size=16, count_first=True)
    else:
        map_ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    _draw_map(map_ax, data, scale=s, focus_kreis=focus_kreis, highlight=highlight)
    return fig


def figure_bytes(
    fig: Figure, fmt: str, dpi: int | None = None, *, title: str = "", description: str = ""
) -> bytes:
    """The figure as PNG/SVG/PDF bytes. ``title`` and ``description`` go into the file for screen readers and
    file managers: PNG text chunks ``Title``/``Description``, SVG Dublin Core metadata plus ``<title>`` and
    ``<desc>`` as first children of the root (what assistive technology reads), PDF ``Title``/``Subject``."""
    buf = io.BytesIO()
    metadata: dict[str, str | None] = (
        {"Creator": "ASSKomm-Karte"} if fmt in ("svg", "pdf") else {"Software": "ASSKomm-Karte"}
    )
    if fmt == "svg":
        metadata["Date"] = None
    if title:
        metadata["Title"] = title
    if description:
        metadata["Subject" if fmt == "pdf" else "Description"] = description
    if fmt == "svg" and title:
        metadata["Language"] = "de"
    fig.savefig(buf, format=fmt, dpi=dpi or fig.dpi, facecolor="white", metadata=metadata)
    out = buf.getvalue()
    if fmt == "svg" and (title or description):
        out = _svg_title(out, title, description)
    return out


def _svg_title(svg: bytes, title: str, description: str) -> bytes:
    """Name the SVG for assistive technology: ``role="img"``, ``lang``, ``<title>`` and ``<desc>``."""
    text = svg.decode("utf-8")
    root = re.search(r"<svg\b[^>]*>", text)
    if root is None:
        return svg
    tag = root.group(0)
    new_tag = tag[:-1] + ' role="img" lang="de" aria-labelledby="asskomm-title asskomm-desc">'
    inner = f'<title id="asskomm-title">{html.escape(title)}</title>'
    if description:
        inner += f'<desc id="asskomm-desc">{html.escape(description)}</desc>'
    return (text[: root.start()] + new_tag + inner + text[root.end() :]).encode("utf-8")


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
