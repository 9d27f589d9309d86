"""The report (``asskomm.analysis.bericht``) as DOCX, laid out like a written answer, and as XLSX, one sheet per table.

Both are written from the same :class:`asskomm.analysis.bericht.Bericht` the page shows, so all three show the same
numbers. DOCX: A4, a title with the Stichtag, numbered tables with captions and a repeated header row, German
numbers and dates, notes under each table (counting rule, sourced entries, published totals) and a numbered
list of sources; core properties title and language ``de``. XLSX: a sheet per table (header row, data rows,
the last row »Sachsen« where the table has one), numbers as numbers, plus the sheets »Hinweise« and »Quellen«.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from asskomm.analysis.bericht_model import NUMERIC, Bericht, Spalte, Tabelle, zelle
from asskomm.records import SOURCE_SEPARATOR, neutralise

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FONT = "DejaVu Sans"


# ------------------------------------------------------------------------------------------------ DOCX
# Soft hyphens for long header words, so a narrow column breaks »Verein-barungen«, not »Vereinb-arunge-n«.
_HYPHENATE = {
    "Vereinbarungen": "Verein\u00adbarun\u00adgen", "Vereinbarung": "Verein\u00adbarung",
    "Gemeinden": "Gemein\u00adden", "Präventionsräte": "Präven\u00adtions\u00adräte",
    "Sicherheitsanalysen": "Sicher\u00adheits\u00adanalysen", "Modellkommunen": "Modell\u00adkom\u00admunen",
    "(Gemeinden)": "(Gemein\u00adden)", "(Partner)": "(Part\u00adner)",
    "Polizeidirektion": "Polizei\u00addirektion", "beratenen": "bera\u00adtenen", "amtlich": "amt\u00adlich",
    "Datenbank": "Daten\u00adbank",
}


def _hyphenate(title: str) -> str:
    return " ".join(_HYPHENATE.get(word, word) for word in title.split(" "))


def _source_refs(quelle: str, index: dict[str, int]) -> str:
    """»[3], [7]« for the URLs of a cell (numbers of the source list at the end)."""
    urls = [u.strip() for u in (quelle or "").split(SOURCE_SEPARATOR) if u.strip()]
    return ", ".join(f"[{index[u]}]" for u in urls if u in index)


def _set_lang(element, lang: str = "de-DE") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r_pr = element.get_or_add_rPr()
    node = r_pr.find(qn("w:lang"))
    if node is None:
        node = OxmlElement("w:lang")
        r_pr.append(node)
    node.set(qn("w:val"), lang)
    node.set(qn("w:eastAsia"), lang)


def _default_lang(doc, lang: str = "de-DE") -> None:
    """German as the document's default language (docDefaults), so LibreOffice and Word check German."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_pr_default)
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        r_pr_default.append(r_pr)
    node = r_pr.find(qn("w:lang"))
    if node is None:
        node = OxmlElement("w:lang")
        r_pr.append(node)
    node.set(qn("w:val"), lang)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_text(cell, text: str, *, bold: bool = False, right: bool = False, size: float = 7.5) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    if right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = para.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _note(doc, text: str, marker: str = "", size: float = 8) -> None:
    from docx.shared import Pt

    para = doc.add_paragraph()
    para.paragraph_format.space_after = Pt(2)
    if marker:
        sup = para.add_run(marker)
        sup.font.superscript = True
        sup.font.size = Pt(size)
        para.add_run(" ").font.size = Pt(size)
    run = para.add_run(text)
    run.font.size = Pt(size)


_WEIGHTS = {"text": 2.6, "url": 1.3, "date": 1.7, "int": 1.6, "nummer": 1.2, "eur": 1.9, "pct": 1.6, "monate": 1.9}
_WIDE = {"mitglieder": 3.6, "partner": 3.2, "schritt": 4.5, "name": 2.4, "pd": 2.0, "kreis": 2.9, "kreise": 3.4,
         "art": 2.0, "was": 2.1, "gemeinde": 2.3, "ebene": 1.9, "datenbank": 1.3, "luecke": 1.3, "eintrag": 1.9}
