"""The Zeitraffer: Play/Pause for the »Stand«, month by month from 06.02.2019 to today (Karte page, »Für
Sitzungen«).

The Karte page uses it like this::

    from asskomm.ui import player

    player.advance_stand(K_STAND)                  # first, before any widget: applies a pending play step
    ...                                            # the sidebar with the »Stand« slider (key K_STAND)
    player.stand_player(K_STAND)                   # Abspielen/Pause (+ ``scrubber=True``: a monthly slider)
    ...
    player.keep_playing(K_STAND)                   # last: the timer that asks for the next step

The session-state key of the page's »Stand« slider is the one truth: the player only moves it, so the title,
the KPIs, the map, the URL and the sidebar slider all show the same date. A timer fragment
(``st.fragment(run_every=…)``) marks a step as pending and reruns the page; :func:`advance_stand` applies it
at the top of the next run, before the slider exists (Streamlit forbids changing a widget's value after it
was drawn). The map is restyled through ``feature_group_to_add`` and is not remounted.
"""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from asskomm import labels
from asskomm.analysis import timeline
from asskomm.analysis.filters import PROGRAMME_START

PLAYER = "stand_player"


def steps() -> list[dt.date]:
    """06.02.2019, every month end, today."""
    return timeline.month_steps(PROGRAMME_START, dt.date.today())


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
    standalone = not isinstance(stand, str)
    stand_key = f"{key}_stand" if standalone else stand
    if standalone:
        state.setdefault(stand_key, stand)
        advance_stand(stand_key, key=key)  # this player owns the date: nothing is drawn with it yet
        scrubber = True if scrubber is None else scrubber
    all_steps = steps()
    if scrubber:  # one row: the button as wide as its label, the slider takes the rest
        with st.container(horizontal=True, vertical_alignment="center", gap="medium", wrap=False):
            _play_button(stand_key, key, label, scrubber=True)
            _scrub_slider(stand_key, key, all_steps)
    else:
        with st.container():
            _play_button(stand_key, key, label, scrubber=False)
    if standalone:
        keep_playing(stand_key, key=key, interval_s=interval_s)
    return state.get(stand_key) or all_steps[-1]


def _play_button(stand_key: str, key: str, label: str, *, scrubber: bool) -> None:
    """Abspielen/Pause; without the slider beside it, a caption says what it plays."""
    playing = is_playing(key)
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


def _scrub_slider(stand_key: str, key: str, all_steps: list[dt.date]) -> None:
    """The monthly slider, set to the step that holds the Stand; moving it jumps there."""
    state = st.session_state
    k = _keys(key)
    current = state.get(stand_key) or all_steps[-1]
    # the step that contains the stand (a month end at or after it): »November 2021« for 15.11.2021
    state[k["slider"]] = next((i for i, d in enumerate(all_steps) if d >= current), len(all_steps) - 1)
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
