"""The map's controller (``window.asskomm``): the script that restyles the Gemeinden polygons in place when the
status state arrives (fills, outlines, markers, Gemeinde names, tooltips, keyboard selection, zoom to the chosen
Kreise), its configuration from the palette, and the Gemeinden layer that carries both into the base map."""

from __future__ import annotations

from jinja2 import Template

from asskomm import labels
from asskomm.render import maplabels
from asskomm.render.mapgeometry import GEOMETRY_GLOBAL, UNPACK_JS, MapGeometry
from asskomm.render.mapscript import DataLayer, script_json, script_safe
from asskomm.render.maptext import esc

# The base map's panes above the polygons; the controller draws outlines, markers and names into them.
PANE_KREISE = "asskommKreise"
PANE_OUTLINE = "asskommOutline"
PANE_MARKER = "asskommMarker"
PANE_LABELS = "asskommLabels"

# Outline of the Gemeinden highlighted by the »Neu seit …« view (Okabe-Ito-like yellow, dark core line).
HIGHLIGHT_COLOUR = "#FFC20A"
HIGHLIGHT_CORE_COLOUR = "#1A1A1A"


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


def controller_config() -> dict:
    """The palette, styles and panes the controller draws with (JSON for its script)."""
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


class GemeindenLayer(DataLayer):
    """The Gemeinden polygons in the overlay pane, with the restyling controller."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        """
        + UNPACK_JS
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
        self.data = f"{GEOMETRY_GLOBAL}.g" if external else script_safe(geometry.gemeinden_geojson)
        self.attribution = script_json(geometry.attribution)
        self.initial_style = script_json(
            {
                "fillColor": labels.STATUS_COLOURS["nicht_beteiligt"],
                "fillOpacity": 0.85,
                "color": labels.GEMEINDE_BORDER_COLOUR,
                "weight": 0.6,
            }
        )
        self.config = script_json(config)
        self.decimals = int(geometry.decimals)
