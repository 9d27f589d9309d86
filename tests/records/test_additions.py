"""Conversion rules of the public-record additions, and how unconfirmed milestones are counted."""

import csv
import datetime as dt

import pytest
from records_support import GEMEINDEN, TODAY, URL, gazetteer, make_store, parse, row, write_csv

from asskomm import paths as rec_paths
from asskomm import records as rec
from asskomm.analysis.filters import Filters
from asskomm.analysis.status import status_table, summary
from asskomm.records.additions import (
    OLDER_COUNCIL_NOTE,
    ConversionError,
    baustein_of,
    convert,
    convert_datum,
    doubt,
    map_problemfelder,
    split_name,
)


@pytest.mark.parametrize(
    ("text", "datum", "note_part"),
    [
        ("2021-05-18", "2021-05-18", ""),
        ("2022-09", "2022-09", ""),
        ("2022", "2022", ""),
        ("", "", ""),
        ("vor 2021-05-18", "2021-05-18", "spätestens am 18.05.2021"),
        ("vor 2021-06", "2021-06", "spätestens am 30.06.2021"),
        ("ca. 2023", "2023", "ungefähr"),
        ("ca. 2023-01", "2023-01", "ungefähr"),
        ("2021-07/08", "2021-08", "07–08/2021"),
        ("ca. 2020-11/12", "2020-12", "ungefähr"),
        ("ca. 2020 (Mittwoch, genaues Datum unbekannt)", "2020", "Mittwoch"),
    ],
)
def test_dates_keep_their_precision_and_never_count_early(text, datum, note_part):
    got, note = convert_datum(text)
    assert got == datum
    assert note_part in note
    if not note_part:
        assert note == ""


@pytest.mark.parametrize("text", ["nach 2021", "2021-13", "2021-08/07", "Frühjahr 2022"])
def test_dates_the_rules_cannot_read_are_refused(text):
    with pytest.raises(ConversionError):
        convert_datum(text)


def test_names_groups_and_lead_towns():
    assert split_name("Taucha") == ("Taucha", (), False)
    assert split_name("Verwaltungsverband Wildenstein (Grünhainichen, Börnichen/Erzgeb.)") == (
        "Verwaltungsverband Wildenstein", ("Grünhainichen", "Börnichen/Erzgeb."), False)
    assert split_name("Flöha (mit Augustusburg, Oederan)") == ("Flöha", ("Augustusburg", "Oederan"), True)


def test_doubt_and_bausteine():
    assert doubt("ja") == ("", "")
    assert doubt("ja (Präzisierung)") == ("", "Präzisierung")
    assert doubt("unsicher: nur Ankündigung") == ("nur Ankündigung", "")
    with pytest.raises(ConversionError):
        doubt("vielleicht")
    assert baustein_of("other", "[Förderung] Bescheid über 40.000 EUR") == "foerderung"
    assert baustein_of("other", "Besuch") == "sonstiges"
    assert baustein_of("problemfeld", "") == "sonstiges"
    assert baustein_of("kpr", "") == "kpr"
    with pytest.raises(ConversionError):
        baustein_of("feier", "")


def test_focus_words_map_onto_the_vocabulary():
    assert map_problemfelder(["illegale Graffiti", "Drogendelikte", "Vandalismus"]) == (
        "graffiti_sachbeschaedigung", "drogenmissbrauch", "vandalismus")
    assert map_problemfelder(["häusliche Gewalt"]) == ("haeusliche_gewalt_kinderschutz",)
    assert map_problemfelder(["Einbruch", "Leerstand"]) == ()
    # words of the second additions file (issue 28)
    assert map_problemfelder(["Verunreinigungen", "Aufkleber-Flut"]) == ("graffiti_sachbeschaedigung",
                                                                         "ordnung_sauberkeit")
    assert map_problemfelder(["aggressives Auftreten in der Öffentlichkeit", "Radikalisierung"]) == (
        "gewalt_extremismus",)


