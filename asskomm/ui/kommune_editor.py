"""The Kommune page's editing forms: milestones (with focus areas, source and note) and KPR contacts.

Their values live in ``st.session_state`` under ``ed_…`` keys (dropped at sign-out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from asskomm import labels
from asskomm import records as rec
from asskomm.records import vocabulary as vocab
from asskomm.store import editing
from asskomm.store.results import ConflictError
from asskomm.ui.kommune import participant_label
from asskomm.ui.messages import flash, md

K_PART = "ed_participant"
K_SEL = "ed_milestone"
K_ORIG = "ed_orig"
K_CONFIRM = "ed_confirm_delete"
K_HIGHLIGHT = "ed_highlight"  # id of the milestone just saved (marked once in the table)
K_CONFLICT = "ed_conflict"
K_C_SEL = "ed_contact"
K_C_ORIG = "ed_c_orig"
K_C_CONFIRM = "ed_c_confirm"
NEW = "__neu__"
FIELDS = ("baustein", "datum", "problemfelder", "betrag_eur", "quelle", "bemerkung")
C_FIELDS = ("gremium", "adresse", "telefon", "email")


def _load_milestone(m: rec.Milestone | None) -> None:
    form = editing.MilestoneForm.of(m) if m else editing.MilestoneForm("beratung")
    for field in FIELDS:
        value = getattr(form, field)
        st.session_state[f"ed_f_{field}"] = list(value) if field == "problemfelder" else value
    st.session_state[K_ORIG] = m
    st.session_state.pop(K_CONFIRM, None)
    st.session_state.pop(K_CONFLICT, None)


def _on_select_milestone(by_id: Mapping[int, rec.Milestone]) -> None:
    sel = st.session_state.get(K_SEL)
    _load_milestone(by_id.get(sel) if sel != NEW else None)


def _form_values() -> editing.MilestoneForm:
    return editing.MilestoneForm(
        baustein=st.session_state.get("ed_f_baustein") or "",
        datum=st.session_state.get("ed_f_datum") or "",
        problemfelder=tuple(st.session_state.get("ed_f_problemfelder") or ()),
        betrag_eur=st.session_state.get("ed_f_betrag_eur") or "",
        quelle=st.session_state.get("ed_f_quelle") or "",
        bemerkung=st.session_state.get("ed_f_bemerkung") or "",
    )


def _show_conflict(conflict: dict) -> None:
    st.error(
        "Nicht gespeichert: " + md(conflict["message"]) + " Ihre Eingaben stehen noch im Formular. "
        "Was sich inzwischen geändert hat:",
        icon=":material/warning:",
    )
    if conflict["diff"]:
        st.table(pd.DataFrame(conflict["diff"], columns=["Feld", "als Sie begonnen haben", "jetzt gespeichert"]))
    else:
        st.caption("Der Eintrag wurde inzwischen gelöscht.")
    st.caption("Mit »Aktuellen Stand laden« werden die gespeicherten Werte ins Formular übernommen.")


K_ERRORS = "ed_errors"
K_C_ERRORS = "ed_c_errors"


def _show_errors(key: str) -> None:
    messages = st.session_state.pop(key, None)
    if messages:
        st.error("Nicht gespeichert:\n\n" + "\n".join(f"- {md(m)}" for m in messages), icon=":material/block:")


# Callbacks run before the next script run, so they may reset the form's widgets.
def _save_milestone(store, participant: rec.Participant | None, ags: str, actor: str,
                    owner: rec.Participant | None) -> None:
    original: rec.Milestone | None = st.session_state.get(K_ORIG)
    form = _form_values()
    bs = vocab.baustein_labels()
    try:
        if original is None:
            editing.add_milestone(store, form, actor, participant=participant, ags=None if participant else ags)
            st.session_state[K_HIGHLIGHT] = editing.find_milestone(store, form, participant=participant,
                                                                   ags=None if participant else ags)
            flash(f"Meilenstein »{bs.get(form.baustein, form.baustein)}« angelegt – in der Tabelle "
                  "»Meilensteine« markiert.", toast=True)
            st.session_state[K_SEL] = NEW
            _load_milestone(None)
        else:
            editing.update_milestone(store, original, form, actor, participant=owner or participant)
            st.session_state[K_HIGHLIGHT] = original.id
            flash(f"Änderung gespeichert: »{bs.get(form.baustein, form.baustein)}« – in der Tabelle "
                  "»Meilensteine« markiert.", toast=True)
            fresh = next((m for m in store.load().milestones if m.id == original.id), None)
            _load_milestone(fresh)
    except editing.EditError as exc:
        st.session_state[K_ERRORS] = exc.messages
    except ConflictError as exc:
        st.session_state[K_CONFLICT] = {
            "message": str(exc),
            "diff": editing.conflict_diff(editing.milestone_dict(original), exc.current) if original else [],
        }


def _reload_milestone(store) -> None:
    original = st.session_state.get(K_ORIG)
    fresh = next((m for m in store.load().milestones if original and m.id == original.id), None)
    _load_milestone(fresh)
    if fresh is None:
        st.session_state[K_SEL] = NEW


def _delete_milestone(store, actor: str) -> None:
    original = st.session_state.get(K_ORIG)
    try:
        editing.delete_milestone(store, original, actor)
        flash("Meilenstein gelöscht.")
        st.session_state[K_SEL] = NEW
        _load_milestone(None)
    except ConflictError as exc:
        st.session_state[K_CONFLICT] = {
            "message": str(exc),
            "diff": editing.conflict_diff(editing.milestone_dict(original), exc.current),
        }
        st.session_state.pop(K_CONFIRM, None)


def _set(key: str, value) -> None:
    st.session_state[key] = value


def _drop(key: str) -> None:
    st.session_state.pop(key, None)


def _reset_selection() -> None:
    st.session_state[K_SEL] = NEW
    _load_milestone(None)


def _choose_participant(records: rec.RecordSet, participants: list[rec.Participant], ags: str,
                        gemeinde_name: str) -> rec.Participant | None:
    """The »Teilnehmer« choice: the Gemeinde (``None`` while it has no entry yet) or one of its groups."""
    own = [p for p in participants if p.kind == "gemeinde"]
    options: dict[str, str] = {}
    if not own:
        options["neu:" + ags] = f"{gemeinde_name} (Gemeinde, noch ohne Einträge)"
    for p in participants:
        options[str(p.id)] = participant_label(p)
    if st.session_state.get(K_PART) not in options:
        st.session_state[K_PART] = next(iter(options))
    st.selectbox("Teilnehmer", options=list(options), format_func=options.get, key=K_PART,
                 on_change=_reset_selection,
                 help="Einträge eines Verbunds gelten für alle seine Mitglieder.")
    part_key = st.session_state[K_PART]
    return None if part_key.startswith("neu:") else records.participant(int(part_key))


def _choose_milestone(by_id: dict[int, rec.Milestone], bs: Mapping[str, str]) -> Callable[[object], str]:
    """The »Meilenstein« choice (new, or one of the participant's, oldest first); returns its labels."""
    sel_options = [NEW, *sorted(by_id, key=lambda i: (rec.period_end(by_id[i].datum) or dt.date.max))]
    if st.session_state.get(K_SEL) not in sel_options:
        st.session_state[K_SEL] = NEW
        _load_milestone(None)
    if "ed_f_baustein" not in st.session_state:
        _load_milestone(by_id.get(st.session_state[K_SEL]))

    def label(i):
        if i == NEW:
            return "Neuer Meilenstein"
        m = by_id[i]
        return f"{bs.get(m.baustein, m.baustein)} · {labels.fmt_date(m.datum) if m.datum else 'ohne Datum'}"

    st.selectbox("Meilenstein", options=sel_options, format_func=label, key=K_SEL,
                 on_change=_on_select_milestone, args=(by_id,),
                 icon=":material/add_circle:" if st.session_state.get(K_SEL) == NEW else ":material/edit:")
    return label


def _milestone_form(save_args: tuple, submit_label: str, bs: Mapping[str, str], pf: Mapping[str, str]) -> None:
    """The fields of a milestone; submitting calls :func:`_save_milestone` with ``save_args``."""
    with st.form("ed_milestone_form", clear_on_submit=False, border=True):
        c1, c2 = st.columns(2)
        with c1:
            st.selectbox("Baustein", options=list(bs), format_func=bs.get, key="ed_f_baustein")
        with c2:
            st.text_input("Datum", key="ed_f_datum", max_chars=10,
                          help="2021-06-25, 25.06.2021, 2021-06, 06.2021 oder 2021 – die Genauigkeit bleibt "
                               "erhalten; leer = ohne Datum.")
        st.multiselect("Problemfelder", options=list(pf), format_func=pf.get, key="ed_f_problemfelder",
                       placeholder="keine")
        c1, c2 = st.columns([1, 2])
        with c1:
            st.text_input("Betrag (€)", key="ed_f_betrag_eur", max_chars=20, help="nur bei Förderung, z. B. 160.000")
        with c2:
            st.text_input("Quelle", key="ed_f_quelle", max_chars=rec.MAX_CELL_CHARS,
                          help="URL oder interner Verweis; mehrere mit » | « trennen. Pflichtfeld.")
        st.text_area("Bemerkung", key="ed_f_bemerkung", max_chars=rec.MAX_CELL_CHARS, height=80)
        st.form_submit_button(submit_label, type="primary", on_click=_save_milestone, args=save_args)


def _milestone_actions(store, actor: str, original: rec.Milestone, label: Callable[[object], str]) -> None:
    """»Aktuellen Stand laden« and »Meilenstein löschen …« with its confirmation."""
    c1, c2, _ = st.columns([1.2, 1.2, 2])
    c1.button("Aktuellen Stand laden", key="ed_reload", on_click=_reload_milestone, args=(store,))
    c2.button("Meilenstein löschen …", key="ed_delete", on_click=_set, args=(K_CONFIRM, original.id))
    if st.session_state.get(K_CONFIRM) == original.id:
        st.warning(f"»{md(label(original.id))}« wirklich löschen? Das Löschen wird protokolliert und kann auf "
                   "der Seite »Änderungen« rückgängig gemacht werden.")
        d1, d2, _ = st.columns([1.2, 1, 2])
        d1.button("Ja, endgültig löschen", type="primary", key="ed_delete_yes", on_click=_delete_milestone,
                  args=(store, actor))
        d2.button("Abbrechen", key="ed_delete_no", on_click=_drop, args=(K_CONFIRM,))


def milestone_editor(store, records: rec.RecordSet, participants: list[rec.Participant], ags: str,
                     gemeinde_name: str, actor: str) -> None:
    """Add, change or delete a milestone (with focus areas, source and note) of the Gemeinde or a group."""
    participant = _choose_participant(records, participants, ags, gemeinde_name)
    ms = records.milestones_of(participant.id) if participant else ()
    by_id = {m.id: m for m in ms}
    bs, pf = vocab.baustein_labels(), vocab.problemfeld_labels()
    label = _choose_milestone(by_id, bs)
    original: rec.Milestone | None = st.session_state.get(K_ORIG)
    owner = records._by_id().get(original.participant_id) if original else None

    conflict = st.session_state.get(K_CONFLICT)
    if conflict:
        _show_conflict(conflict)
    _show_errors(K_ERRORS)
    _milestone_form((store, participant, ags, actor, owner), "Speichern" if original else "Meilenstein anlegen",
                    bs, pf)
    if original is not None:
        _milestone_actions(store, actor, original, label)


def _load_contact(c: rec.Contact | None) -> None:
    for field in C_FIELDS:
        st.session_state[f"ed_c_{field}"] = getattr(c, field) if c else ""
    st.session_state[K_C_ORIG] = c
    st.session_state.pop(K_C_CONFIRM, None)


def _save_contact(store, target: Mapping[str, rec.Participant], actor: str) -> None:
    original: rec.Contact | None = st.session_state.get(K_C_ORIG)
    values = {f: st.session_state.get(f"ed_c_{f}", "") for f in C_FIELDS}
    try:
        if original is None:
            editing.add_contact(store, target[st.session_state["ed_c_part"]], values, actor)
            flash("Kontakt angelegt.", toast=True)
        else:
            editing.update_contact(store, original, values, actor)
            flash("Kontakt gespeichert.", toast=True)
        st.session_state[K_C_SEL] = NEW
        _load_contact(None)
    except editing.EditError as exc:
        st.session_state[K_C_ERRORS] = exc.messages
    except ConflictError as exc:
        st.session_state[K_CONFLICT + "_c"] = {
            "message": str(exc), "diff": editing.conflict_diff(editing.contact_dict(original), exc.current)}


def _delete_contact(store, actor: str) -> None:
    original = st.session_state.get(K_C_ORIG)
    try:
        editing.delete_contact(store, original, actor)
        flash("Kontakt gelöscht.")
    except ConflictError as exc:
        flash(f"Nicht gelöscht: {md(exc)}")
    st.session_state[K_C_SEL] = NEW
    _load_contact(None)


def contact_editor(store, records: rec.RecordSet, participants: list[rec.Participant], actor: str) -> None:
    """Add, change or delete KPR contacts of the Gemeinde's participants (personal data: editors only)."""
    if not participants:
        st.caption("Kontakte können angelegt werden, sobald die Gemeinde einen Eintrag hat.")
        return
    part_ids = {p.id for p in participants}
    contacts = {c.id: c for c in records.contacts if c.participant_id in part_ids}
    options = [NEW, *contacts]
    if st.session_state.get(K_C_SEL) not in options:
        st.session_state[K_C_SEL] = NEW
        _load_contact(None)
    if "ed_c_gremium" not in st.session_state:
        _load_contact(contacts.get(st.session_state[K_C_SEL]))

    def on_change() -> None:
        sel = st.session_state.get(K_C_SEL)
        _load_contact(contacts.get(sel) if sel != NEW else None)

    st.selectbox("Kontakt", options=options,
                 format_func=lambda i: "Neuer Kontakt" if i == NEW else contacts[i].gremium,
                 key=K_C_SEL, on_change=on_change,
                 icon=":material/person_add:" if st.session_state.get(K_C_SEL) == NEW else ":material/edit:")
    original: rec.Contact | None = st.session_state.get(K_C_ORIG)
    target = {str(p.id): p for p in participants}
    conflict = st.session_state.pop(K_CONFLICT + "_c", None)
    if conflict:
        _show_conflict(conflict)
    _show_errors(K_C_ERRORS)
    with st.form("ed_contact_form", border=True):
        if original is None:
            st.selectbox("für", options=list(target), format_func=lambda k: target[k].name, key="ed_c_part")
        st.text_input("Gremium", key="ed_c_gremium", max_chars=editing.MAX_CONTACT["gremium"])
        st.text_area("Adresse", key="ed_c_adresse", max_chars=editing.MAX_CONTACT["adresse"], height=68)
        c1, c2 = st.columns(2)
        c1.text_input("Telefon", key="ed_c_telefon", max_chars=editing.MAX_CONTACT["telefon"])
        c2.text_input("E-Mail", key="ed_c_email", max_chars=editing.MAX_CONTACT["email"])
        st.form_submit_button("Kontakt speichern", type="primary", on_click=_save_contact,
                              args=(store, target, actor))
    if original is not None:
        st.button("Kontakt löschen …", key="ed_c_delete", on_click=_set, args=(K_C_CONFIRM, original.id))
        if st.session_state.get(K_C_CONFIRM) == original.id:
            st.warning(f"Kontakt »{md(original.gremium)}« wirklich löschen?")
            d1, d2, _ = st.columns([1.2, 1, 2])
            d1.button("Ja, Kontakt löschen", type="primary", key="ed_c_delete_yes", on_click=_delete_contact,
                      args=(store, actor))
            d2.button("Abbrechen", key="ed_c_delete_no", on_click=_drop, args=(K_C_CONFIRM,))
