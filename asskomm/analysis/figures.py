"""Published totals of ASSKomm (``data/reported_figures.csv``): what the ministry and the LPR reported, when.

Shown beside what the database holds, so nobody mistakes an incomplete database for the whole alliance.
Dates keep their precision; a figure counts as known from the last day of its period (as milestones do).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path

import pandas as pd

from asskomm.paths import DATA_DIR
from asskomm.records.dates import period_end

FIGURES_FILE = DATA_DIR / "reported_figures.csv"

METRIC_LABELS = {
    "model_municipalities": "Modellkommunen",
    "cooperation_agreements": "Kooperationsvereinbarungen",
    "kommunen_advised": "beratene Kommunen",
    "kommunen_advised_min": "beratene Kommunen (mindestens)",
    "kommunen_contacted_incl_model": "kontaktierte Kommunen (einschl. Modellkommunen)",
    "kommunen_participating": "beteiligte Kommunen",
    "kommunen_close_cooperation": "Kommunen in enger Zusammenarbeit",
    "network_kommunen": "Kommunen im ASSKomm-Netzwerk",
    "kommunen_with_coach": "Kommunen mit Coach",
    "kommunen_coached_in_year": "im Jahr gecoachte Kommunen",
    "kpr_constituted_or_reactivated": "Präventionsräte gegründet oder wiederbelebt",
    "kpr_constituted_or_reactivated_staedte_gemeinden_verbaende":
        "Präventionsräte in Städten, Gemeinden und Verbänden (gegründet oder wiederbelebt)",
    "kpr_constituted": "gegründete Präventionsräte",
    "kpr_active": "aktive Präventionsräte",
    "kpr_landkreise": "Präventionsräte auf Kreisebene",
    "kpr_existing_before_asskomm_of_421_gemeinden": "Präventionsräte vor ASSKomm (von 421 Gemeinden)",
    "kpr_ordinal_goerlitz": "Görlitz: laufende Nummer des Präventionsrats",
    "security_analyses_conducted": "durchgeführte Sicherheitsanalysen",
    "security_analyses_completed": "abgeschlossene Sicherheitsanalysen",
    "security_analyses_kommunen": "Sicherheitsanalysen in Kommunen",
    "security_analyses_landkreise": "Sicherheitsanalysen in Landkreisen",
    "security_analyses_planned": "geplante Sicherheitsanalysen",
    "security_analyses_planned_kommunen": "Kommunen mit geplanter Sicherheitsanalyse",
    "security_analyses_started_kommunen": "Kommunen mit begonnener Sicherheitsanalyse",
    "security_analyses_in_2024": "Sicherheitsanalysen im Jahr 2024",
    "security_analysis_kickoff_participants": "Teilnehmende am Auftakt der Sicherheitsanalysen (ca.)",
    "funding_per_year_eur": "Fördermittel pro Jahr (€)",
    "funding_per_year_eur_next_two_years": "Fördermittel pro Jahr in den nächsten zwei Jahren (€)",
    "funding_granted_cumulative_eur_min": "bewilligte Fördermittel, kumuliert (mindestens, €)",
    "funding_eur": "Fördermittel (€)",
    "budget_RL_KommPraev_DHH_2019_2020_eur_planned": "geplantes Budget RL Kommunale Prävention 2019/2020 (€)",
    "budget_current_double_budget_eur_approx": "Budget im laufenden Doppelhaushalt (ca., €)",
    "beccaria_fachkraefte_trained": "ausgebildete Beccaria-Fachkräfte",
    "students_praeventionsmanagement_bachelor": "Studierende Präventionsmanagement (Bachelor)",
    "students_praeventionsmanagement_master": "Studierende Präventionsmanagement (Master)",
    "founding_conference_participants_approx": "Teilnehmende der Gründungskonferenz (ca.)",
    "fachtag_participants_approx": "Teilnehmende am Fachtag (ca.)",
}

# Published metric → the field of ``status.Kennzahlen`` that the database holds for it.
COMPARABLE = {
    "cooperation_agreements": "vereinbarungen",
    "model_municipalities": "modellkommunen",
    "kpr_constituted_or_reactivated": "praeventionsraete",
    "kpr_constituted": "praeventionsraete",
    "security_analyses_conducted": "sicherheitsanalysen",
}


@dataclasses.dataclass(frozen=True)
class Figure:
    date: str  # ISO with its precision
    metric: str
    value: float
    source: str

    @property
    def label(self) -> str:
        return metric_label(self.metric)

    @property
    def known_from(self) -> dt.date:
        return period_end(self.date)


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric.replace("_", " "))


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"date": str, "metric": str, "source": str})
    df["value"] = pd.to_numeric(df["value"])
    df["known_from"] = [period_end(d) for d in df["date"]]
    return df


def reported_figures(path: Path = FIGURES_FILE) -> pd.DataFrame:
    """All published figures: ``date``, ``metric``, ``value``, ``source``, ``known_from``, ``label``."""
    df = _load(path).copy()
    df["label"] = [metric_label(m) for m in df["metric"]]
    return df


def latest(metric: str, until: dt.date | None = None, path: Path = FIGURES_FILE) -> Figure | None:
    """The newest published value of ``metric`` known by ``until`` (default: all), or None."""
    df = _load(path)
    rows = df[df["metric"] == metric]
    if until is not None:
        rows = rows[[k <= until for k in rows["known_from"]]]
    if rows.empty:
        return None
    row = rows.sort_values("known_from", kind="stable").iloc[-1]
    return Figure(row["date"], metric, float(row["value"]), row["source"])
