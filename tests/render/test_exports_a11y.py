"""Accessible take-aways (issue 13): the briefing PDF has a title shown by the viewer, language de, subject,
selectable text and a structure tree for the map's alt text; PNG and SVG carry a title and a description."""

from __future__ import annotations

import html
import io
import re

from export_support import STAND, make_export_data
from PIL import Image
from pypdf import PdfReader

from asskomm import labels
from asskomm.render import briefing, static_map


def test_briefing_pdf_title_language_text_and_tags():
    reader = PdfReader(io.BytesIO(briefing.render_briefing_pdf(make_export_data())))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == briefing.TITLE
    assert "Allianz Sichere Sächsische Kommunen" in reader.metadata.subject
    assert str(root["/Lang"]) == "de"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    # partly tagged: the map picture is a /Figure with its alt text in the structure tree
    assert bool(root["/MarkInfo"]["/Marked"])
    document = root["/StructTreeRoot"]["/K"][0].get_object()
    assert document["/S"] == "/Document"
    figures = [k.get_object() for k in document["/K"]]
    assert [f["/S"] for f in figures] == ["/Figure"]
    alts = [str(f.get("/Alt", "")) for f in figures]
    assert any(f"Stand {labels.fmt_date(STAND)}" in alt and "Gemeinden" in alt for alt in alts), alts
    # real text (not a picture of text): extractable, with umlauts
    assert "Allianz Sichere Sächsische Kommunen" in " ".join(reader.pages[0].extract_text().split())


def test_png_has_title_and_description():
    data = make_export_data()
    png = static_map.render_map_png(data)
    info = Image.open(io.BytesIO(png)).text
    title, description = static_map.export_text(data)
    assert info["Title"] == title and labels.fmt_date(STAND) in title
    assert info["Description"] == description
    koop = int((data.frame["status"] == "kooperation").sum())
    assert f"{koop} mit Kooperationsvereinbarung" in description
    assert data.attribution in description


def test_svg_has_title_and_description_for_screen_readers():
    data = make_export_data()
    svg = static_map.render_map_svg(data).decode("utf-8")
    title, description = static_map.export_text(data)
    root = re.search(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="img"' in root and 'lang="de"' in root and "aria-labelledby" in root
    after_root = svg[svg.index(root) + len(root):]
    assert after_root.startswith(f'<title id="asskomm-title">{title}</title>')
    assert f'<desc id="asskomm-desc">{html.escape(description)}</desc>' in after_root
    assert "<dc:title>" + title in svg  # Dublin Core metadata too
