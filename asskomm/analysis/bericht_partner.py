"""The report's tables about partners: 3. Partner (agreements with running numbers beside the official ones),
4. Förderung (grants per partner and year), 5. Weg (advised → agreement → council → analysis), 6. Änderungen
(new and ended in the period). Tables 1 and 2 and :func:`asskomm.analysis.bericht.build` are in
``asskomm.analysis.bericht``."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any

from asskomm import labels
from asskomm.analysis import figures, status
from asskomm.analysis.bericht_context import AGREEMENT, GRANT, REGEL_ZEITPUNKT, Context, sort_key, urls
from asskomm.analysis.bericht_model import AmtlicheNummer, Spalte, Tabelle, amtliche_nummern
from asskomm.records import SOURCE_SEPARATOR, Milestone, Participant, period_end

DAYS_PER_MONTH = 365.25 / 12


def _first_agreements(ctx: Context) -> list[tuple[Participant, Milestone]]:
    """Every participant with an agreement counted at the Stichtag, with its first agreement, in date order."""
    out = []
    for p in ctx.records.participants:
        ms = [m for m in ctx.milestones.get(p.id, []) if m.baustein == AGREEMENT and ctx.counted(m)]
        if ms:
            out.append((p, min(ms, key=lambda m: sort_key(m.datum, p.name))))
    out.sort(key=lambda pm: sort_key(pm[1].datum, pm[0].name))
    return out


def partner_table(ctx: Context, nummer: int) -> Tabelle:
    official = _official_numbers(ctx)
    rows, shown_ags, used = _partner_rows(ctx, official)
    hints = _gap_hints(ctx, official, shown_ags) + _number_hints(rows)
    # the figure beside the KPI card »Kooperationsvereinbarungen« for the same Stichtag and region
    fig = figures.published_for_kpi(
        "Kooperationsvereinbarungen", ctx.stichtag, region=ctx.published_region, official=ctx.records.official_figures
    )
    if fig is not None and fig.value > len(rows):
        hints.insert(0, (
            f"Die Datenbank kennt {labels.fmt_int(len(rows))} Partner mit Vereinbarung; veröffentlicht sind "
            f"{ctx.published(fig)}."
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
        nummer, "Partner", ctx.at_stichtag("Partner mit Kooperationsvereinbarung"),
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


def _official_numbers(ctx: Context) -> dict[tuple[str, str], AmtlicheNummer]:
    """(AGS, »sachsen«|»kreis«) → the running number a source states, for those dated by the Stichtag."""
    official: dict[tuple[str, str], AmtlicheNummer] = {}
    for n in amtliche_nummern():
        end = period_end(n.datum)
        if n.baustein == AGREEMENT and end is not None and end <= ctx.stichtag:
            official[(n.ags, n.ebene)] = n
    return official


def _partner_rows(
    ctx: Context, official: dict[tuple[str, str], AmtlicheNummer]
) -> tuple[list[dict[str, Any]], set[str], list[Milestone]]:
    """One row per partner in the region (numbered in Sachsen and in its Kreis), the AGS shown, the agreements."""
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
    return rows, shown_ags, used


def _gap_hints(ctx: Context, official: dict[tuple[str, str], AmtlicheNummer], shown_ags: set[str]) -> list[str]:
    """An official number in the region whose Gemeinde has no agreement in the database."""
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
    return hints


def _number_hints(rows: list[dict[str, Any]]) -> list[str]:
    """A partner whose official number differs from the database's running number."""
    hints = []
    for r in rows:
        for key, nr_key, where in (("amtlich", "nr", "in Sachsen"), ("amtlich_kreis", "nr_kreis", "im Kreis")):
            stated, counted = r[key], r[nr_key]
            if stated is None or stated == counted:
                continue
            text = f"{r['partner']}: laut Quelle die {stated}. {where}, in der Datenbank Nr. {counted}"
            gap = stated - counted
            hints.append(text + (f"; in der Datenbank fehlen {gap} frühere Vereinbarungen." if gap > 0 else "."))
    return hints


def _grants(
    ctx: Context,
) -> tuple[dict[tuple[str, str, int], dict[str, Any]], list[Milestone], list[tuple[Participant, Milestone]]]:
    """Amounts per (Kreis, partner, year) in the period and region; the entries used; grants without an amount."""
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
        for url in urls(m.quelle):
            if url not in item["quellen"]:
                item["quellen"].append(url)
    return grants, used, without


