"""Population per Gemeinde (``data/einwohner.csv``): loading and size classes.

``data/einwohner.csv`` holds one row per current Gemeinde (``ags``, ``gemeinde``, ``einwohner``) and, in every
row, the ``stichtag``, ``quelle`` and ``lizenz`` of the figures, so the file carries its own attribution.
A newer file comes in with ``python -m asskomm einwohner import FILE`` (validated and written by
``asskomm.records.einwohner_import``).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from asskomm.paths import DATA_DIR

EINWOHNER_FILE = DATA_DIR / "einwohner.csv"
FILE_COLUMNS = ("ags", "gemeinde", "einwohner", "stichtag", "quelle", "lizenz")
LICENCE = "dl-de/by-2-0"

# Size classes of the map filter: id → (label, lower bound inclusive, upper bound exclusive).
SIZE_CLASSES: dict[str, tuple[str, int, int | None]] = {
    "unter_2000": ("unter 2.000", 0, 2_000),
    "2000_5000": ("2.000 bis unter 5.000", 2_000, 5_000),
    "5000_10000": ("5.000 bis unter 10.000", 5_000, 10_000),
    "10000_20000": ("10.000 bis unter 20.000", 10_000, 20_000),
    "20000_50000": ("20.000 bis unter 50.000", 20_000, 50_000),
    "ab_50000": ("50.000 und mehr", 50_000, None),
}


def size_class(einwohner: int | None) -> str | None:
    if einwohner is None:
        return None
    for key, (_, lo, hi) in SIZE_CLASSES.items():
        if einwohner >= lo and (hi is None or einwohner < hi):
            return key
    return None


@dataclasses.dataclass(frozen=True)
class Population:
    einwohner: Mapping[str, int]  # AGS → inhabitants
    stichtag: dt.date | None
    quelle: str
    lizenz: str = LICENCE

    @property
    def total(self) -> int:
        return sum(self.einwohner.values())

    def attribution(self) -> str:
        """»Einwohner: Statistisches Bundesamt (Destatis) …, Stand 31.12.2018, dl-de/by-2-0«."""
        stand = f", Stand {self.stichtag:%d.%m.%Y}" if self.stichtag else ""
        return f"Einwohner: {self.quelle}{stand}, {self.lizenz}"

    def in_class(self, key: str | None) -> set[str]:
        return {a for a, n in self.einwohner.items() if key is None or size_class(n) == key}


_CACHE: dict[tuple[str, int], Population] = {}


def load(path: Path | str | None = None) -> Population:
    """The population table (cached per file version); an empty table if the file is missing."""
    path = Path(path or EINWOHNER_FILE)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return Population({}, None, "")
    key = (str(path), stamp)
    if key not in _CACHE:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        stichtag = dt.date.fromisoformat(rows[0]["stichtag"]) if rows and rows[0].get("stichtag") else None
        _CACHE[key] = Population(
            {r["ags"]: int(r["einwohner"]) for r in rows},
            stichtag,
            rows[0].get("quelle", "") if rows else "",
            rows[0].get("lizenz", LICENCE) if rows else LICENCE,
        )
    return _CACHE[key]
