"""The take-aways of a meeting (Karte page, tab »Mitnehmen«): the map as PNG (slide, A4) and SVG, the
briefing PDF (with Kreis pages) and the offline HTML map, all of exactly the view on screen.

Files are generated only when a button is clicked (``st.download_button`` with a callable), from
``asskomm.render.static_map`` / ``briefing`` / ``snapshot`` — the same code as the CLI.

    takeaways.downloads(filters)                   # PNG (Folie/A4), SVG, PDF (+ Kreisseiten), HTML
"""

from __future__ import annotations

import streamlit as st

from asskomm import labels
from asskomm.analysis.filters import Filters
from asskomm.ui import data


def _collect(filters: Filters):
    from asskomm.analysis import exportdata

    return exportdata.collect(filters, store=data.store())


def _file_stem(filters: Filters) -> str:
    stem = f"asskomm_{filters.stand.isoformat()}"
    if filters.kreise:
        stem += "_" + "-".join(filters.kreise)
    if filters.polizeidirektionen:
        stem += "_pd-" + "-".join(filters.polizeidirektionen)
    return stem


@st.cache_data(show_spinner=False, max_entries=16)
def _render(kind: str, version: str, fkey: tuple) -> bytes:
    from asskomm.render import briefing, snapshot, static_map

    # the version ends in ":u" when the view counts unconfirmed milestones (ui.data.data_version)
    export = _collect(Filters.from_cache_key(fkey, unbestaetigt=version.endswith(":u")))
    if kind == "png":
        return static_map.render_map_png(export, size="folie")
    if kind == "png_a4":
        return static_map.render_map_png(export, size="a4")
    if kind == "svg":
        return static_map.render_map_svg(export)
    if kind == "pdf":
        return briefing.render_briefing_pdf(export)
    if kind == "pdf_kreise":
        return briefing.render_briefing_pdf(export, kreis_pages=True)
    return snapshot.render_snapshot_html(export).encode("utf-8")


DOWNLOADS = {
    # kind: (label, file suffix, mime, icon, help)
    "png": (
        "Folie (PNG, 1920 × 1080)",
        "karte.png",
        "image/png",
        ":material/slideshow:",
        "Karte mit Titel, Stand, Filtern, Legende mit Anzahlen, Kreisnamen, Maßstab, Kennzahlen und Quellen",
    ),
    "png_a4": (
        "Druck (PNG, A4 quer, 300 dpi)",
        "karte_a4.png",
        "image/png",
        ":material/print:",
        "Dieselbe Karte für den Druck: 3508 × 2480 Pixel",
    ),
    "svg": (
        "Vektorgrafik (SVG)",
        "karte.svg",
        "image/svg+xml",
        ":material/draw:",
        "Zum Weiterbearbeiten, z. B. in PowerPoint oder Inkscape",
    ),
    "pdf": (
        "Kurzinformation (PDF, 1 Seite)",
        "kurzinfo.pdf",
        "application/pdf",
        ":material/picture_as_pdf:",
        "A4: Karte, Kennzahlen mit Stand und Quelle, veröffentlichte Zahlen, die fünf neuesten Meilensteine",
    ),
    "pdf_kreise": (
        "Kurzinformation mit Kreisseiten (PDF)",
        "kurzinfo_kreise.pdf",
        "application/pdf",
        ":material/library_books:",
        "Eine weitere Seite je gewähltem Kreis",
    ),
    "html": (
        "Offline-Karte (HTML)",
        "offline.html",
        "text/html",
        ":material/usb:",
        "Eine Datei mit der interaktiven Karte; öffnet ohne Netz, z. B. vom USB-Stick im Sitzungsraum",
    ),
}


def downloads(filters: Filters, *, filter_text: str = "", key: str = "meeting_downloads") -> None:
    """Download buttons for the current filters and date: map picture, briefing PDF, offline snapshot."""
    version = data.data_version()

    def button(kind: str, *, disabled: bool = False, help_text: str | None = None) -> None:
        label, suffix, mime, icon, hint = DOWNLOADS[kind]
        st.download_button(
            label,
            lambda: _render(kind, version, filters.cache_key()),
            file_name=f"{_file_stem(filters)}_{suffix}",
            mime=mime,
            key=f"{key}_{kind}",
            on_click="ignore",
            icon=icon,
            help=help_text or hint,
            disabled=disabled,
            width="stretch",
        )

    view = f"Stand {labels.fmt_date(filters.stand)}" + (f" · {filter_text}" if filter_text else "")
    st.caption(f"Alle Dateien zeigen genau diese Ansicht: **{view}** – mit Quellenangabe und Datum.")
    cols = st.columns([1, 1.2, 1], gap="medium")
    with cols[0]:
        st.markdown("**Karte als Bild**")
        button("png")
        button("png_a4")
        button("svg")
    with cols[1]:
        st.markdown("**Kurzinformation**")
        button("pdf")
        button(
            "pdf_kreise",
            disabled=not filters.kreise,
            help_text=None if filters.kreise else "Erst in den Filtern einen oder mehrere Kreise wählen.",
        )
    with cols[2]:
        st.markdown("**Offline-Karte**")
        button("html")
        st.caption("Lädt nichts aus dem Netz; Quellen-Links öffnen sich nur auf Klick.")
