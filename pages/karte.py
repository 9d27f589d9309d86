"""Karte (start page, URL ``/``): KPIs, the status map with legend and selection, the meeting tools
(Zeitraffer, take-aways, growth, »Neu seit …«) and the linked table in tabs below the map, sources."""

import streamlit as st

from asskomm import labels
from asskomm.render import maptext
from asskomm.ui import (
    boundaries,
    coverage,
    data,
    firstview,
    growth,
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

with st.sidebar, st.expander("Karteneinstellungen"):
    # the marker layers start as the URL says (``?ebenen=``), so a shared or projected link shows them too
    url_layers = views.layers_from_query(st.query_params.get(views.LAYER_PARAM))
    st.session_state.setdefault("map_kpr", "kpr" in url_layers)
    st.session_state.setdefault("map_sa", "sicherheitsanalyse" in url_layers)
    show_kpr = st.toggle(labels.MARKER_LABELS["kpr"], key="map_kpr")
    show_sa = st.toggle(labels.MARKER_LABELS["sicherheitsanalyse"], key="map_sa")
    basemap = st.toggle(
        "Hintergrundkarte basemap.de",
        value=False,
        key="map_basemap",
        help="Lädt Kartenkacheln vom BKG (Internet nötig; die Adresse des Rechners wird dem BKG übermittelt).",
    )
markers = [k for k, on in (("kpr", show_kpr), ("sicherheitsanalyse", show_sa)) if on]
layout.sync_layer_param(views.LAYER_PARAM, views.layers_to_query(markers))

if presentation:
    # Projector: the title with the date, the Zeitraffer (play + monthly slider) and the way back share one line.
    title_col, player_col, back_col = st.columns([1.6, 1, 0.32], vertical_alignment="center")
    with title_col:
        layout.page_title("ASSKomm-Karte", filters.stand, subtitle=subtitle)
    with player_col:
        player.stand_player(sidebar.K_STAND, scrubber=True, label="Abspielen")
    with back_col:
        layout.view_link(
            "Beenden",
            views.view_query(filters, markers, presentation=False, today=sidebar.today()),
            icon=":material/close:",
            help_text="Zurück zur normalen Karte mit derselben Ansicht",
        )
else:
    # The link to the projector view sits beside the title, right above the map: it carries the whole view.
    title_col, link_col = st.columns([3, 1], vertical_alignment="center")
    with title_col:
        layout.page_title("ASSKomm-Karte", filters.stand, subtitle=subtitle)
    with link_col:
        layout.view_link(
            "Präsentationsansicht",
            views.view_query(filters, markers, presentation=True, today=sidebar.today()),
            icon=":material/present_to_all:",
            help_text="Öffnet genau diese Ansicht (Kreis, Problemfeld, Baustein, Stand, Ebenen) groß für "
            "Beamer und Bildschirm, ohne Seitenleiste und Downloads.",
            key="praesentation_link",
        )
    with st.sidebar:
        # the Zeitraffer sits under the filters; the »Stand« slider above it is its scrubber
        player.stand_player(sidebar.K_STAND)
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
hit = table[matched.values]
legend_args = {
    "greyed": int((~matched).sum()),
    "markers": {k: int(hit[k].astype(bool).sum()) for k in markers},
    "models": int(hit["modellkommune"].astype(bool).sum()),
    "highlight": (f"neu seit {labels.fmt_date(since.von)}", len(highlight)) if since is not None else None,
}
legend_rows = maptext.legend_rows(table, matched)
sources = firstview.sources(filters.stand)  # shared by all sessions (once per data version)

with side_col:
    if presentation:
        widgets.kpi_cards(kpis, published, stand=filters.stand, compact=True, vertical=True, units=units)
        widgets.legend(legend_rows, **legend_args)
    else:
        st.subheader("Legende")
        st.caption(f"Gemeinden, Stand {labels.fmt_date(filters.stand)}")
        widgets.legend(legend_rows, **legend_args)
        widgets.selection_panel(
            st.session_state.get(sidebar.K_SELECTED),
            table,
            gemeinden,
            kreis_labels,
            problemfeld_labels,
            sources,
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
            st.subheader(
                f"Gemeinden in dieser Ansicht ({labels.fmt_int(int(matched.sum()))})", anchor=mapblock.TABLE_ANCHOR
            )
            frame = firstview.karte_table(filters)  # shared by all sessions (once per data version and filters)
            note = (
                f"ASSKomm-Karte, Stand {labels.fmt_date(filters.stand)}; Filter: {filter_text}; "
                f"Grenzen: {boundaries.bkg_attribution()}"
            )
            widgets.table_with_downloads(frame, filename=f"asskomm_{filters.stand.isoformat()}", note=note)
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
