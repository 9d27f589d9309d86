"""Second reference page for bench/run.py: the smallest page with a streamlit-folium map that a filter restyles.

A sidebar multiselect »Kreis« (as on the dashboard) and an st_folium map (Leaflet from data: URLs, since
Streamlit serves static files only beside the dashboard; one polygon)
whose ``feature_group_to_add`` calls ``window.asskomm.apply`` (a restyle) like the dashboard's controller. The bench
makes the same filter change here and on the dashboard: their ratio is the dashboard's own cost of a
repaint beyond what Streamlit and streamlit-folium need on this machine.
"""

import base64

import folium
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from asskomm.geo import assets


class _Controller(MacroElement):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "window.asskomm = {applied: 0, apply: function (n) {"
        "  {{ this._parent.get_name() }}.eachLayer(function (l) {"
        "    if (l.setStyle) { l.setStyle({fillColor: n ? '#0062A8' : '#BBBBBB'}); }"
        "  });"
        "  window.asskomm.applied += 1;"
        "}};"
        "{% endmacro %}"
    )


class _Update(MacroElement):
    _template = Template("{% macro script(this, kwargs) %}window.asskomm.apply({{ this.n }});{% endmacro %}")

    def __init__(self, n: int):
        super().__init__()
        self.n = n


def _data_url(name: str, mime: str) -> str:
    raw = (assets.leaflet_target_dir() / name).read_bytes()
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


st.set_page_config(page_title="Minimal map", layout="wide")
with st.sidebar:
    chosen = st.multiselect("Kreis", ["Bautzen", "Görlitz", "Meißen"])
st.title("Minimal map")
m = folium.Map(location=[51.0, 13.4], zoom_start=8, tiles=None)
m.default_js = [("leaflet", _data_url("leaflet.js", "text/javascript"))]
m.default_css = [("leaflet_css", _data_url("leaflet.css", "text/css"))]
folium.Polygon([[51.0, 13.0], [51.3, 13.5], [50.8, 14.0]], fill=True).add_to(m)
_Controller().add_to(m)
group = folium.FeatureGroup(name="state", control=False)
_Update(len(chosen)).add_to(group)
st_folium(m, key="map", height=500, use_container_width=True, feature_group_to_add=[group], returned_objects=[])
