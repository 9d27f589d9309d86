"""The ASSKomm map as a pure function of data and filters → folium objects (no Streamlit here).

Two parts, so that a filter change never remounts the map in the browser:

* ``base_map(geometry, ...)`` – constant for a given boundary layer: the 418 Gemeinden polygons (neutral
  style), Kreis borders in a pane above them, panes for outlines and markers, and a small controller
  (``window.asskomm``) that restyles the polygons. Its Leaflet script, and hence streamlit-folium's component
  key, does not depend on the filters or the date.
* ``status_layers(...)`` – what changes with filters and date: one ``folium.FeatureGroup`` holding a compact
  state (status, match and flags per AGS, tooltip fragments, markers). Passed to ``st_folium`` as
  ``feature_group_to_add``, it is evaluated inside the existing map: polygons are restyled in place, outlines
  and circle markers are added to the feature group (and removed with it on the next change). The polygons'
  geometry is drawn once, not on every change. In the app it comes from a static file (``geometry_url``, see
  ``asskomm.geo.geometry_file``), because streamlit-folium re-sends the whole map HTML with every rerun.

Every string that comes from data (names, Kreis names, focus areas, notes) is HTML-escaped here, in Python,
before it can reach tooltip HTML; the controller only concatenates escaped fragments.

Only Leaflet is loaded (from the app's own origin, see ``asskomm.geo.assets``): folium's default jQuery,
Bootstrap and Font Awesome from CDNs are dropped.
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Iterable, Mapping
from typing import Any

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from asskomm import labels
from asskomm.geo import assets
from asskomm.render import maplabels
from asskomm.render.mapcontrols import add_controls

SAXONY_CENTER = (50.93, 13.46)
# basemap.de web raster (BKG), only when the user switches it on (it sends requests to a third party).
BASEMAP_DE_URL = (
    "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_grau/default/"
    "GLOBAL_WEBMERCATOR/{z}/{y}/{x}.png"
)
BASEMAP_DE_ATTRIBUTION = "© basemap.de / BKG"

PANE_KREISE = "asskommKreise"
PANE_OUTLINE = "asskommOutline"
PANE_MARKER = "asskommMarker"
PANE_LABELS = "asskommLabels"

MARKER_KINDS = ("kpr", "sicherheitsanalyse")
# Outline of the Gemeinden highlighted by the »Neu seit …« view (Okabe-Ito-like yellow, dark core line).
HIGHLIGHT_COLOUR = "#FFC20A"
HIGHLIGHT_CORE_COLOUR = "#1A1A1A"
# Where a geometry script loaded by URL (``geometry_script``) leaves the packed Gemeinden and Kreise.
GEOMETRY_GLOBAL = "window.asskommGeometry"


def _js(value: object) -> str:
    """JSON for embedding in a <script>: compact, and no ``</script>`` or HTML comment can close it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def esc(value: object) -> str:
    """HTML-escape a data value for tooltip/popup HTML (None/NaN → empty)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


# --------------------------------------------------------------------------------------------------
# Geometry (prepared once per boundary layer; plain strings, so st.cache_data can keep it)


@dataclasses.dataclass(frozen=True)
class MapGeometry:
    # FeatureCollections with packed geometries (see ``pack_geometry``);
    # Gemeinden properties: ags, h (escaped tooltip header), p ([lat, lon] of a point inside, for markers)
    gemeinden_geojson: str
    kreise_geojson: str
    decimals: int
    bounds: tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east))
    attribution: str
    # Kreis names for the map: JSON list of [kreis key, escaped HTML name, lat, lon] (a point inside the Kreis)
    kreis_labels: str = "[]"

    @property
    def size_bytes(self) -> int:
        return len(self.gemeinden_geojson.encode()) + len(self.kreise_geojson.encode())


def _round_coords(geoms: np.ndarray, decimals: int) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


def _simplified_coverage(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify the layer as a coverage (shared borders stay shared: no gaps or overlaps)."""
    if tolerance <= 0:
        return geoms
    return shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)


