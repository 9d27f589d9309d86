"""»Was ist neu seit …?« (Karte page, tab »Neu seit …«): new agreements, councils and Problemfelder between
two dates, for the filtered Gemeinden; the page outlines them on its map.

    diff = neu_seit.since_view(filters, K_STAND)   # new since a date; ``diff.highlighted_ags()`` for the map
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from asskomm import labels
from asskomm.analysis import timeline
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.ui import data, widgets

SINCE = "since"


def since_dates(
    stand_key: str | None, *, key: str = SINCE, default_days: int = 91
) -> tuple[dt.date, dt.date]:
    """(von, bis) of the since view: »bis« is the page's Stand (``stand_key``) or, without it, kept in the
    session like »von«.

    »von« lives under a plain key (not the widget's), so it survives while the tab is closed.
    """
    state = st.session_state
    bis_key = stand_key or f"{key}_bis_value"
    bis = state.get(bis_key) or dt.date.today()
    von_key = f"{key}_von"
    if not isinstance(state.get(von_key), dt.date):
        state[von_key] = max(PROGRAMME_START, bis - dt.timedelta(days=default_days))
    return state[von_key], bis


def since_diff(filters: Filters, stand_key: str | None = None, *, key: str = SINCE) -> timeline.SinceDiff:
    """What changed between »von« and the page's Stand, for the filtered Gemeinden (cheap, no widget)."""
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
    _date_inputs(cols[0], cols[1], stand_key, key)
    if diff is None:
        diff = since_diff(filters, stand_key, key=key)
    with cols[2]:
        n = len(diff.highlighted_ags())
        st.markdown(
            f"**{diff.summary_text()}**  \nAuf der Karte gelb umrandet: {labels.fmt_int(n)} "
            f"{'Gemeinde' if n == 1 else 'Gemeinden'}."
        )
    _changes(diff)
    return diff


def _date_inputs(von_col, bis_col, stand_key: str | None, key: str) -> None:
    """»Neu seit« and »bis«; with the page's Stand (``stand_key``), »bis« is the map's date."""
    von_col.date_input(
        "Neu seit",
        min_value=PROGRAMME_START,
        max_value=dt.date.today(),
        format="DD.MM.YYYY",
        key=f"{key}_von_input",
        on_change=_set_von,
        args=(key,),
        help="z. B. das Datum der letzten Sitzung",
    )
    bis_col.date_input(
        "bis (Stand der Karte)" if stand_key else "bis",
        min_value=PROGRAMME_START,
        max_value=dt.date.today(),
        format="DD.MM.YYYY",
        key=f"{key}_bis",
        on_change=_set_bis,
        args=(stand_key, key),
        help="Ändert auch den Stand der Karte." if stand_key else None,
    )


def _changes(diff: timeline.SinceDiff) -> None:
    """The changes as a table with their sources (or that there are none)."""
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
