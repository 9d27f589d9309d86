"""The constant base map (no Streamlit here): the same for a given boundary layer, whatever the filters and date.

The 418 Gemeinden polygons (neutral style) with the controller that restyles them (``mapcontroller``), Kreis
borders and names in panes above them, panes for outlines and markers, the shared controls (``mapcontrols``).
Its Leaflet script, and hence streamlit-folium's component key, does not depend on the filters or the date, so
a filter change never remounts the map in the browser: what changes comes as ``mapstatus.status_layers``.

Only Leaflet is loaded (from the app's own origin, see ``asskomm.geo.assets``): folium's default jQuery,
Bootstrap and Font Awesome from CDNs are dropped.
"""

from __future__ import annotations

import folium
from branca.element import Element
from jinja2 import Template

from asskomm import labels
from asskomm.geo import assets
from asskomm.render import maplabels
from asskomm.render.mapcontroller import (
    PANE_KREISE,
    PANE_LABELS,
    PANE_MARKER,
    PANE_OUTLINE,
    GemeindenLayer,
    controller_config,
)
from asskomm.render.mapcontrols import add_controls
from asskomm.render.mapgeometry import GEOMETRY_GLOBAL, MapGeometry
from asskomm.render.mapscript import DataLayer, script_json, script_safe

SAXONY_CENTER = (50.93, 13.46)
# basemap.de web raster (BKG), only when the user switches it on (it sends requests to a third party).
BASEMAP_DE_URL = (
    "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_grau/default/"
    "GLOBAL_WEBMERCATOR/{z}/{y}/{x}.png"
)
BASEMAP_DE_ATTRIBUTION = "© basemap.de / BKG"


class _KreisBorders(DataLayer):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_data = window.asskommUnpack({{ this.data }}, {{ this.decimals }});
        // a white casing under the dark border keeps it visible on the darkest status fill
        L.geoJSON({{ this.get_name() }}_data, {
            pane: {{ this.pane }}, interactive: false,
            style: {color: {{ this.casing }}, weight: 3.4, opacity: 0.85, fill: false}
        }).addTo({{ this._parent.get_name() }});
        var {{ this.get_name() }} = L.geoJSON({{ this.get_name() }}_data, {
            pane: {{ this.pane }}, interactive: false,
            style: {color: {{ this.colour }}, weight: 1.6, opacity: 0.9, fill: false}
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, geometry: MapGeometry, *, external: bool = False):
        super().__init__()
        self._name = "KreisBorders"
        self.data = f"{GEOMETRY_GLOBAL}.k" if external else script_safe(geometry.kreise_geojson)
        self.decimals = int(geometry.decimals)
        self.pane = script_json(PANE_KREISE)
        self.colour = script_json(labels.KREIS_BORDER_COLOUR)
        self.casing = script_json(labels.CASING_COLOUR)


class _KreisNames(DataLayer):
    """The Kreis names in a label pane above the polygons (not interactive: clicks reach the Gemeinden)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}"""
        + maplabels.KREIS_NAMES_JS
        + """{% endmacro %}
        """
    )

    def __init__(self, geometry: MapGeometry):
        super().__init__()
        self._name = "KreisNames"
        self.labels = script_safe(geometry.kreis_labels)
        self.pane = script_json(PANE_LABELS)


def _css(css: str) -> Element:
    """Inline CSS for tooltips (into the map's header; no external stylesheet)."""
    return Element(f"<style>{css}</style>")


def leaflet_only(m: folium.Map, base_url_path: str = "") -> folium.Map:
    """Replace folium's CDN assets (Leaflet, jQuery, Bootstrap, Font Awesome) by the self-hosted Leaflet."""
    m.default_js = [("leaflet", assets.leaflet_js_url(base_url_path))]
    m.default_css = [("leaflet_css", assets.leaflet_css_url(base_url_path))]
    return m


def base_map(
    geometry: MapGeometry,
    *,
    base_url_path: str = "",
    basemap: bool = False,
    font_size: str = "15px",
    geometry_url: str | None = None,
    kreis_names: bool = True,
    fill_height: bool = False,
) -> folium.Map:
    """The constant part of the map (does not depend on filters or date).

    ``kreis_names``: the Kreis names on the map. ``fill_height``: the map fills the height of its frame
    (the presentation view makes that frame as high as the screen allows).

    ``geometry_url``: a ``geometry_script`` file served by the app. The browser then fetches the ~300 KB of
    polygons once (and caches them) instead of receiving them inside the map's HTML on every rerun;
    ``None`` puts them into the page (self-contained HTML for exports).
    """
    m = _empty_map(font_size, base_url_path, geometry_url)
    m.get_root().header.add_child(_css(_map_css(fill_height)))
    add_controls(m)
    if basemap:
        folium.TileLayer(
            BASEMAP_DE_URL, attr=BASEMAP_DE_ATTRIBUTION, name="basemap.de", max_zoom=14, opacity=0.6
        ).add_to(m)
    _add_panes(m)
    _add_layers(m, geometry, external=bool(geometry_url), kreis_names=kreis_names)
    (south, west), (north, east) = geometry.bounds
    m.fit_bounds([[south, west], [north, east]], padding=(8, 8))
    return m


def _empty_map(font_size: str, base_url_path: str, geometry_url: str | None) -> folium.Map:
    """A folium map without tiles, zoomable in quarter steps, loading only Leaflet (and the geometry script)."""
    m = folium.Map(
        location=SAXONY_CENTER,
        zoom_start=8,
        tiles=None,
        control_scale=False,  # _Controls: metric only
        zoom_snap=0.25,
        zoom_delta=0.5,
        min_zoom=6,
        max_zoom=14,
        font_size=font_size,
    )
    leaflet_only(m, base_url_path)
    if geometry_url:
        m.default_js = [*m.default_js, ("asskomm_geometry", geometry_url)]
    return m


def _map_css(fill_height: bool) -> str:
    """The map's own CSS: background, font, tooltips, attribution, names; filling its frame on request."""
    return (
        ".leaflet-container{background:#ffffff;font-family:'Source Sans Pro','Source Sans 3',sans-serif}"
        ".asskomm-tip{font-size:1em;line-height:1.35;max-width:22em;white-space:normal}"
        ".leaflet-tooltip{white-space:normal;min-width:12em}"
        # the attribution wraps instead of running over the scale in a narrow map
        ".leaflet-bottom.leaflet-right{max-width:calc(100% - 140px)}"
        ".leaflet-control-attribution{white-space:normal;text-align:right}"
        + maplabels.NAME_CSS
        + ("html,body{margin:0;overflow:hidden}#map_div{height:100vh !important}" if fill_height else "")
    )


def _add_panes(m: folium.Map) -> None:
    """Panes above the polygons: Kreis borders, outlines, markers (clickable), names (not)."""
    folium.map.CustomPane(PANE_KREISE, z_index=410).add_to(m)
    folium.map.CustomPane(PANE_OUTLINE, z_index=420).add_to(m)
    folium.map.CustomPane(PANE_MARKER, z_index=430, pointer_events=True).add_to(m)
    folium.map.CustomPane(PANE_LABELS, z_index=440, pointer_events=False).add_to(m)


def _add_layers(m: folium.Map, geometry: MapGeometry, *, external: bool, kreis_names: bool) -> None:
    """The Gemeinden with the controller, the Kreis borders and (on request) the Kreis names."""
    GemeindenLayer(geometry, controller_config(), external=external).add_to(m)
    _KreisBorders(geometry, external=external).add_to(m)
    if kreis_names:
        _KreisNames(geometry).add_to(m)
