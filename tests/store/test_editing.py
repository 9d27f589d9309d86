"""Validated editing, optimistic locking, revert and the import preview (asskomm.store.editing on the store)."""

import csv
import datetime as dt
import io

import pytest
from records_support import HEADER, TODAY, row, write_csv

from asskomm import records as rec
from asskomm.store import editing
from asskomm.store.editing import EditError, MilestoneForm
from asskomm.store.results import ConflictError


def _goerlitz(store):
    records = store.load()
    p = next(p for p in records.participants if p.ags == "14626110" and p.kind == "gemeinde")
    return records, p


def test_validation_uses_the_import_rules(store):
    _, p = _goerlitz(store)
    cases = [
        (MilestoneForm("", "2021"), "Baustein"),
        (MilestoneForm("kpr", "2099-01-01", quelle="x"), "Zukunft"),
        (MilestoneForm("kpr", "31.02.2021", quelle="x"), "Datum"),
        (MilestoneForm("kpr", "2021", ("erfunden",), quelle="x"), "Problemfeld"),
        (MilestoneForm("kpr", "2021", quelle=""), "Quelle"),
        (MilestoneForm("kpr", "2021", quelle="=HYPERLINK(\"x\")"), "Formel"),
        (MilestoneForm("foerderung", "2021", betrag_eur="viel", quelle="x"), "Betrag"),
    ]
    for form, fragment in cases:
        with pytest.raises(EditError) as exc:
            editing.validate_milestone(form, participant=p, gazetteer=store.gazetteer(), today=TODAY)
        assert any(fragment in m for m in exc.value.messages), exc.value.messages


def test_add_update_delete_milestone_with_audit(store):
    records, p = _goerlitz(store)
    before = len(records.milestones)
    editing.add_milestone(store, MilestoneForm("kpr", "2021-03", ("jugend",), quelle="https://a.example/1",
                                              bemerkung="<img src=x onerror=alert(1)>"), "anna", participant=p,
                          today=TODAY)
    records = store.load()
    assert len(records.milestones) == before + 1
    m = next(m for m in records.milestones if m.participant_id == p.id and m.baustein == "kpr")
    assert m.bemerkung == "<img src=x onerror=alert(1)>" and m.problemfelder == ("jugend",)
    # the same Baustein and date again is refused with a German message
    with pytest.raises(EditError, match="gibt es hier schon"):
        editing.add_milestone(store, MilestoneForm("kpr", "2021-03", quelle="x"), "anna", participant=p, today=TODAY)
    v2 = editing.update_milestone(store, m, MilestoneForm("kpr", "2021-03-15", ("jugend", "senioren"),
                                                         quelle="https://a.example/2"), "anna",
                                  participant=p, today=TODAY)
    m2 = next(x for x in store.load().milestones if x.id == m.id)
    assert (m2.version, m2.datum, m2.problemfelder) == (v2, "2021-03-15", ("jugend", "senioren"))
    editing.delete_milestone(store, m2, "anna")
    assert m.id not in {x.id for x in store.load().milestones}
    log = store.audit(3)
    assert [(e["action"], e["entity"]) for e in log] == [
        ("delete", "milestones"), ("update", "milestones"), ("insert", "milestones")]
    assert log[2]["after"]["eingabe"] == editing.FORM_ORIGIN


def test_a_form_entry_is_one_audit_entry_of_its_own_kind(store):
    _, p = _goerlitz(store)
    newest = store.audit(1)[0]["id"]
    editing.add_milestone(store, MilestoneForm("kpr", "2021-03", quelle="https://a.example/1"), "anna",
                          participant=p, today=TODAY)
    entries = [e for e in store.audit(10) if e["id"] > newest]
    assert len(entries) == 1 and (entries[0]["action"], entries[0]["entity"]) == ("insert", "milestones")
    row = editing.audit_view(store, store.load(), limit=1)[0]
    assert (row.action, row.entity, row.teilnehmer) == ("angelegt", "Meilenstein", "Görlitz")
    assert row.was.startswith("Eingabe auf der Kommune-Seite: ")
    # the milestone can be found for the confirmation, and the single entry reverts it
    mid = editing.find_milestone(store, MilestoneForm("kpr", "2021-03", quelle="x"), participant=p)
    assert mid == entries[0]["entity_id"]
    editing.revert(store, entries[0]["id"], "anna")
    assert mid not in {m.id for m in store.load().milestones}


