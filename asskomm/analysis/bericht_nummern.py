"""The report's table 7, »Nummern«: every running number a source states for a Gemeinde (»Stollberg … die 43.
Kommune«, »Sachsens 46. Präventionsrat«, »die 100. beratene Kommune«) beside what the database counts on that
day, and the gap each one reveals (at least that many entries are missing)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from asskomm import labels
from asskomm.analysis import status
from asskomm.analysis.bericht_context import Context
from asskomm.analysis.bericht_model import AmtlicheNummer, Spalte, Tabelle, amtliche_nummern
from asskomm.analysis.filters import Filters
from asskomm.analysis.kpis import kpis_from_summary
from asskomm.records import Milestone, period_end, period_start

# Baustein of a running number → (the KPI it counts like, its word in the table, »die 43. …«, the plural)
COUNTS_AS = {
    "beratung": ("Beratene Kommunen", "Beratung", "die {n}. beratene Kommune", "beratene Kommunen"),
    "kooperationsvereinbarung": (
        "Kooperationsvereinbarungen", "Vereinbarung", "die {n}. Kooperationsvereinbarung",
        "Kooperationsvereinbarungen",
    ),
    "kpr": ("Präventionsräte", "Präventionsrat", "der {n}. Präventionsrat", "Präventionsräte"),
}
_ORDER = {b: i for i, b in enumerate(COUNTS_AS)}
# key, heading, kind of cell (``bericht_model.zelle``)
COLUMNS = tuple(Spalte(*c) for c in (
    ("datum", "Datum", "date"), ("gemeinde", "Gemeinde", "text"), ("was", "Zählt", "text"), ("ebene", "in", "text"),
    ("amtlich", "Nr. amtlich", "int"), ("datenbank", "Datenbank", "int"), ("luecke", "Lücke", "int"),
    ("eintrag", "Eintrag der Gemeinde", "text"), ("quelle", "Quelle", "url"),
))
RULE = (
    "Die laufende Nummer, die eine Quelle für eine Gemeinde nennt, neben der Zahl der Datenbank an diesem Tag "
    "(Spalte »Datenbank«), "
    "gezählt wie die Kennzahlen der Karte: Beratung = Gemeinden, die mindestens beraten wurden; Vereinbarung = "
    "Partner mit Vereinbarung (ein Verbund einmal); Präventionsrat = Räte, auch solche, die älter sind als ASSKomm "
    "(so zählt auch das Ministerium). Nennt die Datenbank den Eintrag der Gemeinde nur mit Monat oder Jahr, wird "
    "bis zum Ende dieses Zeitraums gezählt. »Lücke« = amtliche Nummer minus Datenbank: so viele Einträge bis zu "
    "diesem Tag fehlen der Datenbank mindestens. Gemeinden mit einer amtlichen Nummer ihrer Vereinbarung, die in "
    "der Datenbank fehlen, nennt die Tabelle der Partner."
)


@dataclasses.dataclass(frozen=True)
class _Counted:
    """A running number with what the database holds for it."""

    number: AmtlicheNummer
    kreis: str
    own: Milestone | None  # the Gemeinde's own entry of that kind (earliest counted by the Stichtag)
    when: dt.date  # the day the database is counted at
    held: int


def _matches(baustein: str, m: Milestone) -> bool:
    if baustein == "beratung":  # any step of the programme advises a Gemeinde
        return m.baustein != "sonstiges" and not m.older_council
    return m.baustein == baustein


def _own(ctx: Context, n: AmtlicheNummer) -> Milestone | None:
    ms = [m for p in ctx.records.participants if n.ags in p.members for m in ctx.milestones.get(p.id, [])
          if _matches(n.baustein, m) and ctx.counted(m)]
    return min(ms, key=lambda m: period_end(m.datum) or dt.date.max, default=None)


def _counted(ctx: Context, cache: dict[dt.date, Any]) -> list[_Counted]:
    out = []
    for n in amtliche_nummern():
        end, kreis = period_end(n.datum), ctx.kreis_of.get(n.ags, "")
        if end is None or end > ctx.stichtag or kreis not in ctx.region.kreise:
            continue
        own = _own(ctx, n)
        when = end
        own_end = period_end(own.datum) if own is not None else None
        if own_end is not None and period_start(own.datum) <= end < own_end <= ctx.stichtag:
            when = own_end  # the Gemeinde's own entry is known only as a month or a year
        if when not in cache:
            cache[when] = status.summary(ctx.records, ctx.gemeinden, Filters(when), today=ctx.today)
        summ = cache[when]
        figures = summ.land if n.ebene == "sachsen" else summ.kreise.get(kreis)
        kpi = COUNTS_AS[n.baustein][0]
        held = kpis_from_summary({"land": dataclasses.asdict(figures)}).get(kpi, 0) if figures is not None else 0
        out.append(_Counted(n, kreis, own, when, held))
    return sorted(out, key=lambda c: (_ORDER[c.number.baustein], c.number.ebene != "sachsen",
                                      period_end(c.number.datum), c.number.nummer))


def _where(ctx: Context, c: _Counted) -> str:
    return "in Sachsen" if c.number.ebene == "sachsen" else f"im Kreis {ctx.kreis_name(c.kreis)}"


def _row(ctx: Context, c: _Counted) -> dict[str, Any]:
    n = c.number
    entry = "fehlt" if c.own is None else (labels.fmt_date(c.own.datum) if c.own.datum else "ohne Datum")
    return {
        "datum": n.datum,
        "gemeinde": n.gemeinde,
        "was": COUNTS_AS[n.baustein][1],
        "ebene": "Sachsen" if n.ebene == "sachsen" else ctx.kreis_name(c.kreis),
        "amtlich": n.nummer,
        "datenbank": c.held,
        "gezaehlt": c.when.isoformat(),
        "luecke": n.nummer - c.held,
        "eintrag": entry,
        "quelle": ctx.cite(n.quelle),
        "_art": "",
    }


def _said(ctx: Context, c: _Counted) -> str:
    n = c.number
    return (f"{n.gemeinde} ist laut Quelle {COUNTS_AS[n.baustein][2].format(n=n.nummer)} {_where(ctx, c)} "
            f"({labels.fmt_date(n.datum)}; »{n.aussage}«)")


def _hints(ctx: Context, counted: list[_Counted]) -> list[str]:
    """Per kind, the gap of Saxony's newest number (the least that is missing today); then every Gemeinde
    that a source numbers for a council or an advice but the database does not hold."""
    hints = []
    for baustein, (_kpi, _word, _one, many) in COUNTS_AS.items():
        mine = [c for c in counted if c.number.baustein == baustein and c.number.ebene == "sachsen"]
        if not mine:
            continue
        c = max(mine, key=lambda c: (period_end(c.number.datum), c.number.nummer))
        gap = c.number.nummer - c.held
        verdict = (f"es fehlen ihr mindestens {labels.fmt_int(gap)} {many}" if gap > 0
                   else "sie hat nicht weniger" if gap == 0 else "sie zählt mehr (die Quelle zählt anders)")
        hints.append(f"{_said(ctx, c)}; die Datenbank zählt bis {labels.fmt_date(c.when)} {labels.fmt_int(c.held)}: "
                     f"{verdict}." + (f" Hinweis: {c.number.hinweis}." if c.number.hinweis else ""))
    seen = set()
    for c in counted:  # a missing agreement is named under the partner table (table 3) already
        key = (c.number.ags, c.number.baustein)
        if c.own is None and c.number.baustein != "kooperationsvereinbarung" and key not in seen:
            seen.add(key)
            hints.append(f"Lücke: {_said(ctx, c)}, hat in der Datenbank aber keinen Eintrag "
                         f"»{COUNTS_AS[c.number.baustein][1]}« bis zum Stichtag.")
    return hints


def number_table(ctx: Context, nummer: int) -> Tabelle:
    counted = _counted(ctx, {})
    return Tabelle(
        nummer,
        "Nummern",
        ctx.at_stichtag("Amtliche laufende Nummern und Datenbank"),
        COLUMNS,
        tuple(_row(ctx, c) for c in counted),
        RULE,
        f"Grundlage: {labels.fmt_int(len(counted))} amtliche Nummern mit Quelle bis zum Stichtag.",
        tuple(_hints(ctx, counted)),
    )
