"""The controls every map of the app shares, and the accessibility of the map's own document.

streamlit-folium renders a map in an iframe with a document of its own, which folium and the component declare
English and not zoomable. :func:`add_controls` adds a metric scale and a plain attribution prefix, and makes that
document German, zoomable, a main landmark with a heading (the map's title) and a description (the summary
sentence, which the status map updates with every change), with German names on the zoom buttons and a visible
keyboard focus. Workaround for folium's viewport (python-visualization/folium#992); see docs/accessibility.md.
"""

from __future__ import annotations

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from asskomm.render.mapscript import script_json

# The map's name for screen readers (its iframe's title and heading; the summary sentence follows it).
MAP_TITLE = "Karte der Gemeinden Sachsens nach ASSKomm-Status"
# Visible keyboard focus in the map (it pans with the arrow keys and zooms with + and -); text for screen
# readers only.
A11Y_CSS = (
    ".leaflet-container:focus-visible,.leaflet-container a:focus-visible"
    "{outline:3px solid #1A1A1A;outline-offset:-3px;box-shadow:inset 0 0 0 5px #FFFFFF}"
    # a focused Gemeinde: a broad dark outline with a white glow (reads on every fill)
    "path.leaflet-interactive:focus{outline:none}"
    "path.leaflet-interactive:focus-visible{stroke:#1A1A1A;stroke-width:4px;stroke-opacity:1;stroke-dasharray:none;"
    "filter:drop-shadow(0 0 1.5px #FFFFFF) drop-shadow(0 0 1.5px #FFFFFF)}"
    ".asskomm-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0}"
)

_A11Y_JS = """
  (function () {
    var doc = document, a11y = {{ this.a11y }};
    var box = {{ this._parent.get_name() }}.getContainer();
    doc.documentElement.lang = "de";
    doc.title = a11y.title;
    doc.querySelectorAll('meta[name="viewport"]').forEach(function (m) {
      m.setAttribute("content", "width=device-width, initial-scale=1");
    });
    var main = doc.getElementById("root") || box.parentNode;
    main.setAttribute("role", "main");
    if (!doc.getElementById("asskomm-map-title")) {
      var head = doc.createElement("header");
      var h = doc.createElement("h1");
      h.id = "asskomm-map-title";
      h.className = "asskomm-sr";
      h.textContent = a11y.title;
      var p = doc.createElement("p");
      p.id = "asskomm-map-summary";
      p.className = "asskomm-sr";
      p.textContent = a11y.summary;
      head.appendChild(h);
      head.appendChild(p);
      doc.body.insertBefore(head, doc.body.firstChild);
    }
    box.setAttribute("role", "region");
    box.setAttribute("aria-labelledby", "asskomm-map-title");
    box.setAttribute("aria-describedby", "asskomm-map-summary");
    [["in", a11y.zoomIn], ["out", a11y.zoomOut]].forEach(function (z) {
      var b = box.querySelector(".leaflet-control-zoom-" + z[0]);
      if (b) { b.title = z[1]; b.setAttribute("aria-label", z[1]); }
    });
  })();
"""


class _Controls(MacroElement):
    """A metric scale (no miles), the attribution without Leaflet's flag, and the accessibility of the map's
    own document (streamlit-folium's iframe): German, zoomable (folium's viewport forbids it), one main
    landmark with a heading, German names on the zoom buttons, and a summary as the map's description
    (``#asskomm-map-summary``, filled by the status layer)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, maxWidth: 120}).addTo({{ this._parent.get_name() }});
        {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
"""
        + _A11Y_JS
        + """
        {% endmacro %}
        """
    )

    def __init__(self, title: str, summary: str = ""):
        super().__init__()
        self._name = "Controls"
        self.a11y = script_json(
            {"title": title, "summary": summary, "zoomIn": "Karte vergrößern", "zoomOut": "Karte verkleinern"}
        )


def add_controls(m: folium.Map, title: str = MAP_TITLE, summary: str = "") -> folium.Map:
    """Metric scale, a plain attribution prefix and the map document's accessibility (for every map of the
    app); ``title`` names the map for screen readers, ``summary`` describes it (the status map fills it in
    later with every change)."""
    _Controls(title, summary).add_to(m)
    m.get_root().header.add_child(Element(f"<style>{A11Y_CSS}</style>"))
    return m
