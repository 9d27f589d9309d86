"""Server entry: ``streamlit run app.py`` serves the app (``dashboard.py``) and the sign-in cookie routes.

``streamlit run dashboard.py`` still works, but then a sign-in lasts only for its browser tab.
"""

import streamlit as st

from asskomm.ui import webroutes

app = st.App("dashboard.py", routes=webroutes.routes())
