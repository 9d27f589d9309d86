"""The Landkreise view: one row per Kreis (13) and what its pictures show (no Streamlit here).

* :func:`kreis_table` – per Kreis at a date: Gemeinden in total, advised (at least ``beraten``), with an
  agreement, the share of Gemeinden and of the area with an agreement, participant counts and focus areas.
  The figures come from ``asskomm.analysis.status.summary`` (the code behind the KPI cards and
  ``python -m asskomm summary``); focus areas from ``asskomm.analysis.status.status_table`` plus Landkreis-level
  participants (a Kreis' own Präventionsrat names focus areas that no single Gemeinde carries).
* :func:`display_table` / :func:`download_table` – German headers; the download keeps German numbers as text
  (write it with ``asskomm.ui.views.csv_bytes``, which neutralises formula cells with ``records.neutralise``).
* :func:`share_class` – the class of the share of Gemeinden with an agreement; ``asskomm.render.kreis_maps``
  draws the choropleth and the Kreis panels as server-rendered pictures (no map library in the browser).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from asskomm import labels
from asskomm.analysis import status
from asskomm.analysis.filters import Filters
from asskomm.geo.layers import kreis_display_names
from asskomm.records import vocabulary as vocab
from asskomm.records.dates import counts_at
from asskomm.records.model import RecordSet

# Column id → German header (table on the page and the CSV download).
COLUMNS = {
    "kreis": "Kreis",
    "typ": "Art",
    "polizeidirektion": "Polizeidirektion",
    "gemeinden": "Gemeinden",
    "beraten": "beraten",
    "mit_vereinbarung": "mit Vereinbarung",
    "modellkommunen": "Modellkommunen",
    "anteil_gemeinden": "Anteil Gemeinden",
    "anteil_flaeche": "Anteil Fläche",
    "vereinbarungen": "Vereinbarungen",
    "praeventionsraete": "Präventionsräte",
    "sicherheitsanalysen": "Sicherheitsanalysen",
    "problemfelder": "Problemfelder",
    "kreis_ags": "Kreisschlüssel",
}
SHARE_COLUMNS = ("anteil_gemeinden", "anteil_flaeche")
# In the download the shares carry their full meaning (no tooltip in a spreadsheet).
DOWNLOAD_SHARE_HEADERS = {
    "anteil_gemeinden": "Anteil Gemeinden mit Vereinbarung (%)",
    "anteil_flaeche": "Anteil Fläche mit Vereinbarung (%)",
}

# Classes of the choropleth (share of Gemeinden with an agreement), upper bounds exclusive; fixed, so the
# colours mean the same at every date. 0 % keeps the »nicht beteiligt« grey of the status map.
SHARE_BREAKS = (0.05, 0.10, 0.20, 0.30)
SHARE_COLOURS = ("#E8E8E8", "#CFE3F3", "#9CC8EA", "#5AA0D6", "#2473B8", "#0B4A86")
SHARE_CLASS_LABELS = (
    "0 %",
    "unter 5 %",
    "5 bis unter 10 %",
    "10 bis unter 20 %",
    "20 bis unter 30 %",
    "30 % und mehr",
)


def kreis_names(kreise: pd.DataFrame) -> dict[str, str]:
    """Kreis key → display name (»Landkreis Leipzig« beside the city of Leipzig); the static map's rule."""
    return kreis_display_names(kreise)


def _kreis_focus(records: RecordSet, stand: dt.date, today: dt.date) -> dict[str, set[str]]:
    """Focus areas of Landkreis-level participants (Kreis key → ids) known by ``stand``."""
    out: dict[str, set[str]] = {}
    kreis_of = {p.id: p.ags for p in records.participants if p.kind == "landkreis" and p.ags}
    for m in records.milestones:
        key = kreis_of.get(m.participant_id)
        if key and m.problemfelder and counts_at(m.datum, stand, today):
            out.setdefault(key, set()).update(m.problemfelder)
    return out


