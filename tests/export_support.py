"""Small hand-made export data (12 square Gemeinden in two Kreise) shared by the render and CLI tests."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from asskomm.analysis import exportdata, kpis
from asskomm.analysis.filters import Filters

STAND = dt.date(2023, 6, 30)
KREIS_WEST, KREIS_OST = "14521", "14626"
N_GEMEINDEN = 12


def make_gemeinden() -> gpd.GeoDataFrame:
    """12 squares (4 × 3) over Saxony's extent; the western 6 in one Kreis, the eastern 6 in another."""
    rows = []
    x0, y0, dx, dy = 12.0, 50.4, 0.7, 0.38
    for j in range(3):
        for i in range(4):
            n = j * 4 + i
            kreis = KREIS_WEST if i < 2 else KREIS_OST
            rows.append(
                {
                    "ags": f"{kreis}{n:03d}",
                    "ars": f"{kreis}0000{n:03d}",
                    "name": f"Gemeinde <{n}> & Söhne" if n == 5 else f"Gemeinde {n}",
                    "typ": "Gemeinde",
                    "kreis_ags": kreis,
                    "kreis_name": "Erzgebirgskreis" if kreis == KREIS_WEST else "Görlitz",
                    "flaeche_km2": 100.0 + n,
                    "geometry": box(x0 + i * dx, y0 + j * dy, x0 + (i + 1) * dx, y0 + (j + 1) * dy),
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def make_kreise(gemeinden: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    dissolved = gemeinden.dissolve(by="kreis_ags").reset_index()
    return gpd.GeoDataFrame(
        {
            "kreis_ags": dissolved["kreis_ags"],
            "name": dissolved["kreis_name"],
            "typ": "Landkreis",
            "flaeche_km2": 1000.0,
        },
        geometry=dissolved.geometry.values,
        crs="EPSG:4326",
    )


def make_status(gemeinden: gpd.GeoDataFrame) -> pd.DataFrame:
    status = ["kooperation", "beraten", "nicht_beteiligt", "kooperation"] * 3
    table = pd.DataFrame({"ags": gemeinden["ags"], "status": status})
    table["status_seit"] = ["2021-06" if s != "nicht_beteiligt" else "" for s in status]
    table["modellkommune"] = [i == 0 for i in range(N_GEMEINDEN)]
    table["kpr"] = [i in (0, 3) for i in range(N_GEMEINDEN)]
    table["sicherheitsanalyse"] = [i in (0, 7) for i in range(N_GEMEINDEN)]
    table["problemfelder"] = [("vandalismus",) if i % 2 == 0 else ("drogen",) for i in range(N_GEMEINDEN)]
    return table


def fixture_matching(status: pd.DataFrame, gemeinden: pd.DataFrame, filters: Filters) -> set[str] | None:
    """Stand-in for ``status.matching_ags`` on this record-less fixture (Kreis, Problemfeld, flag Bausteine)."""
    if filters.is_default:
        return None
    table = status.merge(gemeinden[["ags", "kreis_ags"]], on="ags")
    keep = pd.Series(True, index=table.index)
    if filters.kreise:
        keep &= table["kreis_ags"].isin(filters.kreise)
    if filters.problemfelder:
        keep &= table["problemfelder"].map(lambda pf: bool(set(pf) & set(filters.problemfelder)))
    if filters.baustein == "kooperationsvereinbarung":
        keep &= table["status"] == "kooperation"
    elif filters.baustein:
        keep &= table.get(filters.baustein, False)
    return set(table.loc[keep, "ags"])


def make_export_data(filters: Filters | None = None, **overrides) -> exportdata.ExportData:
    filters = filters or Filters(stand=STAND)
    gemeinden = make_gemeinden()
    status = make_status(gemeinden)
    frame = exportdata.map_frame(gemeinden, status, filters, fixture_matching(status, gemeinden, filters))
    values = {
        "frame": frame,
        "kreise": make_kreise(gemeinden),
        "filters": filters,
        "attribution": "© GeoBasis-DE / BKG (2024), dl-de/by-2-0 (Daten verändert)",
        "published": [
            kpis.Published(
                "Kooperationsvereinbarungen", 48, "2023-03", "https://www.lpr.sachsen.de/x.html"
            ),
            kpis.Published("Beratene Kommunen", 1234, "2022-11-12", "interne Auskunft"),
        ],
        "milestones": [
            kpis.Milestone(
                "2023-05-14", "Gemeinde 3", "Sicherheitsanalyse", "https://www.example.org/a"
            ),
            kpis.Milestone(
                "2023-04",
                "Verwaltungsverband Süd (Gemeinde 6, Gemeinde 7)",
                "Kooperationsvereinbarung",
                "https://www.example.org/b",
            ),
            kpis.Milestone("2023-02-01", "Gemeinde 0", "Kommunaler Präventionsrat"),
            kpis.Milestone("2022", "Gemeinde 1", "Coaching", "https://www.example.org/c"),
            kpis.Milestone("2022-10-01", "Gemeinde 4", "Förderung", "https://www.example.org/d"),
        ],
        "problemfeld_labels": {"vandalismus": "Vandalismus", "drogen": "Drogen"},
    }
    values.update(overrides)
    return exportdata.ExportData(**values)
