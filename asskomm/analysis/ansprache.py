"""Whom to approach next: Gemeinden not yet taking part, ranked by an explainable score (page »Ansprache«).

Candidates are the Gemeinden whose status is »nicht beteiligt« at the chosen date (confirmed records only,
unless the view includes unconfirmed facts). Each gets points for five reasons; all weights are in
``WEIGHTS`` (one place) and every row carries the points of each reason and a German explanation:

1. **Einwohner** — more people reached per conversation: ``einwohner`` points × log10(E / 1.000) / 2,
   i.e. 0 at 1.000 inhabitants or fewer, half at 10.000, full at 100.000 and more.
2. **Beteiligte Nachbarn** — Gemeinden sharing a border (across Kreis borders too) that take part:
   ``nachbar`` points each, at most ``nachbarn_max`` neighbours counted. Neighbours touch along a line;
   meeting at a single point is not a border.
3. **Nähe zu einem Präventionsrat** — distance between the centroids to the nearest Gemeinde with a
   Kommunaler Präventionsrat: ``kpr_naehe`` points at 0 km, falling linearly to 0 at ``kpr_radius_km``.
4. **Lücke im Kreis** — the Kreis's share of participating Gemeinden: ``kreis_luecke`` × (1 − share), so a
   Kreis with few participants ranks its Gemeinden higher (regional balance).
5. **Problemfelder der Nachbarn** — distinct Problemfelder named by participating neighbours (a shared
   concern to start from): ``problemfeld`` points each, at most ``problemfelder_max``.

Ties are broken by inhabitants, then by name. The score is a conversation aid, not a judgement.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely

from asskomm.geo import polizei
from asskomm.labels import fmt_int, fmt_num, fmt_pct

WEIGHTS: dict[str, float] = {
    "einwohner": 30.0,  # points at ≥ 100.000 inhabitants (log scale from 1.000)
    "nachbar": 10.0,  # per participating neighbour …
    "nachbarn_max": 3,  # … counted up to this many
    "kpr_naehe": 15.0,  # points at distance 0 …
    "kpr_radius_km": 30.0,  # … falling to 0 at this distance
    "kreis_luecke": 15.0,  # × (1 − share of participating Gemeinden in the Kreis)
    "problemfeld": 2.0,  # per distinct Problemfeld of participating neighbours …
    "problemfelder_max": 5,  # … counted up to this many
}
PARTICIPATING = ("beraten", "kooperation")
METRIC_CRS = "EPSG:25833"
COLUMNS = ("rang", "ags", "name", "kreis", "polizeidirektion", "einwohner", "punkte", "p_einwohner", "p_nachbarn", "p_kpr",
           "p_kreis", "p_problemfelder", "nachbarn", "kpr_name", "kpr_km", "kreis_anteil", "problemfelder",
           "begruendung")


def neighbours(gemeinden) -> dict[str, set[str]]:
    """AGS → AGS of the Gemeinden sharing a border line with it (Kreis borders do not matter)."""
    gdf = gemeinden.to_crs(METRIC_CRS) if gemeinden.crs is not None else gemeinden
    geoms = np.asarray(gdf.geometry.values)
    ags = [str(a) for a in gdf["ags"]]
    left, right = gdf.sindex.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.intersection(shapely.boundary(geoms[left]), shapely.boundary(geoms[right]))
    lengths = shapely.length(shared)
    out: dict[str, set[str]] = {a: set() for a in ags}
    for i, j, length in zip(left, right, lengths, strict=True):
        if length > 1.0:  # metres: a shared line, not a single point
            out[ags[i]].add(ags[j])
            out[ags[j]].add(ags[i])
    return out


def centroids_km(gemeinden) -> dict[str, tuple[float, float]]:
    gdf = gemeinden.to_crs(METRIC_CRS) if gemeinden.crs is not None else gemeinden
    pts = gdf.geometry.representative_point() if gdf.crs is None else gdf.geometry.centroid
    return {str(a): (p.x / 1000.0, p.y / 1000.0) for a, p in zip(gdf["ags"], pts, strict=True)}


def _fmt(points: float) -> str:
    return fmt_num(points, 1)


@dataclasses.dataclass(frozen=True)
class _Scoring:
    """What scoring a Gemeinde needs: the weights, the inputs, and the lookups built from them once."""

    w: Mapping[str, float]
    einwohner: Mapping[str, int]
    nachbarn: Mapping[str, set[str]]
    centroids: Mapping[str, tuple[float, float]]
    pf_labels: Mapping[str, str]
    kreis_labels: Mapping[str, str]
    st: pd.DataFrame  # status by AGS
    names: dict[str, str]
    kreis_of: dict[str, str]
    part: set[str]  # participating Gemeinden
    kpr: list[str]  # Gemeinden with a Präventionsrat
    share_of: dict[str, float]  # Kreis → share of participating Gemeinden
    pd_of_kreis: dict[str, str]  # Kreis → »PD Görlitz«


@dataclasses.dataclass(frozen=True)
class _Score:
    """One candidate's reasons (unrounded) and the points of each."""

    einwohner: int
    near: list[str]  # participating neighbours, by name
    kpr_name: str
    kpr_km: float | None
    share: float
    kreis_name: str
    pfs: list[str]  # Problemfelder of those neighbours
    points: tuple[float, float, float, float, float]  # Einwohner, Nachbarn, KPR, Kreis, Problemfelder