def test_new_gemeinde_participant_and_group_milestone(store):
    editing.add_milestone(store, MilestoneForm("beratung", "2022", quelle="intern: Vermerk 12"), "anna",
                          ags="14729260", today=TODAY)
    records = store.load()
    p = next(p for p in records.participants if p.ags == "14729260")
    assert p.kind == "gemeinde" and records.milestones_of(p.id)[0].quelle == "intern: Vermerk 12"
    group = next(p for p in records.participants if p.kind == "gruppe")
    editing.add_milestone(store, MilestoneForm("kpr", "2023", quelle="x"), "anna", participant=group, today=TODAY)
    assert {m.baustein for m in store.load().milestones_of(group.id)} == {"kooperationsvereinbarung", "kpr"}


def test_concurrent_edit_is_refused_with_what_changed(store):
    records, p = _goerlitz(store)
    m = records.milestones_of(p.id)[0]
    form = MilestoneForm.of(m)
    editing.update_milestone(store, m, MilestoneForm(**{**form.__dict__, "bemerkung": "von Anna"}), "anna",
                             participant=p, today=TODAY)
    with pytest.raises(ConflictError) as exc:
        editing.update_milestone(store, m, MilestoneForm(**{**form.__dict__, "quelle": "von Bernd"}), "bernd",
                                 participant=p, today=TODAY)
    diff = editing.conflict_diff(editing.milestone_dict(m), exc.value.current)
    assert diff == [("Bemerkung", "–", "von Anna")]
    now = next(x for x in store.load().milestones if x.id == m.id)
    assert now.bemerkung == "von Anna" and now.quelle == m.quelle  # nothing of Bernd's was written
    with pytest.raises(ConflictError):
        editing.delete_milestone(store, m, "bernd")


def test_contacts_validated_locked_and_reverted(store):
    _, p = _goerlitz(store)
    with pytest.raises(EditError) as exc:
        editing.add_contact(store, p, {"gremium": "", "email": "kein-mail", "telefon": "abc"}, "anna")
    assert len(exc.value.messages) == 3
    cid = editing.add_contact(store, p, {"gremium": "KPR Görlitz", "telefon": "+49 3581 123-4",
                                         "email": "kpr@goerlitz.de"}, "anna")
    c = next(c for c in store.load().contacts if c.id == cid)
    editing.update_contact(store, c, {**editing.contact_dict(c), "telefon": "03581 999"}, "anna")
    with pytest.raises(ConflictError):
        editing.update_contact(store, c, {**editing.contact_dict(c), "email": "x@y.de"}, "bernd")
    update_entry = store.audit(1)[0]
    editing.revert(store, update_entry["id"], "bernd")
    assert next(c for c in store.load().contacts if c.id == cid).telefon == "+49 3581 123-4"
    c = next(c for c in store.load().contacts if c.id == cid)
    editing.delete_contact(store, c, "anna")
    editing.revert(store, store.audit(1)[0]["id"], "anna")
    assert [c.gremium for c in store.load().contacts] == ["KPR Görlitz"]


def test_revert_update_delete_insert_and_twice(store):
    records, p = _goerlitz(store)
    m = records.milestones_of(p.id)[0]
    editing.update_milestone(store, m, MilestoneForm(**{**MilestoneForm.of(m).__dict__, "bemerkung": "neu"}),
                             "anna", participant=p, today=TODAY)
    upd = store.audit(1)[0]
    new_ids = editing.revert(store, upd["id"], "bernd")
    assert next(x for x in store.load().milestones if x.id == m.id).bemerkung == ""
    with pytest.raises(ConflictError, match="bereits"):
        editing.revert(store, upd["id"], "bernd")
    # the revert is logged and can itself be reverted
    assert store.audit(1)[0]["actor"] == "bernd"
    editing.revert(store, new_ids[0], "anna")
    assert next(x for x in store.load().milestones if x.id == m.id).bemerkung == "neu"
    # delete → revert restores the milestone with its focus areas
    m = next(x for x in store.load().milestones if x.problemfelder)
    store.delete_milestone(m.id, m.version, "anna")
    editing.revert(store, store.audit(1)[0]["id"], "anna")
    back = [x for x in store.load().milestones if (x.participant_id, x.baustein, x.datum)
            == (m.participant_id, m.baustein, m.datum)]
    assert len(back) == 1 and back[0].problemfelder == m.problemfelder


