"""The database as the pages see it, cached: the store, its version, the records this view counts and what is
derived from them (status per Gemeinde, KPI counts, matching Gemeinden, vocabulary labels), and the published
figures beside the KPI cards.

Keys: ``data_version()`` (the database's version, bumped by every write), ``boundaries.geo_key()`` and ISO
date strings. Pages call these and never the domain modules' loaders directly, so one change to the data
invalidates exactly the views that depend on it. ``x()`` reads the keys of this view; ``x_for(…)`` is the
cache itself (for the other loaders and ``firstview.warm``).

    tab = ui.data.status_table("2021-11-30")        # status per AGS at that date
    rec = ui.data.records()                         # RecordSet of the current data_version
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from asskomm.analysis.filters import Filters
from asskomm.ui import boundaries
from asskomm.ui.runmemo import once_per_run

T = TypeVar("T")


# ----------------------------------------------------------------------------------------------- records
# Objects this process must keep while it runs: the Store holds the lock that serialises this process's
# writes and the connection pool. Not in st.cache_resource, which any visitor can empty (Streamlit accepts a
# »clear_cache« message from every client): a second Store would bring a second lock and pool.
_PROCESS_WIDE: dict[tuple[str, str], Any] = {}
_PROCESS_WIDE_LOCK = threading.Lock()


def process_wide(kind: str, setting: str, build: Callable[[], T]) -> T:
    """One ``build()`` per (kind, setting) for the life of the process; not kept if it raises (the next call
    tries again, e.g. once the database is back)."""
    with _PROCESS_WIDE_LOCK:
        if (kind, setting) not in _PROCESS_WIDE:
            _PROCESS_WIDE[(kind, setting)] = build()
        return _PROCESS_WIDE[(kind, setting)]


def _store(db_setting: str):
    from asskomm.store.database import Store

    return process_wide("store", db_setting, Store.from_env)


def store():
    """The store named by ``ASSKOMM_DB`` (one per setting, so tests with their own database stay apart)."""
    setting = os.environ.get("ASSKOMM_DB", "")
    return once_per_run(f"store:{setting}", lambda: _store(setting))


# Session key of the »unbestätigte Angaben einbeziehen« toggle (sidebar; URL parameter ``unbestaetigt=1``).
K_UNCONFIRMED = "flt_unbestaetigt"


def include_unconfirmed() -> bool:
    """Whether this view counts unconfirmed milestones (the sidebar toggle, else the URL)."""
    if K_UNCONFIRMED in st.session_state:
        return bool(st.session_state[K_UNCONFIRMED])
    return st.query_params.get("unbestaetigt", "") in ("1", "ja", "true")


def database_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean »the database cannot be used right now« (shown by :func:`database_notice`)."""
    import sqlalchemy as sa

    from asskomm.store.connection import DatabaseUnavailable
    from asskomm.store.migrate import SchemaError

    return (DatabaseUnavailable, SchemaError, sa.exc.OperationalError, sa.exc.InterfaceError)


def database_notice(exc: BaseException) -> None:
    """A German page instead of a traceback; stops the run. The next rerun tries the database again, so the
    app recovers by itself when the database is back (the store is only cached once it opened)."""
    from asskomm.store.connection import DatabaseUnavailable, unavailable_message, url_from_setting
    from asskomm.store.migrate import SchemaError

    if isinstance(exc, DatabaseUnavailable | SchemaError):
        detail = str(exc)
    else:
        detail = unavailable_message(url_from_setting(os.environ.get("ASSKOMM_DB")), exc)
    # The address and the error are for the operators (server log), not for every visitor.
    logging.getLogger("asskomm").error("database unavailable: %s", " | ".join(detail.splitlines()))
    if isinstance(exc, SchemaError):
        summary = "Der Aufbau der Datenbank passt nicht zu dieser Programmversion."
    else:
        summary = detail.splitlines()[0] if detail.strip() else "Der Datenbankserver ist nicht erreichbar."
    st.title("ASSKomm-Karte ist gerade nicht verfügbar")
    st.error(
        "Die Datenbank kann im Moment nicht verwendet werden. Es wurde nichts halb gespeichert. "
        "Bitte in einigen Minuten erneut versuchen; bleibt der Fehler, bitte die Administration informieren."
    )
    st.caption(f"{summary} Die Einzelheiten stehen im Protokoll des Servers "
               f"({dt.datetime.now():%d.%m.%Y, %H:%M:%S} Uhr).")
    st.button("Erneut versuchen", type="primary")
    st.stop()


def require_database() -> None:
    """Stop the page with :func:`database_notice` when the database cannot be reached (entrypoint, first).

    The notice is the only page then (no navigation: Streamlit would otherwise list the files in pages/).
    """
    try:
        store().data_version()
    except database_errors() as exc:
        error = exc

        def nicht_verfuegbar() -> None:
            database_notice(error)

        st.navigation([st.Page(nicht_verfuegbar, title="Nicht verfügbar", default=True)], position="hidden").run()
        st.stop()


