"""The interactive map (asskomm.render.mapbase, mapstatus, mapgeometry, maptext): a pure function of data and
filters."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
import streamlit_folium as sf
from shapely.geometry import box

from asskomm import labels
from asskomm.render import mapbase, mapcontroller, mapcontrols, mapgeometry, mapstatus, maptext

EVIL = '<img src=x onerror="alert(1)">'


@pytest.fixture
def layers():
    """A 4×3 grid of Gemeinden in two Kreise (a shared-border coverage, like the real layer)."""
    rows = []
    for i in range(4):
        for j in range(3):
            kreis = "14521" if i < 2 else "14626"
            ags = f"{kreis}{i}{j}0"
            name = EVIL if (i, j) == (0, 0) else f"Gemeinde {i}{j}"
            rows.append(
                {
                    "ags": ags,
                    "name": name,
                    "kreis_ags": kreis,
                    "kreis_name": f"Kreis {kreis}",
                    "geometry": box(12 + i * 0.2, 50.5 + j * 0.2, 12.2 + i * 0.2, 50.7 + j * 0.2),
                }
            )
    gem = gpd.GeoDataFrame(rows, crs="EPSG:4326")
    kreise = gem.dissolve("kreis_ags").reset_index()[["kreis_ags", "geometry"]]
    return gem, kreise


@pytest.fixture
def table(layers):
    gem, _ = layers
    out = []
    for n, ags in enumerate(gem["ags"]):
        status = labels.STATUS_ORDER[n % 3]
        out.append(
            {
                "ags": ags,
                "status": status,
                "status_seit": "" if status == "nicht_beteiligt" else "2021-06",
                "modellkommune": n == 2,
                "kpr": n in (1, 2),
                "sicherheitsanalyse": n == 5,
                "coaching": False,
                "foerderung": False,
                "koordinierungsstelle": False,
                "problemfelder": ("vandalismus",) if n % 2 else (),
                "teilnehmer": (),
            }
        )
    return pd.DataFrame(out)


def _in_kreis(gem, table, kreis: str) -> pd.Series:
    kreis_of = dict(zip(gem["ags"], gem["kreis_ags"], strict=True))
    return table["ags"].map(kreis_of).eq(kreis)


def _streamlit_folium_args(m, groups):
    """What st_folium sends to the browser (without a Streamlit session)."""
    m.get_root().render()
    header = sf._get_header(m)
    leaflet = sf._get_map_string(m)
    fg = "".join(sf._get_feature_group_string(g, map=m, idx=i) for i, g in enumerate(groups))
    return {
        "header": header,
        "leaflet": leaflet,
        "feature_group": fg,
        "hash": sf.generate_js_hash(leaflet, "karte", False),
    }


def test_geometry_is_compact_and_escaped(layers):
    gem, kreise = layers
    geo = mapgeometry.prepare_geometry(gem, kreise, attribution="© GeoBasis-DE / BKG (2024)")
    data = json.loads(geo.gemeinden_geojson)
    assert len(data["features"]) == len(gem)
    props = data["features"][0]["properties"]
    assert set(props) == {"ags", "h", "n", "p"}
    assert "<img" not in props["h"] and "&lt;img" in props["h"]
    names = [f["properties"]["n"] for f in data["features"]]
    assert not any("<img" in n for n in names) and any("&lt;img" in n for n in names)
    assert len(json.loads(geo.kreise_geojson)["features"]) == 2
    (south, west), (north, east) = geo.bounds
    assert south < north and west < east


def test_base_map_loads_only_self_hosted_leaflet(layers):
    gem, kreise = layers
    m = mapbase.base_map(mapgeometry.prepare_geometry(gem, kreise))
    html = m.get_root().render()
    assert re.findall(r'<script[^>]+src="([^"]+)"', html) == ["/app/static/leaflet/leaflet.js"]
    assert re.findall(r'<link[^>]+href="([^"]+)"', html) == ["/app/static/leaflet/leaflet.css"]
    assert "https://" not in html.replace(mapbase.BASEMAP_DE_URL, "")
    assert "tileLayer" not in html  # no basemap unless switched on


def test_basemap_only_when_switched_on(layers):
    gem, kreise = layers
    m = mapbase.base_map(mapgeometry.prepare_geometry(gem, kreise), basemap=True)
    assert mapbase.BASEMAP_DE_URL in m.get_root().render()


def test_links_that_st_folium_collects_are_local(layers):
    gem, kreise = layers
    m = mapbase.base_map(mapgeometry.prepare_geometry(gem, kreise), base_url_path="asskomm")
    links = [src for _, src in m.default_js] + [href for _, href in m.default_css]
    assert links == ["/asskomm/app/static/leaflet/leaflet.js", "/asskomm/app/static/leaflet/leaflet.css"]


def test_filter_change_keeps_component_key(layers, table):
    """streamlit-folium remounts the map when the base script's hash changes; filters must not change it."""
    gem, kreise = layers
    geo = mapgeometry.prepare_geometry(gem, kreise)
    everything = pd.Series(True, index=table.index)
    some = _in_kreis(gem, table, "14626") & table["problemfelder"].map(bool)
    a = _streamlit_folium_args(mapbase.base_map(geo), mapstatus.status_layers(table, everything))
    b = _streamlit_folium_args(
        mapbase.base_map(geo), mapstatus.status_layers(table, some, selected=gem["ags"][3], markers=["kpr"])
    )
    assert a["hash"] == b["hash"]
    assert a["leaflet"] == b["leaflet"]
    assert a["feature_group"] != b["feature_group"]
    assert "window.asskomm.apply(" in b["feature_group"]
    assert len(a["feature_group"]) < 20_000


