"""Streamlit helpers of the Landkreise page: the Stand control and cached views.

The Stand works as on the Karte page: ``?stand=JJJJ-MM-TT`` (validated by ``Filters.from_query``; a bad value
becomes a German notice), else the date chosen on the Karte page in this session, else today. ``?kreis=…``
(5-digit keys, several allowed) limits the table and the small multiples. Changes are written back to the URL.

Caches are keyed on plain values: ``ui.data.data_version()``, ``ui.boundaries.geo_key()`` and ISO dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from asskomm import labels
from asskomm.analysis import kreise as kreisview
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.render import kreis_maps
from asskomm.ui import boundaries, coverage, data, sidebar, views

K_STAND = "lk_stand"
K_KREISE = "lk_kreise"
K_NOTICES = "lk_notices"


@dataclasses.dataclass
class KreisFilters:
    stand: dt.date
    kreise: tuple[str, ...]
    notices: list[str]

    def rows_of(self, table: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``table`` (one per Kreis) in view: the chosen Kreise, else all."""
        return table[table["kreis_ags"].isin(self.kreise)] if self.kreise else table

    def scope(self, kreis_labels: dict[str, str]) -> str:
        """»Landkreis Görlitz, Leipzig« or »alle 13 Kreise«."""
        return ", ".join(kreis_labels.get(k, k) for k in self.kreise) if self.kreise else "alle 13 Kreise"


def _init_from_url(kreis_labels: dict[str, str]) -> None:
    params = {key: st.query_params.get_all(key) for key in ("stand", "kreis") if key in st.query_params}
    filters, notices = Filters.from_query(
        params, kreise=kreis_labels.keys(), problemfelder=(), bausteine=(), today=sidebar.today()
    )
    stand = filters.stand
    shared = st.session_state.get(sidebar.K_STAND)  # the Karte page's Stand, if it was used in this session
    if "stand" not in params and isinstance(shared, dt.date) and PROGRAMME_START <= shared <= sidebar.today():
        stand = shared
    st.session_state[K_STAND] = stand
    st.session_state[K_KREISE] = list(filters.kreise)
    st.session_state[K_NOTICES] = notices


def _clear_notices() -> None:
    st.session_state[K_NOTICES] = []


def kreis_filters(kreis_labels: dict[str, str]) -> KreisFilters:
    """Stand slider and Kreis choice in the sidebar, in sync with the URL."""
    if K_STAND not in st.session_state or K_KREISE not in st.session_state:
        _init_from_url(kreis_labels)
    stand = st.session_state.get(K_STAND)
    if not isinstance(stand, dt.date) or not PROGRAMME_START <= stand <= sidebar.today():
        st.session_state[K_STAND] = sidebar.today()
    with st.sidebar:
        st.header("Ansicht")
        st.slider(
            "Stand",
            min_value=PROGRAMME_START,
            max_value=sidebar.today(),
            key=K_STAND,
            format="DD.MM.YYYY",
            on_change=_clear_notices,
            help=f"Zeigt den Stand der Allianz an diesem Tag (Start: {labels.fmt_date(PROGRAMME_START)}).",
        )
        sidebar.labelled_multiselect(
            "Kreise in Tabelle und Kreisbildern", kreis_labels, K_KREISE, "alle 13 Kreise", on_change=_clear_notices
        )
    result = KreisFilters(
        st.session_state[K_STAND],
        tuple(st.session_state[K_KREISE]),
        list(st.session_state.get(K_NOTICES, [])),
    )
    _sync_url(result)
    return result


def _sync_url(f: KreisFilters) -> None:
    wanted: dict[str, list[str] | str] = {
        key: st.query_params.get_all(key) for key in sidebar.KEEP_PARAMS if key in st.query_params
    }
    wanted.update(Filters(f.stand, f.kreise).to_query(today=sidebar.today()))
    normal = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if normal != current:
        st.query_params.from_dict(wanted)


# ----------------------------------------------------------------------------------------------- cached


@st.cache_data(show_spinner=False, max_entries=32)
def _kreis_table(version: str, key: str, stand_iso: str) -> pd.DataFrame:
    return kreisview.kreis_table(
        data.records(), boundaries.gemeinden(), boundaries.kreise(), dt.date.fromisoformat(stand_iso)
    )


def kreis_table(stand: dt.date) -> pd.DataFrame:
    """One row per Kreis at ``stand`` (``asskomm.analysis.kreise.kreis_table``)."""
    return _kreis_table(data.data_version(), boundaries.geo_key(), stand.isoformat())


@st.cache_data(show_spinner=False, max_entries=16)
def _choropleth(version: str, key: str, stand_iso: str) -> bytes:
    stand = dt.date.fromisoformat(stand_iso)
    return kreis_maps.render_choropleth_png(
        boundaries.kreise(), kreis_table(stand), stand=stand, attribution=boundaries.bkg_attribution()
    )


