"""ASSKomm-Karte: entrypoint (page config, navigation, shared sidebar)."""

import streamlit as st

from asskomm.paths import ROOT
from asskomm.ui import auth as ui_auth
from asskomm.ui import data as ui_data
from asskomm.ui import german, leaflet

presentation = st.query_params.get("praesentation", "") in ("1", "ja", "true")
st.set_page_config(
    page_title="ASSKomm-Karte",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="collapsed" if presentation else "auto",
)

leaflet.ensure()  # served from static/leaflet; rewritten only if missing or stale

pages = [st.Page("pages/karte.py", title="Karte", icon=":material/map:", url_path="", default=True)]
files = {"": "pages/karte.py", "karte": "pages/karte.py"}  # URL path -> page file (where to return after sign-in)
# Further pages are registered as soon as their files exist.
for file, title, icon, url in (
    ("pages/kommune.py", "Kommune", ":material/location_city:", "kommune"),
    ("pages/landkreise.py", "Landkreise", ":material/bar_chart:", "landkreise"),
    ("pages/bericht.py", "Bericht", ":material/description:", "bericht"),
    ("pages/quellen.py", "Quellen", ":material/menu_book:", "quellen"),
    ("pages/barrierefreiheit.py", "Barrierefreiheit", ":material/accessibility_new:", "barrierefreiheit"),
):
    if (ROOT / file).is_file():
        pages.append(st.Page(file, title=title, icon=icon, url_path=url))
        files[url] = file

# Without a usable database: a German notice instead of a traceback (and a retry on the next rerun).
ui_data.require_database()

# Sign-in and editing (issue 6): a page needing a role is only registered for users with that role,
# and every such page checks the role again itself (a typed URL never gets past that check).
user = ui_auth.current_user()
for file, title, icon, url, role in (
    ("pages/aenderungen.py", "Änderungen", ":material/history:", "aenderungen", "bearbeiter"),
    ("pages/import.py", "Import", ":material/upload_file:", "import", "bearbeiter"),
    ("pages/ansprache.py", "Ansprache", ":material/campaign:", "ansprache", "bearbeiter"),
    ("pages/benutzer.py", "Benutzer", ":material/group:", "benutzer", "admin"),
    ("pages/problemfelder.py", "Problemfelder", ":material/label:", "problemfelder", "admin"),
):
    if user is not None and user.can(role) and (ROOT / file).is_file():
        pages.append(st.Page(file, title=title, icon=icon, url_path=url))
    files[url] = file
files["anmelden"] = ui_auth.SIGN_IN_PAGE
pages.append(
    st.Page(ui_auth.SIGN_IN_PAGE, title="Abmelden" if user else "Anmelden", icon=":material/key:", url_path="anmelden")
)

navigation = st.navigation(pages, position="hidden" if presentation else "sidebar")
st.session_state[ui_auth.K_PAGES] = files
page_file = files.get(navigation.url_path, "")
ui_auth.remember_page(page_file)
ui_auth.sync_cookie()
german.install()
if not presentation and page_file != ui_auth.SIGN_IN_PAGE:  # that page says it (and signs out) itself
    ui_auth.sidebar_status()
ui_auth.watch_session()
if page_file != ui_auth.SIGN_IN_PAGE:
    notice = ui_auth.pop_notice()  # e.g. »Ihre Sitzung ist … abgelaufen« after a reload
    if notice:
        st.toast(notice, icon=":material/logout:", duration="long")
try:
    navigation.run()
except ui_data.database_errors() as exc:  # the database went away in the middle of this run
    ui_data.database_notice(exc)
