"""The admins' page »Amtliche Zahlen«: what is entered, which figure stands beside each KPI card now, and the
form's actions (the store checks the role again when writing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from asskomm import labels
from asskomm.analysis import figures
from asskomm.records import PROGRAMME_START
from asskomm.records.model import OFFICIAL_KENNZAHLEN
from asskomm.store.display import EditError
from asskomm.store.write_access import PermissionDenied
from asskomm.ui import data

KENNZAHLEN = OFFICIAL_KENNZAHLEN  # field → the card's label (the form's choices)
EARLIEST = PROGRAMME_START  # the earliest Stand the form offers
COLUMNS = ("Nr.", "Kennzahl", "Wert", "Stand", "Referenz", "neben der Kennzahl", "eingetragen von", "am")


def table(today: dt.date) -> pd.DataFrame:
    """The entered figures (newest Stand first), each saying whether it stands beside its card today."""
    entered = data.official_figures()
    chosen = figures.published_kpis(today, official=entered)
    beside = {fig.note for fig in chosen.values() if fig.official}  # »Nr. 3«
    rows = [
        {
            "Nr.": f.id,
            "Kennzahl": OFFICIAL_KENNZAHLEN.get(f.kennzahl, f.kennzahl),
            "Wert": labels.fmt_int(f.wert),
            "Stand": labels.fmt_date(f.stand),
            "Referenz": f.referenz,
            "neben der Kennzahl": "ja" if f"Nr. {f.id}" in beside else "nein (eine neuere Zahl steht dort)",
            "eingetragen von": f.created_by,
            "am": labels.fmt_date(f.created_at[:10]) if f.created_at else "",
            "_stand": f.stand,
        }
        for f in entered
    ]
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "_stand"])
    return frame.sort_values(["_stand", "Nr."], ascending=False).drop(columns="_stand").reset_index(drop=True)


def add(values: Mapping[str, Any], actor: str) -> tuple[int | None, list[str]]:
    """(number, []) when entered, (None, German problems) when refused."""
    try:
        return data.store().add_official_figure(values, actor), []
    except EditError as exc:
        return None, list(exc.messages)
    except PermissionDenied as exc:
        return None, [str(exc)]


def remove(figure_id: int, actor: str) -> list[str]:
    """[] when removed, else the German problems."""
    try:
        data.store().remove_official_figure(figure_id, actor)
        return []
    except EditError as exc:
        return list(exc.messages)
    except PermissionDenied as exc:
        return [str(exc)]
