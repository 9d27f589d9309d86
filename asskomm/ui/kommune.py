"""The Kommune page's parts: what it shows (pure functions, tested without a browser) and its editing forms.

Everything that comes from data or users (names, notes, sources, contacts) is HTML-escaped here before it
is placed in HTML; links are only made of ``http(s)://`` sources.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from asskomm import labels
from asskomm import records as rec
from asskomm.analysis.filters import PROGRAMME_START
from asskomm.records import vocabulary as vocab
from asskomm.store import editing
from asskomm.store.results import ConflictError

_AGS = re.compile(r"^\d{8}$")
KIND_LABELS = {"gemeinde": "Gemeinde", "gruppe": "Verbund", "landkreis": "Kreisebene"}
KREIS_SUFFIX = " (Kreisebene)"


def short_name(p: rec.Participant) -> str:
    """A participant's name without a trailing »(Kreisebene)« where the context already says so."""
    return p.name.removesuffix(KREIS_SUFFIX) if p.kind == "landkreis" else p.name


def participant_label(p: rec.Participant) -> str:
    """»Görlitz (Gemeinde)«, »Landkreis Görlitz (Kreisebene)« – the kind once."""
    return f"{short_name(p)} ({KIND_LABELS.get(p.kind, p.kind)})"


# ------------------------------------------------------------------------------------------ pure parts


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


