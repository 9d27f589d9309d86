"""Placing the folium map with streamlit-folium so that filter changes never remount it.

* The base map (``mapbase.base_map``) is rebuilt each run from the cached ``MapGeometry``; its script does not
  depend on filters, so st_folium's component key stays the same and the iframe survives.
* Everything that changes goes through ``feature_group_to_add`` (``mapstatus.status_layers``).
* ``returned_objects`` is narrowed to the click (``last_active_drawing`` + its counter): panning and zooming
  never rerun the script.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from asskomm.analysis.filters import Filters
from asskomm.render import mapbase, mapcontrols, mapgeometry, mapstatus, maptext
from asskomm.ui import boundaries, firstview, page_scripts
from asskomm.ui.sidebar import K_JUMP, K_SELECTED

MAP_KEY = "karte_map"
#: Anchor of the table »Gemeinden in dieser Ansicht«, the map's text alternative.
TABLE_ANCHOR = "tabelle"
#: The tab below the map that holds the table (it runs only while open: the first view needs no table code).
TABLE_TAB = "Tabelle der Gemeinden"
RETURNED = ["last_active_drawing", "last_object_clicked_count"]
_LAST_COUNT = "karte_map_clicks"


def base_url_path() -> str:
    return str(st.get_option("server.baseUrlPath") or "")


def _on_map_click(key: str) -> None:
    value = st.session_state.get(key) or {}
    count = value.get("last_object_clicked_count")
    if count is None or count == st.session_state.get(_LAST_COUNT):
        return
    st.session_state[_LAST_COUNT] = count
    drawing = value.get("last_active_drawing") or {}
    ags = (drawing.get("properties") or {}).get("ags")
    if ags:
        st.session_state[K_SELECTED] = str(ags)


def status_map(
    status: pd.DataFrame,
    matched: pd.Series,
    *,
    problemfeld_labels: Mapping[str, str],
    markers: Iterable[str],
    height: int = 640,
    basemap: bool = False,
    presentation: bool = False,
    on_select: Callable[[], None] | None = None,
    highlight: Iterable[str] = (),
    fit_kreise: Iterable[str] = (),
    filters: Filters | None = None,
) -> None:
    """The status map of all Gemeinden; a click selects a Gemeinde (``st.session_state['sel_ags']``).

    ``highlight``: AGS outlined in the same map (»Neu seit …«), sent with the status layer (no remount).
    ``fit_kreise``: the Kreis filter; the map zooms to these Kreise whenever the choice changes.
    ``filters``: the view that ``status`` and ``matched`` show; with it the map's state comes from the cache
    that all sessions share (``firstview.map_state``).
    """
    geometry = boundaries.map_geometry()
    m = mapbase.base_map(
        geometry,
        base_url_path=base_url_path(),
        basemap=basemap,
        font_size="18px" if presentation else "15px",
        geometry_url=boundaries.map_geometry_url(base_url_path()),
        fill_height=presentation,
    )
    selected = st.session_state.get(K_SELECTED)
    if filters is not None:  # this view's state is shared by all sessions that show it
        state = firstview.map_state(filters, selected=selected, markers=markers, highlight=highlight,
                                    fit_kreise=fit_kreise)
    else:
        state = mapstatus.map_state(status, matched, problemfeld_labels=problemfeld_labels, selected=selected,
                                    markers=markers, highlight=highlight, fit_kreise=fit_kreise,
                                    summary=maptext.map_summary(status, matched))
    text_alternative(state["summary"], None if presentation else TABLE_ANCHOR)  # the projector view has no table
    layers = mapstatus.layers_for_state(state)
    center = zoom = None
    jump = st.session_state.get(K_JUMP)
    if jump:
        point = _point_of(geometry, jump)
        if point is not None:
            center, zoom = point, 11

    key = f"{MAP_KEY}{'_p' if presentation else ''}{'_b' if basemap else ''}"

    def _changed() -> None:
        _on_map_click(key)
        if on_select is not None:
            on_select()

    # the status layers travel as feature_group_to_add: a filter change repaints them without a remount
    # render=False: st_folium renders the map once itself; True renders the whole figure before that as well,
    # which gives the same arguments for twice the work (tests/render/test_mapview.py compares both)
    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=RETURNED,
              feature_group_to_add=layers, center=center, zoom=zoom, on_change=_changed, render=False)


def text_alternative(summary: str, table_anchor: str | None = TABLE_ANCHOR) -> None:
    """Before the map: its summary for screen readers and a link to the table (shown when focused)."""
    skip = (
        f'<a class="asskomm-skip" href="#{table_anchor}" data-asskomm-tab="{html.escape(TABLE_TAB)}">'
        f"Karte überspringen: zur Tabelle der Gemeinden</a><script>{page_scripts.SKIP_TO_TAB}</script>"
        if table_anchor
        else ""
    )
    st.html(
        f'<p class="asskomm-sr" id="karte-zusammenfassung">{html.escape(mapcontrols.MAP_TITLE)}: '
        f"{html.escape(summary)}</p>{skip}",
        unsafe_allow_javascript=bool(table_anchor),
    )


@st.cache_data(show_spinner=False)
def _points(geo_key: str) -> dict[str, list[float]]:
    import json

    features = json.loads(boundaries.map_geometry().gemeinden_geojson)["features"]
    return {f["properties"]["ags"]: f["properties"]["p"] for f in features}


def _point_of(geometry: mapgeometry.MapGeometry, ags: str) -> tuple[float, float] | None:
    p = _points(boundaries.geo_key()).get(ags)
    return (p[0], p[1]) if p else None


def leaflet_map_only(m: folium.Map) -> folium.Map:  # re-exported for other pages' small maps
    return mapbase.leaflet_only(m, base_url_path())
