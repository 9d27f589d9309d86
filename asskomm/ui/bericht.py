"""Streamlit helpers of the page »Bericht«: the report inputs (kept in the URL), the cached report, downloads.

The report itself is ``asskomm.analysis.bericht.build`` (no Streamlit), the files ``asskomm.render.bericht_export`` — the same
code as ``python -m asskomm bericht``, so page, DOCX and XLSX show the same numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html

import streamlit as st

from asskomm import labels
from asskomm.analysis import bericht
from asskomm.analysis.bericht_model import NUMERIC
from asskomm.analysis.filters import PROGRAMME_START
from asskomm.ui import boundaries, data, sidebar

K_STICHTAG = "ber_stichtag"
K_VON = "ber_von"
K_BIS = "ber_bis"
K_REGION = "ber_region"

DOWNLOADS = {
    "docx": ("Als Word-Dokument (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("Als Excel-Tabelle (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclasses.dataclass(frozen=True)
class Auswahl:
    stichtag: dt.date
    von: dt.date | None
    bis: dt.date | None  # end of the period; None: the Stichtag
    region: str  # region token (»Sachsen«, »14626«, »PD Görlitz«)
    notices: tuple[str, ...] = ()


def _init_from_url(kreis_labels: dict[str, str]) -> list[str]:
    """Read ``stichtag``, ``von``, ``bis`` and ``region`` from the URL once; bad values become German notices.
    Whether »von« and »bis« fit the Stichtag is checked by the report (``bericht.check_dates``, as for the command)."""
    today = sidebar.today()
    notices: list[str] = []
    dates: dict[str, dt.date | None] = {"stichtag": today, "von": None, "bis": None}
    region = "Sachsen"
    for name in dates:
        raw = st.query_params.get(name)
        if not raw:
            continue
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            notices.append(f"Parameter »{name}={raw}« ignoriert: kein Datum im Format JJJJ-MM-TT.")
            continue
        if not PROGRAMME_START <= value <= today:
            notices.append(
                f"Parameter »{name}={raw}« ignoriert: liegt außerhalb von {labels.fmt_date(PROGRAMME_START)} "
                f"bis {labels.fmt_date(today)}."
            )
            continue
        dates[name] = value
    raw_region = st.query_params.get("region")
    if raw_region:
        try:
            region = bericht.parse_region(raw_region, kreis_labels).token
        except bericht.BerichtInputError as exc:
            notices.append(f"Parameter »region={raw_region}« ignoriert: {exc}")
    st.session_state[K_STICHTAG] = dates["stichtag"]
    st.session_state[K_VON] = dates["von"]
    st.session_state[K_BIS] = dates["bis"]
    st.session_state[K_REGION] = region
    return notices


def init(kreis_labels: dict[str, str]) -> list[str]:
    """Read the URL once per session (before the title, which shows the Stichtag); returns notices."""
    stichtag = st.session_state.get(K_STICHTAG)
    if not isinstance(stichtag, dt.date) or not PROGRAMME_START <= stichtag <= sidebar.today():
        return _init_from_url(kreis_labels)
    return []


def current_stichtag() -> dt.date:
    return st.session_state.get(K_STICHTAG) or sidebar.today()


def auswahl(kreis_labels: dict[str, str], notices: list[str] | None = None) -> Auswahl:
    """Stichtag, optional period (von, bis) and region, in one row; written back to the URL."""
    notices = notices or []
    today = sidebar.today()
    regions = {r.token: r.name for r in bericht.regions(kreis_labels)}
    col_date, col_von, col_bis, col_region = st.columns([1, 1, 1, 1.6])
    with col_date:
        stichtag = st.date_input(
            "Stichtag", key=K_STICHTAG, min_value=PROGRAMME_START, max_value=today, format="DD.MM.YYYY",
            help=f"Stand der Allianz an diesem Tag ({labels.fmt_date(PROGRAMME_START)} bis heute).",
        )
    with col_von:
        von = st.date_input(
            "Zeitraum ab (optional)", key=K_VON, min_value=PROGRAMME_START, max_value=today, format="DD.MM.YYYY",
            help="Beginn des Zeitraums für Förderung und Änderungen (leer: Start am 06.02.2019).",
        )
    with col_bis:
        bis = st.date_input(
            "Zeitraum bis (optional)", key=K_BIS, min_value=PROGRAMME_START, max_value=today, format="DD.MM.YYYY",
            help="Ende des Zeitraums für Förderung und Änderungen (leer: der Stichtag; höchstens der Stichtag).",
        )
    with col_region:
        region = st.selectbox(
            "Region", options=list(regions), format_func=lambda k: regions.get(k, k), key=K_REGION,
            help="Sachsen, ein Kreis oder eine Polizeidirektion.",
        )
    wanted = {"stichtag": stichtag.isoformat(), "region": region, "von": von.isoformat() if von else None,
              "bis": bis.isoformat() if bis else None}
    if {k: st.query_params.get(k) for k in wanted} != wanted:
        st.query_params.from_dict({k: v for k, v in wanted.items() if v})
    return Auswahl(stichtag, von, bis, region, tuple(notices))


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _day(iso: str) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


@st.cache_data(show_spinner=False, max_entries=32)
def _bericht(
    version: str, key: str, stichtag_iso: str, von_iso: str, bis_iso: str, region: str, today_iso: str
) -> bericht.Bericht:
    return bericht.build(
        data.records(), boundaries.gemeinden_index(), boundaries.kreis_labels(), dt.date.fromisoformat(stichtag_iso),
        von=_day(von_iso), bis=_day(bis_iso), region=region, today=dt.date.fromisoformat(today_iso),
    )


def _key(choice: Auswahl) -> tuple[str, ...]:
    """The cache key of the report for the choice (database version, geodata, dates, region, today)."""
    return (
        data.data_version(), boundaries.geo_key(), choice.stichtag.isoformat(), _iso(choice.von), _iso(choice.bis),
        choice.region, sidebar.today().isoformat(),
    )


def report(choice: Auswahl) -> bericht.Bericht:
    """The report for the choice (cached per database version); raises ``bericht.BerichtInputError``."""
    return _bericht(*_key(choice))


@st.cache_data(show_spinner=False, max_entries=16)
def checked_report(choice: Auswahl) -> bericht.Bericht:
    """The report of ``choice``; a choice it cannot be built for is said in German and stops the page."""
    try:
        return report(choice)
    except bericht.BerichtInputError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
        raise  # st.stop() raises; keeps type checkers honest


def _file(
    version: str, key: str, stichtag_iso: str, von_iso: str, bis_iso: str, region: str, today_iso: str, fmt: str
) -> bytes:
    from asskomm.render import bericht_export

    return bericht_export.render(_bericht(version, key, stichtag_iso, von_iso, bis_iso, region, today_iso), fmt)


def downloads(choice: Auswahl) -> None:
    """DOCX and XLSX buttons; the files are made on click, from the report the page shows."""
    args = _key(choice)
    stem = f"asskomm_bericht_{choice.stichtag.isoformat()}_{labels.fold(choice.region).replace(' ', '-')}"
    for col, (fmt, (label, mime)) in zip(st.columns(len(DOWNLOADS)), DOWNLOADS.items(), strict=True):
        with col:
            st.download_button(
                label, lambda fmt=fmt: _file(*args, fmt), file_name=f"{stem}.{fmt}", mime=mime,
                key=f"ber_dl_{fmt}", icon=":material/download:", width="stretch", on_click="ignore",
            )


def table_block(table: bericht.Tabelle) -> None:
    """One numbered table: caption, the rows (sources as links), then its rule, sourced entries and notes."""
    from asskomm.ui import widgets

    st.subheader(table.ueberschrift)
    frame = table.frame()
    config = {}
    for s in table.spalten:
        if s.art == "url":
            config[s.titel] = widgets.source_link_column(s.titel)
        elif s.art in NUMERIC:  # German text (formatted here, not by the browser), right-aligned like numbers
            config[s.titel] = st.column_config.TextColumn(s.titel, alignment="right")
    st.dataframe(frame, hide_index=True, width="stretch", height=min(38 + 35 * max(len(frame), 1), 520),
                 column_config=config)
    notes = [f"<b>Zählregel:</b> {html.escape(table.regel)}", html.escape(table.grundlage)]
    notes += [f"Hinweis: {html.escape(h)}" for h in table.hinweise]
    st.html('<div class="asskomm-source">' + "<br>".join(notes) + "</div>")
