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
4. Förderung: grants from the records' amounts per partner and year within the period (von … bis, by default
   06.02.2019 … Stichtag), summed per Kreis.
5. Weg: how many advised partners went on to an agreement, a council and an analysis; median months between
   (councils older than ASSKomm are left out: the path counts councils founded after the first advice).
6. Änderungen: what is new in the period, and what ended (an older council is never »new«).
7. Nummern: every official running number (agreements, councils, advised towns) beside the database's count
   on that day, and the gap it reveals (``asskomm.analysis.bericht_nummern``).

Under each table: its counting rule, its count of sourced entries and, where a figure is below a published
total, that total: the one ``asskomm.analysis.figures.published_for_kpi`` puts beside the KPI card for the same
Stichtag and region (Saxony's beside the Sachsen row, the region's own beside its sum), as on the map, in the PDF
and on the page »Quellen«.

The report's shape and inputs (region, dates, tables, cells, official running numbers) are in
``asskomm.analysis.bericht_model``; this module re-exports them, so ``bericht.parse_region`` and the like work.
Tables 1 and 2 (figures per Kreis and PD) are built here, tables 3 to 6 (about partners) in
``asskomm.analysis.bericht_partner``, on the shared ``asskomm.analysis.bericht_context.Context``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from asskomm import labels
from asskomm.analysis import bericht_nummern, bericht_partner, figures, status
from asskomm.analysis.bericht_context import REGEL_ZEITPUNKT, Context
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
from asskomm.records import Milestone, RecordSet

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

DAYS_PER_MONTH = bericht_partner.DAYS_PER_MONTH  # re-exported (months in the table »Weg«)

REGEL_GEMEINDEN = (
    "»Gemeinden«, »beraten« und »Gemeinden mit Vereinbarung« zählen Gemeinden (jedes Mitglied eines Verbunds "
    "zählt; »beraten«: mindestens beraten, mit oder ohne Vereinbarung)."
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


def _summary(ctx: Context, **filters: Any) -> status.Summary:
    return status.summary(ctx.records, ctx.gemeinden, Filters(ctx.stichtag, **filters), today=ctx.today)


def _published_hints(ctx: Context, where: str, figs: Mapping[str, int], region: tuple[str, ...] = ()) -> list[str]:
    """»Vereinbarungen (Partner), Sachsen: Datenbank 35, veröffentlicht 60 (…, 11.04.2025; Quelle: …).« where the
    database is below the published figure that ``figures.published_for_kpi`` puts beside the KPI card."""
    titles = {s.key: s.titel for s in _FIGURE_COLUMNS}
    out = []
    for kpi, fig in figures.published_kpis(ctx.stichtag, region=region, official=ctx.records.official_figures).items():
        key = figures.KPI_RULES[kpi].field
        if fig.value > figs[key]:
            out.append(
                f"{titles[key]}, {where}: Datenbank {labels.fmt_int(figs[key])}, veröffentlicht {ctx.published(fig)}."
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


def _counted_milestones(ctx: Context, *, region_only: bool = True) -> list[Milestone]:
    out = []
    for m in ctx.records.milestones:
        p = ctx.by_id.get(m.participant_id)
        if p is None or m.baustein == "sonstiges" or not ctx.counted(m):
            continue
        if region_only and not ctx.in_region(p):
            continue
        out.append(m)
    return out


def _figure_rule(ctx: Context) -> str:
    return (
        f"Stand {labels.fmt_date(ctx.stichtag)}. {REGEL_GEMEINDEN} {labels.TEILNEHMER_REGEL}; ein "
        f"Präventionsrat auf Kreisebene zählt in seinem Kreis; Präventionsräte schließen Räte ein, die älter sind "
        f"als ASSKomm (so zählt auch das Ministerium). {REGEL_ZEITPUNKT} Die Zeile »Sachsen« zeigt "
        "dieselben Zahlen wie die Kennzahlen der Karte und »asskomm summary«."
    )


def _kreise_table(ctx: Context, nummer: int, summ: status.Summary, land: dict[str, int]) -> Tabelle:
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
        hints += _published_hints(ctx, ctx.region.name, region_fig, ctx.published_region)
    rows.append({"name": "Sachsen", "pd": "", **land, "_art": "sachsen"})
    hints += _published_hints(ctx, "Sachsen", land)
    columns = (Spalte("name", "Kreis"), Spalte("pd", "Polizeidirektion"), *_FIGURE_COLUMNS)
    return Tabelle(nummer, "Kreise", ctx.at_stichtag("Landkreise und Kreisfreie Städte"), columns, tuple(rows),
                   _figure_rule(ctx), ctx.basis(_counted_milestones(ctx)), tuple(hints))


def _pd_table(ctx: Context, nummer: int, land: dict[str, int]) -> Tabelle:
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
    columns = (Spalte("name", "Polizeidirektion"), Spalte("kreise", "Kreise"), *_FIGURE_COLUMNS)
    rule = _figure_rule(ctx) + " Jede Gemeinde gehört zur Polizeidirektion ihres Kreises."
    return Tabelle(nummer, "Polizeidirektionen", ctx.at_stichtag("Polizeidirektionen"), columns, tuple(rows), rule,
                   ctx.basis(_counted_milestones(ctx)), tuple(hints))


def build(
    records: RecordSet,
    gemeinden: pd.DataFrame,
    kreis_labels: Mapping[str, str],
    stichtag: dt.date,
    *,
    von: dt.date | None = None,
    bis: dt.date | None = None,
    region: Region | str | None = None,
    today: dt.date | None = None,
) -> Bericht:
    """The report at ``stichtag`` for ``region`` (default Sachsen), grants and changes from ``von`` (default
    06.02.2019) to ``bis`` (default: the Stichtag). Raises :class:`BerichtInputError` (German) for a bad date or
    region."""
    today = today or dt.date.today()
    check_dates(stichtag, von, today, bis)
    if not isinstance(region, Region):
        region = parse_region(region, kreis_labels)
    ctx = Context(records, gemeinden, kreis_labels, stichtag, von or PROGRAMME_START, region, today, bis=bis)
    summ = _summary(ctx)
    land = _figures(summ.land)
    tables = (
        _kreise_table(ctx, 1, summ, land),
        _pd_table(ctx, 2, land),
        bericht_partner.partner_table(ctx, 3),
        bericht_partner.grant_table(ctx, 4),
        bericht_partner.path_table(ctx, 5),
        bericht_partner.change_table(ctx, 6),
        bericht_nummern.number_table(ctx, 7),
    )
    return Bericht(stichtag, ctx.von, ctx.bis, region, today, tables, tuple(ctx.quellen))
