"""The report's shape and inputs (no Streamlit here): its region, dates, tables and cells, and the running numbers
a source states. :mod:`asskomm.analysis.bericht` fills these; the page and ``asskomm.render.bericht_export`` show them.

    parse_region("PD Görlitz", kreis_labels)   # Region("pd", "goerlitz", "PD Görlitz", (...Kreis keys...))
    check_dates(stichtag, von, today, bis)     # BerichtInputError with a German message, or nothing
    zelle(160000, "eur")                       # "160.000 €"
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from asskomm import labels
from asskomm.analysis.filters import PROGRAMME_START
from asskomm.geo import polizei
from asskomm.paths import DATA_DIR

NUMMERN_FILE = DATA_DIR / "amtliche_nummern.csv"
NUMERIC = ("int", "nummer", "eur", "pct", "monate")  # column kinds shown right-aligned


class BerichtInputError(ValueError):
    """Bad report input (Stichtag, period, region); the message is German and shown as is."""


# ------------------------------------------------------------------------------------------- regions
@dataclasses.dataclass(frozen=True)
class Region:
    art: str  # "land" | "kreis" | "pd"
    key: str  # "" | Kreis key | PD id
    name: str  # "Sachsen" | »Landkreis Leipzig« | »PD Görlitz«
    kreise: tuple[str, ...]  # Kreis keys in the region

    @property
    def ist_land(self) -> bool:
        return self.art == "land"

    @property
    def token(self) -> str:
        """What ``--region`` and the page take for this region: »Sachsen«, »14626«, »PD Görlitz«."""
        return self.key if self.art == "kreis" else self.name


def regions(kreis_labels: Mapping[str, str]) -> list[Region]:
    """Sachsen, the Kreise (by name), the five PDs."""
    kreise = sorted(kreis_labels, key=lambda k: kreis_labels[k])
    out = [Region("land", "", "Sachsen", tuple(kreise))]
    out += [Region("kreis", k, kreis_labels[k], (k,)) for k in kreise]
    out += [Region("pd", p.id, p.kurz, tuple(k for k in kreise if k in p.kreise))
            for p in polizei.polizeidirektionen().values()]
    return out


def region_list(kreis_labels: Mapping[str, str]) -> str:
    """The valid regions as German text (for messages)."""
    parts = [r.name if r.art != "kreis" else f"{r.key} ({r.name})" for r in regions(kreis_labels)]
    return ", ".join(parts)


def parse_region(text: str | None, kreis_labels: Mapping[str, str]) -> Region:
    """»Sachsen« (or empty), a Kreis key or name, or a PD (»PD Görlitz«, »Polizeidirektion Görlitz«)."""
    all_regions = regions(kreis_labels)
    wanted = labels.fold(text or "sachsen")
    for r in all_regions:
        names = {labels.fold(r.name), labels.fold(r.key)} if r.key else {labels.fold(r.name)}
        if r.art == "pd":
            pd_name = polizei.polizeidirektionen()[r.key].name
            names = {labels.fold(f"PD {pd_name}"), labels.fold(f"Polizeidirektion {pd_name}"), labels.fold(r.key)}
        if wanted in names:
            return r
    raise BerichtInputError(f"Unbekannte Region »{text}«. Gültig sind: {region_list(kreis_labels)}.")


def check_dates(stichtag: dt.date, von: dt.date | None, today: dt.date, bis: dt.date | None = None) -> None:
    """German message for a Stichtag outside 06.02.2019 … today, or a period »von« – »bis« that does not lie
    between 06.02.2019 and the Stichtag (»von« ≤ »bis«)."""
    start = labels.fmt_date(PROGRAMME_START)
    if stichtag > today:
        raise BerichtInputError(
            f"Der Stichtag {labels.fmt_date(stichtag)} liegt in der Zukunft (heute ist der {labels.fmt_date(today)})."
        )
    if stichtag < PROGRAMME_START:
        raise BerichtInputError(
            f"Der Stichtag {labels.fmt_date(stichtag)} liegt vor dem Start von ASSKomm am {start}."
        )
    if von is not None and von < PROGRAMME_START:
        raise BerichtInputError(f"Der Beginn des Zeitraums {labels.fmt_date(von)} liegt vor dem Start am {start}.")
    if von is not None and von > stichtag:
        raise BerichtInputError(
            f"Der Beginn des Zeitraums {labels.fmt_date(von)} liegt nach dem Stichtag {labels.fmt_date(stichtag)}."
        )
    if bis is not None:
        _check_bis(stichtag, von or PROGRAMME_START, bis)


def _check_bis(stichtag: dt.date, von: dt.date, bis: dt.date) -> None:
    if bis > stichtag:
        raise BerichtInputError(
            f"Das Ende des Zeitraums (»bis«) {labels.fmt_date(bis)} liegt nach dem Stichtag "
            f"{labels.fmt_date(stichtag)}; »bis« darf höchstens der Stichtag sein."
        )
    if bis < von:
        raise BerichtInputError(
            f"Das Ende des Zeitraums (»bis«) {labels.fmt_date(bis)} liegt vor seinem Beginn (»von«) "
            f"{labels.fmt_date(von)}."
        )


# ------------------------------------------------------------------------------------------- tables
@dataclasses.dataclass(frozen=True)
class Spalte:
    key: str
    titel: str
    art: str = "text"  # text | int | date | eur | pct | monate | nummer | url


@dataclasses.dataclass(frozen=True)
class Tabelle:
    nummer: int
    blatt: str  # XLSX sheet name
    titel: str  # caption (without »Tabelle n:«)
    spalten: tuple[Spalte, ...]
    zeilen: tuple[dict[str, Any], ...]  # values by column key; "_art": "" | "summe" | "sachsen"
    regel: str  # counting rule (footnote)
    grundlage: str  # count of sourced entries
    hinweise: tuple[str, ...] = ()  # published totals, gaps, …

    @property
    def ueberschrift(self) -> str:
        return f"Tabelle {self.nummer}: {self.titel}"

    def frame(self, formatted: bool = True) -> pd.DataFrame:
        """The rows with German headers (formatted text, or raw values for a spreadsheet)."""
        rows = [
            {s.titel: (zelle(r.get(s.key), s.art) if formatted else r.get(s.key)) for s in self.spalten}
            for r in self.zeilen
        ]
        return pd.DataFrame(rows, columns=[s.titel for s in self.spalten])

    def row(self, label: str) -> dict[str, Any]:
        """The row whose first column is ``label`` (e.g. »Sachsen«)."""
        first = self.spalten[0].key
        for r in self.zeilen:
            if r.get(first) == label:
                return r
        raise KeyError(label)


@dataclasses.dataclass(frozen=True)
class Bericht:
    stichtag: dt.date
    von: dt.date  # the period of the tables »Förderung« and »Änderungen«: von … bis (default: the Stichtag)
    bis: dt.date
    region: Region
    erstellt: dt.date
    tabellen: tuple[Tabelle, ...]
    quellen: tuple[str, ...]  # every URL the tables cite, in order of first use

    @property
    def titel(self) -> str:
        return f"Allianz Sichere Sächsische Kommunen (ASSKomm): Stand zum Stichtag {labels.fmt_date(self.stichtag)}"

    @property
    def untertitel(self) -> str:
        return (
            f"Region: {self.region.name} · Zeitraum für Förderung und Änderungen: "
            f"{labels.fmt_date(self.von)} bis {labels.fmt_date(self.bis)} · "
            f"Quelle: ASSKomm-Datenbank (Veröffentlichungen von SMI und LPR), erstellt am {labels.fmt_date(self.erstellt)}"
        )

    def tabelle(self, blatt: str) -> Tabelle:
        for t in self.tabellen:
            if t.blatt == blatt:
                return t
        raise KeyError(blatt)


def zelle(value: Any, art: str) -> str:
    """German text of a cell: ``1.234``, ``06.02.2019``, ``160.000 €``, ``12,5 %``, ``3,5``."""
    if value is None or value == "":
        return ""
    if art == "int":
        return labels.fmt_int(value)
    if art == "nummer":
        return f"{labels.fmt_int(value)}."
    if art == "eur":  # whole euros without decimals, cents with two
        return f"{labels.fmt_num(value, 0 if float(value).is_integer() else 2)} €"
    if art == "pct":
        return labels.fmt_pct(value)
    if art == "monate":
        return labels.fmt_num(value, 1)
    if art == "date":
        return labels.fmt_date(value)
    return str(value)


# ------------------------------------------------------------------------------------------- official numbers
@dataclasses.dataclass(frozen=True)
class AmtlicheNummer:
    ags: str
    gemeinde: str
    ebene: str  # "sachsen" | "kreis"
    nummer: int
    datum: str
    quelle: str
    aussage: str
    hinweis: str = ""
    baustein: str = "kooperationsvereinbarung"  # | "kpr" (»Sachsens 46. Präventionsrat«) | "beratung"


NUMMER_BAUSTEINE = ("beratung", "kooperationsvereinbarung", "kpr")


@functools.lru_cache(maxsize=4)
def _nummern(path: Path) -> tuple[AmtlicheNummer, ...]:
    with path.open(encoding="utf-8", newline="") as fh:
        out = []
        for line, r in enumerate(csv.DictReader(fh), start=2):
            baustein = r.get("baustein") or "kooperationsvereinbarung"
            if baustein not in NUMMER_BAUSTEINE or r["ebene"] not in ("sachsen", "kreis"):
                raise ValueError(
                    f"{path}, Zeile {line}: Baustein »{baustein}« / Ebene »{r['ebene']}« unbekannt "
                    f"(Baustein: {', '.join(NUMMER_BAUSTEINE)}; Ebene: sachsen, kreis)."
                )
            out.append(AmtlicheNummer(r["ags"], r["gemeinde"], r["ebene"], int(r["nummer"]), r["datum"],
                                      r["quelle"], r["aussage"], r.get("hinweis") or "", baustein))
        return tuple(out)


def amtliche_nummern(path: Path = NUMMERN_FILE) -> tuple[AmtlicheNummer, ...]:
    """Running numbers stated by a source (»Leutersdorf … 60. Kommune«, »Sachsens 46. Präventionsrat«, »100.
    beratene Kommune«), from ``data/amtliche_nummern.csv``."""
    return _nummern(path)
