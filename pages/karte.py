"""Karte (start page, URL ``/``): KPIs, the status map with legend and selection, the meeting tools
(Zeitraffer, take-aways, growth, »Neu seit …«), the linked table, sources."""

import streamlit as st

from asskomm import labels, mapview
from asskomm.ui import data, layout, mapblock, meeting, sidebar, views, widgets

layout.ensure_navigation()
# A pending Zeitraffer step moves the »Stand« before the sidebar's slider is drawn.
meeting.advance_stand(sidebar.K_STAND)

presentation = layout.presentation_mode()
layout.apply_style(presentation)

problemfeld_labels, baustein_labels = data.vocab_labels()
kreis_labels = data.kreis_labels()
gemeinden = data.gemeinden_index()
state = sidebar.filter_sidebar(
    kreis_labels, problemfeld_labels, baustein_labels, views.search_options(gemeinden, kreis_labels)
)
filters = state.filters

table = data.status_table(filters.stand)
matched = data.matched(filters, table)
summary = data.summary(filters)
kpis = views.kpi_values(summary, table, matched)
cover = views.coverage(table, gemeinden, matched)
records = data.records()
sources = views.sources_by_ags(records, filters.stand, table["ags"])
filter_text = views.describe_filters(filters, kreis_labels, problemfeld_labels, baustein_labels)
subtitle = f"Allianz Sichere Sächsische Kommunen · {filter_text}"
if presentation:  # the projector view has no footer: the source goes under the title (one line)
    subtitle = f"{filter_text} · Quelle: ASSKomm-Datenbank (SMI/LPR)"

if presentation:
    # Projector: the title with the date and the Zeitraffer (play + monthly slider) share one line.
    title_col, player_col = st.columns([1.6, 1], vertical_alignment="center")
    with title_col:
        layout.page_title("ASSKomm-Karte", filters.stand, subtitle=subtitle)
    with player_col:
        meeting.stand_player(sidebar.K_STAND, scrubber=True, label="Abspielen")
else:
    layout.page_title("ASSKomm-Karte", filters.stand, subtitle=subtitle)
    with st.sidebar:
        # the Zeitraffer sits under the filters; the »Stand« slider above it is its scrubber
        meeting.stand_player(sidebar.K_STAND)
layout.notices(state.notices)
# Published totals are statewide: shown only beside the unfiltered figures.
published = data.published_figures(filters.stand) if filters.is_default else []
if not presentation:
    widgets.kpi_cards(kpis, published, stand=filters.stand)
    st.markdown(widgets.coverage_line(cover))

with st.sidebar, st.expander("Karteneinstellungen"):
    show_kpr = st.toggle(labels.MARKER_LABELS["kpr"], value=True, key="map_kpr")
    show_sa = st.toggle(labels.MARKER_LABELS["sicherheitsanalyse"], value=True, key="map_sa")
    basemap = st.toggle(
        "Hintergrundkarte basemap.de",
        value=False,
        key="map_basemap",
        help="Lädt Kartenkacheln vom BKG (Internet nötig; die Adresse des Rechners wird dem BKG übermittelt).",
    )
    st.markdown("[Präsentationsansicht öffnen](?praesentation=1)")

markers = [k for k, on in (("kpr", show_kpr), ("sicherheitsanalyse", show_sa)) if on]
hit = table[matched.values]
legend_rows = mapview.legend_rows(table, matched)
marker_counts = {k: int(hit[k].astype(bool).sum()) for k in markers}
greyed = int((~matched).sum())
models = int(hit["modellkommune"].astype(bool).sum())

# The map is drawn into this slot after the meeting tabs below it ran: the »Neu seit …« tab decides what
# the map highlights. The slot keeps its place, so the map is never remounted.
map_slot = st.container()
if presentation:
    st.caption(
        f"{widgets.coverage_line(cover)}  \nQuelle: ASSKomm-Datenbank (SMI/LPR-Veröffentlichungen), "
        f"Stand {labels.fmt_date(filters.stand)} · Grenzen: {data.bkg_attribution()}"
    )

# Meeting tools below the map; only the open tab runs (a closed tab costs nothing while the Zeitraffer plays).
tab_files, tab_growth, tab_since = st.tabs(
    ["Mitnehmen: Bild, PDF, Offline-Karte", "Wachstum seit 2019", "Neu seit …"],
    key="karte_tabs",
    on_change="rerun",
)
highlight: set[str] = set()
highlight_legend = None
if tab_files.open:
    with tab_files:
        meeting.downloads(filters, filter_text=filter_text)
if tab_growth.open:
    with tab_growth:
        meeting.growth_chart(filters)
if tab_since.open:
    with tab_since:
        diff = meeting.since_view(filters, sidebar.K_STAND)
        highlight = diff.highlighted_ags()
        highlight_legend = (f"neu seit {labels.fmt_date(diff.von)}", len(highlight))

with map_slot:
    if presentation:
        # Projector (1280×720): the map over the full width of the page, figures and legend beside it.
        map_col, side_col = st.columns([2.6, 1], gap="small")
        with map_col:
            mapblock.status_map(
                table,
                matched,
                problemfeld_labels=problemfeld_labels,
                markers=markers,
                height=600,
                presentation=True,
                highlight=highlight,
                fit_kreise=filters.kreise,
            )
        with side_col:
            widgets.kpi_cards(kpis, published, stand=filters.stand, compact=True, vertical=True)
            widgets.legend(
                legend_rows, greyed=greyed, markers=marker_counts, models=models, highlight=highlight_legend
            )
    else:
        map_col, side_col = st.columns([3, 1], gap="medium")
        with map_col:
            mapblock.status_map(
                table,
                matched,
                problemfeld_labels=problemfeld_labels,
                markers=markers,
                height=540,
                basemap=basemap,
                highlight=highlight,
                fit_kreise=filters.kreise,
            )
        with side_col:
            st.subheader("Legende")
            st.caption(f"Gemeinden, Stand {labels.fmt_date(filters.stand)}")
            widgets.legend(
                legend_rows, greyed=greyed, markers=marker_counts, models=models, highlight=highlight_legend
            )
            widgets.selection_panel(
                st.session_state.get(sidebar.K_SELECTED),
                table,
                gemeinden,
                kreis_labels,
                problemfeld_labels,
                sources,
            )

if not presentation:
    st.subheader(f"Gemeinden in dieser Ansicht ({labels.fmt_int(int(matched.sum()))})")
    frame = views.karte_table(
        table,
        gemeinden,
        matched,
        problemfeld_labels=problemfeld_labels,
        kreis_labels=kreis_labels,
        sources=sources,
    )
    note = (
        f"ASSKomm-Karte, Stand {labels.fmt_date(filters.stand)}; Filter: {filter_text}; "
        f"Grenzen: {data.bkg_attribution()}"
    )
    widgets.table_with_downloads(frame, filename=f"asskomm_{filters.stand.isoformat()}", note=note)
    layout.sources_footer(
        data_stand=f"Datenbank-Version {data.store().data_version()}, abgefragt für den {labels.fmt_date(filters.stand)}",
        attribution=data.bkg_attribution(),
    )

# Last: while the Zeitraffer plays, a timer asks for the next month (the page has been drawn by then).
meeting.keep_playing(sidebar.K_STAND)
