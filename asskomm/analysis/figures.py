"""Published totals of ASSKomm (``data/reported_figures.csv``) and the ministry's own figures entered in the app.

Shown beside what the database holds, so nobody mistakes an incomplete database for the whole alliance.
Dates keep their precision; a figure counts as known from the last day of its period (as milestones do).

Columns of the file: ``date``, ``metric``, ``value``, ``source`` (URL), ``source_kind`` (:data:`SOURCE_KINDS`:
``smi_lpr`` the ministry's or the LPR's own pages, press releases and Landtag papers; ``presse`` a newspaper
reporting the ministry's figure; ``andere`` anyone else, e.g. a mayor or a private site), and optionally
``region`` (Kreis keys separated by blanks; empty = all of Saxony), ``region_label`` (»Landkreis Görlitz«,
»Ostsachsen (…)«), ``stated_by`` (who said it, for ``andere``) and ``note`` (what the source says, in German).
The »amtliche Zahlen« an admin enters (``records.OfficialFigure``, kind ``amtlich``) come from the database.

**Which figure stands beside a KPI** is decided in one place, :func:`published_for_kpi`, by the rules in
:data:`KPI_RULES`: each KPI names the published metrics that count the same thing, and the rule why. Only the
kinds in :data:`BESIDE_KPI` stand there; an entered official figure shadows every press figure; otherwise the
newest wins (same day: amtlich before SMI/LPR before Presse, then the metric named first). The KPI cards, the
PDF briefing, the PNG slide, the offline snapshot, the growth chart, the report and the Quellen page all call it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from asskomm import labels
from asskomm.paths import DATA_DIR
from asskomm.records.dates import period_end
from asskomm.records.model import OfficialFigure

FIGURES_FILE = DATA_DIR / "reported_figures.csv"

# Kind of source → its German label (the same words on cards, PDF, PNG, snapshot, chart, report, Quellen page).
SOURCE_KINDS = {
    "amtlich": "SMI/LPR (amtliche Zahl)",
    "smi_lpr": "SMI/LPR",
    "presse": "Presse (Angabe des SMI/LPR)",
    "andere": "andere Angabe (nicht SMI/LPR)",
}
BESIDE_KPI = ("amtlich", "smi_lpr", "presse")  # never a mayor's or a private site's figure
MINISTRY_KINDS = ("amtlich", "smi_lpr")  # what the heading »Ministerium / LPR« lists
_KIND_RANK = {kind: i for i, kind in enumerate(BESIDE_KPI)}  # same day: the ministry's own first
OFFICIAL_PREFIX = "amtlich_"  # metric of an entered figure: »amtlich_vereinbarungen«

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
    "kpr_ordinal": "laufende Nummer eines neuen Präventionsrats in Sachsen",
    "kommunen_advised_ordinal": "laufende Nummer einer beratenen Kommune",
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
            ("kommunen_advised", "kommunen_advised_min", "kommunen_participating", "kommunen_advised_ordinal"),
            "Kommunen, die der Landespräventionsrat beraten hat; »beteiligte Kommunen«, »mindestens … "
            "beraten« und die laufende Nummer einer beratenen Kommune (Seifhennersdorf als 100. am 18.01.2021) "
            "zählen dieselben Kommunen. Nicht: nur kontaktierte Kommunen.",
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
            ("kpr_constituted_or_reactivated", "kpr_constituted", "kpr_ordinal", "kpr_ordinal_goerlitz"),
            "Kommunale Präventionsräte in Sachsen, gegründet oder wiederbelebt; die laufende Nummer eines neu "
            "gegründeten Rats (Görlitz als 30. am 09.02.2023, Arnsdorf als 46. am 11.08.2025) ist eine solche "
            "Gesamtzahl. Das Ministerium zählt Räte mit, die älter sind als ASSKomm (im Januar 2019 hatten etwa "
            "zehn Städte einen); die Kennzahl der Datenbank auch. Nicht: »aktive« Räte.",
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
    source: str  # URL; for an »amtliche Zahl« its internal reference (»LPR-Statistik 11/2026«)
    region: tuple[str, ...] = ()  # Kreis keys; () = all of Saxony
    region_label: str = ""
    stated_by: str = ""  # who said it (kind »andere«)
    note: str = ""
    kind: str = "smi_lpr"  # a key of SOURCE_KINDS

    @property
    def by_others(self) -> bool:
        """Stated by someone other than the ministry, the LPR or a newspaper reporting them: never beside a KPI."""
        return self.kind not in BESIDE_KPI

    @property
    def official(self) -> bool:
        """An »amtliche Zahl« entered by the ministry in the app."""
        return self.kind == "amtlich"

    @property
    def kind_label(self) -> str:
        """»SMI/LPR«, »Presse (Angabe des SMI/LPR)«, …"""
        return SOURCE_KINDS.get(self.kind, self.kind)

    @property
    def attribution(self) -> str:
        """The short source line of the presentation view: »SMI/LPR, 11.04.2025«."""
        return f"{self.kind_label}, {labels.fmt_date(self.date)}"

    @property
    def qualifier(self) -> str:
        """German addition after the value: »für Landkreis Görlitz«, »laut Bürgermeister von Taucha, …«."""
        parts = []
        if self.region_label:
            parts.append(f"für {self.region_label}")
        if self.by_others:
            parts.append(f"laut {self.stated_by or 'anderer Quelle'}, nicht SMI/LPR")
        return ", ".join(parts)

    @property
    def label(self) -> str:
        return metric_label(self.metric)

    @property
    def known_from(self) -> dt.date:
        return period_end(self.date)


def metric_label(metric: str) -> str:
    if metric.startswith(OFFICIAL_PREFIX):
        field = metric.removeprefix(OFFICIAL_PREFIX)
        kpi = next((r.kpi for r in KPI_RULES.values() if r.field == field), field)
        return f"{kpi} (amtliche Zahl)"
    return METRIC_LABELS.get(metric, metric.replace("_", " "))


class FiguresFileError(ValueError):
    """The published figures' file is not usable (German message naming file, row and column)."""


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("region", "region_label", "stated_by", "note"):
        if column not in df:
            df[column] = ""
    if "source_kind" not in df:
        raise FiguresFileError(f"{path}: Spalte »source_kind« fehlt (erlaubt: {', '.join(SOURCE_KINDS)}).")
    for line, kind in enumerate(df["source_kind"], start=2):
        if kind not in SOURCE_KINDS or kind == "amtlich":
            raise FiguresFileError(
                f"{path}, Zeile {line}, Spalte »source_kind«: »{kind}« ist keine Art der Quelle "
                "(erlaubt: smi_lpr, presse, andere; amtliche Zahlen trägt ein Administrator in der App ein)."
            )
    df["value"] = pd.to_numeric(df["value"])
    df["known_from"] = [period_end(d) for d in df["date"]]
    return df