def addition(**values):
    base = {"gemeinde": "", "kreis": "", "fakt": "kooperationsvereinbarung", "datum": "2021", "problemfelder": "",
            "quelle_url": "https://example.org/neu", "paraphrase": "Text", "sicher": "ja"}
    base.update(values)
    return base


SEED = [
    row(ags="14626110", gemeinde="Görlitz", baustein="kooperationsvereinbarung", datum="2020-07"),
    row(ags="14521035", gemeinde="Aue-Bad Schlema", baustein="sicherheitsanalyse", datum="2022",
        gruppe="Städtebund Silberberg"),
    row(ags="14521530", gemeinde="Schneeberg", baustein="sicherheitsanalyse", datum="2022",
        gruppe="Städtebund Silberberg"),
    row(ags="14523300", gemeinde="Oelsnitz/Vogtl.", baustein="kooperationsvereinbarung", datum="",
        quelle="https://example.org/vv"),
    row(ags="14523340", gemeinde="Reichenbach im Vogtland", baustein="kooperationsvereinbarung", datum="",
        quelle="https://example.org/vv"),
]


def test_a_more_precise_date_refines_the_seed_instead_of_adding():
    rows, counts = convert(
        [addition(gemeinde="Görlitz", kreis="Landkreis Görlitz", datum="2020-07-01", sicher="ja (Präzisierung)")],
        SEED, gazetteer())
    assert counts == {"neu": 0, "praezisiert": 1, "unbestaetigt": 0}
    goerlitz = [r for r in rows if r["ags"] == "14626110"]
    assert len(goerlitz) == 1 and goerlitz[0]["datum"] == "2020-07-01"
    assert goerlitz[0]["quelle"] == f"{URL} | https://example.org/neu"


def test_a_doubtful_fact_is_added_as_unconfirmed_not_merged():
    rows, counts = convert(
        [addition(gemeinde="Görlitz", kreis="Landkreis Görlitz", datum="2020-07-01", sicher="unsicher: nur Presse")],
        SEED, gazetteer())
    assert counts == {"neu": 1, "praezisiert": 0, "unbestaetigt": 1}
    assert [r["unbestaetigt"] for r in rows if r["ags"] == "14626110"] == ["", "nur Presse"]


def test_group_rows_follow_the_seed_group_and_extra_towns_get_their_own_row():
    rows, _ = convert(
        [addition(gemeinde="Städtebund Silberberg (Aue-Bad Schlema, Schneeberg, Auerbach)", kreis="Erzgebirgskreis",
                  fakt="sicherheitsanalyse", datum="2022-01-26")],
        SEED, gazetteer())
    group = [r for r in rows if r["gruppe"] == "Städtebund Silberberg"]
    assert {r["datum"] for r in group} == {"2022-01-26"} and len(group) == 2  # refined, not added
    extra = [r for r in rows if r["ags"] == "14521040"]
    assert len(extra) == 1 and extra[0]["gruppe"] == "" and "gemeinsam mit: Städtebund Silberberg" in extra[0][
        "bemerkung"]


def test_same_fact_held_one_by_one_in_the_seed_stays_one_by_one():
    rows, _ = convert(
        [addition(gemeinde="Verband X (Oelsnitz/Vogtl., Reichenbach im Vogtland)", kreis="Vogtlandkreis",
                  datum="ca. 2020", quelle_url="https://example.org/vv", sicher="unsicher: Jahr erschlossen")],
        SEED, gazetteer())
    new = [r for r in rows if r["datum"] == "2020"]
    assert {r["ags"] for r in new} == {"14523300", "14523340"}
    assert {r["gruppe"] for r in new} == {""}
    assert all(r["unbestaetigt"] == "Jahr erschlossen" for r in new)


