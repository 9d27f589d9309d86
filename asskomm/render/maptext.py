"""The interactive map's words (no folium): escaped data for tooltips, the status texts, the summary sentence
screen readers hear as the map's description, and the legend rows.

Every string that comes from data (names, Kreis names, focus areas, notes) is HTML-escaped here, in Python,
before it can reach tooltip HTML; the map's controller only concatenates escaped fragments.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import numpy as np
import pandas as pd

from asskomm import labels
from asskomm.records.dates import council_label, predates_programme


def esc(value: object) -> str:
    """HTML-escape a data value for tooltip/popup HTML (None/NaN → empty)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def status_since_text(status: str, since: str | None) -> str:
    label = labels.STATUS_LABELS.get(status, status)
    if status == "nicht_beteiligt" or not since:
        return esc(label)
    return f"{esc(label)} seit {esc(labels.fmt_date(since))}"


def tooltip_body(row: Mapping, problemfeld_labels: Mapping[str, str]) -> str:
    """Escaped tooltip lines below name and Kreis: status since, Modellkommune, focus areas."""
    lines = [status_since_text(row["status"], row.get("status_seit"))]
    if row.get("modellkommune"):
        lines.append("Modellkommune")
    if row.get("kpr") and predates_programme(str(row.get("kpr_seit") or "")):
        lines.append(esc(council_label(str(row["kpr_seit"]))))  # »Präventionsrat (seit 1996, vor ASSKomm)«
    pfs = [problemfeld_labels.get(p, p) for p in (row.get("problemfelder") or ())]
    if pfs:
        lines.append("Problemfelder: " + esc(", ".join(pfs)))
    return "<br>".join(lines)


def map_summary(table: pd.DataFrame, matched: pd.Series, *, table_hint: bool = True) -> str:
    """The map in one German sentence (its text alternative beside the table), e.g.
    »42 von 418 Gemeinden beteiligt: 33 mit Kooperationsvereinbarung, 9 beraten; 376 nicht beteiligt. …«"""
    total = len(table)
    hit = table.loc[matched.values]
    counts = hit["status"].value_counts()
    koop, ber = int(counts.get("kooperation", 0)), int(counts.get("beraten", 0))
    rest = len(hit) - koop - ber
    parts = []
    if len(hit) < total:
        parts.append(f"{labels.fmt_int(len(hit))} von {labels.fmt_int(total)} Gemeinden entsprechen den Filtern; davon")
        base = ""
    else:
        base = f" von {labels.fmt_int(total)} Gemeinden"
    parts.append(
        f"{labels.fmt_int(koop + ber)}{base} beteiligt: {labels.fmt_int(koop)} mit "
        f"{labels.STATUS_LABELS['kooperation']}, {labels.fmt_int(ber)} {labels.STATUS_LABELS['beraten']}; "
        f"{labels.fmt_int(rest)} {labels.STATUS_LABELS['nicht_beteiligt']}."
    )
    models = int(hit["modellkommune"].astype(bool).sum()) if "modellkommune" in hit else 0
    if models:
        noun = "Modellkommune" if models == 1 else "Modellkommunen"
        parts.append(f"{labels.fmt_int(models)} {noun} (orange umrandet).")
    if table_hint:
        parts.append("Jede Gemeinde steht mit Status und Quelle in der Tabelle »Gemeinden in dieser Ansicht« "
                     "(Reiter »Tabelle der Gemeinden« unter der Karte).")
    return " ".join(parts)


def legend_rows(table: pd.DataFrame, matched: pd.Series) -> list[dict]:
    """Legend entries with counts (of the matching Gemeinden) in status order."""
    counts = table.loc[matched.values, "status"].value_counts()
    rows = [
        {
            "key": s,
            "label": labels.STATUS_LABELS[s],
            "colour": labels.STATUS_COLOURS[s],
            "count": int(counts.get(s, 0)),
        }
        for s in labels.STATUS_ORDER
    ]
    return rows

