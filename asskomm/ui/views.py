"""What the pages show, computed without Streamlit (so tests can check it): tables, downloads, KPI values.

Pages call these with data from ``asskomm.ui.data`` and only place the result.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from asskomm import labels
from asskomm.analysis.filters import describe
from asskomm.analysis.kpis import kpis_from_frame, kpis_from_summary
from asskomm.geo import polizei
from asskomm.records.dates import counts_at, period_end

try:  # the records module owns the rule; keep a copy only for when it is missing
    from asskomm.records.export import neutralise
except ImportError:  # pragma: no cover

    def neutralise(text: str) -> str:
        return "'" + text if text and text[0] in "=+-@\t\r" else text


# German column headers of the linked table and its downloads (one place).
TABLE_COLUMNS = {
    "name": "Gemeinde",
    "kreis": "Kreis",
    "polizeidirektion": "Polizeidirektion",
    "status": "Status",
    "seit": "Status seit",
    "modellkommune": "Modellkommune",
    "kpr": "Präventionsrat",
    "sicherheitsanalyse": "Sicherheitsanalyse",
    "problemfelder": "Problemfelder",
    "quelle": "Quelle",
    "weitere_quellen": "Weitere Quellen",
    "ags": "AGS",
}


def _period_end(datum: str) -> str:
    """Sort key of a date with precision: the period's last day, ISO ("" when undated)."""
    end = period_end(datum)
    return end.isoformat() if end else ""


def sources_by_ags(records: Any, stand: dt.date, ags_list: Iterable[str]) -> dict[str, list[str]]:
    """Source URLs of the milestones that count by ``stand`` for each AGS, newest first."""
    wanted = set(ags_list)
    if records is None or not hasattr(records, "participants"):
        return {}
    members = {p.id: [a for a in p.members if a in wanted] for p in records.participants}
    found: dict[str, list[tuple[str, str]]] = {}
    for m in records.milestones:
        if not m.quelle:
            continue
        if not counts_at(m.datum, stand):
            continue
        for ags in members.get(m.participant_id, ()):
            found.setdefault(ags, []).append((_period_end(m.datum), m.quelle))
    out = {}
    for ags, items in found.items():
        urls = list(dict.fromkeys(url for _, url in sorted(items, reverse=True)))
        out[ags] = urls
    return out


def karte_table(
    status: pd.DataFrame,
    gemeinden: pd.DataFrame,
    matched: pd.Series,
    *,
    problemfeld_labels: Mapping[str, str] | None = None,
    kreis_labels: Mapping[str, str] | None = None,
    sources: Mapping[str, list[str]] | None = None,
) -> pd.DataFrame:
    """The matching Gemeinden as a display table with German headers (also the download content).

    Sorted by status (highest first), then date, then name. Dates keep their precision (``06/2021``).
    """
    problemfeld_labels = problemfeld_labels or {}
    kreis_labels = kreis_labels or {}
    sources = sources or {}
    # one dict per Gemeinde, looked up by AGS (a DataFrame ``.loc`` per row cost ~90 ms for 418 rows)
    info = {
        str(r["ags"]): r for r in gemeinden[[c for c in ("ags", "name", "kreis_ags", "kreis_name") if c in gemeinden]]
        .to_dict("records")
    }
    pd_of_kreis = polizei.pd_of_kreis()
    pd_labels = polizei.labels()
    rows = []
    for row, ok in zip(status.to_dict("records"), matched.tolist(), strict=True):
        if not ok:
            continue
        ags = str(row["ags"])
        meta = info.get(ags, {})
        kreis_key = str(meta.get("kreis_ags", "")) if meta else ""
        kreis = kreis_labels.get(kreis_key, str(meta.get("kreis_name", "")) if meta else "")
        polizeidirektion = pd_labels.get(pd_of_kreis.get(kreis_key, ""), "")
        rows.append(_karte_row(row, ags, meta, kreis, polizeidirektion, problemfeld_labels, sources.get(ags, [])))
    columns = list(TABLE_COLUMNS.values())
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    frame = frame.sort_values(["_order", "_date", TABLE_COLUMNS["name"]], ascending=[True, True, True])
    return frame[columns].reset_index(drop=True)


_STATUS_RANK = {s: i for i, s in enumerate(labels.STATUS_ORDER)}


