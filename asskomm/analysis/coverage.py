"""How much of a region the alliance reaches: shares of Gemeinden, area and population (derived, never stored).

Shares are counted against the **filtered region**, never against Saxony when a region is chosen:
»15 von 53 Gemeinden im Landkreis Görlitz (28,3 %)«. The region is the set of Gemeinden of the Kreis filter,
narrowed by the size class; a further region filter (e.g. a Polizeidirektion) narrows it by passing its
Gemeinden as ``extra`` to ``analysis.region.region_ags`` — everything here takes the region as a plain set of AGS.

Two levels are counted: ``beteiligt`` (status beraten or Kooperationsvereinbarung) and ``kooperation``.
Problemfeld and Baustein filters choose which Gemeinden count as reached (the numerator), not the region.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from asskomm.analysis.status import status_table
from asskomm.records.einwohner import Population

LEVELS = {"beteiligt": ("beraten", "kooperation"), "kooperation": ("kooperation",)}


@dataclasses.dataclass(frozen=True)
class Share:
    n: int
    n_total: int
    area: float
    area_total: float
    population: int
    population_total: int

    @property
    def p_n(self) -> float:
        return self.n / self.n_total if self.n_total else 0.0

    @property
    def p_area(self) -> float:
        return self.area / self.area_total if self.area_total else 0.0

    @property
    def p_population(self) -> float:
        return self.population / self.population_total if self.population_total else 0.0


@dataclasses.dataclass(frozen=True)
class Coverage:
    region: str  # »im Landkreis Görlitz«
    beteiligt: Share
    kooperation: Share

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "beteiligt": dataclasses.asdict(self.beteiligt),
                "kooperation": dataclasses.asdict(self.kooperation)}


def coverage(
    status: pd.DataFrame,
    gemeinden: pd.DataFrame,
    region: Iterable[str],
    population: Population | Mapping[str, int],
    *,
    reached: Iterable[str] | None = None,
    region_name: str = "in Sachsen",
) -> Coverage:
    """Shares of the region reached. ``reached`` (optional) narrows which Gemeinden count (the other filters)."""
    einwohner = population.einwohner if isinstance(population, Population) else population
    region_list = [str(a) for a in region]
    status_of = dict(zip(status["ags"].astype(str), status["status"], strict=True))
    area_of = dict(zip(gemeinden["ags"].astype(str), pd.to_numeric(gemeinden["flaeche_km2"], errors="coerce")
                       .fillna(0.0), strict=True))
    allowed = None if reached is None else {str(a) for a in reached}
    area_total = sum(area_of.get(a, 0.0) for a in region_list)
    pop_total = sum(einwohner.get(a, 0) for a in region_list)

    def share(level: str) -> Share:
        hit = [a for a in region_list if status_of.get(a) in LEVELS[level] and (allowed is None or a in allowed)]
        return Share(len(hit), len(region_list), round(sum(area_of.get(a, 0.0) for a in hit), 3), area_total,
                     sum(einwohner.get(a, 0) for a in hit), pop_total)

    return Coverage(region_name, share("beteiligt"), share("kooperation"))


def by_kreis(
    status: pd.DataFrame, gemeinden: pd.DataFrame, population: Population | Mapping[str, int]
) -> dict[str, Coverage]:
    """Coverage of every Kreis (key → Coverage), each counted against its own Gemeinden."""
    out = {}
    for kreis, part in gemeinden.groupby(gemeinden["kreis_ags"].astype(str), sort=True):
        out[kreis] = coverage(status, gemeinden, part["ags"].astype(str), population, region_name=kreis)
    return out


def series(
    records: Any,
    gemeinden: pd.DataFrame,
    region: Iterable[str],
    population: Population | Mapping[str, int],
    dates: Iterable[dt.date],
    *,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Shares over time (one row per date): ``stand`` and, for each level, Gemeinden/Fläche/Einwohner in %."""
    region_list = list(region)
    rows = []
    for day in dates:
        cov = coverage(status_table(records, gemeinden, day, today=today), gemeinden, region_list, population)
        row: dict[str, Any] = {"stand": day}
        for level, label in (("beteiligt", "beteiligt"), ("kooperation", "mit Vereinbarung")):
            s = getattr(cov, level)
            row[f"Gemeinden {label}"] = round(100 * s.p_n, 2)
            row[f"Fläche {label}"] = round(100 * s.p_area, 2)
            row[f"Einwohner {label}"] = round(100 * s.p_population, 2)
        rows.append(row)
    return pd.DataFrame(rows)


def coverage_line(cov: Coverage) -> str:
    """German one-liner: »15 von 53 Gemeinden im Landkreis Görlitz (28,3 %) beteiligt · Fläche … · Einwohner …«."""
    from asskomm.labels import fmt_int, fmt_pct

    b, k = cov.beteiligt, cov.kooperation
    return (
        f"Beteiligt: {fmt_int(b.n)} von {fmt_int(b.n_total)} Gemeinden {cov.region} ({fmt_pct(b.p_n)}), "
        f"{fmt_pct(b.p_area)} der Fläche, {fmt_pct(b.p_population)} der Einwohner · "
        f"mit Kooperationsvereinbarung: {fmt_int(k.n)} Gemeinden ({fmt_pct(k.p_n)}), "
        f"{fmt_pct(k.p_area)} der Fläche, {fmt_pct(k.p_population)} der Einwohner"
    )
