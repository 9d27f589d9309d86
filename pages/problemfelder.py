"""Problemfelder (URL ``/problemfelder``, admins only): the vocabulary, a new Problemfeld, changing one."""

import streamlit as st

from asskomm.ui import auth as ui_auth
from asskomm.ui import editing
from asskomm.ui.messages import flash, md

NEW = "__neu__"
K_PICK, K_LABEL, K_COLOUR, K_TEXT, K_LOADED = "pfv_pick", "pfv_label", "pfv_colour", "pfv_text", "pfv_loaded"

admin = ui_auth.restricted_page(
    "admin",
    "Die Pflege der Problemfelder",
    title="Problemfelder",
    caption="Das Vokabular der Problemfelder für Filter, Importe und Karten. Mitgeliefert in "
    "data/problemfelder.csv; was hier angelegt oder geändert wird, steht in der Datenbank und im "
    "Änderungsprotokoll (rückgängig zu machen). Kennungen bleiben fest, weil Datensätze sie verwenden: "
    "umbenannt wird nur die Bezeichnung.",
)
entries = editing.problemfelder()
st.dataframe(
    editing.problemfelder_table(entries),
    hide_index=True,
    width="stretch",
)

st.subheader("Anlegen oder ändern")
by_id = {e.id: e for e in entries}
pick = st.selectbox(
    "Problemfeld",
    [NEW, *by_id],
    format_func=lambda k: "Neues Problemfeld …" if k == NEW else f"{by_id[k].label} ({k})",
    key=K_PICK,
)
if st.session_state.get(K_LOADED) != pick:  # fill the form from the chosen entry (before its widgets exist)
    chosen = by_id.get(pick)
    st.session_state[K_LABEL] = chosen.label if chosen else ""
    st.session_state[K_COLOUR] = chosen.colour if chosen else "#0062A8"
    st.session_state[K_TEXT] = chosen.description if chosen else ""
    st.session_state[K_LOADED] = pick
    st.session_state["pfv_version"] = chosen.version if chosen else None
with st.form("pfv_form", border=True):
    st.text_input("Bezeichnung", key=K_LABEL, max_chars=editing.MAX_LABEL)
    st.color_picker("Farbe", key=K_COLOUR)
    st.text_area("Beschreibung", key=K_TEXT, max_chars=editing.MAX_DESCRIPTION, height=90)
    saved = st.form_submit_button("Anlegen" if pick == NEW else "Speichern", type="primary")
if saved:
    values = {
        "label": st.session_state[K_LABEL],
        "colour": st.session_state[K_COLOUR],
        "description": st.session_state[K_TEXT],
    }
    try:
        if pick == NEW:
            pf_id = editing.add_problemfeld(values, ui_auth.actor(admin))
            flash(f"Problemfeld »{md(values['label'].strip())}« angelegt (Kennung {pf_id}).")
        else:
            editing.change_problemfeld(pick, values, ui_auth.actor(admin), st.session_state.get("pfv_version"))
            flash(f"Problemfeld »{md(values['label'].strip())}« gespeichert.")
        st.session_state.pop(K_LOADED, None)
        st.rerun()
    except editing.EditError as exc:
        st.error("Nicht gespeichert:\n\n" + "\n".join(f"- {md(m)}" for m in exc.messages),
                 icon=":material/block:")
    except editing.ConflictError as exc:
        current = exc.current or {}
        st.error(
            f"Nicht gespeichert: {md(exc)} Jetzt gespeichert: »{md(current.get('label', ''))}«, "
            f"{md(current.get('colour', ''))}. Bitte das Problemfeld neu wählen.",
            icon=":material/warning:",
        )
        st.session_state.pop(K_LOADED, None)
