"""Everything a take-away (slide, briefing, snapshot) shows, collected once as plain values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from asskomm import labels
from asskomm.analysis import status, timeline
from asskomm.analysis.filters import Filters, describe
from asskomm.analysis.kpis import (
    Milestone,
    Published,
    kpis_from_frame,
    kpis_from_summary,
    published_totals,
    vocab_labels,
)
from asskomm.geo import layers as geo
from asskomm.geo.layers import kreis_display_names
from asskomm.store.database import Store

TITLE = "Allianz Sichere Sächsische Kommunen (ASSKomm)"
KPI_SOURCE_DEFAULT = "ASSKomm-Datenbank des Landespräventionsrats Sachsen"

@dataclasses.dataclass
class ExportData:
    """Everything a take-away shows, as plain values.

    ``frame``: Gemeinden (EPSG:4326) joined with their status at ``filters.stand``; columns
    ags, name, kreis_ags, kreis_name, status, modellkommune, kpr, sicherheitsanalyse, problemfelder, geometry,
    and ``treffer`` (True where the municipality matches the filters; others are greyed).
    """

    frame: gpd.GeoDataFrame
    kreise: gpd.GeoDataFrame
    filters: Filters
    attribution: str = labels.bkg_attribution(dt.date.today().year)
    kpis: Mapping[str, int | float | None] = dataclasses.field(default_factory=dict)
    kpi_source: str = KPI_SOURCE_DEFAULT
    published: Sequence[Published] = ()
    milestones: Sequence[Milestone] = ()
    kreis_labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    problemfeld_labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    baustein_labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Kreis key → KPIs of that Kreis (from ``status.summary``); the briefing's Kreis pages use them
    kreis_kpis: Mapping[str, Mapping[str, int]] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.kpis:
            self.kpis = kpis_from_frame(self.frame)
        if not self.kreis_labels and len(self.kreise):
            self.kreis_labels = kreis_display_names(self.kreise)

    def filter_text(self) -> str:
        return describe_filters(
            self.filters, self.kreis_labels, self.problemfeld_labels, self.baustein_labels
        )


# --------------------------------------------------------------------------------------------- data prep


def _as_tuple(value: Any) -> tuple:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(part for part in value.replace(";", ",").split(",") if part) if value else ()
    try:
        return tuple(value)
    except TypeError:
        return ()


def matching(records: Any, gemeinden: pd.DataFrame, filters: Filters) -> frozenset[str] | None:
    """The AGS the filters select, by the dashboard's own rule (``status.matching_ags``); None = all.

    The interactive map greys what ``ui.data.matched`` leaves out, and that is ``status.matching_ags`` too,
    so the picture, the briefing and the snapshot grey exactly what the page greys.
    """
    if filters.is_default:
        return None

    return status.matching_ags(records, gemeinden, filters)


def map_frame(
    gemeinden: gpd.GeoDataFrame,
    status: pd.DataFrame | None,
    filters: Filters,
    matched: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Gemeinden joined with the status table (by AGS) and the ``treffer`` column for the filters.

    ``matched``: the AGS that match the filters as the dashboard computes them (:func:`matching`, i.e.
    ``status.matching_ags``). It is required when a filter is set: the status table alone cannot tell
    which Bausteine a Gemeinde reached (e.g. an explicit »Beratung«), so guessing from it would grey
    differently from the page.
    """
    frame = gemeinden.copy()
    if status is not None:
        extra = [c for c in status.columns if c == "ags" or c not in frame.columns]
        frame = frame.merge(status[extra], on="ags", how="left")
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=gemeinden.crs)
    if "status" not in frame:
        frame["status"] = "nicht_beteiligt"
    frame["status"] = frame["status"].where(frame["status"].isin(labels.STATUS_ORDER), "nicht_beteiligt")
    for flag in ("modellkommune", "kpr", "sicherheitsanalyse"):
        frame[flag] = frame[flag].fillna(False).astype(bool) if flag in frame else False
    if "problemfelder" not in frame:
        frame["problemfelder"] = [()] * len(frame)
    frame["problemfelder"] = frame["problemfelder"].map(_as_tuple)
    if filters.is_default:
        frame["treffer"] = True
    elif matched is not None:
        frame["treffer"] = frame["ags"].astype(str).isin({str(a) for a in matched})
    else:
        raise ValueError("map_frame: with active filters pass matched=exportdata.matching(records, …)")
    return frame



#: German one-liner of the active filters in exports (»ganz Sachsen, ohne Filter« without any).
describe_filters = describe


def collect(filters: Filters, *, store: Any = None) -> ExportData:
    """Build :class:`ExportData` for ``filters`` from the project's real modules."""
    gemeinden = geo.gemeinden()
    kreise = geo.kreise()
    records = _load_records(store)
    if not filters.unbestaetigt:  # unconfirmed milestones count only when asked for
        records = records.confirmed_only()
    table = status.status_table(records, gemeinden, filters.stand)
    matched = matching(records, gemeinden, filters)
    frame = map_frame(gemeinden, table, filters, matched)
    meta = geo.meta()
    attribution = geo.attribution(meta)
    summary = status.summary(records, gemeinden, filters)
    kpis = kpis_from_summary(summary) or kpis_from_frame(frame)
    kreis_kpis = {
        str(k): kpis_from_summary({"land": v}) for k, v in dataclasses.asdict(summary)["kreise"].items()
    }
    baustein_labels = vocab_labels("bausteine")
    only = None if filters.is_default else set(frame.loc[frame["treffer"], "ags"].astype(str))
    milestones = timeline.recent_milestones(
        records, filters, limit=5, only_ags=only, baustein_labels=baustein_labels
    )
    return ExportData(
        frame=frame,
        kreise=kreise,
        filters=filters,
        attribution=attribution,
        kpis=kpis,
        published=published_totals(filters, records.official_figures),
        milestones=milestones,
        problemfeld_labels=vocab_labels("problemfelder"),
        baustein_labels=baustein_labels,
        kreis_kpis=kreis_kpis,
    )


def _load_records(store: Any) -> Any:
    if store is None:
        store = Store.from_env()
    return store.load()