def choropleth_png(stand: dt.date) -> bytes:
    return _choropleth(data.data_version(), boundaries.geo_key(), stand.isoformat())


@st.cache_data(show_spinner=False, max_entries=16)
def _panels(version: str, key: str, stand_iso: str) -> dict[str, bytes]:
    status_of, model = kreisview.status_lookup(data.status_table(stand_iso))
    gem = boundaries.gemeinden()
    return {
        str(k): kreis_maps.render_kreis_png(gem, status_of, str(k), model=model)
        for k in boundaries.kreise()["kreis_ags"]
    }


def kreis_panels(stand: dt.date) -> dict[str, bytes]:
    """Kreis key → PNG of its Gemeinden coloured by status at ``stand``."""
    return _panels(data.data_version(), boundaries.geo_key(), stand.isoformat())


def coverage_chart(growth: pd.DataFrame, columns: list[str], scope: str) -> None:
    """Line chart of coverage shares over time; marks hidden from screen readers, the chart described as a whole."""
    import altair as alt

    long = growth.reset_index().melt("stand", value_vars=columns, var_name="Anteil", value_name="Prozent")
    last = growth[columns].iloc[-1] if len(growth) else None
    summary = (
        f"Reichweite seit 2019 ({scope}); zuletzt: "
        + "; ".join(f"{c} {labels.fmt_num(last[c], 1)} %" for c in columns)
        if last is not None
        else f"Reichweite seit 2019 ({scope}): keine Daten."
    )
    chart = (
        alt.Chart(long, description=summary)
        .mark_line(aria=False)
        .encode(
            x=alt.X("stand:T", title="Stand"),
            y=alt.Y("Prozent:Q", title="%"),
            color=alt.Color("Anteil:N", title=None, legend=alt.Legend(orient="bottom", aria=False)),
        )
        .properties(height=260)
        .configure_axis(aria=False)
    )
    st.altair_chart(chart, width="stretch")
    st.caption(summary)


# ----------------------------------------------------------------------------------------------- blocks


def overview(table: pd.DataFrame, stand: dt.date, *, presentation: bool) -> None:
    """Saxony's figures as cards and the choropleth of the share with agreement (in the projector view: the map
    beside the figures, both on the first screen at 1280×720)."""
    total = kreisview.totals(table)
    cards = (
        (
            "Gemeinden mit Vereinbarung",
            f"{labels.fmt_int(total.mit_vereinbarung)} von {labels.fmt_int(total.gemeinden)}",
        ),
        ("Anteil der Gemeinden", labels.fmt_pct(total.anteil_gemeinden)),
        ("Anteil der Landesfläche", labels.fmt_pct(total.anteil_flaeche)),
        ("Beratene Gemeinden", labels.fmt_int(total.beraten)),
    )
    explanation = (
        f"Sachsen, Stand {labels.fmt_date(stand)}, Quelle: ASSKomm-Datenbank. Anteile: Gemeinden bzw. Fläche mit "
        "Kooperationsvereinbarung (jedes Mitglied eines Verbunds zählt). »Beraten«: mindestens beraten, mit oder "
        "ohne Vereinbarung."
    )
    map_caption = (
        f"Anteil der Gemeinden mit Kooperationsvereinbarung je Kreis, Stand {labels.fmt_date(stand)}. "
        "Schraffiert: beteiligt ohne Vereinbarung (beratene Gemeinden oder eine Modellkommune)."
    )
    map_alt = (
        f"Karte der 13 Kreise Sachsens: {map_caption} Je dunkler das Blau, desto höher der Anteil; "
        "die Werte stehen in der Tabelle »Kreise im Vergleich«."
    )
    if presentation:
        map_col, side_col = st.columns([2.8, 1], gap="small")
        with map_col:
            st.image(choropleth_png(stand), width="stretch", caption=map_caption, alt=map_alt)
        with side_col:
            for label, value in cards:
                st.metric(label, value)
            st.caption(explanation)
    else:
        for col, (label, value) in zip(st.columns(len(cards)), cards, strict=True):
            with col, st.container(border=True):
                st.metric(label, value)
        st.caption(explanation)
        st.image(choropleth_png(stand), width="stretch", caption=map_caption, alt=map_alt)


