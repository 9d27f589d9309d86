"""The Quellen view: what the data is, its Stand, and the published totals beside what the database holds.

* :func:`comparison` – every published figure that has a database counterpart (``figures.COMPARABLE``), with
  the value the database gives for the same date (``status.summary`` at the day the figure counts from: the
  last day of its period), the difference and the source.
* :func:`database_series` – the same database figures at the programme start and every month end (for the chart).
* :func:`data_facts`, :func:`boundary_facts`, :func:`published_table` – the text and tables of the page.

No Streamlit here; ``asskomm.ui.kreise`` caches these for the page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from asskomm import labels
from asskomm.analysis import figures, status
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.analysis.timeline import month_steps
from asskomm.records.dates import period_end
from asskomm.records.model import OfficialFigure, RecordSet

# status.Kennzahlen field → German label (the KPI cards' words), in display order.
FIELD_LABELS = {
    "vereinbarungen": "Kooperationsvereinbarungen",
    "praeventionsraete": "Präventionsräte",
    "sicherheitsanalysen": "Sicherheitsanalysen",
    "modellkommunen": "Modellkommunen",
}
FIELD_COLOURS = {
    "vereinbarungen": labels.STATUS_COLOURS["kooperation"],
    "praeventionsraete": "#B07800",  # the Präventionsrat orange, darkened to read as a line on white
    "sicherheitsanalysen": "#A8457F",
    "modellkommunen": labels.MODEL_OUTLINE_COLOUR,
}
PUBLISHED_COLOUR = "#1A1A1A"

COMPARISON_COLUMNS = {
    "datum": "Datum",
    "kennzahl": "Kennzahl",
    "veroeffentlicht_als": "veröffentlicht als",
    "veroeffentlicht": "veröffentlicht",
    "datenbank": "in der Datenbank",
    "differenz": "Differenz",
    "art": "Art der Quelle",
    "quelle": "Quelle",
}


def _summaries(records: RecordSet, gemeinden: pd.DataFrame, dates: list[dt.date], today: dt.date) -> dict:
    return {d: status.summary(records, gemeinden, Filters(d), today=today).land for d in sorted(set(dates))}


def _comparable(records: RecordSet, reported: pd.DataFrame | None, today: dt.date) -> list[figures.Figure]:
    """Statewide figures with a database counterpart that may stand beside a KPI (never another speaker's),
    and the »amtliche Zahlen« of ``records``; only those dated by ``today``."""
    frame = figures.reported_figures() if reported is None else reported
    frame = frame[frame["metric"].isin(figures.COMPARABLE)]
    if "region" in frame:  # regional totals compare with a region, not with all of Saxony
        frame = frame[frame["region"].fillna("").astype(str) == ""]
    if "source_kind" in frame:
        frame = frame[frame["source_kind"].isin(figures.BESIDE_KPI)]
    out = [
        figures.Figure(str(r["date"]), str(r["metric"]), float(r["value"]), str(r["source"]),
                       kind=str(r.get("source_kind") or "smi_lpr"))
        for _, r in frame.iterrows()
    ]
    out += [f for f in figures.official_figures(records.official_figures) if _field(f) in FIELD_LABELS]
    return [f for f in out if f.known_from is not None and f.known_from <= today]


def _field(fig: figures.Figure) -> str:
    return figures.COMPARABLE.get(fig.metric) or fig.metric.removeprefix(figures.OFFICIAL_PREFIX)


def comparison(
    records: RecordSet,
    gemeinden: pd.DataFrame,
    reported: pd.DataFrame | None = None,
    *,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Published figures beside the database at the same date, oldest first.

    Columns: ``datum`` (ISO as published, with its precision), ``stand`` (date the figure counts from),
    ``metric``, ``feld`` (``status.Kennzahlen`` field), ``kennzahl`` (German label of the field),
    ``veroeffentlicht_als`` (German label of the published metric), ``veroeffentlicht``, ``datenbank``,
    ``differenz`` (database − published), ``art`` (kind of source), ``quelle`` (URL or reference). Figures
    dated after ``today`` and figures of other speakers (``figures.BESIDE_KPI``) are left out.
    """
    today = today or dt.date.today()
    found = _comparable(records, reported, today)
    # Before the programme started the database holds nothing to compare with; count from the start.
    dates = [max(f.known_from, PROGRAMME_START) for f in found]
    land = _summaries(records, gemeinden, dates, today)
    rows = []
    for fig, when in zip(found, dates, strict=True):
        field = _field(fig)
        published = round(fig.value)
        held = int(getattr(land[when], field))
        rows.append({
            "datum": fig.date, "stand": fig.known_from, "metric": fig.metric, "feld": field,
            "kennzahl": FIELD_LABELS.get(field, field), "veroeffentlicht_als": fig.label,
            "veroeffentlicht": published, "datenbank": held, "differenz": held - published,
            "art": fig.kind_label, "quelle": fig.source,
        })
    columns = ["datum", "stand", "metric", "feld", "kennzahl", "veroeffentlicht_als", "veroeffentlicht",
               "datenbank", "differenz", "art", "quelle"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["stand", "kennzahl"], kind="stable").reset_index(drop=True)


def comparison_display(comp: pd.DataFrame) -> pd.DataFrame:
    """The comparison with German headers and German dates (the date column sorts by ISO ``stand``)."""
    return pd.DataFrame(
        {
            COMPARISON_COLUMNS["datum"]: [labels.fmt_date(d) for d in comp["datum"]],
            COMPARISON_COLUMNS["kennzahl"]: comp["kennzahl"],
            COMPARISON_COLUMNS["veroeffentlicht_als"]: comp["veroeffentlicht_als"],
            COMPARISON_COLUMNS["veroeffentlicht"]: comp["veroeffentlicht"].astype(int),
            COMPARISON_COLUMNS["datenbank"]: comp["datenbank"].astype(int),
            COMPARISON_COLUMNS["differenz"]: comp["differenz"].astype(int),
            COMPARISON_COLUMNS["art"]: comp["art"],
            COMPARISON_COLUMNS["quelle"]: comp["quelle"],
        }
    )


def database_series(
    records: RecordSet, gemeinden: pd.DataFrame, *, today: dt.date | None = None
) -> pd.DataFrame:
    """The database figures of :data:`FIELD_LABELS` at the programme start, every month end and ``today``."""
    today = today or dt.date.today()
    steps = month_steps(PROGRAMME_START, today)
    land = _summaries(records, gemeinden, steps, today)
    rows = [{"stand": d, **{f: int(getattr(land[d], f)) for f in FIELD_LABELS}} for d in steps]
    return pd.DataFrame(rows, columns=["stand", *FIELD_LABELS])






# --------------------------------------------------------------------------------------------- facts


@dataclasses.dataclass(frozen=True)
class DataFacts:
    participants: int
    gemeinde_participants: int
    groups: int
    landkreis_participants: int
    milestones: int
    undated: int
    sources: int  # distinct source entries (URLs or references)
    first: str  # ISO with precision of the oldest dated milestone ("" if none)
    last: str  # ISO with precision of the newest dated milestone
    last_entered: str  # newest ``created_at`` (when the records were last changed), "" if unknown
    data_version: int


def data_facts(records: RecordSet, *, today: dt.date | None = None) -> DataFacts:
    """Counts and dates that describe the records (what the Quellen page says about the database)."""
    today = today or dt.date.today()
    kinds = [p.kind for p in records.participants]
    dated = [(period_end(m.datum), m.datum) for m in records.milestones if m.datum]
    dated = [(d, iso) for d, iso in dated if d is not None and d <= today]
    srcs = {part.strip() for m in records.milestones for part in (m.quelle or "").split("|") if part.strip()}
    entered = [m.created_at for m in records.milestones if m.created_at]
    return DataFacts(
        participants=len(kinds),
        gemeinde_participants=kinds.count("gemeinde"),
        groups=kinds.count("gruppe"),
        landkreis_participants=kinds.count("landkreis"),
        milestones=len(records.milestones),
        undated=sum(1 for m in records.milestones if not m.datum),
        sources=len(srcs),
        first=min(dated)[1] if dated else "",
        last=max(dated)[1] if dated else "",
        last_entered=max(entered) if entered else "",
        data_version=int(records.data_version),
    )


def boundary_facts(meta: Mapping[str, Any]) -> dict[str, str]:
    """German facts about the boundary layers from ``geo.meta()`` (label → text; missing keys left out)."""
    out: dict[str, str] = {}
    if meta.get("attribution"):
        out["Namensnennung"] = str(meta["attribution"])
    if meta.get("source"):
        out["Quelle"] = str(meta["source"])
    if meta.get("gebietsstand"):
        out["Gebietsstand"] = labels.fmt_date(str(meta["gebietsstand"]))
    if meta.get("source_gebietsstand") and meta.get("source_gebietsstand") != meta.get("gebietsstand"):
        out["Gebietsstand der Quelle"] = labels.fmt_date(str(meta["source_gebietsstand"]))
    if meta.get("licence"):
        licence = str(meta["licence"])
        out["Lizenz"] = f"{licence} ({meta['licence_url']})" if meta.get("licence_url") else licence
    if meta.get("count_gemeinden"):
        out["Umfang"] = (
            f"{labels.fmt_int(meta['count_gemeinden'])} Gemeinden, {labels.fmt_int(meta.get('count_kreise', 0))} "
            f"Kreise, {labels.fmt_num(meta.get('area_km2', 0), 1)} km²"
        )
    if meta.get("simplify_tolerance_m"):
        out["Vereinfachung"] = (
            f"Grenzen auf {labels.fmt_int(meta['simplify_tolerance_m'])} m vereinfacht "
            f"(Abweichung höchstens {labels.fmt_num(meta.get('border_deviation_max_m', 0), 0)} m)"
        )
    if meta.get("build_date"):
        out["Erstellt am"] = labels.fmt_date(str(meta["build_date"]))
    return out


def published_table(reported: pd.DataFrame | None = None, official: Iterable[OfficialFigure] = ()) -> pd.DataFrame:
    """Every published figure and every »amtliche Zahl« (newest first) with German label, date and value as
    text, the region it is about (»Sachsen« when statewide), its kind of source (»SMI/LPR«, »Presse (Angabe
    des SMI/LPR)«, »andere Angabe (nicht SMI/LPR): Bürgermeister …«) and the source. Who entered an
    »amtliche Zahl« is not shown here (the admins' page names it)."""
    frame = figures.reported_figures() if reported is None else reported
    column = lambda name: frame[name].fillna("").astype(str) if name in frame else pd.Series("", index=frame.index)  # noqa: E731
    kinds = column("source_kind").replace("", "smi_lpr")
    rows = [
        {"_end": period_end(str(d)) or dt.date.min, "Datum": labels.fmt_date(str(d)), "Angabe": figures.metric_label(m),
         "Wert": labels.fmt_num(float(v), 0 if float(v).is_integer() else 1), "Gebiet": r or "Sachsen",
         "Art der Quelle": figures.SOURCE_KINDS[k] + (f": {b}" if k == "andere" and b else ""),
         "Hinweis": n, "Quelle": str(src)}
        for d, m, v, r, k, b, n, src in zip(frame["date"], frame["metric"], frame["value"], column("region_label"),
                                             kinds, column("stated_by"), column("note"), frame["source"], strict=True)
    ]
    rows += [
        {"_end": f.known_from, "Datum": labels.fmt_date(f.date), "Angabe": f.label, "Wert": labels.fmt_int(f.value),
         "Gebiet": "Sachsen", "Art der Quelle": f.kind_label, "Hinweis": "in der App eingetragen", "Quelle": f.source}
        for f in figures.official_figures(official)
    ]
    out = pd.DataFrame(rows, columns=["_end", *PUBLISHED_COLUMNS])
    return out.sort_values("_end", ascending=False, kind="stable").drop(columns="_end").reset_index(drop=True)


PUBLISHED_COLUMNS = ("Datum", "Angabe", "Wert", "Gebiet", "Art der Quelle", "Hinweis", "Quelle")


def latest_published_lines(until: dt.date, official: Iterable[OfficialFigure] = ()) -> list[str]:
    """One German line per KPI: the figure beside it today (``figures.published_for_kpi``), its kind of source,
    its source and the rule that makes it comparable – the same figure as on the KPI cards, in the PDF and the
    snapshot (where the presentation view names only kind and date)."""
    out = []
    for kpi, fig in figures.published_kpis(until, official=official).items():
        extra = f", {fig.qualifier}" if fig.qualifier else ""
        source = labels.md_inert(fig.source) if fig.official else f"<{fig.source}>"
        out.append(
            f"**{kpi}: {labels.fmt_int(fig.value)}** ({labels.fmt_date(fig.date)}{extra}; "
            f"{labels.md_inert(fig.kind_label)}: {labels.md_inert(fig.label)}, Quelle: {source}) – "
            f"{figures.KPI_RULES[kpi].rule}"
        )
    return out

