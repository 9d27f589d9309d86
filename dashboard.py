"""ASSKomm-Karte: entrypoint (page config, navigation, shared sidebar)."""

import streamlit as st

st.set_page_config(page_title="ASSKomm-Karte", page_icon="🗺️", layout="wide")

karte = st.Page("pages/karte.py", title="Karte", url_path="", default=True)
navigation = st.navigation([karte])
navigation.run()
