"""Landkreise (URL ``/landkreise``): a choropleth of the share with agreement, one row and one picture per Kreis."""

import streamlit as st

from asskomm import labels
from asskomm.ui import boundaries, coverage, data, kreise, layout

layout.ensure_navigation()
layout.apply_style()

problemfeld_labels, _ = data.vocab_labels()
kreis_labels = boundaries.kreis_labels()
view = kreise.kreis_filters(kreis_labels)
stand = view.stand

table = kreise.kreis_table(stand)
shown = view.rows_of(table)
scope = view.scope(kreis_labels)

layout.page_title(
    "ASSKomm in den Landkreisen",
    stand,
    subtitle="Allianz Sichere Sächsische Kommunen · Gemeinden je Landkreis und Kreisfreier Stadt",
)
layout.notices(view.notices)

kreise.overview(table, stand, presentation=layout.presentation_mode())

st.subheader(f"Kreise im Vergleich ({scope})")
kreise.comparison_table(shown, problemfeld_labels, stand)

if view.kreise:
    st.subheader(f"Gemeinden in {scope}")
    st.caption("Gemeinden ohne Kooperationsvereinbarung zuerst, dann alphabetisch.")
    kreise.gemeinden_table(stand, view.kreise, kreis_labels, problemfeld_labels)

st.subheader("Reichweite je Kreis: Gemeinden, Fläche, Einwohner")
kreise.reach_table(stand, view.kreise, kreis_labels)
st.markdown(f"**Reichweite seit 2019 ({scope}), Anteile in %**")
growth = coverage.coverage_series(tuple(view.kreise)).set_index("stand")
kreise.coverage_chart(
    growth, ["Gemeinden beteiligt", "Fläche beteiligt", "Einwohner beteiligt", "Einwohner mit Vereinbarung"], scope
)

st.subheader("Die Kreise einzeln")
layout_note = (
    f"Gemeinden nach Status am {labels.fmt_date(stand)}: "
    f"{labels.STATUS_LABELS['kooperation']} (dunkelblau), beraten (hellblau), nicht beteiligt (grau); "
    "orange umrandet: Modellkommune. Jedes Bild hat seinen eigenen Maßstab."
)
st.caption(layout_note)
kreise.kreis_pictures(shown, stand, problemfeld_labels)

layout.sources_footer(
    data_stand=f"ASSKomm-Datenbank (Version {data.store().data_version()}), ausgewertet für den {labels.fmt_date(stand)}",
    attribution=boundaries.bkg_attribution(),
    extra=["**Mehr zu Daten und Zahlen:** Seite »Quellen«"],
)
