"""Page frame shared by all pages: presentation mode, title with date, notices, sources footer."""

from __future__ import annotations

import datetime as dt
import html
import sys
from collections.abc import Iterable

import streamlit as st

from asskomm import labels
from asskomm.ui.messages import md

PRESENTATION_PARAM = "praesentation"


def ensure_navigation() -> None:
    """Make sure the page runs under ``dashboard.py``'s navigation, never as a bare ``pages/`` script.

    Streamlit starts every server in its old multipage mode when a ``pages/`` folder exists, and leaves it
    only when some run calls ``st.navigation``. Until then (a fresh server whose first visitor opens e.g.
    ``/import``), the file is run directly, without the entrypoint and its role-dependent navigation. The
    pages check roles themselves anyway; this switches the process to the entrypoint and reruns.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - other Streamlit versions
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # AppTest resets the flag before every run, so rerunning there would only swallow widget events.
        if "streamlit.testing.v1.local_script_runner" not in sys.modules:
            st.rerun()


_BASE_CSS = """
<style>
[data-testid="stMetricValue"] { font-variant-numeric: tabular-nums; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; word-break: normal !important;
  overflow-wrap: normal !important; }
[data-testid="stMetricLabel"] p { font-size: .9rem; font-weight: 600; line-height: 1.25; }
.asskomm-legend { display: flex; flex-direction: column; gap: .35rem; margin: .25rem 0 .75rem 0; }
.asskomm-legend.row { flex-direction: row; flex-wrap: wrap; gap: .4rem 1.4rem; align-items: center; }
.asskomm-legend .item { display: flex; align-items: center; gap: .5rem; }
.asskomm-legend .swatch { width: 1.6em; height: 1.1em; border: 1.5px solid SWATCH_BORDER; flex: none; }
.asskomm-legend .outline { background: transparent; border: 3px solid var(--c); }
.asskomm-legend .dot { width: .85em; height: .85em; border-radius: 50%; border: 1.5px solid MARKER_RIM;
  margin: 0 .35em; flex: none; }
.asskomm-legend .ring { width: 1.05em; height: 1.05em; border-radius: 50%; border: 3px solid var(--c);
  margin: 0 .25em; flex: none; }
.asskomm-legend .count { font-variant-numeric: tabular-nums; font-weight: 600; margin-left: auto;
  padding-left: .6em; }
