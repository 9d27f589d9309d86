"""Workbooks written byte by byte (a zip of XML parts), for the reader's limits: bombs openpyxl would not write."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC}">'
    '<sheets><sheet name="Import" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def workbook(sheet_data: Iterable[str], *, before: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    """An .xlsx with one sheet whose ``<sheetData>`` is the concatenated ``sheet_data`` (streamed into the zip);
    ``before`` goes in front of the root element (e.g. a DOCTYPE) or, if it starts with ``<dimension``, inside."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", PACKAGE_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
        inside = before if before.startswith("<dimension") else ""
        prolog = "" if inside else before
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{_MAIN}">'
                     f"{inside}<sheetData>".encode())
            for chunk in sheet_data:
                fh.write(chunk.encode())
            fh.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def text_row(number: int, values: Iterable[str]) -> str:
    """A row of inline-string cells (A, B, … from the left)."""
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' if v else "<c/>" for v in values)
    return f'<row r="{number}">{cells}</row>'


def wide_row(cells: int, *, empty: bool = False) -> Iterable[str]:
    """One row of ``cells`` cells without references: numbered values (so that the zip's ratio stays
    plausible and the column limit is what stops it), or empty cells."""
    yield '<row r="1">'
    for start in range(0, cells, 10_000):
        stop = min(start + 10_000, cells)
        yield "<c/>" * (stop - start) if empty else "".join(f"<c><v>{i}</v></c>" for i in range(start, stop))
    yield "</row>"


def many_rows(rows: int) -> Iterable[str]:
    """``rows`` numbered rows of one numbered text cell each."""
    for start in range(1, rows + 1, 10_000):
        yield "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{i}</t></is></c></row>'
                      for i in range(start, min(start + 10_000, rows + 1)))
