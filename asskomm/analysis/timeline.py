"""The alliance over time: monthly growth series, published totals as points, and »what changed since«.

* :func:`growth_series` – agreements, Präventionsräte, security analyses and advised municipalities at
  6 Feb 2019, every month end, and the last date, computed with the dashboard's own KPI code
  (``asskomm.analysis.status.summary``), so a point of the chart equals the KPI cards at that date.
* :func:`published_points` – the totals the ministry/LPR published, as points with date and source,
  so gaps in the records are visible beside the series.
* :func:`since` – between two dates (e.g. the last and this meeting): new agreements, new councils and new
  focus areas, each with participant, date and source, and the Gemeinden to highlight on the map.
* :func:`recent_milestones` – the most recent dated milestones up to a date (for the briefing).

Dates keep their precision: a milestone counts from the last day of its period (``asskomm.records``).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from asskomm import labels, records
from asskomm.analysis import figures, status
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.analysis.kpis import Milestone, kpis_from_summary, vocab_labels

# Series of the growth chart: key → (German label, colour from the one palette)
SERIES = {
    "Beratene Kommunen": labels.STATUS_COLOURS["beraten"],
    "Kooperationsvereinbarungen": labels.STATUS_COLOURS["kooperation"],
    "Präventionsräte": labels.MARKER_COLOURS["kpr"],
    "Sicherheitsanalysen": labels.MARKER_COLOURS["sicherheitsanalyse"],
}
# Published metrics (data/reported_figures.csv) that belong to a series of the chart: the KPI rules of
# ``figures.KPI_RULES`` (the same comparability as the KPI cards).
PUBLISHED_SERIES = {
    metric: rule.kpi for rule in figures.KPI_RULES.values() if rule.kpi in SERIES for metric in rule.metrics
}

AGREEMENT = "kooperationsvereinbarung"
COUNCIL = "kpr"
CHANGE_KINDS = {
    "kooperation": "Neue Kooperationsvereinbarung",
    "kpr": "Neuer Kommunaler Präventionsrat",
    "problemfeld": "Neues Problemfeld",
}


# --------------------------------------------------------------------------------------------- dates


def period_end(datum: str) -> dt.date | None:
    """The day from which a milestone counts (last day of its period); None if undated."""
    return records.period_end(datum)


def month_steps(start: dt.date = PROGRAMME_START, end: dt.date | None = None) -> list[dt.date]:
    """``start``, every month end after it, and ``end`` (default today)."""
    end = end or dt.date.today()
    steps = [start]
    year, month = start.year, start.month
    while True:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if last >= end:
            break
        if last > start:
            steps.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if end > steps[-1]:
        steps.append(end)
    return steps


# --------------------------------------------------------------------------------------------- growth

SummaryFn = Callable[[Any, Any, Filters], Any]


def growth_series(
    records: Any,
    gemeinden: Any,
    *,
    start: dt.date = PROGRAMME_START,
    end: dt.date | None = None,
    filters: Filters | None = None,
    summary: SummaryFn | None = None,
) -> pd.DataFrame:
    """Monthly KPI series: columns ``stand`` and one per :data:`SERIES` label (counts at that date)."""
    if summary is None:
        summary = status.summary
    base = filters or Filters(stand=end or dt.date.today())
    rows = []
    for step in month_steps(start, end):
        kpis = kpis_from_summary(summary(records, gemeinden, dataclasses.replace(base, stand=step)))
        rows.append({"stand": step, **{label: kpis.get(label) for label in SERIES}})
    return pd.DataFrame(rows, columns=["stand", *SERIES])


def published_points(
    reported: pd.DataFrame | None = None,
    until: dt.date | None = None,
    official: Iterable[Any] = (),
) -> pd.DataFrame:
    """Published totals that belong to a series, of the kinds that may stand beside a KPI
    (``figures.BESIDE_KPI``), and the »amtliche Zahlen« in ``official``: columns serie, datum (ISO), stand
    (date), wert, quelle, art (German kind of source)."""
    if reported is None:
        reported = figures.reported_figures()
    frame = pd.DataFrame(reported).copy()
    source_col = "source_url" if "source_url" in frame else "quelle" if "quelle" in frame else "source"
    frame = frame[frame["metric"].isin(PUBLISHED_SERIES)]
    if "region" in frame:  # the chart's lines are statewide: regional totals are not points on them
        frame = frame[frame["region"].fillna("").astype(str) == ""]
    kinds = frame["source_kind"].astype(str) if "source_kind" in frame else pd.Series("smi_lpr", index=frame.index)
    frame, kinds = frame[kinds.isin(figures.BESIDE_KPI)], kinds[kinds.isin(figures.BESIDE_KPI)]
    out = pd.DataFrame(
        {
            "serie": frame["metric"].map(PUBLISHED_SERIES),
            "datum": frame["date"].astype(str),
            "stand": frame["date"].astype(str).map(period_end),
            "wert": pd.to_numeric(frame["value"], errors="coerce"),
            "quelle": frame[source_col].fillna("").astype(str) if source_col in frame else "",
            "art": kinds.map(figures.SOURCE_KINDS),
        }
    )
    entered = [
        {"serie": rule.kpi, "datum": f.date, "stand": f.known_from, "wert": f.value, "quelle": f.source,
         "art": f.kind_label}
        for f in figures.official_figures(official)
        for rule in figures.KPI_RULES.values()
        if rule.kpi in SERIES and f.metric == figures.OFFICIAL_PREFIX + rule.field
    ]
    if entered:
        out = pd.concat([out, pd.DataFrame(entered)], ignore_index=True)
    out = out.dropna(subset=["stand", "wert"])
    if until is not None:
        out = out[out["stand"] <= until]
    return out.sort_values(["serie", "stand"]).reset_index(drop=True)






# --------------------------------------------------------------------------------------------- since


@dataclasses.dataclass(frozen=True)
class Change:
    kind: str  # "kooperation" | "kpr" | "problemfeld"
    datum: str  # ISO with its precision
    teilnehmer: str
    members: tuple[str, ...]  # AGS coloured by the participant (empty for a Landkreis)
    detail: str = ""  # the Problemfeld label for kind »problemfeld«
    quelle: str = ""


@dataclasses.dataclass(frozen=True)
class SinceDiff:
    von: dt.date
    bis: dt.date
    agreements: tuple[Change, ...] = ()
    councils: tuple[Change, ...] = ()
    focus: tuple[Change, ...] = ()

    @property
    def changes(self) -> tuple[Change, ...]:
        return self.agreements + self.councils + self.focus

    @property
    def empty(self) -> bool:
        return not self.changes

    def highlighted_ags(self) -> set[str]:
        """The Gemeinden to highlight on the map."""
        return {ags for change in self.changes for ags in change.members}

    def summary_text(self) -> str:
        return (
            f"Vom {labels.fmt_date(self.von)} bis {labels.fmt_date(self.bis)}: "
            f"{_count(len(self.agreements), 'neue Kooperationsvereinbarung', 'neue Kooperationsvereinbarungen')}, "
            f"{_count(len(self.councils), 'neuer Präventionsrat', 'neue Präventionsräte')}, "
            f"{_count(len(self.focus), 'neues Problemfeld', 'neue Problemfelder')}."
        )

    def table(self) -> pd.DataFrame:
        """The changes as a German table (newest first)."""
        rows = [
            {
                "Art": CHANGE_KINDS[c.kind],
                "Datum": labels.fmt_date(c.datum),
                "Teilnehmer": c.teilnehmer,
                "Problemfeld": c.detail,
                "Quelle": c.quelle,
                "_end": period_end(c.datum),
            }
            for c in self.changes
        ]
        frame = pd.DataFrame(rows, columns=["Art", "Datum", "Teilnehmer", "Problemfeld", "Quelle", "_end"])
        return (
            frame.sort_values("_end", ascending=False, kind="stable")
            .drop(columns="_end")
            .reset_index(drop=True)
        )


def _count(n: int, singular: str, plural: str) -> str:
    return f"{labels.fmt_int(n)} {singular if n == 1 else plural}"


def _in_period(datum: str, von: dt.date, bis: dt.date) -> bool:
    end = period_end(datum)
    return end is not None and von < end <= bis


def since(
    records: Any,
    von: dt.date,
    bis: dt.date,
    *,
    problemfeld_labels: Mapping[str, str] | None = None,
    only_ags: Iterable[str] | None = None,
) -> SinceDiff:
    """What changed after ``von`` up to and including ``bis`` (undated milestones are never »new«).

    ``only_ags`` restricts the result to participants colouring one of these Gemeinden (the filter). A council
    older than ASSKomm (``Milestone.older_council``) is never »new«, whatever ``von`` is: it is not a success
    of the programme.
    """
    if bis < von:
        von, bis = bis, von
    if problemfeld_labels is None:
        problemfeld_labels = vocab_labels("problemfelder")
    wanted = set(only_ags) if only_ags is not None else None
    by_id = {p.id: p for p in records.participants}

    def keep(participant) -> bool:
        return wanted is None or bool(wanted & set(participant.members))

    agreements, councils, focus = [], [], []
    # focus areas each participant had by ``von`` (dated or not: an undated one is known, not new)
    known: dict[int, set[str]] = {}
    for m in records.milestones:
        end = period_end(m.datum)
        if end is None or end <= von:
            known.setdefault(m.participant_id, set()).update(m.problemfelder)
    for m in sorted(records.milestones, key=lambda m: (period_end(m.datum) or dt.date.max, m.id)):
        participant = by_id.get(m.participant_id)
        if participant is None or not _in_period(m.datum, von, bis) or not keep(participant) or m.older_council:
            continue
        base = {
            "datum": m.datum,
            "teilnehmer": participant.name,
            "members": tuple(participant.members),
            "quelle": m.quelle,
        }
        if m.baustein == AGREEMENT:
            agreements.append(Change("kooperation", **base))
        elif m.baustein == COUNCIL:
            councils.append(Change("kpr", **base))
        seen = known.setdefault(m.participant_id, set())
        for pf in m.problemfelder:
            if pf not in seen:
                seen.add(pf)
                focus.append(Change("problemfeld", detail=problemfeld_labels.get(pf, pf), **base))
    return SinceDiff(von, bis, tuple(agreements), tuple(councils), tuple(focus))


# --------------------------------------------------------------------------------------------- milestones


def recent_milestones(
    records: Any,
    filters: Filters,
    *,
    limit: int = 5,
    only_ags: Iterable[str] | None = None,
    baustein_labels: Mapping[str, str] | None = None,
) -> list:
    """The ``limit`` most recent dated milestones that count at ``filters.stand`` (newest first).

    With active filters, only participants colouring a Gemeinde in ``only_ags`` (the matching Gemeinden),
    or a Landkreis among the chosen Kreise, are listed.
    """
    if baustein_labels is None:
        baustein_labels = vocab_labels("bausteine")
    wanted = set(only_ags) if only_ags is not None else None
    by_id = {p.id: p for p in records.participants}
    chosen = []
    for m in records.milestones:
        end = period_end(m.datum)
        participant = by_id.get(m.participant_id)
        if end is None or end > filters.stand or participant is None or m.baustein == "sonstiges":
            continue
        if wanted is not None and not (
            wanted & set(participant.members)
            or (participant.kind == "landkreis" and participant.ags in (filters.scope_kreise() or ()))
        ):
            continue
        chosen.append((end, m.id, m, participant))
    chosen.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [
        Milestone(m.datum, p.name, baustein_labels.get(m.baustein, m.baustein), m.quelle)
        for _end, _id, m, p in chosen[:limit]
    ]
