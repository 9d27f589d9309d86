"""German labels, the one colour palette, and German number/date formatting.

Every view (interactive map, PNG/PDF export, snapshot, tables) takes its words and colours from here.
Numbers and dates are formatted in Python, never by the browser's locale.

Colours: a colour that belongs to a Baustein comes from ``data/bausteine.csv`` (column ``colour``), the one
place to change it — »beraten« (row ``beratung``), »Kooperationsvereinbarung« (``kooperationsvereinbarung``),
the Modellkommune outline (``modellkommune``) and the markers of ``kpr`` and ``sicherheitsanalyse``. Colours
that belong to no Baustein (»nicht beteiligt«, filtered-out grey, borders) are set here.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import unicodedata
from pathlib import Path

from asskomm.paths import DATA_DIR

BAUSTEINE_FILE = DATA_DIR / "bausteine.csv"
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def baustein_colours(path: Path = BAUSTEINE_FILE) -> dict[str, str]:
    """Baustein id → colour (``#RRGGBB``) from ``data/bausteine.csv``; a German error names file, row, column."""
    out = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            colour = str(row.get("colour") or "").strip()
            if not _HEX.match(colour):
                raise ValueError(
                    f"{path.name}, Zeile {line}, Spalte »colour«: ungültige Farbe »{colour}« bei »{row.get('id')}« "
                    "(erwartet #RRGGBB)"
                )
            out[str(row["id"]).strip()] = colour.upper()
    return out


_BAUSTEIN_COLOURS = baustein_colours()

# Status stages of a municipality at a date, lowest first.
STATUS_ORDER = ("nicht_beteiligt", "beraten", "kooperation")
STATUS_LABELS = {
    "nicht_beteiligt": "nicht beteiligt",
    "beraten": "beraten",
    "kooperation": "Kooperationsvereinbarung",
}
# Colour-blind-safe blues on a neutral grey. The stages differ in lightness so much that neighbouring
# stages keep a contrast of at least 3:1 (WCAG 2.1, 1.4.11) – with protanopia and deuteranopia (which keep the
# blue–yellow axis), in greyscale print and on a washed-out projector (tests/test_palette.py checks it).
STATUS_COLOURS = {
    "nicht_beteiligt": "#EBEBEB",
    "beraten": _BAUSTEIN_COLOURS["beratung"],
    "kooperation": _BAUSTEIN_COLOURS["kooperationsvereinbarung"],
}
# Municipalities outside the current filter: kept on the map, but greyed.
FILTERED_OUT_COLOUR = "#F7F7F7"
FILTERED_OUT_OPACITY = 0.35
FILTERED_OUT_BORDER_COLOUR = "#8F8F8F"
MODEL_OUTLINE_COLOUR = _BAUSTEIN_COLOURS["modellkommune"]  # vermillion outline marks the Modellkommunen
KREIS_BORDER_COLOUR = "#333333"
GEMEINDE_BORDER_COLOUR = "#767676"
# Outlines and markers on the map are drawn over a white casing: on the dark fills the casing stands out,
# on the light ones the coloured line itself (every line has at least 3:1 against one of the two).
CASING_COLOUR = "#FFFFFF"
# Legend swatches get this border (at least 3:1 against the white page, also around the light grey swatch).
SWATCH_BORDER_COLOUR = "#595959"
MARKER_COLOURS = {
    "kpr": _BAUSTEIN_COLOURS["kpr"],  # Präventionsrat (filled dot with a dark rim)
    "sicherheitsanalyse": _BAUSTEIN_COLOURS["sicherheitsanalyse"],  # Sicherheitsanalyse (ring)
}
MARKER_RIM_COLOUR = "#1A1A1A"
MARKER_LABELS = {
    "kpr": "Kommunaler Präventionsrat",
    "sicherheitsanalyse": "Sicherheitsanalyse",
}

# How participant figures count (the KPI help on the map page and the footnotes of the report use these words).
TEILNEHMER_REGEL = (
    "Vereinbarungen, Präventionsräte und Sicherheitsanalysen zählen Teilnehmer (ein Verbund zählt einmal)"
)

BKG_ATTRIBUTION_TEMPLATE = "© GeoBasis-DE / BKG ({year}), dl-de/by-2-0"

MONTHS_DE = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)


