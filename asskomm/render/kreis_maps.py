"""Pictures of the Landkreise page: the choropleth of the share reached per Kreis, and the map of one Kreis."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from asskomm import labels
from asskomm.analysis.kreise import SHARE_CLASS_LABELS, SHARE_COLOURS, participation_note, share_class
from asskomm.geo.layers import METRIC_CRS

# Label nudges (metres) where a Kreisfreie Stadt sits on its Landkreis' label point.
LABEL_OFFSETS_M = {"14729": (0.0, -14_000.0)}

_HALO = [patheffects.withStroke(linewidth=3, foreground="white")]

_HALO_DARK = [patheffects.withStroke(linewidth=3, foreground="#0B2A4A")]

def _png(fig: Figure, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()

# A Kreis that takes part without any agreement is hatched in a blue of the share scale.
PARTICIPATION_HATCH = "////"
PARTICIPATION_HATCH_COLOUR = SHARE_COLOURS[3]


def render_choropleth_png(
    kreise: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    stand: dt.date,
    attribution: str = "",
    width_px: int = 1100,
    height_px: int = 600,
    dpi: int = 100,
) -> bytes:
    """Kreise coloured by the share of their Gemeinden with an agreement, labelled with name and percent."""
    geo = kreise.to_crs(METRIC_CRS)
    share = dict(zip(table["kreis_ags"].astype(str), table["anteil_gemeinden"].astype(float), strict=True))
    names = dict(zip(table["kreis_ags"].astype(str), table["kreis"].astype(str), strict=True))
    notes = {str(r["kreis_ags"]): participation_note(r) for r in table.to_dict("records")}
    colours = [SHARE_COLOURS[share_class(share.get(str(k), 0.0))] for k in geo["kreis_ags"]]
    scale = width_px / 1100
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.0, 0.06, 0.72, 0.94))
    geo.plot(ax=ax, color=colours, edgecolor="#333333", linewidth=1.0)
    # taking part without an agreement (advised towns, a Modellkommune): hatched, never the »absent« grey alone
    taking_part = geo[[bool(notes.get(str(k))) for k in geo["kreis_ags"]]]
    if len(taking_part):
        taking_part.plot(
            ax=ax, facecolor="none", edgecolor=PARTICIPATION_HATCH_COLOUR, hatch=PARTICIPATION_HATCH, linewidth=0
        )
        taking_part.plot(ax=ax, facecolor="none", edgecolor="#333333", linewidth=1.0)
    ax.set_axis_off()
    ax.set_aspect("equal")
    _label_kreise(ax, geo, share, names, notes, scale)
    _share_legend(fig, stand, scale)
    if attribution:
        fig.text(0.01, 0.02, f"Grenzen: {attribution}", fontsize=11.5 * scale, color="#555555")
    return _png(fig, dpi)

def _label_kreise(
    ax, geo: gpd.GeoDataFrame, share: dict[str, float], names: dict[str, str], notes: dict[str, str], scale: float
) -> None:
    """Name and share (and how it takes part, if without an agreement) on each Kreis (white on the dark classes;
    cities smaller)."""
    small = {"Kreisfreie Stadt"}
    for key, kind, geom in zip(
        geo["kreis_ags"].astype(str), geo["typ"].astype(str), geo.geometry, strict=True
    ):
        value = share.get(key, 0.0)
        dark = share_class(value) >= 4
        point = geom.representative_point()
        dx, dy = LABEL_OFFSETS_M.get(key, (0.0, 0.0))
        name = names.get(key, key).replace(
            "Sächsische Schweiz-Osterzgebirge", "Sächs. Schweiz-\nOsterzgebirge"
        )
        size = 12 if kind in small else 14.5
        note = notes.get(key, "")
        text = f"{name}\n{labels.fmt_pct(value)}" + (f"\n{note}" if note else "")
        if note and kind in small:  # a city is one Gemeinde: »Modellkommune« says more than »0,0 %«
            text = f"{name}\n{note}"
        ax.annotate(
            text,
            (point.x + dx, point.y + dy),
            ha="center",
            va="center",
            fontsize=size * scale,
            fontweight="bold",
            color="white" if dark else "#1A1A1A",
            path_effects=_HALO_DARK if dark else _HALO,
            linespacing=1.1,
        )


def _share_legend(fig: Figure, stand: dt.date, scale: float) -> None:
    """The share classes with their colours, the date and the source, right of the map."""
    handles = [
        Patch(facecolor=c, edgecolor="#666666", label=label)
        for c, label in zip(SHARE_COLOURS, SHARE_CLASS_LABELS, strict=True)
    ]
    handles.insert(
        1,
        Patch(
            facecolor=SHARE_COLOURS[0], edgecolor=PARTICIPATION_HATCH_COLOUR, hatch=PARTICIPATION_HATCH,
            label="0 %, aber beteiligt",
        ),
    )
    legend = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.72, 0.92),
        frameon=False,
        fontsize=14.5 * scale,
        title="Anteil der Gemeinden\nmit Kooperations-\nvereinbarung",
        title_fontsize=15 * scale,
        alignment="left",
        handlelength=1.6,
        handleheight=1.1,
    )
    legend.get_title().set_fontweight("bold")
    fig.text(
        0.72,
        0.12,
        f"Stand {labels.fmt_date(stand)}\nQuelle: ASSKomm-Datenbank",
        fontsize=13.5 * scale,
        color="#333333",
        va="bottom",
    )


def render_kreis_png(
    gemeinden: gpd.GeoDataFrame,
    status_of: Mapping[str, str],
    kreis_ags: str,
    *,
    model: Sequence[str] = (),
    size_px: int = 360,
    dpi: int = 100,
) -> bytes:
    """Small multiple of one Kreis: its Gemeinden coloured by status (Modellkommunen outlined)."""
    sel = gemeinden[gemeinden["kreis_ags"].astype(str) == str(kreis_ags)].to_crs(METRIC_CRS)
    fig = Figure(figsize=(size_px / dpi, size_px * 0.8 / dpi), dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    colours = [labels.STATUS_COLOURS[status_of.get(str(a), "nicht_beteiligt")] for a in sel["ags"]]
    sel.plot(ax=ax, color=colours, edgecolor="#8A8A8A", linewidth=0.4)
    sel.dissolve().boundary.plot(ax=ax, color="#333333", linewidth=1.0)
    models = sel[sel["ags"].astype(str).isin(set(model))]
    if len(models):
        models.boundary.plot(ax=ax, color=labels.MODEL_OUTLINE_COLOUR, linewidth=2.2)
    ax.set_axis_off()
    ax.set_aspect("equal")
    return _png(fig, dpi)