def test_agreement_of_a_lead_town_goes_to_the_lead_alone_and_a_joint_project_to_the_group():
    adds = [
        addition(gemeinde="Görlitz (mit Reichenbach/O.L., Weißwasser/O.L.)", kreis="Landkreis Görlitz",
                 datum="2019-05-01"),
        addition(gemeinde="Görlitz (mit Reichenbach/O.L., Weißwasser/O.L.)", kreis="Landkreis Görlitz",
                 fakt="other", datum="2019-05-01", paraphrase="Gemeinsamer Vollzugsdienst"),
    ]
    rows, _ = convert(adds, [], gazetteer())
    kv = [r for r in rows if r["baustein"] == "kooperationsvereinbarung"]
    assert [r["ags"] for r in kv] == ["14626110"] and "Reichenbach/O.L." in kv[0]["bemerkung"]
    other = [r for r in rows if r["baustein"] == "sonstiges"]
    assert {r["ags"] for r in other} == {"14626110", "14626450", "14626600"}
    assert {r["gruppe"] for r in other} == {"Görlitz (mit Reichenbach/O.L., Weißwasser/O.L.)"}


def test_a_council_older_than_asskomm_keeps_its_date_and_says_so(tmp_path):
    """Dresden 1996, Eilenburg »vor 2006-11«: kept with the source's date (a Präventionsrat may be older than
    the programme), marked in the note, and accepted by the import."""
    adds = [
        addition(gemeinde="Chemnitz", fakt="kpr", datum="1998-02-04", sicher="unsicher: Spiegelkopie"),
        addition(gemeinde="Görlitz", kreis="Landkreis Görlitz", fakt="kpr", datum="vor 2006-11", sicher="ja"),
        addition(gemeinde="Leipzig", fakt="kpr", datum="2019-09-18"),
    ]
    rows, counts = convert(adds, [], gazetteer())
    assert [r["datum"] for r in rows] == ["1998-02-04", "2006-11", "2019-09-18"]
    assert [OLDER_COUNCIL_NOTE in r["bemerkung"] for r in rows] == [True, True, False]
    assert rows[0]["unbestaetigt"] == "Spiegelkopie" and counts == {"neu": 3, "praezisiert": 0, "unbestaetigt": 1}
    parsed = parse(write_csv(tmp_path / "older.csv", rows))
    assert parsed.ok, parsed.error_report()
    assert [m.older_council for m in rec.RecordSet.from_import(parsed).milestones] == [True, True, False]


