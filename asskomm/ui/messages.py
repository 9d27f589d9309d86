"""Messages on every page: user text made inert for Streamlit markdown (:func:`md`, the one helper for it) and
the confirmation of an action that survives the rerun it causes (:func:`flash`, shown by :func:`show_flash`)."""

from __future__ import annotations

import streamlit as st

from asskomm import labels

# Session keys of the confirmation (``ed_``: dropped at sign-out, ``auth.EDIT_PREFIXES``).
K_FLASH = "ed_flash"
K_TOAST = "ed_toast"

md = labels.md_inert
code_span = labels.code_span


def flash(message: str, *, toast: bool = False) -> None:
    """Confirm an action on the next run: as a message (where ``show_flash`` stands) and, with ``toast``,
    also as a toast in the corner of the window, where it is seen whatever part of the page is in view."""
    st.session_state[K_FLASH] = message
    if toast:
        st.session_state[K_TOAST] = message


def show_flash() -> None:
    message = st.session_state.pop(K_FLASH, None)
    toast = st.session_state.pop(K_TOAST, None)
    if toast:
        st.toast(toast, icon=":material/check_circle:", duration="long")
    if message:
        st.success(message, icon=":material/check_circle:")
