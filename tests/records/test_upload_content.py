"""An upload's type is judged by its content, not its name, and workbooks that would cost minutes and gigabytes
(XLSX bombs) are refused before openpyxl reads them (issue 25, points 7 and 8)."""

from __future__ import annotations

import csv
import io
import random
import zipfile

import openpyxl
import pytest
import xlsx_support as xs
from records_support import HEADER, TODAY, URL, gazetteer

from asskomm import records as rec
from asskomm.records import xlsx_guard

GOOD = ["14626600", "", "", "beratung", "2021", "", "", URL, "", "", ""]


def _csv_bytes(rows=(GOOD,)) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _xlsx_bytes(rows=(GOOD,)) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip(entries: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in entries.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _parse(data: bytes, name: str) -> rec.ParsedImport:
    return rec.parse_bytes(data, name, gazetteer(), today=TODAY)


def _refusal(data: bytes, name: str) -> str:
    parsed = _parse(data, name)
    assert not parsed.ok and not parsed.rows
    return str(parsed.errors[0])


@pytest.mark.parametrize("name", ["import.xlsx", "import.xls"])
def test_a_csv_named_as_excel_is_read_as_csv_with_a_notice(name):
    parsed = _parse(_csv_bytes(), name)
    assert parsed.ok and len(parsed.rows) == 1
    notice = str(parsed.warnings[0])
    assert notice.startswith(f"{name}: ") and "Textdatei" in notice and "CSV" in notice


def test_a_workbook_named_csv_is_read_as_excel_with_a_notice():
    parsed = _parse(_xlsx_bytes(), "import.csv")
    assert parsed.ok and parsed.rows[0].participant_key == "14626600"
    assert "Excel-Datei" in str(parsed.warnings[0]) and not _parse(_xlsx_bytes(), "import.xlsx").warnings


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (_zip({"daten.txt": "ags;baustein"}), "ZIP-Archiv"),
        (_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), "Word-Dokument"),
        (_zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
         "OpenDocument"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF-Dokument"),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html><body><table><tr><td>ags</td></tr></table></body></html>", "HTML"),
        (b"<html><head><meta charset='utf-8'></head><body>ags;baustein</body></html>", "HTML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Bild (PNG)"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "Windows-Programm"),
        (b"PK\x03\x04 not really a zip", "beschädigte"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "alte Excel-Format"),
    ],
    ids=["zip", "docx", "ods", "pdf", "html-bom", "html", "png", "exe", "broken-zip", "xls"],
)
@pytest.mark.parametrize("name", ["import.xlsx", "import.csv"])
def test_other_formats_renamed_are_refused_naming_the_file(data, fragment, name):
    message = _refusal(data, name)
    assert message.startswith(f"{name}: ") and fragment in message, message


def test_binary_garbage_is_refused_whatever_its_name():
    garbage = random.Random(25).randbytes(20_000)
    for name in ("import.csv", "import.xlsx"):
        message = _refusal(garbage, name)
        assert message.startswith(name) and ("keine Textdatei" in message or "Kodierung" in message), message


# ---------------------------------------------------------------------------------------------- bombs


def _refused_by_guard(data: bytes, fragment: str, monkeypatch) -> str:
    """Refused with ``fragment``, and openpyxl never opened the workbook."""
    def no_openpyxl(*_a, **_k):
        raise AssertionError("openpyxl must not open a refused workbook")
    monkeypatch.setattr(openpyxl, "load_workbook", no_openpyxl)
    message = _refusal(data, "bombe.xlsx")
    assert message.startswith("bombe.xlsx") and fragment in message, message
    return message


def test_a_row_of_200000_cells_stops_at_the_formats_columns(monkeypatch):
    data = xs.workbook(xs.wide_row(200_000))
    assert len(data) < 1_000_000  # far under the upload limit, and no ratio to refuse it by
    message = _refused_by_guard(data, "Spalte AG (der 33.)", monkeypatch)
    assert message.startswith("bombe.xlsx, Zeile 1, Spalte »AG«: ") and "höchstens 32 Spalten (bis AF)" in message


def test_a_row_of_empty_cells_beyond_excels_width_is_refused(monkeypatch):
    _refused_by_guard(xs.workbook(xs.wide_row(20_000, empty=True)), "mehr Zellen, als eine Excel-Tabelle", monkeypatch)


def test_endless_rows_stop_after_the_import_limit(monkeypatch):
    data = xs.workbook(xs.many_rows(rec.MAX_IMPORT_ROWS + 10))
    _refused_by_guard(data, f"höchstens {rec.MAX_IMPORT_ROWS:,}".replace(",", "."), monkeypatch)


def test_a_value_far_below_the_data_is_refused(monkeypatch):
    data = xs.workbook([xs.text_row(1, HEADER), xs.text_row(900_000, ["x"])])
    _refused_by_guard(data, "Zeile 900.000", monkeypatch)


def test_unpacked_size_and_compression_ratio_are_checked_first(monkeypatch):
    padding = b" " * (rec.MAX_XLSX_UNPACKED_BYTES + 1)
    big = xs.workbook([xs.text_row(1, HEADER)], extra={"xl/media/padding.bin": padding})
    assert len(big) < 200_000
    message = _refused_by_guard(big, "entpackt", monkeypatch)
    assert "64,0 MB" in message
    dense = xs.workbook([xs.text_row(1, HEADER)], extra={"xl/media/zeros.bin": b"\0" * (4 * 1024 * 1024)})
    assert "stark komprimiert" in _refused_by_guard(dense, "ZIP-Bomben", monkeypatch)


def test_a_doctype_with_entities_is_refused(monkeypatch):
    doctype = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    _refused_by_guard(xs.workbook([xs.text_row(1, ["&b;"])], before=doctype), "DOCTYPE", monkeypatch)


def test_a_lying_dimension_reads_only_the_used_range():
    """<dimension ref="A1:XFD1048576"/> made openpyxl pad every row to 16,384 cells and read 50,002 rows."""
    rows = [xs.text_row(1, HEADER), xs.text_row(2, GOOD)]
    data = xs.workbook(rows, before='<dimension ref="A1:XFD1048576"/>')
    table = rec.read_import(data, "gelogen.xlsx")
    assert table.rows is not None and len(table.rows) == 2 and {len(r) for r in table.rows} == {len(HEADER)}
    assert _parse(data, "gelogen.xlsx").ok


def test_column_letters_as_excel_names_them():
    assert [xlsx_guard.column_letter(n) for n in (1, 26, 27, 33, 16_384)] == ["A", "Z", "AA", "AG", "XFD"]


def test_the_guard_reports_the_used_range_of_a_real_workbook():
    used = xlsx_guard.check(_xlsx_bytes([GOOD, GOOD[:5]]))
    assert (used.sheet, used.rows, used.columns) == ("xl/worksheets/sheet1.xml", 3, len(HEADER))


def test_a_wide_csv_row_is_refused_and_trailing_empty_cells_are_cut():
    wide = _csv_bytes([GOOD + [""] * 100 + ["x"]])
    message = _refusal(wide, "breit.csv")
    assert message.startswith("breit.csv, Zeile 2: ") and "in der 112. Spalte" in message
    padded = rec.read_import(_csv_bytes([GOOD + [""] * 100]), "leer.csv")
    assert len(padded.rows[1]) == rec.MAX_IMPORT_COLUMNS and _parse(_csv_bytes([GOOD + [""] * 100]), "x.csv").ok