def test_revert_refused_when_changed_since(store):
    records, p = _goerlitz(store)
    m = records.milestones_of(p.id)[0]
    editing.update_milestone(store, m, MilestoneForm(**{**MilestoneForm.of(m).__dict__, "bemerkung": "eins"}),
                             "anna", participant=p, today=TODAY)
    first = store.audit(1)[0]
    m1 = next(x for x in store.load().milestones if x.id == m.id)
    editing.update_milestone(store, m1, MilestoneForm(**{**MilestoneForm.of(m1).__dict__, "bemerkung": "zwei"}),
                             "bernd", participant=p, today=TODAY)
    with pytest.raises(ConflictError) as exc:
        editing.revert(store, first["id"], "anna")
    assert exc.value.current["bemerkung"] == "zwei"


def _csv(tmp_path, rows, name="neu.csv"):
    return write_csv(tmp_path / name, rows).read_bytes()


def test_import_preview_classifies_rows_and_applies(store, tmp_path):
    version = store.data_version()
    data = _csv(tmp_path, [
        row(ags="14626110", baustein="modellkommune", datum="2019-02-06"),  # unchanged
        row(ags="14626110", baustein="kooperationsvereinbarung", datum="2020-07", problemfelder="Jugend"),  # changed
        row(ags="14729260", baustein="beratung", datum="2021"),  # new (new participant)
        row(ags="14999999", baustein="beratung", datum="2021"),  # invalid
        row(ags="14626600", baustein="erfunden", datum="2021"),  # invalid
    ])
    preview = editing.import_preview(store, data, "neu.csv", today=TODAY)
    status = {r.zeile: r.status for r in preview.rows}
    assert status == {2: "unverändert", 3: "geändert", 4: "neu", 5: "ungültig", 6: "ungültig"}
    reasons = {r.zeile: r.details for r in preview.rows}
    assert "unbekannt" in reasons[5] and "Baustein" in reasons[6]
    assert "Vandalismus → Jugend" in reasons[3]
    assert not preview.applicable and store.data_version() == version  # nothing changed
    # without the invalid rows: applicable, needs overwrite for the changed row
    good = editing.import_preview(store, _csv(tmp_path, [
        row(ags="14626110", baustein="kooperationsvereinbarung", datum="2020-07", problemfelder="Jugend"),
        row(ags="14729260", baustein="beratung", datum="2021")]), "neu.csv", today=TODAY)
    assert good.applicable and good.counts == {"geändert": 1, "neu": 1}
    with pytest.raises(EditError, match="Überschreiben"):
        editing.apply_preview(store, good, "anna", overwrite=False)
    result = editing.apply_preview(store, good, "anna", overwrite=True)
    assert result.applied and store.data_version() == version + 1
    # the import is one entry to revert
    summary = next(e for e in store.audit(10) if e["entity"] == "import")
    editing.revert(store, summary["id"], "anna")
    records = store.load()
    assert not any(p.ags == "14729260" for p in records.participants)
    ko = next(m for m in records.milestones if m.baustein == "kooperationsvereinbarung" and m.datum == "2020-07")
    assert ko.problemfelder == ("vandalismus",)


def test_refused_import_lists_every_reason_and_writes_an_error_report(store, tmp_path):
    data = _csv(tmp_path, [
        row(ags="14626110", baustein="modellkommune", datum="2019-02-06"),
        row(ags="14999999", baustein="beratung", datum="2021"),
        row(ags="14626600", baustein="=HYPERLINK(\"x\")", datum="2021"),
    ])
    preview = editing.import_preview(store, data, "fehler.csv", today=TODAY)
    problems = {(p.zeile, p.spalte, p.grund[:10]): p for p in preview.problems}
    assert problems[(3, "ags", "Gemeindesc")].wert == "14999999"
    assert problems[(4, "baustein", "Unbekannte")].wert.startswith("=HYPERLINK")
    long_reason = problems[(4, "baustein", "Unbekannte")].grund
    assert "Erlaubt:" in long_reason and long_reason.rstrip(".").endswith("sonstiges")  # never cut off
    report = editing.error_report_csv(preview)
    assert report.startswith("\ufeff".encode())
    assert report.decode("utf-8-sig").splitlines()[0] == "Zeile;Spalte;Wert;Grund"
    lines = list(csv.reader(io.StringIO(report.decode("utf-8-sig")), delimiter=";"))
    assert len(lines) == 1 + len(preview.problems)
    cells = next(line for line in lines if line[3] == long_reason)
    assert cells[:2] == ["4", "baustein"] and cells[2].startswith("'=HYPERLINK")  # a formula is made inert
    assert editing.error_report_name("fehler.csv") == "fehler-fehlerbericht.csv"
    # a whole-file problem is in the report too
    bad = editing.import_preview(store, b"foo;bar\n1;2\n", "x.csv", today=TODAY)
    assert bad.problems and bad.problems[0].zeile in (None, 1)


