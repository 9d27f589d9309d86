"""Reading import files: CSV (encoding and delimiter detection) and XLSX into rows of text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

from asskomm.records.importformat import _CONTROL, _MOJIBAKE, MAX_IMPORT_ROWS, Issue

# Reading files


def read_table(path: Path, data: bytes, issues: list[Issue]) -> list[list[Any]] | None:
    """Raw cells (header first) from CSV or XLSX bytes; None after recording an error."""
    name = path.name
    suffix = path.suffix.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        issues.append(
            Issue(
                "Das alte Excel-Format (.xls) wird nicht unterstützt; bitte als .xlsx oder CSV speichern.",
                file=name,
            )
        )
        return None
    if suffix in (".xlsx", ".xlsm"):
        if not is_zip:
            issues.append(Issue("Die Datei ist keine gültige Excel-Datei (.xlsx).", file=name))
            return None
        return _read_xlsx(data, name, issues)
    if is_zip:
        issues.append(
            Issue(
                "Die Datei ist keine CSV-Datei, sondern eine Binärdatei (vermutlich eine Excel- "
                "oder ZIP-Datei mit falscher Endung). Bitte als .xlsx hochladen oder als CSV speichern.",
                file=name,
            )
        )
        return None
    text = _decode(data, name, issues)
    if text is None:
        return None
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=lambda d: (first.count(d), d == ";"))
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _decode(data: bytes, name: str, issues: list[Issue]) -> str | None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            issues.append(Issue("Die Datei ist nicht lesbar kodiert (UTF-16 fehlerhaft).", file=name))
            return None
    elif b"\x00" in data:
        issues.append(
            Issue(
                "Die Datei ist keine Textdatei (Binärdaten oder eine nicht unterstützte Kodierung). "
                "Bitte als CSV (UTF-8 oder Windows-1252) oder .xlsx speichern.",
                file=name,
            )
        )
        return None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                issues.append(
                    Issue(
                        "Die Kodierung der Datei ist nicht erkannt (weder UTF-8 noch Windows-1252).",
                        file=name,
                    )
                )
                return None
    text = text.lstrip("\ufeff")
    if len(_CONTROL.findall(text[:100_000])) > 0:
        issues.append(
            Issue("Die Datei enthält Steuerzeichen und ist wohl keine CSV-Datei (Binärdatei?).", file=name)
        )
        return None
    if m := _MOJIBAKE.search(text):
        line = text[: m.start()].count("\n") + 1
        issues.append(
            Issue(
                f"Die Datei ist falsch kodiert: »{m.group(0)}« statt eines Umlauts (UTF-8-Text wurde "
                "als Windows-1252 gespeichert). Bitte die Datei mit der richtigen Kodierung neu speichern.",
                row=line,
                file=name,
            )
        )
        return None
    return text


def _read_xlsx(data: bytes, name: str, issues: list[Issue]) -> list[list[Any]] | None:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        issues.append(Issue(f"Die Excel-Datei ist nicht lesbar ({type(exc).__name__}).", file=name))
        return None
    try:
        ws = wb.worksheets[0]
        rows: list[list[Any]] = []
        for r, cells in enumerate(ws.iter_rows(), start=1):
            values = []
            for c, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    issues.append(
                        Issue(
                            f"Formel »{str(cell.value)[:40]}« ist nicht erlaubt; bitte den Wert als Text "
                            "eingeben.",
                            row=r,
                            column=f"Spalte {c + 1}",
                            file=name,
                        )
                    )
                    values.append("")
                else:
                    values.append(cell.value)
            rows.append(values)
            if r > MAX_IMPORT_ROWS + 1:
                break
        return rows
    finally:
        wb.close()


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --------------------------------------------------------------------------------------------------
