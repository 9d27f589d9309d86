"""German for what Streamlit 1.67 writes itself in English and offers no setting for.

Streamlit has no interface language setting (its texts are English string literals in the front-end). What
the app can set, it sets (labels, placeholders, ``format="DD.MM.YYYY"``, own help texts). The rest — the file
uploader's »Upload« and »10MB per file«, »Press Ctrl+Enter to submit form«, the date fields' »dd/mm/yyyy«,
screen-reader labels such as »Help for Datum«, the table toolbar — is translated in the browser by
``german.js``: a small script, installed once per tab with ``st.html(..., unsafe_allow_javascript=True)``,
that rewrites those exact texts and attributes as Streamlit draws them (a MutationObserver). It touches only
the listed Streamlit texts, never markdown or data. See :data:`STAYS_ENGLISH` for what is left.
"""

from __future__ import annotations

import streamlit as st

from asskomm.ui import page_scripts

#: Streamlit texts that stay English (documented in the README): shown rarely or never to users of this app.
STAYS_ENGLISH = (
    "the page shown when JavaScript is off (»You need to enable JavaScript to run this app.«)",
    "Streamlit's error and connection dialogs (»Connection error«, »Page not found«) and tracebacks",
    "the developer menu entries (»Rerun«, »Settings«, »Print«), hidden by client.toolbarMode = \"minimal\"",
    "the menu items of the charts' toolbar (Vega: »Save as SVG«, »Save as PNG«)",
)


def install() -> None:
    """Put the translating script on the page (it installs itself once per browser tab)."""
    with st.sidebar:
        st.html(f"<script>{page_scripts.GERMAN}</script>", unsafe_allow_javascript=True, width="content")
