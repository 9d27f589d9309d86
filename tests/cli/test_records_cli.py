import argparse
import json

import pytest
from records_support import BASE_ROWS, row, use_as_cli_database, write_csv

from asskomm.cli import main as cli
from asskomm.cli import records as records_cli


@pytest.fixture
def run(tmp_path, monkeypatch):
    use_as_cli_database(tmp_path, monkeypatch, BASE_ROWS)

    def _run(*argv):
        parser = argparse.ArgumentParser()
        records_cli.register(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args([str(a) for a in argv])
        return args.func(args)

    return _run


def test_registered_in_cli():
    assert "asskomm.cli.records" in cli.COMMAND_MODULES


def test_import_dry_run_then_real(run, tmp_path, capsys):
    path = write_csv(tmp_path / "neu.csv", [row(gemeinde="Weißwasser/O.L.", baustein="kooperationsvereinbarung",
                                                datum="2021-09-10")])
    assert run("import", path, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Probelauf" in out and "1 neue Meilensteine" in out
    assert run("import", path) == 0
    assert "Import gespeichert" in capsys.readouterr().out
    assert run("import", path) == 0
    assert "0 neue Meilensteine" in capsys.readouterr().out


def test_import_invalid_exits_2(run, tmp_path, capsys):
    path = write_csv(tmp_path / "bad.csv", [row(gemeinde="Auerbach", baustein="beratung", datum="2021")])
    assert run("import", path) == 2
    err = capsys.readouterr().err
    assert "bad.csv, Zeile 2, Spalte »gemeinde«" in err and "mehrdeutig" in err


def test_changed_milestone_needs_overwrite(run, tmp_path, capsys):
    path = write_csv(tmp_path / "c.csv", [row(ags="14626110", baustein="modellkommune", datum="2019-02-06",
                                              bemerkung="neu")])
    assert run("import", path) == 2
    assert "würde geändert" in capsys.readouterr().err
    assert run("import", path, "--ueberschreiben") == 0


def test_export_and_summary(run, tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert run("export", out) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert run("export", tmp_path / "out.txt") == 2
    capsys.readouterr()
    assert run("summary", "--stand", "2022-12-31", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stand"] == "2022-12-31"
    assert data["land"]["vereinbarungen"] == 3  # Görlitz, Auerbach/Vogtl., Städtebund Silberberg (one)
    assert data["land"]["status"]["kooperation"] == 4
    assert data["kreise"]["14626"]["praeventionsraete"] == 1
    # the coverage line's population shares (issue 28.4), statewide and per Kreis
    land = data["land"]
    assert land["einwohner"] > land["einwohner_beteiligt"] >= land["einwohner_mit_vereinbarung"] > 0
    assert land["anteil_einwohner"] == land["einwohner_mit_vereinbarung"] / land["einwohner"]
    assert data["kreise"]["14626"]["zeile"].startswith("Beteiligt: ") and "im Landkreis Görlitz" in data["kreise"]["14626"]["zeile"]
    assert run("summary", "--stand", "2021-11-30") == 0
    text = capsys.readouterr().out
    assert "Stand 30.11.2021" in text and "Kooperationsvereinbarung: 1" in text
    assert "Abdeckung: Beteiligt: " in text and "der Einwohner" in text
    assert "Landkreis Leipzig (14729)" in text and "  Leipzig (14713)" in text  # the two Leipzigs apart
    assert run("summary", "--stand", "2999-01-01") == 2
