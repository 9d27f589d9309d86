"""Population per Gemeinde (``data/einwohner.csv``): loading, size classes, and validating a new official file.

``data/einwohner.csv`` holds one row per current Gemeinde (``ags``, ``gemeinde``, ``einwohner``) and, in every
row, the ``stichtag``, ``quelle`` and ``lizenz`` of the figures, so the file carries its own attribution.
A newer file comes in with ``python -m asskomm einwohner import FILE`` (``asskomm.cli.einwohner``):

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from asskomm.paths import DATA_DIR
from asskomm.records.gazetteer import Gazetteer
from asskomm.records.importformat import LAND_PREFIX, Issue

EINWOHNER_FILE = DATA_DIR / "einwohner.csv"
FILE_COLUMNS = ("ags", "gemeinde", "einwohner", "stichtag", "quelle", "lizenz")
LICENCE = "dl-de/by-2-0"
MAX_TOTAL_CHANGE = 0.10
MAX_BYTES = 20 * 1024 * 1024

# Size classes of the map filter: id → (label, lower bound inclusive, upper bound exclusive).
SIZE_CLASSES: dict[str, tuple[str, int, int | None]] = {
    "unter_2000": ("unter 2.000", 0, 2_000),
    "2000_5000": ("2.000 bis unter 5.000", 2_000, 5_000),
    "5000_10000": ("5.000 bis unter 10.000", 5_000, 10_000),
    "10000_20000": ("10.000 bis unter 20.000", 10_000, 20_000),
    "20000_50000": ("20.000 bis unter 50.000", 20_000, 50_000),
    "ab_50000": ("50.000 und mehr", 50_000, None),
}


def size_class(einwohner: int | None) -> str | None:
    if einwohner is None:
        return None
    for key, (_, lo, hi) in SIZE_CLASSES.items():
        if einwohner >= lo and (hi is None or einwohner < hi):
            return key
    return None


@dataclasses.dataclass(frozen=True)
class Population:
    einwohner: Mapping[str, int]  # AGS → inhabitants
    stichtag: dt.date | None
    quelle: str
    lizenz: str = LICENCE

    @property
    def total(self) -> int:
        return sum(self.einwohner.values())

    def attribution(self) -> str:
        """»Einwohner: Statistisches Bundesamt (Destatis) …, Stand 31.12.2018, dl-de/by-2-0«."""
        stand = f", Stand {self.stichtag:%d.%m.%Y}" if self.stichtag else ""
        return f"Einwohner: {self.quelle}{stand}, {self.lizenz}"

    def in_class(self, key: str | None) -> set[str]:
        return {a for a, n in self.einwohner.items() if key is None or size_class(n) == key}


_CACHE: dict[tuple[str, int], Population] = {}


def load(path: Path | str | None = None) -> Population:
    """The population table (cached per file version); an empty table if the file is missing."""
    path = Path(path or EINWOHNER_FILE)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return Population({}, None, "")
    key = (str(path), stamp)
    if key not in _CACHE:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        stichtag = dt.date.fromisoformat(rows[0]["stichtag"]) if rows and rows[0].get("stichtag") else None
        _CACHE[key] = Population(
            {r["ags"]: int(r["einwohner"]) for r in rows},
            stichtag,
            rows[0].get("quelle", "") if rows else "",
            rows[0].get("lizenz", LICENCE) if rows else LICENCE,
        )
    return _CACHE[key]


# --------------------------------------------------------------------------------------------- import
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
    from asskomm.records import vocabulary as vocab

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
    name = path.name
    today = today or dt.date.today()
    errors: list[Issue] = []
    warnings: list[Issue] = []

    def fail(msg: str, row: int | None = None, col: str | None = None) -> ParsedPopulation:
        errors.append(Issue(msg, row, col, name))
        return ParsedPopulation(name, {}, None, tuple(errors), tuple(warnings))

    try:
        data = path.read_bytes()
    except OSError as exc:
        return fail(f"Die Datei ist nicht lesbar: {exc.strerror}.")
    if len(data) > MAX_BYTES:
        return fail(f"Die Datei ist zu groß ({len(data) / 1024 / 1024:.1f} MB; höchstens {MAX_BYTES // 2**20} MB).")
    if not data.strip():
        return fail("Die Datei ist leer.")
    is_xlsx = data[:4] == b"PK\x03\x04"
    if path.suffix.lower() == ".xlsx" and not is_xlsx:
        return fail("Die Datei endet auf .xlsx, ist aber keine Excel-Datei.")
    try:
        rows = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    except Exception as exc:
        return fail(f"Die Datei kann nicht gelesen werden ({type(exc).__name__}).")

    counts: dict[str, int] = {}
    origin: dict[str, int] = {}  # AGS of the file → row
    land_total: int | None = None
    layout = _gv_isys_layout(rows) if is_xlsx else None
    if is_xlsx and layout is None:
        return fail("Keine GV-ISys-Tabelle gefunden: erwartet werden die Spalten »Satzart«, »Land«, »RB«, »Kreis«, "
                    "»Gem« und »Bevölkerung … insgesamt«.")
    if layout is not None:
        header_end, cols = layout
        body = [(i + 1, r) for i, r in enumerate(rows) if i >= header_end]
        stichtag = stichtag or _find_date(rows)
    else:
        header_row = next((i for i, r in enumerate(rows) if any(str(c).strip() for c in r)), None)
        if header_row is None:
            return fail("Die Datei ist leer.")
        header = [_fold(c) for c in rows[header_row]]
        ags_col = next((i for i, h in enumerate(header) if h in _AGS_HEADERS), None)
        pop_col = next((i for i, h in enumerate(header) if h in _POP_HEADERS), None)
        if ags_col is None or pop_col is None:
            return fail("Pflichtspalten fehlen: erwartet »AGS« und »Einwohner« (Trennzeichen ; oder ,).",
                        header_row + 1)
        body = [(i + 1, r) for i, r in enumerate(rows) if i > header_row]
        cols = {"ags": ags_col, "einwohner": pop_col}

    for line, r in body:
        if not any(str(c if c is not None else "").strip() for c in r):
            continue

        def cell(key: str, r: list[Any] = r) -> Any:
            idx = cols.get(key)
            return r[idx] if idx is not None and idx < len(r) else None

        if layout is not None:
            satzart = str(cell("satzart") or "").strip()
            if satzart == "10" and str(cell("land") or "").strip().zfill(2) == LAND_PREFIX:
                with contextlib.suppress(ValueError):
                    land_total = _int(cell("einwohner"))
            if satzart != "60":
                continue
            parts = [str(cell(k) or "").strip() for k in ("land", "rb", "kreis", "gem")]
            if parts[0].zfill(2) != LAND_PREFIX:
                continue  # another Land in the all-Germany file
            try:
                ags = f"{int(parts[0]):02d}{int(parts[1] or 0):01d}{int(parts[2]):02d}{int(parts[3]):03d}"
            except ValueError:
                errors.append(Issue(f"Schlüsselteile »{'/'.join(parts)}« sind keine Zahlen.", line, "Gem", name))
                continue
            col_ags = "Gem"
            col_pop = "Bevölkerung insgesamt"
        else:
            col_ags, col_pop = "AGS", "Einwohner"
            raw = re.sub(r"[\s.]", "", str(cell("ags") or ""))
            if len(raw) == 12 and raw.isdigit():
                raw = raw[:5] + raw[9:]
            if len(raw) == 7 and raw.isdigit():  # a spreadsheet dropped the leading zero (not for Saxony)
                raw = "0" + raw
            if not (raw.isdigit() and len(raw) == 8):
                errors.append(Issue(f"»{cell('ags')}« ist kein Gemeindeschlüssel (8 Ziffern).", line, col_ags, name))
                continue
            if not raw.startswith(LAND_PREFIX):
                errors.append(Issue(f"Schlüssel {raw} gehört nicht zu Sachsen.", line, col_ags, name))
                continue
            ags = raw
        try:
            n = _int(cell("einwohner"))
        except ValueError:
            errors.append(Issue(f"»{cell('einwohner')}« ist keine Einwohnerzahl (ganze Zahl ≥ 0).", line, col_pop, name))
            continue
        if ags in origin:
            errors.append(Issue(f"Schlüssel {ags} kommt doppelt vor (schon in Zeile {origin[ags]}).", line, col_ags, name))
            continue
        origin[ags] = line
        current = gazetteer.successor(ags)
        if current is None:
            errors.append(Issue(f"Gemeindeschlüssel {ags} ist unbekannt (keine heutige sächsische Gemeinde, auch nicht "
                                "über Gemeindefusionen).", line, col_ags, name))
            continue
        if current != ags:
            warnings.append(Issue(f"Schlüssel {ags} ist heute {gazetteer.label(current)}; Einwohner werden addiert.",
                                  line, col_ags, name))
        counts[current] = counts.get(current, 0) + n

    if not origin and not errors:
        errors.append(Issue("Die Datei enthält keine sächsischen Gemeinden.", None, None, name))
    missing = sorted(set(gazetteer.names) - set(counts))
    if origin and missing and not errors:
        shown = ", ".join(gazetteer.label(a) for a in missing[:10])
        more = f" und {len(missing) - 10} weitere" if len(missing) > 10 else ""
        errors.append(Issue(f"Es fehlen {len(missing)} Gemeinden: {shown}{more}. Die Tabelle muss vollständig sein.",
                            None, None, name))
    total = sum(counts.values())
    if land_total is not None and not errors and land_total != total:
        errors.append(Issue(f"Summe der Gemeinden ({total:,}) ungleich der Landessumme der Datei ({land_total:,})."
                            .replace(",", "."), None, None, name))
    if current_total and not errors and abs(total - current_total) > MAX_TOTAL_CHANGE * current_total:
        errors.append(Issue(
            f"Summe {total:,} weicht um mehr als {MAX_TOTAL_CHANGE:.0%} von der bisherigen Summe {current_total:,} ab; "
            "falsche Datei oder falsche Spalte?".replace(",", "."), None, None, name))
    if stichtag is None:
        errors.append(Issue("Stichtag unbekannt: bitte mit --stichtag JJJJ-MM-TT angeben.", None, None, name))
    elif stichtag > today:
        errors.append(Issue(f"Stichtag {stichtag:%d.%m.%Y} liegt in der Zukunft.", None, None, name))
    if errors:
        return ParsedPopulation(name, {}, stichtag, tuple(errors), tuple(warnings))
    return ParsedPopulation(name, counts, stichtag, (), tuple(warnings))


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