def _seed_rows():
    with (rec_paths.DATA_DIR / "seed_records.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_second_additions_are_in_the_seed_with_their_sources():
    """Issue 28: the 32 facts of the second additions file, converted by these rules (spot checks of the facts
    the issue names, and of the councils older than ASSKomm)."""
    seed = _seed_rows()
    assert len(seed) == 196 and all(r["quelle"].startswith("http") for r in seed)

    def find(name, baustein, datum):
        hits = [r for r in seed if r["gemeinde"] == name and r["baustein"] == baustein and r["datum"] == datum]
        assert len(hits) == 1, (name, baustein, datum)
        return hits[0]

    stollberg = find("Stollberg/Erzgeb.", "kooperationsvereinbarung", "2023-01-20")
    assert "43." in stollberg["bemerkung"] and not stollberg["unbestaetigt"]
    assert "unterzeichnung-koopv-stollberg-7132" in stollberg["quelle"]
    assert not find("Arnsdorf", "kooperationsvereinbarung", "2025-02")["unbestaetigt"]
    assert "46." in find("Arnsdorf", "kpr", "2025-08")["bemerkung"]
    assert "40." in find("Rothenburg/O.L.", "kpr", "2023-11-02")["bemerkung"]
    assert not find("Oelsnitz/Erzgeb.", "kpr", "2024-01-09")["unbestaetigt"]
    assert not find("Freital", "kpr", "2019-09-18")["unbestaetigt"]
    # the first round of security analyses (»Arbeitspaket 1«): Schkeuditz stated, two only listed
    assert not find("Schkeuditz", "sicherheitsanalyse", "2021-04")["unbestaetigt"]
    assert find("Johanngeorgenstadt", "sicherheitsanalyse", "2021")["unbestaetigt"]
    assert find("Reichenbach im Vogtland", "sicherheitsanalyse", "2021")["unbestaetigt"]
    older = {r["gemeinde"]: r for r in seed if r["baustein"] == "kpr" and rec.older_council("kpr", r["datum"])}
    # the six of the issue, Eibenstock (first round 11/2018, unconfirmed) and three of the first seed, confirmed
    new = {"Dresden", "Chemnitz", "Schkeuditz", "Eilenburg", "Riesa", "Döbeln", "Eibenstock"}
    assert set(older) == new | {"Hoyerswerda", "Leipzig", "Landkreis Görlitz (Kreisebene)"}
    assert all(older[n]["unbestaetigt"] and OLDER_COUNCIL_NOTE in older[n]["bemerkung"] for n in new)
    assert (older["Dresden"]["datum"], older["Eilenburg"]["datum"], older["Döbeln"]["datum"]) == (
        "1996-06-28", "2006-11", "2018-04")
    assert "ruhte" in older["Riesa"]["bemerkung"]  # paused, but no source states an end: no end date


def test_unknown_town_names_the_row():
    with pytest.raises(ConversionError, match="Zeile 3"):
        convert([addition(gemeinde="Görlitz", kreis="Landkreis Görlitz"), addition(gemeinde="Atlantis")],
                [], gazetteer())


# ---------------------------------------------------------------------------- counting unconfirmed milestones
def _records(tmp_path):
    rows = [
        row(ags="14626110", baustein="kooperationsvereinbarung", datum="2021-05-18"),
        row(ags="14626450", baustein="kooperationsvereinbarung", datum="2021-05-18", unbestaetigt="nur erwähnt"),
        row(ags="14626600", baustein="beratung", datum="2021", unbestaetigt="Art unklar"),
    ]
    parsed = parse(write_csv(tmp_path / "u.csv", rows))
    assert parsed.ok, parsed.error_report()
    return rec.RecordSet.from_import(parsed)


def test_unconfirmed_milestones_are_left_out_unless_included(tmp_path):
    records = _records(tmp_path)
    assert [m.unbestaetigt for m in records.milestones] == ["", "nur erwähnt", "Art unklar"]
    stand = dt.date(2022, 1, 1)
    default = status_table(records.confirmed_only(), GEMEINDEN, stand, today=TODAY).set_index("ags")["status"]
    included = status_table(records, GEMEINDEN, stand, today=TODAY).set_index("ags")["status"]
    assert default["14626450"] == "nicht_beteiligt" and included["14626450"] == "kooperation"
    assert default["14626600"] == "nicht_beteiligt" and included["14626600"] == "beraten"
    assert summary(records.confirmed_only(), GEMEINDEN, Filters(stand), today=TODAY).land.vereinbarungen == 1
    assert summary(records, GEMEINDEN, Filters(stand), today=TODAY).land.vereinbarungen == 2


def test_unconfirmed_reason_survives_the_database_and_the_export(tmp_path):
    store = make_store(tmp_path, [row(ags="14626450", baustein="kpr", datum="2021", unbestaetigt="nur geplant")])
    loaded = store.load()
    assert [m.unbestaetigt for m in loaded.milestones] == ["nur geplant"]
    out = tmp_path / "export.csv"
    rec.export(loaded, out, gazetteer())
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].endswith(";unbestaetigt") and "nur geplant" in text
    # re-importing the export changes nothing; changing the reason is a change that needs --ueberschreiben
    assert store.apply_import(parse(out), "t", dry_run=True).count("geaenderter_meilenstein") == 0
    changed = write_csv(tmp_path / "c.csv", [row(ags="14626450", baustein="kpr", datum="2021", unbestaetigt="")])
    assert not store.apply_import(parse(changed), "t").ok


def test_town_page_shows_an_unconfirmed_milestone_with_its_reason(apptest):
    """Parthenstein's only record is doubtful: the town page shows it with the reason."""
    at = apptest("pages/kommune.py", query_params={"ags": "14729340"}, timeout=90)
    assert not at.exception
    html = "\n".join(str(h.proto) for h in at.get("html")) + "\n".join(m.value for m in at.markdown)
    assert "unbestätigt: nur als Beispiel kleiner beteiligter Gemeinden genannt" in html
    assert "Torgau" in html or "torgau" in html  # the source link
