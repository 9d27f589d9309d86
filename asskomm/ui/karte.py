"""The Karte page's parts: the map settings, the title row (with the way into the projector view and back),
the legend with its counts and the table of the view.

The page (``pages/karte.py``) places them in reading order; everything here draws into the place the page opens.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
import streamlit as st

from asskomm import labels
from asskomm.analysis import timeline
from asskomm.analysis.filters import Filters
from asskomm.render import maptext
from asskomm.ui import boundaries, firstview, layout, mapblock, player, sidebar, views, widgets


def map_settings() -> tuple[list[str], bool]:
    """»Karteneinstellungen« in the sidebar: the marker layers (they start as ``?ebenen=`` says, so a shared or
    projected link shows them too, and are written back to the URL) and the basemap. Returns (markers, basemap)."""
    with st.sidebar, st.expander("Karteneinstellungen"):
        url_layers = views.layers_from_query(st.query_params.get(views.LAYER_PARAM))
        st.session_state.setdefault("map_kpr", "kpr" in url_layers)
        st.session_state.setdefault("map_sa", "sicherheitsanalyse" in url_layers)
        show_kpr = st.toggle(labels.MARKER_LABELS["kpr"], key="map_kpr")
        show_sa = st.toggle(labels.MARKER_LABELS["sicherheitsanalyse"], key="map_sa")
        basemap = st.toggle(
            "Hintergrundkarte basemap.de",
            value=False,
            key="map_basemap",
            help="Lädt Kartenkacheln vom BKG (Internet nötig; die Adresse des Rechners wird dem BKG übermittelt).",
        )
    markers = [k for k, on in (("kpr", show_kpr), ("sicherheitsanalyse", show_sa)) if on]
    layout.sync_layer_param(views.LAYER_PARAM, views.layers_to_query(markers))
    return markers, basemap


def title_row(filters: Filters, subtitle: str, markers: list[str], *, presentation: bool) -> None:
    """The title with its date and the link into the projector view (which carries the whole view); in the
    projector view the title, the Zeitraffer (play + monthly slider) and the way back share one line."""
    if presentation:
        title_col, player_col, back_col = st.columns([1.6, 1, 0.32], vertical_alignment="center")
        with title_col:
            layout.page_title("ASSKomm-Karte", filters.stand, subtitle=subtitle)
        with player_col:
            player.stand_player(sidebar.K_STAND, scrubber=True, label="Abspielen")
        with back_col:
            layout.view_link(
                "Beenden",
                views.view_query(filters, markers, presentation=False, today=sidebar.today()),
                icon=":material/close:",
                help_text="Zurück zur normalen Karte mit derselben Ansicht",
            )
        return
    title_col, link_col = st.columns([3, 1], vertical_alignment="center")
    with title_col:
        layout.page_title("ASSKomm-Karte", filters.stand, subtitle=subtitle)
    with link_col:
        layout.view_link(
            "Präsentationsansicht",
            views.view_query(filters, markers, presentation=True, today=sidebar.today()),
            icon=":material/present_to_all:",
            help_text="Öffnet genau diese Ansicht (Kreis, Problemfeld, Baustein, Stand, Ebenen) groß für "
            "Beamer und Bildschirm, ohne Seitenleiste und Downloads.",
            key="praesentation_link",
        )
    with st.sidebar:
        # the Zeitraffer sits under the filters; the »Stand« slider above it is its scrubber
        player.stand_player(sidebar.K_STAND)


def legend(
    table: pd.DataFrame,
    matched: pd.Series,
    markers: list[str],
    since: timeline.SinceDiff | None,
    highlight: Collection[str],
) -> None:
    """The legend with the counts of this view: greyed-out Gemeinden, markers and Modellkommunen among the hits,
    and the Gemeinden outlined by »Neu seit …« (``since``: its difference, or None)."""
    hit = table[matched.values]
    widgets.legend(
        maptext.legend_rows(table, matched),
        greyed=int((~matched).sum()),
        markers={k: int(hit[k].astype(bool).sum()) for k in markers},
        models=int(hit["modellkommune"].astype(bool).sum()),
        highlight=(f"neu seit {labels.fmt_date(since.von)}", len(highlight)) if since is not None else None,
    )


def view_table(filters: Filters, matched: pd.Series, filter_text: str) -> None:
    """The Gemeinden of this view as a sortable table, with downloads of exactly this view."""
    st.subheader(
        f"Gemeinden in dieser Ansicht ({labels.fmt_int(int(matched.sum()))})", anchor=mapblock.TABLE_ANCHOR
    )
    frame = firstview.karte_table(filters)  # shared by all sessions (once per data version and filters)
    note = (
        f"ASSKomm-Karte, Stand {labels.fmt_date(filters.stand)}; Filter: {filter_text}; "
        f"Grenzen: {boundaries.bkg_attribution()}"
    )
    widgets.table_with_downloads(frame, filename=f"asskomm_{filters.stand.isoformat()}", note=note)
