"""Streamlit widgets »Für Sitzungen«: the play control, take-away downloads, the growth chart, the since view.

The Karte page uses them like this::

    from asskomm.ui import meeting

    meeting.advance_stand(K_STAND)                 # first, before any widget: applies a pending play step
    ...                                            # the sidebar with the »Stand« slider (key K_STAND)
    meeting.stand_player(K_STAND)                  # Abspielen/Pause (+ ``scrubber=True``: a monthly slider)
    meeting.downloads(filters)                     # PNG (Folie/A4), SVG, PDF (+ Kreisseiten), HTML
    meeting.growth_chart(filters)                  # records over time + published totals with sources
    diff = meeting.since_view(filters, K_STAND)    # new since a date; ``diff.highlighted_ags()`` for the map
    meeting.keep_playing(K_STAND)                  # last: the timer that asks for the next step

**Play.** The session-state key of the page's »Stand« slider is the one truth: the player only moves it, so
the title, the KPIs, the map, the URL and the sidebar slider all show the same date. A timer fragment
(``st.fragment(run_every=…)``) marks a step as pending and reruns the page; :func:`advance_stand` applies it
at the top of the next run, before the slider exists (Streamlit forbids changing a widget's value after it
was drawn). The map is restyled through ``feature_group_to_add`` and is not remounted.

Files are generated only when a button is clicked (``st.download_button`` with a callable), from
``asskomm.render.static_map`` / ``briefing`` / ``snapshot`` — the same code as the CLI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pandas as pd
import streamlit as st

from asskomm import labels
from asskomm.analysis import timeline
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.render.growth_chart import render_growth_png
from asskomm.ui import widgets

PLAYER = "stand_player"
SINCE = "since"


def _collect(filters: Filters):
    from asskomm.analysis import exportdata
    from asskomm.ui import data

    return exportdata.collect(filters, store=data.store())


def _file_stem(filters: Filters) -> str:
    stem = f"asskomm_{filters.stand.isoformat()}"
    if filters.kreise:
        stem += "_" + "-".join(filters.kreise)
    if filters.polizeidirektionen:
        stem += "_pd-" + "-".join(filters.polizeidirektionen)
    return stem


def _today() -> dt.date:
    return dt.date.today()


# --------------------------------------------------------------------------------------------- play control


def steps() -> list[dt.date]:
    """06.02.2019, every month end, today."""
    return timeline.month_steps(PROGRAMME_START, _today())


def _keys(key: str) -> dict[str, str]:
    return {
        "playing": f"{key}_playing",
        "pending": f"{key}_pending",
        "last": f"{key}_last_step",
        "slider": f"{key}_slider",
    }


def is_playing(key: str = PLAYER) -> bool:
    return bool(st.session_state.get(_keys(key)["playing"]))


def next_step(stand: dt.date, all_steps: list[dt.date]) -> dt.date | None:
    """The first step after ``stand`` (None at the end)."""
    return next((d for d in all_steps if d > stand), None)


def advance_stand(stand_key: str, *, key: str = PLAYER) -> None:
    """Apply a pending play step to ``st.session_state[stand_key]``; call before that widget is drawn."""
    state = st.session_state
    k = _keys(key)
    if not state.pop(k["pending"], False) or not state.get(k["playing"]):
        return
    all_steps = steps()
    current = state.get(stand_key) or PROGRAMME_START
    nxt = next_step(current, all_steps)
    if nxt is None:
        state[k["playing"]] = False
        return
    state[stand_key] = nxt
    state[k["last"]] = time.monotonic()
    if nxt >= all_steps[-1]:
        state[k["playing"]] = False  # arrived at today: stop there


def _toggle(stand_key: str, key: str) -> None:
    state = st.session_state
    k = _keys(key)
    if state.get(k["playing"]):
        state[k["playing"]] = False
        state.pop(k["pending"], None)
        return
    all_steps = steps()
    if (state.get(stand_key) or all_steps[-1]) >= all_steps[-1]:
        state[stand_key] = all_steps[0]  # at today: play from the start of the programme
    state[k["playing"]] = True
    state[k["last"]] = time.monotonic()


def _scrub(stand_key: str, key: str, all_steps: list[dt.date]) -> None:
    state = st.session_state
    state[stand_key] = all_steps[state[_keys(key)["slider"]]]
    state[_keys(key)["last"]] = time.monotonic()  # a full interval on the new date before the next step


def stand_player(
    stand: str | dt.date,
    *,
    key: str = PLAYER,
    scrubber: bool | None = None,
    label: str = "Zeitraffer abspielen",
    interval_s: float = 1.0,
) -> dt.date:
    """Play/Pause for the »Stand« (monthly steps from 06.02.2019 to today); returns the date to show.

    ``stand`` is either the session-state key of the page's own »Stand« widget (the Karte page: the player
    moves that widget's value; call :func:`advance_stand` at the top and :func:`keep_playing` at the end of
    the page), or a date: then the player keeps its own Stand (starting there), always shows its monthly
    slider and runs its own timer — one call, for a page without a date widget.

    ``scrubber``: a monthly slider beside the button (default: only for the standalone player; the Karte
    page asks for it in the presentation view, where the sidebar's »Stand« slider is hidden). Moving a
    slider while playing jumps there and plays on.
    """
    state = st.session_state
    k = _keys(key)
    standalone = not isinstance(stand, str)
    stand_key = f"{key}_stand" if standalone else stand
    if standalone:
        state.setdefault(stand_key, stand)
        advance_stand(stand_key, key=key)  # this player owns the date: nothing is drawn with it yet
        scrubber = True if scrubber is None else scrubber
    playing = bool(state.get(k["playing"]))
    if scrubber:  # one row: the button as wide as its label, the slider takes the rest
        row = st.container(horizontal=True, vertical_alignment="center", gap="medium", wrap=False)
        button_col = slider_col = row
    else:
        button_col, slider_col = st.container(), None
    with button_col:
        st.button(
            "Pause" if playing else label,
            key=f"{key}_button",
            on_click=_toggle,
            args=(stand_key, key),
            icon=":material/pause:" if playing else ":material/play_arrow:",
            type="secondary",  # one type: a changed type remounts the button and loses the keyboard focus
            width="content" if scrubber else "stretch",
        )
        if not scrubber:
            st.caption("Monat für Monat vom 06.02.2019 bis heute; der Regler »Stand« springt zu einem Datum.")
    all_steps = steps()
    if slider_col is not None:
        current = state.get(stand_key) or all_steps[-1]
        # the step that contains the stand (a month end at or after it): »November 2021« for 15.11.2021
        state[k["slider"]] = next((i for i, d in enumerate(all_steps) if d >= current), len(all_steps) - 1)
        with slider_col:
            st.select_slider(
                "Zeitraffer: Stand",
                options=list(range(len(all_steps))),
                key=k["slider"],
                on_change=_scrub,
                args=(stand_key, key, all_steps),
                format_func=lambda i: _step_label(all_steps, i),
                label_visibility="collapsed",
                width="stretch",
            )
    if standalone:
        keep_playing(stand_key, key=key, interval_s=interval_s)
    return state.get(stand_key) or all_steps[-1]


def keep_playing(stand_key: str, *, key: str = PLAYER, interval_s: float = 1.0) -> None:
    """The timer while playing: call at the very end of the page (nothing happens when paused).

    Each tick asks for the next step once ``interval_s`` has passed since the last one; the step itself is
    applied by :func:`advance_stand` at the top of the rerun. A slow run simply stretches the interval.
    """
    k = _keys(key)
    if not st.session_state.get(k["playing"]):
        return

    @st.fragment(run_every=interval_s)
    def tick() -> None:
        state = st.session_state
        if not state.get(k["playing"]):
            return
        if time.monotonic() - state.get(k["last"], 0.0) < interval_s * 0.9:
            return
        state[k["pending"]] = True
        st.rerun(scope="app")

    tick()


def _step_label(all_steps: list[dt.date], i: int) -> str:
    """»06.02.2019«, »Februar 2019« … »25.11.2026«: the first and last steps by day (labels stay unique)."""
    if i in (0, len(all_steps) - 1):
        return labels.fmt_date(all_steps[i])
    return labels.fmt_month_year(all_steps[i])


# --------------------------------------------------------------------------------------------- downloads


@st.cache_data(show_spinner=False, max_entries=16)
def _render(kind: str, version: str, fkey: tuple) -> bytes:
    from asskomm.render import briefing, snapshot, static_map

    # the version ends in ":u" when the view counts unconfirmed milestones (ui.data.data_version)
    data = _collect(Filters.from_cache_key(fkey, unbestaetigt=version.endswith(":u")))
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


DOWNLOADS = {
    # kind: (label, file suffix, mime, icon, help)
    "png": (
        "Folie (PNG, 1920 × 1080)",
        "karte.png",
        "image/png",
        ":material/slideshow:",
        "Karte mit Titel, Stand, Filtern, Legende mit Anzahlen, Kreisnamen, Maßstab, Kennzahlen und Quellen",
    ),
    "png_a4": (
        "Druck (PNG, A4 quer, 300 dpi)",
        "karte_a4.png",
        "image/png",
        ":material/print:",
        "Dieselbe Karte für den Druck: 3508 × 2480 Pixel",
    ),
    "svg": (
        "Vektorgrafik (SVG)",
        "karte.svg",
        "image/svg+xml",
        ":material/draw:",
        "Zum Weiterbearbeiten, z. B. in PowerPoint oder Inkscape",
    ),
    "pdf": (
        "Kurzinformation (PDF, 1 Seite)",
        "kurzinfo.pdf",
        "application/pdf",
        ":material/picture_as_pdf:",
        "A4: Karte, Kennzahlen mit Stand und Quelle, veröffentlichte Zahlen, die fünf neuesten Meilensteine",
    ),
    "pdf_kreise": (
        "Kurzinformation mit Kreisseiten (PDF)",
        "kurzinfo_kreise.pdf",
        "application/pdf",
        ":material/library_books:",
        "Eine weitere Seite je gewähltem Kreis",
    ),
    "html": (
        "Offline-Karte (HTML)",
        "offline.html",
        "text/html",
        ":material/usb:",
        "Eine Datei mit der interaktiven Karte; öffnet ohne Netz, z. B. vom USB-Stick im Sitzungsraum",
    ),
}


def downloads(filters: Filters, *, filter_text: str = "", key: str = "meeting_downloads") -> None:
    """Download buttons for the current filters and date: map picture, briefing PDF, offline snapshot."""
    from asskomm.ui import data

    version = data.data_version()

    def button(kind: str, *, disabled: bool = False, help_text: str | None = None) -> None:
        label, suffix, mime, icon, hint = DOWNLOADS[kind]
        st.download_button(
            label,
            lambda: _render(kind, version, filters.cache_key()),
            file_name=f"{_file_stem(filters)}_{suffix}",
            mime=mime,
            key=f"{key}_{kind}",
            on_click="ignore",
            icon=icon,
            help=help_text or hint,
            disabled=disabled,
            width="stretch",
        )

    view = f"Stand {labels.fmt_date(filters.stand)}" + (f" · {filter_text}" if filter_text else "")
    st.caption(f"Alle Dateien zeigen genau diese Ansicht: **{view}** – mit Quellenangabe und Datum.")
    cols = st.columns([1, 1.2, 1], gap="medium")
    with cols[0]:
        st.markdown("**Karte als Bild**")
        button("png")
        button("png_a4")
        button("svg")
    with cols[1]:
        st.markdown("**Kurzinformation**")
        button("pdf")
        button(
            "pdf_kreise",
            disabled=not filters.kreise,
            help_text=None if filters.kreise else "Erst in den Filtern einen oder mehrere Kreise wählen.",
        )
    with cols[2]:
        st.markdown("**Offline-Karte**")
        button("html")
        st.caption("Lädt nichts aus dem Netz; Quellen-Links öffnen sich nur auf Klick.")


# --------------------------------------------------------------------------------------------- growth


@st.cache_data(show_spinner=False, max_entries=8)
def _growth_series(version: str, fkey: tuple):
    """``fkey``: the filters' cache key with today as the Stand (the series ends today)."""
    from asskomm.ui import boundaries, data

    filters = Filters.from_cache_key(fkey)
    series = timeline.growth_series(data.records(), boundaries.gemeinden(), end=filters.stand, filters=filters)
    return series, timeline.published_points(until=filters.stand)


@st.cache_data(show_spinner=False, max_entries=32)
def _growth_png(version: str, fkey: tuple, stand_iso: str):
    series, points = _growth_series(version, fkey)
    # published totals are statewide: only beside the unfiltered series
    shown = points if Filters.from_cache_key(fkey).is_default else points.iloc[0:0]
    return render_growth_png(series, shown, marker=dt.date.fromisoformat(stand_iso))


def growth_chart(filters: Filters) -> None:
    """The alliance's growth from the records (lines) with the published totals (points) and their sources."""
    from asskomm.ui import data

    args = (data.data_version(), dataclasses.replace(filters, stand=_today()).cache_key())
    with st.spinner("Zeitreihe wird berechnet …"):
        _series, points = _growth_series(*args)
        png = _growth_png(*args, filters.stand.isoformat())
    st.image(
        png,
        width="stretch",
        alt="Diagramm: Wachstum der Allianz seit Februar 2019, Zahl der Gemeinden je Stufe am Monatsende "
        "(Linien) und, ohne Filter, die veröffentlichten Gesamtzahlen (Punkte).",
    )
    if not filters.is_default:
        st.caption(
            "Mit Filtern: nur die Datenbank-Linien für die gewählten Gemeinden. Die veröffentlichten Zahlen "
            "gelten für ganz Sachsen und erscheinen nur ohne Filter."
        )
        return
    if len(points):
        table = pd.DataFrame(
            {
                "Kennzahl": points["serie"],
                "Stand": points["datum"].map(labels.fmt_date),
                "veröffentlicht": points["wert"].map(labels.fmt_int),
                "Quelle": points["quelle"],
            }
        )
        st.markdown("**Veröffentlichte Gesamtzahlen (Kreise im Diagramm) und ihre Quellen**")
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "Quelle": widgets.source_link_column()
            },
        )


