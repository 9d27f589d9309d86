"""Ansprache (URL ``/ansprache``, editors only): Gemeinden not yet taking part, ranked by an explainable score,
with a map of the candidates and an XLSX call list."""

import datetime as dt

import streamlit as st

from asskomm import labels
from asskomm.ui import ansprache, boundaries, coverage, data
from asskomm.ui import auth as ui_auth

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
frame = ansprache.candidates(table, kreise, kreis_labels, problemfeld_labels)
where = ", ".join(kreis_labels.get(k, k) for k in kreise) if kreise else "ganz Sachsen"
st.markdown(f"**{labels.fmt_int(len(frame))} Gemeinden ohne Beteiligung** ({where}), Stand "
            f"{labels.fmt_date(today)}. {coverage.population().attribution()}.")

ansprache.candidate_map(table, frame, kreise, top_n, problemfeld_labels)
st.caption(f"Grau: Gemeinden ohne Beteiligung; umrandet: die ersten {top_n} der Liste; blau: beteiligte "
           "Gemeinden; Punkte: Präventionsräte.")

ansprache.candidate_table(frame)
ansprache.call_list_download(frame, today, where)
with st.expander("Wie die Punkte entstehen"):
    ansprache.weights_explanation()