def data_version(unconfirmed: bool | None = None) -> str:
    """The database's version as a plain string (the cache key of everything derived from records).

    It names the database too, so two databases at the same version never share cached results, and ends in
    ``:u`` when unconfirmed milestones count (``:c`` otherwise), so both views are cached apart.
    ``unconfirmed``: whether they count (default: this view's toggle or URL, :func:`include_unconfirmed`).
    """
    if unconfirmed is None:
        unconfirmed = include_unconfirmed()
    setting = os.environ.get("ASSKOMM_DB", "")
    db = hashlib.sha256(setting.encode()).hexdigest()[:8]
    current = store()
    # once per run; again after a write of this process in the same run (e.g. a save, then the page drawn)
    version = once_per_run(f"data_version:{setting}", current.data_version, unless=(id(current), current.writes))
    return f"{db}:{version}:{'u' if unconfirmed else 'c'}"


@st.cache_resource(show_spinner=False, max_entries=8)
def records_for(version: str):
    loaded = store().load()
    return loaded if version.endswith(":u") else loaded.confirmed_only()


def records():
    """The records this view counts (without unconfirmed milestones unless the toggle is on)."""
    return records_for(data_version())


def all_records():
    """Every record, unconfirmed milestones included (for the town page, which shows them with the reason)."""
    return store().load()


@st.cache_data(show_spinner=False, max_entries=64)
def status_table_for(version: str, key: str, stand_iso: str) -> pd.DataFrame:
    from asskomm.analysis import status

    gem = boundaries.layers_for(key)[0]
    table = status.status_table(records_for(version), gem, dt.date.fromisoformat(stand_iso))
    return pd.DataFrame(table).reset_index(drop=True)


def status_table(stand: dt.date | str) -> pd.DataFrame:
    """Status of every Gemeinde at ``stand`` (see ``asskomm.analysis.status.status_table``)."""
    stand_iso = stand if isinstance(stand, str) else stand.isoformat()
    return status_table_for(data_version(), boundaries.geo_key(), stand_iso)


@st.cache_data(show_spinner=False, max_entries=64)
def summary_for(version: str, key: str, fkey: tuple):
    from asskomm.analysis import status

    result = status.summary(records_for(version), boundaries.layers_for(key)[0], Filters.from_cache_key(fkey))
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    return dict(result) if isinstance(result, dict) else result


def summary(filters: Filters) -> dict:
    """KPI counts for the filters (``asskomm.analysis.status.summary``, the same code as ``python -m asskomm summary``)."""
    return summary_for(data_version(), boundaries.geo_key(), filters.cache_key())


# ----------------------------------------------------------------------------------------------- vocab
def vocab_labels() -> tuple[dict[str, str], dict[str, str]]:
    """(Problemfeld id → label, Baustein id → label) in display order (with the admins' Problemfelder)."""
    version = data_version()
    records_for(version)  # reading this version of the database put its Problemfelder in force
    return vocab_labels_for(version)


@st.cache_data(show_spinner=False, max_entries=8)
def vocab_labels_for(version: str) -> tuple[dict[str, str], dict[str, str]]:
    from asskomm.records import vocabulary as vocab

    return vocab.problemfeld_labels(), vocab.baustein_labels()


def published_figures(until: dt.date, region: tuple[str, ...] | None = ()) -> list[dict]:
    """The figure per KPI card by ``until`` (``figures.published_for_kpi``, the one rule for every page and
    export, with the »amtliche Zahlen« of the database); ``region``: Kreis keys of a region filter, ``None``
    for a view no figure fits."""
    if region is None:
        return []
    return published_figures_for(until.isoformat(), tuple(region), figures_file_key(), data_version(False))


def official_figures() -> tuple:
    """The »amtliche Zahlen« the ministry entered (``RecordSet.official_figures``)."""
    return records_for(data_version(False)).official_figures


@st.cache_data(show_spinner=False, max_entries=64)
def published_figures_for(until_iso: str, region: tuple[str, ...], figures_key: str, version: str) -> list[dict]:
    from asskomm.analysis import figures

    until = dt.date.fromisoformat(until_iso)
    official = records_for(version).official_figures
    return [
        {
            "kpi": kpi,
            "metric": fig.metric,
            "value": fig.value,
            "date": fig.date,
            "source": fig.source,
            "qualifier": fig.qualifier,
            "kind": fig.kind,
            "kind_label": fig.kind_label,
            "attribution": fig.attribution,
        }
        for kpi, fig in figures.published_kpis(until, region=region, official=official).items()
    ]


@st.cache_data(show_spinner=False, max_entries=64)
def matching_for(version: str, key: str, fkey: tuple) -> frozenset:
    from asskomm.analysis import status

    gem = boundaries.layers_for(key)[0]
    return frozenset(status.matching_ags(records_for(version), gem, Filters.from_cache_key(fkey)))


def matched(filters: Filters, table: pd.DataFrame) -> pd.Series:
    """Boolean Series aligned with ``table``: the Gemeinden matching the filters (``status.matching_ags``)."""
    return matched_for(data_version(), boundaries.geo_key(), filters.cache_key(), table)


def matched_for(version: str, key: str, fkey: tuple, table: pd.DataFrame) -> pd.Series:
    """:func:`matched` for explicit cache keys (the shared first-view caches use it)."""
    if Filters.from_cache_key(fkey).is_default:
        return pd.Series(True, index=table.index)
    return table["ags"].astype(str).isin(matching_for(version, key, fkey))


def figures_file_key() -> str:
    """Version of the published figures' file (the cache key of ``published_figures_for``)."""
    from asskomm.analysis.figures import FIGURES_FILE

    try:
        stat = FIGURES_FILE.stat()
        return f"{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        return "-"