def comparison_table(shown: pd.DataFrame, problemfeld_labels: dict[str, str], stand: dt.date) -> None:
    """One row per Kreis in view: Gemeinden beraten and with agreement, shares, Problemfelder; as CSV too."""
    frame = kreisview.display_table(shown, problemfeld_labels)
    pct = {
        kreisview.COLUMNS["anteil_gemeinden"]: st.column_config.NumberColumn(
            help="Anteil der Gemeinden des Kreises mit Kooperationsvereinbarung"
        ),
        kreisview.COLUMNS["anteil_flaeche"]: st.column_config.NumberColumn(
            help="Anteil der Fläche des Kreises, die Gemeinden mit Kooperationsvereinbarung einnehmen"
        ),
    }
    st.dataframe(
        frame.style.format(dict.fromkeys(pct, labels.fmt_pct)),
        hide_index=True,
        width="stretch",
        height=36 * (len(frame) + 1) + 4,  # every Kreis visible without scrolling
        column_config={
            kreisview.COLUMNS["kreis"]: st.column_config.TextColumn(width=235),
            kreisview.COLUMNS["beraten"]: st.column_config.NumberColumn(
                help="Gemeinden, die mindestens beraten wurden (mit oder ohne Vereinbarung)"
            ),
            kreisview.COLUMNS["mit_vereinbarung"]: st.column_config.NumberColumn(
                help="Gemeinden mit Kooperationsvereinbarung (jedes Mitglied eines Verbunds zählt)"
            ),
            kreisview.COLUMNS["modellkommunen"]: st.column_config.NumberColumn(
                help="Modellkommunen seit dem Start am 06.02.2019 (beteiligt, auch ohne Vereinbarung)"
            ),
            kreisview.COLUMNS["vereinbarungen"]: st.column_config.NumberColumn(
                help="Abgeschlossene Vereinbarungen: ein Verbund zählt einmal"
            ),
            kreisview.COLUMNS["problemfelder"]: st.column_config.TextColumn(
                width=420, help="Zahl der Gemeinden je Problemfeld; »Kreis«: vom Kreis selbst benannt"
            ),
            **pct,
        },
    )
    st.download_button(
        "Tabelle als CSV",
        views.csv_bytes(kreisview.download_table(shown, problemfeld_labels)),
        file_name=f"asskomm_kreise_{stand.isoformat()}.csv",
        mime="text/csv",
        on_click="ignore",
    )


def gemeinden_table(
    stand: dt.date, kreise: tuple[str, ...], kreis_labels: dict[str, str], problemfeld_labels: dict[str, str]
) -> None:
    """The Gemeinden of the chosen Kreise, those without agreement first, each with a link to its page."""
    st.dataframe(
        kreisview.gemeinden_table(
            data.status_table(stand),
            boundaries.gemeinden_index(),
            kreise,
            kreis_labels=kreis_labels,
            pf_labels=problemfeld_labels,
        ),
        hide_index=True,
        width="stretch",
        column_config={
            kreisview.GEMEINDE_COLUMNS["seite"]: st.column_config.LinkColumn(
                display_text="öffnen", width="small"
            )
        },
    )


def reach_table(stand: dt.date, kreise: tuple[str, ...], kreis_labels: dict[str, str]) -> None:
    """Each Kreis counted against its own Gemeinden, area and population (the chosen Kreise, else all)."""
    reach = coverage.coverage_by_kreis(stand)
    reach.insert(0, "Kreis", reach.pop("kreis_ags").map(lambda k: kreis_labels.get(k, k)))
    if kreise:
        reach = reach[reach["Kreis"].isin([kreis_labels.get(k, k) for k in kreise])]
    pct_cols = [c for c in reach.columns if c.endswith("%")]
    st.dataframe(
        reach,
        hide_index=True,
        width="stretch",
        height=38 + 35 * len(reach),
        column_config={c: st.column_config.NumberColumn(format="%.1f %%") for c in pct_cols},
        key="reach_table",
    )
    st.caption(f"Jeder Kreis gegen seine eigenen Gemeinden gezählt; beteiligt = beraten oder mit Vereinbarung. "
               f"{coverage.population().attribution()}.")


def kreis_pictures(shown: pd.DataFrame, stand: dt.date, problemfeld_labels: dict[str, str]) -> None:
    """One picture per Kreis in view, four to a row, each with its figures under it."""
    panels = kreis_panels(stand)
    rows = shown.to_dict("records")
    for start in range(0, len(rows), 4):
        cols = st.columns(4, gap="medium")
        for col, row in zip(cols, rows[start : start + 4], strict=False):
            with col, st.container(border=True):
                st.markdown(f"**{row['kreis']}**")
                first, *rest = kreisview.panel_caption(row, problemfeld_labels)
                st.image(
                    panels[row["kreis_ags"]],
                    width="stretch",
                    alt=f"Karte {row['kreis']}, Gemeinden nach Status: {first}. " + " ".join(rest),
                )
                st.markdown(f"**{first}**")
                st.caption("  \n".join(rest))
