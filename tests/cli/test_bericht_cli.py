"""``python -m asskomm bericht --bis``: the end of the period for grants and changes (default: the Stichtag)."""

from __future__ import annotations

import argparse
import io

import bericht_support
import openpyxl
import pytest
from docx import Document

from asskomm.cli import bericht as bericht_cli
from asskomm.cli import exports as exports_cli

run = bericht_support.run_cli
db = bericht_support.db  # the fixture rows as the CLI's database
cli_env = bericht_support.cli_env  # that database with the fixture's Kreis labels


def test_bis_ends_the_period_of_grants_and_changes(cli_env, tmp_path):
    xlsx, docx = tmp_path / "antwort.xlsx", tmp_path / "antwort.docx"
    period = ("--stichtag", "2023-06-30", "--von", "2021-01-01", "--bis", "2021-12-31")
    assert run(*period, "--format", "xlsx", "--out", str(xlsx)) == 0
    assert run(*period, "--format", "docx", "--out", str(docx)) == 0
    sheet = openpyxl.load_workbook(xlsx)["Förderung"]
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[0] == "Sachsen" and last[3] == 170000.5  # without Leipzig's 40.000 € of 01.05.2022
    text = " ".join(p.text for p in Document(io.BytesIO(docx.read_bytes())).paragraphs)
    assert "Zeitraum für Förderung und Änderungen: 01.01.2021 bis 31.12.2021" in text
    assert "Tabelle 4: Förderung nach Partner und Jahr, 01.01.2021 bis 31.12.2021" in text
    assert "Tabelle 6: Änderungen vom 01.01.2021 bis 31.12.2021" in text
    assert "Tabelle 1: Landkreise und Kreisfreie Städte, Stichtag 30.06.2023" in text


def test_without_bis_the_period_ends_at_the_stichtag(cli_env, tmp_path):
    out = tmp_path / "antwort.docx"
    assert run("--stichtag", "2023-06-30", "--format", "docx", "--out", str(out)) == 0
    text = " ".join(p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert "Tabelle 4: Förderung nach Partner und Jahr, 06.02.2019 bis 30.06.2023" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--stichtag", "2022-12-31", "--bis", "2023-01-01"],
         "Das Ende des Zeitraums (»bis«) 01.01.2023 liegt nach dem Stichtag 31.12.2022"),
        (["--stichtag", "2022-12-31", "--von", "2022-06-01", "--bis", "2022-05-31"],
         "Das Ende des Zeitraums (»bis«) 31.05.2022 liegt vor seinem Beginn (»von«) 01.06.2022."),
        (["--stichtag", "2022-12-31", "--bis", "31.12.2021"], "--bis »31.12.2021« ist kein Datum im Format JJJJ-MM-TT."),
    ],
)
def test_bad_bis_writes_nothing(cli_env, tmp_path, capsys, argv, message):
    out = tmp_path / "antworten" / "antwort.xlsx"
    out.parent.mkdir()
    assert run(*argv, "--format", "xlsx", "--out", str(out)) == exports_cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("Fehler: ") and message in err
    assert list(out.parent.iterdir()) == []  # nothing written, not even a temporary file


def test_help_names_bis():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    bericht_cli.register(sub)
    text = " ".join(sub.choices["bericht"].format_help().split())
    assert "--bis JJJJ-MM-TT" in text and "Standard: der Stichtag" in text
