"""The Quellen page's parts: the facts of the database, the published totals beside it (chart and tables), the
boundaries and the population behind the shares.

Caches are keyed on plain values: ``ui.data.data_version()``, ``ui.boundaries.geo_key()`` and ISO dates.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from asskomm import labels
from asskomm.analysis import sources
from asskomm.render import comparison_chart
from asskomm.ui import boundaries, coverage, data, sidebar, widgets


@st.cache_data(show_spinner=False, max_entries=4)
def _comparison(version: str, key: str, today_iso: str) -> pd.DataFrame:
    return sources.comparison(data.records(), boundaries.gemeinden(), today=dt.date.fromisoformat(today_iso))


def comparison() -> pd.DataFrame:
    """Published totals beside the database at their dates (``asskomm.analysis.sources.comparison``)."""
    return _comparison(data.data_version(), boundaries.geo_key(), sidebar.today().isoformat())


@st.cache_data(show_spinner=False, max_entries=4)
def _series(version: str, key: str, today_iso: str) -> pd.DataFrame:
    return sources.database_series(data.records(), boundaries.gemeinden(), today=dt.date.fromisoformat(today_iso))


@st.cache_data(show_spinner=False, max_entries=4)
def _chart(version: str, key: str, today_iso: str) -> bytes:
    return comparison_chart.render_comparison_png(
        _series(version, key, today_iso), _comparison(version, key, today_iso)
    )


def comparison_chart_png() -> bytes:
    return _chart(data.data_version(), boundaries.geo_key(), sidebar.today().isoformat())


@st.cache_data(show_spinner=False, max_entries=4)
def _facts(version: str, today_iso: str) -> sources.DataFacts:
    return sources.data_facts(data.records(), today=dt.date.fromisoformat(today_iso))


def data_facts() -> sources.DataFacts:
    return _facts(data.data_version(), sidebar.today().isoformat())


# ----------------------------------------------------------------------------------------------- blocks


def data_stand(facts: sources.DataFacts) -> None:
    """How much the database holds: participants, milestones, sources, the newest dated entry, its version."""
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Teilnehmer", labels.fmt_int(facts.participants))
    c2.metric("Meilensteine", labels.fmt_int(facts.milestones))
    c3.metric("Verschiedene Quellen", labels.fmt_int(facts.sources))
    c4.metric("Neuester datierter Eintrag", labels.fmt_date(facts.last))
    st.caption(
        f"Teilnehmer: {labels.fmt_int(facts.gemeinde_participants)} Gemeinden, {labels.fmt_int(facts.groups)} Verbünde, "
        f"{labels.fmt_int(facts.landkreis_participants)} Landkreise; {labels.fmt_int(facts.undated)} Meilensteine ohne "
        f"Datum. Datenbank-Version {labels.fmt_int(facts.data_version)}"
        + (f", zuletzt geändert am {labels.fmt_date(facts.last_entered[:10])}." if facts.last_entered else ".")
    )


def comparison_chart_image() -> None:
    """The database's counts over time with the published totals as points (described for screen readers)."""
    st.image(
        comparison_chart_png(),
        width="stretch",
        caption="Linie: Zahl in der ASSKomm-Datenbank am Monatsende; Kreise: veröffentlichte Gesamtzahl an ihrem Datum.",
        alt=(
            "Diagramm: Zahl der Kooperationsvereinbarungen und beratenen Kommunen in der ASSKomm-Datenbank seit 2019 "
            "(Linien) und die veröffentlichten Gesamtzahlen (Kreise); die Zahlen stehen in der Tabelle darunter."
        ),
    )


def latest_published(today: dt.date) -> None:
    """The newest published figure of each KPI, with the rule which statements count the same."""
    st.markdown("\n".join(f"- {line}" for line in sources.latest_published_lines(today)))


def comparison_table(comp: pd.DataFrame) -> None:
    """Each published total beside the database's figure at its date, and the difference."""
    st.dataframe(
        sources.comparison_display(comp),
        hide_index=True,
        width="stretch",
        height=35 * (len(comp) + 1) + 4,  # every published figure visible without scrolling
        column_config={
            "Datum": st.column_config.TextColumn(width="small"),
            "Kennzahl": st.column_config.TextColumn(width="medium"),
            "veröffentlicht als": st.column_config.TextColumn(width="medium"),
            "veröffentlicht": st.column_config.NumberColumn(width="small"),
            "Quelle": widgets.source_link_column(width="medium"),
            "Differenz": st.column_config.NumberColumn(
                width="small", help="Datenbank minus veröffentlichte Zahl"
            ),
            "in der Datenbank": st.column_config.NumberColumn(
                help="Dieselbe Kennzahl aus der Datenbank an dem Tag, ab dem die veröffentlichte Zahl gilt"
            ),
        },
    )


def published_table() -> None:
    """Every published statement of ``data/reported_figures.csv`` (inside the page's expander)."""
    st.dataframe(
        sources.published_table(),
        hide_index=True,
        width="stretch",
        row_height=56,
        column_config={
            "Datum": st.column_config.TextColumn(width="small"),
            "Angabe": st.column_config.TextColumn(width="medium"),
            "Wert": st.column_config.TextColumn(width="small"),
            "Gebiet": st.column_config.TextColumn(width="small"),
            "genannt von": st.column_config.TextColumn(width="small"),
            "Hinweis": st.column_config.TextColumn(width="large"),
            "Quelle": widgets.source_link_column(width="small"),
        },
    )
    st.caption(
        "Aus `data/reported_figures.csv`; Datum in der Genauigkeit der Quelle. »Gebiet«: eine Zahl für einen "
        "Landkreis oder eine Region erscheint auf der Karte, wenn genau dieses Gebiet gefiltert ist. "
        "»genannt von«: Angaben, die nicht vom SMI oder LPR stammen, sind als solche gekennzeichnet."
    )


def boundary_facts() -> None:
    """Source, Gebietsstand and licence of the boundary layers, and the territorial changes applied since."""
    geo_facts = sources.boundary_facts(boundaries.geo_meta())
    st.markdown("\n".join(f"- **{label}:** {text}" for label, text in geo_facts.items()))
    changes = boundaries.geo_meta().get("changes_applied") or []
    if changes:
        with st.expander(f"Berücksichtigte Gebietsänderungen seit der Quelle ({len(changes)})"):
            st.markdown("\n".join(f"- {c}" for c in changes))


def population_facts() -> None:
    """Source, Stichtag, licence and total of the population figures behind the shares."""
    population = coverage.population()
    st.markdown(
        f"- **Quelle:** {population.quelle}\n"
        f"- **Stichtag:** {labels.fmt_date(population.stichtag) if population.stichtag else '–'}\n"
        f"- **Lizenz:** {population.lizenz}\n"
        f"- **Gemeinden:** {labels.fmt_int(len(population.einwohner))}, zusammen {labels.fmt_int(population.total)} Einwohner"
    )