# --------------------------------------------------------------------------------------------- since


def since_dates(
    stand_key: str | None, *, key: str = SINCE, default_days: int = 91
) -> tuple[dt.date, dt.date]:
    """(von, bis) of the since view: »bis« is the page's Stand (``stand_key``) or, without it, kept in the
    session like »von«.

    »von« lives under a plain key (not the widget's), so it survives while the tab is closed.
    """
    state = st.session_state
    bis_key = stand_key or f"{key}_bis_value"
    bis = state.get(bis_key) or _today()
    von_key = f"{key}_von"
    if not isinstance(state.get(von_key), dt.date):
        state[von_key] = max(PROGRAMME_START, bis - dt.timedelta(days=default_days))
    return state[von_key], bis


def since_diff(filters: Filters, stand_key: str | None = None, *, key: str = SINCE) -> timeline.SinceDiff:
    """What changed between »von« and the page's Stand, for the filtered Gemeinden (cheap, no widget)."""
    from asskomm.ui import data

    von, bis = since_dates(stand_key, key=key)
    pf_labels, _ = data.vocab_labels()
    only = None
    if not filters.is_default:
        table = data.status_table(filters.stand)
        only = set(table.loc[data.matched(filters, table).values, "ags"].astype(str))
    return timeline.since(data.records(), von, bis, problemfeld_labels=pf_labels, only_ags=only)