def reported_figures(path: Path = FIGURES_FILE) -> pd.DataFrame:
    """All published figures: ``date``, ``metric``, ``value``, ``source``, ``source_kind``, ``known_from``,
    ``label``, ``kind_label``."""
    df = _load(path).copy()
    df["label"] = [metric_label(m) for m in df["metric"]]
    df["kind_label"] = [SOURCE_KINDS[k] for k in df["source_kind"]]
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
        str(row["source_kind"]),
    )


def official_figures(items: Iterable[OfficialFigure] = ()) -> list[Figure]:
    """The »amtliche Zahlen« entered in the app as figures of kind ``amtlich`` (statewide)."""
    return [
        Figure(o.stand, OFFICIAL_PREFIX + o.kennzahl, float(o.wert), o.referenz, note=f"Nr. {o.id}", kind="amtlich")
        for o in items
    ]


def _candidates(
    metrics: tuple[str, ...], until: dt.date | None, region: tuple[str, ...], path: Path
) -> pd.DataFrame:
    df = _load(path)
    rows = df[df["metric"].isin(metrics) & (df["region"].map(region_key) == region)]
    if until is not None:
        rows = rows.loc[[k <= until for k in rows["known_from"]]] if len(rows) else rows
    return rows


def latest(
    metric: str, until: dt.date | None = None, path: Path = FIGURES_FILE, *, region: object = ()
) -> Figure | None:
    """The newest published value of ``metric`` for ``region`` (default Saxony) known by ``until``, or None
    (figures of other speakers included: callers that show it beside a KPI use :func:`published_for_kpi`)."""
    rows = _candidates((metric,), until, region_key(region), path)
    if rows.empty:
        return None
    return _figure(rows.sort_values("known_from", kind="stable").iloc[-1])


def kpi_candidates(
    rule: KpiRule,
    until: dt.date | None,
    region: tuple[str, ...] = (),
    path: Path = FIGURES_FILE,
    official: Iterable[OfficialFigure] = (),
) -> list[Figure]:
    """The figures that may stand beside ``rule``'s KPI at ``until``: published ones of the kinds in
    :data:`BESIDE_KPI` and the entered official ones (statewide only); an official figure shadows press ones."""
    rows = _candidates(rule.metrics, until, region, path)
    out = [_figure(r) for _, r in rows[rows["source_kind"].isin(BESIDE_KPI)].iterrows()]
    entered = [
        f for f in official_figures(official)
        if f.metric == OFFICIAL_PREFIX + rule.field and not region and (until is None or f.known_from <= until)
    ]
    if entered:
        out = [f for f in out if f.kind != "presse"]
    return out + entered


def published_for_kpi(
    kpi: str,
    until: dt.date | None = None,
    *,
    region: object = (),
    path: Path = FIGURES_FILE,
    official: Iterable[OfficialFigure] = (),
) -> Figure | None:
    """THE figure beside a KPI card at ``until``, by the KPI's rule (:data:`KPI_RULES`).

    Among :func:`kpi_candidates` for exactly ``region`` (Kreis keys; empty = Saxony): the newest; on the same
    day the ministry's own before the press, then the metric named first in the rule. None when there is none.
    """
    rule = KPI_RULES.get(kpi)
    if rule is None:
        return None
    figures = kpi_candidates(rule, until, region_key(region), path, official)
    if not figures:
        return None
    rank = {m: i for i, m in enumerate(rule.metrics)}
    return max(
        enumerate(figures),
        key=lambda item: (item[1].known_from, -_KIND_RANK[item[1].kind], -rank.get(item[1].metric, -1), item[0]),
    )[1]


def published_kpis(
    until: dt.date | None = None,
    *,
    region: object = (),
    path: Path = FIGURES_FILE,
    official: Iterable[OfficialFigure] = (),
) -> dict[str, Figure]:
    """KPI label → its figure (:func:`published_for_kpi`), only KPIs that have one."""
    out = {}
    for kpi in KPI_RULES:
        fig = published_for_kpi(kpi, until, region=region, path=path, official=official)
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
