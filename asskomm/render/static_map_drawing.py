"""The map of a picture (PNG/SVG/PDF), drawn with geopandas/matplotlib into one axes: Gemeinden coloured by status
(greyed outside the filter), Modellkommunen and highlighted ones outlined, Kreis borders, markers, the names of
the Kreise (or, in a Kreis view, of the Gemeinden taking part) and a scale bar."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import shapely
from matplotlib import patheffects
from matplotlib.patches import Rectangle

from asskomm import labels
from asskomm.analysis.exportdata import ExportData
from asskomm.geo.layers import METRIC_CRS, kreis_display_names

_HALO = [patheffects.withStroke(linewidth=3, foreground="white")]
# Styles mirrored from the interactive map (asskomm.render.mapcontroller): fill opacity of matching Gemeinden,
# border of greyed ones.
MATCHED_OPACITY = 0.9
OUT_BORDER_COLOUR = "#C8C8C8"


def marker_style(flag: str, scale: float) -> dict:
    """Marker keywords (matplotlib) of a Präventionsrat (dot) or a Sicherheitsanalyse (ring)."""
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


def draw_map(
    ax,
    data: ExportData,
    *,
    scale: float,
    focus_kreis: str | None = None,
    highlight: Iterable[str] = (),
) -> None:
    """The map into ``ax``: all of Sachsen with the Kreis names, or ``focus_kreis`` with the names of its
    Gemeinden taking part; ``highlight``: AGS outlined (»Neu seit …«)."""
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
                points[sel].x, points[sel].y, linestyle="none", zorder=6, **marker_style(flag, scale * grow)
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
