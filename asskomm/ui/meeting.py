"""Streamlit widgets »Für Sitzungen«: take-away downloads, the play control, the growth chart, the since view.

Each is one call for the Karte page::

    from asskomm.ui import meeting

    stand = meeting.stand_player(filters.stand)          # play/pause/scrub; returns the date to show
    meeting.downloads(filters)                            # PNG (Folie/A4), SVG, PDF, HTML
    meeting.growth_chart(filters)                         # records over time + published totals
    highlight = meeting.since_view(filters)               # new since a date; AGS to highlight on the map

Files are generated only when a button is clicked (``st.download_button`` with a callable), from
``asskomm.static_map`` / ``briefing`` / ``snapshot`` — the same code as the CLI.
"""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from asskomm import labels, timeline
from asskomm.filters import PROGRAMME_START, Filters


def _collect(filters: Filters):
    from asskomm import static_map
    from asskomm.ui import data

    return static_map.collect(filters, store=data.store())


def _file_stem(filters: Filters) -> str:
    stem = f"asskomm_{filters.stand.isoformat()}"
    if filters.kreise:
        stem += "_" + "-".join(filters.kreise)
    return stem


# --------------------------------------------------------------------------------------------- downloads


@st.cache_data(show_spinner=False, max_entries=16)
def _render(kind: str, version: str, stand_iso: str, kreise: tuple, pf: tuple, baustein: str | None) -> bytes:
    from asskomm import briefing, snapshot, static_map

    data = _collect(Filters(dt.date.fromisoformat(stand_iso), kreise, pf, baustein))
    if kind == "png":
        return static_map.render_map_png(data, size="folie")
    if kind == "png_a4":
        return static_map.render_map_png(data, size="a4")
    if kind == "svg":
        return static_map.render_map_svg(data)
    if kind == "pdf":
        return briefing.render_briefing_pdf(data)
    if kind == "pdf_kreise":
        return briefing.render_briefing_pdf(data, kreis_pages=True)
    return snapshot.render_snapshot_html(data).encode("utf-8")


def downloads(filters: Filters, *, key: str = "meeting_downloads") -> None:
    """Download buttons for the current filters and date: map picture, briefing PDF, offline snapshot."""
    from asskomm.ui import data

    version = data.data_version()

    def maker(kind: str):
        return lambda: _render(
            kind, version, filters.stand.isoformat(), filters.kreise, filters.problemfelder, filters.baustein
        )

    stem = _file_stem(filters)
    st.markdown("**Für Sitzungen** – Stand " + labels.fmt_date(filters.stand))
    cols = st.columns(3)
    with cols[0]:
        st.download_button(
            "Karte als Bild (Folie, PNG)",
            maker("png"),
            file_name=f"{stem}_karte.png",
            mime="image/png",
            key=f"{key}_png",
            on_click="ignore",
            icon=":material/image:",
            help="1920 × 1080 Pixel, mit Titel, Stand, Legende, Maßstab und Quellenangabe",
        )
        st.download_button(
            "Karte für den Druck (A4 quer, PNG)",
            maker("png_a4"),
            file_name=f"{stem}_karte_a4.png",
            mime="image/png",
            key=f"{key}_png_a4",
            on_click="ignore",
            help="300 dpi",
        )
        st.download_button(
            "Karte als Vektorgrafik (SVG)",
            maker("svg"),
            file_name=f"{stem}_karte.svg",
            mime="image/svg+xml",
            key=f"{key}_svg",
            on_click="ignore",
        )
    with cols[1]:
        st.download_button(
            "Kurzinformation (PDF, 1 Seite)",
            maker("pdf"),
            file_name=f"{stem}_kurzinfo.pdf",
            mime="application/pdf",
            key=f"{key}_pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            help="A4: Karte, Kennzahlen mit Stand und Quelle, veröffentlichte Zahlen, "
            "die fünf neuesten Meilensteine",
        )
        if filters.kreise:
            st.download_button(
                "Kurzinformation mit Kreisseiten (PDF)",
                maker("pdf_kreise"),
                file_name=f"{stem}_kurzinfo_kreise.pdf",
                mime="application/pdf",
                key=f"{key}_pdf_kreise",
                on_click="ignore",
                help="eine weitere Seite je gewähltem Kreis",
            )
    with cols[2]:
        st.download_button(
            "Offline-Karte (HTML)",
            maker("html"),
            file_name=f"{stem}_offline.html",
            mime="text/html",
            key=f"{key}_html",
            on_click="ignore",
            icon=":material/usb:",
            help="eine Datei mit interaktiver Karte; öffnet ohne Netz, z. B. vom USB-Stick",
        )


# --------------------------------------------------------------------------------------------- play control


