"""The report's fixture (shared by tests/analysis/test_bericht.py, tests/render/test_bericht_export.py and
tests/cli/test_bericht_cli.py): the Kreis labels, the records and the CLI's database built from them, and
``run_cli`` for ``python -m asskomm bericht``."""

from __future__ import annotations

import argparse

import pytest
from records_support import BASE_ROWS, TODAY, gazetteer, row, use_as_cli_database

from asskomm.cli import bericht as bericht_cli
from asskomm.store import database as store_mod

# All 13 Kreise (the fixture's Gemeinden lie in seven of them).
KREIS_LABELS = {
    "14511": "Chemnitz", "14521": "Erzgebirgskreis", "14522": "Mittelsachsen", "14523": "Vogtlandkreis",
    "14524": "Zwickau", "14612": "Dresden", "14625": "Bautzen", "14626": "Görlitz", "14627": "Meißen",
    "14628": "Sächsische Schweiz-Osterzgebirge", "14713": "Leipzig", "14729": "Landkreis Leipzig",
    "14730": "Nordsachsen",
}
ROWS = [
    *BASE_ROWS,
    row(ags="14626110", baustein="beratung", datum="2020-01-15"),
    row(ags="14626110", baustein="kpr", datum="2021-03-01"),
    row(ags="14626110", baustein="sicherheitsanalyse", datum="2021-09"),
    row(ags="14625020", baustein="beratung", datum="2021-05-10"),
    row(ags="14521450", baustein="kooperationsvereinbarung", datum="2023-02-23"),
    row(ags="14523340", baustein="beratung", datum="2020-03-01"),
    row(ags="14523340", baustein="kooperationsvereinbarung", datum="2020-09-16"),
    row(ags="14523340", baustein="kpr", datum="2020-09-16"),
    row(ags="14713000", baustein="foerderung", datum="2022-05-01", betrag_eur="40000"),
    row(ags="14626110", baustein="foerderung", datum="2021-06", betrag_eur="10000,50"),
    row(ags="14626600", baustein="foerderung", datum="2022-02-02"),
    row(ags="14713000", baustein="modellkommune", datum="2019-02-06"),
]

@pytest.fixture
def db(tmp_path, monkeypatch):
    """The fixture rows as the CLI's database (ASSKOMM_DB), with the fixture Gemeinden."""
    use_as_cli_database(tmp_path, monkeypatch, ROWS, "bericht.db")
    store = store_mod.Store.from_env(gazetteer=gazetteer)
    yield store
    store.dispose()


@pytest.fixture
def cli_env(db, monkeypatch):
    """The fixture database, with the fixture's Kreis labels for the command."""
    from asskomm.geo import layers as geo

    monkeypatch.setattr(geo, "kreis_display_names", lambda _frame: dict(KREIS_LABELS))
    return db


def run_cli(*argv: str) -> int:
    """``python -m asskomm bericht …`` on the fixture (today is ``records_support.TODAY``)."""
    parser = argparse.ArgumentParser()
    bericht_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["bericht", *argv])
    return bericht_cli.cmd_bericht(args, today=TODAY)
