"""Admins maintain the Problemfelder vocabulary: add, rename, recolour; validated, audited, revertible,
locked against concurrent edits, and in force for imports, labels and other databases kept apart."""

import pytest
from records_support import BASE_ROWS, TODAY, gazetteer, make_store, row, write_csv

from asskomm import records as rec
from asskomm.records import vocabulary as vocab
from asskomm.store import editing, vocab_editing
from asskomm.store.accounts import Accounts
from asskomm.store.editing import EditError
from asskomm.store.results import ConflictError

PW = "Ein-gutes-Passwort-9"


@pytest.fixture
def store(tmp_path, db_url):
    s = make_store(tmp_path, BASE_ROWS, db_url)
    accounts = Accounts(s)
    accounts.add("admin", PW, "admin", actor="test")
    accounts.add("berta", PW, "bearbeiter", actor="test")
    accounts.add("zweite", PW, "admin", actor="test")
    yield s
    s.dispose()
    vocab.set_problemfeld_overlay(())


def _entry(store, pf_id):
    return next(e for e in vocab_editing.entries(store) if e.id == pf_id)


def test_add_is_in_force_for_labels_and_imports(store, tmp_path):
    pf_id = vocab_editing.add(
        store, {"label": "Häusliche Konflikte", "colour": "#112233", "description": "neu"}, "admin"
    )
    assert pf_id == "haeusliche_konflikte"
    assert vocab.problemfeld_labels()[pf_id] == "Häusliche Konflikte"
    assert vocab.problemfeld_ids()[-1] == pf_id  # after the shipped ones
    entry = _entry(store, pf_id)
    assert (entry.origin, entry.version, entry.usage) == (vocab_editing.ORIGIN_APP, 1, 0)
    # an import may use the new label at once
    path = write_csv(tmp_path / "neu.csv", [row(ags="14626110", baustein="beratung", datum="2024-03",
                                                  problemfelder="häusliche konflikte")])
    parsed = rec.parse_file(path, gazetteer(), today=TODAY)
    assert parsed.ok, parsed.error_report()
    assert store.apply_import(parsed, "berta").ok
    assert _entry(store, pf_id).usage == 1
    logged = [e for e in store.audit_query() if e["entity"] == "problemfelder"]
    assert [(e["action"], e["actor"], e["after"]["label"]) for e in logged] == [
        ("insert", "admin", "Häusliche Konflikte")
    ]


def test_rename_a_shipped_entry_keeps_its_id_and_old_wording(store):
    old = vocab.problemfeld_labels()["vandalismus"]
    version = vocab_editing.change(
        store, "vandalismus", {"label": "Vandalismus und Zerstörung", "colour": "#AA0000"}, "admin", None
    )
    assert version == 1
    assert vocab.problemfeld_labels()["vandalismus"] == "Vandalismus und Zerstörung"
    assert vocab.resolve_problemfeld(old) == "vandalismus"  # files written with the old label still import
    assert _entry(store, "vandalismus").origin == vocab_editing.ORIGIN_CHANGED
    rows = editing.audit_view(store, store.load())
    assert any(r.entity == "Problemfeld" and "Vandalismus und Zerstörung" in r.was for r in rows)


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"label": "ab", "colour": "#112233"}, "mindestens 3 Zeichen"),
        ({"label": "Lärm; Streit", "colour": "#112233"}, "kein Semikolon"),
        ({"label": "<b>fett</b>", "colour": "#112233"}, "nur Buchstaben"),
        ({"label": "drogenMISSBRAUCH", "colour": "#112233"}, "gibt es schon"),
        ({"label": "Neues Feld", "colour": "rot"}, "#RRGGBB"),
        ({"label": "Neues Feld", "colour": "#112233", "description": "x" * 501}, "höchstens 500"),
    ],
)
def test_invalid_input_is_refused_in_german_and_changes_nothing(store, values, fragment):
    before = (vocab.problemfeld_labels(), store.data_version())
    with pytest.raises(EditError) as err:
        vocab_editing.add(store, values, "admin")
    assert any(fragment in m for m in err.value.messages), err.value.messages
    assert (vocab.problemfeld_labels(), store.data_version()) == before


