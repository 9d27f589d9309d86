"""Ansprache (URL ``/ansprache``, editors only): Gemeinden not yet taking part, ranked by an explainable score,
with a map of the candidates and an XLSX call list."""

import datetime as dt

import streamlit as st

from asskomm import labels
from asskomm.analysis import ansprache
from asskomm.ui import auth as ui_auth
from asskomm.ui import boundaries, coverage, data, mapblock, views
from asskomm.ui.messages import md

ui_auth.restricted_page(
    "bearbeiter",
    "Die Ansprache-Liste",
    title="Ansprache",
    caption="Gemeinden, die noch nicht teilnehmen, geordnet nach Punkten für fünf nachvollziehbare Gründe. "
    "Eine Gesprächshilfe, keine Bewertung der Gemeinden.",
)

kreis_labels = boundaries.kreis_labels()
problemfeld_labels, _ = data.vocab_labels()
if "ans_kreise" not in st.session_state:
    st.session_state["ans_kreise"] = [k for k in st.query_params.get_all("kreis") if k in kreis_labels]
with st.sidebar:
    st.header("Ansprache")
    kreise = st.multiselect("Kreis", options=list(kreis_labels), format_func=kreis_labels.get, key="ans_kreise",
                            placeholder="alle Kreise")
    top_n = st.slider("Auf der Karte hervorheben", min_value=5, max_value=50, value=20, step=5, key="ans_top",
                      help="Die ersten Gemeinden der Liste werden auf der Karte umrandet.")
if kreise:
    st.query_params["kreis"] = kreise
else:
    st.query_params.pop("kreis", None)

today = dt.date.today()
table = data.status_table(today)
nachbarn, centroids = boundaries.neighbours_and_centroids()
population = coverage.population()
frame = ansprache.candidates(
    table, boundaries.gemeinden_index(), population.einwohner, nachbarn, centroids, kreise=kreise,
    problemfeld_labels=problemfeld_labels, kreis_labels=kreis_labels,
)
where = ", ".join(kreis_labels.get(k, k) for k in kreise) if kreise else "ganz Sachsen"
st.markdown(f"**{labels.fmt_int(len(frame))} Gemeinden ohne Beteiligung** ({where}), Stand "
            f"{labels.fmt_date(today)}. {population.attribution()}.")

gem_index = boundaries.gemeinden_index()
in_view = gem_index["kreis_ags"].astype(str).isin(kreise) if kreise else gem_index["ags"].notna()
matched = table["ags"].astype(str).isin(set(gem_index.loc[in_view, "ags"].astype(str)))
mapblock.status_map(table, matched, problemfeld_labels=problemfeld_labels, markers=("kpr",), height=460,
                    highlight=list(frame["ags"].head(top_n)), fit_kreise=tuple(kreise))
st.caption(f"Grau: Gemeinden ohne Beteiligung; umrandet: die ersten {top_n} der Liste; blau: beteiligte "
           "Gemeinden; Punkte: Präventionsräte.")

shown = ansprache.page_table(frame)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * len(shown), 560),
    column_config={
        "Rang": st.column_config.NumberColumn(width="small"),
        "Einwohner": st.column_config.NumberColumn(format="localized"),
        **{c: st.column_config.NumberColumn(format="%.1f", width="small") for c in ansprache.POINT_COLUMNS.values()},
    },
    key="ans_table",
)
st.markdown("**Warum die ersten zehn vorn liegen**")
st.markdown("\n".join(
    f"{r.rang}. **{md(r.name)}** ({labels.fmt_num(r.punkte, 1)} Punkte): {md(r.begruendung)}"
    for r in frame.head(10).itertuples()
))
note = (f"ASSKomm-Ansprache, Stand {labels.fmt_date(today)}, Auswahl: {where}\n"
        f"{population.attribution()}\n" + ansprache.weights_text())
st.download_button(
    "Anrufliste als Excel (XLSX)",
    data=views.xlsx_bytes(ansprache.call_list(frame), sheet="Ansprache", note=note),
    file_name=f"asskomm_ansprache_{today.isoformat()}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="ans_xlsx",
)
with st.expander("Wie die Punkte entstehen"):
    st.markdown(ansprache.weights_text(markdown=True))