def _karte_row(row: Mapping, ags: str, meta: Mapping, kreis: str, polizeidirektion: str,
               problemfeld_labels: Mapping[str, str], urls: list[str]) -> dict[str, Any]:
    """One Gemeinde of :func:`karte_table` (``_order`` and ``_date``: its sort keys)."""
    return {
        "_order": -_STATUS_RANK.get(row["status"], 0),
        "_date": _period_end(str(row.get("status_seit") or "")),
        TABLE_COLUMNS["name"]: str(meta.get("name", ags)) if meta else ags,
        TABLE_COLUMNS["kreis"]: kreis,
        TABLE_COLUMNS["polizeidirektion"]: polizeidirektion,
        TABLE_COLUMNS["status"]: labels.STATUS_LABELS.get(row["status"], row["status"]),
        TABLE_COLUMNS["seit"]: labels.fmt_date(row.get("status_seit"))
        if row["status"] != "nicht_beteiligt"
        else "",
        TABLE_COLUMNS["modellkommune"]: bool(row.get("modellkommune")),
        TABLE_COLUMNS["kpr"]: bool(row.get("kpr")),
        TABLE_COLUMNS["sicherheitsanalyse"]: bool(row.get("sicherheitsanalyse")),
        TABLE_COLUMNS["problemfelder"]: ", ".join(
            problemfeld_labels.get(p, p) for p in (row.get("problemfelder") or ())
        ),
        TABLE_COLUMNS["quelle"]: urls[0] if urls else None,
        TABLE_COLUMNS["weitere_quellen"]: " ".join(urls[1:]),
        TABLE_COLUMNS["ags"]: ags,
    }


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return neutralise(str(value))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for Excel: ``;``-separated, UTF-8 with BOM, formula-like cells neutralised, ja/nein for flags."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "ASSKomm", note: str = "") -> bytes:
    """XLSX with the same German headers and cells as the CSV (every cell written as text)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    for idx, col in enumerate(frame.columns, start=1):
        width = max([len(str(col))] + [len(_cell(v)) for v in frame[col].head(200)]) + 2
        ws.column_dimensions[ws.cell(row=1, column=idx).column_letter].width = min(width, 60)
    ws.freeze_panes = "A2"
    if note:
        info = wb.create_sheet("Hinweise")
        for line in note.splitlines():
            info.append([neutralise(line)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------- KPIs


def kpi_values(summary: Mapping | None, status: pd.DataFrame, matched: pd.Series) -> dict[str, int]:
    """The five KPI cards from ``status.summary`` (its ``land`` figures for the current filters).

    »Beratene Kommunen« counts Gemeinden that are at least advised; the other four count participants as
    ``status.summary`` does (a group that signs together is one agreement). Without a summary (e.g. in a
    unit test) everything is counted from the status table.
    """
    from_summary = kpis_from_summary(summary)
    if from_summary:
        return from_summary
    return kpis_from_frame(status.assign(treffer=matched.to_numpy(dtype=bool)))


def coverage(status: pd.DataFrame, gemeinden: pd.DataFrame, matched: pd.Series) -> dict[str, float]:
    """Share of Saxony's Gemeinden and area that take part (beraten or Kooperation) in the filtered view."""
    part = status["status"].isin(["beraten", "kooperation"]) & matched.values
    coop = (status["status"] == "kooperation") & matched.values
    area = gemeinden.set_index("ags")["flaeche_km2"] if "flaeche_km2" in gemeinden else None
    total_n = len(gemeinden)
    out = {
        "gemeinden_beteiligt": float(part.sum() / total_n) if total_n else 0.0,
        "gemeinden_kooperation": float(coop.sum() / total_n) if total_n else 0.0,
        "n_beteiligt": int(part.sum()),
        "n_gesamt": total_n,
    }
    if area is not None:
        a = status["ags"].map(area).fillna(0.0)
        total_area = float(area.sum())
        out["flaeche_beteiligt"] = float(a[part].sum() / total_area) if total_area else 0.0
        out["flaeche_kooperation"] = float(a[coop].sum() / total_area) if total_area else 0.0
    return out


def published_for(label: str, published: list[dict]) -> dict | None:
    """The published figure for a KPI card (from ``ui.data.published_figures``, chosen by
    ``figures.published_for_kpi``)."""
    for row in published:
        if row.get("kpi") == label and row.get("value") not in (None, ""):
            return row
    return None


def published_region(filters: Any) -> tuple[str, ...] | None:
    """Which published figures fit this view (``analysis.kpis.published_region``: the PDF uses the same)."""
    from asskomm.analysis.kpis import published_region as region

    return region(filters)


