"""Sign-in state of a browser (Streamlit side of ``asskomm.store.accounts`` and ``asskomm.store.sessions``).

A sign-in is a row of the database table ``user_sessions`` (so it holds on every app server). The browser
tab that signed in keeps the row's id in ``st.session_state``; other tabs, reloads and bookmarks find it
through the HttpOnly cookie that :mod:`asskomm.ui.webroutes` sets right after the sign-in (read here with
``st.context.cookies``). Every run re-checks the session and the account in the database, so a sign-out
(in any tab), a password change, a lock, a deleted account or an expired session takes effect at the next
click; a changed role too. A sidebar fragment re-checks every ``CHECK_SECONDS`` so an idle tab notices.

    user = ui.auth.current_user()          # roles.User or None
    ui.auth.require("bearbeiter")          # German notice + link to sign in, then st.stop()
    ui.auth.can("admin")
"""

from __future__ import annotations

import html
import json

import streamlit as st
from streamlit.errors import StreamlitAPIException

from asskomm.store.roles import ROLE_LABELS, User
from asskomm.store.sessions import Session, SessionCheck, session_timeout
from asskomm.ui import layout, messages, page_scripts, webroutes
from asskomm.ui.accounts import accounts

K_SID = "auth_session"
K_NOTICE = "auth_notice"
K_ACTIVATE = "auth_activation"  # one-time code for the cookie route, sent once to the browser
K_END_COOKIE = "auth_end_cookie"  # ask the browser to delete the cookie (after a sign-out)
K_FROM = "auth_from"  # (page file, query params) of the last page shown before »Anmelden«
K_RETURN = "auth_return"  # (page file, query params) to switch to right after the sign-in
K_PAGES = "auth_pages"  # URL path -> page file of every page of the app (set by dashboard.py)
K_NO_COOKIE = "auth_cookie_refused"  # the cookie's session was ended: do not take it up again in this tab
# Session-state keys with these prefixes hold edit forms (with personal data); they are dropped at sign-out.
EDIT_PREFIXES = ("ed_", "imp_", "aen_", "usr_")
SIGN_IN_PAGE = "pages/anmelden.py"
CHECK_SECONDS = 30  # at most; a third of the session length if that is shorter


def _check_every() -> float:
    return min(CHECK_SECONDS, session_timeout().total_seconds() / 3)


def sign_in(user: User) -> None:
    """Start a session for ``user`` in this tab; the next run hands the browser the code for its cookie."""
    _clear()
    sid, code = accounts().start_session(user)
    st.session_state[K_SID] = sid
    st.session_state[K_ACTIVATE] = code


def sign_out(notice: str | None = None) -> None:
    """End this browser's session (in the database: every tab and server) and forget the edit forms."""
    sid = st.session_state.get(K_SID)
    if sid is not None:
        accounts().end_session(sid)
    _clear()
    st.session_state[K_END_COOKIE] = True
    st.session_state[K_NO_COOKIE] = _cookie_value()
    if notice:
        st.session_state[K_NOTICE] = notice


def _clear() -> None:
    for key in list(st.session_state.keys()):
        if key in (K_SID, K_NOTICE, K_ACTIVATE, K_END_COOKIE) or str(key).startswith(EDIT_PREFIXES):
            del st.session_state[key]


def _cookie_value() -> str | None:
    try:
        value = st.context.cookies.get(webroutes.COOKIE)
    except Exception:  # no browser context (bare mode)
        return None
    return value if isinstance(value, str) else None  # (AppTest has a stand-in object there)


def current_session() -> Session | None:
    """This browser's session (re-checked in the database), or None; tells the user why one ended."""
    sid = st.session_state.get(K_SID)
    if sid is not None:
        check = accounts().session_by_id(sid)
        if check.session is not None:
            return check.session
        sign_out(check.ended or "Sie wurden abgemeldet (in einem anderen Tab oder Fenster).")
        return None
    cookie = _cookie_value()
    if not cookie or cookie == st.session_state.get(K_NO_COOKIE):
        return None
    token = webroutes.unsign(cookie)
    check = accounts().session_by_token(token) if token else SessionCheck(None)
    if check.session is None:
        st.session_state[K_NO_COOKIE] = cookie
        if check.ended:
            st.session_state[K_NOTICE] = check.ended
        st.session_state[K_END_COOKIE] = True
        return None
    st.session_state[K_SID] = check.session.id
    return check.session


def current_user() -> User | None:
    """The signed-in user (re-read from the database), or None; ends idle sessions."""
    session = current_session()
    return session.user if session else None


def can(role: str) -> bool:
    user = current_user()
    return user is not None and user.can(role)


def actor(user: User) -> str:
    return user.name


def pop_notice() -> str | None:
    return st.session_state.pop(K_NOTICE, None)


def require(role: str, what: str = "Diese Seite") -> User:
    """Stop the page unless the signed-in user has ``role`` (checked in the page, not only in the menu)."""
    user = current_user()
    if user is not None and user.can(role):
        return user
    notice = pop_notice()
    if notice:
        st.info(notice)
    label = ROLE_LABELS[role]
    if user is None:
        st.warning(f"{what} ist nur nach der Anmeldung zugänglich (Rolle »{label}« oder höher).", icon=":material/lock:")
        sign_in_link("Zur Anmeldung", back=True)
    else:
        st.warning(
            f"{what} ist für Ihre Rolle »{user.role_label}« nicht freigegeben (nötig: »{label}«).", icon=":material/lock:"
        )
    st.stop()
    raise RuntimeError("unreachable")  # st.stop() raises; keeps type checkers honest


