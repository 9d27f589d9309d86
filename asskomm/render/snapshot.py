"""Offline snapshot: one self-contained HTML file with the interactive map, its data and Leaflet inlined.

The map is the dashboard's own map (``render.mapbase`` and ``render.mapstatus``: same colours, tooltips,
outlines and markers); Leaflet 1.9.4's JS and CSS (PyPI package ``django-js-lib-leaflet``) are written into the
file, and the images its stylesheet refers to become data URIs. The file makes no request at all, so it opens
from a USB stick in a room without network.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from pathlib import Path
from urllib.parse import urlparse

from branca.element import Element

from asskomm import labels
from asskomm.analysis.exportdata import ExportData, collect
from asskomm.analysis.filters import Filters
from asskomm.analysis.kpis import KPI_LABELS, legend_counts, published_heading
from asskomm.render import mapbase, mapgeometry, mapstatus

TITLE = "Allianz Sichere Sächsische Kommunen (ASSKomm)"
PANEL_WIDTH_PX = 330


def leaflet_dir() -> Path:
    import js_lib_leaflet

    return Path(js_lib_leaflet.__file__).resolve().parent / "static" / "js_lib_leaflet"


def _inline_js() -> str:
    js = (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    return js.replace("</script", "<\\/script")


def _inline_css() -> str:
    folder = leaflet_dir()
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match) -> str:
        path = folder / match.group(1)
        if not path.is_file():
            return "none"
        return "url(data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii") + ")"

    css = re.sub(r"url\((images/[^)]+\.png)\)", data_uri, css)
    return css.replace("</style", "<\\/style")


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _source(url: str) -> str:
    """A source as a link showing its host (a link is only followed when clicked)."""
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        host = parsed.netloc.removeprefix("www.")
        return f'Quelle: <a href="{_esc(url)}" title="{_esc(url)}">{_esc(host)}</a>'
    return f"Quelle: {_esc(url)}"


def _legend_rows(counts) -> str:
    """The legend's table rows: symbol, label and count per status (highest first), flag and filtered-out."""
    marker = labels.MARKER_COLOURS
    lines = [
        (f'<span class="sw" style="background:{labels.STATUS_COLOURS[key]}"></span>', _esc(labels.STATUS_LABELS[key]),
         counts[key])
        for key in reversed(labels.STATUS_ORDER)
    ]
    lines.append((f'<span class="sw" style="background:#fff;border:3px solid {labels.MODEL_OUTLINE_COLOUR}"></span>',
                  "Modellkommune", counts["modellkommune"]))
    lines.append((f'<span class="dot" style="background:{marker["kpr"]}"></span>', _esc(labels.MARKER_LABELS["kpr"]),
                  counts["kpr"]))
    lines.append((f'<span class="ring" style="border-color:{marker["sicherheitsanalyse"]}"></span>',
                  _esc(labels.MARKER_LABELS["sicherheitsanalyse"]), counts["sicherheitsanalyse"]))
    if counts["ausgegraut"]:
        lines.append((f'<span class="sw" style="background:{labels.FILTERED_OUT_COLOUR}"></span>',
                      "außerhalb des Filters", counts["ausgegraut"]))
    return "".join(
        f"<tr><td>{symbol}</td><td>{text}</td><td class='n'>{labels.fmt_int(n)}</td></tr>" for symbol, text, n in lines
    )


def _panel(data: ExportData) -> str:
    counts = legend_counts(data.frame)
    stand = labels.fmt_date(data.filters.stand)
    kpis = "".join(
        f"<tr><td>{_esc(label)}</td><td class='n'>{labels.fmt_int(data.kpis[label])}</td></tr>"
        for label in KPI_LABELS
        if label in data.kpis
    )
    published = "".join(
        f"<tr><td>{_esc(p.label)}<br><span class='src'>{_esc(labels.fmt_date(p.date))} · {_esc(p.kind_label)} · "
        f"{_source(p.source)}</span></td><td class='n'>{labels.fmt_int(p.value)}</td></tr>"
        for p in data.published
    )
    milestones = "".join(
        f"<li><b>{_esc(labels.fmt_date(m.date))}</b> {_esc(m.name)}: {_esc(m.baustein)}"
        + (f"<br><span class='src'>{_source(m.source)}</span>" if m.source else "")
        + "</li>"
        for m in data.milestones
    )
    parts = [
        f"<h2>Status am {stand}</h2><table class='legend'>{_legend_rows(counts)}</table>",
        "<p class='note'>Anzahl Gemeinden; eine Vereinbarung eines Verbunds färbt alle Mitglieder.</p>",
    ]
    if kpis:
        parts.append(
            f"<h2>Kennzahlen</h2><table class='kpi'>{kpis}</table>"
            f"<p class='note'>Quelle: {_esc(data.kpi_source)}, Stand {stand}.</p>"
        )
    if published:
        parts.append(
            f"<h2>{_esc(published_heading(data.published))}</h2><table class='pub'>{published}</table>"
        )
    if milestones:
        parts.append(f"<h2>Neueste Meilensteine</h2><ul class='ms'>{milestones}</ul>")
    parts.append(
        f"<p class='note'>Gemeindegrenzen: {_esc(data.attribution)}.<br>"
        f"Offline-Momentaufnahme, erstellt am {labels.fmt_date(dt.date.today())}. "
        "Die Datei lädt nichts aus dem Netz; Quellen-Links öffnen sich nur auf Klick.</p>"
    )
    return "".join(parts)


