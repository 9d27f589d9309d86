"""CLI: export-map, briefing, snapshot — files written on good input, exit 2 with a German message on bad input."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from export_support import KREIS_OST, KREIS_WEST, make_export_data
from PIL import Image
from pypdf import PdfReader

from asskomm.cli import exports as exports_cli
from asskomm.cli import main as cli


@pytest.fixture
def fake_data(monkeypatch):
    """The commands on the hand-made fixture (no database, no boundary files)."""
    calls = []

    def collect(filters):
        calls.append(filters)
        return make_export_data(filters)

    monkeypatch.setattr(exports_cli, "_collect", collect)
    monkeypatch.setattr(
        exports_cli, "_known_keys",
        lambda: ([KREIS_WEST, KREIS_OST], ["vandalismus", "drogen"], ["kpr", "kooperationsvereinbarung"]),
    )
    return calls


def test_commands_are_registered():
    parser = cli.build_parser()
    for command in ("export-map", "briefing", "snapshot"):
        args = parser.parse_args([command, "x", "--stand", "2021-01-31", "--kreis", KREIS_OST])
        assert args.func and args.kreis == [KREIS_OST]


def test_export_map_png_svg_and_a4(tmp_path, fake_data, capsys):
    png = tmp_path / "karte.png"
    assert cli.main(["export-map", str(png), "--stand", "2023-06-30", "--kreis", KREIS_OST,
                     "--kreis", KREIS_WEST, "--problemfeld", "drogen"]) == 0
    assert Image.open(png).size == (1920, 1080)
    assert fake_data[-1].stand == dt.date(2023, 6, 30)
    assert fake_data[-1].kreise == (KREIS_OST, KREIS_WEST) and fake_data[-1].problemfelder == ("drogen",)
    assert "Karte geschrieben" in capsys.readouterr().out
    a4 = tmp_path / "karte_a4.png"
    assert cli.main(["export-map", str(a4), "--format", "a4"]) == 0
    assert Image.open(a4).size == (3508, 2480)
    svg = tmp_path / "karte.svg"
    assert cli.main(["export-map", str(svg)]) == 0
    assert svg.read_bytes().lstrip().startswith(b"<?xml")
    old = os.umask(0o022)
    os.umask(old)
    assert (png.stat().st_mode & 0o777) == 0o666 & ~old  # readable like any new file, not private


def test_briefing_and_snapshot(tmp_path, fake_data):
    pdf = tmp_path / "kurzinfo.pdf"
    assert cli.main(["briefing", str(pdf), "--kreis", KREIS_OST, "--kreisseiten"]) == 0
    assert len(PdfReader(io.BytesIO(pdf.read_bytes())).pages) == 2
    html = tmp_path / "karte.html"
    assert cli.main(["snapshot", str(html), "--problemfeld", "vandalismus"]) == 0
    assert "Problemfeld: Vandalismus" in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(("argv", "message"), [
    (["export-map", "{d}/karte.jpg"], "muss auf .png oder .svg enden"),
    (["briefing", "{d}/kurz.docx"], "muss auf .pdf enden"),
    (["snapshot", "{d}/fehlt/karte.html"], "gibt es nicht"),
    (["briefing", "{d}/k.pdf", "--stand", "31.12.2021"], "kein Datum im Format JJJJ-MM-TT"),
    (["briefing", "{d}/k.pdf", "--stand", "2018-12-31"], "--stand »2018-12-31« ungültig: liegt außerhalb"),
    (["snapshot", "{d}/k.html", "--kreis", "14999"], "--kreis »14999« ungültig"),
    (["export-map", "{d}/k.png", "--problemfeld", "lärm"], "Bekannte Problemfelder: vandalismus, drogen"),
    (["export-map", "{d}/k.png", "--format", "a3"], "--format »a3« unbekannt; erlaubt: folie, a4"),
    (["snapshot", "{d}/k.html", "--polizeidirektion", "mars"], "--polizeidirektion »mars« ungültig"),
])
def test_bad_input_exits_2_with_german_message_and_writes_nothing(tmp_path, fake_data, capsys, argv, message):
    argv = [a.format(d=tmp_path) for a in argv]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler: ") and message in err
    assert list(tmp_path.iterdir()) == []
    assert fake_data == []  # nothing was rendered


def test_with_the_real_data(tmp_path, monkeypatch):
    """End to end on the committed layers and seed records (a fresh database in tmp)."""
    monkeypatch.setenv("ASSKOMM_DB", str(tmp_path / "asskomm.db"))
    out = tmp_path / "out"
    out.mkdir()
    assert cli.main(["briefing", str(out / "k.pdf"), "--stand", "2022-12-31", "--kreis", "14626"]) == 0
    text = PdfReader(out / "k.pdf").pages[0].extract_text()
    assert "Stand: 31.12.2022" in text and "Kreis: Görlitz" in text
    assert "Gemeindegrenzen: © GeoBasis-DE / BKG" in " ".join(text.split())


def test_polizeidirektion_filter_with_the_real_data(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSKOMM_DB", str(tmp_path / "asskomm.db"))
    out = tmp_path / "out"
    out.mkdir()
    assert cli.main(["briefing", str(out / "k.pdf"), "--stand", "2022-12-31", "--polizeidirektion", "goerlitz"]) == 0
    text = " ".join(PdfReader(out / "k.pdf").pages[0].extract_text().split())
    assert "PD Görlitz" in text
