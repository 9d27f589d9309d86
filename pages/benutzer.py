"""Benutzer (URL ``/benutzer``, admins only): accounts and roles (the vocabulary: ``pages/problemfelder.py``)."""

import streamlit as st

from asskomm.ui import accounts as ui_accounts
from asskomm.ui import auth as ui_auth
from asskomm.ui.messages import flash, md


def _apply(action, message: str) -> None:
    """Run one account change: confirm it after the rerun, or say why it was refused (nothing changed then)."""
    try:
        action()
    except ui_accounts.AuthError as exc:
        st.error(md(exc), icon=":material/block:")
        return
    flash(message)
    st.rerun()


def _add_user(name: str, pw1: str, pw2: str, role: str) -> None:
    if pw1 != pw2:
        raise ui_accounts.AuthError("Die beiden Passwörter stimmen nicht überein.")
    accounts.add(name, pw1, role, actor=admin.name)


def _delete_user(target: str) -> None:
    accounts.remove(target, actor=admin.name)
    st.session_state.pop("usr_confirm", None)
    st.session_state.pop("usr_target", None)


admin = ui_auth.restricted_page("admin", "Die Benutzerverwaltung", title="Benutzer")
accounts = ui_accounts.accounts()
users = accounts.list()
st.dataframe(
    ui_accounts.users_table(users),
    hide_index=True,
    width="stretch",
)
st.caption(
    "Rollen: Betrachter – öffentliche Daten; Bearbeiter – Datensätze ändern, importieren, Kontaktdaten sehen; "
    "Administrator – zusätzlich Benutzer verwalten."
)

tab_new, tab_edit = st.tabs(["Neuer Benutzer", "Benutzer ändern"])
with tab_new, st.form("usr_new", clear_on_submit=True):
    name = st.text_input("Benutzername", max_chars=64)
    role = st.selectbox("Rolle", options=list(ui_accounts.ROLES), format_func=ui_accounts.ROLE_LABELS.get, index=1)
    pw1 = st.text_input("Erstes Passwort", type="password", max_chars=ui_accounts.MAX_PASSWORD_LENGTH,
                        help=f"mindestens {ui_accounts.MIN_PASSWORD_LENGTH} Zeichen; bitte persönlich übergeben")
    pw2 = st.text_input("Passwort wiederholen", type="password", max_chars=ui_accounts.MAX_PASSWORD_LENGTH)
    if st.form_submit_button("Anlegen", type="primary"):
        _apply(lambda: _add_user(name, pw1, pw2, role), f"Benutzer »{md(name)}« angelegt.")

with tab_edit:
    names = [u.name for u in users]
    target = st.selectbox("Benutzer", options=names, index=None, placeholder="wählen …", key="usr_target")
    if target:
        chosen = next(u for u in users if u.name == target)
        c1, c2 = st.columns(2)
        with c1, st.form("usr_role"):
            new_role = st.selectbox("Rolle", options=list(ui_accounts.ROLES), format_func=ui_accounts.ROLE_LABELS.get,
                                    index=ui_accounts.ROLES.index(chosen.role))
            if st.form_submit_button("Rolle speichern"):
                _apply(lambda: accounts.set_role(target, new_role, actor=admin.name),
                       f"Rolle von »{md(target)}« geändert.")
        with c2, st.form("usr_pw", clear_on_submit=True):
            pw = st.text_input("Neues Passwort", type="password", max_chars=ui_accounts.MAX_PASSWORD_LENGTH)
            if st.form_submit_button("Passwort setzen"):
                _apply(lambda: accounts.set_password(target, pw, actor=admin.name),
                       f"Passwort von »{md(target)}« neu gesetzt.")
        b1, b2, b3 = st.columns(3)
        if chosen.active and b1.button("Sperren", key="usr_lock"):
            _apply(lambda: accounts.set_active(target, False, actor=admin.name), f"»{md(target)}« gesperrt.")
        if not chosen.active and b1.button("Entsperren", key="usr_unlock"):
            _apply(lambda: accounts.set_active(target, True, actor=admin.name), f"»{md(target)}« entsperrt.")
        if b2.button("Wartezeit nach Fehlversuchen aufheben", key="usr_throttle"):
            _apply(lambda: accounts.unlock(target), "Wartezeit aufgehoben.")
        if b3.button("Löschen …", key="usr_delete"):
            st.session_state["usr_confirm"] = target
        if st.session_state.get("usr_confirm") == target:
            st.warning(f"Benutzer »{md(target)}« wirklich löschen?")
            if st.button("Ja, löschen", type="primary", key="usr_delete_yes"):
                _apply(lambda: _delete_user(target), f"»{md(target)}« gelöscht.")

st.page_link("pages/problemfelder.py", label="Problemfelder (Vokabular) pflegen", icon=":material/label:")