def _group_thousands(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def fmt_num(value: float | int | None, decimals: int = 0) -> str:
    """German number: ``1234.5`` → ``1.234,5``; None/NaN → ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    sign = "-" if value < 0 and float(text) != 0 else ""
    return sign + _group_thousands(whole) + ("," + frac if frac else "")


def fmt_int(value: float | int | None) -> str:
    return fmt_num(value, 0)


def fmt_pct(share: float | None, decimals: int = 1) -> str:
    """Share 0..1 as German percent: ``0.1234`` → ``12,3 %``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{fmt_num(share * 100, decimals)} %"


def fmt_eur(value: float | int | None) -> str:
    return "–" if value is None else f"{fmt_num(value, 0)} €"


def fmt_date(value: dt.date | dt.datetime | str | None) -> str:
    """German date. Accepts a date or an ISO string of day, month or year precision.

    ``2019-02-06`` → ``06.02.2019``; ``2021-06`` → ``06/2021``; ``2021`` → ``2021``; empty → ``–``.
    """
    if value is None or value == "":
        return "–"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    text = str(value).strip()
    parts = text.split("-")
    if len(parts) == 3:
        return f"{parts[2]}.{parts[1]}.{parts[0]}"
    if len(parts) == 2:
        return f"{parts[1]}/{parts[0]}"
    return text


def fmt_datetime(value: dt.datetime) -> str:
    return value.strftime("%d.%m.%Y, %H:%M Uhr")


def fmt_month_year(value: dt.date) -> str:
    return f"{MONTHS_DE[value.month - 1]} {value.year}"


def bkg_attribution(year: int | str, changed: bool = True) -> str:
    text = BKG_ATTRIBUTION_TEMPLATE.format(year=year)
    return text + " (Daten verändert)" if changed else text


def relative_luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour ``#RRGGBB`` (WCAG 2.1 definition), 0 (black) .. 1 (white)."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    channels = []
    for i in (0, 2, 4):
        c = int(text[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 .. 21 (text needs 4.5, graphics 3)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def published_marker(colour: str, size: float, edge: float) -> dict:
    """Matplotlib style of a published total in the charts: a hollow circle (the database is the line)."""
    return {"marker": "o", "markersize": size, "markerfacecolor": "white", "markeredgecolor": colour,
            "markeredgewidth": edge}


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:=^])")
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_QUOTED = re.compile(r"»([^«]*)«")
# What a renderer turns into a link or an icon from plain text, escaped or not (Streamlit's markdown finds
# URLs, www. and e-mail addresses in the text after escapes are resolved, and :material/…: icons).
_LIVE_TOKEN = re.compile(r"\S*(?:://|www\.|@|:[^\s:]+:)\S*", re.IGNORECASE)
_BACKTICKS = re.compile(r"`+")
MAX_VALUE_CHARS = 200


def md_inert(text: object) -> str:
    """User text made inert for Streamlit markdown: the one helper for every user-supplied value that is
    echoed in a markdown element (notices about URL parameters, names, file names, search texts, messages).

    A value quoted »…« becomes a code span, and so does any word a renderer would make a link or an icon
    from (``https://…``, ``www.…``, e-mail addresses, ``:name:``); the rest is backslash-escaped. Line breaks
    become spaces, so nothing can start a block of its own. No link, image, emphasis or HTML comes out of it.
    """
    flat = _BREAKS.sub(" ", str(text))
    out, pos = [], 0
    for m in _QUOTED.finditer(flat):
        out += [_prose(flat[pos:m.start()]), "»", code_span(m.group(1)), "«"]
        pos = m.end()
    out.append(_prose(flat[pos:]))
    return "".join(out)


def _prose(text: str) -> str:
    out, pos = [], 0
    for m in _LIVE_TOKEN.finditer(text):
        out += [_MD_SPECIAL.sub(r"\\\1", text[pos:m.start()]), code_span(m.group(0))]
        pos = m.end()
    out.append(_MD_SPECIAL.sub(r"\\\1", text[pos:]))
    return "".join(out)


def code_span(value: object) -> str:
    """``value`` as one markdown code span, whatever backticks it holds (a fence longer than any run in it),
    on one line and at most ``MAX_VALUE_CHARS`` long; empty for an empty value."""
    text = _BREAKS.sub(" ", str(value)).strip()
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + "…"
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form for matching user wording."""
    text = text.strip().lower().replace("ß", "ss")
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()
