"""Barrierefreiheit (URL ``/barrierefreiheit``): the accessibility statement BITV 2.0 asks for – state of
compliance, known limitations with their alternatives, feedback contact and enforcement procedure."""

import streamlit as st

from asskomm.render import accessibility
from asskomm.ui import layout

layout.ensure_navigation()
layout.apply_style(False)

st.title("Erklärung zur Barrierefreiheit")
st.caption("ASSKomm-Karte · Allianz Sichere Sächsische Kommunen")
if not accessibility.is_configured():
    st.warning(
        "Die Kontaktangaben sind noch Platzhalter in eckigen Klammern. Der Betrieb trägt sie über die "
        f"Umgebungsvariablen {accessibility.ENV_PREFIX}… ein (siehe README).",
        icon=":material/edit:",
    )
for heading, text in accessibility.sections():
    st.header(heading)
    st.markdown(text)
