"""The Kommune page's parts: what it shows (pure functions, tested without a browser) and its locator map.

Everything that comes from data or users (names, notes, sources, contacts) is HTML-escaped here before it
is placed in HTML; links are only made of ``http(s)://`` sources. The editing forms are in ``kommune_editor``.
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
from asskomm.geo import layers as geo
from asskomm.records import vocabulary as vocab
from asskomm.ui import boundaries
from asskomm.ui.messages import md

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


def resolve_ags(
    raw: str | None, known: Sequence[str] | set[str], successor=geo.current_ags
) -> tuple[str | None, str]:
    """(today's AGS or None, German message; show it with ``messages.md``, it echoes ``raw``).
    ``successor``: old key → today's key (None: no succession)."""
    known = set(known)
    text = (raw or "").strip().replace(" ", "")
    if not text:
        return None, "Bitte eine Gemeinde wählen."
    if re.fullmatch(r"\d{12}", text):  # an ARS: Kreis part + Gemeinde part
        text = text[:5] + text[9:]
    if not _AGS.match(text):
        return None, (
            f"»{raw}« ist kein Gemeindeschlüssel. Ein Gemeindeschlüssel (AGS) hat 8 Ziffern, "
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
        return today, f"Parameter »stand={raw}« ignoriert: kein Datum (JJJJ-MM-TT)."
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
                    rec.council_label(m.datum) if m.older_council else bs.get(m.baustein, m.baustein),
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
    """The chips of a Gemeinde's status row: »Modellkommune«, »Präventionsrat (seit 1996, vor ASSKomm)«, …"""
    names = (
        ("modellkommune", "Modellkommune"),
        ("kpr", rec.council_label(str(row.get("kpr_seit") or ""))),
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

    from asskomm.render import mapbase, mapcontrols

    fc = json.loads(_locator_geojson(geo_key, ags))
    st_of = dict(zip(status["ags"].astype(str), status["status"], strict=True))
    for f in fc["features"]:
        a = f["properties"]["ags"]
        f["properties"]["fill"] = labels.STATUS_COLOURS.get(st_of.get(a, "nicht_beteiligt"))
        f["properties"]["me"] = a == ags
        f["properties"]["label"] += " – " + html.escape(labels.STATUS_LABELS.get(st_of.get(a, ""), ""))
    m = folium.Map(location=mapbase.SAXONY_CENTER, zoom_start=9, tiles=None,
                   zoom_control=True, scrollWheelZoom=False)
    mapbase.leaflet_only(m, base_url_path)
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
    st_folium(m, key=f"kommune_locator_{ags}", height=height, use_container_width=True, returned_objects=[],
              render=False)  # st_folium renders the map once itself (see mapblock.status_map)


# ------------------------------------------------------------------------------------- the page's blocks
STYLE = (
    "<style>.asskomm-contact{margin:.2rem 0 .8rem 0;line-height:1.45}"
    ".asskomm-chip{display:inline-block;border:1px solid #bbb;border-radius:1em;padding:.05rem .65rem;"
    "margin:0 .35rem .35rem 0;font-size:.9rem;background:#f6f7f9}</style>"
)


def participants_of(records: rec.RecordSet, ags: str) -> list[rec.Participant]:
    """The Gemeinde's own participant first, then the groups it belongs to, then its Landkreis level."""
    own = [p for p in records.participants if p.kind == "gemeinde" and p.ags == ags]
    groups = [p for p in records.participants if p.kind == "gruppe" and ags in p.members]
    kreis = [p for p in records.participants if p.kind == "landkreis" and p.ags == ags[:5]]
    return own + sorted(groups, key=lambda p: p.name) + kreis


def go_to(key: str) -> None:
    """``on_change`` of a town search (its widget ``key``): show the chosen Gemeinde."""
    ags = st.session_state.get(key)
    if ags:
        st.query_params["ags"] = ags


def sidebar(options: Mapping[str, str], stand: dt.date) -> None:
    """Another Gemeinde and the Stand in the sidebar; a new Stand goes to the URL (today's: none)."""
    with st.sidebar:
        st.header("Kommune")
        st.selectbox("Andere Gemeinde", options=list(options), format_func=options.get, index=None,
                     placeholder="Name eingeben …", key="kommune_switch", on_change=go_to, args=("kommune_switch",))
        chosen = st.date_input("Stand", value=stand, min_value=PROGRAMME_START, max_value=dt.date.today(),
                               format="DD.MM.YYYY", key=f"kommune_stand_{stand.isoformat()}")
        if chosen != stand:
            if chosen == dt.date.today():
                st.query_params.pop("stand", None)
            else:
                st.query_params["stand"] = chosen.isoformat()
            st.rerun()


def status_block(row: Mapping, participants: Sequence[rec.Participant], names: Mapping[str, str], ags: str) -> None:
    """The flags as chips, the Problemfelder, the groups (with their other members) and the Kreis level."""
    chips = flags(row)
    if chips:
        st.html("".join(f'<span class="asskomm-chip">{html.escape(c)}</span>' for c in chips))
    pf_labels = vocab.problemfeld_labels()
    pfs = [pf_labels.get(p, p) for p in row["problemfelder"]]
    st.markdown("**Problemfelder:** " + (md(", ".join(pfs)) if pfs else "keine erfasst"))
    groups = [p for p in participants if p.kind == "gruppe"]
    if groups:
        st.markdown("**Verbund:**")
        for g in groups:
            others = [names.get(a, a) for a in g.members if a != ags]
            st.markdown(f"- {md(g.name)} – mit {md(', '.join(others)) or 'keinen weiteren Gemeinden'}")
    kreis_level = [p for p in participants if p.kind == "landkreis"]
    if kreis_level:
        st.caption("Auf Kreisebene: " + md(", ".join(short_name(p) for p in kreis_level)))
