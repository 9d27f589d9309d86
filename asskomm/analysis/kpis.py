"""The KPI figures of the dashboard and its take-aways: counting from status.summary or a map frame, and the published total beside each."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from asskomm import labels
from asskomm.analysis import figures
from asskomm.analysis.filters import Filters
from asskomm.records import vocabulary as vocab
from asskomm.records.model import OfficialFigure

# The KPI labels of the dashboard, in display order (keys of ExportData.kpis).
KPI_LABELS = (
    "Beratene Kommunen",
    "Kooperationsvereinbarungen",
    "Modellkommunen",
    "Präventionsräte",
    "Sicherheitsanalysen",
)


# The help of a KPI card where its count needs a word beyond its label and unit (the ? beside the label).
KPI_HELP = {
    "Präventionsräte": "Kommunale Präventionsräte, die zum Stand bestehen – auch solche, die älter sind als "
    "ASSKomm (z. B. Dresden seit 1996); so zählt auch das Ministerium (Arnsdorf 2025: »Sachsens 46.«). "
    "Als Erfolg des Programms zählen sie nicht: »Neu seit …« und der Bericht lassen sie weg.",
}


@dataclasses.dataclass(frozen=True)
class Published:
    """The figure beside a KPI: published by the ministry or the LPR, reported by the press, or entered in the
    app as an »amtliche Zahl«, with its date, source and kind of source."""

    label: str
    value: float | int
    date: str  # ISO with its precision (day, month or year)
    source: str  # URL, or the internal reference of an »amtliche Zahl«
    kind: str = "smi_lpr"  # a key of ``figures.SOURCE_KINDS``
    kpi: str = ""  # the KPI card it stands beside (``label`` may add the region)

    @property
    def kind_label(self) -> str:
        return figures.SOURCE_KINDS.get(self.kind, self.kind)

    @property
    def attribution(self) -> str:
        """»SMI/LPR, 11.04.2025«: kind and date, the short source line of projected pictures."""
        return f"{self.kind_label}, {labels.fmt_date(self.date)}"

    @property
    def by_ministry(self) -> bool:
        """Listed under the heading »Ministerium / LPR« (the ministry's own, not the press)."""
        return self.kind in figures.MINISTRY_KINDS


@dataclasses.dataclass(frozen=True)
class Milestone:
    date: str  # ISO with its precision
    name: str  # participant (municipality or group)
    baustein: str  # German label
    source: str = ""

def legend_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Counts shown in the legend: status classes, flags and greyed Gemeinden (Gemeinden, not agreements)."""
    hit = frame[frame["treffer"]]
    counts = {key: int((hit["status"] == key).sum()) for key in labels.STATUS_ORDER}
    counts["modellkommune"] = int(hit["modellkommune"].sum())
    counts["kpr"] = int(hit["kpr"].sum())
    counts["sicherheitsanalyse"] = int(hit["sicherheitsanalyse"].sum())
    counts["ausgegraut"] = int((~frame["treffer"]).sum())
    return counts


def kpis_from_frame(frame: pd.DataFrame) -> dict[str, int]:
    """Fallback KPIs counted from the map frame (Gemeinden in the filter)."""
    counts = legend_counts(frame)
    return {
        "Beratene Kommunen": counts["beraten"] + counts["kooperation"],
        "Kooperationsvereinbarungen": counts["kooperation"],
        "Modellkommunen": counts["modellkommune"],
        "Präventionsräte": counts["kpr"],
        "Sicherheitsanalysen": counts["sicherheitsanalyse"],
    }

def kpis_from_summary(summary: Any) -> dict[str, int]:
    """The five KPI cards from ``status.summary`` (its ``land`` figures), as the Karte page shows them.

    »Beratene Kommunen« counts Gemeinden that are at least advised; the other four count participants
    (a group that signs together is one agreement).
    """
    if summary is None:
        return {}
    if dataclasses.is_dataclass(summary) and not isinstance(summary, type):
        summary = dataclasses.asdict(summary)
    if not isinstance(summary, Mapping):
        return {}
    land = summary.get("land", summary)
    if not isinstance(land, Mapping) or "vereinbarungen" not in land:
        return {}
    by_status = land.get("status", {})
    return {
        "Beratene Kommunen": int(by_status.get("beraten", 0)) + int(by_status.get("kooperation", 0)),
        "Kooperationsvereinbarungen": int(land["vereinbarungen"]),
        "Modellkommunen": int(land["modellkommunen"]),
        "Präventionsräte": int(land["praeventionsraete"]),
        "Sicherheitsanalysen": int(land["sicherheitsanalysen"]),
    }


def published_region(filters: Filters) -> tuple[str, ...] | None:
    """Which published figures fit a view: Saxony's (``()``) without filters, a region's own (its Kreis keys)
    when only Kreise or Polizeidirektionen are filtered (PD Görlitz = Bautzen + Görlitz = »Ostsachsen«);
    ``None`` with a Problemfeld, Baustein or size-class filter (nothing is published for those)."""
    if filters.problemfelder or filters.baustein or getattr(filters, "groesse", None):
        return None
    return tuple(sorted(filters.scope_kreise() or ()))


def published_totals(filters: Filters, official: Iterable[OfficialFigure] = ()) -> list[Published]:
    """The figure per KPI (``figures.published_for_kpi``, the same rule as the KPI cards), for the region of
    :func:`published_region`; ``official``: the »amtliche Zahlen« of the database (``RecordSet.official_figures``)."""
    region = published_region(filters)
    if region is None:
        return []
    out = []
    for kpi, fig in figures.published_kpis(filters.stand, region=region, official=official).items():
        label = kpi + (f" – {fig.qualifier}" if fig.qualifier else "")
        out.append(Published(label, fig.value, str(fig.date), str(fig.source), fig.kind, kpi))
    return out


def published_heading(published: Iterable[Published]) -> str:
    """The heading over the figures beside the KPIs: »(Ministerium / LPR)« only when every one is the
    ministry's own; with a press figure among them the heading names the press too (each row says its kind)."""
    items = list(published)
    if all(p.by_ministry for p in items):
        return "Veröffentlichte Zahlen zu den Kennzahlen (Ministerium / LPR)"
    return "Veröffentlichte Zahlen zu den Kennzahlen (Ministerium / LPR und Presse)"


def vocab_labels(kind: str) -> dict[str, str]:
    return vocab.problemfeld_labels() if kind == "problemfelder" else vocab.baustein_labels()
