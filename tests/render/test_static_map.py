"""Static map pictures (PNG/SVG) from hand-made inputs: size, content inside Saxony's area, legend counts.

``make_export_data`` builds a small fixture (12 square Gemeinden in 2 Kreise) that the briefing, snapshot and
CLI tests reuse.
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pytest
from export_support import (
    KREIS_OST,
    N_GEMEINDEN,
    STAND,
    make_export_data,
    make_gemeinden,
    make_status,
)
from PIL import Image
from shapely.geometry import box

from asskomm import labels
from asskomm.analysis import exportdata, kpis
from asskomm.analysis.filters import Filters
from asskomm.geo.layers import kreis_display_names
from asskomm.render import static_map, static_map_drawing


def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _map_region(img: Image.Image) -> np.ndarray:
    """Pixels of the map axes (left 70 %, between title and attribution)."""
    arr = np.asarray(img.convert("RGB"), dtype=float)
    h, w, _ = arr.shape
    return arr[int(h * 0.14) : int(h * 0.93), int(w * 0.01) : int(w * 0.72)]


@pytest.mark.parametrize(("size", "expected"), [("folie", (1920, 1080)), ("a4", (3508, 2480))])
def test_png_has_requested_size_and_shows_the_map(size, expected):
    png = static_map.render_map_png(make_export_data(), size=size)
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG"
    assert img.size == expected
    region = _map_region(img)
    non_white = (region < 245).any(axis=2).mean()
    assert non_white > 0.3, "the map area is (nearly) blank"
    # the Kooperationsvereinbarung colour, as painted at the interactive map's fill opacity
    koop = _hex_rgb(labels.STATUS_COLOURS["kooperation"]) * static_map_drawing.MATCHED_OPACITY + 255 * (
        1 - static_map_drawing.MATCHED_OPACITY
    )
    close = (np.abs(region - koop) < 12).all(axis=2).mean()
    assert close > 0.05
    beraten = _hex_rgb(labels.STATUS_COLOURS["beraten"]) * static_map_drawing.MATCHED_OPACITY + 255 * (
        1 - static_map_drawing.MATCHED_OPACITY
    )
    assert (np.abs(region - beraten) < 12).all(axis=2).mean() > 0.03


def test_filtered_out_gemeinden_are_greyed_not_removed():
    filters = Filters(stand=STAND, kreise=(KREIS_OST,))
    data = make_export_data(filters)
    assert data.frame["treffer"].tolist() == [i % 4 >= 2 for i in range(N_GEMEINDEN)]
    counts = kpis.legend_counts(data.frame)
    assert counts["ausgegraut"] == 6
    assert counts["kooperation"] == 3 and counts["nicht_beteiligt"] == 3 and counts["beraten"] == 0
    img = Image.open(io.BytesIO(static_map.render_map_png(data)))
    region = _map_region(img)
    koop = _hex_rgb(labels.STATUS_COLOURS["kooperation"])
    # the western Kreis (with agreements) is greyed: much less blue than without the filter
    blue_filtered = (np.abs(region - koop) < 40).all(axis=2).mean()
    full = _map_region(Image.open(io.BytesIO(static_map.render_map_png(make_export_data()))))
    blue_full = (np.abs(full - koop) < 40).all(axis=2).mean()
    assert 0 < blue_filtered < blue_full * 0.75
    assert (region < 250).any(axis=2).mean() > 0.3  # greyed Gemeinden are still drawn


def test_problemfeld_filter_greys_what_is_not_matched():
    data = make_export_data(Filters(stand=STAND, problemfelder=("drogen",)))
    assert data.frame["treffer"].tolist() == [i % 2 == 1 for i in range(N_GEMEINDEN)]
    assert data.filter_text() == "Problemfeld: Drogen"


def test_map_frame_needs_the_pages_matching_when_filtered():
    """No second rule: with a filter set, the caller must pass what ``status.matching_ags`` selected."""
    gemeinden = make_gemeinden()
    with pytest.raises(ValueError, match="matched"):
        exportdata.map_frame(gemeinden, make_status(gemeinden), Filters(stand=STAND, baustein="beratung"))
    frame = exportdata.map_frame(gemeinden, make_status(gemeinden), Filters(stand=STAND))
    assert frame["treffer"].all()


# The page greys what ``ui.data.matched`` leaves out; the take-aways must grey exactly the same Gemeinden.
AGREEMENT_FILTERS = [
    {"baustein": "beratung"},  # few explicit »Beratung« milestones, many advised Gemeinden: the old mismatch
    {"baustein": "kooperationsvereinbarung", "stand": dt.date(2021, 11, 30)},
    {"baustein": "kpr", "kreise": ("14626", "14729")},
    {"kreise": ("14626",), "problemfelder": ("vandalismus",)},
    {"problemfelder": ("drogenmissbrauch",), "stand": dt.date(2023, 6, 30)},
]


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory):
    import os

    from asskomm.store.database import Store

    db = tmp_path_factory.mktemp("agree") / "asskomm.sqlite"
    old = os.environ.get("ASSKOMM_DB")
    os.environ["ASSKOMM_DB"] = str(db)
    try:
        yield Store.from_env()
    finally:
        if old is None:
            os.environ.pop("ASSKOMM_DB", None)
        else:
            os.environ["ASSKOMM_DB"] = old


@pytest.mark.parametrize("spec", AGREEMENT_FILTERS, ids=lambda s: "-".join(f"{k}={v}" for k, v in s.items()))
def test_exports_grey_exactly_what_the_page_greys(seeded_store, spec):
    import json
    import re

    from asskomm.render import snapshot
    from asskomm.ui import data as ui_data

    filters = Filters(
        stand=spec.get("stand", dt.date.today()), **{k: v for k, v in spec.items() if k != "stand"}
    )
    table = ui_data.status_table(filters.stand)
    page = set(table.loc[ui_data.matched(filters, table).values, "ags"])
    export = exportdata.collect(filters, store=seeded_store)
    assert set(export.frame.loc[export.frame["treffer"], "ags"]) == page
    assert kpis.legend_counts(export.frame)["ausgegraut"] == len(table) - len(page)
    html = snapshot.render_snapshot_html(export)
    state = json.loads(re.search(r"window\.asskomm\.apply\((\{.*?\}), feature_group", html).group(1))
    assert {a for a, v in state["s"].items() if v[1] == 1} == page
    if filters.baustein == "beratung":
        advised = set(table.loc[table["status"] != "nicht_beteiligt", "ags"])
        assert page < advised  # an agreement without an explicit »Beratung« is greyed here, as on the page


def test_svg_is_vector_with_the_slide_layout():
    svg = static_map.render_map_svg(make_export_data())
    root = ET.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)
    assert root.tag.endswith("svg")
    assert root.attrib["viewBox"].split()[2:] == ["1382.4", "777.6"]  # 1920×1080 px at 100 dpi in pt
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > N_GEMEINDEN


def test_legend_counts_and_kpis_count_gemeinden():
    data = make_export_data()
    counts = kpis.legend_counts(data.frame)
    assert (counts["kooperation"], counts["beraten"], counts["nicht_beteiligt"]) == (6, 3, 3)
    assert (counts["modellkommune"], counts["kpr"], counts["sicherheitsanalyse"]) == (1, 2, 2)
    assert data.kpis["Beratene Kommunen"] == 9
    assert data.kpis["Kooperationsvereinbarungen"] == 6


def test_german_filter_text_and_kreis_names():
    kreise = gpd.GeoDataFrame(
        {
            "kreis_ags": ["14713", "14729"],
            "name": ["Leipzig", "Leipzig"],
            "typ": ["Kreisfreie Stadt", "Landkreis"],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    names = kreis_display_names(kreise)
    assert names == {"14713": "Leipzig", "14729": "Landkreis Leipzig"}
    text = exportdata.describe_filters(
        Filters(stand=STAND, kreise=("14713", "14729"), problemfelder=("drogen",), baustein="kpr"),
        names,
        {"drogen": "Drogenmissbrauch"},
        {"kpr": "Kommunaler Präventionsrat"},
    )
    assert text == (
        "Kreise: Leipzig, Landkreis Leipzig · Problemfeld: Drogenmissbrauch · "
        "Baustein: Kommunaler Präventionsrat"
    )
    assert exportdata.describe_filters(Filters(stand=STAND)) == "ganz Sachsen, ohne Filter"


def test_unknown_size_is_refused_in_german():
    with pytest.raises(ValueError, match="Unbekanntes Format"):
        static_map.render_map_png(make_export_data(), size="a3")
