"""Landkreise (URL ``/landkreise``): a choropleth of the share with agreement, one row and one picture per Kreis."""

import streamlit as st

from asskomm import labels
from asskomm.analysis import kreise as kreisview
from asskomm.ui import boundaries, coverage, data, kreise, layout, views

layout.ensure_navigation()
layout.apply_style()

problemfeld_labels, _ = data.vocab_labels()
kreis_labels = boundaries.kreis_labels()
view = kreise.kreis_filters(kreis_labels)
stand = view.stand

table = kreise.kreis_table(stand)
total = kreisview.totals(table)
shown = table[table["kreis_ags"].isin(view.kreise)] if view.kreise else table
scope = ", ".join(kreis_labels.get(k, k) for k in view.kreise) if view.kreise else "alle 13 Kreise"

layout.page_title(
    "ASSKomm in den Landkreisen",
    stand,
    subtitle="Allianz Sichere Sächsische Kommunen · Gemeinden je Landkreis und Kreisfreier Stadt",
)
layout.notices(view.notices)

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
if layout.presentation_mode():
    # Projector (1280×720): the map beside the figures, both on the first screen.
    map_col, side_col = st.columns([2.8, 1], gap="small")
    with map_col:
        st.image(kreise.choropleth_png(stand), width="stretch", caption=map_caption, alt=map_alt)
    with side_col:
        for label, value in cards:
            st.metric(label, value)
        st.caption(explanation)
else:
    for col, (label, value) in zip(st.columns(len(cards)), cards, strict=True):
        with col, st.container(border=True):
            st.metric(label, value)
    st.caption(explanation)
    st.image(kreise.choropleth_png(stand), width="stretch", caption=map_caption, alt=map_alt)

st.subheader(f"Kreise im Vergleich ({scope})")
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

if view.kreise:
    st.subheader(f"Gemeinden in {scope}")
    st.caption("Gemeinden ohne Kooperationsvereinbarung zuerst, dann alphabetisch.")
    st.dataframe(
        kreisview.gemeinden_table(
            data.status_table(stand),
            boundaries.gemeinden_index(),
            view.kreise,
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

st.subheader("Reichweite je Kreis: Gemeinden, Fläche, Einwohner")
reach = coverage.coverage_by_kreis(stand)
reach.insert(0, "Kreis", reach.pop("kreis_ags").map(lambda k: kreis_labels.get(k, k)))
if view.kreise:
    reach = reach[reach["Kreis"].isin([kreis_labels.get(k, k) for k in view.kreise])]
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
panels = kreise.kreis_panels(stand)
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

layout.sources_footer(
    data_stand=f"ASSKomm-Datenbank (Version {data.store().data_version()}), ausgewertet für den {labels.fmt_date(stand)}",
    attribution=boundaries.bkg_attribution(),
    extra=["**Mehr zu Daten und Zahlen:** Seite »Quellen«"],
)