def pack_geometry(geom, decimals: int = 4) -> dict:
    """A (Multi)Polygon/LineString as integer deltas: ``{"t": type, "c": [...]}`` (about half the size of
    GeoJSON). Each ring/line is ``[x0, y0, dx1, dy1, ...]`` in units of ``10**-decimals`` degrees; the map's
    script (``_UNPACK_JS``) turns it back into GeoJSON."""
    scale = 10**decimals

    def ring(coords) -> list[int]:
        xy = np.rint(np.asarray(coords)[:, :2] * scale).astype(np.int64)
        out = np.empty_like(xy)
        out[0] = xy[0]
        out[1:] = xy[1:] - xy[:-1]
        return out.ravel().tolist()

    gj = json.loads(shapely.to_geojson(geom))
    kind, coords = gj["type"], gj["coordinates"]
    if kind == "Polygon":
        packed = [ring(r) for r in coords]
    elif kind == "MultiPolygon":
        packed = [[ring(r) for r in poly] for poly in coords]
    elif kind == "LineString":
        packed = ring(coords)
    elif kind == "MultiLineString":
        packed = [ring(r) for r in coords]
    else:
        raise ValueError(f"cannot pack {kind}")
    return {"t": kind, "c": packed}


def unpack_geometry(packed: dict, decimals: int = 4) -> dict:
    """Inverse of ``pack_geometry`` (used by tests; the browser does the same in JavaScript)."""
    scale = 10**decimals

    def ring(flat: list[int]) -> list[list[float]]:
        arr = np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0) / scale
        return arr.tolist()

    kind, c = packed["t"], packed["c"]
    if kind == "Polygon":
        coords = [ring(r) for r in c]
    elif kind == "MultiPolygon":
        coords = [[ring(r) for r in poly] for poly in c]
    elif kind == "LineString":
        coords = ring(c)
    else:
        coords = [ring(r) for r in c]
    return {"type": kind, "coordinates": coords}


def _feature_collection(features: list[dict]) -> str:
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
    )


def tooltip_header(name: str, kreis_name: str | None) -> str:
    head = f"<b>{esc(name)}</b>"
    return head + (f"<br>{esc(kreis_name)}" if kreis_name else "")


def prepare_geometry(
    gemeinden,
    kreise,
    *,
    attribution: str = "",
    tolerance: float = 0.0004,
    decimals: int = 4,
) -> MapGeometry:
    """Compact GeoJSON of the Gemeinden (with tooltip header and marker point) and the Kreis borders.

    ``gemeinden``: GeoDataFrame (EPSG:4326) with ``ags``, ``name``, ``kreis_name``;
    ``kreise``: GeoDataFrame (EPSG:4326). Coordinates are simplified as a coverage and rounded to
    ``decimals`` (4 ≈ 10 m), which keeps the map payload small without opening gaps.
    """
    geoms = _round_coords(_simplified_coverage(np.asarray(gemeinden.geometry.values), tolerance), decimals)
    points = shapely.point_on_surface(np.asarray(gemeinden.geometry.values))
    features = []
    for ags, name, kreis_name, geom, point in zip(
        gemeinden["ags"],
        gemeinden["name"],
        gemeinden.get("kreis_name", [None] * len(gemeinden)),
        geoms,
        points,
        strict=True,
    ):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "ags": str(ags),
                    "n": esc(name),
                    "h": tooltip_header(name, kreis_name),
                    "p": [round(point.y, 4), round(point.x, 4)],
                },
                "geometry": pack_geometry(geom, decimals),
            }
        )
    kreis_geoms = _round_coords(_simplified_coverage(np.asarray(kreise.geometry.values), tolerance), decimals)
    kreis_features = [
        {"type": "Feature", "properties": {}, "geometry": pack_geometry(g, decimals)}
        for g in shapely.boundary(kreis_geoms)
    ]
    west, south, east, north = (float(v) for v in gemeinden.total_bounds)
    return MapGeometry(
        kreis_labels=_js(maplabels.kreis_label_points(kreise)),
        gemeinden_geojson=_feature_collection(features),
        kreise_geojson=_feature_collection(kreis_features),
        bounds=((round(south, 4), round(west, 4)), (round(north, 4), round(east, 4))),
        attribution=attribution,
        decimals=decimals,
    )


