import datetime as dt

import openpyxl
import pytest
from records_support import TODAY, URL, gazetteer, parse, row, write_csv

from asskomm import records as rec


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [("2021-06-25", "2021-06-25", "tag"), ("25.06.2021", "2021-06-25", "tag"), ("2021-06", "2021-06", "monat"),
     ("06.2021", "2021-06", "monat"), ("2021", "2021", "jahr"), ("", "", ""), ("2021-06-25 00:00:00", "2021-06-25", "tag")],
)
def test_dates_keep_their_precision(text, iso, precision):
    assert rec.normalise_datum(text) == iso
    assert rec.precision(iso) == precision


def test_period_end_rule():
    assert rec.period_end("2021") == dt.date(2021, 12, 31)
    assert rec.period_end("2021-02") == dt.date(2021, 2, 28)
    assert rec.period_end("2020-02") == dt.date(2020, 2, 29)
    assert rec.period_end("") is None
    assert not rec.counts_at("2021-12-17", dt.date(2021, 11, 30))
    assert not rec.counts_at("2021", dt.date(2021, 12, 30))
    assert rec.counts_at("2021", dt.date(2021, 12, 31))
    assert rec.counts_at("", TODAY, today=TODAY)
    assert not rec.counts_at("", dt.date(2023, 1, 1), today=TODAY)


def test_invalid_day():
    with pytest.raises(rec.DateError, match="Tag"):
        rec.normalise_datum("31.02.2021")


@pytest.mark.parametrize(
    ("name", "kreis", "ags"),
    [
        ("Auerbach/Vogtl.", "", "14523020"),
        ("Auerbach", "Vogtlandkreis", "14523020"),
        ("Auerbach", "Erzgebirgskreis", "14521040"),
        ("Reichenbach im Vogtland", "", "14523340"),
        ("Reichenbach/Vogtl.", "", "14523340"),
        ("Reichenbach/O.L.", "", "14626450"),
        ("Reichenbach", "Landkreis Görlitz", "14626450"),
        ("Oelsnitz/V.", "", "14523300"),
        ("Oelsnitz/Erzgeb.", "", "14521450"),
        ("Weißwasser", "", "14626600"),
        ("weisswasser o.l.", "", "14626600"),
        ("Görlitz, Große Kreisstadt", "", "14626110"),
        ("Stadt Görlitz", "", "14626110"),
        ("Budyšin", "", "14625020"),
        ("Bautzen", "", "14625020"),
        ("Leipzig", "kreisfreie Stadt Leipzig", "14713000"),
        ("Leipzig", "Leipzig", "14713000"),
        ("Markkleeberg", "Landkreis Leipzig", "14729260"),
        ("Aue", "", "14521035"),  # merged into Aue-Bad Schlema (succession)
    ],
)
def test_tolerant_name_matching(name, kreis, ags):
    found, error, _ = gazetteer().resolve_name(name, kreis)
    assert error is None
    assert found == ags


def test_ambiguous_name_lists_candidates():
    found, error, _ = gazetteer().resolve_name("Auerbach")
    assert found is None
    assert "mehrdeutig" in error and "14523020" in error and "14521040" in error


def test_unknown_name_suggests():
    _, error, _ = gazetteer().resolve_name("Markleeberg")
    assert "Markkleeberg" in error


def test_old_ags_maps_to_current(tmp_path):
    parsed = parse(write_csv(tmp_path / "a.csv", [row(ags="14521030", baustein="beratung", datum="2021")]))
    assert parsed.ok
    assert parsed.rows[0].participant_key == "14521035"
    assert any("14521035" in str(w) for w in parsed.warnings)


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252"),
                                                      ("\t", "utf-16")])
def test_encodings_and_separators(tmp_path, delimiter, encoding):
    path = write_csv(tmp_path / "a.csv", [row(gemeinde="Weißwasser/O.L.", baustein="Kooperationsvereinbarung",
                                               datum="10.09.2021", problemfelder="Lärm und Nutzung des öffentlichen Raums",
                                               bemerkung="Größere Maßnahme")],
                     delimiter=delimiter, encoding=encoding)
    parsed = parse(path)
    assert parsed.ok, parsed.error_report()
    r = parsed.rows[0]
    assert (r.participant_key, r.baustein, r.datum) == ("14626600", "kooperationsvereinbarung", "2021-09-10")
    assert r.problemfelder == ("laerm_oeffentlicher_raum",)
    assert r.bemerkung == "Größere Maßnahme"


def test_xlsx_import(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(rec.COLUMNS))
    ws.append([14523020, "", "", "kpr", dt.datetime(2022, 5, 3), "Jugend; Senioren", 1234.5, URL, "", ""])
    ws.append(["", "Görlitz", "Görlitz", "coaching", 2023, "", None, URL, "", ""])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    parsed = parse(path)
    assert parsed.ok, parsed.error_report()
    assert [(r.participant_key, r.datum) for r in parsed.rows] == [("14523020", "2022-05-03"), ("14626110", "2023")]
    assert parsed.rows[0].problemfelder == ("jugend", "senioren")
    assert parsed.rows[0].betrag_eur == 1234.5


def test_group_rows_form_one_participant_and_one_milestone(tmp_path):
    rows = [row(ags=a, baustein="kooperationsvereinbarung", datum="2021-12-17", gruppe="Städtebund Silberberg")
            for a in ("14521035", "14521530")]
    rows.append(row(gemeinde="Schneeberg", baustein="sicherheitsanalyse", datum="2022", gruppe="Städtebund Silberberg"))
    parsed = parse(write_csv(tmp_path / "g.csv", rows))
    assert parsed.ok, parsed.error_report()
    parts = parsed.participants()
    assert list(parts) == ["gruppe:staedtebund silberberg"]
    assert parts["gruppe:staedtebund silberberg"].members == ("14521035", "14521530")
    assert len(parsed.milestones()) == 2


def test_group_rows_must_agree(tmp_path):
    rows = [row(ags="14521035", baustein="kooperationsvereinbarung", datum="2021-12-17", gruppe="S"),
            row(ags="14521530", baustein="kooperationsvereinbarung", datum="2021-12-17", gruppe="S", quelle="other")]
    parsed = parse(write_csv(tmp_path / "g.csv", rows))
    assert not parsed.ok
    assert parsed.errors[0].row == 3 and parsed.errors[0].column == "quelle"


def test_landkreis_participant(tmp_path):
    parsed = parse(write_csv(tmp_path / "k.csv", [
        row(gemeinde="Landkreis Görlitz (Kreisebene)", baustein="kpr", datum="2009-10-07"),
        row(ags="14729", baustein="sonstiges", datum="2022")]))
    assert parsed.ok, parsed.error_report()
    parts = parsed.participants()
    assert parts["14626"].kind == "landkreis" and parts["14626"].members == ()
    assert parts["14626"].name == "Landkreis Görlitz (Kreisebene)"
    assert parts["14729"].kind == "landkreis"


def test_header_aliases_and_unknown_columns(tmp_path):
    path = write_csv(tmp_path / "h.csv", [{"AGS": "14626110", "Baustein": "kpr", "Datum": "2023-02-09",
                                            "Quelle": URL, "Extra": "x"}],
                     header=["AGS", "Baustein", "Datum", "Quelle", "Extra"])
    parsed = parse(path)
    assert parsed.ok
    assert any("Extra" in str(w) for w in parsed.warnings)
