"""The filter sidebar, kept in sync with the URL (``st.query_params``).

The URL is read once per session (or when the widgets are gone, e.g. after visiting another page) through
``Filters.from_query``; malformed parameters become German notices shown on the page. After that the widgets
are the truth and every change is written back to the URL, so a view can be shared and reopened.

    state = ui.sidebar.filter_sidebar(kreis_labels, problemfeld_labels, baustein_labels, search_options)
    state.filters       # asskomm.analysis.filters.Filters
    state.notices       # list of German notices about ignored URL parameters
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import streamlit as st

from asskomm import labels
from asskomm.analysis.filters import PROGRAMME_START, Filters
from asskomm.geo import polizei
from asskomm.records.einwohner import SIZE_CLASSES
from asskomm.ui.data import K_UNCONFIRMED

# URL parameters that are not filters but must survive the rewrite of the query string.
KEEP_PARAMS = ("praesentation", "ags", "ebenen")

K_KREISE = "flt_kreise"
K_PF = "flt_problemfelder"
K_BS = "flt_baustein"
K_PD = "flt_polizeidirektionen"
K_STAND = "flt_stand"
K_GROESSE = "flt_groesse"
K_SEARCH = "flt_suche"
K_NOTICES = "flt_notices"
K_SELECTED = "sel_ags"
K_JUMP = "sel_jump"


@dataclasses.dataclass
class SidebarState:
    filters: Filters
    notices: list[str]


def _query_dict() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def today() -> dt.date:
    return dt.date.today()


def _init_from_url(kreise: Mapping[str, str], pf: Mapping[str, str], bs: Mapping[str, str]) -> None:
    filters, notices = Filters.from_query(
        _query_dict(), kreise=kreise.keys(), problemfelder=pf.keys(), bausteine=bs.keys(), today=today()
    )
    st.session_state[K_KREISE] = list(filters.kreise)
    st.session_state[K_PF] = list(filters.problemfelder)
    st.session_state[K_BS] = filters.baustein
    st.session_state[K_PD] = list(filters.polizeidirektionen)
    st.session_state[K_STAND] = filters.stand
    st.session_state[K_GROESSE] = filters.groesse
    st.session_state[K_UNCONFIRMED] = filters.unbestaetigt
    st.session_state[K_NOTICES] = notices


def _on_search() -> None:
    ags = st.session_state.get(K_SEARCH)
    if ags:
        st.session_state[K_SELECTED] = ags
        st.session_state[K_JUMP] = ags


def _clear_notices() -> None:
    st.session_state[K_NOTICES] = []


def _reset() -> None:
    st.session_state[K_KREISE] = []
    st.session_state[K_PF] = []
    st.session_state[K_BS] = None
    st.session_state[K_PD] = []
    st.session_state[K_STAND] = today()
    st.session_state[K_GROESSE] = None
    st.session_state[K_UNCONFIRMED] = False
    st.session_state[K_NOTICES] = []


def labelled_multiselect(label: str, labels: Mapping[str, str], key: str, placeholder: str, **kwargs) -> None:
    """A multiselect over keys shown by their German labels; by default a change clears the URL notices."""
    _labelled(st.multiselect, label, labels, key, placeholder, **kwargs)


def labelled_selectbox(label: str, labels: Mapping[str, str], key: str, placeholder: str, **kwargs) -> None:
    """A selectbox over keys shown by their German labels, empty (``placeholder``) until one is chosen."""
    _labelled(st.selectbox, label, labels, key, placeholder, index=None, **kwargs)


def _labelled(widget, label: str, labels: Mapping[str, str], key: str, placeholder: str, **kwargs) -> None:
    kwargs.setdefault("on_change", _clear_notices)
    widget(label, options=list(labels), format_func=lambda k: labels.get(k, k), key=key, placeholder=placeholder,
           **kwargs)


def filter_sidebar(
    kreis_labels: Mapping[str, str],
    problemfeld_labels: Mapping[str, str],
    baustein_labels: Mapping[str, str],
    search_options: Mapping[str, str] | None = None,
) -> SidebarState:
    """Render the filters in the sidebar; returns the current filters and notices about the URL."""
    _prepare_state(kreis_labels, problemfeld_labels, baustein_labels)
    with st.sidebar:
        st.header("Filter")
        if search_options:
            _search(search_options)
        _choices(kreis_labels, problemfeld_labels, baustein_labels)
        _stand_and_reset()
    filters = _filters()
    sync_url(filters)
    return SidebarState(filters, list(st.session_state.get(K_NOTICES, [])))


def _prepare_state(kreise: Mapping[str, str], pf: Mapping[str, str], bs: Mapping[str, str]) -> None:
    """The widgets' values from the URL once per session (or when they are gone), a valid Stand always."""
    if K_STAND not in st.session_state or K_KREISE not in st.session_state or K_GROESSE not in st.session_state:
        _init_from_url(kreise, pf, bs)
    # A stand outside the slider (e.g. a session that lived past midnight) would make the slider fail.
    stand = st.session_state.get(K_STAND)
    if not isinstance(stand, dt.date) or not PROGRAMME_START <= stand <= today():
        st.session_state[K_STAND] = today()


