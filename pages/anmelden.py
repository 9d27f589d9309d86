"""Anmelden (URL ``/anmelden``): sign in with a local account, or sign out."""

import streamlit as st

from asskomm.ui import accounts, layout, webroutes
from asskomm.ui import auth as ui_auth
from asskomm.ui.messages import md

layout.ensure_navigation()
layout.apply_style()
user = ui_auth.current_user()
notice = ui_auth.pop_notice()

if user is not None:
    back = st.session_state.pop(ui_auth.K_RETURN, None)
    if back:  # just signed in: back to the page (and town) the user came from
        st.switch_page(back[0], query_params=back[1] or None)
    st.title("Abmelden")
    st.success(f"Angemeldet als **{md(user.name)}** (Rolle: {user.role_label}).")
    st.page_link("pages/karte.py", label="Zur Karte", icon=":material/map:")
    if webroutes.mounted():
        st.caption(
            "Die Anmeldung gilt in diesem Browser, auch nach dem Neuladen und in neuen Tabs. Sie endet nach "
            f"{accounts.describe_timeout()} ohne Aktivität, beim Abmelden (in allen Tabs) und bei einer "
            "Passwortänderung oder Sperrung des Kontos."
        )
    else:
        st.caption(
            f"Die Anmeldung gilt nur für diesen Browser-Tab (der Server wurde ohne »app.py« gestartet) und endet "
            f"nach {accounts.describe_timeout()} ohne Aktivität oder beim Neuladen der Seite."
        )
    if st.button("Abmelden", type="primary", key="auth_signout"):
        ui_auth.sign_out("Sie wurden abgemeldet.")
        st.rerun()
    st.stop()

st.title("Anmelden")
if notice:
    st.info(notice)
st.caption(
    "Für Bearbeiterinnen und Bearbeiter des Landespräventionsrats. Die Karte und alle öffentlichen Angaben "
    "sind ohne Anmeldung sichtbar; Kontaktdaten der Präventionsräte, Bearbeitung, Import und "
    "Änderungsprotokoll nur nach der Anmeldung."
)

with st.form("auth_form", clear_on_submit=False):
    name = st.text_input("Benutzername", max_chars=64, autocomplete="username")
    password = st.text_input("Passwort", type="password", max_chars=accounts.MAX_PASSWORD_LENGTH,
                             autocomplete="current-password")
    submitted = st.form_submit_button("Anmelden", type="primary")

if submitted:
    result = accounts.accounts().authenticate(name, password)
    if result.ok and result.user is not None:
        ui_auth.sign_in(result.user)
        target = ui_auth.return_target()
        if target:
            st.session_state[ui_auth.K_RETURN] = target
        st.rerun()  # the navigation now shows the pages of the user's role
    else:
        st.error(result.message, icon=":material/block:")

with st.expander("Noch kein Konto?"):
    st.markdown(
        "Konten legt die Administration an – in der App unter »Benutzer« oder auf dem Server mit\n\n"
        "```\n.venv/bin/asskomm user add NAME --role bearbeiter\n```\n"
        "Ein voreingestelltes Passwort gibt es nicht."
    )
