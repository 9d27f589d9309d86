"""Export of the records in the import format (CSV for German Excel, XLSX), formula cells neutralised."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from asskomm.records import vocabulary as vocab
from asskomm.records.gazetteer import Gazetteer, as_gazetteer
from asskomm.records.importformat import EXPORT_COLUMNS
from asskomm.records.model import RecordSet

# Export


def neutralise(text: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe."""
    return "'" + text if text and text[0] in "=+-@\t\r" else text


def _amount_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".replace(".", ",")


def export_rows(
    records: RecordSet, gemeinden: pd.DataFrame | Gazetteer | None = None
) -> list[dict[str, Any]]:
    """The records as import-format rows (a group milestone gives one row per member), sorted."""
    from asskomm.geo import polizei

    gaz = None if gemeinden is None else as_gazetteer(gemeinden)
    pd_of_kreis, pd_labels = polizei.pd_of_kreis(), polizei.labels()
    by_id = {p.id: p for p in records.participants}
    order = {b: i for i, b in enumerate(vocab.baustein_ids())}
    out = []
    for m in records.milestones:
        p = by_id[m.participant_id]
        base = {
            "baustein": m.baustein,
            "datum": m.datum,
            "problemfelder": ";".join(m.problemfelder),
            "betrag_eur": m.betrag_eur,
            "quelle": m.quelle,
            "bemerkung": m.bemerkung,
            "unbestaetigt": m.unbestaetigt,
        }
        targets = p.members if p.kind == "gruppe" else (p.ags,)
        for ags in targets:
            gname = (gaz.names.get(ags, "") if gaz else "") if p.kind == "gruppe" else p.name
            if gaz is None:
                kreis = kreis_key = ""
            elif p.kind == "landkreis":
                kreis_key = ags
                kreis = gaz.kreis_names.get(ags, "")
            else:
                kreis_key = gaz.kreis_of.get(ags, "")
                kreis = gaz.kreis_names.get(kreis_key, "")
            out.append(
                {
                    "ags": ags,
                    "gemeinde": gname,
                    "kreis": kreis,
                    "polizeidirektion": pd_labels.get(pd_of_kreis.get(kreis_key, ""), ""),
                    **base,
                    "gruppe": p.name if p.kind == "gruppe" else "",
                }
            )
    out.sort(
        key=lambda r: (
            r["gruppe"] or r["gemeinde"],
            r["gruppe"],
            order.get(r["baustein"], 99),
            r["datum"],
            r["ags"],
        )
    )
    return out


def export(records: RecordSet, path: str | Path, gemeinden: pd.DataFrame | Gazetteer | None = None) -> int:
    """Write the records to CSV (``;``, UTF-8 with BOM, formulas neutralised) or XLSX; returns the row count."""
    path = Path(path)
    rows = export_rows(records, gemeinden)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _write_xlsx(rows, path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            writer.writerow(EXPORT_COLUMNS)
            for r in rows:
                writer.writerow(
                    [
                        neutralise(_amount_text(r[c]) if c == "betrag_eur" else str(r[c] or ""))
                        for c in EXPORT_COLUMNS
                    ]
                )
    return len(rows)


def _write_xlsx(rows: Iterable[Mapping[str, Any]], path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ASSKomm"
    ws.append(list(EXPORT_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(EXPORT_COLUMNS, start=1):
            value = row[col]
            cell = ws.cell(row=r, column=c)
            if col == "betrag_eur":
                cell.value = value
            else:
                cell.value = str(value or "")
                cell.data_type = "s"  # text, never a formula
    ws.freeze_panes = "A2"
    wb.save(path)
