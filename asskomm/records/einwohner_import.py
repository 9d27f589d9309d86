"""A newer official population file for ``data/einwohner.csv`` (``python -m asskomm einwohner import FILE``):

- GV-ISys »Auszug« of Destatis (XLSX; rows of Satzart 60 are Gemeinden; the Stichtag is read from the title),
- or a CSV with the columns ``AGS`` and ``Einwohner`` (``;`` or ``,``; UTF-8 or Windows-1252).

Validation as for the records: every problem with file, row and column in German; old keys of merged
Gemeinden are mapped to today's key and summed; unknown keys, duplicates, missing Gemeinden and bad numbers
are refused; the Land total of a GV-ISys file must equal the sum of its Gemeinden; a total that moves by more
than ``MAX_TOTAL_CHANGE`` against the current file is refused as a probable wrong file. Nothing is written
unless the whole file is valid.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from asskomm.records import vocabulary as vocab
from asskomm.records.einwohner import EINWOHNER_FILE, FILE_COLUMNS, LICENCE
from asskomm.records.gazetteer import Gazetteer
from asskomm.records.importformat import LAND_PREFIX, Issue

MAX_TOTAL_CHANGE = 0.10
MAX_BYTES = 20 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class ParsedPopulation:
    source: str
    einwohner: dict[str, int]
    stichtag: dt.date | None
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self, limit: int = 30) -> str:
        lines = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"… und {len(self.errors) - limit} weitere Fehler")
        return "\n".join(lines)


_AGS_HEADERS = {"ags", "gemeindeschluessel", "gemeindeschlussel", "schluessel", "ars", "rs", "amtlicher gemeindeschluessel"}
_POP_HEADERS = {"einwohner", "bevoelkerung", "bevolkerung", "population", "einwohnerzahl", "bevoelkerung insgesamt"}


def _fold(text: Any) -> str:
    return vocab.fold(str(text if text is not None else "")).strip()


def _int(value: Any) -> int:
    """An inhabitant count: an integer ≥ 0 (``12.345`` with German thousands separators is allowed)."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        n = int(value)
    else:
        text = str(value or "").strip().replace("\u00a0", "").replace(" ", "")
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", text):
            raise ValueError
        n = int(text.replace(".", ""))
    if n < 0:
        raise ValueError
    return n


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    for sheet in wb.worksheets:  # the GV-ISys file has its data on »Onlineprodukt_Gemeinden«
        if "gemeinden" in sheet.title.lower():
            ws = sheet
            break
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _find_date(rows: list[list[Any]]) -> dt.date | None:
    for r in rows[:12]:
        for cell in r:
            if isinstance(cell, dt.datetime):
                return cell.date()
            m = re.search(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", str(cell or ""))
            if m:
                return dt.date(int(m[3]), int(m[2]), int(m[1]))
    return None


@dataclasses.dataclass
class _Reading:
    """A population file under validation: its name, its problems, and the inhabitants counted so far."""

    name: str
    gazetteer: Gazetteer
    errors: list[Issue] = dataclasses.field(default_factory=list)
    warnings: list[Issue] = dataclasses.field(default_factory=list)
    counts: dict[str, int] = dataclasses.field(default_factory=dict)  # today's AGS → inhabitants
    origin: dict[str, int] = dataclasses.field(default_factory=dict)  # AGS of the file → row
    land_total: int | None = None  # the Land's own total (GV-ISys, Satzart 10)

    def err(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.errors.append(Issue(message, row, column, self.name))

    def add(self, ags: str, n: int, line: int, column: str) -> None:
        """Count a row's inhabitants for today's Gemeinde of ``ags`` (the rows of merged Gemeinden are summed)."""
        if ags in self.origin:
            self.err(f"Schlüssel {ags} kommt doppelt vor (schon in Zeile {self.origin[ags]}).", line, column)
            return
        self.origin[ags] = line
        current = self.gazetteer.successor(ags)
        if current is None:
            self.err(f"Gemeindeschlüssel {ags} ist unbekannt (keine heutige sächsische Gemeinde, auch nicht "
                     "über Gemeindefusionen).", line, column)
            return
        if current != ags:
            self.warnings.append(Issue(f"Schlüssel {ags} ist heute {self.gazetteer.label(current)}; Einwohner "
                                       "werden addiert.", line, column, self.name))
        self.counts[current] = self.counts.get(current, 0) + n

    def result(self, stichtag: dt.date | None) -> ParsedPopulation:
        if self.errors:
            return ParsedPopulation(self.name, {}, stichtag, tuple(self.errors), tuple(self.warnings))
        return ParsedPopulation(self.name, self.counts, stichtag, (), tuple(self.warnings))


@dataclasses.dataclass(frozen=True)
class _Layout:
    """Where a file's data are: (line, cells) of the rows below the header, the column of each field."""

    body: list[tuple[int, list[Any]]]
    cols: dict[str, int]
    gv_isys: bool


def parse(
    path: Path | str,
    gazetteer: Gazetteer,
    *,
    stichtag: dt.date | None = None,
    current_total: int | None = None,
    today: dt.date | None = None,
) -> ParsedPopulation:
    """Read and validate a population file; never raises for bad content."""
    path = Path(path)
    today = today or dt.date.today()
    reading = _Reading(path.name, gazetteer)
    read = _read_rows(path, reading)
    layout = _layout(*read, reading) if read is not None else None
    if read is None or layout is None:
        return reading.result(None)
    if layout.gv_isys:
        stichtag = stichtag or _find_date(read[0])
    for line, cells in layout.body:
        _count_row(reading, layout, line, cells)
    _check_complete(reading)
    _check_totals(reading, current_total)
    _check_stichtag(reading, stichtag, today)
    return reading.result(stichtag)


def _read_rows(path: Path, reading: _Reading) -> tuple[list[list[Any]], bool] | None:
    """(the file's rows, whether it is XLSX), or None after reporting why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reading.err(f"Die Datei ist nicht lesbar: {exc.strerror}.")
        return None
    is_xlsx = data[:4] == b"PK\x03\x04"
    if len(data) > MAX_BYTES:
        problem = f"Die Datei ist zu groß ({len(data) / 1024 / 1024:.1f} MB; höchstens {MAX_BYTES // 2**20} MB)."
    elif not data.strip():
        problem = "Die Datei ist leer."
    elif path.suffix.lower() == ".xlsx" and not is_xlsx:
        problem = "Die Datei endet auf .xlsx, ist aber keine Excel-Datei."
    else:
        try:
            return (_xlsx_rows(data) if is_xlsx else _csv_rows(data)), is_xlsx
        except Exception as exc:
            problem = f"Die Datei kann nicht gelesen werden ({type(exc).__name__})."
    reading.err(problem)
    return None


def _layout(rows: list[list[Any]], is_xlsx: bool, reading: _Reading) -> _Layout | None:
    """The GV-ISys columns (XLSX) or the header of a CSV, or None after reporting why there is none."""
    if is_xlsx:
        found = _gv_isys_layout(rows)
        if found is None:
            reading.err("Keine GV-ISys-Tabelle gefunden: erwartet werden die Spalten »Satzart«, »Land«, »RB«, "
                        "»Kreis«, »Gem« und »Bevölkerung … insgesamt«.")
            return None
        header_end, cols = found
        return _Layout([(i + 1, r) for i, r in enumerate(rows) if i >= header_end], cols, gv_isys=True)
    header_row = next((i for i, r in enumerate(rows) if any(str(c).strip() for c in r)), None)
    if header_row is None:
        reading.err("Die Datei ist leer.")
        return None
    header = [_fold(c) for c in rows[header_row]]
    ags_col = next((i for i, h in enumerate(header) if h in _AGS_HEADERS), None)
    pop_col = next((i for i, h in enumerate(header) if h in _POP_HEADERS), None)
    if ags_col is None or pop_col is None:
        reading.err("Pflichtspalten fehlen: erwartet »AGS« und »Einwohner« (Trennzeichen ; oder ,).", header_row + 1)
        return None
    body = [(i + 1, r) for i, r in enumerate(rows) if i > header_row]
    return _Layout(body, {"ags": ags_col, "einwohner": pop_col}, gv_isys=False)


def _count_row(reading: _Reading, layout: _Layout, line: int, r: list[Any]) -> None:
    """Count the inhabitants of one data row (blank rows and other Länder are skipped)."""
    if not any(str(c if c is not None else "").strip() for c in r):
        return

    def cell(key: str) -> Any:
        idx = layout.cols.get(key)
        return r[idx] if idx is not None and idx < len(r) else None

    if layout.gv_isys:
        col_ags, col_pop = "Gem", "Bevölkerung insgesamt"
        ags = _gv_isys_key(reading, cell, line)
    else:
        col_ags, col_pop = "AGS", "Einwohner"
        ags = _csv_key(reading, cell, line)
    if ags is None:
        return
    try:
        n = _int(cell("einwohner"))
    except ValueError:
        reading.err(f"»{cell('einwohner')}« ist keine Einwohnerzahl (ganze Zahl ≥ 0).", line, col_pop)
        return
    reading.add(ags, n, line, col_ags)


def _gv_isys_key(reading: _Reading, cell: Callable[[str], Any], line: int) -> str | None:
    """The AGS of a Gemeinde row of Saxony (Satzart 60); notes the Land's total (Satzart 10) on the way."""
    satzart = str(cell("satzart") or "").strip()
    if satzart == "10" and str(cell("land") or "").strip().zfill(2) == LAND_PREFIX:
        with contextlib.suppress(ValueError):
            reading.land_total = _int(cell("einwohner"))
    if satzart != "60":
        return None
    parts = [str(cell(k) or "").strip() for k in ("land", "rb", "kreis", "gem")]
    if parts[0].zfill(2) != LAND_PREFIX:
        return None  # another Land in the all-Germany file
    try:
        return f"{int(parts[0]):02d}{int(parts[1] or 0):01d}{int(parts[2]):02d}{int(parts[3]):03d}"
    except ValueError:
        reading.err(f"Schlüsselteile »{'/'.join(parts)}« sind keine Zahlen.", line, "Gem")
        return None


def _csv_key(reading: _Reading, cell: Callable[[str], Any], line: int) -> str | None:
    """The 8-digit AGS of a CSV row (a 12-digit ARS or a lost leading zero is accepted)."""
    raw = re.sub(r"[\s.]", "", str(cell("ags") or ""))
    if len(raw) == 12 and raw.isdigit():
        raw = raw[:5] + raw[9:]
    if len(raw) == 7 and raw.isdigit():  # a spreadsheet dropped the leading zero (not for Saxony)
        raw = "0" + raw
    if not (raw.isdigit() and len(raw) == 8):
        reading.err(f"»{cell('ags')}« ist kein Gemeindeschlüssel (8 Ziffern).", line, "AGS")
        return None
    if not raw.startswith(LAND_PREFIX):
        reading.err(f"Schlüssel {raw} gehört nicht zu Sachsen.", line, "AGS")
        return None
    return raw


def _check_complete(reading: _Reading) -> None:
    """Every Gemeinde of today must be in the file (checked only when the rows themselves were valid)."""
    if not reading.origin and not reading.errors:
        reading.err("Die Datei enthält keine sächsischen Gemeinden.")
    missing = sorted(set(reading.gazetteer.names) - set(reading.counts))
    if reading.origin and missing and not reading.errors:
        shown = ", ".join(reading.gazetteer.label(a) for a in missing[:10])
        more = f" und {len(missing) - 10} weitere" if len(missing) > 10 else ""
        reading.err(f"Es fehlen {len(missing)} Gemeinden: {shown}{more}. Die Tabelle muss vollständig sein.")


def _check_totals(reading: _Reading, current_total: int | None) -> None:
    """The sum must equal the file's Land total and stay near the current table's sum."""
    total = sum(reading.counts.values())
    land_total = reading.land_total
    if land_total is not None and not reading.errors and land_total != total:
        reading.err(f"Summe der Gemeinden ({total:,}) ungleich der Landessumme der Datei ({land_total:,})."
                    .replace(",", "."))
    if current_total and not reading.errors and abs(total - current_total) > MAX_TOTAL_CHANGE * current_total:
        reading.err(
            f"Summe {total:,} weicht um mehr als {MAX_TOTAL_CHANGE:.0%} von der bisherigen Summe {current_total:,} ab; "
            "falsche Datei oder falsche Spalte?".replace(",", "."))


def _check_stichtag(reading: _Reading, stichtag: dt.date | None, today: dt.date) -> None:
    if stichtag is None:
        reading.err("Stichtag unbekannt: bitte mit --stichtag JJJJ-MM-TT angeben.")
    elif stichtag > today:
        reading.err(f"Stichtag {stichtag:%d.%m.%Y} liegt in der Zukunft.")


def _gv_isys_layout(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """(first data row index, column of each field) of a GV-ISys »Auszug«, or None."""
    cols: dict[str, int] = {}
    pop_from = None
    for i, r in enumerate(rows[:15]):
        for j, c in enumerate(r):
            f = _fold(c)
            if f == "satzart":
                cols["satzart"] = j
            elif f in ("land", "rb", "kreis", "gem") and f not in cols:
                cols[f] = j
            elif f.startswith("bevoelkerung") or f.startswith("bevolkerung"):
                pop_from = j
            elif f == "insgesamt" and pop_from is not None and j >= pop_from and "einwohner" not in cols:
                cols["einwohner"] = j
        if {"satzart", "land", "rb", "kreis", "gem", "einwohner"} <= set(cols):
            start = i + 1
            while start < len(rows) and str(rows[start][cols["satzart"]] or "").strip() not in {"10", "20", "40", "50", "60"}:
                start += 1
                if start > i + 5:
                    break
            return start, cols
    return None


def write(parsed: ParsedPopulation, gazetteer: Gazetteer, quelle: str, path: Path | str | None = None) -> Path:
    """Write a valid table atomically (temporary file, then rename)."""
    if not parsed.ok:
        raise ValueError("ungültige Einwohnertabelle")
    path = Path(path or EINWOHNER_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".einwohner-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(FILE_COLUMNS)
            for ags in sorted(parsed.einwohner):
                writer.writerow([ags, gazetteer.names.get(ags, ""), parsed.einwohner[ags],
                                 parsed.stichtag.isoformat(), quelle, LICENCE])
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