def candidates(
    status: pd.DataFrame,
    gemeinden: pd.DataFrame,
    einwohner: Mapping[str, int],
    nachbarn: Mapping[str, set[str]],
    centroids: Mapping[str, tuple[float, float]],
    *,
    kreise: Iterable[str] = (),
    problemfeld_labels: Mapping[str, str] | None = None,
    kreis_labels: Mapping[str, str] | None = None,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The ranked candidates (columns ``COLUMNS``); ``kreise`` limits the list (neighbours stay statewide)."""
    s = _Scoring(
        w={**WEIGHTS, **(weights or {})}, einwohner=einwohner, nachbarn=nachbarn, centroids=centroids,
        pf_labels=problemfeld_labels or {}, kreis_labels=kreis_labels or {}, **_lookups(status, gemeinden),
    )
    wanted = set(kreise)
    rows = [
        _row(s, ags, _score(s, ags))
        for ags in s.st.index
        if not (ags in s.part or (wanted and s.kreis_of.get(ags) not in wanted))
    ]
    frame = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rang"])
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = frame.sort_values(["punkte", "einwohner", "name"], ascending=[False, False, True]).reset_index(drop=True)
    frame.insert(0, "rang", range(1, len(frame) + 1))
    return frame


def _lookups(status: pd.DataFrame, gemeinden: pd.DataFrame) -> dict[str, Any]:
    """The fields of ``_Scoring`` built from the status and the Gemeinden."""
    st = status.set_index(status["ags"].astype(str))
    names = dict(zip(gemeinden["ags"].astype(str), gemeinden["name"].astype(str), strict=True))
    kreis_of = dict(zip(gemeinden["ags"].astype(str), gemeinden["kreis_ags"].astype(str), strict=True))
    part = {a for a in st.index if st.at[a, "status"] in PARTICIPATING}
    kpr = [a for a in st.index if bool(st.at[a, "kpr"])]
    share_of: dict[str, float] = {}
    for kreis in set(kreis_of.values()):
        members = [a for a, k in kreis_of.items() if k == kreis]
        share_of[kreis] = sum(1 for a in members if a in part) / len(members) if members else 0.0
    pd_of_kreis = {k: polizei.label(p) for k, p in polizei.pd_of_kreis().items()}
    return {"st": st, "names": names, "kreis_of": kreis_of, "part": part, "kpr": kpr, "share_of": share_of,
            "pd_of_kreis": pd_of_kreis}


def _score(s: _Scoring, ags: str) -> _Score:
    """The five reasons of one Gemeinde and their points (see the module docstring)."""
    w = s.w
    e = int(s.einwohner.get(ags, 0))
    p_e = w["einwohner"] * min(1.0, max(0.0, math.log10(e / 1000) / 2)) if e > 0 else 0.0
    near = sorted((a for a in s.nachbarn.get(ags, ()) if a in s.part), key=lambda a: s.names.get(a, a))
    p_n = w["nachbar"] * min(len(near), int(w["nachbarn_max"]))
    kpr_name, kpr_km, p_k = _nearest_kpr(s, ags)
    share = s.share_of.get(s.kreis_of.get(ags, ""), 0.0)
    p_g = w["kreis_luecke"] * (1 - share)
    pfs: list[str] = []
    for a in near:
        for p in s.st.at[a, "problemfelder"] or ():
            if p not in pfs:
                pfs.append(p)
    p_p = w["problemfeld"] * min(len(pfs), int(w["problemfelder_max"]))
    kreis_name = s.kreis_labels.get(s.kreis_of.get(ags, ""), s.kreis_of.get(ags, ""))
    return _Score(e, near, kpr_name, kpr_km, share, kreis_name, pfs, (p_e, p_n, p_k, p_g, p_p))


def _nearest_kpr(s: _Scoring, ags: str) -> tuple[str, float | None, float]:
    """(name, distance in km, points) of the nearest Gemeinde with a Präventionsrat; ("", None, 0) if none."""
    if not (s.kpr and ags in s.centroids):
        return "", None, 0.0
    x, y = s.centroids[ags]
    best = min(s.kpr, key=lambda a: math.dist((x, y), s.centroids[a]) if a in s.centroids else math.inf)
    if best not in s.centroids:
        return "", None, 0.0
    km = math.dist((x, y), s.centroids[best])
    return s.names.get(best, best), km, s.w["kpr_naehe"] * max(0.0, 1 - km / s.w["kpr_radius_km"])


def _reasons(s: _Scoring, sc: _Score) -> list[str]:
    """The German explanation of each reason with its points."""
    p_e, p_n, p_k, p_g, p_p = sc.points
    return [
        f"{fmt_int(sc.einwohner)} Einwohner: +{_fmt(p_e)}",
        (f"{len(sc.near)} beteiligte Nachbarn ({', '.join(s.names.get(a, a) for a in sc.near)}): +{_fmt(p_n)}"
         if sc.near else "keine beteiligten Nachbarn: +0"),
        (f"nächster Präventionsrat {sc.kpr_name}, {fmt_int(round(sc.kpr_km))} km: +{_fmt(p_k)}"
         if sc.kpr_km is not None else "kein Präventionsrat erfasst: +0"),
        f"{sc.kreis_name} zu {fmt_pct(sc.share, 0)} beteiligt: +{_fmt(p_g)}",
        (f"Problemfelder der Nachbarn: {', '.join(s.pf_labels.get(p, p) for p in sc.pfs)}: +{_fmt(p_p)}"
         if sc.pfs else "keine Problemfelder der Nachbarn: +0"),
    ]


def _row(s: _Scoring, ags: str, sc: _Score) -> dict:
    """One row of the candidates' table (points rounded to one decimal)."""
    p_e, p_n, p_k, p_g, p_p = sc.points
    return {
        "ags": ags, "name": s.names.get(ags, ags), "kreis": sc.kreis_name,
        "polizeidirektion": s.pd_of_kreis.get(s.kreis_of.get(ags, ""), ""), "einwohner": sc.einwohner,
        "punkte": round(p_e + p_n + p_k + p_g + p_p, 1),
        "p_einwohner": round(p_e, 1), "p_nachbarn": round(p_n, 1), "p_kpr": round(p_k, 1),
        "p_kreis": round(p_g, 1), "p_problemfelder": round(p_p, 1),
        "nachbarn": ", ".join(s.names.get(a, a) for a in sc.near), "kpr_name": sc.kpr_name,
        "kpr_km": None if sc.kpr_km is None else round(sc.kpr_km, 1), "kreis_anteil": sc.share,
        "problemfelder": ", ".join(s.pf_labels.get(p, p) for p in sc.pfs),
        "begruendung": " · ".join(_reasons(s, sc)),
    }


# German headers of the page table and the call list (one place)
CALL_LIST_COLUMNS = {
    "rang": "Rang",
    "name": "Gemeinde",
    "kreis": "Kreis",
    "polizeidirektion": "Polizeidirektion",
    "einwohner": "Einwohner",
    "punkte": "Punkte",
    "begruendung": "Warum (Punkte je Grund)",
    "ags": "AGS",
}


POINT_COLUMNS = {
    "p_einwohner": "+Einw.",
    "p_nachbarn": "+Nachb.",
    "p_kpr": "+KPR",
    "p_kreis": "+Lücke",
    "p_problemfelder": "+PF",
}


def page_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The page's table: rank, name, Kreis, inhabitants, points in total and per reason, and what they rest on."""
    out = frame[["rang", "name", "kreis", "polizeidirektion", "einwohner", "punkte", *POINT_COLUMNS]].rename(
        columns={**CALL_LIST_COLUMNS, **POINT_COLUMNS})
    out["Beteiligte Nachbarn"] = frame["nachbarn"]
    out["Nächster Präventionsrat"] = [
        f"{n}, {round(km)} km" if n else "" for n, km in zip(frame["kpr_name"], frame["kpr_km"], strict=True)]
    return out


def call_list(frame: pd.DataFrame) -> pd.DataFrame:
    """The candidates as the XLSX call list: German headers plus empty columns for the adviser's notes."""
    out = frame[list(CALL_LIST_COLUMNS)].rename(columns=CALL_LIST_COLUMNS).copy()
    out["Ansprechperson"] = ""
    out["Kontakt am"] = ""
    out["Ergebnis"] = ""
    return out


def weights_text(*, markdown: bool = False) -> str:
    """The scoring rules in German, with the current weights (shown on the page and in the call list)."""
    w = WEIGHTS
    lines = [
        f"Einwohner: bis {fmt_num(w['einwohner'], 0)} Punkte (0 bei 1.000 Einwohnern, die Hälfte bei 10.000, "
        "alle ab 100.000; logarithmisch)",
        f"Beteiligte Nachbarn (gemeinsame Grenze, auch über Kreisgrenzen): {fmt_num(w['nachbar'], 0)} Punkte je "
        f"Nachbar, höchstens {fmt_int(int(w['nachbarn_max']))} Nachbarn",
        f"Nähe zum nächsten Präventionsrat: {fmt_num(w['kpr_naehe'], 0)} Punkte bei 0 km, linear weniger bis 0 bei "
        f"{fmt_num(w['kpr_radius_km'], 0)} km (Abstand der Gemeindemittelpunkte)",
        f"Lücke im Kreis: {fmt_num(w['kreis_luecke'], 0)} × (1 − Anteil beteiligter Gemeinden im Kreis)",
        f"Problemfelder der beteiligten Nachbarn: {fmt_num(w['problemfeld'], 0)} Punkte je Problemfeld, höchstens "
        f"{fmt_int(int(w['problemfelder_max']))}",
        "Gleichstand: mehr Einwohner zuerst, dann nach Name.",
    ]
    return "\n".join(("- " if markdown else "") + line for line in lines)