# --------------------------------------------------------------------------------------------------
# The constant base map


_UNPACK_JS = """
window.asskommUnpack = window.asskommUnpack || function (fc, decimals) {
  var scale = Math.pow(10, decimals);
  function ring(flat) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < flat.length; i += 2) { x += flat[i]; y += flat[i + 1]; out.push([x / scale, y / scale]); }
    return out;
  }
  function geom(g) {
    var c = g.c, t = g.t;
    if (t === "Polygon" || t === "MultiLineString") { return {type: t, coordinates: c.map(ring)}; }
    if (t === "MultiPolygon") { return {type: t, coordinates: c.map(function (p) { return p.map(ring); })}; }
    return {type: t, coordinates: ring(c)};
  }
  fc.features.forEach(function (f) { f.geometry = geom(f.geometry); });
  return fc;
};
"""

_CONTROLLER_JS = """
(function () {
  var layer = {{ this.layer_name }};
  var map = {{ this.map_name }};
  var cfg = {{ this.config }};
  // a white line under an outline, twice its width (see labels.CASING_COLOUR)
  cfg.casing = function (style) {
    return {color: cfg.casingColour, weight: style.weight * 2 + 1, fill: false, opacity: 1};
  };
  var byAgs = {};
  layer.eachLayer(function (l) { byAgs[l.feature.properties.ags] = l; });
  var A = window.asskomm = {layer: layer, byAgs: byAgs, state: null, applied: 0, fitKey: "[]"};
  // Zoom to the chosen Kreise (all of Saxony when none), only when that choice changed: a user's own
  // panning and zooming survive every other filter change.
  A.fit = function (kreise) {
    var key = JSON.stringify(kreise || []);
    if (key === A.fitKey) { return; }
    A.fitKey = key;
    var bounds = L.latLngBounds([]);
    layer.eachLayer(function (l) {
      if (!kreise.length || kreise.indexOf(l.feature.properties.ags.slice(0, 5)) >= 0) {
        bounds.extend(l.getBounds());
      }
    });
    if (bounds.isValid()) { map.fitBounds(bounds, {padding: [12, 12]}); }
  };
""" + maplabels.DECLUTTER_JS + """  A.tooltip = function (props) {
    var st = A.state;
    var body = st && st.t[props.ags];
    if (body === undefined) { body = st ? cfg.defaultTip[(st.s[props.ags] || [0])[0]] : ""; }
    return '<div class="asskomm-tip">' + props.h + (body ? "<br>" + body : "") + "</div>";
  };
  // Keyboard: Leaflet makes a Gemeinde with a tooltip focusable and opens the tooltip on focus; it gets the
  // Gemeinde's name as a button, and Enter or Space selects it like a click (streamlit-folium listens to »click«).
  var scratch = document.createElement("div");
  layer.eachLayer(function (l) {
    l.bindTooltip(function () { return A.tooltip(l.feature.properties); },
                  {sticky: true, direction: "top", offset: [0, -6]});
    var el = l.getElement && l.getElement();
    if (!el) { return; }
    scratch.innerHTML = l.feature.properties.h.replace(/<br>/g, ", ");  // escaped in Python
    el.setAttribute("role", "button");  // Enter selects it; and a name is only allowed with a role
    el.setAttribute("aria-label", scratch.textContent);
    L.DomEvent.on(el, "keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") { return; }
      L.DomEvent.preventDefault(e);
      l.fire("click", {latlng: L.latLng(l.feature.properties.p), originalEvent: e}, true);
    });
  });
  A.apply = function (st, group) {
    A.state = st;
    var summary = document.getElementById("asskomm-map-summary");
    if (summary) { summary.textContent = st.summary || ""; }
    layer.eachLayer(function (l) {
      var a = l.feature.properties.ags;
      var v = st.s[a] || [0, 1, 0];
      var matched = v[1] === 1;
      l.setStyle({
        fillColor: matched ? cfg.colours[v[0]] : cfg.outColour,
        fillOpacity: matched ? cfg.fillOpacity : cfg.outOpacity,
        color: matched ? cfg.border : cfg.outBorder,
        weight: cfg.weight, opacity: 1
      });
    });
    var outline = function (a, style) {
      var l = byAgs[a];
      if (!l) { return; }
      L.geoJSON(l.feature, {pane: cfg.panes.outline, interactive: false, style: style}).addTo(group);
    };
    (st.hl || []).forEach(function (a) {
      outline(a, cfg.highlightHalo);
      outline(a, cfg.highlightLine);
    });
    st.model.forEach(function (a) {
      outline(a, cfg.casing(cfg.modelStyle));
      outline(a, cfg.modelStyle);
    });
    if (st.sel) {
      outline(st.sel, cfg.casing(cfg.selectedStyle));
      outline(st.sel, cfg.selectedStyle);
    }
    st.markers.forEach(function (m) {
      var l = byAgs[m[0]];
      if (!l) { return; }
      var ms = cfg.markerStyles[m[1]];
      if (cfg.markerCasing[m[1]]) {
        L.circleMarker(l.feature.properties.p,
                       Object.assign({pane: cfg.panes.marker, interactive: false}, cfg.markerCasing[m[1]])).addTo(group);
      }
      var c = L.circleMarker(l.feature.properties.p, Object.assign({pane: cfg.panes.marker}, ms));
      c.feature = {type: "Feature", properties: {ags: m[0], kind: m[1]}, geometry: null};
      c.bindTooltip('<div class="asskomm-tip">' + l.feature.properties.h + "<br>" + m[2] + "</div>",
                    {direction: "top"});
      c.addTo(group);
    });
    // with a Kreis filter: the names of the Gemeinden that take part (the Kreis's own name steps aside);
    // agreements first, and a name that would cover one already written is left out (see A.declutter)
    A.names = [];
    (st.names || []).forEach(function (a) {
      var l = byAgs[a];
      if (!l) { return; }
      A.names.push(L.marker(l.feature.properties.p, {
        pane: cfg.panes.labels, interactive: false, keyboard: false,
        icon: L.divIcon({className: "asskomm-name", html: "<span>" + l.feature.properties.n + "</span>",
                         iconSize: null})
      }).addTo(group));
    });
    A.declutter();
    Object.keys(A.kreisNames || {}).forEach(function (k) {
      var el = A.kreisNames[k].getElement();
      if (el) { el.style.display = (st.names || []).length && (st.fit || []).indexOf(k) >= 0 ? "none" : ""; }
    });
    A.fit(st.fit || []);
    A.applied += 1;
  };
})();
"""