def test_rows_phrase_singular_and_plural():
    assert editing.rows_phrase(1, "Zeile ist ungültig", "Zeilen sind ungültig") == "1 Zeile ist ungültig"
    assert editing.rows_phrase(3, "Zeile ist ungültig", "Zeilen sind ungültig") == "3 Zeilen sind ungültig"


def test_stale_preview_is_refused(store, tmp_path):
    preview = editing.import_preview(store, _csv(tmp_path, [row(ags="14729260", baustein="beratung", datum="2021")]),
                                     "neu.csv", today=TODAY)
    records, p = _goerlitz(store)
    m = records.milestones_of(p.id)[0]
    store.update_milestone(m.id, m.version, {"bemerkung": "dazwischen"}, "bernd")
    with pytest.raises(ConflictError, match="Vorschau"):
        editing.apply_preview(store, preview, "anna", overwrite=False)
    assert not any(p.ags == "14729260" for p in store.load().participants)


def test_preview_refuses_wrong_types_and_whole_file_errors(store):
    assert editing.import_preview(store, b"MZ\x90\x00", "evil.exe").file_errors
    bad = editing.import_preview(store, b"foo;bar\n1;2\n", "x.csv", today=TODAY)
    assert bad.file_errors and "Pflichtspalte" in bad.file_errors[0] and not bad.applicable
    big = editing.import_preview(store, b"a" * (rec.MAX_IMPORT_BYTES + 1), "x.csv", today=TODAY)
    assert "zu groß" in big.file_errors[0]


def test_audit_view_filters(store):
    records, p = _goerlitz(store)
    m = records.milestones_of(p.id)[0]
    store.update_milestone(m.id, m.version, {"bemerkung": "x"}, "anna")
    rows = editing.audit_view(store, store.load(), ags="14626110")
    assert rows and all("Görlitz" in r.teilnehmer for r in rows)
    assert rows[0].actor == "anna" and "Bemerkung: – → x" in rows[0].was
    assert all(r.actor == "anna" for r in editing.audit_view(store, store.load(), actor="anna"))
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    assert editing.audit_view(store, store.load(), since=tomorrow) == []
    assert editing.audit_view(store, store.load(), ags="14523340") == []


def test_header_constant_matches_import_format():
    assert list(rec.COLUMNS) == HEADER


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_preview_reads_the_file_once_however_many_rows_are_invalid(store, tmp_path, monkeypatch, fmt):
    """Issue 25: the preview re-read the whole file for every invalid row (quadratic: 4,000 rows took 56 s)."""
    import openpyxl

    from asskomm.records import xlsx_guard

    rows = [row(ags=f"14999{i:03d}", baustein="beratung", datum="2021") for i in range(40)]  # all invalid
    rows += [row(ags="14729260", baustein="beratung", datum="2021")]
    path = write_csv(tmp_path / "viele.csv", rows)
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        for line in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"):
            wb.active.append(line)
        wb.save(path := tmp_path / "viele.xlsx")
    calls = {"csv": 0, "openpyxl": 0, "guard": 0}

    def counted(key, real):
        def wrapper(*args, **kwargs):
            calls[key] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(csv, "reader", counted("csv", csv.reader))
    monkeypatch.setattr(openpyxl, "load_workbook", counted("openpyxl", openpyxl.load_workbook))
    monkeypatch.setattr(xlsx_guard, "check", counted("guard", xlsx_guard.check))
    preview = editing.import_preview(store, path.read_bytes(), path.name, today=TODAY)
    assert preview.invalid == 40 and preview.counts.get("neu") == 1
    assert [r.teilnehmer for r in preview.rows[:2]] == ["14999000", "14999001"]  # as typed
    expected = {"csv": 1, "openpyxl": 0, "guard": 0} if fmt == "csv" else {"csv": 0, "openpyxl": 1, "guard": 1}
    assert calls == expected