.asskomm-legend.row .count { margin-left: .2em; }
.asskomm-source { color: #555; font-size: .9rem; }
/* Accessibility (BITV 2.0 / WCAG 2.1 AA): text only for screen readers, a skip link that appears when it
   gets the keyboard focus, and a clearly visible focus on every control (2.4.7). */
.asskomm-sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.asskomm-skip { position: absolute; left: -10000px; }
.asskomm-skip:focus { position: static; display: inline-block; padding: .3rem .6rem; margin: .2rem 0;
  background: #FFFFFF; color: SKIP_LINK; font-weight: 600; }
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, summary:focus-visible,
[role="button"]:focus-visible, [role="tab"]:focus-visible, [role="slider"]:focus-visible,
[role="switch"]:focus-visible, [role="checkbox"]:focus-visible, [tabindex]:focus-visible,
iframe:focus-visible, [data-baseweb="select"]:focus-within {
  outline: 3px solid #1A1A1A !important; outline-offset: 2px !important;
  box-shadow: 0 0 0 5px #FFFFFF !important; }
/* st.html elements that only carry a script (German texts, the sign-in cookie) take no room */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) { display: none; }
.asskomm-kpi-note { font-size: .82rem; line-height: 1.3; }
/* a KPI's unit beside its number: »29 Vereinbarungen · 35 Gemeinden« */
[data-testid="stMetric"] > div { display: flex; flex-wrap: wrap; align-items: baseline; column-gap: .45rem; }
[data-testid="stMetricLabel"] { flex-basis: 100%; }
[data-testid="stMetricDelta"] { color: #333 !important; font-size: .85rem !important; background: none !important;
  padding: 0 !important; }
[data-testid="stMetricDelta"] svg { display: none; }
/* the start page's title row is low, so the map begins in the upper half of a projector screen */
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 2.2rem; }
h1 { font-size: 2.1rem !important; padding: .2rem 0 .1rem 0 !important; }
/* compact KPI row: low cards; on a phone three and two per line instead of five stacked cards */
.st-key-kpi_row [data-testid="stMetricValue"] { font-size: 1.9rem; line-height: 1.1; }
.st-key-kpi_row [data-testid="stLayoutWrapper"] > [data-testid="stVerticalBlock"] { padding: .45rem .7rem !important;
  gap: .3rem !important; }
.st-key-kpi_row [data-testid="stMetricDelta"], .st-key-kpi_row [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
.st-key-kpi_row [data-testid="stMetric"] { padding: 0; }
@media (max-width: 640px) {
  .block-container, [data-testid="stMainBlockContainer"] { padding-top: 3.6rem; }
  h1 { font-size: 1.5rem !important; }
  .st-key-kpi_row .asskomm-kpi-note { display: none; }
  .st-key-kpi_row [data-testid="stMetricLabel"] p { overflow-wrap: anywhere !important; }
  .st-key-kpi_row [data-testid="stLayoutWrapper"] > [data-testid="stVerticalBlock"] { padding: .35rem .5rem !important; }
  .st-key-kpi_row [data-testid="stMetricDelta"] { font-size: .75rem !important; }
  .st-key-kpi_row [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: .4rem !important; }
  .st-key-kpi_row [data-testid="stColumn"] { min-width: calc(50% - .4rem) !important;
    flex: 1 1 calc(50% - .4rem) !important; width: auto !important; }
  .st-key-kpi_row [data-testid="stMetricValue"] { font-size: 1.4rem; }
  .st-key-kpi_row [data-testid="stMetricLabel"] p { font-size: .78rem; }
}
</style>
"""

_PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: .6rem 1.4rem .4rem 1.4rem !important;
  max-width: 100% !important; }
html, body, [data-testid="stAppViewContainer"] { font-size: 19px; }
h1 { font-size: 1.75rem !important; padding: 0 0 .1rem 0 !important; }
[data-testid="stMetricLabel"] p { font-size: .92rem !important; line-height: 1.15 !important; }
[data-testid="stMetricLabel"] { min-height: 0 !important; }
[data-testid="stMetricValue"] { font-size: 1.45rem !important; line-height: 1.0 !important; }
[data-testid="stColumn"] [data-testid="stVerticalBlock"] { gap: .18rem !important; }
.asskomm-legend { gap: .05rem !important; font-size: .92rem !important; margin-top: .3rem !important; }
[data-testid="stCaptionContainer"] { font-size: .9rem !important; }
[data-testid="stVerticalBlockBorderWrapper"] [data-testid="stMetric"] { padding: 0 !important; }
[data-testid="stMetric"] > div { display: flex; flex-wrap: wrap; align-items: baseline; column-gap: .7rem; }
[data-testid="stMetricLabel"] { flex-basis: 100%; }
[data-testid="stMetricDelta"] { font-size: .8rem !important; color: #555 !important; }
.asskomm-sites { font-size: .72rem; line-height: 1.35; }
.asskomm-kpi-note { font-size: .74rem !important; line-height: 1.2 !important; }
/* the map fills the screen's height (title row and the two caption lines above and below it) */
iframe[title="streamlit_folium.st_folium"] { height: max(420px, calc(100vh - 170px)) !important; }
</style>
"""


def view_link(label: str, href: str, *, icon: str | None = None, help_text: str = "", key: str | None = None) -> None:
    """A visible button-like link to another form of this view (the presentation view and back)."""
    container = st.container(key=key) if key else st.container()
    with container:
        st.link_button(label, href, icon=icon, help=help_text or None, width="stretch")


def sync_layer_param(name: str, value: str | None) -> None:
    """Keep one non-filter parameter (e.g. the map layers) in the URL: set it, or drop it when ``None``."""
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def presentation_mode() -> bool:
    """``?praesentation=1``: full-width map, large type, no sidebar (for projectors)."""
    return st.query_params.get(PRESENTATION_PARAM, "") in ("1", "ja", "true")


def apply_style(presentation: bool | None = None) -> None:
    presentation = presentation_mode() if presentation is None else presentation
    base = _BASE_CSS.replace("SWATCH_BORDER", labels.SWATCH_BORDER_COLOUR).replace(
        "MARKER_RIM", labels.MARKER_RIM_COLOUR
    ).replace("SKIP_LINK", labels.STATUS_COLOURS["kooperation"])
    st.html(base + (_PRESENTATION_CSS if presentation else ""))


def page_title(title: str, stand: dt.date, *, subtitle: str = "") -> None:
    """Title with the date the view shows (»Stand 30.11.2021«)."""
    st.title(f"{title} · Stand {labels.fmt_date(stand)}")
    if subtitle:
        st.caption(subtitle)


def notices(messages: Iterable[str]) -> None:
    """Visible German notices (e.g. ignored URL parameters); the values they echo are made inert (``md``)."""
    for message in messages:
        st.warning(md(message), icon=":material/warning:")


def sources_footer(*, data_stand: str, attribution: str, extra: Iterable[str] = ()) -> None:
    """Stand of the data, where it comes from, and the BKG attribution of the boundaries."""
    lines = [
        f"**Datenstand:** {data_stand}",
        "**Quellen:** Pressemitteilungen des Sächsischen Staatsministeriums des Innern und des "
        "Landespräventionsrats Sachsen sowie Veröffentlichungen der Kommunen (Quelle je Gemeinde in der Tabelle).",
        f"**Gemeinde- und Kreisgrenzen:** {attribution}",
        *extra,
    ]
    # st.html, not markdown with HTML: the page needs no extra front-end code for it (ui.preload)
    st.html('<div class="asskomm-source">' + "<br>".join(_md_inline(x) for x in lines) + "</div>")


def _md_inline(text: str) -> str:
    """Escape, then turn **bold** into <b> (attribution and Stand may come from data files)."""
    parts = [html.escape(p, quote=False) for p in text.split("**")]
    return "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(parts))
