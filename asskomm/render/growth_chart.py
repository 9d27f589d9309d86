"""The growth chart: monthly KPI series from the database as lines, published totals as points with their source."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from matplotlib.figure import Figure

from asskomm import labels
from asskomm.analysis.timeline import SERIES


def render_growth_png(
    series: pd.DataFrame,
    points: pd.DataFrame | None = None,
    *,
    width_px: int = 1600,
    height_px: int = 800,
    dpi: int = 100,
    marker: dt.date | None = None,
) -> bytes:
    """The growth chart as PNG: lines from the records, points for the published totals.

    Type is sized for a projector (the chart is usually shown about 900 px wide); one legend entry per
    series (line = database, circle = published) below the plot. ``marker``: a date drawn as a dashed
    vertical line (»Stand 30.11.2021«), e.g. the map's date while the Zeitraffer plays.
    """
    scale = height_px / dpi / 8.0 * 1.3
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.065, 0.27, 0.9, 0.6))
    published = points if points is not None and len(points) else None
    handles = _draw_series(ax, series, published, scale)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=13 * scale)
    ax.yaxis.set_major_formatter(_german_int_formatter())
    if marker is not None and len(series):
        _draw_marker(ax, marker, scale)
    ax.set_title(
        "Wachstum der Allianz seit dem Start am 06.02.2019",
        fontsize=19 * scale,
        loc="left",
        fontweight="bold",
        color="#0B2A4A",
        pad=12 * scale,
    )
    if handles:
        fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.06, 0.075),
            ncols=len(handles),
            frameon=False,
            fontsize=13 * scale,
            handlelength=2.2,
            columnspacing=1.6,
        )
    last = series["stand"].iloc[-1] if len(series) else dt.date.today()
    note = f"Linie: ASSKomm-Datenbank, Stand {labels.fmt_date(last)} (Monatsende)."
    if published is not None:
        note += f" Kreis: {PRESS_NOTE[0]}; Raute: {PRESS_NOTE[1]}; Quellen in der Tabelle."
    fig.text(0.065, 0.025, note, fontsize=10.5 * scale, color="#444444")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()

# The kinds of source, as the note under the chart names them (circle: the ministry's own; diamond: the press).
PRESS_NOTE = ("SMI/LPR", "Presse (Angabe des SMI/LPR)")


def _is_press(points: pd.DataFrame) -> pd.Series:
    """Points reported by a newspaper (drawn as a diamond), by the ``art`` column of ``published_points``."""
    if "art" not in points:
        return pd.Series(False, index=points.index)
    return points["art"].astype(str).str.startswith("Presse")


def _draw_series(ax, series: pd.DataFrame, published: pd.DataFrame | None, scale: float) -> list:
    """Per series: the database's line and the published points; returns one legend handle per series shown."""
    from matplotlib.lines import Line2D

    dates = pd.to_datetime(series["stand"])
    handles = []
    for label, colour in SERIES.items():
        has_line = label in series and series[label].notna().any()
        sel = published[published["serie"] == label] if published is not None else None
        has_points = sel is not None and len(sel) > 0
        if has_line:
            ax.step(dates, series[label].astype(float), where="post", color=colour, linewidth=3.2 * scale)
        if has_points:
            press = _is_press(sel)
            for part, shape in ((sel[~press], "o"), (sel[press], "D")):
                if len(part):
                    ax.plot(
                        pd.to_datetime(part["stand"]), part["wert"], linestyle="none", zorder=4,
                        **{**labels.published_marker(colour, 9 * scale, 2.6 * scale), "marker": shape},
                    )
        if has_line or has_points:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=colour,
                    linewidth=3.2 * scale if has_line else 0,
                    label=label,
                    **(labels.published_marker(colour, 9 * scale, 2.6 * scale) if has_points else {}),
                )
            )
    return handles


def _draw_marker(ax, marker: dt.date, scale: float) -> None:
    """A dashed vertical line at ``marker`` with »Stand …« under the year labels (never hiding a line or point)."""
    ax.axvline(pd.Timestamp(marker), color="#333333", linewidth=1.4 * scale, linestyle=(0, (4, 3)), zorder=1)
    ax.annotate(
        f"Stand {labels.fmt_date(marker)}",
        xy=(pd.Timestamp(marker), 0.0),
        xycoords=("data", "axes fraction"),
        xytext=(0, -24 * scale),
        textcoords="offset points",
        ha="center",
        va="top",
        fontsize=12 * scale,
        fontweight="bold",
        color="#333333",
    )


def _german_int_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: labels.fmt_int(value))
