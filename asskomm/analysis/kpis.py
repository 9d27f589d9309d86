"""The KPI figures of the dashboard and its take-aways: counting from status.summary or a map frame, and the published total beside each."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from asskomm import labels
from asskomm.analysis import figures
from asskomm.records import vocabulary as vocab

# The KPI labels of the dashboard, in display order (keys of ExportData.kpis).
KPI_LABELS = (
    "Beratene Kommunen",
    "Kooperationsvereinbarungen",
    "Modellkommunen",
    "Präventionsräte",
    "Sicherheitsanalysen",
)


@dataclasses.dataclass(frozen=True)
class Published:
    """A total the ministry or the LPR published, with its date and source."""

    label: str
    value: float | int
    date: str  # ISO with its precision (day, month or year)
    source: str


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


# KPI → published metrics of data/reported_figures.csv (first that has a value wins; as on the Karte page)
PUBLISHED_FOR_KPI = {
    "Beratene Kommunen": ("kommunen_advised", "kommunen_participating", "kommunen_advised_min"),
    "Kooperationsvereinbarungen": ("cooperation_agreements",),
    "Modellkommunen": ("model_municipalities",),
    "Präventionsräte": ("kpr_constituted_or_reactivated",),
    "Sicherheitsanalysen": ("security_analyses_conducted", "security_analyses_started_kommunen"),
}


def published_totals(until: dt.date) -> list[Published]:
    """The latest published total per KPI known by ``until`` (label, value, date, source)."""
    out = []
    for metrics in PUBLISHED_FOR_KPI.values():
        for metric in metrics:
            row = figures.latest(metric, until)
            if row is not None:
                label = figures.metric_label(metric)
                out.append(
                    Published(label[:1].upper() + label[1:], row.value, str(row.date), str(row.source))
                )
                break
    return out


def vocab_labels(kind: str) -> dict[str, str]:
    return vocab.problemfeld_labels() if kind == "problemfelder" else vocab.baustein_labels()