def test_second_save_with_a_stale_version_is_refused(store):
    first = vocab_editing.change(store, "jugend", {"label": "Jugend und Freizeit", "colour": "#123456"}, "a", None)
    with pytest.raises(ConflictError) as err:  # the other admin read the entry before the first save
        vocab_editing.change(store, "jugend", {"label": "Jugendliche", "colour": "#123456"}, "b", None)
    assert err.value.current["label"] == "Jugend und Freizeit"
    vocab_editing.change(store, "jugend", {"label": "Jugendliche", "colour": "#123456"}, "b", first)
    assert vocab.problemfeld_labels()["jugend"] == "Jugendliche"


def test_revert_new_entry_only_while_unused_and_revert_rename(store, tmp_path):
    vocab_editing.change(store, "senioren", {"label": "Ältere Menschen", "colour": "#0000AA"}, "admin", None)
    rename = next(e for e in store.audit_query() if e["entity"] == "problemfelder")
    store.revert(rename["id"], "admin")
    shipped = {r["id"]: r["label"] for r in vocab._read(vocab.PROBLEMFELDER_FILE)}
    assert vocab.problemfeld_labels()["senioren"] == shipped["senioren"]

    pf_id = vocab_editing.add(store, {"label": "Ruhestörung", "colour": "#445566"}, "admin")
    added = next(e for e in store.audit_query() if e["entity"] == "problemfelder" and e["action"] == "insert")
    path = write_csv(tmp_path / "n.csv", [row(ags="14626110", baustein="beratung", datum="2024", problemfelder=pf_id)])
    assert store.apply_import(rec.parse_file(path, gazetteer(), today=TODAY), "berta").ok
    with pytest.raises(ConflictError, match="verwendet"):
        store.revert(added["id"], "admin")
    assert pf_id in vocab.problemfeld_ids()


def test_each_database_has_its_own_vocabulary(store, tmp_path):
    vocab_editing.add(store, {"label": "Nur hier", "colour": "#445566"}, "admin")
    assert "nur_hier" in vocab.problemfeld_ids()
    other_dir = tmp_path / "andere"
    other_dir.mkdir()
    other = make_store(other_dir)
    try:
        other.load()
        assert "nur_hier" not in vocab.problemfeld_ids()
        store.load()
        assert "nur_hier" in vocab.problemfeld_ids()
    finally:
        other.dispose()


def test_only_an_admin_may_undo_a_change_of_the_problemfelder(store):
    """Issue 25: a Bearbeiter could undo an admin's Problemfeld change on »Änderungen«."""
    vocab_editing.change(store, "senioren", {"label": "Ältere Menschen", "colour": "#0000AA"}, "admin", None)
    entry = next(e for e in store.audit_query() if e["entity"] == "problemfelder")
    version = store.data_version()
    for actor in ("berta", "unbekannt"):
        with pytest.raises(ConflictError, match="Administrator"):
            store.revert(entry["id"], actor)
    assert vocab.problemfeld_labels()["senioren"] == "Ältere Menschen" and store.data_version() == version
    row_of = {False: None, True: None}
    for admin in row_of:
        row_of[admin] = next(r for r in editing.audit_view(store, store.load(), admin=admin) if r.id == entry["id"])
    assert not row_of[False].revertable and row_of[True].revertable  # the page offers it to admins only
    Accounts(store).set_role("admin", "bearbeiter", actor="test")  # the role now, not when the page was drawn
    with pytest.raises(ConflictError, match="Administrator"):
        store.revert(entry["id"], "admin")
    Accounts(store).set_role("admin", "admin", actor="test")
    store.revert(entry["id"], "admin")
    assert vocab.problemfeld_labels()["senioren"] != "Ältere Menschen"
    # other entries stay revertable for editors
    milestone = next(r for r in editing.audit_view(store, store.load()) if r.entity == "Meilenstein")
    assert milestone.revertable
