"""Checks of an uploaded workbook before openpyxl reads it: XLSX bombs are refused early and cheaply.

A 0.2 MB workbook can unpack to hundreds of MB, or hold one row of millions of cells, which openpyxl builds
in memory in full before a caller can stop it. So, first the zip's own table of contents (entries, their
unpacked sizes and compression ratios, no XML parsed), then one streaming pass with expat over the first
sheet (no tree, constant memory) that stops at the first cell right of the format's columns, at more rows
than an import may have, and at a DOCTYPE (entity bombs). It returns the sheet's used range, and openpyxl
then reads exactly that range (``iter_rows(max_row=…, max_col=…)``), so a lying ``<dimension>`` costs nothing.
"""

from __future__ import annotations

import dataclasses
import io
import posixpath
import re
import zipfile
from xml.parsers import expat

from defusedxml import ElementTree

from asskomm import labels
from asskomm.records.importformat import (
    MAX_IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNPACKED_BYTES,
)

RATIO_FROM_BYTES = 1024 * 1024  # small entries may compress well without harm
XLSX_MAX_COLUMNS = 16_384  # the format's own limits (column XFD, row 1,048,576)
XLSX_MAX_ROWS = 1_048_576
MAX_SHEET_ROWS = 2 * MAX_IMPORT_ROWS  # rows of the sheet (with empty ones) before the reading stops
MAX_SHEET_CELLS = (MAX_IMPORT_ROWS + 1) * MAX_IMPORT_COLUMNS
_CHUNK = 256 * 1024
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d*)")


class Refused(Exception):
    """The workbook is refused; ``str(exc)`` is the German reason, ``row``/``column`` where (if known)."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


@dataclasses.dataclass(frozen=True)
class UsedRange:
    sheet: str  # the first sheet's part in the zip, e.g. "xl/worksheets/sheet1.xml"
    rows: int  # last row with a value (0: the sheet is empty)
    columns: int  # last column with a value


def check(data: bytes) -> UsedRange:
    """The first sheet's used range, or ``Refused`` if the workbook is too large or malformed."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        _check_entries(zf.infolist())
        sheet = first_sheet(zf)
        with zf.open(sheet) as stream:
            return _scan(stream, sheet)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ElementTree.ParseError) as exc:
        raise Refused(f"Die Excel-Datei ist beschädigt ({type(exc).__name__}).") from exc
    except expat.ExpatError as exc:
        raise Refused(f"Die Excel-Datei ist beschädigt (fehlerhaftes XML: {expat.ErrorString(exc.code)}).") from exc


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_XLSX_ENTRIES:
        raise Refused(f"Die Excel-Datei besteht aus {labels.fmt_int(len(entries))} Teilen; erlaubt sind "
                      f"höchstens {labels.fmt_int(MAX_XLSX_ENTRIES)}.")
    total = sum(e.file_size for e in entries)
    if total > MAX_XLSX_UNPACKED_BYTES:
        raise Refused(f"Die Excel-Datei ist entpackt {_mb(total)} groß; erlaubt sind höchstens "
                      f"{_mb(MAX_XLSX_UNPACKED_BYTES)}. Bitte in kleinere Dateien aufteilen oder als CSV speichern.")
    for e in entries:
        if e.file_size > RATIO_FROM_BYTES and e.file_size > MAX_XLSX_RATIO * max(e.compress_size, 1):
            ratio = e.file_size / max(e.compress_size, 1)
            raise Refused(f"Die Excel-Datei ist ungewöhnlich stark komprimiert (Teil »{e.filename}« im Verhältnis "
                          f"{labels.fmt_int(round(ratio))} : 1, erlaubt bis {MAX_XLSX_RATIO} : 1) und wird "
                          "nicht geöffnet (Schutz vor »ZIP-Bomben«).")


def _mb(n: int) -> str:
    return f"{labels.fmt_num(n / 1024 / 1024, 1)} MB"


def first_sheet(zf: zipfile.ZipFile) -> str:
    """The zip part of the workbook's first sheet, as the workbook and its relationships name it."""
    workbook = _office_document(zf)
    tree = ElementTree.fromstring(zf.read(workbook))
    sheet = next((el for el in tree.iter() if _local(el.tag) == "sheet"), None)
    if sheet is None:
        raise Refused("Die Excel-Datei enthält kein Tabellenblatt.")
    rid = sheet.get(f"{{{_REL_NS}}}id")
    folder, name = posixpath.split(workbook)
    rels = ElementTree.fromstring(zf.read(posixpath.join(folder, "_rels", name + ".rels")))
    target = next((el.get("Target", "") for el in rels.iter() if el.get("Id") == rid), "")
    if not target:
        raise Refused("Die Excel-Datei ist beschädigt (das erste Tabellenblatt fehlt).")
    return _resolve(folder, target)


