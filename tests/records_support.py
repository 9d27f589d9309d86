"""Small hand-made fixtures for the records tests (written here; no outside data, no geo layers)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd

from asskomm import records as rec
from asskomm.store.database import Store

TODAY = dt.date(2024, 6, 30)

GEMEINDEN = pd.DataFrame(
    [
        ("14511000", "Chemnitz", "14511", "Chemnitz", 221.0),
        ("14521035", "Aue-Bad Schlema", "14521", "Erzgebirgskreis", 35.0),
        ("14521040", "Auerbach", "14521", "Erzgebirgskreis", 12.0),
        ("14521450", "Oelsnitz/Erzgeb.", "14521", "Erzgebirgskreis", 16.0),
        ("14521530", "Schneeberg", "14521", "Erzgebirgskreis", 30.0),
        ("14523020", "Auerbach/Vogtl.", "14523", "Vogtlandkreis", 49.0),
        ("14523300", "Oelsnitz/Vogtl.", "14523", "Vogtlandkreis", 51.0),
        ("14523340", "Reichenbach im Vogtland", "14523", "Vogtlandkreis", 44.0),
        ("14625020", "Bautzen/Budyšin", "14625", "Bautzen", 66.0),
        ("14626110", "Görlitz", "14626", "Görlitz", 67.0),
        ("14626450", "Reichenbach/O.L.", "14626", "Görlitz", 50.0),
        ("14626600", "Weißwasser/O.L.", "14626", "Görlitz", 63.0),
        ("14713000", "Leipzig", "14713", "Leipzig", 297.0),
        ("14729260", "Markkleeberg", "14729", "Leipzig", 31.0),
    ],
    columns=["ags", "name", "kreis_ags", "kreis_name", "flaeche_km2"],
)
GEMEINDEN["ars"] = GEMEINDEN["ags"].str[:5] + "0000" + GEMEINDEN["ags"].str[5:]
GEMEINDEN["typ"] = "Stadt"
SUCCESSION = pd.DataFrame(
    [("14521030", "Aue", "14521035"), ("14521050", "Bad Schlema", "14521035")],
    columns=["old_ags", "old_name", "new_ags"],
)
HEADER = list(rec.COLUMNS)
URL = "https://example.org/quelle"


def gazetteer() -> rec.Gazetteer:
    return rec.Gazetteer(GEMEINDEN, SUCCESSION)


def row(**values: str) -> dict[str, str]:
    base = dict.fromkeys(HEADER, "")
    base["quelle"] = URL
    base.update(values)
    return base


def write_csv(path: Path, rows: list[dict[str, str]], *, delimiter: str = ";", encoding: str = "utf-8-sig",
              header: list[str] | None = None) -> Path:
    header = header or HEADER
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        for r in rows:
            writer.writerow([r.get(c, "") for c in header])
    return path


def parse(path: Path) -> rec.ParsedImport:
    return rec.parse_file(path, gazetteer(), today=TODAY)


BASE_ROWS = [
    row(ags="14626110", baustein="modellkommune", datum="2019-02-06"),
    row(ags="14626110", baustein="kooperationsvereinbarung", datum="2020-07", problemfelder="Vandalismus"),
    row(gemeinde="Auerbach/Vogtl.", baustein="kooperationsvereinbarung", datum="22.07.2022",
        problemfelder="drogenmissbrauch;Vandalismus", bemerkung="<script>alert(1)</script>"),
    row(ags="14521035", baustein="kooperationsvereinbarung", datum="2021-12-17", gruppe="Städtebund Silberberg"),
    row(gemeinde="Schneeberg", baustein="kooperationsvereinbarung", datum="2021-12-17",
        gruppe="Städtebund Silberberg"),
    row(ags="14626", baustein="kpr", datum="2009-10-07"),
    row(ags="14713000", baustein="foerderung", datum="2021", betrag_eur="160.000", bemerkung="'=1+2 Koordinierung"),
]


def use_as_cli_database(tmp_path: Path, monkeypatch, rows: list[dict[str, str]], name: str = "cli.db") -> None:
    """What the CLI reads set to this fixture: ``ASSKOMM_DB`` (a new file), seed rows, gazetteer, Gemeinden."""
    from asskomm.store import database as store_mod

    monkeypatch.setenv("ASSKOMM_DB", str(tmp_path / name))
    monkeypatch.setattr(store_mod, "SEED_FILE", write_csv(tmp_path / "seed.csv", rows))
    monkeypatch.setattr(rec, "load_gazetteer", gazetteer)
    monkeypatch.setattr(rec, "load_gemeinden", lambda: GEMEINDEN.copy())


def make_store(tmp_path: Path, rows: list[dict[str, str]] | None = None, url: str | None = None) -> Store:
    """A store on ``url`` (default: a SQLite file in ``tmp_path``), loaded with ``rows``."""
    store = Store(url or f"sqlite:///{tmp_path / 'test.db'}", seed_file=None, gazetteer=gazetteer())
    if rows:
        parsed = parse(write_csv(tmp_path / "base.csv", rows))
        assert parsed.ok, parsed.error_report()
        assert store.apply_import(parsed, "test").ok
    return store


def export_text(store: Store, tmp_path: Path) -> str:
    out = tmp_path / "export_snapshot.csv"
    rec.export(store.load(), out, gazetteer())
    return out.read_text(encoding="utf-8-sig")