def _grant_rows(
    ctx: Context, grants: dict[tuple[str, str, int], dict[str, Any]], n_used: int
) -> tuple[list[dict[str, Any]], float]:
    """Rows sorted by Kreis, partner and year, a sum after each Kreis, then the region's total."""
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
    rows.append({"kreis": label, "partner": "", "jahr": None, "betrag": total, "n": n_used, "quelle": "",
                 "_art": "sachsen"})
    return rows, total


def grant_table(ctx: Context, nummer: int) -> Tabelle:
    grants, used, without = _grants(ctx)
    rows, total = _grant_rows(ctx, grants, len(used))
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
        f"Förderung nach Partner und Jahr, {labels.fmt_date(ctx.von)} bis {labels.fmt_date(ctx.bis)}",
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


def _path_milestones(ctx: Context, p: Participant) -> list[Milestone]:
    """The milestones of a partner's path: counted by the Stichtag, not »Sonstiges«, and never a council older
    than ASSKomm (the path counts only councils founded after the first advice)."""
    return [m for m in ctx.milestones.get(p.id, []) if ctx.counted(m) and m.baustein != "sonstiges"
            and not m.older_council]


def _step_dates(ctx: Context, p: Participant) -> dict[str, tuple[bool, dt.date | None]]:
    """Step → (reached by the Stichtag, earliest dated day) for one participant."""
    out: dict[str, tuple[bool, dt.date | None]] = {}
    path = _path_milestones(ctx, p)
    for step, _label in _STEPS:
        ms = [m for m in path if step == "beraten" or m.baustein == step]
        dates = [d for d in (period_end(m.datum) for m in ms) if d is not None]
        out[step] = (bool(ms), min(dates) if dates else None)
    return out


def path_table(ctx: Context, nummer: int) -> Tabelle:
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
    used = [m for p in advised for m in _path_milestones(ctx, p)]
    return Tabelle(
        nummer, "Weg", ctx.at_stichtag("Weg von der Beratung zur Sicherheitsanalyse"),
        (
            Spalte("schritt", "Schritt"),
            Spalte("n", "Partner", "int"),
            Spalte("anteil", "Anteil der beratenen", "pct"),
            Spalte("median", "Median Monate seit vorigem Schritt", "monate"),
            Spalte("paare", "Partner mit beiden Daten", "int"),
        ),
        tuple(rows),
        f"Partner (Gemeinde, Verbund oder Landkreis) mit einem ASSKomm-Eintrag bis zum Stichtag; "
        f"{labels.TEILNEHMER_REGEL}. »beraten«: der früheste Eintrag außer »Sonstiges«. Präventionsräte, die älter "
        "sind als ASSKomm (vor dem 06.02.2019 gegründet), zählen hier nicht: der Weg zählt nur Räte, die nach der "
        "ersten Beratung gegründet wurden. Monate zwischen den "
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


def change_table(ctx: Context, nummer: int) -> Tabelle:
    rows, used = [], []
    for p in ctx.records.participants:
        if not ctx.in_region(p):
            continue
        for step, art in _CHANGE_KINDS.items():
            ms = [m for m in ctx.milestones.get(p.id, []) if m.baustein != "sonstiges" and not m.older_council
                  and (step == "beraten" or m.baustein == step) and period_end(m.datum) is not None]
            if not ms:
                continue
            first = min(ms, key=lambda m: sort_key(m.datum, p.name))
            if ctx.in_period(first.datum):
                used.append(first)
                kreis = ctx.home_kreis(p)
                rows.append({"art": art, "datum": first.datum, "partner": p.name, "kreis": ctx.kreis_name(kreis),
                             "pd": ctx.pd_name(kreis), "quelle": ctx.cite(first.quelle), "_art": ""})
    # Ended: a Gemeinde whose status at the end of the period is lower than at its start.
    rank = {s: i for i, s in enumerate(labels.STATUS_ORDER)}
    before = status.status_table(ctx.records, ctx.gemeinden, ctx.von, today=ctx.today)
    after = status.status_table(ctx.records, ctx.gemeinden, ctx.bis, today=ctx.today)
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
        f"Änderungen vom {labels.fmt_date(ctx.von)} bis {labels.fmt_date(ctx.bis)}",
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
        "eingeschlossen). »beendet«: eine Gemeinde, deren Status am Ende des Zeitraums niedriger ist als an seinem "
        "Anfang. Die Datenbank kennt keinen Eintrag für das Ende einer Vereinbarung; ein Ende kann daher nur so "
        "erkannt werden. " + REGEL_ZEITPUNKT,
        ctx.basis(used, "Einträge im Zeitraum"),
        (summary_line,),
    )