def _office_document(zf: zipfile.ZipFile) -> str:
    try:
        rels = ElementTree.fromstring(zf.read("_rels/.rels"))
    except KeyError:
        return "xl/workbook.xml"
    for el in rels.iter():
        if el.get("Type", "").endswith("/officeDocument") and el.get("Target"):
            return _resolve("", el.get("Target"))
    return "xl/workbook.xml"


def _resolve(folder: str, target: str) -> str:
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


class _SheetScan:
    """Counts rows and cells while expat streams the sheet; raises ``Refused`` at the first limit passed."""

    def __init__(self) -> None:
        self.row = 0  # current row number (as the sheet shows it)
        self.col = 0  # column of the current cell
        self.row_elements = 0
        self.row_cells = 0
        self.cells = 0
        self.value_rows = 0
        self.last_value_row = 0
        self.last_row = 0
        self.last_col = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rsplit(":", 1)[-1]
        if name == "c":
            self._cell(attrs.get("r", ""))
        elif name in ("v", "is", "f"):
            self._value()
        elif name == "row":
            self._row(attrs.get("r", ""))

    def _row(self, ref: str) -> None:
        self.row_elements += 1
        self.row = int(ref) if ref.isdigit() else self.row + 1
        self.col = self.row_cells = 0
        if self.row_elements > MAX_SHEET_ROWS or self.row > XLSX_MAX_ROWS:
            raise Refused(f"Das Tabellenblatt hat zu viele Zeilen (mehr als {labels.fmt_int(MAX_SHEET_ROWS)}); "
                          f"erlaubt sind höchstens {labels.fmt_int(MAX_IMPORT_ROWS)} Datenzeilen.")

    def _cell(self, ref: str) -> None:
        m = _CELL_REF.fullmatch(ref) if ref else None
        self.col = _column_number(m.group(1)) if m else self.col + 1
        self.row_cells += 1
        self.cells += 1
        if self.row_cells > XLSX_MAX_COLUMNS or self.col > XLSX_MAX_COLUMNS:
            raise Refused(f"Zeile {self.row} hat mehr Zellen, als eine Excel-Tabelle haben kann "
                          f"({labels.fmt_int(XLSX_MAX_COLUMNS)}); die Datei ist keine gültige Excel-Datei.",
                          row=self.row)
        if self.cells > MAX_SHEET_CELLS:
            raise Refused(f"Das Tabellenblatt hat zu viele Zellen (mehr als {labels.fmt_int(MAX_SHEET_CELLS)}).")

    def _value(self) -> None:
        if self.col > MAX_IMPORT_COLUMNS:
            letter = column_letter(self.col)
            raise Refused(f"Ein Wert steht in Spalte {letter} (der {self.col}.); das Importformat hat höchstens "
                          f"{MAX_IMPORT_COLUMNS} Spalten (bis {column_letter(MAX_IMPORT_COLUMNS)}). Bitte die "
                          "Spalten rechts davon löschen.", row=self.row, column=letter)
        if self.row > MAX_SHEET_ROWS:
            raise Refused(f"Werte stehen bis in Zeile {labels.fmt_int(self.row)}; erlaubt sind höchstens "
                          f"{labels.fmt_int(MAX_IMPORT_ROWS)} Datenzeilen. Bitte leere Zeilen löschen.",
                          row=self.row)
        if self.row != self.last_value_row:
            self.value_rows += 1
            self.last_value_row = self.row
            if self.value_rows > MAX_IMPORT_ROWS + 1:
                raise Refused(f"Zu viele Zeilen (mehr als {labels.fmt_int(MAX_IMPORT_ROWS)}); erlaubt sind "
                              f"höchstens {labels.fmt_int(MAX_IMPORT_ROWS)}.")
        self.last_row = max(self.last_row, self.row)
        self.last_col = max(self.last_col, self.col)



def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(n: int) -> str:
    """Excel's name of column ``n`` (1 → A, 27 → AA)."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _doctype(*_args: object) -> None:
    raise Refused("Die Excel-Datei enthält eine DOCTYPE-Deklaration (möglicher Angriff über XML-Entitäten) "
                  "und wird nicht geöffnet.")


def _scan(stream: io.BufferedIOBase, sheet: str) -> UsedRange:
    scan = _SheetScan()
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.StartDoctypeDeclHandler = _doctype
    parser.EntityDeclHandler = _doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    while chunk := stream.read(_CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return UsedRange(sheet, scan.last_row, scan.last_col)
