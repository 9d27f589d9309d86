"""What every table of the report needs: records, Gemeinden, the Kreis and PD of each participant, the dates,
and the sources cited so far (used by ``asskomm.analysis.bericht`` and ``asskomm.analysis.bericht_partner``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd

from asskomm import labels
from asskomm.analysis import figures
from asskomm.analysis.bericht_model import Region
from asskomm.geo import polizei
from asskomm.records import SOURCE_SEPARATOR, Milestone, Participant, RecordSet, counts_at, period_end

AGREEMENT = "kooperationsvereinbarung"
GRANT = "foerderung"

REGEL_ZEITPUNKT = (
    "Ein Meilenstein zählt ab dem letzten Tag seines Zeitraums (»2021« ab 31.12.2021, »06/2021« ab 30.06.2021); "
    "ein Meilenstein ohne Datum zählt nur zum heutigen Tag."
)


def urls(quelle: str) -> list[str]:
    return [u.strip() for u in (quelle or "").split(SOURCE_SEPARATOR) if u.strip()]


class Context:
    """What every table needs: records, Gemeinden, Kreis and PD of each participant."""

    def __init__(self, records: RecordSet, gemeinden: pd.DataFrame, kreis_labels: Mapping[str, str],
                 stichtag: dt.date, von: dt.date, region: Region, today: dt.date, *, bis: dt.date | None = None) -> None:
        self.records, self.gemeinden, self.kreis_labels = records, gemeinden, kreis_labels
        self.stichtag, self.von, self.region, self.today = stichtag, von, region, today
        self.bis = bis or stichtag  # end of the period (grants, changes)
        self.kreis_of = {str(a): str(k) for a, k in zip(gemeinden["ags"], gemeinden["kreis_ags"], strict=True)}
        self.name_of = {str(a): str(n) for a, n in zip(gemeinden["ags"], gemeinden["name"], strict=True)}
        self.pd_of_kreis = polizei.pd_of_kreis()
        self.pd_labels = polizei.labels()
        self.by_id = {p.id: p for p in records.participants}
        self.milestones: dict[int, list[Milestone]] = {}
        for m in records.milestones:
            self.milestones.setdefault(m.participant_id, []).append(m)
        self.quellen: list[str] = []

    def cite(self, quelle: str) -> str:
        for url in urls(quelle):
            if url not in self.quellen:
                self.quellen.append(url)
        return quelle

    def home_kreis(self, p: Participant) -> str:
        """A participant's Kreis: its own (Landkreis), its Gemeinde's, or the one most of its members are in."""
        if p.kind == "landkreis":
            return p.ags or ""
        keys = [self.kreis_of.get(a, "") for a in p.members]
        if not keys:
            return ""
        return Counter(keys).most_common(1)[0][0] if len(set(keys)) > 1 else keys[0]

    def in_region(self, p: Participant) -> bool:
        return self.home_kreis(p) in self.region.kreise

    @property
    def published_region(self) -> tuple[str, ...]:
        """Kreis keys whose published figures fit the region (``()``: Saxony), as ``kpis.published_region`` for
        the map: a Kreis its own, a PD its Kreise (PD Görlitz = Bautzen + Görlitz = »Ostsachsen«)."""
        return () if self.region.ist_land else tuple(sorted(self.region.kreise))

    def published(self, fig: figures.Figure) -> str:
        """A published figure as the notes name it, its source cited: »30 (…, 09.02.2023; Quelle: https://…)«."""
        self.cite(fig.source)
        extra = f", {fig.qualifier}" if fig.qualifier else ""
        return (
            f"{labels.fmt_int(fig.value)} ({fig.label}, {labels.fmt_date(fig.date)}{extra}; {fig.kind_label}; "
            f"Quelle: {fig.source})"
        )

    def kreis_name(self, key: str) -> str:
        return self.kreis_labels.get(key, key)

    def pd_name(self, kreis_key: str) -> str:
        return self.pd_labels.get(self.pd_of_kreis.get(kreis_key, ""), "")

    def counted(self, m: Milestone) -> bool:
        return counts_at(m.datum, self.stichtag, self.today)

    def in_period(self, datum: str) -> bool:
        end = period_end(datum)
        return end is not None and self.von <= end <= self.bis

    def members_text(self, p: Participant) -> str:
        if p.kind != "gruppe":
            return ""
        return ", ".join(sorted((self.name_of.get(a, a) for a in p.members), key=str.casefold))

    def at_stichtag(self, title: str) -> str:
        """A table's caption at the Stichtag: »Partner …, Stichtag 31.12.2024«."""
        return f"{title}, Stichtag {labels.fmt_date(self.stichtag)}"

    def basis(self, milestones: Iterable[Milestone], what: str = "Meilensteine") -> str:
        ms = list(milestones)
        sourced = sum(1 for m in ms if urls(m.quelle))
        return (
            f"Grundlage: {labels.fmt_int(len(ms))} {what} in der Datenbank, "
            f"davon {labels.fmt_int(sourced)} mit Quellenangabe."
        )


def sort_key(datum: str, name: str) -> tuple:
    return (period_end(datum) or dt.date.max, datum, name.casefold())
