"""Export → import round trip, Excel-friendly CSV, formula neutralisation."""

import csv

import openpyxl
import pytest
from records_support import BASE_ROWS, TODAY, gazetteer, make_store

from asskomm import records as rec
from asskomm.store.database import Store


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path, BASE_ROWS)
    yield s
    s.dispose()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_gives_no_changes(store, tmp_path, suffix):
    path = tmp_path / f"export{suffix}"
    n = rec.export(store.load(), path, gazetteer())
    assert n == len(BASE_ROWS)
    version = store.data_version()
    parsed = rec.parse_file(path, gazetteer(), today=TODAY)
    assert parsed.ok, parsed.error_report()
    result = store.apply_import(parsed, "test")
    assert result.ok and result.changes == () and result.unchanged == len(store.load().milestones)
    assert store.data_version() == version
    # and into an empty database: the same records, the same export
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}", seed_file=None, gazetteer=gazetteer())
    assert fresh.apply_import(parsed, "test").ok
    again = tmp_path / f"again{suffix}"
    rec.export(fresh.load(), again, gazetteer())
    assert rec.export_rows(fresh.load(), gazetteer()) == rec.export_rows(store.load(), gazetteer())
    fresh.dispose()


def test_csv_is_for_german_excel(store, tmp_path):
    path = tmp_path / "export.csv"
    rec.export(store.load(), path, gazetteer())
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header == ";".join(rec.EXPORT_COLUMNS)
    assert "polizeidirektion" in rec.EXPORT_COLUMNS
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    notes = {r["bemerkung"] for r in rows}
    assert "'=1+2 Koordinierung" in notes  # neutralised
    assert "<script>alert(1)</script>" in notes  # text kept intact
    assert all(not (v or "").startswith(("=", "+", "@")) for r in rows for v in r.values())
    amounts = {r["betrag_eur"] for r in rows} - {""}
    assert amounts == {"160000"}


def test_xlsx_has_text_cells_not_formulas(store, tmp_path):
    path = tmp_path / "export.xlsx"
    rec.export(store.load(), path, gazetteer())
    ws = openpyxl.load_workbook(path).active
    types = {c.data_type for r in ws.iter_rows(min_row=2) for c in r}
    assert "f" not in types
    values = [c.value for r in ws.iter_rows(min_row=2) for c in r]
    assert "=1+2 Koordinierung" in values


def test_group_exported_one_row_per_member(store):
    rows = rec.export_rows(store.load(), gazetteer())
    group = [r for r in rows if r["gruppe"] == "Städtebund Silberberg"]
    assert [(r["ags"], r["gemeinde"]) for r in group] == [("14521035", "Aue-Bad Schlema"), ("14521530", "Schneeberg")]
    kreis = [r for r in rows if r["ags"] == "14626"]
    assert kreis[0]["gemeinde"] == "Landkreis Görlitz (Kreisebene)"


def test_neutralise():
    assert rec.neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert rec.neutralise("-1+2") == "'-1+2"
    assert rec.neutralise("@x") == "'@x"
    assert rec.neutralise("Text") == "Text"