def kreis_table(
    records: RecordSet,
    gemeinden: pd.DataFrame,
    kreise: pd.DataFrame,
    stand: dt.date,
    *,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """One row per Kreis (in the order of ``kreise``) with the figures at ``stand``.

    Columns: ``kreis_ags``, ``kreis`` (display name), ``typ``, ``gemeinden``, ``beraten`` (Gemeinden at least
    advised, i.e. ``beraten`` or ``kooperation``), ``nur_beraten``, ``mit_vereinbarung`` (Gemeinden with an
    agreement, a group colours all its members), ``anteil_gemeinden`` and ``anteil_flaeche`` (0..1, with an
    agreement), ``anteil_flaeche_beteiligt`` (0..1, at least advised), ``vereinbarungen``,
    ``praeventionsraete``, ``sicherheitsanalysen``, ``modellkommunen`` (participants: a group counts once,
    a Landkreis-level participant counts in its Kreis), ``problemfelder`` (tuple of (id, number of Gemeinden)
    in descending order; a Landkreis-level focus area counts as 0 Gemeinden), ``flaeche_km2``.
    """
    today = today or dt.date.today()
    summ = status.summary(records, gemeinden, Filters(stand), today=today)
    table = status.status_table(records, gemeinden, stand, today=today)
    focus, advised_area = _focus_and_advised_area(records, gemeinden, table, stand, today)
    pf_order = {p: i for i, p in enumerate(vocab.problemfeld_ids())}
    names = kreis_names(kreise)
    rows = []
    for key, kind in zip(kreise["kreis_ags"].astype(str), kreise["typ"].astype(str), strict=True):
        k = summ.kreise.get(key)
        if k is None:
            continue
        counter = focus.get(key, Counter())
        pfs = tuple(sorted(counter.items(), key=lambda kv: (-kv[1], pf_order.get(kv[0], 999))))
        rows.append(_kreis_row(key, names[key], kind, k, pfs, advised_area.get(key, 0.0)))
    return pd.DataFrame(rows)


def _focus_and_advised_area(
    records: RecordSet, gemeinden: pd.DataFrame, table: pd.DataFrame, stand: dt.date, today: dt.date
) -> tuple[dict[str, Counter], dict[str, float]]:
    """Per Kreis: Gemeinden per Problemfeld (a Landkreis-level focus area with 0), and the advised area."""
    kreis_of = dict(zip(gemeinden["ags"].astype(str), gemeinden["kreis_ags"].astype(str), strict=True))
    area = dict(zip(gemeinden["ags"].astype(str), pd.to_numeric(gemeinden["flaeche_km2"]), strict=True))
    focus: dict[str, Counter] = {}
    advised_area: dict[str, float] = {}
    for ags, st_, pfs in zip(table["ags"], table["status"], table["problemfelder"], strict=True):
        key = kreis_of[ags]
        focus.setdefault(key, Counter()).update(pfs)
        if st_ != "nicht_beteiligt":
            advised_area[key] = advised_area.get(key, 0.0) + float(area[ags])
    for key, pfs in _kreis_focus(records, stand, today).items():
        counter = focus.setdefault(key, Counter())
        for pf in pfs:
            counter.setdefault(pf, 0)
    return focus, advised_area


def _kreis_row(
    key: str, name: str, kind: str, k: status.Kennzahlen, pfs: tuple, advised_area: float
) -> dict[str, object]:
    beraten = k.status.get("beraten", 0) + k.status.get("kooperation", 0)
    return {
        "kreis_ags": key,
        "kreis": name,
        "typ": kind,
        "gemeinden": k.gemeinden,
        "beraten": beraten,
        "nur_beraten": k.status.get("beraten", 0),
        "mit_vereinbarung": k.gemeinden_mit_vereinbarung,
        "anteil_gemeinden": k.anteil_gemeinden,
        "anteil_flaeche": k.anteil_flaeche,
        "anteil_flaeche_beteiligt": advised_area / k.flaeche_km2 if k.flaeche_km2 else 0.0,
        "vereinbarungen": k.vereinbarungen,
        "praeventionsraete": k.praeventionsraete,
        "sicherheitsanalysen": k.sicherheitsanalysen,
        "modellkommunen": k.modellkommunen,
        "problemfelder": pfs,
        "flaeche_km2": k.flaeche_km2,
    }


@dataclasses.dataclass(frozen=True)
class Totals:
    gemeinden: int
    beraten: int
    mit_vereinbarung: int
    anteil_gemeinden: float
    anteil_flaeche: float
    vereinbarungen: int


def totals(table: pd.DataFrame) -> Totals:
    """Saxony as a whole, from the per-Kreis rows (area shares weighted by area)."""
    area = table["flaeche_km2"].astype(float)
    total_area = float(area.sum())
    n = int(table["gemeinden"].sum())
    with_agreement = int(table["mit_vereinbarung"].sum())
    return Totals(
        gemeinden=n,
        beraten=int(table["beraten"].sum()),
        mit_vereinbarung=with_agreement,
        anteil_gemeinden=with_agreement / n if n else 0.0,
        anteil_flaeche=float((table["anteil_flaeche"] * area).sum() / total_area) if total_area else 0.0,
        vereinbarungen=int(table["vereinbarungen"].sum()),
    )


def focus_text(problemfelder: Sequence[tuple[str, int]], pf_labels: Mapping[str, str], limit: int = 0) -> str:
    """»Vandalismus (5), Jugend (3), Demokratieförderung (Kreis)« – counts are Gemeinden."""
    items = list(problemfelder)
    rest = 0
    if limit and len(items) > limit:
        items, rest = items[:limit], len(items) - limit
    parts = [f"{pf_labels.get(pf, pf)} ({labels.fmt_int(n) if n else 'Kreis'})" for pf, n in items]
    if rest:
        parts.append(f"+{rest} weitere")
    return ", ".join(parts)


def display_table(table: pd.DataFrame, pf_labels: Mapping[str, str]) -> pd.DataFrame:
    """The table as the page shows it: German headers, numbers kept numeric (so sorting works)."""
    from asskomm.geo import polizei

    pd_of_kreis, pd_labels = polizei.pd_of_kreis(), polizei.labels()
    out = pd.DataFrame(
        {
            COLUMNS["kreis"]: table["kreis"],
            COLUMNS["typ"]: table["typ"],
            COLUMNS["polizeidirektion"]: [pd_labels.get(pd_of_kreis.get(str(k), ""), "") for k in table["kreis_ags"]],
            COLUMNS["gemeinden"]: table["gemeinden"].astype(int),
            COLUMNS["beraten"]: table["beraten"].astype(int),
            COLUMNS["mit_vereinbarung"]: table["mit_vereinbarung"].astype(int),
            COLUMNS["modellkommunen"]: table["modellkommunen"].astype(int),
            COLUMNS["anteil_gemeinden"]: table["anteil_gemeinden"].astype(float),
            COLUMNS["anteil_flaeche"]: table["anteil_flaeche"].astype(float),
            COLUMNS["vereinbarungen"]: table["vereinbarungen"].astype(int),
            COLUMNS["praeventionsraete"]: table["praeventionsraete"].astype(int),
            COLUMNS["sicherheitsanalysen"]: table["sicherheitsanalysen"].astype(int),
            COLUMNS["problemfelder"]: [focus_text(p, pf_labels) for p in table["problemfelder"]],
            COLUMNS["kreis_ags"]: table["kreis_ags"].astype(str),
        }
    )
    return out.reset_index(drop=True)


def download_table(table: pd.DataFrame, pf_labels: Mapping[str, str]) -> pd.DataFrame:
    """The table for the CSV download: shares as German percent text (»12,3«), all cells plain text."""
    out = display_table(table, pf_labels)
    for col in SHARE_COLUMNS:
        header = COLUMNS[col]
        out[header] = [labels.fmt_num(v * 100, 1) for v in out[header]]
        out = out.rename(columns={header: DOWNLOAD_SHARE_HEADERS[col]})
    return out


# --------------------------------------------------------------------------------------------- share classes


def share_class(share: float) -> int:
    """Index into :data:`SHARE_COLOURS` for a share 0..1 (0 = exactly 0 %)."""
    if share <= 0:
        return 0
    for i, upper in enumerate(SHARE_BREAKS, start=1):
        if share < upper:
            return i
    return len(SHARE_BREAKS) + 1


def participation_note(row: Mapping[str, Any]) -> str:
    """»Modellkommune« / »3 beteiligt« for a Kreis without an agreement that takes part; else empty.

    The Landkreise map hatches such a Kreis, so a Modellkommune (Leipzig, Chemnitz) never looks absent."""
    if float(row.get("anteil_gemeinden", 0) or 0) > 0:
        return ""
    if int(row.get("modellkommunen", 0) or 0):
        return "Modellkommune" if int(row.get("gemeinden", 0) or 0) == 1 else "mit Modellkommune"
    n = int(row.get("beraten", 0) or 0)
    return f"{labels.fmt_int(n)} beteiligt" if n else ""


def status_lookup(status_table: pd.DataFrame) -> tuple[dict[str, str], tuple[str, ...]]:
    """(AGS → status, AGS of Modellkommunen) from a status table."""
    status_of = dict(zip(status_table["ags"].astype(str), status_table["status"].astype(str), strict=True))
    model = tuple(
        str(a) for a, m in zip(status_table["ags"], status_table["modellkommune"], strict=True) if m
    )
    return status_of, model


def panel_caption(row: Mapping[str, Any], pf_labels: Mapping[str, str]) -> list[str]:
    """German lines under a small multiple (plain text; the page may bold the first)."""
    note = participation_note(row)
    lines = [
        f"{labels.fmt_int(row['mit_vereinbarung'])} von {labels.fmt_int(row['gemeinden'])} mit Vereinbarung "
        f"({labels.fmt_pct(row['anteil_gemeinden'])})" + (f" · {note}" if note else ""),
        f"Fläche: {labels.fmt_pct(row['anteil_flaeche'])} · nur beraten: {labels.fmt_int(row['nur_beraten'])}",
    ]
    extra = []
    if row.get("praeventionsraete"):
        extra.append(f"Präventionsräte: {labels.fmt_int(row['praeventionsraete'])}")
    if row.get("sicherheitsanalysen"):
        extra.append(f"Sicherheitsanalysen: {labels.fmt_int(row['sicherheitsanalysen'])}")
    if extra:
        lines.append(" · ".join(extra))
    focus = focus_text(row.get("problemfelder") or (), pf_labels, limit=2)
    lines.append(f"Problemfelder: {focus}" if focus else "Problemfelder: keine erfasst")
    return lines


GEMEINDE_COLUMNS = {
    "name": "Gemeinde",
    "kreis": "Kreis",
    "status": "Status",
    "seit": "seit",
    "problemfelder": "Problemfelder",
    "seite": "Seite",
}


def gemeinden_table(
    status_table: pd.DataFrame,
    gemeinden: pd.DataFrame,
    kreise: Sequence[str],
    *,
    kreis_labels: Mapping[str, str],
    pf_labels: Mapping[str, str],
) -> pd.DataFrame:
    """The Gemeinden of the chosen Kreise with their status – those without an agreement first (for advisers
    preparing visits), then by name. ``Seite`` links to the municipality's page."""
    info = (
        gemeinden[["ags", "name", "kreis_ags"]]
        .astype(str)
        .merge(status_table[["ags", "status", "status_seit", "problemfelder"]], on="ags", how="left")
    )
    info = info[info["kreis_ags"].isin(set(kreise))]
    rank = {"nicht_beteiligt": 0, "beraten": 1, "kooperation": 2}
    info = info.assign(_r=info["status"].map(rank).fillna(0)).sort_values(["_r", "name"], kind="stable")
    return pd.DataFrame(
        {
            GEMEINDE_COLUMNS["name"]: info["name"],
            GEMEINDE_COLUMNS["kreis"]: [kreis_labels.get(k, k) for k in info["kreis_ags"]],
            GEMEINDE_COLUMNS["status"]: [labels.STATUS_LABELS.get(s, s) for s in info["status"]],
            GEMEINDE_COLUMNS["seit"]: [labels.fmt_date(s) if s else "" for s in info["status_seit"]],
            GEMEINDE_COLUMNS["problemfelder"]: [
                ", ".join(pf_labels.get(p, p) for p in (pfs or ())) for pfs in info["problemfelder"]
            ],
            GEMEINDE_COLUMNS["seite"]: [f"/kommune?ags={a}" for a in info["ags"]],
        }
    ).reset_index(drop=True)
