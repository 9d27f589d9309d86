"""Names on the interactive map: where the Kreis names sit, and how names look (no Streamlit, no folium).

The map (``render.mapbase``) writes the 13 Kreis names into its constant base map and, with a Kreis filter, the
names of the Gemeinden that take part (sent with the status, so a filter change never remounts the map).
"""

from __future__ import annotations

import html

import numpy as np
import shapely


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


# Where a Kreis name would sit on a Kreisfreie Stadt's name (degrees): Landkreis Leipzig moves south of Leipzig.
KREIS_LABEL_NUDGE = {"14729": (-0.16, 0.02)}


def kreis_label_points(kreise) -> list[list]:
    """[key, escaped name, lat, lon] per Kreis: the display name (long names broken in two lines) at a point
    inside the Kreis, for the names on the map (the same names as the PNG slide)."""
    if not len(kreise) or "name" not in kreise or "kreis_ags" not in kreise:
        return []
    from asskomm.geo.layers import kreis_display_names  # late: geopandas only when labels are made

    names = kreis_display_names(kreise)
    points = shapely.point_on_surface(np.asarray(kreise.geometry.values))
    out = []
    for key, point in zip(kreise["kreis_ags"].astype(str), points, strict=True):
        name = _esc(names.get(key, key)).replace("Schweiz-Osterzgebirge", "Schweiz-<br>Osterzgebirge")
        name = name.replace("Landkreis ", "Landkreis<br>")
        dlat, dlon = KREIS_LABEL_NUDGE.get(key, (0.0, 0.0))
        out.append([key, name, round(point.y + dlat, 4), round(point.x + dlon, 4)])
    return out


# Names on the map: dark text with a white halo (no box), so the status colours stay visible around the letters.
NAME_CSS = (
    ".asskomm-kreisname,.asskomm-name{width:0;height:0;border:0;background:none}"
    ".asskomm-kreisname span,.asskomm-name span{position:absolute;transform:translate(-50%,-50%);"
    "white-space:nowrap;text-align:center;color:#111;pointer-events:none;"
    "text-shadow:0 0 2px #fff,0 0 3px #fff,0 0 4px #fff,0 0 5px #fff}"
    ".asskomm-kreisname span{font-weight:700;font-size:1.0em;line-height:1.05;letter-spacing:.01em}"
    ".asskomm-name span{font-weight:600;font-size:.8em;transform:translate(-50%,-135%)}"
    # a phone-sized map has no room for names
    "@media (max-width:520px){.asskomm-kreisname,.asskomm-name{display:none}}"
)


# Kept in the map controller (``window.asskomm``): hide a Gemeinde name that would cover one already written
# (agreements come first), again after every zoom and move.
DECLUTTER_JS = """  A.names = [];
  A.declutter = function () {
    var placed = [];
    A.names.forEach(function (m) {
      var el = m.getElement() && m.getElement().firstChild;
      if (!el) { return; }
      el.style.visibility = "visible";
      var r = el.getBoundingClientRect();
      var hit = placed.some(function (o) {
        return r.left < o.right + 2 && r.right > o.left - 2 && r.top < o.bottom && r.bottom > o.top;
      });
      if (hit) { el.style.visibility = "hidden"; } else { placed.push(r); }
    });
  };
  map.on("zoomend moveend resize", function () { A.declutter(); });
"""

# The Kreis names as non-interactive markers in their own pane (a Jinja macro body of ``mapbase._KreisNames``).
KREIS_NAMES_JS = """        (function () {
          var names = {};
          {{ this.labels }}.forEach(function (k) {
            names[k[0]] = L.marker([k[2], k[3]], {
              pane: {{ this.pane }}, interactive: false, keyboard: false,
              icon: L.divIcon({className: "asskomm-kreisname", html: "<span>" + k[1] + "</span>", iconSize: null})
            }).addTo({{ this._parent.get_name() }});
          });
          if (window.asskomm) { window.asskomm.kreisNames = names; }
        })();
"""