def md(text: object) -> str:
    """User text made inert for Streamlit markdown (no links, images, emphasis or HTML from it)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def shown_param(raw: object, limit: int = 40) -> str:
    """A URL parameter as it may be shown inside a code span: printable, short, no backticks."""
    text = "".join(ch for ch in str(raw) if ch.isprintable() and ch != "`")
    return text[:limit] + ("…" if len(text) > limit else "")


def resolve_ags(raw: str | None, known: Sequence[str] | set[str], successor=None) -> tuple[str | None, str]:
    """(today's AGS or None, German message). ``successor``: old key → today's key (``geo.current_ags``)."""
    known = set(known)
    text = (raw or "").strip().replace(" ", "")
    if not text:
        return None, "Bitte eine Gemeinde wählen."
    if re.fullmatch(r"\d{12}", text):  # an ARS: Kreis part + Gemeinde part
        text = text[:5] + text[9:]
    if not _AGS.match(text):
        return None, (
            f"»`{shown_param(raw)}`« ist kein Gemeindeschlüssel. Ein Gemeindeschlüssel (AGS) hat 8 Ziffern, "
            "z. B. 14626110 für Görlitz."
        )
    if text in known:
        return text, ""
    if successor is not None:
        try:
            current = successor(text)
        except Exception:  # a broken succession table must not break the page
            current = None
        if current and current != text and current in known:
            return current, f"Der Schlüssel {text} gehört zu einer früheren Gemeinde; sie gehört heute zu:"
    if not text.startswith("14"):
        return None, f"Der Schlüssel {text} gehört nicht zu Sachsen (sächsische Schlüssel beginnen mit 14)."
    return None, f"Eine sächsische Gemeinde mit dem Schlüssel {text} gibt es nicht."


def parse_stand(raw: str | None, today: dt.date | None = None) -> tuple[dt.date, str]:
    today = today or dt.date.today()
    if not raw:
        return today, ""
    try:
        value = dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        return today, f"Parameter »stand« ignoriert: `{shown_param(raw)}` ist kein Datum (JJJJ-MM-TT)."
    if not PROGRAMME_START <= value <= today:
        return today, (
            f"Parameter »stand« ignoriert: liegt außerhalb von {labels.fmt_date(PROGRAMME_START)} "
            f"bis {labels.fmt_date(today)}."
        )
    return value, ""


def source_links(quelle: str) -> list[tuple[str, str | None]]:
    """(label, URL or None) per source; only http(s) URLs become links."""
    out = []
    for part in (quelle or "").split(rec.SOURCE_SEPARATOR.strip()):
        part = part.strip()
        if not part:
            continue
        parts = urlsplit(part)
        if parts.scheme in ("http", "https") and parts.netloc and not re.search(r"\s", part):
            out.append((parts.netloc.removeprefix("www."), part))
        else:
            out.append((part, None))
    return out


def sources_html(quelle: str) -> str:
    items = []
    for text, url in source_links(quelle):
        if url:
            items.append(
                f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">'
                f"{html.escape(text)}</a>"
            )
        else:
            items.append(html.escape(text))
    return " · ".join(items) or "–"


@dataclasses.dataclass(frozen=True)
class TimelineRow:
    milestone: rec.Milestone
    participant: rec.Participant
    datum: str  # German
    baustein: str
    problemfelder: str
    counts: bool  # counts at the chosen stand


def timeline(
    records: rec.RecordSet, participants: Sequence[rec.Participant], stand: dt.date, today: dt.date | None = None
) -> list[TimelineRow]:
    """The milestones of the Gemeinde and its groups (and its Landkreis level), oldest first."""
    bs, pf = vocab.baustein_labels(), vocab.problemfeld_labels()
    rows = []
    for p in participants:
        for m in records.milestones_of(p.id):
            rows.append(
                TimelineRow(
                    m,
                    p,
                    labels.fmt_date(m.datum) if m.datum else "ohne Datum",
                    bs.get(m.baustein, m.baustein),
                    ", ".join(pf.get(x, x) for x in m.problemfelder),
                    rec.counts_at(m.datum, stand, today),
                )
            )
    far = dt.date.max
    return sorted(rows, key=lambda r: (rec.period_end(r.milestone.datum) or far, r.milestone.baustein))


def timeline_html(rows: Sequence[TimelineRow], own_id: int | None, highlight: int | None = None) -> str:
    """The milestones as a table; ``highlight``: id of a milestone just saved (marked, scrolled into view)."""
    if not rows:
        return '<p class="asskomm-source">Noch keine Meilensteine erfasst.</p>'
    body = []
    for r in rows:
        who = "" if r.participant.id == own_id else (
            f'<br><span class="asskomm-source">über {html.escape(KIND_LABELS.get(r.participant.kind, ""))} '
            f"»{html.escape(short_name(r.participant))}«</span>"
        )
        later = "" if r.counts else ' <span class="asskomm-later">(nach dem Stand)</span>'
        if r.milestone.unbestaetigt:
            later += (' <br><span class="asskomm-unsure">unbestätigt: '
                      f"{html.escape(r.milestone.unbestaetigt)}</span>")
        note = html.escape(r.milestone.bemerkung).replace("\n", "<br>")
        classes = " ".join(c for c in ("" if r.counts else "later", "saved" if r.milestone.id == highlight else "") if c)
        saved = ' <span class="asskomm-saved">gespeichert</span>' if r.milestone.id == highlight else ""
        body.append(
            f'<tr class="{classes}"><td class="d">{html.escape(r.datum)}</td>'
            f"<td><b>{html.escape(r.baustein)}</b>{saved}{later}{who}</td>"
            f"<td>{html.escape(r.problemfelder) or '–'}</td>"
            f"<td>{note or '–'}</td><td>{sources_html(r.milestone.quelle)}</td></tr>"
        )
    return (
        "<style>.asskomm-tl{width:100%;border-collapse:collapse;font-size:.95rem}"
        ".asskomm-tl th,.asskomm-tl td{border-bottom:1px solid #e3e3e3;padding:.35rem .5rem;text-align:left;"
        "vertical-align:top}.asskomm-tl td.d{white-space:nowrap;font-variant-numeric:tabular-nums}"
        ".asskomm-tl tr.later td{color:#777}.asskomm-later{color:#777;font-size:.85em}"
        ".asskomm-unsure{color:#8a4b00;font-size:.85em;font-weight:600}"
        ".asskomm-tl tr.saved td{background:#fff4c2}.asskomm-tl tr.saved td:first-child{box-shadow:inset 4px 0 #b8860b}"
        ".asskomm-saved{background:#1f5fa8;color:#fff;border-radius:.6em;padding:0 .45em;font-size:.8em;"
        "font-weight:600;margin-left:.3em}</style>"
        '<table class="asskomm-tl"><thead><tr><th>Datum</th><th>Baustein</th><th>Problemfelder</th>'
        "<th>Bemerkung</th><th>Quelle</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>"
    )


def flags(row: Mapping) -> list[str]:
    names = (
        ("modellkommune", "Modellkommune"),
        ("kpr", "Kommunaler Präventionsrat"),
        ("sicherheitsanalyse", "Sicherheitsanalyse"),
        ("coaching", "Coaching"),
        ("foerderung", "Förderung"),
        ("koordinierungsstelle", "Koordinierungsstelle"),
    )
    return [label for key, label in names if bool(row.get(key))]


def contacts_html(contacts: Sequence[rec.Contact]) -> str:
    items = []
    for c in contacts:
        lines = [f"<b>{html.escape(c.gremium)}</b>"]
        if c.adresse:
            lines.append(html.escape(c.adresse).replace("\n", "<br>"))
        if c.telefon:
            lines.append("Telefon: " + html.escape(c.telefon))
        if c.email:
            lines.append(
                f'E-Mail: <a href="mailto:{html.escape(c.email, quote=True)}">{html.escape(c.email)}</a>'
            )
        items.append('<div class="asskomm-contact">' + "<br>".join(lines) + "</div>")
    return "".join(items)


@st.cache_data(show_spinner=False, max_entries=512)
def neighbours(geo_key: str, ags: str) -> list[str]:
    """AGS of the Gemeinden sharing a border with ``ags`` (from the committed boundary layer)."""
    from asskomm.ui import boundaries

    gem = boundaries.gemeinden()
    hit = gem[gem["ags"].astype(str) == ags]
    if hit.empty:
        return []
    geom = hit.geometry.iloc[0]
    cand = gem.iloc[list(gem.sindex.query(geom, predicate="intersects"))]
    return sorted(str(a) for a in cand["ags"] if str(a) != ags)


# ------------------------------------------------------------------------------------------ locator map


@st.cache_data(show_spinner=False, max_entries=256)
def _locator_geojson(geo_key: str, ags: str) -> str:
    from asskomm.ui import boundaries

    gem = boundaries.gemeinden()
    near = set(neighbours(geo_key, ags)) | {ags}
    kreis = gem.loc[gem["ags"].astype(str) == ags, "kreis_ags"].astype(str).tolist()
    mask = gem["ags"].astype(str).isin(near) | gem["kreis_ags"].astype(str).isin(kreis)
    sub = gem.loc[mask, ["ags", "name", "geometry"]].copy()
    sub["ags"] = sub["ags"].astype(str)
    sub["label"] = sub["name"].astype(str).map(lambda n: html.escape(n))
    sub["geometry"] = sub.geometry.simplify(0.0005)
    return sub[["ags", "label", "geometry"]].to_json()


def locator_map(ags: str, status: pd.DataFrame, geo_key: str, base_url_path: str = "", height: int = 300) -> None:
    """A small map: the Gemeinde (outlined), its Kreis and neighbours coloured by status. Leaflet only."""
    import json

    import folium
    from streamlit_folium import st_folium

    from asskomm.render import mapcontrols, mapview

    fc = json.loads(_locator_geojson(geo_key, ags))
    st_of = dict(zip(status["ags"].astype(str), status["status"], strict=True))
    for f in fc["features"]:
        a = f["properties"]["ags"]
        f["properties"]["fill"] = labels.STATUS_COLOURS.get(st_of.get(a, "nicht_beteiligt"))
        f["properties"]["me"] = a == ags
        f["properties"]["label"] += " – " + html.escape(labels.STATUS_LABELS.get(st_of.get(a, ""), ""))
    m = folium.Map(location=mapview.SAXONY_CENTER, zoom_start=9, tiles=None,
                   zoom_control=True, scrollWheelZoom=False)
    mapview.leaflet_only(m, base_url_path)
    counts = pd.Series([st_of.get(f["properties"]["ags"], "nicht_beteiligt") for f in fc["features"]
                        if not f["properties"]["me"]]).value_counts()
    neighbours = ", ".join(f"{labels.fmt_int(int(counts[k]))} {labels.STATUS_LABELS[k]}"
                           for k in reversed(labels.STATUS_ORDER) if k in counts)
    mapcontrols.add_controls(
        m,
        title="Lagekarte: die Gemeinde (schwarz umrandet) mit ihren Nachbarn nach ASSKomm-Status",
        summary=f"Umliegende Gemeinden: {neighbours or 'keine'}.",
    )
    folium.GeoJson(
        fc,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.9,
            "color": "#000000" if f["properties"]["me"] else labels.GEMEINDE_BORDER_COLOUR,
            "weight": 3.5 if f["properties"]["me"] else 0.8,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(m)
    me = [f for f in fc["features"] if f["properties"]["me"]]
    if me:
        import shapely.geometry

        west, south, east, north = shapely.geometry.shape(me[0]["geometry"]).bounds
        pad_x, pad_y = (east - west) * 1.2 + 0.02, (north - south) * 1.2 + 0.02
        m.fit_bounds([[south - pad_y, west - pad_x], [north + pad_y, east + pad_x]])
    st_folium(m, key=f"kommune_locator_{ags}", height=height, use_container_width=True, returned_objects=[])


# ------------------------------------------------------------------------------------------ editing forms

K_PART = "ed_participant"
K_SEL = "ed_milestone"
K_ORIG = "ed_orig"
K_CONFIRM = "ed_confirm_delete"
K_FLASH = "ed_flash"
K_TOAST = "ed_toast"
K_HIGHLIGHT = "ed_highlight"  # id of the milestone just saved (marked once in the table)
K_CONFLICT = "ed_conflict"
K_C_SEL = "ed_contact"
K_C_ORIG = "ed_c_orig"
K_C_CONFIRM = "ed_c_confirm"
NEW = "__neu__"
FIELDS = ("baustein", "datum", "problemfelder", "betrag_eur", "quelle", "bemerkung")
C_FIELDS = ("gremium", "adresse", "telefon", "email")


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


def milestone_editor(store, records: rec.RecordSet, participants: list[rec.Participant], ags: str,
                     gemeinde_name: str, actor: str) -> None:
    """Add, change or delete a milestone (with focus areas, source and note) of the Gemeinde or a group."""
    own = [p for p in participants if p.kind == "gemeinde"]
    options: dict[str, str] = {}
    if not own:
        options["neu:" + ags] = f"{gemeinde_name} (Gemeinde, noch ohne Einträge)"
    for p in participants:
        options[str(p.id)] = participant_label(p)
    if st.session_state.get(K_PART) not in options:
        st.session_state[K_PART] = next(iter(options))

    def _reset_selection() -> None:
        st.session_state[K_SEL] = NEW
        _load_milestone(None)

    st.selectbox("Teilnehmer", options=list(options), format_func=options.get, key=K_PART,
                 on_change=_reset_selection,
                 help="Einträge eines Verbunds gelten für alle seine Mitglieder.")
    part_key = st.session_state[K_PART]
    participant = None if part_key.startswith("neu:") else records.participant(int(part_key))
    ms = records.milestones_of(participant.id) if participant else ()
    by_id = {m.id: m for m in ms}
    bs, pf = vocab.baustein_labels(), vocab.problemfeld_labels()
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
    original: rec.Milestone | None = st.session_state.get(K_ORIG)
    owner = records._by_id().get(original.participant_id) if original else None

    conflict = st.session_state.get(K_CONFLICT)
    if conflict:
        _show_conflict(conflict)
    _show_errors(K_ERRORS)

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
        st.form_submit_button("Speichern" if original else "Meilenstein anlegen", type="primary",
                              on_click=_save_milestone, args=(store, participant, ags, actor, owner))

    if original is not None:
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
