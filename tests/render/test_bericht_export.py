"""The report as DOCX and XLSX, and ``python -m asskomm bericht``: same numbers as the page, A4, German,
LibreOffice opens the DOCX, bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile

import bericht_support
import openpyxl
import pytest
from bericht_support import KREIS_LABELS, db  # noqa: F401 (fixture)
from docx import Document
from records_support import GEMEINDEN, TODAY

from asskomm.analysis import bericht
from asskomm.analysis.filters import PROGRAMME_START
from asskomm.cli import exports as exports_cli
from asskomm.cli import main as cli
from asskomm.render import bericht_export

STICHTAG = dt.date(2023, 6, 30)


@pytest.fixture
def report(db):  # noqa: F811
    return bericht.build(db.load(), GEMEINDEN, KREIS_LABELS, STICHTAG, today=TODAY)


def test_docx_like_a_written_answer(report):
    payload = bericht_export.render_docx(report)
    doc = Document(io.BytesIO(payload))
    assert doc.core_properties.title == report.titel
    assert "Stichtag 30.06.2023" in doc.core_properties.title
    assert doc.core_properties.language == "de"
    for section in doc.sections:  # A4, upright or across
        assert sorted((round(section.page_width.cm, 1), round(section.page_height.cm, 1))) == [21.0, 29.7]
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == report.titel
    captions = [t for t in texts if t.startswith("Tabelle ")]
    assert [c.split(":")[0] for c in captions] == [f"Tabelle {i}" for i in range(1, 8)]
    assert len(doc.tables) == 7
    kreise = doc.tables[0]
    header = [c.text.replace("\u00ad", "") for c in kreise.rows[0].cells]  # soft hyphens only break lines
    assert header == [s.titel for s in report.tabelle("Kreise").spalten]
    assert kreise.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # header row repeats on every page
    sachsen = report.tabelle("Kreise").row("Sachsen")
    assert [c.text for c in kreise.rows[-1].cells] == ["Sachsen", "", *(
        bericht.zelle(sachsen[k], "int") for k in ("gemeinden", "beraten", "vereinbarungen", "mit_vereinbarung",
                                                    "modellkommunen", "praeventionsraete", "sicherheitsanalysen"))]
    assert sum(1 for t in texts if t.startswith(tuple(f"{i} Zählregel: " for i in range(1, 8)))) == 7
    assert any(t.startswith("Grundlage: ") for t in texts)
    # German formats: the grant sum with a thousands dot and €, dates as 06.02.2019
    grants = doc.tables[3]
    assert grants.rows[-1].cells[3].text == bericht.zelle(report.tabelle("Förderung").zeilen[-1]["betrag"], "eur")
    assert "." in grants.rows[-1].cells[3].text and grants.rows[-1].cells[3].text.endswith(" €")
    partner_dates = [r.cells[7].text for r in doc.tables[2].rows[1:]]
    assert "16.09.2020" in partner_dates
    # sources are numbered at the end and referred to in the tables
    assert "Quellen" in texts and any(t.startswith("[1] https://") for t in texts)
    styles = zipfile.ZipFile(io.BytesIO(payload)).read("word/styles.xml").decode()
    assert 'w:lang w:val="de-DE"' in styles


def test_xlsx_one_sheet_per_table(report):
    wb = openpyxl.load_workbook(io.BytesIO(bericht_export.render_xlsx(report)))
    assert wb.sheetnames[:7] == ["Kreise", "Polizeidirektionen", "Partner", "Förderung", "Weg", "Änderungen",
                                 "Nummern"]
    assert wb.properties.title == report.titel and wb.properties.language == "de"
    kreise = wb["Kreise"]
    rows = list(kreise.iter_rows(values_only=True))
    assert rows[0][0] == "Kreis"
    assert rows[-1][0] == "Sachsen"
    assert [r[0] for r in rows[1:-1]] == [r["name"] for r in report.tabelle("Kreise").zeilen[:-1]]
    pds = list(wb["Polizeidirektionen"].iter_rows(values_only=True))
    assert pds[-1][0] == "Sachsen" and len(pds) == 1 + 5 + 1
    header = list(pds[0])
    agreement_cols = [i for i, h in enumerate(header) if "Vereinbarung" in h]
    assert agreement_cols
    # the same numbers as the page (the report's rows), as numbers
    for i in agreement_cols:
        key = report.tabelle("Polizeidirektionen").spalten[i].key
        assert [r[i] for r in pds[1:]] == [r[key] for r in report.tabelle("Polizeidirektionen").zeilen]
    assert isinstance(rows[-1][2], int)
    partner = list(wb["Partner"].iter_rows(values_only=True))
    dated = [r[7] for r in partner[1:] if isinstance(r[7], dt.datetime)]
    assert dt.datetime(2020, 9, 16) in dated  # a full date is a date cell
    assert "07/2020" in [r[7] for r in partner[1:]]  # month precision stays as German text


def test_page_and_files_show_the_same_numbers(report):
    frame = report.tabelle("Kreise").frame()
    wb = openpyxl.load_workbook(io.BytesIO(bericht_export.render_xlsx(report)))
    sheet = [[bericht.zelle(v, s.art) for v, s in zip(r, report.tabelle("Kreise").spalten, strict=True)]
             for r in wb["Kreise"].iter_rows(min_row=2, values_only=True)]
    assert sheet == frame.fillna("").values.tolist()
    doc = Document(io.BytesIO(bericht_export.render_docx(report)))
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows[1:]] == frame.values.tolist()


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("LibreOffice (soffice) fehlt; scripts/test.sh installiert libreoffice-writer-nogui")
        pytest.skip("LibreOffice (soffice) not installed")
    return found


def test_docx_opens_in_libreoffice(report, tmp_path):
    soffice = _soffice()
    source = tmp_path / "bericht.docx"
    source.write_bytes(bericht_export.render_docx(report))
    env = {**os.environ, "HOME": str(tmp_path)}  # a private LibreOffice profile
    subprocess.run(
        [soffice, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180, env=env,
    )
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "bericht.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Stichtag 30.06.2023" in text
    sachsen = report.tabelle("Kreise").row("Sachsen")
    totals = [bericht.zelle(sachsen[k], "int") for k in ("gemeinden", "beraten", "vereinbarungen",
                                                          "mit_vereinbarung", "modellkommunen",
                                                          "praeventionsraete", "sicherheitsanalysen")]
    lines = [line.split() for line in text.splitlines() if line.strip().startswith("Sachsen ")]
    assert totals in [parts[1:] for parts in lines]  # the Sachsen row of tables 1 and 2
    pdfinfo = subprocess.run(["pdfinfo", str(tmp_path / "bericht.pdf")], capture_output=True, text=True).stdout
    assert "(A4)" in pdfinfo


# --------------------------------------------------------------------------------------------- CLI
run = bericht_support.run_cli  # python -m asskomm bericht … on the fixture
cli_env = bericht_support.cli_env  # the fixture database with the fixture's Kreis labels


def test_registered():
    assert "asskomm.cli.bericht" in cli.COMMAND_MODULES
    assert "bericht" in cli.build_parser().format_help()


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_cli_writes_the_file(cli_env, tmp_path, capsys, fmt):
    out = tmp_path / f"antwort.{fmt}"
    assert run("--stichtag", "2023-06-30", "--region", "PD Görlitz", "--format", fmt, "--out", str(out)) == 0
    assert out.stat().st_size > 1000
    assert "Bericht geschrieben" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".asskomm-")] == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--stichtag", (TODAY + dt.timedelta(days=1)).isoformat()], "liegt in der Zukunft"),
        (["--stichtag", (PROGRAMME_START - dt.timedelta(days=1)).isoformat()], "vor dem Start von ASSKomm"),
        (["--stichtag", "31.12.2022"], "kein Datum im Format JJJJ-MM-TT"),
        (["--stichtag", "2022-12-31", "--region", "Atlantis"], "Gültig sind: Sachsen, 14625 (Bautzen)"),
        (["--stichtag", "2022-12-31", "--von", "2023-01-01"], "nach dem Stichtag"),
    ],
)
def test_cli_bad_input_writes_nothing(cli_env, tmp_path, capsys, argv, message):
    out = tmp_path / "antwort.docx"
    assert run(*argv, "--format", "docx", "--out", str(out)) == exports_cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("Fehler: ") and message in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".docx", ".xlsx") or p.name.startswith(".asskomm-")]


def test_cli_format_and_path_mismatch(cli_env, tmp_path, capsys):
    assert run("--stichtag", "2022-12-31", "--format", "pdf", "--out", str(tmp_path / "a.pdf")) == 2
    assert "erlaubt: docx, xlsx" in capsys.readouterr().err
    assert run("--stichtag", "2022-12-31", "--format", "docx", "--out", str(tmp_path / "a.xlsx")) == 2
    assert "auf .docx enden" in capsys.readouterr().err
    assert run("--stichtag", "2022-12-31", "--format", "docx", "--out", str(tmp_path / "nein" / "a.docx")) == 2
    assert "gibt es nicht" in capsys.readouterr().err
    assert not list(tmp_path.glob("**/a.*"))


def test_cli_unwritable_path_leaves_no_half_file(cli_env, tmp_path, capsys, monkeypatch):
    out = tmp_path / "antwort.docx"
    out.write_bytes(b"old answer")

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports_cli.os, "replace", disk_full)
    assert run("--stichtag", "2022-12-31", "--format", "docx", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "kann nicht geschrieben werden (Datenträger voll); keine Datei angelegt" in err
    assert out.read_bytes() == b"old answer"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".asskomm-")] == []