MARGIN_CM = 1.8
A4_CM = (21.0, 29.7)
LANDSCAPE_FROM_COLUMNS = 10  # wider tables get a landscape page (like an annex of a written answer)


def _column_widths(columns: list[Spalte], text_width_cm: float) -> list:
    """Column widths over the text width: names wide, numbers narrow."""
    from docx.shared import Cm

    weights = [_WIDE.get(c.key, _WEIGHTS.get(c.art, 2.0)) for c in columns]
    total = sum(weights)
    return [Cm(text_width_cm * w / total) for w in weights]


def _page(section, landscape: bool) -> float:
    """Set an A4 section upright or across; returns the text width in cm."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    short, long = A4_CM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(long), Cm(short)) if landscape else (Cm(short), Cm(long))
    section.left_margin = section.right_margin = Cm(MARGIN_CM)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
    return (long if landscape else short) - 2 * MARGIN_CM


def _docx_table(doc, table: Tabelle, index: dict[str, int]) -> None:
    from docx.enum.section import WD_SECTION
    from docx.shared import Pt

    landscape = len(table.spalten) >= LANDSCAPE_FROM_COLUMNS
    text_width = A4_CM[0] - 2 * MARGIN_CM
    if landscape:
        text_width = _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)

    caption = doc.add_paragraph()
    caption.paragraph_format.space_before = Pt(10)
    caption.paragraph_format.space_after = Pt(3)
    caption.paragraph_format.keep_with_next = True
    run = caption.add_run(table.ueberschrift)
    run.bold = True
    run.font.size = Pt(10)
    sup = caption.add_run(str(table.nummer))
    sup.font.superscript = True
    sup.font.size = Pt(9)

    columns = list(table.spalten)
    grid = doc.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    grid.autofit = False
    header = grid.rows[0]
    _repeat_header(header)
    for cell, col in zip(header.cells, columns, strict=True):
        _cell_text(cell, _hyphenate(col.titel), bold=True, right=col.art in NUMERIC, size=7)
        _shade(cell, "D9E2EC")
    if not table.zeilen:
        row = grid.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        _cell_text(merged, "keine Einträge")
    for values in table.zeilen:
        row = grid.add_row()
        strong = values.get("_art") in ("summe", "sachsen")
        for cell, col in zip(row.cells, columns, strict=True):
            value = values.get(col.key)
            text = _source_refs(value, index) if col.art == "url" else zelle(value, col.art)
            _cell_text(cell, text, bold=strong, right=col.art in NUMERIC)
            if values.get("_art") == "sachsen":
                _shade(cell, "EEF2F6")
    widths = _column_widths(columns, text_width)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice reads
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    _note(doc, f"Zählregel: {table.regel}", marker=str(table.nummer))
    _note(doc, table.grundlage)
    for hint in table.hinweise:
        _note(doc, "Hinweis: " + hint)
    if landscape:
        _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)


def render_docx(bericht: Bericht) -> bytes:
    """The report as a Word document (A4, German), laid out like a written answer of the ministry."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    section = doc.sections[0]
    _page(section, landscape=False)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    _set_lang(normal.element)
    _default_lang(doc)
    for name in ("Title", "Heading 1", "Heading 2"):
        _set_lang(doc.styles[name].element)
        doc.styles[name].font.name = FONT

    props = doc.core_properties
    props.title = bericht.titel
    props.subject = f"ASSKomm, Region {bericht.region.name}, Stichtag {bericht.stichtag:%d.%m.%Y}"
    props.language = "de"
    props.author = "ASSKomm-Karte"
    props.keywords = "ASSKomm; Kooperationsvereinbarung; Polizeidirektion; Landkreis"
    props.created = dt.datetime.combine(bericht.erstellt, dt.time(12, 0))

    title = doc.add_paragraph(style="Title")
    title_run = title.add_run(bericht.titel)
    title_run.font.size = Pt(18)
    meta = doc.add_paragraph()
    meta_run = meta.add_run(bericht.untertitel)
    meta_run.font.size = Pt(9)
    intro = doc.add_paragraph()
    intro.add_run(
        "Die Tabellen geben wieder, was die ASSKomm-Datenbank zum Stichtag enthält. Jede Zahl beruht auf "
        "Einträgen mit Quellenangabe; wo eine veröffentlichte Gesamtzahl höher liegt, ist sie unter der Tabelle "
        "genannt. Die Zählregeln stehen unter jeder Tabelle, die Quellen am Ende."
    ).font.size = Pt(9)

    index = {url: i for i, url in enumerate(bericht.quellen, start=1)}
    for table in bericht.tabellen:
        _docx_table(doc, table, index)

    heading = doc.add_paragraph(style="Heading 2")
    heading.add_run("Quellen")
    for url, i in index.items():
        _note(doc, f"[{i}] {url}", size=7.5)

    footer = section.footer.paragraphs[0]
    footer_run = footer.add_run(f"ASSKomm-Datenbank · Stichtag {bericht.stichtag:%d.%m.%Y} · Region {bericht.region.name}")
    footer_run.font.size = Pt(7.5)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------ XLSX
