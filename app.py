"""Server entry: ``streamlit run app.py`` serves the app (``dashboard.py``), the sign-in cookie routes, the
security headers of every response (``ui.security_headers``), uploads only for signed-in editors
(``ui.upload_gate``) and a year's caching for the content-named map geometry (``ui.static_cache``).

``streamlit run dashboard.py`` still works, but then a sign-in lasts only for its browser tab.
"""

import logging
import threading

import streamlit as st
from starlette.middleware import Middleware

from asskomm.ui import firstview, webroutes
from asskomm.ui.security_headers import SecurityHeaders
from asskomm.ui.static_cache import ImmutableGeometry
from asskomm.ui.upload_gate import EditorsOnlyUploads


def _warm() -> None:
    """Once per server process: fill the shared caches of the default first view (``ui.firstview.warm``)."""
    try:
        logging.getLogger("asskomm").info("caches warmed: %s", ", ".join(firstview.warm()))
    except Exception as exc:  # no database yet, …: the first page run shows that in German
        logging.getLogger("asskomm").warning("caches not warmed: %s", exc)


threading.Thread(target=_warm, name="asskomm-warm", daemon=True).start()
app = st.App(
    "dashboard.py",
    routes=webroutes.routes(),
    middleware=[Middleware(SecurityHeaders), Middleware(EditorsOnlyUploads), Middleware(ImmutableGeometry)],
)
