"""Karte (start page, URL ``/``): KPIs, the status map with legend and selection, the linked table, sources."""

import streamlit as st

from asskomm import labels, mapview
from asskomm.ui import data, layout, mapblock, sidebar, views, widgets

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

layout.page_title(
    "ASSKomm-Karte", filters.stand, subtitle=f"Allianz Sichere Sächsische Kommunen · {filter_text}"
)
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

if presentation:
    # Projector (1280×720): the map over the full width of the page, figures and legend beside it.
    map_col, side_col = st.columns([2.6, 1], gap="small")
    with map_col:
        mapblock.status_map(
            table,
            matched,
            problemfeld_labels=problemfeld_labels,
            markers=markers,
            height=590,
            presentation=True,
        )
    with side_col:
        widgets.kpi_cards(kpis, published, stand=filters.stand, compact=True, vertical=True)
        widgets.legend(legend_rows, greyed=greyed, markers=marker_counts, models=models)
    st.caption(
        f"{widgets.coverage_line(cover)}  \nQuelle: ASSKomm-Datenbank (SMI/LPR-Veröffentlichungen), "
        f"Stand {labels.fmt_date(filters.stand)} · Grenzen: {data.bkg_attribution()}"
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
        )
    with side_col:
        st.subheader("Legende")
        st.caption(f"Gemeinden, Stand {labels.fmt_date(filters.stand)}")
        widgets.legend(legend_rows, greyed=greyed, markers=marker_counts, models=models)
        widgets.selection_panel(
            st.session_state.get(sidebar.K_SELECTED),
            table,
            gemeinden,
            kreis_labels,
            problemfeld_labels,
            sources,
        )

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