_NUMBER_FORMATS = {"int": "#,##0", "nummer": "#,##0", "eur": '#,##0 "€"', "pct": "0.0 %", "monate": "0.0"}


def _xlsx_value(value: Any, col: Spalte) -> tuple[Any, str | None]:
    """(cell value, number format) — numbers and full dates as such, dates with less precision as German text."""
    if value is None or value == "":
        return None, None
    if col.art in _NUMBER_FORMATS:
        return value, _NUMBER_FORMATS[col.art]
    if col.art == "date" and isinstance(value, str) and _DAY.match(value):
        return dt.date.fromisoformat(value), "DD.MM.YYYY"
    if col.art == "date":
        return zelle(value, "date"), None
    return neutralise(str(value)), None


def render_xlsx(bericht: Bericht) -> bytes:
    """The report as a workbook: one sheet per table, then »Hinweise« (rules, notes) and »Quellen«."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9E2EC")
    for table in bericht.tabellen:
        ws = wb.create_sheet(table.blatt[:31])
        columns = list(table.spalten)
        ws.append([c.titel for c in columns])
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, values in enumerate(table.zeilen, start=2):
            for c, col in enumerate(columns, start=1):
                value, fmt = _xlsx_value(values.get(col.key), col)
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula
                if fmt:
                    cell.number_format = fmt
                if values.get("_art") in ("summe", "sachsen"):
                    cell.font = bold
        for c, col in enumerate(columns, start=1):
            width = max([len(col.titel)] + [len(zelle(v.get(col.key), col.art)) for v in table.zeilen]) + 2
            ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = min(max(width, 8), 60)
        ws.freeze_panes = "A2"
    notes = wb.create_sheet("Hinweise")
    notes.append([bericht.titel])
    notes["A1"].font = Font(bold=True, size=12)
    notes.append([bericht.untertitel])
    for table in bericht.tabellen:
        notes.append([])
        notes.append([table.ueberschrift])
        notes.cell(row=notes.max_row, column=1).font = bold
        for line in (f"Zählregel: {table.regel}", table.grundlage, *(f"Hinweis: {h}" for h in table.hinweise)):
            notes.append([neutralise(line)])
    notes.column_dimensions["A"].width = 140
    sources = wb.create_sheet("Quellen")
    sources.append(["Nr.", "Quelle"])
    for cell in sources[1]:
        cell.font = bold
    for i, url in enumerate(bericht.quellen, start=1):
        sources.append([i, neutralise(url)])
    sources.column_dimensions["B"].width = 100
    wb.properties.title = bericht.titel
    wb.properties.language = "de"
    wb.properties.creator = "ASSKomm-Karte"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(bericht: Bericht, fmt: str) -> bytes:
    """``docx`` or ``xlsx``."""
    if fmt == "docx":
        return render_docx(bericht)
    if fmt == "xlsx":
        return render_xlsx(bericht)
    raise ValueError(f"Format »{fmt}« unbekannt; erlaubt: docx, xlsx.")
