"""Saxony's five Polizeidirektionen (PD) and the Kreise each covers (``data/polizeidirektionen.csv``).

The cooperation agreement is signed by the town, its Polizeidirektion and the Landespräventionsrat, so every
Gemeinde gets the PD of its Kreis. Each row of the file carries its source (the PD's own page on
polizei.sachsen.de where one is stored, otherwise § 1 Abs. 2 SächsPolOrgVO) and the legal basis.

    polizei.polizeidirektionen()        # {"chemnitz": Polizeidirektion(...), ...} in name order
    polizei.pd_of_kreis()               # {"14511": "chemnitz", ...}
    polizei.label("goerlitz")           # "PD Görlitz"
"""

from __future__ import annotations

import csv
import dataclasses
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path

from asskomm.labels import fold
from asskomm.paths import DATA_DIR

PD_FILE = DATA_DIR / "polizeidirektionen.csv"
PD_COLUMNS = ("kreis_ags", "kreis", "polizeidirektion", "quelle", "rechtsgrundlage")


@dataclasses.dataclass(frozen=True)
class Polizeidirektion:
    id: str  # folded name: "goerlitz"
    name: str  # "Görlitz"
    kreise: tuple[str, ...]  # Kreis keys, in file order
    quellen: tuple[str, ...]  # source URLs (each once)
    rechtsgrundlage: str

    @property
    def kurz(self) -> str:
        return f"PD {self.name}"

    @property
    def voll(self) -> str:
        return f"Polizeidirektion {self.name}"


def pd_id(name: str) -> str:
    """Id of a PD name: »Görlitz« → »goerlitz«."""
    return fold(name).replace(" ", "-")


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> tuple[Polizeidirektion, ...]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = [c for c in PD_COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise ValueError(f"{path}: Spalten {', '.join(PD_COLUMNS)} erwartet, fehlt: {', '.join(missing) or 'alles'}.")
    grouped: dict[str, dict] = {}
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        key = row["kreis_ags"].strip()
        if key in seen:
            raise ValueError(f"{path}, Zeile {line}, Spalte »kreis_ags«: Kreis {key} kommt doppelt vor.")
        seen.add(key)
        name = row["polizeidirektion"].strip()
        item = grouped.setdefault(name, {"kreise": [], "quellen": [], "recht": row["rechtsgrundlage"].strip()})
        item["kreise"].append(key)
        if row["quelle"].strip() and row["quelle"].strip() not in item["quellen"]:
            item["quellen"].append(row["quelle"].strip())
    return tuple(
        Polizeidirektion(pd_id(name), name, tuple(v["kreise"]), tuple(v["quellen"]), v["recht"])
        for name, v in sorted(grouped.items(), key=lambda kv: fold(kv[0]))
    )


def polizeidirektionen(path: Path = PD_FILE) -> dict[str, Polizeidirektion]:
    """PD id → PD, sorted by name."""
    return {p.id: p for p in _load(path)}


def pd_of_kreis(path: Path = PD_FILE) -> dict[str, str]:
    """Kreis key → PD id."""
    return {k: p.id for p in _load(path) for k in p.kreise}


def pd_of_gemeinden(gemeinden: Mapping | object, path: Path = PD_FILE) -> dict[str, str]:
    """AGS → PD id for a Gemeinden frame (columns ``ags`` and ``kreis_ags``)."""
    by_kreis = pd_of_kreis(path)
    return {
        str(a): by_kreis.get(str(k), "")
        for a, k in zip(gemeinden["ags"], gemeinden["kreis_ags"], strict=True)  # type: ignore[index]
    }


def label(pd: str, path: Path = PD_FILE) -> str:
    """»PD Görlitz« for an id (the id itself if unknown, "" for "")."""
    if not pd:
        return ""
    item = polizeidirektionen(path).get(pd)
    return item.kurz if item else pd


def labels(path: Path = PD_FILE) -> dict[str, str]:
    """PD id → »PD Görlitz«, sorted by name (for select boxes)."""
    return {k: p.kurz for k, p in polizeidirektionen(path).items()}


def kreise_of(pds: Iterable[str], path: Path = PD_FILE) -> set[str]:
    """The Kreis keys covered by the given PD ids."""
    table = polizeidirektionen(path)
    return {k for pd in pds if pd in table for k in table[pd].kreise}