def test_state_and_tooltips(layers, table):
    gem, _ = layers
    matched = _in_kreis(gem, table, "14521")
    evil_table = table.assign(problemfelder=[("x",)] * len(table))
    state = mapstatus.map_state(evil_table, matched, problemfeld_labels={"x": EVIL}, selected="1452100")
    first = table["ags"][0]
    assert state["s"][first] == [0, 1, 0]
    assert state["s"][table["ags"][11]][1] == 0  # Kreis 14626 greyed, not removed
    assert len(state["s"]) == len(table)
    assert state["model"] == [table["ags"][2]]
    assert "<img" not in json.dumps(state) and "&lt;img" in state["t"][first]
    assert "Kooperationsvereinbarung seit 06/2021" in state["t"][table["ags"][2]]
    kinds = sorted(k for _, k, _ in state["markers"])
    assert kinds == ["kpr", "kpr", "sicherheitsanalyse"]
    assert mapstatus.map_state(table, matched, markers=())["markers"] == []


def test_state_json_cannot_close_the_script(table):
    matched = pd.Series(True, index=table.index)
    group = mapstatus.status_layers(
        table.assign(problemfelder=[("</script>",)] * len(table)), matched, problemfeld_labels={}
    )[0]
    js = next(iter(group._children.values())).state
    assert "</script>" not in js and "<" not in js


def test_highlight_outlines_gemeinden_in_the_same_state(layers, table):
    """The »Neu seit …« view highlights through the status layer (no second map, same component key)."""
    gem, kreise = layers
    matched = pd.Series(True, index=table.index)
    ags = list(table["ags"])
    state = mapstatus.map_state(table, matched, highlight={ags[4], ags[7], "99999999"})
    assert state["hl"] == sorted([ags[4], ags[7]])  # unknown keys are dropped
    assert mapstatus.map_state(table, matched)["hl"] == []
    geo = mapgeometry.prepare_geometry(gem, kreise)
    plain = _streamlit_folium_args(mapbase.base_map(geo), mapstatus.status_layers(table, matched))
    marked = _streamlit_folium_args(
        mapbase.base_map(geo), mapstatus.status_layers(table, matched, highlight=[ags[4]])
    )
    assert plain["hash"] == marked["hash"]
    assert f'"hl":["{ags[4]}"]' in marked["feature_group"]
    html = mapbase.base_map(geo).get_root().render()
    assert "highlightHalo" in html and mapcontroller.HIGHLIGHT_COLOUR in html


def test_legend_counts_matching_gemeinden(table):
    matched = pd.Series([True] * 6 + [False] * 6, index=table.index)
    rows = maptext.legend_rows(table, matched)
    assert [r["key"] for r in rows] == list(labels.STATUS_ORDER)
    assert [r["count"] for r in rows] == [2, 2, 2]
    assert rows[2]["colour"] == labels.STATUS_COLOURS["kooperation"]


