"""Milestone dates with their precision (day, month or year) and when they count."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import Any

# The start of the programme: 06.02.2019, the founding conference with the eight model municipalities.
PROGRAMME_START = dt.date(2019, 2, 6)
COUNCIL = "kpr"

# Dates with precision


class DateError(ValueError):
    pass


def normalise_datum(value: Any) -> str:
    """ISO text with the stated precision ('' if empty); raises DateError with a German message."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return str(int(value))
        raise DateError(f"»{value}« ist kein Datum")
    text = str(value).strip()
    if not text:
        return ""
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        d, mo, y = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        y, mo, d = int(m[1]), int(m[2]), None
    elif m := re.fullmatch(r"(\d{1,2})[./](\d{4})", text):
        y, mo, d = int(m[2]), int(m[1]), None
    elif re.fullmatch(r"\d{4}", text):
        return text
    else:
        raise DateError(
            f"»{text}« ist kein Datum; erlaubt sind 2021-06-25, 25.06.2021, 2021-06, 06.2021 oder 2021"
        )
    if not 1 <= mo <= 12:
        raise DateError(f"»{text}«: Monat {mo} gibt es nicht")
    if d is None:
        return f"{y:04d}-{mo:02d}"
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        raise DateError(f"»{text}«: den {d}. Tag gibt es im Monat {mo}/{y} nicht") from None


def precision(datum: str) -> str:
    """'tag', 'monat', 'jahr' or '' (undated)."""
    return {10: "tag", 7: "monat", 4: "jahr"}.get(len(datum or ""), "")


def period_start(datum: str) -> dt.date | None:
    if not datum:
        return None
    parts = [int(p) for p in datum.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def period_end(datum: str) -> dt.date | None:
    """The day from which a milestone counts: the last day of its period (None if undated)."""
    if not datum:
        return None
    parts = [int(p) for p in datum.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(parts[0], parts[1], parts[2])


def counts_at(datum: str, stand: dt.date, today: dt.date | None = None) -> bool:
    """Whether a milestone dated ``datum`` counts at ``stand`` (undated: only for today)."""
    end = period_end(datum)
    if end is None:
        return stand >= (today or dt.date.today())
    return end <= stand


def predates_programme(datum: str) -> bool:
    """Whether a fact dated ``datum`` lies before the programme started (it counted before 06.02.2019)."""
    end = period_end(datum)
    return end is not None and end < PROGRAMME_START


def older_council(baustein: str, datum: str) -> bool:
    """A Präventionsrat founded before ASSKomm (Dresden 1996, Chemnitz 1998, …): a real council, which the
    ministry's count includes, but not a milestone of the programme (it raises no status, is never »new«)."""
    return baustein == COUNCIL and predates_programme(datum)


def council_label(datum: str) -> str:
    """»Präventionsrat (seit 1996, vor ASSKomm)« for a council older than the programme, otherwise
    »Kommunaler Präventionsrat« (the Baustein's label)."""
    if predates_programme(datum):
        return f"Präventionsrat (seit {datum[:4]}, vor ASSKomm)"
    return "Kommunaler Präventionsrat"


# --------------------------------------------------------------------------------------------------
