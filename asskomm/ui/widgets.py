"""Reusable page blocks: KPI cards, legend with counts, selected-municipality panel, table with downloads."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from asskomm import labels
from asskomm.analysis.kpis import KPI_HELP
from asskomm.render import mapcontroller, maptext
from asskomm.ui import views
from asskomm.ui.messages import md

# Relative card widths so that »Kooperationsvereinbarungen« fits on one line without hyphenation.
KPI_WIDTHS = {"Kooperationsvereinbarungen": 1.45, "Sicherheitsanalysen": 1.1, "Präventionsräte": 1.05}


def kpi_cards(
    values: Mapping[str, int],
    published: list[dict],
    *,
    stand: dt.date,
    compact: bool = False,
    vertical: bool = False,
    units: Mapping[str, str] | None = None,
) -> None:
    """One card per KPI (``st.metric``): the database figure, what it counts (``units``: »29 Vereinbarungen ·
    35 Gemeinden«) and the published figure beside it (``figures.published_for_kpi``) where it differs.

    ``compact``: one low row (start page) or, with ``vertical``, stacked in the projector's side column.
    Without ``compact`` the explanation follows the cards; the start page shows it under the map instead
    (:func:`kpi_explanation`).
    """
    units = units or {}
    if vertical:
        cols = [st.container() for _ in values]
    else:
        cols = st.columns([KPI_WIDTHS.get(label, 1.0) for label in values], gap="small")
    noted = False
    for col, (label, value) in zip(cols, values.items(), strict=True):
        pub = _differing_published(label, value, published)
        with col, st.container(border=not vertical, gap=None if vertical else "small"):
            # the unit stands beside the number (»29 Vereinbarungen · 35 Gemeinden«, CSS puts it on one line)
            st.metric(
                label, labels.fmt_int(value), delta=units.get(label) or None, delta_color="off", delta_arrow="off",
                help=KPI_HELP.get(label),
            )
            if pub is not None:
                noted = True
                st.html('<div class="asskomm-source asskomm-kpi-note">' + published_line(*pub, short=vertical) + "</div>")
    if vertical and noted:  # projector: links cannot be clicked there; the detail is on the Quellen page
        st.html('<div class="asskomm-source asskomm-sites">Quellen und Einzelheiten: Seite »Quellen«</div>')
    if not compact:
        kpi_explanation(stand)


def published_line(value: float, pub: Mapping, *, short: bool = False) -> str:
    """The figure beside a KPI card, as HTML: »veröffentlicht: **60** · SMI/LPR, 11.04.2025 · Quelle« (a link);
    an entered figure »amtliche Zahl: **63** · SMI/LPR, Stand 30.11.2026 · LPR-Statistik 11/2026«. ``short``
    (the presentation view): kind and date only, the detail is on the Quellen page."""
    official = pub.get("kind") == "amtlich"
    kind = "SMI/LPR" if official else str(pub.get("kind_label") or "SMI/LPR")
    when = ("Stand " if official else "") + labels.fmt_date(pub["date"])
    parts = [f"{'amtliche Zahl' if official else 'veröffentlicht'}: <b>{labels.fmt_int(value)}</b>",
             html.escape(f"{kind}, {when}")]
    if pub.get("qualifier"):
        parts.append(html.escape(str(pub["qualifier"])))
    src = str(pub.get("source") or "")
    if official and not short:
        parts.append(html.escape(src))
    elif src and not short:
        parts.append(f'<a href="{html.escape(src, quote=True)}" target="_blank" rel="noopener">Quelle</a>')
    return " · ".join(parts)


def kpi_explanation(stand: dt.date) -> None:
    """What the KPI cards count (one caption, placed under the cards or under the map)."""
    st.caption(
        f"Kennzahlen: erfasst in der Datenbank, Stand {labels.fmt_date(stand)}, für die gewählten Filter. "
        f"{labels.TEILNEHMER_REGEL}, "
        "die Legende zählt Gemeinden. Präventionsräte: auch solche, die älter sind als ASSKomm (wie das "
        "Ministerium zählt). »veröffentlicht«: die neueste Zahl des SMI/LPR, die dasselbe zählt – "
        "von ihm selbst (»SMI/LPR«) oder in der Presse (»Presse (Angabe des SMI/LPR)«); eine vom Ministerium "
        "eingetragene »amtliche Zahl« geht der Presse vor (Regeln auf der Seite »Quellen«)."
    )


def source_link_column(label: str = "Quelle", **kwargs) -> st.column_config.LinkColumn:
    """A table column of source URLs, shown as their site (»lpr.sachsen.de«), clickable."""
    return st.column_config.LinkColumn(label, display_text=r"https?://(?:www\.)?([^/]+)", **kwargs)


def _differing_published(label: str, value: int, published: list[dict]) -> tuple[float, dict] | None:
    """(published total, its row) for a KPI card, when there is one and it differs from the database."""
    pub = views.published_for(label, published)
    if pub is None:
        return None
    try:
        pub_value = float(pub["value"])
    except (TypeError, ValueError):
        return None
    return None if int(pub_value) == int(value) else (pub_value, pub)


def coverage_line(cov: Mapping[str, float]) -> str:
    text = (
        f"Beteiligt (beraten oder mit Vereinbarung): **{labels.fmt_int(cov['n_beteiligt'])} von "
        f"{labels.fmt_int(cov['n_gesamt'])} Gemeinden** ({labels.fmt_pct(cov['gemeinden_beteiligt'])})"
    )
    if "flaeche_beteiligt" in cov:
        text += f" · **{labels.fmt_pct(cov['flaeche_beteiligt'])} der Landesfläche**"
        text += f" · mit Kooperationsvereinbarung: {labels.fmt_pct(cov['flaeche_kooperation'])} der Fläche"
    return text


def legend(
    rows: list[dict],
    *,
    greyed: int = 0,
    markers: Mapping[str, int] | None = None,
    models: int = 0,
    horizontal: bool = False,
    highlight: tuple[str, int] | None = None,
) -> None:
    """Legend with counts (in Streamlit, so it is readable and not only inside the map).

    ``highlight``: (label, count) of the Gemeinden outlined by the »Neu seit …« view.
    """
    items = []
    for row in reversed(rows):
        items.append(
            f'<div class="item" role="listitem"><span aria-hidden="true" class="swatch" style="background:{row["colour"]}"></span>'
            f'<span>{html.escape(row["label"])}</span><span class="count">{labels.fmt_int(row["count"])}</span></div>'
        )
    items.append(
        f'<div class="item"><span class="swatch outline" style="--c:{labels.MODEL_OUTLINE_COLOUR}"></span>'
        f'<span>Modellkommune (Umrandung)</span><span class="count">{labels.fmt_int(models)}</span></div>'
    )
    markers = markers or {}
    if "kpr" in markers:
        items.append(
            f'<div class="item" role="listitem"><span aria-hidden="true" class="dot" style="background:{labels.MARKER_COLOURS["kpr"]}"></span>'
            f'<span>{labels.MARKER_LABELS["kpr"]}</span><span class="count">{labels.fmt_int(markers["kpr"])}</span></div>'
        )
    if "sicherheitsanalyse" in markers:
        items.append(
            f'<div class="item" role="listitem"><span aria-hidden="true" class="ring" style="--c:{labels.MARKER_COLOURS["sicherheitsanalyse"]}"></span>'
            f"<span>{labels.MARKER_LABELS['sicherheitsanalyse']}</span>"
            f'<span class="count">{labels.fmt_int(markers["sicherheitsanalyse"])}</span></div>'
        )
    if highlight is not None:
        items.append(
            f'<div class="item" role="listitem"><span aria-hidden="true" class="swatch" style="background:#fff;border:4px solid '
            f'{mapcontroller.HIGHLIGHT_COLOUR};box-shadow:inset 0 0 0 1.5px {mapcontroller.HIGHLIGHT_CORE_COLOUR}">'
            f"</span><span>{html.escape(highlight[0])}</span>"
            f'<span class="count">{labels.fmt_int(highlight[1])}</span></div>'
        )
    if greyed:
        items.append(
            f'<div class="item" role="listitem"><span aria-hidden="true" class="swatch" style="background:{labels.FILTERED_OUT_COLOUR};'
            f'border-color:{labels.FILTERED_OUT_BORDER_COLOUR}"></span><span>außerhalb der Filter</span>'
            f'<span class="count">{labels.fmt_int(greyed)}</span></div>'
        )
    cls = "asskomm-legend row" if horizontal else "asskomm-legend"
    st.html(f'<div class="{cls}" role="list" aria-label="Legende">{"".join(items)}</div>')


def selection_panel(
    ags: str | None,
    status: pd.DataFrame,
    gemeinden: pd.DataFrame,
    kreis_labels: Mapping[str, str],
    problemfeld_labels: Mapping[str, str],
    sources: Mapping[str, list[str]],
) -> None:
    """The municipality clicked on the map or found by the search: facts and a link to its page."""
    st.subheader("Ausgewählte Gemeinde")
    if not ags:
        st.caption("Auf eine Gemeinde in der Karte klicken oder links suchen.")
        return
    info = gemeinden.set_index("ags")
    if ags not in info.index:
        st.caption("Gemeinde nicht gefunden.")
        return
    meta = info.loc[ags]
    row = status.set_index("ags").loc[ags] if ags in set(status["ags"]) else None
    st.markdown(
        f"**{html.escape(str(meta['name']))}**  \n{html.escape(kreis_labels.get(str(meta.get('kreis_ags')), str(meta.get('kreis_name', ''))))}"
    )
    if row is not None:
        st.markdown(maptext.status_since_text(row["status"], row.get("status_seit")))
        flags = [
            label
            for key, label in (
                ("modellkommune", "Modellkommune"),
                ("kpr", "Präventionsrat"),
                ("sicherheitsanalyse", "Sicherheitsanalyse"),
                ("coaching", "Coaching"),
                ("foerderung", "Förderung"),
            )
            if key in row and bool(row[key])
        ]
        if flags:
            st.markdown(" · ".join(flags))
        pfs = [problemfeld_labels.get(p, p) for p in (row.get("problemfelder") or ())]
        if pfs:
            st.markdown("Problemfelder: " + md(", ".join(pfs)))
    urls = sources.get(ags, [])
    if urls:
        st.markdown(
            f'<a href="{html.escape(urls[0], quote=True)}" target="_blank" rel="noopener">Quelle</a>',
            unsafe_allow_html=True,
        )
    st.link_button("Zur Seite der Gemeinde", f"/kommune?ags={ags}", width="stretch")


def table_height(rows: int, *, row_height: int = 35, max_height: int = 420) -> int:
    """Pixel height of a table that shows exactly its rows (no empty grid below a short table), scrolling
    only beyond ``max_height``."""
    return min(max_height, row_height * (max(rows, 1) + 1) + 3)


# Karte table at 1280 px: every header and a Kreis like »Sächsische Schweiz-Osterzgebirge« readable; the
# AGS and further source links are in the downloads, not in the narrow page table.
KARTE_TABLE_WIDTHS = {"name": 170, "kreis": 235, "status": 190, "seit": 90, "problemfelder": 260}


def table_with_downloads(frame: pd.DataFrame, *, filename: str, note: str = "", height: int | None = None) -> None:
    """The linked table (sortable), sized to its rows, and downloads of exactly this view as CSV and XLSX."""
    c = views.TABLE_COLUMNS
    shown = [c[k] for k in ("name", "kreis", "status", "seit", "problemfelder", "modellkommune", "kpr",
                            "sicherheitsanalyse", "quelle") if c[k] in frame.columns]
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=height or table_height(len(frame)),
        column_order=shown,
        column_config={
            **{c[k]: st.column_config.TextColumn(width=w) for k, w in KARTE_TABLE_WIDTHS.items()},
            c["quelle"]: source_link_column(c["quelle"], width=150),
            c["modellkommune"]: st.column_config.CheckboxColumn(width=120),
            c["kpr"]: st.column_config.CheckboxColumn(width=115),
            c["sicherheitsanalyse"]: st.column_config.CheckboxColumn(width=135),
        },
    )
    # buttons as wide as their labels, side by side (never cut to »Tabelle als Excel (X…«)
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            "Tabelle als CSV",
            lambda: views.csv_bytes(frame),  # built on click, not on every rerun
            file_name=f"{filename}.csv",
            mime="text/csv",
            width="content",
            on_click="ignore",
            icon=":material/download:",
        )
        st.download_button(
            "Tabelle als Excel (XLSX)",
            lambda: views.xlsx_bytes(frame, note=note),
            file_name=f"{filename}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            width="content",
            on_click="ignore",
            icon=":material/download:",
        )
    if len(shown) < len(frame.columns):
        st.caption("AGS und weitere Quellen je Gemeinde stehen in den Downloads.")