def stand_player(stand: dt.date, *, key: str = "stand_player", interval_s: float = 1.2) -> dt.date:
    """Monthly steps from 06.02.2019 to today: a slider to scrub and a Play/Pause button.

    Returns the date to show. While playing, the whole page reruns once per step (the map is restyled,
    not remounted, when the page passes its layers via ``feature_group_to_add``).
    """
    steps = timeline.month_steps(PROGRAMME_START, dt.date.today())
    state = st.session_state
    idx_key, slider_key, play_key = f"{key}_index", f"{key}_slider", f"{key}_playing"
    if idx_key not in state:
        state[idx_key] = max(i for i, d in enumerate(steps) if d <= max(stand, steps[0]))
    state.setdefault(play_key, False)
    state[idx_key] = min(state[idx_key], len(steps) - 1)
    state[slider_key] = state[idx_key]  # before the widget exists in this run: the index is the truth

    def toggle() -> None:
        state[play_key] = not state[play_key]
        if state[play_key] and state[idx_key] >= len(steps) - 1:
            state[idx_key] = 0  # start again from the beginning
        state[f"{key}_last_step"] = time.monotonic()

    def scrub() -> None:
        state[idx_key] = state[slider_key]

    cols = st.columns([1, 6], vertical_alignment="center")
    with cols[0]:
        playing = state[play_key]
        st.button(
            "Pause" if playing else "Abspielen",
            key=f"{key}_button",
            on_click=toggle,
            icon=":material/pause:" if playing else ":material/play_arrow:",
        )
    with cols[1]:
        st.select_slider(
            "Zeitraffer: Stand",
            options=list(range(len(steps))),
            key=slider_key,
            on_change=scrub,
            format_func=lambda i: _step_label(steps, i),
            label_visibility="collapsed",
            disabled=state[play_key],
        )

    if state[play_key]:
        _ticker(key, len(steps), interval_s)
    return steps[state[idx_key]]


def _ticker(key: str, n_steps: int, interval_s: float) -> None:
    @st.fragment(run_every=interval_s)
    def tick() -> None:
        state = st.session_state
        idx_key, play_key, last_key = f"{key}_index", f"{key}_playing", f"{key}_last_step"
        # the fragment also runs inside every full rerun: step only when the interval has passed
        if not state.get(play_key) or time.monotonic() - state.get(last_key, 0.0) < interval_s * 0.9:
            return
        state[last_key] = time.monotonic()
        if state[idx_key] >= n_steps - 1:
            state[play_key] = False
        else:
            state[idx_key] += 1
        st.rerun(scope="app")

    tick()


# --------------------------------------------------------------------------------------------- growth


@st.cache_data(show_spinner=False, max_entries=8)
def _growth(version: str, stand_iso: str, kreise: tuple, pf: tuple, baustein: str | None):
    from asskomm.ui import data

    filters = Filters(dt.date.fromisoformat(stand_iso), kreise, pf, baustein)
    series = timeline.growth_series(data.records(), data.gemeinden(), end=filters.stand, filters=filters)
    points = timeline.published_points(until=filters.stand)
    return timeline.render_growth_png(series, points), points


def growth_chart(filters: Filters) -> None:
    """The alliance's growth from the records (lines) with the published totals (points) and their sources."""
    from asskomm.ui import data

    with st.spinner("Zeitreihe wird berechnet …"):
        png, points = _growth(
            data.data_version(),
            filters.stand.isoformat(),
            filters.kreise,
            filters.problemfelder,
            filters.baustein,
        )
    st.image(
        png, caption="Wachstum der Allianz: Datenbank (Linien) und veröffentlichte Gesamtzahlen (Kreise)"
    )
    if len(points):
        table = points.assign(
            Stand=points["datum"].map(labels.fmt_date), Wert=points["wert"].map(labels.fmt_int)
        )
        st.dataframe(
            table[["serie", "Stand", "Wert", "quelle"]].rename(
                columns={"serie": "Kennzahl", "quelle": "Quelle"}
            ),
            hide_index=True,
            column_config={"Quelle": st.column_config.LinkColumn("Quelle")},
        )


# --------------------------------------------------------------------------------------------- since


def since_view(filters: Filters, *, key: str = "since", default_days: int = 90) -> set[str]:
    """»Was ist neu seit …?«: two dates, the changes as text and table; returns the AGS to highlight."""
    from asskomm.ui import data

    cols = st.columns(2)
    von = cols[0].date_input(
        "Neu seit",
        value=max(PROGRAMME_START, filters.stand - dt.timedelta(days=default_days)),
        min_value=PROGRAMME_START,
        max_value=filters.stand,
        format="DD.MM.YYYY",
        key=f"{key}_von",
    )
    bis = cols[1].date_input(
        "bis",
        value=filters.stand,
        min_value=PROGRAMME_START,
        max_value=dt.date.today(),
        format="DD.MM.YYYY",
        key=f"{key}_bis",
    )
    pf_labels, _ = data.vocab_labels()
    only = None
    if not filters.is_default:
        table = data.status_table(filters.stand)
        only = set(table.loc[data.matched(filters, table).values, "ags"].astype(str))
    diff = timeline.since(data.records(), von, bis, problemfeld_labels=pf_labels, only_ags=only)
    st.markdown(diff.summary_text())
    if diff.empty:
        st.caption("Keine Änderungen in diesem Zeitraum.")
    else:
        st.dataframe(
            diff.table(), hide_index=True, column_config={"Quelle": st.column_config.LinkColumn("Quelle")}
        )
    return diff.highlighted_ags()


def _step_label(steps: list[dt.date], i: int) -> str:
    """»06.02.2019«, »Februar 2019« … »25.11.2026«: the first and last steps by day (labels stay unique)."""
    return labels.fmt_date(steps[i]) if i in (0, len(steps) - 1) else labels.fmt_month_year(steps[i])
