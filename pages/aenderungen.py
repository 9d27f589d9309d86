"""Änderungen (URL ``/aenderungen``, editors only): the audit log, filterable, with revert."""

import datetime as dt

import streamlit as st

from asskomm.ui import auth as ui_auth
from asskomm.ui import boundaries, data, editing
from asskomm.ui.messages import flash, md

user = ui_auth.restricted_page(
    "bearbeiter",
    "Das Änderungsprotokoll",
    title="Änderungen",
    caption="Jede Änderung an den Datensätzen mit Zeitpunkt, Person, vorher und nachher. Eine Änderung kann "
    "rückgängig gemacht werden; die Rücknahme wird selbst protokolliert.",
)

gemeinden = boundaries.gemeinden_index()
options = boundaries.search_options()
c1, c2, c3 = st.columns([1.4, 1, 1.4])
with c1:
    ags = st.selectbox("Gemeinde", options=list(options), format_func=options.get, index=None,
                       placeholder="alle Gemeinden", key="aen_ags")
with c2:
    actors = editing.actors()
    person = st.selectbox("Person", options=actors, index=None, placeholder="alle", key="aen_actor")
with c3:
    today = dt.date.today()
    period = st.date_input("Zeitraum", value=(), min_value=dt.date(2018, 1, 1), max_value=today,
                           format="DD.MM.YYYY", key="aen_period", help="leer = alle Tage")
since = until = None
if isinstance(period, tuple | list) and period:
    since = period[0]
    until = period[1] if len(period) > 1 else period[0]

records = data.records()
rows = editing.audit_rows(records, ags=ags, actor=person, since=since, until=until, limit=500,
                          admin=user.can("admin"))
if not rows:
    st.info("Keine Änderungen für diese Auswahl.")
    st.stop()

frame = editing.audit_table(rows)
# Fixed widths that fit the main area at 1400 px (sidebar open) without scrolling sideways; »Änderung« takes
# the rest, and its full text shows on hover and in the selection below.
st.dataframe(
    frame, hide_index=True, width="stretch", height=min(600, 38 + 35 * len(frame)),
    column_config={
        "Nr.": st.column_config.NumberColumn(width=50, format="%d"),
        "Zeitpunkt": st.column_config.TextColumn(width=118),
        "Person": st.column_config.TextColumn(width=75),
        "Was": st.column_config.TextColumn(width=150),
        "Teilnehmer": st.column_config.TextColumn(width=130),
        "Änderung": st.column_config.TextColumn(width=255),
        "Zurückgenommen": st.column_config.TextColumn(width=112),
    },
)
st.caption(f"{len(rows)} Einträge (höchstens 500, neueste zuerst). Zeiten in deutscher Zeit.")

st.subheader("Änderung rückgängig machen")
revertable = {r.id: r for r in rows if r.revertable}
if not revertable:
    st.caption("Keine der angezeigten Änderungen kann rückgängig gemacht werden.")
    st.stop()
choice = st.selectbox(
    "Eintrag",
    options=list(revertable),
    format_func=lambda i: f"Nr. {i} · {revertable[i].when} · {revertable[i].actor} · {revertable[i].entity} "
    f"{revertable[i].action} · {revertable[i].teilnehmer}"[:160],
    index=None,
    placeholder="Nr. wählen …",
    key="aen_choice",
)
if choice is not None:
    chosen = revertable[choice]
    st.markdown(f"**Nr. {choice}:** {md(chosen.was)}")
    if chosen.entity == "Import":
        st.caption("Nimmt den ganzen Import zurück (alle Einträge dieser Datei), in einem Schritt.")
    if st.button("Rückgängig machen", type="primary", key="aen_revert"):
        try:
            editing.revert(choice, ui_auth.actor(user))
            flash(f"Änderung Nr. {choice} wurde rückgängig gemacht.")
            st.session_state.pop("aen_choice", None)
            st.rerun()
        except editing.ConflictError as exc:
            st.error(f"Nicht rückgängig gemacht: {md(exc)}", icon=":material/warning:")
            if exc.current:
                st.table(editing.stored_now(exc.current))
