"""Answers for the Landtag: numbered tables at a Stichtag, per Kreis and Polizeidirektion (no Streamlit here).

:func:`build` computes a :class:`Bericht` — the tables the page »Bericht« shows and the DOCX/XLSX exports
(``asskomm.render.bericht_export``) write, so all three show the same numbers:

1. Kreise (one row per Kreis in the region, then Sachsen) and 2. Polizeidirektionen (then Sachsen): Gemeinden,
   advised, agreements, Gemeinden with an agreement, Modellkommunen, Präventionsräte, Sicherheitsanalysen.
   The figures are those of ``asskomm.analysis.status.summary`` — the code behind the dashboard's KPI cards and
   ``python -m asskomm summary`` — so the Sachsen row equals both at every date.
3. Partner: each agreement partner (a Verbund once, with its members), its Kreis, PD, date, running numbers in
   Saxony and in its Kreis (entries of the database) and, beside them, the number a source states
   (``data/amtliche_nummern.csv``), so a gap in the data shows.
4. Förderung: grants from the records' amounts per partner and year within the period, summed per Kreis.
5. Weg: how many advised partners went on to an agreement, a council and an analysis; median months between.
6. Änderungen: what is new in the period, and what ended.

Under each table: its counting rule, its count of sourced entries and, where a figure is below a published
total (``asskomm.analysis.figures``), that total.

The report's shape and inputs (region, dates, tables, cells, official running numbers) are in
``asskomm.analysis.bericht_model``; this module re-exports them, so ``bericht.parse_region`` and the like work.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from asskomm import labels
from asskomm.analysis import figures, status
from asskomm.analysis.bericht_model import (
    NUMERIC,
    AmtlicheNummer,
    Bericht,
    BerichtInputError,
    Region,
    Spalte,
    Tabelle,
    amtliche_nummern,
    check_dates,
    parse_region,
    regions,
    zelle,
)
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.geo import polizei
from asskomm.records import SOURCE_SEPARATOR, Milestone, Participant, RecordSet, counts_at, period_end

# The report's public API; its shape and inputs live in asskomm.analysis.bericht_model.
__all__ = [
    "NUMERIC",
    "AmtlicheNummer",
    "Bericht",
    "BerichtInputError",
    "Region",
    "Spalte",
    "Tabelle",
    "amtliche_nummern",
    "build",
    "check_dates",
    "parse_region",
    "regions",
    "zelle",
]

AGREEMENT = "kooperationsvereinbarung"
GRANT = "foerderung"
DAYS_PER_MONTH = 365.25 / 12

REGEL_ZEITPUNKT = (
    "Ein Meilenstein zählt ab dem letzten Tag seines Zeitraums (»2021« ab 31.12.2021, »06/2021« ab 30.06.2021); "
    "ein Meilenstein ohne Datum zählt nur zum heutigen Tag."
)
REGEL_GEMEINDEN = (
    "»Gemeinden«, »beraten« und »Gemeinden mit Vereinbarung« zählen Gemeinden (jedes Mitglied eines Verbunds "
    "zählt; »beraten«: mindestens beraten, mit oder ohne Vereinbarung)."
)


# ------------------------------------------------------------------------------------------- helpers
def _urls(quelle: str) -> list[str]:
    return [u.strip() for u in (quelle or "").split(SOURCE_SEPARATOR) if u.strip()]


class _Context:
    """What every table needs: records, Gemeinden, Kreis and PD of each participant."""

    def __init__(self, records: RecordSet, gemeinden: pd.DataFrame, kreis_labels: Mapping[str, str],
                 stichtag: dt.date, von: dt.date, region: Region, today: dt.date) -> None:
        self.records, self.gemeinden, self.kreis_labels = records, gemeinden, kreis_labels
        self.stichtag, self.von, self.region, self.today = stichtag, von, region, today
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
        for url in _urls(quelle):
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

    def kreis_name(self, key: str) -> str:
        return self.kreis_labels.get(key, key)

    def pd_name(self, kreis_key: str) -> str:
        return self.pd_labels.get(self.pd_of_kreis.get(kreis_key, ""), "")

    def counted(self, m: Milestone) -> bool:
        return counts_at(m.datum, self.stichtag, self.today)

    def in_period(self, datum: str) -> bool:
        end = period_end(datum)
        return end is not None and self.von <= end <= self.stichtag

    def members_text(self, p: Participant) -> str:
        if p.kind != "gruppe":
            return ""
        return ", ".join(sorted((self.name_of.get(a, a) for a in p.members), key=str.casefold))

    def basis(self, milestones: Iterable[Milestone], what: str = "Meilensteine") -> str:
        ms = list(milestones)
        sourced = sum(1 for m in ms if _urls(m.quelle))
        return (
            f"Grundlage: {labels.fmt_int(len(ms))} {what} in der Datenbank, "
            f"davon {labels.fmt_int(sourced)} mit Quellenangabe."
        )


_FIGURE_COLUMNS = (
    Spalte("gemeinden", "Gemeinden", "int"),
    Spalte("beraten", "beraten (Gemeinden)", "int"),
    Spalte("vereinbarungen", "Vereinbarungen (Partner)", "int"),
    Spalte("mit_vereinbarung", "Gemeinden mit Vereinbarung", "int"),
    Spalte("modellkommunen", "Modellkommunen", "int"),
    Spalte("praeventionsraete", "Präventionsräte (KPR)", "int"),
    Spalte("sicherheitsanalysen", "Sicherheitsanalysen", "int"),
)
# Published metric → column of the figure tables (the same pairs as the KPI cards).
_PUBLISHED = (
    ("kommunen_advised", "beraten"),
    ("cooperation_agreements", "vereinbarungen"),
    ("model_municipalities", "modellkommunen"),
    ("kpr_constituted_or_reactivated", "praeventionsraete"),
    ("security_analyses_conducted", "sicherheitsanalysen"),
)


def _figures(k: status.Kennzahlen) -> dict[str, int]:
    return {
        "gemeinden": k.gemeinden,
        "beraten": k.status.get("beraten", 0) + k.status.get("kooperation", 0),
        "vereinbarungen": k.vereinbarungen,
        "mit_vereinbarung": k.gemeinden_mit_vereinbarung,
        "modellkommunen": k.modellkommunen,
        "praeventionsraete": k.praeventionsraete,
        "sicherheitsanalysen": k.sicherheitsanalysen,
    }


def _summary(ctx: _Context, **filters: Any) -> status.Summary:
    return status.summary(ctx.records, ctx.gemeinden, Filters(ctx.stichtag, **filters), today=ctx.today)


def _published_hints(ctx: _Context, land: Mapping[str, int]) -> list[str]:
    """»Vereinbarungen (Partner): Datenbank 35, veröffentlicht 60 (11.04.2025)« where the database is below."""
    titles = {s.key: s.titel for s in _FIGURE_COLUMNS}
    out = []
    for metric, key in _PUBLISHED:
        fig = figures.latest(metric, ctx.stichtag)
        if fig is None or fig.value <= land[key]:
            continue
        ctx.cite(fig.source)
        out.append(
            f"{titles[key]}, Sachsen: Datenbank {labels.fmt_int(land[key])}, veröffentlicht "
            f"{labels.fmt_int(fig.value)} ({fig.label}, {labels.fmt_date(fig.date)}; Quelle: {fig.source})."
        )
    return out


def _additivity_hint(rows: Sequence[Mapping[str, Any]], land: Mapping[str, int], what: str) -> list[str]:
    keys = [s.key for s in _FIGURE_COLUMNS]
    over = [k for k in keys if sum(int(r[k]) for r in rows) != land[k]]
    if not over:
        return []
    titles = {s.key: s.titel for s in _FIGURE_COLUMNS}
    return [
        f"Die {what} ergeben in »{', '.join(titles[k] for k in over)}« mehr als Sachsen: ein Verbund mit "
        f"Mitgliedern in mehreren {what} zählt in jeder davon, für Sachsen einmal."
    ]


def _counted_milestones(ctx: _Context, *, region_only: bool = True) -> list[Milestone]:
    out = []
    for m in ctx.records.milestones:
        p = ctx.by_id.get(m.participant_id)
        if p is None or m.baustein == "sonstiges" or not ctx.counted(m):
            continue
        if region_only and not ctx.in_region(p):
            continue
        out.append(m)
    return out


def _figure_rule(ctx: _Context) -> str:
    return (
        f"Stand {labels.fmt_date(ctx.stichtag)}. {REGEL_GEMEINDEN} {labels.TEILNEHMER_REGEL}; ein "
        f"Präventionsrat auf Kreisebene zählt in seinem Kreis. {REGEL_ZEITPUNKT} Die Zeile »Sachsen« zeigt "
        "dieselben Zahlen wie die Kennzahlen der Karte und »asskomm summary«."
    )


def _kreise_table(ctx: _Context, nummer: int, summ: status.Summary, land: dict[str, int]) -> Tabelle:
    rows = []
    for key in ctx.region.kreise:
        k = summ.kreise.get(key)
        if k is None:
            continue
        rows.append({"name": ctx.kreis_name(key), "pd": ctx.pd_name(key), **_figures(k), "_art": ""})
    hints = _additivity_hint(rows, land, "Kreise") if ctx.region.ist_land else []
    if not ctx.region.ist_land:
        region_fig = _figures(_summary(ctx, kreise=ctx.region.kreise).land)
        rows.append({"name": f"Summe {ctx.region.name}", "pd": "", **region_fig, "_art": "summe"})
    rows.append({"name": "Sachsen", "pd": "", **land, "_art": "sachsen"})
    hints += _published_hints(ctx, land)
    return Tabelle(
        nummer,
        "Kreise",
        f"Landkreise und Kreisfreie Städte, Stichtag {labels.fmt_date(ctx.stichtag)}",
        (Spalte("name", "Kreis"), Spalte("pd", "Polizeidirektion"), *_FIGURE_COLUMNS),
        tuple(rows),
        _figure_rule(ctx),
        ctx.basis(_counted_milestones(ctx)),
        tuple(hints),
    )


def _pd_table(ctx: _Context, nummer: int, land: dict[str, int]) -> Tabelle:
    rows = []
    pds = polizei.polizeidirektionen()
    wanted = {ctx.pd_of_kreis.get(k, "") for k in ctx.region.kreise}
    for pd_id, item in pds.items():
        if pd_id not in wanted:
            continue
        fig = _figures(_summary(ctx, polizeidirektionen=(pd_id,)).land)
        kreise = ", ".join(sorted((ctx.kreis_name(k) for k in item.kreise), key=str.casefold))
        rows.append({"name": item.kurz, "kreise": kreise, **fig, "_art": ""})
    hints = _additivity_hint(rows, land, "Polizeidirektionen") if ctx.region.ist_land else []
    rows.append({"name": "Sachsen", "kreise": "", **land, "_art": "sachsen"})
    for item in pds.values():
        for url in item.quellen:
            ctx.cite(url)
    hints.append(
        "Zuständigkeit der Polizeidirektionen: § 1 Abs. 2 SächsPolOrgVO und die Seiten der Polizeidirektionen "
        "(data/polizeidirektionen.csv): "
        + "; ".join(f"{p.kurz}: {', '.join(p.quellen)}" for p in pds.values())
        + "."
    )
    return Tabelle(
        nummer,
        "Polizeidirektionen",
        f"Polizeidirektionen, Stichtag {labels.fmt_date(ctx.stichtag)}",
        (Spalte("name", "Polizeidirektion"), Spalte("kreise", "Kreise"), *_FIGURE_COLUMNS),
        tuple(rows),
        _figure_rule(ctx) + " Jede Gemeinde gehört zur Polizeidirektion ihres Kreises.",
        ctx.basis(_counted_milestones(ctx)),
        tuple(hints),
    )


def _sort_key(datum: str, name: str) -> tuple:
    return (period_end(datum) or dt.date.max, datum, name.casefold())


def _first_agreements(ctx: _Context) -> list[tuple[Participant, Milestone]]:
    """Every participant with an agreement counted at the Stichtag, with its first agreement, in date order."""
    out = []
    for p in ctx.records.participants:
        ms = [m for m in ctx.milestones.get(p.id, []) if m.baustein == AGREEMENT and ctx.counted(m)]
        if ms:
            out.append((p, min(ms, key=lambda m: _sort_key(m.datum, p.name))))
    out.sort(key=lambda pm: _sort_key(pm[1].datum, pm[0].name))
    return out


def _partner_table(ctx: _Context, nummer: int) -> Tabelle:
    official: dict[tuple[str, str], AmtlicheNummer] = {}
    for n in amtliche_nummern():
        end = period_end(n.datum)
        if end is not None and end <= ctx.stichtag:
            official[(n.ags, n.ebene)] = n
    rows, shown_ags, used = [], set(), []
    per_kreis: Counter = Counter()
    for nr, (p, m) in enumerate(_first_agreements(ctx), start=1):
        kreis = ctx.home_kreis(p)
        per_kreis[kreis] += 1
        if not ctx.in_region(p):
            continue
        used.append(m)
        keys = [p.ags] if p.kind != "gruppe" else list(p.members)
        shown_ags.update(k for k in keys if k)
        amtlich = {e: next((official[(a, e)] for a in keys if (a, e) in official), None) for e in ("sachsen", "kreis")}
        for item in amtlich.values():
            if item is not None:
                ctx.cite(item.quelle)
        rows.append({
            "nr": nr,
            "amtlich": amtlich["sachsen"].nummer if amtlich["sachsen"] else None,
            "partner": p.name,
            "art": {"gruppe": "Verbund", "landkreis": "Landkreis"}.get(p.kind, "Gemeinde"),
            "mitglieder": ctx.members_text(p),
            "kreis": ctx.kreis_name(kreis),
            "pd": ctx.pd_name(kreis),
            "datum": m.datum or "ohne Datum",
            "nr_kreis": per_kreis[kreis],
            "amtlich_kreis": amtlich["kreis"].nummer if amtlich["kreis"] else None,
            "quelle": ctx.cite(m.quelle),
            "_art": "",
        })
    hints = []
    for (ags, ebene), n in sorted(official.items(), key=lambda kv: (kv[1].ebene, kv[1].nummer)):
        if ags in shown_ags or ctx.kreis_of.get(ags) not in ctx.region.kreise:
            continue
        ctx.cite(n.quelle)
        where = "in Sachsen" if ebene == "sachsen" else f"im Kreis {ctx.kreis_name(ctx.kreis_of.get(ags, ''))}"
        hints.append(
            f"Lücke: {n.gemeinde} ist laut Quelle die {n.nummer}. {where} ({labels.fmt_date(n.datum)}; "
            f"»{n.aussage}«; {n.quelle}), hat in der Datenbank aber keine Vereinbarung bis zum Stichtag."
            + (f" Hinweis: {n.hinweis}." if n.hinweis else "")
        )
    for r in rows:
        for key, nr_key, where in (("amtlich", "nr", "in Sachsen"), ("amtlich_kreis", "nr_kreis", "im Kreis")):
            stated, counted = r[key], r[nr_key]
            if stated is None or stated == counted:
                continue
            text = f"{r['partner']}: laut Quelle die {stated}. {where}, in der Datenbank Nr. {counted}"
            gap = stated - counted
            hints.append(text + (f"; in der Datenbank fehlen {gap} frühere Vereinbarungen." if gap > 0 else "."))
    if ctx.region.ist_land:
        fig = figures.latest("cooperation_agreements", ctx.stichtag)
        if fig is not None and fig.value > len(rows):
            ctx.cite(fig.source)
            hints.insert(0, (
                f"Die Datenbank kennt {labels.fmt_int(len(rows))} Partner mit Vereinbarung; veröffentlicht sind "
                f"{labels.fmt_int(fig.value)} ({fig.label}, {labels.fmt_date(fig.date)}; Quelle: {fig.source})."
            ))
    undated = sum(1 for r in rows if r["datum"] == "ohne Datum")
    rule = (
        f"{labels.TEILNEHMER_REGEL}: ein Verbund steht in einer Zeile, seine Mitglieder unter »Mitglieder«. "
        "Unterzeichnet haben die Kommune, ihre Polizeidirektion und der Landespräventionsrat. Die laufenden "
        "Nummern zählen die Einträge der Datenbank nach dem Datum der ersten Vereinbarung, in Sachsen und im Kreis "
        "(ein Verbund gehört zum Kreis der meisten Mitglieder); »amtlich« ist die Nummer, die eine Quelle nennt "
        "(data/amtliche_nummern.csv). " + REGEL_ZEITPUNKT
    )
    if undated:
        rule += f" {labels.fmt_int(undated)} Vereinbarung(en) ohne Datum stehen am Ende."
    return Tabelle(
        nummer,
        "Partner",
        f"Partner mit Kooperationsvereinbarung, Stichtag {labels.fmt_date(ctx.stichtag)}",
        (
            Spalte("nr", "Nr. Sachsen", "int"),
            Spalte("amtlich", "Nr. Sachsen amtlich", "int"),
            Spalte("partner", "Partner"),
            Spalte("art", "Art"),
            Spalte("mitglieder", "Mitglieder"),
            Spalte("kreis", "Kreis"),
            Spalte("pd", "Polizeidirektion"),
            Spalte("datum", "Datum", "date"),
            Spalte("nr_kreis", "Nr. im Kreis", "int"),
            Spalte("amtlich_kreis", "Nr. im Kreis amtlich", "int"),
            Spalte("quelle", "Quelle", "url"),
        ),
        tuple(rows),
        rule,
        ctx.basis(used, "Vereinbarungen"),
        tuple(hints),
    )


def _grant_table(ctx: _Context, nummer: int) -> Tabelle:
    grants: dict[tuple[str, str, int], dict[str, Any]] = {}
    used, without = [], []
    for m in ctx.records.milestones:
        p = ctx.by_id.get(m.participant_id)
        if p is None or not ctx.in_region(p) or not ctx.in_period(m.datum):
            continue
        if m.betrag_eur is None:
            if m.baustein == GRANT:
                without.append((p, m))
            continue
        used.append(m)
        kreis = ctx.home_kreis(p)
        year = period_end(m.datum).year  # type: ignore[union-attr]
        item = grants.setdefault((ctx.kreis_name(kreis), p.name, year), {"betrag": 0.0, "n": 0, "quellen": []})
        item["betrag"] += float(m.betrag_eur)
        item["n"] += 1
        for url in _urls(m.quelle):
            if url not in item["quellen"]:
                item["quellen"].append(url)
    rows: list[dict[str, Any]] = []
    total = 0.0
    current = None
    kreis_sum = 0.0

    def close(kreis: str | None) -> None:
        if kreis is not None:
            rows.append({"kreis": f"Summe {kreis}", "partner": "", "jahr": None, "betrag": kreis_sum, "n": None,
                         "quelle": "", "_art": "summe"})

    for (kreis, partner, year), item in sorted(grants.items(), key=lambda kv: (kv[0][0].casefold(), kv[0][1].casefold(), kv[0][2])):
        if kreis != current:
            close(current)
            current, kreis_sum = kreis, 0.0
        kreis_sum += item["betrag"]
        total += item["betrag"]
        quelle = ctx.cite(SOURCE_SEPARATOR.join(item["quellen"]))
        rows.append({"kreis": kreis, "partner": partner, "jahr": year, "betrag": item["betrag"], "n": item["n"],
                     "quelle": quelle, "_art": ""})
    close(current)
    label = "Sachsen" if ctx.region.ist_land else f"Summe {ctx.region.name}"
    rows.append({"kreis": label, "partner": "", "jahr": None, "betrag": total, "n": len(used), "quelle": "",
                 "_art": "sachsen"})
    hints = []
    if without:
        names = ", ".join(sorted({p.name for p, _ in without}, key=str.casefold))
        hints.append(f"{labels.fmt_int(len(without))} Förderung(en) im Zeitraum ohne Betrag in der Datenbank: {names}.")
    for metric in ("funding_granted_cumulative_eur_min",):
        fig = figures.latest(metric, ctx.stichtag)
        if fig is not None and ctx.region.ist_land and fig.value > total:
            ctx.cite(fig.source)
            hints.append(
                f"Veröffentlicht: {fig.label} {labels.fmt_eur(fig.value)} ({labels.fmt_date(fig.date)}; "
                f"Quelle: {fig.source}) – die Datenbank kennt {labels.fmt_eur(total)}."
            )
    return Tabelle(
        nummer,
        "Förderung",
        f"Förderung nach Partner und Jahr, {labels.fmt_date(ctx.von)} bis {labels.fmt_date(ctx.stichtag)}",
        (
            Spalte("kreis", "Kreis"),
            Spalte("partner", "Partner"),
            Spalte("jahr", "Jahr"),
            Spalte("betrag", "Betrag", "eur"),
            Spalte("n", "Einträge", "int"),
            Spalte("quelle", "Quelle", "url"),
        ),
        tuple(rows),
        "Beträge aus den Einträgen der Datenbank (Spalte betrag_eur), zugeordnet dem Jahr ihres Datums; gezählt "
        "werden Einträge, deren Datum im Zeitraum liegt (»2021« zählt als 31.12.2021). Ein Verbund erhält eine "
        "Zeile; Summen je Kreis und für die Region.",
        ctx.basis(used, "Einträge mit Betrag"),
        tuple(hints),
    )


_STEPS = (
    ("beraten", "beraten (erster Eintrag)"),
    (AGREEMENT, "Kooperationsvereinbarung"),
    ("kpr", "Kommunaler Präventionsrat"),
    ("sicherheitsanalyse", "Sicherheitsanalyse"),
)


def _step_dates(ctx: _Context, p: Participant) -> dict[str, tuple[bool, dt.date | None]]:
    """Step → (reached by the Stichtag, earliest dated day) for one participant."""
    out: dict[str, tuple[bool, dt.date | None]] = {}
    for step, _label in _STEPS:
        ms = [m for m in ctx.milestones.get(p.id, []) if ctx.counted(m) and m.baustein != "sonstiges"
              and (step == "beraten" or m.baustein == step)]
        dates = [d for d in (period_end(m.datum) for m in ms) if d is not None]
        out[step] = (bool(ms), min(dates) if dates else None)
    return out


def _path_table(ctx: _Context, nummer: int) -> Tabelle:
    people = [p for p in ctx.records.participants if ctx.in_region(p)]
    steps = {p.id: _step_dates(ctx, p) for p in people}
    advised = [p for p in people if steps[p.id]["beraten"][0]]
    rows = []
    previous = None
    for step, label in _STEPS:
        reached = [p for p in advised if steps[p.id][step][0]]
        months = []
        if previous is not None:
            for p in reached:
                a, b = steps[p.id][previous][1], steps[p.id][step][1]
                if a is not None and b is not None:
                    months.append((b - a).days / DAYS_PER_MONTH)
        rows.append({
            "schritt": label,
            "n": len(reached),
            "anteil": len(reached) / len(advised) if advised else None,
            "median": statistics.median(months) if months else None,
            "paare": len(months) if previous is not None else None,
            "_art": "",
        })
        previous = step
    all_three = [p for p in advised if all(steps[p.id][s][0] for s, _ in _STEPS[1:])]
    rows.append({"schritt": "Vereinbarung, Präventionsrat und Sicherheitsanalyse", "n": len(all_three),
                 "anteil": len(all_three) / len(advised) if advised else None, "median": None, "paare": None,
                 "_art": "summe"})
    used = [m for p in advised for m in ctx.milestones.get(p.id, []) if ctx.counted(m) and m.baustein != "sonstiges"]
    return Tabelle(
        nummer,
        "Weg",
        f"Weg von der Beratung zur Sicherheitsanalyse, Stichtag {labels.fmt_date(ctx.stichtag)}",
        (
            Spalte("schritt", "Schritt"),
            Spalte("n", "Partner", "int"),
            Spalte("anteil", "Anteil der beratenen", "pct"),
            Spalte("median", "Median Monate seit vorigem Schritt", "monate"),
            Spalte("paare", "Partner mit beiden Daten", "int"),
        ),
        tuple(rows),
        f"Partner (Gemeinde, Verbund oder Landkreis) mit einem ASSKomm-Eintrag bis zum Stichtag; "
        f"{labels.TEILNEHMER_REGEL}. »beraten«: der früheste Eintrag außer »Sonstiges«. Monate zwischen den "
        "frühesten Daten zweier Schritte desselben Partners (Median; negativ, wenn z. B. der Präventionsrat älter "
        "ist als die Vereinbarung); Einträge ohne Datum zählen, haben aber keinen Abstand. " + REGEL_ZEITPUNKT,
        ctx.basis(used),
    )


_CHANGE_KINDS = {
    "beraten": "neu beraten",
    AGREEMENT: "neue Kooperationsvereinbarung",
    "kpr": "neuer Präventionsrat",
    "sicherheitsanalyse": "neue Sicherheitsanalyse",
}


def _change_table(ctx: _Context, nummer: int) -> Tabelle:
    rows, used = [], []
    for p in ctx.records.participants:
        if not ctx.in_region(p):
            continue
        for step, art in _CHANGE_KINDS.items():
            ms = [m for m in ctx.milestones.get(p.id, []) if m.baustein != "sonstiges"
                  and (step == "beraten" or m.baustein == step) and period_end(m.datum) is not None]
            if not ms:
                continue
            first = min(ms, key=lambda m: _sort_key(m.datum, p.name))
            if ctx.in_period(first.datum):
                used.append(first)
                kreis = ctx.home_kreis(p)
                rows.append({"art": art, "datum": first.datum, "partner": p.name, "kreis": ctx.kreis_name(kreis),
                             "pd": ctx.pd_name(kreis), "quelle": ctx.cite(first.quelle), "_art": ""})
    # Ended: a Gemeinde whose status at the Stichtag is lower than at the start of the period.
    rank = {s: i for i, s in enumerate(labels.STATUS_ORDER)}
    before = status.status_table(ctx.records, ctx.gemeinden, ctx.von, today=ctx.today)
    after = status.status_table(ctx.records, ctx.gemeinden, ctx.stichtag, today=ctx.today)
    for ags, s0, s1 in zip(before["ags"], before["status"], after["status"], strict=True):
        kreis = ctx.kreis_of.get(ags, "")
        if rank[s1] < rank[s0] and kreis in ctx.region.kreise:
            rows.append({"art": f"beendet: {labels.STATUS_LABELS[s0]}", "datum": "", "partner": ctx.name_of.get(ags, ags),
                         "kreis": ctx.kreis_name(kreis), "pd": ctx.pd_name(kreis), "quelle": "", "_art": ""})
    rows.sort(key=lambda r: (period_end(r["datum"]) or dt.date.max, list(_CHANGE_KINDS.values()).index(r["art"])
                             if r["art"] in _CHANGE_KINDS.values() else 9, r["partner"].casefold()))
    counts = Counter(r["art"] for r in rows)
    summary_line = "Im Zeitraum: " + "; ".join(
        f"{art} {labels.fmt_int(counts.get(art, 0))}" for art in _CHANGE_KINDS.values()
    ) + f"; beendet {labels.fmt_int(sum(v for k, v in counts.items() if k.startswith('beendet')))}."
    return Tabelle(
        nummer,
        "Änderungen",
        f"Änderungen vom {labels.fmt_date(ctx.von)} bis {labels.fmt_date(ctx.stichtag)}",
        (
            Spalte("datum", "Datum", "date"),
            Spalte("art", "Art"),
            Spalte("partner", "Partner"),
            Spalte("kreis", "Kreis"),
            Spalte("pd", "Polizeidirektion"),
            Spalte("quelle", "Quelle", "url"),
        ),
        tuple(rows),
        "»neu«: der früheste datierte Eintrag eines Partners für diesen Schritt liegt im Zeitraum (Anfang und Ende "
        "eingeschlossen). »beendet«: eine Gemeinde, deren Status am Stichtag niedriger ist als am Anfang des "
        "Zeitraums. Die Datenbank kennt keinen Eintrag für das Ende einer Vereinbarung; ein Ende kann daher nur so "
        "erkannt werden. " + REGEL_ZEITPUNKT,
        ctx.basis(used, "Einträge im Zeitraum"),
        (summary_line,),
    )


def build(
    records: RecordSet,
    gemeinden: pd.DataFrame,
    kreis_labels: Mapping[str, str],
    stichtag: dt.date,
    *,
    von: dt.date | None = None,
    region: Region | str | None = None,
    today: dt.date | None = None,
) -> Bericht:
    """The report at ``stichtag`` for ``region`` (default Sachsen), grants and changes from ``von`` (default
    06.02.2019). Raises :class:`BerichtInputError` (German) for a bad date or region."""
    today = today or dt.date.today()
    check_dates(stichtag, von, today)
    if not isinstance(region, Region):
        region = parse_region(region, kreis_labels)
    ctx = _Context(records, gemeinden, kreis_labels, stichtag, von or PROGRAMME_START, region, today)
    summ = _summary(ctx)
    land = _figures(summ.land)
    tables = (
        _kreise_table(ctx, 1, summ, land),
        _pd_table(ctx, 2, land),
        _partner_table(ctx, 3),
        _grant_table(ctx, 4),
        _path_table(ctx, 5),
        _change_table(ctx, 6),
    )
    return Bericht(stichtag, ctx.von, region, today, tables, tuple(ctx.quellen))
