"""Karte: the start page (placeholder until the map dashboard lands)."""

import streamlit as st

st.title("ASSKomm-Karte")
st.caption("Allianz Sichere Sächsische Kommunen – Übersichtskarte")
