"""Population table: import of official files (bad files as for the records), size classes, the CLI."""

import datetime as dt

import openpyxl
import pytest
from records_support import GEMEINDEN, gazetteer

from asskomm.cli.main import main
from asskomm.records import einwohner, einwohner_import

TODAY = dt.date(2024, 6, 30)
ALL = list(GEMEINDEN["ags"])


def csv_file(tmp_path, lines, *, encoding="cp1252", name="ew.csv"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def full_rows(skip=(), extra=()):
    rows = ["AGS;Einwohner"]
    for i, ags in enumerate(ALL):
        if ags in skip:
            continue
        rows.append(f"{ags};{1000 * (i + 1)}")
    return rows + list(extra)


def parse(path, **kw):
    kw.setdefault("stichtag", dt.date(2023, 12, 31))
    return einwohner_import.parse(path, gazetteer(), today=TODAY, **kw)


def test_csv_with_old_keys_is_mapped_and_summed(tmp_path):
    lines = full_rows(skip={"14521035"}, extra=["14521030;15.840", "14521050;5000"])
    got = parse(csv_file(tmp_path, lines))
    assert got.ok, got.report()
    assert got.einwohner["14521035"] == 20840
    assert len(got.einwohner) == len(ALL)
    assert any("14521030" in str(w) for w in got.warnings)


@pytest.mark.parametrize(
    ("lines", "fragment", "row", "column"),
    [
        (full_rows(extra=["14999999;10"]), "14999999 ist unbekannt", 16, "AGS"),
        (full_rows(extra=["09162000;10"]), "gehört nicht zu Sachsen", 16, "AGS"),
        (full_rows(extra=["14626110;10"]), "doppelt", 16, "AGS"),
        (["AGS;Einwohner", *[f"{a};-5" if a == "14626110" else f"{a};100" for a in ALL]], "keine Einwohnerzahl", 11,
         "Einwohner"),
        (["AGS;Einwohner", *[f"{a};12,5" if a == "14626110" else f"{a};100" for a in ALL]], "keine Einwohnerzahl", 11,
         "Einwohner"),
        (["Schluessel;Zahl", "14626110;1"], "Pflichtspalten fehlen", 1, None),
        (full_rows(skip={"14626110"}), "Es fehlen 1 Gemeinden: Görlitz", None, None),
    ],
)
def test_bad_csv_is_refused_with_file_row_and_column(tmp_path, lines, fragment, row, column):
    got = parse(csv_file(tmp_path, lines))
    assert not got.ok and got.einwohner == {}
    issue = next(e for e in got.errors if fragment in e.message)
    assert (issue.row, issue.column, issue.file) == (row, column, "ew.csv")
    assert "ew.csv" in str(issue)


def test_csv_needs_a_stichtag_and_a_plausible_total(tmp_path):
    path = csv_file(tmp_path, full_rows())
    assert any("Stichtag unbekannt" in e.message for e in parse(path, stichtag=None).errors)
    assert any("Zukunft" in e.message for e in parse(path, stichtag=dt.date(2030, 1, 1)).errors)
    total = sum(1000 * (i + 1) for i in range(len(ALL)))
    assert parse(path, current_total=total).ok
    assert any("weicht um mehr als 10" in e.message for e in parse(path, current_total=total * 2).errors)


def gv_isys(tmp_path, *, land_total=None, pop_of=None, name="Auszug.xlsx"):
    """A small file in the layout of the GV-ISys »Auszug« (title with the date, two header rows)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Onlineprodukt_Gemeinden"
    ws.append(["Alle politisch selbständigen Gemeinden mit ausgewählten Merkmalen am 31.12.2023 (4. Quartal)"])
    ws.append([])
    ws.append(["Satzart", "Textkenn-zeichen", "Amtlicher Regionalschlüssel (ARS)", None, None, None, None,
               "Gemeindename", "Fläche km2", "Bevölkerung 2)", None, None])
    ws.append([None, None, "Land", "RB", "Kreis", "VB", "Gem", None, None, "insgesamt", "männlich", "weiblich"])
    pops = {a: (pop_of or {}).get(a, 1000 + i) for i, a in enumerate(ALL)}
    ws.append(["10", None, "14", None, None, None, None, "Sachsen", None,
               land_total if land_total is not None else sum(pops.values())])
    ws.append(["10", None, "09", None, None, None, None, "Bayern", None, 13_000_000])
    for ags in ALL:
        ws.append(["60", "61", ags[:2], ags[2], ags[3:5], "0000", ags[5:], "x", 10.0, pops[ags], 0, 0])
    ws.append(["60", "61", "09", "1", "62", "0000", "000", "München", 310.0, 1_500_000, 0, 0])
    path = tmp_path / name
    wb.save(path)
    return path


def test_gv_isys_xlsx_reads_saxony_and_its_date(tmp_path):
    got = einwohner_import.parse(gv_isys(tmp_path), gazetteer(), today=TODAY)
    assert got.ok, got.report()
    assert got.stichtag == dt.date(2023, 12, 31)
    assert got.einwohner["14626110"] == 1000 + ALL.index("14626110")
    assert "09162000" not in got.einwohner


def test_gv_isys_land_total_must_match(tmp_path):
    got = einwohner_import.parse(gv_isys(tmp_path, land_total=5), gazetteer(), today=TODAY)
    assert not got.ok and "Landessumme" in got.errors[0].message


def test_not_an_excel_file_and_empty_file(tmp_path):
    fake = tmp_path / "x.xlsx"
    fake.write_text("AGS;Einwohner\n")
    assert "keine Excel-Datei" in parse(fake).errors[0].message
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    assert "leer" in parse(empty).errors[0].message


def test_size_classes_have_no_gaps():
    assert einwohner.size_class(1999) == "unter_2000"
    assert einwohner.size_class(2000) == "2000_5000"
    assert einwohner.size_class(49_999) == "20000_50000"
    assert einwohner.size_class(50_000) == "ab_50000"
    assert einwohner.size_class(None) is None


def test_write_and_load_round_trip(tmp_path):
    got = parse(csv_file(tmp_path, full_rows()))
    target = einwohner_import.write(got, gazetteer(), "Testquelle", tmp_path / "out" / "einwohner.csv")
    pop = einwohner.load(target)
    assert pop.einwohner == got.einwohner and pop.stichtag == dt.date(2023, 12, 31)
    assert pop.attribution() == "Einwohner: Testquelle, Stand 31.12.2023, dl-de/by-2-0"


def test_cli_writes_nothing_on_error_and_the_real_table_is_complete(tmp_path, capsys):
    target = tmp_path / "einwohner.csv"
    target.write_text("unverändert\n")
    bad = csv_file(tmp_path, ["AGS;Einwohner", "14626110;abc"])
    assert main(["einwohner", "import", str(bad), "--stichtag", "2023-12-31", "--ziel", str(target)]) == 2
    err = capsys.readouterr().err
    assert "ew.csv, Zeile 2, Spalte »Einwohner«" in err and "Nichts geändert" in err
    assert target.read_text() == "unverändert\n"
    # the committed table covers every current Gemeinde with its Stichtag and licence
    pop = einwohner.load()
    assert len(pop.einwohner) == 418 and pop.stichtag is not None and pop.lizenz == "dl-de/by-2-0"