def _set_von(key: str) -> None:
    value = st.session_state.get(f"{key}_von_input")
    if isinstance(value, dt.date):
        st.session_state[f"{key}_von"] = value


def _set_bis(stand_key: str | None, key: str) -> None:
    value = st.session_state.get(f"{key}_bis")
    if isinstance(value, dt.date):
        st.session_state[stand_key or f"{key}_bis_value"] = value


def since_view(
    filters: Filters,
    stand_key: str | None = None,
    *,
    key: str = SINCE,
    diff: timeline.SinceDiff | None = None,
) -> timeline.SinceDiff:
    """»Was ist neu seit …?«: two dates, the changes as text and table.

    ``stand_key``: the session-state key of the page's »Stand«; »bis« then shows and sets the map's date.
    Without it, »bis« starts at ``filters.stand``. Returns the diff; the page highlights
    ``diff.highlighted_ags()`` on its map. ``diff``: :func:`since_diff` of this run, when the page needed
    it earlier (for the map drawn above the view).
    """
    state = st.session_state
    if stand_key is None:
        state.setdefault(f"{key}_bis_value", filters.stand)
    von, bis = since_dates(stand_key, key=key)
    state[f"{key}_von_input"] = von  # widget values are set before the widgets exist
    state[f"{key}_bis"] = bis  # mirrors the page's Stand
    cols = st.columns([1, 1, 2], vertical_alignment="bottom")
    cols[0].date_input(
        "Neu seit",
        min_value=PROGRAMME_START,
        max_value=_today(),
        format="DD.MM.YYYY",
        key=f"{key}_von_input",
        on_change=_set_von,
        args=(key,),
        help="z. B. das Datum der letzten Sitzung",
    )
    cols[1].date_input(
        "bis (Stand der Karte)" if stand_key else "bis",
        min_value=PROGRAMME_START,
        max_value=_today(),
        format="DD.MM.YYYY",
        key=f"{key}_bis",
        on_change=_set_bis,
        args=(stand_key, key),
        help="Ändert auch den Stand der Karte." if stand_key else None,
    )
    if diff is None:
        diff = since_diff(filters, stand_key, key=key)
    with cols[2]:
        n = len(diff.highlighted_ags())
        st.markdown(
            f"**{diff.summary_text()}**  \nAuf der Karte gelb umrandet: {labels.fmt_int(n)} "
            f"{'Gemeinde' if n == 1 else 'Gemeinden'}."
        )
    if diff.empty:
        st.caption("Keine Änderungen in diesem Zeitraum.")
    else:
        st.dataframe(
            diff.table(),
            hide_index=True,
            width="stretch",
            column_config={
                "Quelle": widgets.source_link_column()
            },
        )
    return diff
