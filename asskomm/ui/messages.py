"""Messages on every page: user text made inert for Streamlit markdown (:func:`md`, the one helper for it) and
the confirmation of an action that survives the rerun it causes (:func:`flash`, shown by :func:`show_flash`)."""

from __future__ import annotations

import re

import streamlit as st

# Session keys of the confirmation (``ed_``: dropped at sign-out, ``auth.EDIT_PREFIXES``).
K_FLASH = "ed_flash"
K_TOAST = "ed_toast"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:=^])")
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_QUOTED = re.compile(r"»([^«]*)«")
# What a renderer turns into a link or an icon from plain text, escaped or not (Streamlit's markdown finds
# URLs, www. and e-mail addresses in the text after escapes are resolved, and :material/…: icons).
_LIVE_TOKEN = re.compile(r"\S*(?:://|www\.|@|:[^\s:]+:)\S*", re.IGNORECASE)
_BACKTICKS = re.compile(r"`+")
MAX_VALUE_CHARS = 200


def md(text: object) -> str:
    """User text made inert for Streamlit markdown: the one helper for every user-supplied value that is
    echoed in a markdown element (notices about URL parameters, names, file names, search texts, messages).

    A value quoted »…« becomes a code span, and so does any word a renderer would make a link or an icon
    from (``https://…``, ``www.…``, e-mail addresses, ``:name:``); the rest is backslash-escaped. Line breaks
    become spaces, so nothing can start a block of its own. No link, image, emphasis or HTML comes out of it.
    """
    flat = _BREAKS.sub(" ", str(text))
    out, pos = [], 0
    for m in _QUOTED.finditer(flat):
        out += [_prose(flat[pos:m.start()]), "»", code_span(m.group(1)), "«"]
        pos = m.end()
    out.append(_prose(flat[pos:]))
    return "".join(out)


def _prose(text: str) -> str:
    out, pos = [], 0
    for m in _LIVE_TOKEN.finditer(text):
        out += [_MD_SPECIAL.sub(r"\\\1", text[pos:m.start()]), code_span(m.group(0))]
        pos = m.end()
    out.append(_MD_SPECIAL.sub(r"\\\1", text[pos:]))
    return "".join(out)


def code_span(value: object) -> str:
    """``value`` as one markdown code span, whatever backticks it holds (a fence longer than any run in it),
    on one line and at most ``MAX_VALUE_CHARS`` long; empty for an empty value."""
    text = _BREAKS.sub(" ", str(value)).strip()
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + "…"
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


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