def sign_in_link(label: str, *, back: bool = False) -> None:
    """A link to the sign-in page; ``back``: come back to this page (and its ``?ags=``) afterwards."""
    params = _back_params() if back else {}
    try:
        st.page_link(SIGN_IN_PAGE, label=label, icon=":material/key:", query_params=params or None)
    except StreamlitAPIException:  # the page runs outside the app's navigation (e.g. a test)
        st.markdown(f"[{label}](anmelden)")


# -- where to go after signing in ----------------------------------------------------------------------
BACK_PARAM = "zurueck"
KEPT_PARAMS = ("ags", "stand")


def _page_url_path() -> str:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        pages = ctx.pages_manager.get_pages() if ctx else {}
        page = pages.get(ctx.page_script_hash) if ctx else None
        return str(page.get("url_pathname", "")) if page else ""
    except Exception:  # internals of another Streamlit version
        return ""


def _back_params() -> dict[str, str]:
    params = {k: st.query_params[k] for k in KEPT_PARAMS if k in st.query_params}
    return {BACK_PARAM: _page_url_path() or "karte", **params}


def remember_page(page_file: str) -> None:
    """Note the page now shown (and its ``ags``/``stand``), to return to it after signing in."""
    if page_file and page_file != SIGN_IN_PAGE:
        st.session_state[K_FROM] = (page_file, {k: st.query_params[k] for k in KEPT_PARAMS if k in st.query_params})


def return_target() -> tuple[str, dict[str, str]] | None:
    """(page file, query params) to show after a sign-in: from ``?zurueck=`` or the last page of this tab
    (only pages of the app are accepted)."""
    url_pages = st.session_state.get(K_PAGES) or {}
    back = st.query_params.get(BACK_PARAM)
    if back is not None:
        page = url_pages.get(str(back).strip("/"))
        if page:
            return page, {k: str(st.query_params[k]) for k in KEPT_PARAMS if k in st.query_params}
    remembered = st.session_state.get(K_FROM)
    if remembered and remembered[0] in url_pages.values():
        return remembered
    return None


# -- the last town --------------------------------------------------------------------------------------
K_TOWN = "kommune_last_ags"


def remember_town(ags: str) -> None:
    """Note the Gemeinde shown on the Kommune page: for this tab, and for the sign-in (other tabs, reloads)."""
    if st.session_state.get(K_TOWN) == ags:
        return
    st.session_state[K_TOWN] = ags
    session = current_session()
    if session is not None and session.last_ags != ags:
        accounts().remember_ags(session.id, ags)


def last_town() -> str | None:
    """The Gemeinde last shown on the Kommune page in this tab, or else in this sign-in."""
    ags = st.session_state.get(K_TOWN)
    if ags:
        return ags
    session = current_session()
    return session.last_ags if session else None


# -- the browser side of the cookie ---------------------------------------------------------------------
# One constant script (``page_scripts.SIGN_IN_COOKIE``, allowed by its hash in the Content-Security-Policy); what
# changes (the route, the body with the one-time code) travels in data attributes of its element, which
# Streamlit copies to the script it runs.


def _cookie_script(path: str, body: str, done: str) -> str:
    attrs = " ".join(f'data-{k}="{html.escape(v, quote=True)}"' for k, v in
                     (("path", path), ("body", body), ("done", done)))
    return f"<script {attrs}>{page_scripts.SIGN_IN_COOKIE}</script>"


def sync_cookie() -> None:
    """After a sign-in, let the browser fetch its cookie; after a sign-out, let it delete it (once each).

    The code travels in the body of a same-origin POST (never in a URL); the cookie itself is HttpOnly,
    so no script on the page can read it. Placed in the sidebar so the main area does not move."""
    if K_RETURN in st.session_state:  # this run switches pages at once; hand the code over on the next
        return
    code = st.session_state.pop(K_ACTIVATE, None)
    end = st.session_state.pop(K_END_COOKIE, None)
    if not webroutes.mounted() or not (code or end):
        return
    path = webroutes.base_path() + webroutes.API
    if code:
        js = _cookie_script(path, json.dumps({"code": code}), "aktiv")
    else:
        js = _cookie_script(path + "/ende", "{}", "beendet")
    with st.sidebar:
        st.html(js, unsafe_allow_javascript=True, width="content")


def watch_session() -> None:
    """Rerun the page when this browser's session has ended (sign-out in another tab, lock, password change,
    expiry), checked every ``_check_every()`` seconds without counting the check as activity."""

    @st.fragment(run_every=_check_every())
    def watch() -> None:
        sid = st.session_state.get(K_SID)
        if sid is not None and not accounts().session_alive(sid):
            st.rerun(scope="app")

    if st.session_state.get(K_SID) is not None:
        with st.sidebar:
            watch()


def restricted_page(role: str, what: str, *, title: str, caption: str = "") -> User:
    """The start of every page for a role: navigation, style, the role check (stops the page otherwise), the
    sign-in status in the sidebar, then the page's title, its caption and the last action's confirmation.
    Returns the signed-in user."""
    layout.ensure_navigation()
    layout.apply_style()
    user = require(role, what)
    st.title(title)
    if caption:
        st.caption(caption)
    messages.show_flash()
    return user


def sidebar_status() -> None:
    """»Angemeldet als …« and a sign-out button in the sidebar (visitors find »Anmelden« in the navigation)."""
    user = current_user()
    if user is None:
        return
    with st.sidebar:
        st.caption(f"Angemeldet als **{messages.md(user.name)}** ({user.role_label})")
        if st.button("Abmelden", key="auth_signout_sidebar"):
            sign_out("Sie wurden abgemeldet.")
            st.rerun()
