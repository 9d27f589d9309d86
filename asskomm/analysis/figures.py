"""Published totals of ASSKomm (``data/reported_figures.csv``): what the ministry and the LPR reported, when.

Shown beside what the database holds, so nobody mistakes an incomplete database for the whole alliance.
Dates keep their precision; a figure counts as known from the last day of its period (as milestones do).

Columns of the file: ``date``, ``metric``, ``value``, ``source`` (URL), and optionally ``region`` (Kreis keys
separated by blanks; empty = all of Saxony), ``region_label`` (»Landkreis Görlitz«, »Ostsachsen (…)«),
``stated_by`` (empty = the ministry or the LPR; otherwise who said it, e.g. a mayor) and ``note`` (what the
source says, in German).

**Which published figure stands beside a KPI** is decided in one place, :func:`published_for_kpi`, by the
rules in :data:`KPI_RULES`: each KPI names the published metrics that count the same thing, and the rule
why. The KPI cards, the PDF briefing, the PNG slide, the offline snapshot and the Quellen page all call it.
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
    "fachtag_participants": "Teilnehmende am Fachtag",
    "fachtag_referenten_aus_kommunen_min": "Kommunen, aus denen Referenten des Fachtags kamen (mindestens)",
    "cooperation_agreements_approx": "Kooperationsvereinbarungen (ungefähr)",
    "security_analyses_total_programme": "Sicherheitsanalysen im Programm insgesamt",
    "coach_pool_institut_b3_approx": "Coaches im Pool des Instituts B3 (ca.)",
    "praeventionsgremien_rueckgang_sachsen_percent": "Rückgang kommunaler Präventionsgremien in Sachsen bis 2018 (%)",
    "foerderquote_rl_kommpraev_max_percent": "höchste Förderquote RL KommPräv (%)",
}


@dataclasses.dataclass(frozen=True)
class KpiRule:
    """Which published metrics stand beside a KPI card, and why they are comparable (German, shown to users)."""

    kpi: str  # the card's label
    field: str  # the field of ``status.Kennzahlen`` the database holds for it
    metrics: tuple[str, ...]  # published metrics that count the same thing; on the same day the first wins
    rule: str


# The comparability rules: one per KPI. The newest figure among ``metrics`` (by the day it counts from) wins.
KPI_RULES: dict[str, KpiRule] = {
    rule.kpi: rule
    for rule in (
        KpiRule(
            "Beratene Kommunen",
            "beraten",
            ("kommunen_advised", "kommunen_advised_min", "kommunen_participating"),
            "Kommunen, die der Landespräventionsrat beraten hat; »beteiligte Kommunen« und »mindestens … "
            "beraten« zählen dieselben Kommunen. Nicht: nur kontaktierte Kommunen.",
        ),
        KpiRule(
            "Kooperationsvereinbarungen",
            "vereinbarungen",
            ("cooperation_agreements", "cooperation_agreements_approx"),
            "Unterzeichnete Kooperationsvereinbarungen (Kommune, Polizeidirektion, LPR); ein Verbund, der "
            "gemeinsam unterzeichnet, zählt einmal – wie in der Datenbank. Ungefähre Angaben nur, solange "
            "keine genaue Zahl vorliegt.",
        ),
        KpiRule(
            "Modellkommunen",
            "modellkommunen",
            ("model_municipalities",),
            "Die Modellkommunen seit dem Start am 06.02.2019.",
        ),
        KpiRule(
            "Präventionsräte",
            "praeventionsraete",
            ("kpr_constituted_or_reactivated", "kpr_constituted", "kpr_ordinal_goerlitz"),
            "Seit dem Programmstart gegründete oder wiederbelebte Kommunale Präventionsräte; die laufende "
            "Nummer eines neu gegründeten Rats (Görlitz als 30. am 09.02.2023) ist eine solche Gesamtzahl. "
            "Nicht: »aktive« Räte.",
        ),
        KpiRule(
            "Sicherheitsanalysen",
            "sicherheitsanalysen",
            ("security_analyses_completed", "security_analyses_conducted"),
            "Durchgeführte oder abgeschlossene Sicherheitsanalysen (in Kommunen und Landkreisen). "
            "Nicht: geplante oder erst begonnene.",
        ),
    )
}

# Published metric → the field of ``status.Kennzahlen`` that the database holds for it (from the rules;
# »beraten« counts Gemeinden, not a Kennzahlen field, so it is left out of the comparison table).
COMPARABLE = {
    metric: rule.field for rule in KPI_RULES.values() if rule.field != "beraten" for metric in rule.metrics
}


@dataclasses.dataclass(frozen=True)
class Figure:
    date: str  # ISO with its precision
    metric: str
    value: float
    source: str
    region: tuple[str, ...] = ()  # Kreis keys; () = all of Saxony
    region_label: str = ""
    stated_by: str = ""  # empty: the ministry or the LPR
    note: str = ""

    @property
    def by_others(self) -> bool:
        """Stated by someone other than the ministry or the LPR (shown as such)."""
        return bool(self.stated_by)

    @property
    def qualifier(self) -> str:
        """German addition after the value: »für Landkreis Görlitz«, »laut Bürgermeister von Taucha«."""
        parts = []
        if self.region_label:
            parts.append(f"für {self.region_label}")
        if self.stated_by:
            parts.append(f"laut {self.stated_by}, nicht SMI/LPR")
        return ", ".join(parts)

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
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("region", "region_label", "stated_by", "note"):
        if column not in df:
            df[column] = ""
    df["value"] = pd.to_numeric(df["value"])
    df["known_from"] = [period_end(d) for d in df["date"]]
    return df


def reported_figures(path: Path = FIGURES_FILE) -> pd.DataFrame:
    """All published figures: ``date``, ``metric``, ``value``, ``source``, ``known_from``, ``label``."""
    df = _load(path).copy()
    df["label"] = [metric_label(m) for m in df["metric"]]
    return df


def region_key(region: object) -> tuple[str, ...]:
    """Kreis keys of a region as a sorted tuple (``"14625 14626"``, a list, or empty for Saxony)."""
    if region is None:
        return ()
    items = str(region).split() if isinstance(region, str) else [str(r) for r in region]  # type: ignore[union-attr]
    return tuple(sorted(set(items)))


def _figure(row: pd.Series) -> Figure:
    return Figure(
        str(row["date"]),
        str(row["metric"]),
        float(row["value"]),
        str(row["source"]),
        region_key(row["region"]),
        str(row["region_label"]),
        str(row["stated_by"]),
        str(row["note"]),
    )


def _candidates(
    metrics: tuple[str, ...], until: dt.date | None, region: tuple[str, ...], path: Path
) -> pd.DataFrame:
    df = _load(path)
    rows = df[df["metric"].isin(metrics) & (df["region"].map(region_key) == region)]
    if until is not None:
        rows = rows[[k <= until for k in rows["known_from"]]]
    return rows


def latest(
    metric: str, until: dt.date | None = None, path: Path = FIGURES_FILE, *, region: object = ()
) -> Figure | None:
    """The newest published value of ``metric`` for ``region`` (default Saxony) known by ``until``, or None."""
    rows = _candidates((metric,), until, region_key(region), path)
    if rows.empty:
        return None
    return _figure(rows.sort_values("known_from", kind="stable").iloc[-1])


def published_for_kpi(
    kpi: str, until: dt.date | None = None, *, region: object = (), path: Path = FIGURES_FILE
) -> Figure | None:
    """THE published figure beside a KPI card at ``until``, by the KPI's rule (:data:`KPI_RULES`).

    The newest figure among the rule's metrics for exactly ``region`` (Kreis keys; empty = Saxony) that is
    known by ``until``; on the same day the metric named first in the rule wins. None when there is none.
    """
    rule = KPI_RULES.get(kpi)
    if rule is None:
        return None
    rows = _candidates(rule.metrics, until, region_key(region), path)
    if rows.empty:
        return None
    rank = {m: i for i, m in enumerate(rule.metrics)}
    rows = rows.assign(_rank=rows["metric"].map(rank))
    row = rows.sort_values(["known_from", "_rank"], ascending=[True, False], kind="stable").iloc[-1]
    return _figure(row)


def published_kpis(until: dt.date | None = None, *, region: object = (), path: Path = FIGURES_FILE) -> dict[str, Figure]:
    """KPI label → its published figure (:func:`published_for_kpi`), only KPIs that have one."""
    out = {}
    for kpi in KPI_RULES:
        fig = published_for_kpi(kpi, until, region=region, path=path)
        if fig is not None:
            out[kpi] = fig
    return out


def regional_figures(until: dt.date | None = None, path: Path = FIGURES_FILE) -> pd.DataFrame:
    """Published figures of a region (a Landkreis, Ostsachsen): the rows with a ``region``."""
    df = reported_figures(path)
    df = df[df["region"] != ""]
    if until is not None:
        df = df[[k <= until for k in df["known_from"]]]
    return df