def kpi_units(summary: Mapping | None, status: pd.DataFrame, matched: pd.Series) -> dict[str, str]:
    """What each KPI card's number counts, written beside the number, with the Gemeinden the map and the
    legend show for it: »29« + »Vereinbarungen · 35 Gemeinden«. Cards count participants (a Verbund once),
    the legend counts Gemeinden."""
    values = kpi_values(summary, status, matched)
    hit = status[matched.values]
    gemeinden = {
        "Kooperationsvereinbarungen": int((hit["status"] == "kooperation").sum()),
        "Präventionsräte": int(hit["kpr"].astype(bool).sum()),
        "Sicherheitsanalysen": int(hit["sicherheitsanalyse"].astype(bool).sum()),
    }
    nouns = {
        "Kooperationsvereinbarungen": ("Vereinbarung", "Vereinbarungen"),
        "Präventionsräte": ("Rat", "Räte"),
        "Sicherheitsanalysen": ("Analyse", "Analysen"),
    }
    n = values["Beratene Kommunen"]
    out = {"Beratene Kommunen": "Gemeinde" if n == 1 else "Gemeinden"}
    for kpi, (one, many) in nouns.items():
        g = gemeinden[kpi]
        out[kpi] = f"{one if values[kpi] == 1 else many} · {labels.fmt_int(g)} {'Gemeinde' if g == 1 else 'Gemeinden'}"
    return out


def source_site(url: str) -> str:
    """»lpr.sachsen.de« for »https://www.lpr.sachsen.de/…«: the source named where a link cannot be clicked."""
    try:
        host = urlsplit(str(url or "")).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def search_options(gemeinden: pd.DataFrame, kreis_labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """AGS → label for the search box, sorted by name; namesakes get their Kreis (two Auerbach, …)."""
    kreis_labels = kreis_labels or {}
    names = gemeinden["name"].astype(str)
    dup = names.duplicated(keep=False)
    out = {}
    for ags, name, kreis, is_dup in zip(
        gemeinden["ags"].astype(str),
        names,
        gemeinden.get("kreis_ags", pd.Series([""] * len(names))),
        dup,
        strict=True,
    ):
        out[ags] = f"{name} ({kreis_labels.get(str(kreis), str(kreis))})" if is_dup else name
    return dict(sorted(out.items(), key=lambda kv: kv[1].casefold()))


#: German one-liner of the active filters for the page (»ganz Sachsen, alle Gemeinden« without any).
describe_filters = functools.partial(describe, unfiltered="ganz Sachsen, alle Gemeinden")




# ------------------------------------------------------------------------------------ the view as a link
#: URL parameter of the map layers (markers): ``ebenen=kpr,sicherheitsanalyse``; ``ebenen=keine`` for none.
LAYER_PARAM = "ebenen"
LAYER_KINDS = ("kpr", "sicherheitsanalyse")
PRESENTATION_PARAM = "praesentation"


def layers_from_query(value: str | None) -> tuple[str, ...]:
    """The marker layers named in ``?ebenen=…`` (unknown names ignored); all layers without the parameter."""
    if value is None:
        return LAYER_KINDS
    wanted = {v.strip() for v in str(value).split(",")}
    return tuple(k for k in LAYER_KINDS if k in wanted)


def layers_to_query(layers: Iterable[str]) -> str | None:
    """``?ebenen=`` value for these layers; None when they are the default (all), so the URL stays short."""
    chosen = tuple(k for k in LAYER_KINDS if k in set(layers))
    if chosen == LAYER_KINDS:
        return None
    return ",".join(chosen) if chosen else "keine"


def view_query(filters: Any, layers: Iterable[str], *, presentation: bool, today: dt.date | None = None) -> str:
    """The query string (``?…``) of exactly this view: Kreis, Problemfeld, Baustein, Stand and layers.

    With ``presentation`` the projector view of the same view, without it the normal page: the link
    »Präsentationsansicht« and its way back both carry everything the adviser prepared.
    """
    from urllib.parse import urlencode

    query: dict[str, Any] = {}
    if presentation:
        query[PRESENTATION_PARAM] = "1"
    query.update(filters.to_query(today=today))
    # the Stand always goes along: a link opened tomorrow shows the day that was prepared
    query["stand"] = filters.stand.isoformat()
    layer_value = layers_to_query(layers)
    if layer_value is not None:
        query[LAYER_PARAM] = layer_value
    return "?" + urlencode(query, doseq=True)
