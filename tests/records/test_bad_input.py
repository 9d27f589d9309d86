"""Every bad input: a clear German message with row/column, and the database unchanged."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from records_support import BASE_ROWS, TODAY, URL, export_text, gazetteer, make_store, row, write_csv

from asskomm import records as rec


@pytest.fixture
def store(tmp_path, db_url):
    s = make_store(tmp_path, BASE_ROWS, db_url)
    yield s
    s.dispose()


def _refused(store, tmp_path, path):
    """Import ``path``; assert it is refused and nothing changed. Returns the errors."""
    before, version = export_text(store, tmp_path), store.data_version()
    parsed = rec.parse_file(path, gazetteer(), today=TODAY)
    result = store.apply_import(parsed, "test")
    assert not result.ok
    assert store.data_version() == version
    assert export_text(store, tmp_path) == before
    for issue in result.errors:
        assert path.name in str(issue)
    return result.errors


def _one_row(tmp_path, **values):
    return write_csv(tmp_path / "bad.csv", [row(ags="14626600", baustein="beratung", datum="2021-03-01"),
                                            row(**values)])


@pytest.mark.parametrize(
    ("values", "column", "needle"),
    [
        ({"ags": "14599999", "baustein": "beratung", "datum": "2021"}, "ags", "unbekannt"),
        ({"ags": "09162000", "baustein": "beratung", "datum": "2021"}, "ags", "nicht zu Sachsen"),
        ({"ags": "1452", "baustein": "beratung", "datum": "2021"}, "ags", "kein Gemeindeschlüssel"),
        ({"gemeinde": "Auerbach", "baustein": "beratung", "datum": "2021"}, "gemeinde", "mehrdeutig"),
        ({"gemeinde": "Nirgendwo", "baustein": "beratung", "datum": "2021"}, "gemeinde", "unbekannt"),
        ({"ags": "14626110", "gemeinde": "Leipzig", "baustein": "beratung", "datum": "2021"}, "gemeinde", "nicht »Leipzig«"),
        ({"ags": "14626110", "baustein": "Besuch", "datum": "2021"}, "baustein", "Unbekannter Baustein"),
        ({"ags": "14626110", "baustein": "beratung", "datum": "2021", "problemfelder": "Falschparken"},
         "problemfelder", "Unbekanntes Problemfeld"),
        ({"ags": "14626110", "baustein": "beratung", "datum": "2030-01-01"}, "datum", "Zukunft"),
        ({"ags": "14626110", "baustein": "beratung", "datum": "2017-12-31"}, "datum", "vor dem 01.01.2018"),
        ({"ags": "14626110", "baustein": "beratung", "datum": "31.02.2021"}, "datum", "Tag"),
        ({"ags": "14626110", "baustein": "beratung", "datum": "gestern"}, "datum", "kein Datum"),
        ({"ags": "14626110", "baustein": "beratung", "datum": "2021", "quelle": ""}, "quelle", "Quelle fehlt"),
        ({"ags": "14626110", "baustein": "foerderung", "datum": "2021", "betrag_eur": "viel"}, "betrag_eur", "Betrag"),
        ({"ags": "14626110", "baustein": "beratung", "datum": "2021", "bemerkung": "=HYPERLINK(\"http://x\")"},
         "bemerkung", "Formel"),
        ({"ags": "14626110", "baustein": "beratung", "datum": "2021", "quelle": "@SUM(1)"}, "quelle", "Formel"),
    ],
)
def test_bad_cell(store, tmp_path, values, column, needle):
    errors = _refused(store, tmp_path, _one_row(tmp_path, **values))
    assert len(errors) == 1, errors
    assert errors[0].row == 3
    assert errors[0].column == column
    assert needle in errors[0].message
    assert f"Zeile 3, Spalte »{column}«" in str(errors[0])


def test_all_problems_listed_not_just_the_first(store, tmp_path):
    path = write_csv(tmp_path / "many.csv", [row(ags="09162000", baustein="x", datum="31.02.2021"),
                                              row(gemeinde="Auerbach", baustein="beratung", datum="2021")])
    errors = _refused(store, tmp_path, path)
    assert {(e.row, e.column) for e in errors} == {(2, "ags"), (2, "baustein"), (2, "datum"), (3, "gemeinde")}


def test_empty_file(store, tmp_path):
    path = tmp_path / "leer.csv"
    path.write_bytes(b"")
    assert "leer" in _refused(store, tmp_path, path)[0].message


def test_header_only(store, tmp_path):
    errors = _refused(store, tmp_path, write_csv(tmp_path / "kopf.csv", []))
    assert "nur die Kopfzeile" in errors[0].message


def test_missing_required_column(store, tmp_path):
    path = write_csv(tmp_path / "spalte.csv", [{"ags": "14626110", "datum": "2021", "quelle": URL}],
                     header=["ags", "datum", "quelle"])
    errors = _refused(store, tmp_path, path)
    assert "Pflichtspalte fehlt: baustein" in errors[0].message
    assert errors[0].row == 1


def test_duplicate_row(store, tmp_path):
    r = row(ags="14626600", baustein="beratung", datum="2021-03-01")
    errors = _refused(store, tmp_path, write_csv(tmp_path / "doppelt.csv", [r, dict(r)]))
    assert errors[0].row == 3 and "Doppelte Zeile" in errors[0].message and "Zeile 2" in errors[0].message


def test_wrong_encoding_mojibake(store, tmp_path):
    path = tmp_path / "kodierung.csv"
    text = ";".join(rec.COLUMNS) + "\n14626600;Weißwasser;;beratung;2021;;;" + URL + ";Größe;\n"
    path.write_bytes(text.encode("utf-8").decode("cp1252").encode("utf-8"))  # UTF-8 read as cp1252, saved again
    errors = _refused(store, tmp_path, path)
    assert "falsch kodiert" in errors[0].message and errors[0].row == 2


def test_undecodable_bytes(store, tmp_path):
    path = tmp_path / "kaputt.csv"
    path.write_bytes(";".join(rec.COLUMNS).encode() + b"\n14626600;\x81\x8d\x8f;;beratung;2021;;;x;;\n")
    assert "Kodierung" in _refused(store, tmp_path, path)[0].message


def test_binary_file_renamed_csv(store, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("x.txt", "hello")
    path = tmp_path / "tabelle.csv"
    path.write_bytes(buf.getvalue())
    assert "ZIP-Archiv" in _refused(store, tmp_path, path)[0].message
    path.write_bytes(bytes(range(256)) * 10)
    assert "keine Textdatei" in _refused(store, tmp_path, path)[0].message


def test_xlsx_formula_cell(store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(rec.COLUMNS))
    ws.append(["14626600", "", "", "beratung", "2021", "", "=1+1", URL, "", ""])
    path = tmp_path / "formel.xlsx"
    wb.save(path)
    errors = _refused(store, tmp_path, path)
    assert "Formel" in errors[0].message and errors[0].row == 2


def test_too_large_file_refused_before_parsing(store, tmp_path, monkeypatch):
    path = tmp_path / "gross.csv"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse 50 MB file
    def no_read(*_a, **_k):
        raise AssertionError("file must not be read")
    monkeypatch.setattr(rec, "parse_bytes", no_read)
    errors = _refused(store, tmp_path, path)
    assert "zu groß" in errors[0].message and "10 MB" in errors[0].message


def test_html_in_note_is_kept_as_text(store, tmp_path):
    notes = [m.bemerkung for m in store.load().milestones]
    assert "<script>alert(1)</script>" in notes
    assert "=1+2 Koordinierung" not in export_text(store, tmp_path).split(";")  # neutralised in the CSV
    assert "'=1+2 Koordinierung" in export_text(store, tmp_path)


def test_future_and_old_relative_to_today(tmp_path):
    path = write_csv(tmp_path / "d.csv", [row(ags="14626110", baustein="beratung", datum="2024-07"),
                                          row(ags="14626110", baustein="kpr", datum="1995")])
    parsed = rec.parse_file(path, gazetteer(), today=dt.date(2024, 6, 30))
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "datum")]  # a KPR may predate ASSKomm
