"""Status of every Gemeinde at a date, the KPIs and coverage — derived from the records, never stored.

Rules (docs/architecture.md):
- A milestone counts from the last day of its date's period (``2021`` → 31.12.2021, ``2021-06`` → 30.06.2021).
  An undated milestone counts only for today's stand, never for a past one.
- Status = the highest stage reached: ``nicht_beteiligt`` < ``beraten`` (any Baustein except ``sonstiges``)
  < ``kooperation`` (a ``kooperationsvereinbarung``). The stage of each Baustein comes from ``data/bausteine.csv``.
- A group participant colours every member; a Landkreis-level participant colours no Gemeinde
  (it counts in the participant figures of its Kreis).
- Participant figures (agreements, Präventionsräte, …) count participants: a group counts once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd

from asskomm.analysis.filters import Filters
from asskomm.analysis.region import region_ags
from asskomm.labels import STATUS_ORDER
from asskomm.records import vocabulary as vocab
from asskomm.records.dates import counts_at, period_end
from asskomm.records.model import Milestone, Participant, RecordSet

FLAG_BAUSTEINE = {
    "modellkommune": "modellkommune",
    "kpr": "kpr",
    "sicherheitsanalyse": "sicherheitsanalyse",
    "coaching": "coaching",
    "foerderung": "foerderung",
    "koordinierungsstelle": "koordinierungsstelle",
}
STATUS_COLUMNS = ("ags", "status", "status_seit", *FLAG_BAUSTEINE, "problemfelder", "teilnehmer")


@dataclasses.dataclass
class _Facts:
    rank: int = 0
    seit: tuple[dt.date, str] | None = None  # (effective day, ISO text) of the earliest milestone of that stage
    bausteine: set[str] = dataclasses.field(default_factory=set)
    problemfelder: set[str] = dataclasses.field(default_factory=set)
    teilnehmer: list[str] = dataclasses.field(default_factory=list)


def _counted(records: RecordSet, stand: dt.date, today: dt.date) -> dict[int, list[Milestone]]:
    out: dict[int, list[Milestone]] = {}
    for m in records.milestones:
        if counts_at(m.datum, stand, today):
            out.setdefault(m.participant_id, []).append(m)
    return out


def _facts(records: RecordSet, ags_list: Iterable[str], stand: dt.date, today: dt.date) -> dict[str, _Facts]:
    stufe = vocab.baustein_stufe()
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    facts = {a: _Facts() for a in ags_list}
    counted = _counted(records, stand, today)
    far_future = dt.date.max
    for p in records.participants:
        ms = counted.get(p.id)
        if not ms or p.kind == "landkreis":
            continue
        for ags in p.members:
            f = facts.get(ags)
            if f is None:
                continue
            if p.name not in f.teilnehmer:
                f.teilnehmer.append(p.name)
            for m in ms:
                f.bausteine.add(m.baustein)
                f.problemfelder.update(m.problemfelder)
                r = rank.get(stufe.get(m.baustein, ""), 0)
                when = (period_end(m.datum) or far_future, m.datum)
                if r > f.rank:
                    f.rank, f.seit = r, when
                elif r == f.rank and r > 0 and (f.seit is None or when < f.seit):
                    f.seit = when
    return facts


def status_table(
    records: RecordSet, gemeinden: pd.DataFrame, stand: dt.date, *, today: dt.date | None = None
) -> pd.DataFrame:
    """One row per Gemeinde of ``gemeinden`` (in its order) with its status at ``stand``.

    Columns: ``ags``, ``status`` (one of ``labels.STATUS_ORDER``), ``status_seit`` (ISO text with the
    precision of the milestone that gave the status, or ""), bool ``modellkommune``, ``kpr``,
    ``sicherheitsanalyse``, ``coaching``, ``foerderung``, ``koordinierungsstelle``, ``problemfelder``
    (tuple of vocabulary ids known by ``stand``, in vocabulary order), ``teilnehmer`` (tuple of the names of
    the participants — the Gemeinde itself and/or its groups — with a milestone counted by ``stand``).
    """
    today = today or dt.date.today()
    ags_list = [str(a) for a in gemeinden["ags"]]
    facts = _facts(records, ags_list, stand, today)
    pf_order = {p: i for i, p in enumerate(vocab.problemfeld_ids())}
    rows = []
    for ags in ags_list:
        f = facts[ags]
        row: dict[str, Any] = {
            "ags": ags,
            "status": STATUS_ORDER[f.rank],
            "status_seit": f.seit[1] if f.seit and f.rank else "",
        }
        for flag, baustein in FLAG_BAUSTEINE.items():
            row[flag] = baustein in f.bausteine
        row["problemfelder"] = tuple(sorted(f.problemfelder, key=lambda p: pf_order.get(p, 999)))
        row["teilnehmer"] = tuple(f.teilnehmer)
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(STATUS_COLUMNS))
    for flag in FLAG_BAUSTEINE:
        table[flag] = table[flag].astype(bool)
    return table


def _participant_reached(ms: list[Milestone]) -> set[str]:
    return {m.baustein for m in ms}


def _matches(
    bausteine: set[str], problemfelder: set[str], filters: Filters
) -> bool:
    if filters.problemfelder and not (set(filters.problemfelder) & problemfelder):
        return False
    return not (filters.baustein and filters.baustein not in bausteine)


def matching_ags(
    records: RecordSet, gemeinden: pd.DataFrame, filters: Filters, *, today: dt.date | None = None
) -> frozenset[str]:
    """The Gemeinden (AGS) that match the filters: Kreis ∩ any of the Problemfelder ∩ Baustein reached by stand."""
    today = today or dt.date.today()
    scope = region_ags(gemeinden, filters)
    facts = _facts(records, scope, filters.stand, today)
    return frozenset(a for a in scope if _matches(facts[a].bausteine, facts[a].problemfelder, filters))


@dataclasses.dataclass(frozen=True)
class Kennzahlen:
    """Figures for one scope (Land or Kreis) under the current filters.

    Gemeinde counts (``gemeinden``, ``treffer``, ``status``, ``gemeinden_mit_vereinbarung``) count today's
    Gemeinden; participant counts (``bausteine``, ``vereinbarungen``, ``modellkommunen``, ``praeventionsraete``,
    ``sicherheitsanalysen``) count participants, so a group is one agreement and a Landkreis-level
    Präventionsrat counts too. Shares relate to all Gemeinden / the whole area of the scope.
    """

    gemeinden: int  # Gemeinden in the scope (the Kreis filter only)
    treffer: int  # Gemeinden matching all filters
    status: dict[str, int]  # matching Gemeinden per status
    bausteine: dict[str, int]  # matching participants that reached each Baustein
    vereinbarungen: int
    modellkommunen: int
    praeventionsraete: int
    sicherheitsanalysen: int
    gemeinden_mit_vereinbarung: int
    anteil_gemeinden: float  # 0..1
    flaeche_km2: float
    flaeche_mit_vereinbarung_km2: float
    anteil_flaeche: float  # 0..1

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Summary:
    stand: dt.date
    land: Kennzahlen
    kreise: dict[str, Kennzahlen]  # Kreis key → figures (only Kreise in the filter, if any)
    kreis_namen: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stand": self.stand.isoformat(),
            "land": self.land.to_dict(),
            "kreise": {k: {"name": self.kreis_namen.get(k, ""), **v.to_dict()} for k, v in self.kreise.items()},
        }


@dataclasses.dataclass(frozen=True)
class _Counting:
    """What the KPIs of any set of Kreise are counted from: one status table, one filter."""

    ags: list[str]
    kreis_of: dict[str, str]
    area: dict[str, float]
    status_of: dict[str, str]
    match: Any  # AGS matching all filters (``matching_ags``)
    participants: list[tuple[Participant, set[str], set[str]]]  # (participant, Bausteine reached, Problemfelder)
    filters: Filters
    sized: set[str] | None  # Gemeinden of the chosen size class (None: no size filter)

    def figures(self, kreise: set[str]) -> Kennzahlen:
        scope = [a for a in self.ags if self.kreis_of[a] in kreise and (self.sized is None or a in self.sized)]
        hits = [a for a in scope if a in self.match]
        by_status = dict.fromkeys(STATUS_ORDER, 0)
        for a in hits:
            by_status[self.status_of[a]] += 1
        with_agreement = [a for a in hits if self.status_of[a] == "kooperation"]
        bs_counts = self._bausteine(kreise, set(hits))
        total_area = sum(self.area[a] for a in scope)
        agreement_area = sum(self.area[a] for a in with_agreement)
        return Kennzahlen(
            gemeinden=len(scope),
            treffer=len(hits),
            status=by_status,
            bausteine=bs_counts,
            vereinbarungen=bs_counts.get("kooperationsvereinbarung", 0),
            modellkommunen=bs_counts.get("modellkommune", 0),
            praeventionsraete=bs_counts.get("kpr", 0),
            sicherheitsanalysen=bs_counts.get("sicherheitsanalyse", 0),
            gemeinden_mit_vereinbarung=len(with_agreement),
            anteil_gemeinden=len(with_agreement) / len(scope) if scope else 0.0,
            flaeche_km2=round(total_area, 3),
            flaeche_mit_vereinbarung_km2=round(agreement_area, 3),
            anteil_flaeche=agreement_area / total_area if total_area else 0.0,
        )

    def _bausteine(self, kreise: set[str], hit_set: set[str]) -> dict[str, int]:
        """Participants per Baustein reached: a Landkreis when it is in scope and matches, others by members."""
        bs_counts = dict.fromkeys(vocab.baustein_ids(), 0)
        for p, reached, pfs in self.participants:
            if p.kind == "landkreis":
                inside = p.ags in kreise and self.sized is None and _matches(reached, pfs, self.filters)
            else:
                inside = any(a in hit_set for a in p.members)
            if inside:
                for b in reached:
                    bs_counts[b] = bs_counts.get(b, 0) + 1
        return bs_counts


def summary(
    records: RecordSet, gemeinden: pd.DataFrame, filters: Filters, *, today: dt.date | None = None
) -> Summary:
    """The KPIs statewide and per Kreis at ``filters.stand`` — what the dashboard's KPI cards show."""
    today = today or dt.date.today()
    stand = filters.stand
    table = status_table(records, gemeinden, stand, today=today)
    area = dict(zip(table["ags"], pd.to_numeric(gemeinden["flaeche_km2"], errors="coerce").fillna(0.0), strict=True))
    kreis_of = {str(a): str(k) for a, k in zip(gemeinden["ags"], gemeinden["kreis_ags"], strict=True)}
    kreis_namen = {str(k): str(n) for k, n in zip(gemeinden["kreis_ags"], gemeinden["kreis_name"], strict=True)}
    scope_kreise = filters.scope_kreise()
    selected = set(kreis_namen) if scope_kreise is None else scope_kreise
    match = matching_ags(records, gemeinden, filters, today=today)
    status_of = dict(zip(table["ags"], table["status"], strict=True))

    counted = _counted(records, stand, today)
    participants: list[tuple[Participant, set[str], set[str]]] = []
    for p in records.participants:
        ms = counted.get(p.id)
        if ms:
            participants.append((p, _participant_reached(ms), {pf for m in ms for pf in m.problemfelder}))
    sized = None
    if filters.groesse:
        sized = set(region_ags(gemeinden, dataclasses.replace(filters, kreise=(), polizeidirektionen=())))
    figures = _Counting(list(table["ags"]), kreis_of, area, status_of, match, participants, filters, sized).figures

    kreise_sorted = sorted(k for k in kreis_namen if k in selected)
    return Summary(
        stand=stand,
        land=figures(set(kreise_sorted)),
        kreise={k: figures({k}) for k in kreise_sorted},
        kreis_namen={k: kreis_namen[k] for k in kreise_sorted},
    )
