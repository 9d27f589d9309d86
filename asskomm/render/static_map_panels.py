"""The panels beside the map of a picture, drawn in axes coordinates (0..1) of axes without frame: the legend
with counts and the KPI block with its source."""

from __future__ import annotations

import textwrap

from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from asskomm import labels
from asskomm.analysis.exportdata import ExportData
from asskomm.analysis.kpis import KPI_LABELS, legend_counts
from asskomm.render.static_map_drawing import marker_style


def draw_legend(ax, data: ExportData, *, scale: float, title_size: float = 17, count_first: bool = False) -> None:
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
        ax.add_line(Line2D([patch_w / 2], [yc], linestyle="none", **marker_style(flag, scale)))
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


def draw_kpis(ax, data: ExportData, s: float) -> None:
    """The KPIs from the database with their source, in a panel without axes."""
    _blank_panel(ax)
    ax.text(0, 0.98, "Kennzahlen (Datenbank)", fontsize=17 * s, fontweight="bold", va="top", color="#1A1A1A")
    y = 0.80
    published = {p.kpi: p for p in data.published if p.kpi}
    step = 0.15 if published else 0.13
    for label in KPI_LABELS:
        if label not in data.kpis:
            continue
        pub = published.get(label)
        if pub is not None and int(pub.value) != int(data.kpis[label]):  # as the cards: only where it differs
            ax.text(0, y - 0.055, f"veröffentlicht {labels.fmt_int(pub.value)} · {pub.attribution}",
                    fontsize=9.8 * s, va="center", color="#555555")
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
        y -= step
    ax.plot([0, 1], [y + 0.06, y + 0.06], color="#BBBBBB", linewidth=0.8 * s)
    source = textwrap.fill(f"Quelle: {data.kpi_source}, Stand {labels.fmt_date(data.filters.stand)}", 46)
    ax.text(0, y + 0.02, source, fontsize=10.5 * s, va="top", color="#555555", linespacing=1.3)


def _blank_panel(ax) -> None:
    """A panel without axes, drawn in axes coordinates 0..1."""
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