def test_status_since_uses_german_dates():
    assert maptext.status_since_text("beraten", "2020-03-01") == "beraten seit 01.03.2020"
    assert maptext.status_since_text("kooperation", "") == "Kooperationsvereinbarung"
    assert maptext.status_since_text("nicht_beteiligt", "2020") == "nicht beteiligt"


def test_packed_geometry_round_trips(layers):
    gem, kreise = layers
    geo = mapgeometry.prepare_geometry(gem, kreise, tolerance=0)
    feature = json.loads(geo.gemeinden_geojson)["features"][4]
    assert set(feature["geometry"]) == {"t", "c"}
    coords = mapgeometry.unpack_geometry(feature["geometry"])["coordinates"][0]
    expected = [[round(x, 4), round(y, 4)] for x, y in gem.geometry.iloc[4].exterior.coords]
    assert coords == expected
    assert "asskommUnpack" in mapbase.base_map(geo).get_root().render()


def test_payload_of_the_real_layers_stays_small():
    """What st_folium sends for the committed boundary layers (base map + status layer) stays ≤ 700 KB."""
    from asskomm.geo import layers as geo

    gem, kreise = geo.gemeinden(), geo.kreise()
    geometry = mapgeometry.prepare_geometry(gem, kreise, attribution=geo.meta()["attribution"])
    table = pd.DataFrame(
        {
            "ags": gem["ags"],
            "status": "beraten",
            "status_seit": "2021-06",
            "modellkommune": False,
            "kpr": True,
            "sicherheitsanalyse": True,
            "problemfelder": [("vandalismus", "jugend")] * len(gem),
        }
    )
    matched = pd.Series(True, index=table.index)
    args = _streamlit_folium_args(mapbase.base_map(geometry), mapstatus.status_layers(table, matched))
    total = sum(len(args[k].encode()) for k in ("header", "leaflet", "feature_group"))
    assert total <= 700 * 1024, f"{total / 1024:.0f} KB"
    assert len(json.loads(geometry.gemeinden_geojson)["features"]) == 418


def test_geometry_by_url_keeps_reruns_small():
    """With the polygons in a static file, what st_folium sends on every rerun shrinks to a few dozen KB."""
    from asskomm.geo import layers as geo

    geometry = mapgeometry.prepare_geometry(geo.gemeinden(), geo.kreise(), attribution=geo.meta()["attribution"])
    url = "/app/static/generated/karte-geometrie-0123456789abcdef.js"
    inline = _streamlit_folium_args(mapbase.base_map(geometry), [])
    linked_map = mapbase.base_map(geometry, geometry_url=url)
    linked = _streamlit_folium_args(linked_map, [])
    assert [src for _, src in linked_map.default_js] == ["/app/static/leaflet/leaflet.js", url]
    assert len(inline["leaflet"]) > 250_000
    assert len(linked["leaflet"]) < 20_000
    assert f"{mapgeometry.GEOMETRY_GLOBAL}.g" in linked["leaflet"] and f"{mapgeometry.GEOMETRY_GLOBAL}.k" in linked["leaflet"]
    assert geometry.gemeinden_geojson[:200] not in linked["leaflet"]


def test_geometry_script_holds_both_layers_and_cannot_end_a_script(layers):
    gem, kreise = layers
    geo = mapgeometry.prepare_geometry(gem, kreise)
    script = mapgeometry.geometry_script(geo)
    prefix = f"{mapgeometry.GEOMETRY_GLOBAL} = "
    assert script.startswith(prefix) and script.rstrip().endswith(";")
    assert "<" not in script and ">" not in script  # EVIL's tag is escaped as \u003c … \u003e
    body = script[len(prefix) :].rstrip().rstrip(";")
    data = json.loads(body.replace("{g: ", '{"g": ', 1).replace(", k: ", ', "k": ', 1))
    assert len(data["g"]["features"]) == len(gem)
    assert len(data["k"]["features"]) == 2


def test_summary_sentence_counts_what_the_map_shows(table):
    # 12 Gemeinden, statuses cycle nicht_beteiligt, beraten, kooperation; one Modellkommune (n == 2)
    everything = pd.Series(True, index=table.index)
    text = maptext.map_summary(table, everything)
    assert text.startswith("8 von 12 Gemeinden beteiligt: 4 mit Kooperationsvereinbarung, 4 beraten; 4 nicht beteiligt.")
    assert "1 Modellkommune (orange umrandet)." in text and "Tabelle »Gemeinden in dieser Ansicht«" in text
    first_six = pd.Series([i < 6 for i in range(len(table))], index=table.index)
    text = maptext.map_summary(table, first_six, table_hint=False)
    assert text.startswith("6 von 12 Gemeinden entsprechen den Filtern; davon 4 beteiligt: 2 mit")
    assert "Tabelle" not in text
    # the sentence travels with the status layer into the map's description
    state = mapstatus.map_state(table, everything, summary="Satz")
    assert state["summary"] == "Satz"


