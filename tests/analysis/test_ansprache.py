"""Whom to approach next: neighbours by touching borders (across Kreis borders), the score's order, the
formula-safe XLSX call list (the page itself: tests/pages/test_page_ansprache.py)."""

import io

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import box

from asskomm.analysis import ansprache


def grid():
    """3 × 2 squares of 10 km in EPSG:25833: column 0–1 in Kreis A, column 2 in Kreis B; F touches E at a
    corner only.

        A1 A2 | B1
        A3 A4 | B2         (F: a square touching B2 only at its corner)
    """
    cells = {
        "14000001": (0, 1, "14001"), "14000002": (1, 1, "14001"), "14000003": (2, 1, "14002"),
        "14000004": (0, 0, "14001"), "14000005": (1, 0, "14001"), "14000006": (2, 0, "14002"),
        "14000007": (3, -1, "14002"),
    }
    rows = [{"ags": a, "name": f"G{a[-1]}", "kreis_ags": k, "kreis_name": k, "flaeche_km2": 100.0,
             "geometry": box(x * 10_000, y * 10_000, (x + 1) * 10_000, (y + 1) * 10_000)}
            for a, (x, y, k) in cells.items()]
    return gpd.GeoDataFrame(rows, crs="EPSG:25833")


def test_neighbours_share_a_line_also_across_kreis_borders():
    nb = ansprache.neighbours(grid())
    assert nb["14000001"] == {"14000002", "14000004"}
    assert nb["14000002"] == {"14000001", "14000003", "14000005"}  # 14000003 is in the other Kreis
    assert "14000007" not in nb["14000006"]  # a corner is not a border
    assert nb["14000007"] == set()


def status_of(participating=(), kpr=(), pfs=None):
    g = grid()
    return pd.DataFrame({
        "ags": g["ags"],
        "status": ["kooperation" if a in participating else "nicht_beteiligt" for a in g["ags"]],
        "kpr": [a in kpr for a in g["ags"]],
        "problemfelder": [tuple((pfs or {}).get(a, ())) for a in g["ags"]],
    })


def test_score_order_and_explanation():
    g = grid()
    st = status_of(participating={"14000001", "14000003"}, kpr={"14000001"},
                   pfs={"14000001": ("vandalismus",), "14000003": ("jugend", "senioren")})
    pop = dict.fromkeys(g["ags"], 5000)
    frame = ansprache.candidates(st, g, pop, ansprache.neighbours(g), ansprache.centroids_km(g),
                                 problemfeld_labels={"vandalismus": "Vandalismus"})
    order = list(frame["ags"])
    # G2 borders both participants (one across the Kreis border) and is next to the Präventionsrat
    assert order[0] == "14000002"
    row = frame.iloc[0]
    assert row["p_nachbarn"] == 2 * ansprache.WEIGHTS["nachbar"]
    assert row["p_problemfelder"] == 3 * ansprache.WEIGHTS["problemfeld"]
    assert "2 beteiligte Nachbarn (G1, G3)" in row["begruendung"] and "Vandalismus" in row["begruendung"]
    assert "nächster Präventionsrat G1, 10 km" in row["begruendung"]
    assert row["punkte"] == pytest.approx(row[["p_einwohner", "p_nachbarn", "p_kpr", "p_kreis", "p_problemfelder"]]
                                          .sum(), abs=0.2)
    # participants are never candidates; the corner-only G7 has no neighbour points and ranks last
    assert not {"14000001", "14000003"} & set(order)
    assert order[-1] == "14000007" and frame.iloc[-1]["p_nachbarn"] == 0
    assert list(frame["rang"]) == list(range(1, len(frame) + 1))


def test_more_inhabitants_rank_higher_all_else_equal_and_the_kreis_filter_limits_the_list():
    g = grid()
    st = status_of()
    pop = dict.fromkeys(g["ags"], 1000) | {"14000005": 100_000}
    frame = ansprache.candidates(st, g, pop, ansprache.neighbours(g), ansprache.centroids_km(g))
    assert frame.iloc[0]["ags"] == "14000005" and frame.iloc[0]["p_einwohner"] == ansprache.WEIGHTS["einwohner"]
    only_b = ansprache.candidates(st, g, pop, ansprache.neighbours(g), ansprache.centroids_km(g), kreise=["14002"])
    assert set(only_b["ags"]) == {"14000003", "14000006", "14000007"}


def test_a_gap_in_the_kreis_gives_more_points():
    g = grid()
    st = status_of(participating={"14000001", "14000002", "14000004"})
    frame = ansprache.candidates(st, g, {}, ansprache.neighbours(g), ansprache.centroids_km(g)).set_index("ags")
    assert frame.at["14000005", "p_kreis"] == pytest.approx(ansprache.WEIGHTS["kreis_luecke"] * 0.25, abs=0.1)
    assert frame.at["14000006", "p_kreis"] == pytest.approx(ansprache.WEIGHTS["kreis_luecke"], abs=0.1)


def test_call_list_is_formula_safe(tmp_path):
    from asskomm.ui import views

    frame = pd.DataFrame([{"rang": 1, "ags": "14000001", "name": "=HYPERLINK(\"x\")", "kreis": "K",
                           "polizeidirektion": "PD Görlitz", "einwohner": 5, "punkte": 1.0, "begruendung": "+1"}])
    wb = openpyxl.load_workbook(io.BytesIO(views.xlsx_bytes(ansprache.call_list(frame), sheet="Ansprache",
                                                            note=ansprache.weights_text())))
    ws = wb["Ansprache"]
    assert [c.value for c in ws[1]][:4] == ["Rang", "Gemeinde", "Kreis", "Polizeidirektion"]
    assert ws["B2"].value.startswith("'=") and ws["B2"].data_type == "s"
    assert ws["G2"].value == "'+1"  # »Warum«, after Rang, Gemeinde, Kreis, PD, Einwohner, Punkte
    assert "Nachbar" in "\n".join(str(c.value) for c in wb["Hinweise"]["A"])


def test_each_candidate_names_its_polizeidirektion_also_in_the_call_list():
    g = grid()
    g["kreis_ags"] = g["kreis_ags"].map({"14001": "14626", "14002": "14522"})  # Görlitz, Mittelsachsen
    frame = ansprache.candidates(status_of(), g, {}, ansprache.neighbours(g), ansprache.centroids_km(g))
    by_ags = dict(zip(frame["ags"], frame["polizeidirektion"], strict=True))
    assert by_ags["14000001"] == "PD Görlitz" and by_ags["14000003"] == "PD Chemnitz"
    listed = ansprache.call_list(frame)
    assert list(listed.columns[:4]) == ["Rang", "Gemeinde", "Kreis", "Polizeidirektion"]
    assert "PD Görlitz" in set(listed["Polizeidirektion"])
    assert "Polizeidirektion" in ansprache.page_table(frame).columns
