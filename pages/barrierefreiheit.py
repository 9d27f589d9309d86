"""Barrierefreiheit (URL ``/barrierefreiheit``): the accessibility statement BITV 2.0 asks for – state of
compliance, known limitations with their alternatives, feedback contact and enforcement procedure."""

import streamlit as st

from asskomm.ui import accessibility, layout

layout.ensure_navigation()
layout.apply_style(False)

st.title("Erklärung zur Barrierefreiheit")
st.caption("ASSKomm-Karte · Allianz Sichere Sächsische Kommunen")
accessibility.statement()