def test_map_document_is_german_zoomable_and_named(layers, table):
    gem, kreise = layers
    m = mapbase.base_map(mapgeometry.prepare_geometry(gem, kreise))
    args = _streamlit_folium_args(m, mapstatus.status_layers(table, pd.Series(True, index=table.index)))
    script = args["leaflet"]
    for expected in ('documentElement.lang = "de"', "initial-scale=1", '"role", "main"', "asskomm-map-title",
                     mapcontrols.MAP_TITLE, "Karte vergrößern", '"aria-label", scratch.textContent'):
        assert expected in script, expected
    assert "path.leaflet-interactive:focus-visible" in args["header"]
def test_kreis_names_are_in_the_constant_base_map_and_escaped(layers):
    gem, kreise = layers
    kreise = kreise.assign(name=["Erzgebirgskreis", EVIL], typ=["Landkreis", "Landkreis"])
    geometry = mapgeometry.prepare_geometry(gem, kreise)
    points = json.loads(geometry.kreis_labels)
    assert [p[0] for p in points] == ["14521", "14626"]
    assert points[0][1] == "Erzgebirgskreis" and "&lt;img" in points[1][1] and "<img" not in points[1][1]
    # the label point lies inside its Kreis (lat, lon)
    west, south, east, north = kreise.geometry.iloc[0].bounds
    assert south <= points[0][2] <= north and west <= points[0][3] <= east
    html = mapbase.base_map(geometry).get_root().render()
    assert "asskomm-kreisname" in html and "Erzgebirgskreis" in html
    assert "Erzgebirgskreis" not in mapbase.base_map(geometry, kreis_names=False).get_root().render()


def test_participant_names_only_with_a_kreis_filter_agreements_first(table):
    matched = pd.Series(True, index=table.index)
    assert "names" not in mapstatus.map_state(table, matched)
    state = mapstatus.map_state(table, matched, fit_kreise=["14626"])
    taking_part = table[(table["status"] != "nicht_beteiligt") & table["ags"].str.startswith("14626")]
    assert set(state["names"]) == set(taking_part["ags"]) and state["names"]
    status = dict(zip(table["ags"], table["status"], strict=True))
    ranks = [labels.STATUS_ORDER.index(status[a]) for a in state["names"]]
    assert ranks == sorted(ranks, reverse=True)
    # a filtered-out Gemeinde is not named
    first = state["names"][0]
    fewer = mapstatus.map_state(table, table["ags"] != first, fit_kreise=["14626"])
    assert first not in fewer["names"]


def test_st_folium_sends_the_same_map_without_rendering_the_figure_first(layers, table, monkeypatch):
    """The pages call ``st_folium(..., render=False)`` (half the work per run): the arguments it sends the
    browser must be those of ``render=True`` (folium's random element ids aside)."""
    gem, kreise = layers
    geo = mapgeometry.prepare_geometry(gem, kreise)
    sent = []
    monkeypatch.setattr(sf, "_component_func", lambda **kwargs: sent.append(kwargs) or kwargs.get("default"))

    def args(render: bool) -> dict:
        m = mapbase.base_map(geo, geometry_url="/app/static/generated/karte.js", fill_height=True)
        groups = mapstatus.status_layers(table, pd.Series(True, index=table.index), markers=["kpr"])
        sf.st_folium(m, key="karte", height=540, use_container_width=True, feature_group_to_add=groups,
                     returned_objects=["last_object_clicked_count"], render=render)
        text = {k: v for k, v in sent.pop().items() if isinstance(v, str)}
        return {k: re.sub(r"[0-9a-f]{32}", "ID", v) for k, v in text.items()}

    with_render, without = args(True), args(False)
    assert {"script", "header", "feature_group"} <= set(with_render)
    assert "window.asskomm.apply(" in without["feature_group"] and "L.map(" in without["script"]
    assert without == with_render