def _search(search_options: Mapping[str, str]) -> None:
    st.selectbox(
        "Gemeinde suchen",
        options=list(search_options),
        format_func=lambda a: search_options.get(a, a),
        index=None,
        placeholder="Name eingeben …",
        key=K_SEARCH,
        on_change=_on_search,
        help="Springt auf der Karte zur Gemeinde und zeigt sie neben der Karte an.",
    )


def _choices(kreis_labels: Mapping[str, str], problemfeld_labels: Mapping[str, str],
             baustein_labels: Mapping[str, str]) -> None:
    """Kreis, Polizeidirektion, Problemfeld, Baustein and size class."""
    labelled_multiselect("Kreis", kreis_labels, K_KREISE, "alle Kreise")
    pd_labels = polizei.labels()
    labelled_multiselect(
        "Polizeidirektion",
        pd_labels,
        K_PD,
        "alle Polizeidirektionen",
        help="Gemeinden in den Kreisen dieser Polizeidirektionen (mit dem Kreisfilter: beides muss passen).",
    )
    labelled_multiselect("Problemfeld", problemfeld_labels, K_PF, "alle Problemfelder")
    labelled_selectbox(
        "Baustein", {k: v for k, v in baustein_labels.items() if k != "sonstiges"}, K_BS, "alle Bausteine",
        help="Nur Gemeinden, die diesen Baustein bis zum gewählten Stand erreicht haben.",
    )
    labelled_selectbox(
        "Gemeindegröße (Einwohner)", {k: v[0] for k, v in SIZE_CLASSES.items()}, K_GROESSE, "alle Größen",
        help="Nur Gemeinden dieser Einwohnerklasse; die Anteile beziehen sich dann auf diese Gemeinden.",
    )


def _stand_and_reset() -> None:
    """The »Stand« slider, the unconfirmed-facts toggle and »Filter zurücksetzen«."""
    st.slider(
        "Stand",
        min_value=PROGRAMME_START,
        max_value=today(),
        key=K_STAND,
        format="DD.MM.YYYY",
        on_change=_clear_notices,
        help=f"Zeigt den Stand der Allianz an diesem Tag (Start: {labels.fmt_date(PROGRAMME_START)}).",
    )
    st.toggle(
        "Unbestätigte Angaben einbeziehen",
        key=K_UNCONFIRMED,
        on_change=_clear_notices,
        help="Angaben, deren Quelle Zweifel lässt (z. B. nur eine Ankündigung), zählen sonst weder in den "
        "Kennzahlen noch in den Kartenfarben; die Kommune-Seite zeigt sie immer mit dem Grund.",
    )
    st.button("Filter zurücksetzen", on_click=_reset, width="stretch")


def _filters() -> Filters:
    """The filters the widgets show."""
    return Filters(
        stand=st.session_state[K_STAND],
        kreise=tuple(st.session_state[K_KREISE]),
        problemfelder=tuple(st.session_state[K_PF]),
        baustein=st.session_state[K_BS],
        polizeidirektionen=tuple(st.session_state.get(K_PD) or ()),
        groesse=st.session_state.get(K_GROESSE),
        unbestaetigt=bool(st.session_state.get(K_UNCONFIRMED)),
    )


def sync_url(filters: Filters) -> None:
    """Write the filters to the URL (keeping non-filter parameters); no-op when nothing changed."""
    wanted: dict[str, list[str] | str] = {
        key: st.query_params.get_all(key) for key in KEEP_PARAMS if key in st.query_params
    }
    wanted.update(filters.to_query(today=today()))
    current = _query_dict()
    normal = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if normal != current:
        st.query_params.from_dict(wanted)
