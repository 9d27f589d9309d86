"""Reference page for bench/run.py: the smallest Streamlit page, measured in the same run as the dashboard.

Ratios against this page, not raw seconds, are what we compare over time (machines and load differ).
"""

import streamlit as st

st.set_page_config(page_title="Minimal", layout="wide")
st.title("Minimal")
st.write("Referenzseite für bench/run.py")
