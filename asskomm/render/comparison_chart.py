"""The comparison chart of the Quellen page: one panel per figure, the database as a step line, published totals as points."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd
from matplotlib.dates import YearLocator
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from asskomm import labels
from asskomm.analysis.sources import FIELD_COLOURS, FIELD_LABELS, PUBLISHED_COLOUR


def render_comparison_png(
    series: pd.DataFrame,
    comp: pd.DataFrame,
    *,
    width_px: int = 1000,
    height_px: int = 620,
    dpi: int = 100,
) -> bytes:
    """One panel per figure: database (step line, month ends) and published totals (points with value)."""
    scale = width_px / 1000
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
    axes = fig.subplots(2, 2, sharex=True)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.8, bottom=0.08, hspace=0.38, wspace=0.16)
    dates = pd.to_datetime(series["stand"]) if len(series) else pd.to_datetime([])
    for ax, (field, title) in zip(axes.ravel(), FIELD_LABELS.items(), strict=True):
        colour = FIELD_COLOURS[field]
        if len(series):
            ax.step(dates, series[field].astype(float), where="post", color=colour, linewidth=2.6 * scale)
        pub = comp[comp["feld"] == field]
        if len(pub):
            x = pd.to_datetime(pub["stand"])
            ax.plot(
                x, pub["veroeffentlicht"].astype(float), linestyle="none",
                **labels.published_marker(PUBLISHED_COLOUR, 8 * scale, 2 * scale),
            )
        # The newest published figure and today's database figure, written out (the gap is the message).
        if len(pub):
            last_pub = pub.iloc[-1]
            value = last_pub["veroeffentlicht"]
            _value_label(ax, value, pd.Timestamp(last_pub["stand"]), 9, "center", PUBLISHED_COLOUR, scale)
        if len(series):
            _value_label(ax, series[field].iloc[-1], dates.iloc[-1], 7, "right", colour, scale)
        top = max([1.0, *series.get(field, pd.Series(dtype=float)).astype(float), *pub["veroeffentlicht"]])
        _style_panel(ax, title, top, scale)
    fig.text(
        0.07,
        0.95,
        "Veröffentlichte Gesamtzahlen und Datenbank",
        fontsize=18 * scale,
        fontweight="bold",
        color="#0B2A4A",
        va="center",
    )
    last = series["stand"].iloc[-1] if len(series) else dt.date.today()
    fig.text(
        0.07,
        0.885,
        f"Linie: ASSKomm-Datenbank (Zahl am Monatsende, Stand {labels.fmt_date(last)})\n"
        "Kreise: von SMI/LPR veröffentlichte Gesamtzahl an ihrem Datum (Quellen in der Tabelle)",
        fontsize=13 * scale,
        color="#333333",
        va="center",
        linespacing=1.3,
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()

def _value_label(ax, value, x, dy: float, ha: str, colour: str, scale: float) -> None:
    """A figure written in bold above its point (``dy`` points higher)."""
    ax.annotate(
        labels.fmt_int(value),
        (x, float(value)),
        xytext=(0, dy * scale),
        textcoords="offset points",
        ha=ha,
        fontsize=12.5 * scale,
        fontweight="bold",
        color=colour,
    )


def _style_panel(ax, title: str, top: float, scale: float) -> None:
    """Title, room above the highest value, a light grid, whole numbers up the side and years along."""
    ax.set_ylim(0, top * 1.22)
    ax.set_title(title, loc="left", fontsize=15 * scale, fontweight="bold", color="#0B2A4A")
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: labels.fmt_int(v)))
    ax.xaxis.set_major_locator(YearLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(_year))
    ax.tick_params(labelsize=12.5 * scale)


def _year(value: float, _pos: Any) -> str:
    from matplotlib.dates import num2date

    return str(num2date(value).year)