_CSS = f"""
body{{font-family:"DejaVu Sans","Segoe UI",Arial,sans-serif;color:#1a1a1a}}
#asskomm-head{{position:absolute;top:0;left:0;right:0;height:76px;padding:10px 18px;box-sizing:border-box;
  border-bottom:1px solid #ccc;background:#fff}}
#asskomm-head h1{{margin:0;font-size:24px;color:#0b2a4a}}
#asskomm-head p{{margin:4px 0 0;font-size:16px}}
.folium-map{{position:absolute !important;top:76px !important;bottom:0 !important;left:0 !important;
  right:{PANEL_WIDTH_PX}px !important;width:auto !important;height:auto !important}}
.leaflet-container{{background:#fff !important}}
.asskomm-tip{{font-size:15px;line-height:1.35;max-width:22em;white-space:normal}}
.leaflet-tooltip{{white-space:normal;min-width:12em}}
#asskomm-panel{{position:absolute;top:76px;bottom:0;right:0;width:{PANEL_WIDTH_PX}px;overflow:auto;
  box-sizing:border-box;padding:8px 14px;border-left:1px solid #ccc;font-size:14px;background:#fff}}
#asskomm-panel h2{{font-size:16px;margin:12px 0 6px;color:#0b2a4a}}
#asskomm-panel table{{border-collapse:collapse;width:100%}}
#asskomm-panel td,#asskomm-panel th{{padding:2px 4px;vertical-align:top;text-align:left}}
#asskomm-panel .n{{text-align:right;font-weight:bold}}
#asskomm-panel .pub{{font-size:12px}} #asskomm-panel .src{{font-size:11px;color:#555;word-break:break-all}}
#asskomm-panel .note{{font-size:11.5px;color:#555}}
#asskomm-panel .ms{{padding-left:16px;margin:0}} #asskomm-panel .ms li{{margin-bottom:4px}}
.sw{{display:inline-block;width:22px;height:14px;border:1px solid {labels.GEMEINDE_BORDER_COLOUR};
  box-sizing:border-box;vertical-align:middle}}
.dot{{display:inline-block;width:10px;height:10px;border-radius:50%;border:1.5px solid #fff;margin-left:5px}}
.ring{{display:inline-block;width:14px;height:14px;border-radius:50%;border:3px solid;box-sizing:border-box;
  margin-left:4px}}
"""


def render_snapshot_html(data: ExportData | None = None, *, filters: Filters | None = None) -> str:
    """The offline snapshot as one HTML document (str)."""
    if data is None:
        data = collect(filters or Filters(stand=dt.date.today()))
    frame = data.frame
    geometry = mapgeometry.prepare_geometry(frame, data.kreise, attribution=data.attribution)
    m = mapbase.base_map(geometry)
    table = frame.drop(columns=frame.geometry.name)
    layers = mapstatus.status_layers(table, frame["treffer"], problemfeld_labels=dict(data.problemfeld_labels))

    stand = labels.fmt_date(data.filters.stand)
    root = m.get_root()
    root.header.add_child(Element(f"<style>{_CSS}</style>"), name="asskomm_snapshot_css")
    root.html.add_child(
        Element(
            f'<div id="asskomm-head"><h1>{_esc(TITLE)}</h1>'
            f"<p><b>Stand: {stand}</b> · {_esc(data.filter_text())}</p></div>"
            f'<div id="asskomm-panel">{_panel(data)}</div>'
        ),
        name="asskomm_snapshot_panel",
    )
    page = mapstatus.standalone_html(m, layers)

    # Inline Leaflet instead of the app's URLs; nothing else may point outside the file.
    page, n_js = re.subn(
        r'<script src="[^"]*leaflet\.js"></script>',
        lambda _: f"<script>{_inline_js()}</script>",
        page,
        count=1,
    )
    page, n_css = re.subn(
        r'<link rel="stylesheet" href="[^"]*leaflet\.css"\s*/?>',
        lambda _: f"<style>{_inline_css()}</style>",
        page,
        count=1,
    )
    if not (n_js and n_css):
        raise RuntimeError("Leaflet-Verweise in der Karte nicht gefunden; Momentaufnahme nicht erzeugt.")
    page = page.replace("<html>", '<html lang="de">', 1)
    page = page.replace("<head>", f"<head>\n<title>ASSKomm-Karte – Momentaufnahme, Stand {stand}</title>", 1)
    return page
