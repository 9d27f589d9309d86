"""Kommune (URL ``/kommune?ags=14626110[&stand=2021-11-30]``): one municipality at a date.

Status and flags, the timeline of its milestones (also through its groups) with sources, focus areas,
group membership, the KPR (contact data only for signed-in editors), a locator map and the neighbours.
Signed-in editors change milestones, focus areas, sources, notes and contacts here.
"""

import datetime as dt

import streamlit as st

from asskomm import labels
from asskomm.ui import auth as ui_auth
from asskomm.ui import boundaries, data, kommune_editor, layout, mapblock
from asskomm.ui import kommune as ui
from asskomm.ui.messages import md, show_flash

layout.ensure_navigation()
layout.apply_style()
st.html(ui.STYLE)
user = ui_auth.current_user()

gemeinden = boundaries.gemeinden_index()
kreis_labels = boundaries.kreis_labels()
names = dict(zip(gemeinden["ags"].astype(str), gemeinden["name"].astype(str), strict=True))
options = boundaries.search_options()

if "ags" not in st.query_params and ui_auth.last_town() in names:  # »Kommune« shows the last town again
    st.query_params["ags"] = ui_auth.last_town()
ags, message = ui.resolve_ags(st.query_params.get("ags"), names.keys())
if ags is None:
    st.title("Kommune")
    st.warning(md(message), icon=":material/search:")
    st.selectbox("Gemeinde suchen", options=list(options), format_func=options.get, index=None,
                 placeholder="Name eingeben …", key="kommune_search", on_change=ui.go_to, args=("kommune_search",))
    st.page_link("pages/karte.py", label="Zur Karte", icon=":material/map:")
    st.stop()
if message:  # an old key: show today's Gemeinde and say so
    st.info(f"{md(message)} **{md(names[ags])}** ({ags}).")
    st.query_params["ags"] = ags

ui_auth.remember_town(ags)
stand, stand_notice = ui.parse_stand(st.query_params.get("stand"))
if stand_notice:
    st.warning(md(stand_notice), icon=":material/warning:")

meta = gemeinden.set_index(gemeinden["ags"].astype(str)).loc[ags]
kreis_name = kreis_labels.get(str(meta["kreis_ags"]), str(meta.get("kreis_name", "")))
records = data.all_records()  # the town page shows unconfirmed milestones too, with their reason
participants = ui.participants_of(records, ags)
own = next((p for p in participants if p.kind == "gemeinde"), None)
table = data.status_table(stand)
row = table.set_index(table["ags"].astype(str)).loc[ags]

layout.page_title(names[ags], stand, subtitle=f"{meta.get('typ', '')} · {kreis_name} · AGS {ags}")
ui.sidebar(options, stand)

left, right = st.columns([1.35, 1], gap="large")
with left:
    st.subheader("Status")
    st.markdown(f"### {md(labels.STATUS_LABELS[row['status']])}"
                + (f" seit {labels.fmt_date(row['status_seit'])}" if row["status_seit"] else ""))
    ui.status_block(row, participants, names, ags)

    st.subheader("Präventionsrat (KPR)")
    has_kpr = any(m.baustein == "kpr" for p in participants for m in records.milestones_of(p.id))
    st.markdown("Ein Kommunaler Präventionsrat ist erfasst." if has_kpr else "Kein Präventionsrat erfasst.")
    contacts = [c for c in records.contacts if c.participant_id in {p.id for p in participants}]
    if user is not None and user.can("bearbeiter"):
        if contacts:
            st.html(ui.contacts_html(contacts))
        else:
            st.caption("Keine Kontaktdaten erfasst.")
    else:
        st.caption("Kontaktdaten (Ansprechpersonen, Telefon, E-Mail) sehen nur angemeldete Bearbeiterinnen und "
                   "Bearbeiter.")
with right:
    st.subheader("Lage")
    ui.locator_map(ags, table, boundaries.geo_key(), mapblock.base_url_path())
    st.caption(f"Grenzen: {boundaries.bkg_attribution()}")

st.subheader("Meilensteine")
rows = ui.timeline(records, participants, stand)
st.html(ui.timeline_html(rows, own.id if own else None,
                         highlight=st.session_state.pop(kommune_editor.K_HIGHLIGHT, None)))
if any(not r.counts for r in rows):
    st.caption(f"Grau: nach dem gewählten Stand ({labels.fmt_date(stand)}); zählt für diesen Stand noch nicht.")

st.subheader("Nachbargemeinden")
status_of = dict(zip(table["ags"].astype(str), table["status"], strict=True))
near = ui.neighbours(boundaries.geo_key(), ags)
cols = st.columns(3)
for i, a in enumerate(near):
    with cols[i % 3]:
        st.page_link("pages/kommune.py", label=f"{names.get(a, a)} – {labels.STATUS_LABELS[status_of.get(a, 'nicht_beteiligt')]}",
                     query_params={"ags": a, **({"stand": stand.isoformat()} if stand != dt.date.today() else {})})

if user is not None and user.can("bearbeiter"):
    st.divider()
    st.subheader("Bearbeiten")
    show_flash()  # the confirmation of the last save stands where the user is (and comes as a toast)
    store = data.store()
    tab_m, tab_c = st.tabs(["Meilensteine, Problemfelder, Quellen", "KPR-Kontakte"])
    with tab_m:
        kommune_editor.milestone_editor(store, records, participants, ags, names[ags], ui_auth.actor(user))
    with tab_c:
        kommune_editor.contact_editor(store, records, participants, ui_auth.actor(user))

layout.sources_footer(
    data_stand=f"Datenbank-Version {data.store().data_version()}, abgefragt für den {labels.fmt_date(stand)}",
    attribution=boundaries.bkg_attribution(),
)