class _RawText(Element):
    """Finished script text in the page, as it is (branca would compile it as a Jinja template)."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


def _script_safe(json_text: str) -> str:
    """JSON as a script literal that cannot close the surrounding <script> element."""
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e")


def geometry_script(geometry: MapGeometry) -> str:
    """The map's geometry as a script of its own (``base_map(..., geometry_url=...)`` loads it by URL)."""
    return (
        f"{GEOMETRY_GLOBAL} = {{g: {_script_safe(geometry.gemeinden_geojson)}, "
        f"k: {_script_safe(geometry.kreise_geojson)}}};\n"
    )


class _DataLayer(MacroElement):
    """A MacroElement whose script carries large data.

    ``MacroElement.render`` wraps each finished macro output in ``Element(text)``, which compiles it as a Jinja
    template: for the ~300 KB of packed geometry that costs ~90 ms on every rerun (and would misread a
    ``{{`` in the data). The script goes into the page unchanged instead.
    """

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):  # as MacroElement.render, without the compilation
            if part in macros:
                getattr(figure, part).add_child(_RawText(str(macros[part](self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _GemeindenLayer(_DataLayer):
    """The Gemeinden polygons in the overlay pane, with the restyling controller."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        """
        + _UNPACK_JS
        + """
        var {{ this.get_name() }} = L.geoJSON(window.asskommUnpack({{ this.data }}, {{ this.decimals }}), {
            style: {{ this.initial_style }},
            attribution: {{ this.attribution }}
        }).addTo({{ this._parent.get_name() }});
        """
        + _CONTROLLER_JS.replace("{{ this.layer_name }}", "{{ this.get_name() }}").replace(
            "{{ this.map_name }}", "{{ this._parent.get_name() }}"
        )
        + """
        {% endmacro %}
        """
    )

    def __init__(self, geometry: MapGeometry, config: dict, *, external: bool = False):
        super().__init__()
        self._name = "GemeindenLayer"
        self.data = f"{GEOMETRY_GLOBAL}.g" if external else _script_safe(geometry.gemeinden_geojson)
        self.attribution = _js(geometry.attribution)
        self.initial_style = _js(
            {
                "fillColor": labels.STATUS_COLOURS["nicht_beteiligt"],
                "fillOpacity": 0.85,
                "color": labels.GEMEINDE_BORDER_COLOUR,
                "weight": 0.6,
            }
        )
        self.config = _js(config)
        self.decimals = int(geometry.decimals)


class _KreisBorders(_DataLayer):
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
        self.data = f"{GEOMETRY_GLOBAL}.k" if external else _script_safe(geometry.kreise_geojson)
        self.decimals = int(geometry.decimals)
        self.pane = _js(PANE_KREISE)
        self.colour = _js(labels.KREIS_BORDER_COLOUR)
        self.casing = _js(labels.CASING_COLOUR)


class _KreisNames(_DataLayer):
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
        self.labels = _script_safe(geometry.kreis_labels)
        self.pane = _js(PANE_LABELS)


def _css(css: str) -> Element:
    """Inline CSS for tooltips (into the map's header; no external stylesheet)."""
    return Element(f"<style>{css}</style>")


def _controller_config() -> dict:
    return {
        "colours": [labels.STATUS_COLOURS[s] for s in labels.STATUS_ORDER],
        "fillOpacity": 0.9,
        "border": labels.GEMEINDE_BORDER_COLOUR,
        "weight": 0.6,
        "outColour": labels.FILTERED_OUT_COLOUR,
        "outOpacity": labels.FILTERED_OUT_OPACITY,
        "outBorder": labels.FILTERED_OUT_BORDER_COLOUR,
        "casingColour": labels.CASING_COLOUR,
        "defaultTip": [esc(labels.STATUS_LABELS[s]) for s in labels.STATUS_ORDER],
        "panes": {"outline": PANE_OUTLINE, "marker": PANE_MARKER, "labels": PANE_LABELS},
        "modelStyle": {"color": labels.MODEL_OUTLINE_COLOUR, "weight": 3, "fill": False, "opacity": 1},
        "selectedStyle": {"color": "#000000", "weight": 3.5, "dashArray": "6 4", "fill": False, "opacity": 1},
        # »Neu seit …«: a broad yellow band with a dark core line, above the status fill and below the
        # Modellkommune outline; it reads on every status colour and on the greyed fill.
        "highlightHalo": {"color": HIGHLIGHT_COLOUR, "weight": 7, "fill": False, "opacity": 1},
        "highlightLine": {"color": HIGHLIGHT_CORE_COLOUR, "weight": 1.6, "fill": False, "opacity": 1},
        "markerStyles": {
            "kpr": {
                "radius": 5,
                "color": labels.MARKER_RIM_COLOUR,
                "weight": 1.5,
                "fillColor": labels.MARKER_COLOURS["kpr"],
                "fillOpacity": 1,
            },
            "sicherheitsanalyse": {
                "radius": 9,
                "color": labels.MARKER_COLOURS["sicherheitsanalyse"],
                "weight": 3,
                "fill": False,
                "opacity": 1,
            },
        },
        "markerCasing": {
            "kpr": None,
            "sicherheitsanalyse": {"radius": 9, "color": labels.CASING_COLOUR, "weight": 6, "fill": False, "opacity": 1},
        },
    }


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
    m.get_root().header.add_child(
        _css(
            ".leaflet-container{background:#ffffff;font-family:'Source Sans Pro','Source Sans 3',sans-serif}"
            ".asskomm-tip{font-size:1em;line-height:1.35;max-width:22em;white-space:normal}"
            ".leaflet-tooltip{white-space:normal;min-width:12em}"
            # the attribution wraps instead of running over the scale in a narrow map
            ".leaflet-bottom.leaflet-right{max-width:calc(100% - 140px)}"
            ".leaflet-control-attribution{white-space:normal;text-align:right}"

            + maplabels.NAME_CSS
            + ("html,body{margin:0;overflow:hidden}#map_div{height:100vh !important}" if fill_height else "")
        )
    )
    add_controls(m)
    if basemap:
        folium.TileLayer(
            BASEMAP_DE_URL, attr=BASEMAP_DE_ATTRIBUTION, name="basemap.de", max_zoom=14, opacity=0.6
        ).add_to(m)
    folium.map.CustomPane(PANE_KREISE, z_index=410).add_to(m)
    folium.map.CustomPane(PANE_OUTLINE, z_index=420).add_to(m)
    folium.map.CustomPane(PANE_MARKER, z_index=430, pointer_events=True).add_to(m)
    folium.map.CustomPane(PANE_LABELS, z_index=440, pointer_events=False).add_to(m)
    _GemeindenLayer(geometry, _controller_config(), external=bool(geometry_url)).add_to(m)
    _KreisBorders(geometry, external=bool(geometry_url)).add_to(m)
    if kreis_names:
        _KreisNames(geometry).add_to(m)
    (south, west), (north, east) = geometry.bounds
    m.fit_bounds([[south, west], [north, east]], padding=(8, 8))
    return m


# --------------------------------------------------------------------------------------------------
# What changes with filters and date


def status_since_text(status: str, since: str | None) -> str:
    label = labels.STATUS_LABELS.get(status, status)
    if status == "nicht_beteiligt" or not since:
        return esc(label)
    return f"{esc(label)} seit {esc(labels.fmt_date(since))}"


def tooltip_body(row: Mapping, problemfeld_labels: Mapping[str, str]) -> str:
    """Escaped tooltip lines below name and Kreis: status since, Modellkommune, focus areas."""
    lines = [status_since_text(row["status"], row.get("status_seit"))]
    if row.get("modellkommune"):
        lines.append("Modellkommune")
    pfs = [problemfeld_labels.get(p, p) for p in (row.get("problemfelder") or ())]
    if pfs:
        lines.append("Problemfelder: " + esc(", ".join(pfs)))
    return "<br>".join(lines)


def map_state(
    table: pd.DataFrame,
    matched: pd.Series,
    *,
    problemfeld_labels: Mapping[str, str] | None = None,
    selected: str | None = None,
    markers: Iterable[str] = MARKER_KINDS,
    highlight: Iterable[str] = (),
    fit_kreise: Iterable[str] = (),
    summary: str = "",
) -> dict:
    """The compact per-AGS state the controller applies (plain JSON types).

    ``summary``: the sentence screen readers hear as the map's description (see :func:`map_summary`).
    With ``fit_kreise`` the state also names (``names``) the matching Gemeinden in those Kreise that take
    part (beraten or Kooperation): the map writes their names.

    ``highlight``: AGS drawn with a broad outline (the »Neu seit …« view); unknown keys are dropped.
    ``fit_kreise``: Kreis keys the map zooms to when this choice changes (empty: all of Saxony).
    """
    problemfeld_labels = problemfeld_labels or {}
    order = {s: i for i, s in enumerate(labels.STATUS_ORDER)}
    markers = [k for k in markers if k in MARKER_KINDS]
    known = set(table["ags"].astype(str))
    state: dict = {
        "s": {},
        "t": {},
        "model": [],
        "markers": [],
        "sel": selected or None,
        "hl": sorted(str(a) for a in set(highlight) if str(a) in known),
        "fit": sorted({str(k) for k in fit_kreise}),
        "summary": summary,
    }
    for row, ok in zip(table.to_dict("records"), matched.tolist(), strict=True):
        ags = str(row["ags"])
        model = bool(row.get("modellkommune"))
        state["s"][ags] = [order.get(row["status"], 0), 1 if ok else 0, 1 if model else 0]
        has_detail = row["status"] != "nicht_beteiligt" or model or bool(row.get("problemfelder"))
        if has_detail:
            state["t"][ags] = tooltip_body(row, problemfeld_labels)
        if model and ok:
            state["model"].append(ags)
        if ok and state["fit"] and ags[:5] in state["fit"] and row["status"] != "nicht_beteiligt":
            state.setdefault("names", []).append((-order.get(row["status"], 0), ags))
        if ok:
            for kind in markers:
                if row.get(kind):
                    state["markers"].append([ags, kind, esc(labels.MARKER_LABELS[kind])])
    if "names" in state:  # agreements first: they keep their names where names would overlap
        state["names"] = [ags for _, ags in sorted(state["names"])]
    return state


class _StatusUpdate(_DataLayer):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.asskomm.apply({{ this.state }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, state: dict):
        super().__init__()
        self._name = "StatusUpdate"
        self.state = _js(state)


def status_layers(table: pd.DataFrame, matched: pd.Series, **options: Any) -> list[folium.FeatureGroup]:
    """The changing layers, for ``st_folium(..., feature_group_to_add=...)``.

    ``options`` are those of :func:`map_state` (labels, selection, markers, ``highlight``, ``fit_kreise``):
    everything that changes is part of the state the controller applies – no second map, no remount.
    """
    group = folium.FeatureGroup(name="ASSKomm-Status", control=False)
    _StatusUpdate(map_state(table, matched, **options)).add_to(group)
    return [group]


def standalone_html(m: folium.Map, layers: list[folium.FeatureGroup]) -> str:
    """A self-contained HTML page of base map + layers (for tests and exports outside Streamlit)."""
    for group in layers:
        group.add_to(m)
    return m.get_root().render()


def map_summary(table: pd.DataFrame, matched: pd.Series, *, table_hint: bool = True) -> str:
    """The map in one German sentence (its text alternative beside the table), e.g.
    »42 von 418 Gemeinden beteiligt: 33 mit Kooperationsvereinbarung, 9 beraten; 376 nicht beteiligt. …«"""
    total = len(table)
    hit = table.loc[matched.values]
    counts = hit["status"].value_counts()
    koop, ber = int(counts.get("kooperation", 0)), int(counts.get("beraten", 0))
    rest = len(hit) - koop - ber
    parts = []
    if len(hit) < total:
        parts.append(f"{labels.fmt_int(len(hit))} von {labels.fmt_int(total)} Gemeinden entsprechen den Filtern; davon")
        base = ""
    else:
        base = f" von {labels.fmt_int(total)} Gemeinden"
    parts.append(
        f"{labels.fmt_int(koop + ber)}{base} beteiligt: {labels.fmt_int(koop)} mit "
        f"{labels.STATUS_LABELS['kooperation']}, {labels.fmt_int(ber)} {labels.STATUS_LABELS['beraten']}; "
        f"{labels.fmt_int(rest)} {labels.STATUS_LABELS['nicht_beteiligt']}."
    )
    models = int(hit["modellkommune"].astype(bool).sum()) if "modellkommune" in hit else 0
    if models:
        noun = "Modellkommune" if models == 1 else "Modellkommunen"
        parts.append(f"{labels.fmt_int(models)} {noun} (orange umrandet).")
    if table_hint:
        parts.append("Jede Gemeinde steht mit Status und Quelle in der Tabelle »Gemeinden in dieser Ansicht«.")
    return " ".join(parts)


def legend_rows(table: pd.DataFrame, matched: pd.Series) -> list[dict]:
    """Legend entries with counts (of the matching Gemeinden) in status order."""
    counts = table.loc[matched.values, "status"].value_counts()
    rows = [
        {
            "key": s,
            "label": labels.STATUS_LABELS[s],
            "colour": labels.STATUS_COLOURS[s],
            "count": int(counts.get(s, 0)),
        }
        for s in labels.STATUS_ORDER
    ]
    return rows
