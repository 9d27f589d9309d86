"""Server entry: ``streamlit run app.py`` serves the app (``dashboard.py``) and the sign-in cookie routes.

``streamlit run dashboard.py`` still works, but then a sign-in lasts only for its browser tab.
"""

import logging
import threading

import streamlit as st

from asskomm.ui import firstview, webroutes


def _warm() -> None:
    """Once per server process: fill the shared caches of the default first view (``ui.firstview.warm``)."""
    try:
        logging.getLogger("asskomm").info("caches warmed: %s", ", ".join(firstview.warm()))
    except Exception as exc:  # no database yet, …: the first page run shows that in German
        logging.getLogger("asskomm").warning("caches not warmed: %s", exc)


threading.Thread(target=_warm, name="asskomm-warm", daemon=True).start()
app = st.App("dashboard.py", routes=webroutes.routes())
