"""One-page German briefing PDF (A4) for meetings, optionally with one extra page per selected Kreis.

Page 1: title, Stand and filters, the map with its legend, the KPI figures with date and source, the latest
published totals with their date and source, the five most recent milestones, and the attribution.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from urllib.parse import urlparse

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace
from fpdf.prefs import ViewerPreferences

from asskomm import labels
from asskomm.analysis.exportdata import ExportData, collect
from asskomm.analysis.filters import Filters
from asskomm.analysis.kpis import KPI_LABELS, kpis_from_frame, published_heading
from asskomm.render.figure_file import figure_bytes
from asskomm.render.static_map import draw_map_only, export_text

# DejaVu Sans ships inside matplotlib, so the PDF never depends on a system font.
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"

PAGE_W, PAGE_H = 210, 297  # A4 portrait, mm
MARGIN = 12
CONTENT_W = PAGE_W - 2 * MARGIN
INK = (26, 26, 26)
MUTED = (85, 85, 85)
NAVY = (11, 42, 74)
RULE = (190, 190, 190)
FOOTER_TOP = PAGE_H - 14  # content must end above this line (mm)
PUBLISHED_WIDTHS = (54, 11, 18, 42, 33)
MILESTONE_WIDTHS = (22, 80, 46, 38)
# where a KPI label breaks when it does not fit its box
_BOX_BREAKS = {"Kooperationsvereinbarungen": "Kooperations-\nvereinbarungen"}
HEADER_BG = (232, 238, 245)

TITLE = "Allianz Sichere Sächsische Kommunen (ASSKomm)"
SUBTITLE = "Kurzinformation für die Sitzung"
DB_NOTE = (
    "Die Datenbank enthält, was öffentlich belegt ist, und kann unvollständig sein; "
    "die veröffentlichten Gesamtzahlen stehen deshalb daneben."
)


class _Briefing(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_text = footer_text
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=False)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        # Accessibility: title shown by the viewer instead of the file name, language, subject and keywords;
        # the text is real text (embedded Unicode font), selectable and searchable; the map carries alt text,
        # which makes fpdf2 write a structure tree (/MarkInfo, /StructTreeRoot) for it.
        self.set_lang("de")
        self.set_creator("ASSKomm-Karte")
        self.set_title(TITLE)
        self.set_subject(SUBTITLE + ": Stand der Allianz Sichere Sächsische Kommunen, Karte, Kennzahlen, Quellen")
        self.set_keywords(["ASSKomm", "Kriminalprävention", "Sachsen", "Kooperationsvereinbarung"])
        self.set_author("ASSKomm-Karte (SMI/LPR)")
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)

    def footer(self) -> None:
        self.set_y(PAGE_H - 11)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y() - 1.5, PAGE_W - MARGIN, self.get_y() - 1.5)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(CONTENT_W * 0.8, 4, self._footer_text)
        self.cell(CONTENT_W * 0.2, 4, f"Seite {self.page_no()}/{{nb}}", align="R")


def _short_source(url: str) -> str:
    """A source as a short, readable text: the host of a URL, otherwise the reference itself."""
    if not url:
        return "–"
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        host = parsed.netloc.removeprefix("www.")
        return host
    return url if len(url) <= 40 else url[:39] + "…"


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*NAVY)
    pdf.cell(CONTENT_W, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)


def _header(pdf: FPDF, data: ExportData, title: str, subtitle: str) -> None:
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font(FONT, "B", 17)
    pdf.set_text_color(*NAVY)
    pdf.cell(CONTENT_W, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10.5)
    pdf.set_text_color(*INK)
    pdf.cell(CONTENT_W, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 10.5)
    stand = labels.fmt_date(data.filters.stand)
    pdf.multi_cell(
        CONTENT_W,
        5.5,
        f"Stand: {stand}   ·   Filter: {data.filter_text()}",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(1)


def _map(pdf: FPDF, data: ExportData, height_mm: float, *, focus_kreis: str | None = None) -> None:
    dpi = 220
    width_px = round(CONTENT_W / 25.4 * dpi)
    height_px = round(height_mm / 25.4 * dpi)
    fig = draw_map_only(data, width_px, height_px, dpi, focus_kreis=focus_kreis)
    title, description = export_text(data)
    png = figure_bytes(fig, "png", title=title, description=description)
    y = pdf.get_y()
    pdf.image(png, x=MARGIN, y=y, w=CONTENT_W, h=height_mm, alt_text=description)
    pdf.set_y(y + height_mm + 1)


def _kpi_boxes(pdf: FPDF, values: dict[str, int | float | None], note: str) -> None:
    shown = [label for label in KPI_LABELS if label in values]
    if not shown:
        return
    gap = 2.5
    box_w = (CONTENT_W - gap * (len(shown) - 1)) / len(shown)
    box_h = 19
    y = pdf.get_y()
    for i, label in enumerate(shown):
        x = MARGIN + i * (box_w + gap)
        pdf.set_fill_color(*HEADER_BG)
        pdf.rect(x, y, box_w, box_h, style="F")
        pdf.set_xy(x, y + 1.5)
        pdf.set_font(FONT, "B", 18)
        pdf.set_text_color(*NAVY)
        pdf.cell(box_w, 8, labels.fmt_int(values[label]), align="C")
        pdf.set_xy(x, y + 10)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*INK)
        text = label
        if pdf.get_string_width(label) > box_w - 2:
            text = _BOX_BREAKS.get(label, label)
        pdf.multi_cell(box_w, 3.8, text, align="C")
    pdf.set_xy(MARGIN, y + box_h + 1)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(CONTENT_W, 3.6, note, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.ln(1.5)


def _table(
    pdf: FPDF,
    headings: list[str],
    rows: list[list[str]],
    widths: tuple[int, ...],
    links: list[str] | None = None,
    link_col: int | None = None,
) -> None:
    pdf.set_font(FONT, "", 8.5)
    pdf.set_draw_color(*RULE)
    heading_style = FontFace(emphasis="BOLD", fill_color=HEADER_BG, color=INK)
    with pdf.table(
        col_widths=widths,
        width=CONTENT_W,
        line_height=4.6,
        headings_style=heading_style,
        borders_layout="HORIZONTAL_LINES",
        padding=(0.8, 1.2),
        text_align="LEFT",
    ) as table:
        table.row(headings)
        for i, values in enumerate(rows):
            row = table.row()
            for j, value in enumerate(values):
                link = links[i] if links and j == link_col and links[i].startswith("http") else None
                row.cell(value, link=link)
    pdf.ln(2)


def _row_heights(pdf: FPDF, rows: list[list[str]], widths: tuple[int, ...]) -> list[float]:
    """Height (mm) of each table row as :func:`_table` draws it (cells wrap)."""
    pdf.set_font(FONT, "", 8.5)
    scale = CONTENT_W / sum(widths)
    # A table cell wraps within its width minus the padding (2 × 1.2 mm); multi_cell would also take off
    # its own cell margin, which the table does not, and so predicted wraps that never happen.
    saved, pdf.c_margin = pdf.c_margin, 0
    try:
        return [
            max(
                len(pdf.multi_cell(w * scale - 2.4, 4.6, text, dry_run=True, output="LINES"))
                for w, text in zip(widths, row, strict=True)
            )
            * 4.6
            + 1.6
            for row in rows
        ]
    finally:
        pdf.c_margin = saved


def _rows_that_fit(pdf: FPDF, rows: list[list[str]], widths: tuple[int, ...], space_mm: float) -> int:
    """How many table rows fit into ``space_mm``."""
    used, count = 0.0, 0
    for height in _row_heights(pdf, rows, widths):
        used += height
        if used > space_mm:
            break
        count += 1
    return count


def _coverage_note(data: ExportData) -> str:
    frame = data.frame[data.frame["treffer"]]
    total = len(frame)
    if not total:
        return ""
    with_agreement = frame["status"] == "kooperation"
    text = (
        f"{labels.fmt_int(int(with_agreement.sum()))} von {labels.fmt_int(total)} Gemeinden "
        f"({labels.fmt_pct(with_agreement.sum() / total)}) mit Kooperationsvereinbarung"
    )
    if "flaeche_km2" in frame:
        area = frame["flaeche_km2"].astype(float)
        if area.sum() > 0:
            text += f", {labels.fmt_pct(area[with_agreement].sum() / area.sum())} der Fläche"
    return text + "."


def _page_one(pdf: _Briefing, data: ExportData) -> None:
    pdf.add_page()
    _header(pdf, data, TITLE, SUBTITLE)
    _map(pdf, data, 100)

    stand = labels.fmt_date(data.filters.stand)
    _heading(pdf, f"Kennzahlen am {stand}")
    coverage = _coverage_note(data)
    note = f"Quelle: {data.kpi_source}, Stand {stand}. " + (coverage + " " if coverage else "") + DB_NOTE
    _kpi_boxes(pdf, dict(data.kpis), note)

    published = list(data.published)[:5]
    pub_rows = [
        [_clip(p.label, 80), labels.fmt_int(p.value), labels.fmt_date(p.date), p.kind_label, _short_source(p.source)]
        for p in published
    ]
    milestones = list(data.milestones)[:5]
    ms_rows = [
        [labels.fmt_date(m.date), _clip(m.name, 58), _clip(m.baustein, 28), _short_source(m.source)]
        for m in milestones
    ]
    # Both tables must fit above the footer: drop published rows first (down to two), then milestones.
    pub_h = _row_heights(pdf, pub_rows, PUBLISHED_WIDTHS)
    ms_h = _row_heights(pdf, ms_rows, MILESTONE_WIDTHS)
    _fit(pub_h, ms_h, FOOTER_TOP - pdf.get_y() - 2 * (6 + 6.5 + 2) - (0 if pub_rows else -14.5))

    if pub_h:
        _heading(pdf, published_heading(published))
        header = ["Kennzahl", "Wert", "Stand", "Art der Quelle", "Quelle"]
        _sourced_table(pdf, header, pub_rows[: len(pub_h)], PUBLISHED_WIDTHS, [p.source for p in published])

    _heading(pdf, "Die fünf neuesten Meilensteine")
    if ms_h:
        header = ["Datum", "Kommune / Teilnehmer", "Baustein", "Quelle"]
        _sourced_table(pdf, header, ms_rows[: len(ms_h)], MILESTONE_WIDTHS, [m.source for m in milestones])
    else:
        _line(pdf, f"Keine datierten Meilensteine bis {stand}.")


def _fit(pub_h: list[float], ms_h: list[float], space: float) -> None:
    """Drop row heights until both tables fit: published rows first (down to two), then milestones, then the rest."""
    while pub_h and sum(pub_h) + sum(ms_h) > space and len(pub_h) > 2:
        pub_h.pop()
    while ms_h and sum(pub_h) + sum(ms_h) > space:
        ms_h.pop()
    while pub_h and sum(pub_h) + sum(ms_h) > space:
        pub_h.pop()


def _sourced_table(pdf: FPDF, header: list[str], rows: list[list[str]], widths, sources: list[str]) -> None:
    """A table whose last column is the source, linked where it is a web address."""
    _table(pdf, header, rows, widths, links=sources, link_col=len(header) - 1)


def _kreis_page(pdf: _Briefing, data: ExportData, kreis: str) -> None:
    pdf.add_page()
    name = data.kreis_labels.get(kreis, kreis)
    frame = data.frame[data.frame["kreis_ags"] == kreis]
    kreis_data = dataclasses.replace(
        data, frame=frame, kreise=data.kreise[data.kreise["kreis_ags"].astype(str) == kreis], kpis={"-": 0}
    )
    stand = labels.fmt_date(data.filters.stand)
    _header(pdf, data, name, f"{TITLE} – Kreisübersicht")
    _map(pdf, kreis_data, 100, focus_kreis=kreis)

    _heading(pdf, f"Kennzahlen des Kreises am {stand}")
    values = dict(data.kreis_kpis.get(kreis) or kpis_from_frame(frame))
    note = (
        f"Anzahl Gemeinden im Filter ({labels.fmt_int(int(frame['treffer'].sum()))} von "
        f"{labels.fmt_int(len(frame))}); Quelle: {data.kpi_source}, Stand {stand}."
    )
    _kpi_boxes(pdf, values, note)

    active = frame[frame["treffer"] & (frame["status"] != "nicht_beteiligt")].copy()
    order = {key: i for i, key in enumerate(reversed(labels.STATUS_ORDER))}
    active["_order"] = active["status"].map(order)
    active = active.sort_values(["_order", "name"])
    _heading(pdf, "Beteiligte Gemeinden")
    if not len(active):
        _line(pdf, "Keine beteiligte Gemeinde im Filter.")
        return
    widths = (36, 45, 21, 40, 44)
    rows = _gemeinde_rows(active, data.problemfeld_labels)
    limit = _rows_that_fit(pdf, rows, widths, FOOTER_TOP - pdf.get_y() - 7 - 5)
    _table(pdf, ["Gemeinde", "Status", "seit", "Bausteine", "Problemfelder"], rows[:limit], widths)
    if len(active) > limit:
        _line(pdf, f"… und {len(active) - limit} weitere (vollständige Liste in der Karte).", size=8.5, height=4.5)


def _gemeinde_rows(active, problemfeld_labels) -> list[list[str]]:
    """Name, status, since when, flag Bausteine and Problemfelder of each participating Gemeinde."""
    rows = []
    for _, row in active.iterrows():
        flags = [
            txt
            for flag, txt in (
                ("modellkommune", "Modellkommune"),
                ("kpr", "KPR"),
                ("sicherheitsanalyse", "Sicherheitsanalyse"),
            )
            if row.get(flag)
        ]
        since = labels.fmt_date(row.get("status_seit")) if "status_seit" in active else "–"
        pf = ", ".join(problemfeld_labels.get(p, p) for p in row["problemfelder"])
        rows.append(
            [
                _clip(row["name"], 34),
                labels.STATUS_LABELS[row["status"]],
                since,
                _clip(", ".join(flags), 60),
                _clip(pf or "–", 70),
            ]
        )
    return rows


def _line(pdf: FPDF, text: str, *, size: float = 9, height: float = 5) -> None:
    """One line of plain text across the page."""
    pdf.set_font(FONT, "", size)
    pdf.cell(CONTENT_W, height, text, new_x="LMARGIN", new_y="NEXT")


def render_briefing_pdf(
    data: ExportData | None = None,
    *,
    filters: Filters | None = None,
    kreis_pages: bool = False,
) -> bytes:
    """The briefing as PDF bytes: one A4 page; with ``kreis_pages`` one more page per Kreis in the filter."""
    if data is None:
        data = collect(filters or Filters(stand=dt.date.today()))
    footer = f"Gemeindegrenzen: {data.attribution}  ·  Erstellt am {labels.fmt_date(dt.date.today())}"
    pdf = _Briefing(footer)
    _page_one(pdf, data)
    if kreis_pages:
        for kreis in data.filters.kreise:
            _kreis_page(pdf, data, kreis)
    return bytes(pdf.output())
