"""A matplotlib figure as a file (PNG, SVG or PDF bytes) that names itself for screen readers and file
managers."""

from __future__ import annotations

import html
import io
import re

from matplotlib.figure import Figure


def figure_bytes(
    fig: Figure, fmt: str, dpi: int | None = None, *, title: str = "", description: str = ""
) -> bytes:
    """The figure as PNG/SVG/PDF bytes. ``title`` and ``description`` go into the file for screen readers and
    file managers: PNG text chunks ``Title``/``Description``, SVG Dublin Core metadata plus ``<title>`` and
    ``<desc>`` as first children of the root (what assistive technology reads), PDF ``Title``/``Subject``."""
    buf = io.BytesIO()
    metadata: dict[str, str | None] = (
        {"Creator": "ASSKomm-Karte"} if fmt in ("svg", "pdf") else {"Software": "ASSKomm-Karte"}
    )
    if fmt == "svg":
        metadata["Date"] = None
    if title:
        metadata["Title"] = title
    if description:
        metadata["Subject" if fmt == "pdf" else "Description"] = description
    if fmt == "svg" and title:
        metadata["Language"] = "de"
    fig.savefig(buf, format=fmt, dpi=dpi or fig.dpi, facecolor="white", metadata=metadata)
    out = buf.getvalue()
    if fmt == "svg" and (title or description):
        out = _svg_title(out, title, description)
    return out


def _svg_title(svg: bytes, title: str, description: str) -> bytes:
    """Name the SVG for assistive technology: ``role="img"``, ``lang``, ``<title>`` and ``<desc>``."""
    text = svg.decode("utf-8")
    root = re.search(r"<svg\b[^>]*>", text)
    if root is None:
        return svg
    tag = root.group(0)
    new_tag = tag[:-1] + ' role="img" lang="de" aria-labelledby="asskomm-title asskomm-desc">'
    inner = f'<title id="asskomm-title">{html.escape(title)}</title>'
    if description:
        inner += f'<desc id="asskomm-desc">{html.escape(description)}</desc>'
    return (text[: root.start()] + new_tag + inner + text[root.end() :]).encode("utf-8")
