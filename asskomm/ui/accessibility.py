"""The accessibility statement BITV 2.0 asks for, as the Barrierefreiheit page shows it (the text and the operator's
contact details come from ``asskomm.render.accessibility``)."""

from __future__ import annotations

import streamlit as st

from asskomm.render import accessibility


def statement() -> None:
    """A notice while the contact details are placeholders, then every section of the statement."""
    if not accessibility.is_configured():
        st.warning(
            "Die Kontaktangaben sind noch Platzhalter in eckigen Klammern. Der Betrieb trägt sie über die "
            f"Umgebungsvariablen {accessibility.ENV_PREFIX}… ein (siehe README).",
            icon=":material/edit:",
        )
    for heading, text in accessibility.sections():
        st.header(heading)
        st.markdown(text)
