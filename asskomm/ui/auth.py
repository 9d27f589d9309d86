"""Sign-in state of a browser session (Streamlit side of ``asskomm.store.accounts``).

The signed-in user's name and the time of their last action live in ``st.session_state`` (on the server,
per browser tab; nothing in the URL or a cookie). Every run re-reads the account from the database, so a
locked or deleted account or a changed role takes effect at the next click, and a session that was idle
longer than ``auth.session_timeout()`` is signed out.

    user = ui.auth.current_user()          # auth.User or None
    ui.auth.require("bearbeiter")          # German notice + link to sign in, then st.stop()
    ui.auth.can("admin")
"""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st
from streamlit.errors import StreamlitAPIException

from asskomm.store import accounts as auth
from asskomm.ui import data

K_USER = "auth_user"
K_SEEN = "auth_last_seen"
K_NOTICE = "auth_notice"
# Session-state keys with these prefixes hold edit forms (with personal data); they are dropped at sign-out.
EDIT_PREFIXES = ("ed_", "imp_", "aen_", "usr_")
SIGN_IN_PAGE = "pages/anmelden.py"


@st.cache_resource(show_spinner=False)
def _accounts(db_setting: str) -> auth.Accounts:
    return auth.Accounts(data.store())


def accounts() -> auth.Accounts:
    return _accounts(os.environ.get("ASSKOMM_DB", ""))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sign_in(user: auth.User) -> None:
    _clear()
    st.session_state[K_USER] = user.name
    st.session_state[K_SEEN] = _now()


def sign_out(notice: str | None = None) -> None:
    _clear()
    if notice:
        st.session_state[K_NOTICE] = notice


def _clear() -> None:
    for key in list(st.session_state.keys()):
        if key in (K_USER, K_SEEN, K_NOTICE) or str(key).startswith(EDIT_PREFIXES):
            del st.session_state[key]


def current_user() -> auth.User | None:
    """The signed-in user (re-read from the database), or None; ends idle sessions."""
    name = st.session_state.get(K_USER)
    if not name:
        return None
    if auth.session_expired(st.session_state.get(K_SEEN), _now()):
        minutes = int(auth.session_timeout().total_seconds() // 60)
        sign_out(f"Ihre Sitzung ist nach {minutes} Minuten ohne Aktivität abgelaufen. Bitte neu anmelden.")
        return None
    user = accounts().get(name)
    if user is None or not user.active:
        sign_out("Ihr Konto ist nicht mehr aktiv. Bitte an die Administration wenden.")
        return None
    st.session_state[K_SEEN] = _now()
    return user


def can(role: str) -> bool:
    user = current_user()
    return user is not None and user.can(role)


def actor(user: auth.User) -> str:
    return user.name


def pop_notice() -> str | None:
    return st.session_state.pop(K_NOTICE, None)


def require(role: str, what: str = "Diese Seite") -> auth.User:
    """Stop the page unless the signed-in user has ``role`` (checked in the page, not only in the menu)."""
    user = current_user()
    if user is not None and user.can(role):
        return user
    notice = pop_notice()
    if notice:
        st.info(notice)
    label = auth.ROLE_LABELS[role]
    if user is None:
        st.warning(f"{what} ist nur nach der Anmeldung zugänglich (Rolle »{label}« oder höher).", icon=":material/lock:")
        sign_in_link("Zur Anmeldung")
    else:
        st.warning(
            f"{what} ist für Ihre Rolle »{user.role_label}« nicht freigegeben (nötig: »{label}«).", icon=":material/lock:"
        )
    st.stop()
    raise RuntimeError("unreachable")  # st.stop() raises; keeps type checkers honest


def sign_in_link(label: str) -> None:
    try:
        st.page_link(SIGN_IN_PAGE, label=label, icon=":material/key:")
    except StreamlitAPIException:  # the page runs outside the app's navigation (e.g. a test)
        st.markdown(f"[{label}](anmelden)")


def restricted_page(role: str, what: str, *, title: str, caption: str = "") -> auth.User:
    """The start of every page for a role: navigation, style, the role check (stops the page otherwise), the
    sign-in status in the sidebar, then the page's title, its caption and the last action's confirmation.
    Returns the signed-in user."""
    from asskomm.ui import kommune, layout

    layout.ensure_navigation()
    layout.apply_style()
    user = require(role, what)
    sidebar_status()
    st.title(title)
    if caption:
        st.caption(caption)
    kommune.show_flash()
    return user


def sidebar_status() -> None:
    """»Angemeldet als …« and a sign-out button in the sidebar (visitors find »Anmelden« in the navigation)."""
    user = current_user()
    if user is None:
        return
    with st.sidebar:
        st.caption(f"Angemeldet als **{user.name}** ({user.role_label})")
        if st.button("Abmelden", key="auth_signout_sidebar"):
            sign_out("Sie wurden abgemeldet.")
            st.rerun()
