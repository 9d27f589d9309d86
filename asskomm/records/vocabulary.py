"""The controlled vocabularies: Bausteine (building blocks) and Problemfelder (focus areas).

Both live in one data file each (``data/bausteine.csv``, ``data/problemfelder.csv``) with an id,
a German label, a colour and a description. Bausteine also carry ``stufe``: the status stage
(see ``labels.STATUS_ORDER``) that reaching the Baustein gives a municipality; empty for ``sonstiges``,
which never changes a status.

Problemfelder that admins add or edit in the app live in the database (``store.problemfeld_entries``); the
store hands them to :func:`set_problemfeld_overlay` whenever it reads, and every function here returns the
file's entries with those applied (new ids after the file's, in the order they were added). Ids are
permanent: records refer to them.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import pandas as pd

from asskomm.labels import STATUS_ORDER, fold  # vocab.fold stays the public name
from asskomm.paths import DATA_DIR

BAUSTEINE_FILE = DATA_DIR / "bausteine.csv"
PROBLEMFELDER_FILE = DATA_DIR / "problemfelder.csv"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@functools.lru_cache(maxsize=8)
def _read(path: Path) -> tuple[dict[str, str], ...]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = tuple({k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh))
    seen: set[str] = set()
    for row in rows:
        if not _ID.match(row["id"]) or row["id"] in seen:
            raise ValueError(f"{path.name}: ungültige oder doppelte id »{row['id']}«")
        if not _COLOUR.match(row["colour"]):
            raise ValueError(f"{path.name}: ungültige Farbe »{row['colour']}« bei »{row['id']}«")
        if "stufe" in row and row["stufe"] and row["stufe"] not in STATUS_ORDER:
            raise ValueError(f"{path.name}: unbekannte Stufe »{row['stufe']}« bei »{row['id']}«")
        seen.add(row["id"])
    return rows


def bausteine(path: Path = BAUSTEINE_FILE) -> pd.DataFrame:
    """Bausteine in display order: columns ``id``, ``label``, ``colour``, ``stufe``, ``description``."""
    return pd.DataFrame(list(_read(path)), columns=["id", "label", "colour", "stufe", "description"])


_PF_FIELDS = ("id", "label", "colour", "description")
_overlay: tuple[tuple[str, str, str, str], ...] = ()


def set_problemfeld_overlay(rows: list[dict[str, str]] | tuple) -> None:
    """Entries from the database (``id``, ``label``, ``colour``, ``description``): override or add."""
    global _overlay
    new = tuple(tuple(str(r.get(k) or "") for k in _PF_FIELDS) for r in rows)
    if new != _overlay:
        _overlay = new


def _problemfeld_rows() -> tuple[dict[str, str], ...]:
    return _merged(_overlay)


@functools.lru_cache(maxsize=32)
def _merged(overlay: tuple[tuple[str, str, str, str], ...]) -> tuple[dict[str, str], ...]:
    rows = {row["id"]: {k: row[k] for k in _PF_FIELDS} for row in _read(PROBLEMFELDER_FILE)}
    for entry in overlay:
        rows[entry[0]] = dict(zip(_PF_FIELDS, entry, strict=True))
    return tuple(rows.values())


def problemfelder(path: Path = PROBLEMFELDER_FILE) -> pd.DataFrame:
    """Problemfelder in display order: columns ``id``, ``label``, ``colour``, ``description``."""
    rows = _problemfeld_rows() if path == PROBLEMFELDER_FILE else _read(path)
    return pd.DataFrame(list(rows), columns=list(_PF_FIELDS))


def file_problemfeld_ids() -> tuple[str, ...]:
    """The ids shipped in ``data/problemfelder.csv`` (without those added in the app)."""
    return tuple(row["id"] for row in _read(PROBLEMFELDER_FILE))


def baustein_ids() -> tuple[str, ...]:
    return tuple(row["id"] for row in _read(BAUSTEINE_FILE))


def problemfeld_ids() -> tuple[str, ...]:
    return tuple(row["id"] for row in _problemfeld_rows())


def baustein_labels() -> dict[str, str]:
    return {row["id"]: row["label"] for row in _read(BAUSTEINE_FILE)}


def problemfeld_labels() -> dict[str, str]:
    return {row["id"]: row["label"] for row in _problemfeld_rows()}


def baustein_stufe() -> dict[str, str]:
    """Baustein id → status stage it gives ("" = none)."""
    return {row["id"]: row["stufe"] for row in _read(BAUSTEINE_FILE)}


@functools.lru_cache(maxsize=65536)
@functools.lru_cache(maxsize=8)
def _lookup(path: Path) -> dict[str, str]:
    return _lookup_rows(_read(path))


@functools.lru_cache(maxsize=32)
def _problemfeld_lookup(overlay: tuple) -> dict[str, str]:
    table = _lookup_rows(_read(PROBLEMFELDER_FILE))  # former labels of renamed entries still resolve
    table.update(_lookup_rows(_merged(overlay)))
    return table


def _lookup_rows(rows) -> dict[str, str]:
    table: dict[str, str] = {}
    for row in rows:
        table[fold(row["id"])] = row["id"]
        table[fold(row["label"])] = row["id"]
    return table


def resolve_baustein(text: str) -> str | None:
    """Baustein id for an id or German label (tolerant of case, umlauts, punctuation); None if unknown."""
    return _lookup(BAUSTEINE_FILE).get(fold(text))


def resolve_problemfeld(text: str) -> str | None:
    """Problemfeld id for an id or German label; None if unknown."""
    return _problemfeld_lookup(_overlay).get(fold(text))
