"""Karte (start page, URL ``/``): KPIs, the status map with legend and selection, the meeting tools
(Zeitraffer, take-aways, growth, »Neu seit …«) and the linked table in tabs below the map, sources."""

import streamlit as st

from asskomm import labels
from asskomm.ui import (
    boundaries,
    coverage,
    data,
    firstview,
    growth,
    karte,
    layout,
    mapblock,
    neu_seit,
    player,
    sidebar,
    takeaways,
    views,
    widgets,
)

layout.ensure_navigation()
# A pending Zeitraffer step moves the »Stand« before the sidebar's slider is drawn.
player.advance_stand(sidebar.K_STAND)

presentation = layout.presentation_mode()
layout.apply_style(presentation)

problemfeld_labels, baustein_labels = data.vocab_labels()
kreis_labels = boundaries.kreis_labels()
gemeinden = boundaries.gemeinden_index()
state = sidebar.filter_sidebar(
    kreis_labels, problemfeld_labels, baustein_labels, boundaries.search_options()
)
filters = state.filters

table = data.status_table(filters.stand)
matched = data.matched(filters, table)
filter_text = views.describe_filters(filters, kreis_labels, problemfeld_labels, baustein_labels)
subtitle = f"Allianz Sichere Sächsische Kommunen · {filter_text}"
if presentation:  # the projector view has no footer: the source goes under the title (one line)
    subtitle = f"{filter_text} · Quelle: ASSKomm-Datenbank (SMI/LPR)"

markers, basemap = karte.map_settings()

karte.title_row(filters, subtitle, markers, presentation=presentation)
layout.notices(state.notices)

# Slots in reading order; the map is sent first (a filter change repaints it before the figures and the
# table are computed), the slots keep their places, so the map is never remounted.
kpi_slot = st.container(key="kpi_row")
map_slot = st.container()
caption_slot = st.container()
since = None
if not presentation:  # the projected screen has no downloads and no tabs below the map
    # The meeting tools and the table below the map; only the open tab runs (a closed tab costs nothing while
    # the Zeitraffer plays, and the first view needs no table code, so the map is drawn sooner).
    tab_files, tab_table, tab_growth, tab_since = st.tabs(
        ["Mitnehmen: Bild, PDF, Offline-Karte", mapblock.TABLE_TAB, "Wachstum seit 2019", "Neu seit …"],
        key="karte_tabs",
        on_change="rerun",
    )
    since = neu_seit.since_diff(filters, sidebar.K_STAND) if tab_since.open else None
highlight = since.highlighted_ags() if since is not None else set()

with map_slot:
    if presentation:
        # Projector (1280×720): the map over the full width of the page, figures and legend beside it.
        map_col, side_col = st.columns([2.6, 1], gap="small")
    else:
        map_col, side_col = st.columns([3, 1], gap="medium")
    with map_col:
        mapblock.status_map(
            table,
            matched,
            problemfeld_labels=problemfeld_labels,
            markers=markers,
            height=600 if presentation else 540,  # presentation: CSS stretches it to the screen height
            basemap=basemap and not presentation,
            presentation=presentation,
            highlight=highlight,
            fit_kreise=tuple(sorted(filters.scope_kreise() or ())),  # Kreis and PD filter zoom alike
            filters=filters,
        )

summary = data.summary(filters)
kpis = views.kpi_values(summary, table, matched)
cover = coverage.coverage(filters)
# Published totals: statewide ones beside the unfiltered view, a region's own ones when exactly it is filtered.
published = data.published_figures(filters.stand, region=views.published_region(filters))
units = views.kpi_units(summary, table, matched)

with side_col:
    if presentation:
        widgets.kpi_cards(kpis, published, stand=filters.stand, compact=True, vertical=True, units=units)
        karte.legend(table, matched, markers, since, highlight)
    else:
        st.subheader("Legende")
        st.caption(f"Gemeinden, Stand {labels.fmt_date(filters.stand)}")
        karte.legend(table, matched, markers, since, highlight)
        sources = firstview.sources(filters.stand)  # shared by all sessions (once per data version)
        widgets.selection_panel(
            st.session_state.get(sidebar.K_SELECTED), table, gemeinden, kreis_labels, problemfeld_labels, sources
        )
if presentation:
    with caption_slot:
        st.caption(
            f"{cover['line']}  \nQuelle: ASSKomm-Datenbank (SMI/LPR-Veröffentlichungen), "
            f"Stand {labels.fmt_date(filters.stand)} · Grenzen: {boundaries.bkg_attribution()}"
        )
else:
    with kpi_slot:  # one compact row above the map; what the figures count is said under the map
        widgets.kpi_cards(kpis, published, stand=filters.stand, compact=True, units=units)
    with caption_slot:
        st.markdown(cover["line"])
        st.caption(coverage.population().attribution())
        widgets.kpi_explanation(filters.stand)

if not presentation:
    if tab_files.open:
        with tab_files:
            takeaways.downloads(filters, filter_text=filter_text)
    if tab_table.open:
        with tab_table:
            karte.view_table(filters, matched, filter_text)
    if tab_growth.open:
        with tab_growth:
            growth.growth_chart(filters)
    if since is not None:
        with tab_since:
            neu_seit.since_view(filters, sidebar.K_STAND, diff=since)
    layout.sources_footer(
        data_stand=f"Datenbank-Version {data.store().data_version()}, abgefragt für den {labels.fmt_date(filters.stand)}",
        attribution=boundaries.bkg_attribution(),
    )

# Last: while the Zeitraffer plays, a timer asks for the next month (the page has been drawn by then).
player.keep_playing(sidebar.K_STAND)
