import pytest
from records_support import BASE_ROWS, TODAY, gazetteer, parse, row, write_csv

from asskomm import records as rec
from asskomm.store import database as store_mod
from asskomm.store.database import Store
from asskomm.store.results import ConflictError


def test_load_snapshot(store):
    rs = store.load()
    kinds = sorted(p.kind for p in rs.participants)
    assert kinds == ["gemeinde", "gemeinde", "gemeinde", "gruppe", "landkreis"]
    group = next(p for p in rs.participants if p.kind == "gruppe")
    assert group.members == ("14521035", "14521530")
    assert len(rs.milestones) == 6  # the two group rows are one milestone
    assert {f.problemfeld for f in rs.focus} == {"vandalismus", "drogenmissbrauch"}
    assert all(m.created_by == "test" and m.version == 1 for m in rs.milestones)
    assert store.load() is rs  # cached until the next write
    with pytest.raises(AttributeError):
        rs.milestones = ()  # immutable


def test_data_version_and_audit(store, tmp_path):
    v = store.data_version()
    parsed = parse(write_csv(tmp_path / "n.csv", [row(ags="14626600", baustein="beratung", datum="2021")]))
    result = store.apply_import(parsed, "anna")
    assert result.ok and result.count("neuer_meilenstein") == 1 and result.count("neuer_teilnehmer") == 1
    assert store.data_version() == v + 1
    log = store.audit(5)
    assert log[0]["action"] == "import" and log[0]["actor"] == "anna"
    inserted = [e for e in log if e["entity"] == "milestones"]
    assert inserted[0]["after"]["baustein"] == "beratung" and inserted[0]["before"] is None


def test_dry_run_changes_nothing(store, tmp_path):
    v = store.data_version()
    parsed = parse(write_csv(tmp_path / "n.csv", [row(ags="14626600", baustein="beratung", datum="2021")]))
    result = store.apply_import(parsed, "anna", dry_run=True)
    assert result.ok and result.dry_run and not result.applied
    assert result.count("neuer_meilenstein") == 1
    assert "Probelauf" in result.report()
    assert store.data_version() == v and len(store.load().milestones) == 6


def test_changed_milestone_is_reported_not_silently_overwritten(store, tmp_path):
    changed = row(ags="14626110", baustein="kooperationsvereinbarung", datum="2020-07", problemfelder="Vandalismus",
                  quelle="https://example.org/neu")
    new = row(ags="14626600", baustein="beratung", datum="2021")
    parsed = parse(write_csv(tmp_path / "c.csv", [changed, new]))
    v = store.data_version()
    result = store.apply_import(parsed, "anna")
    assert not result.ok and store.data_version() == v  # all or nothing: the new row is not stored either
    assert "würde geändert" in result.errors[0].message and "https://example.org/neu" in result.errors[0].message
    assert result.errors[0].row == 2
    result = store.apply_import(parsed, "anna", overwrite=True)
    assert result.ok and result.count("geaenderter_meilenstein") == 1
    m = next(m for m in store.load().milestones if m.quelle == "https://example.org/neu")
    assert m.version == 2
    entry = next(e for e in store.audit(10) if e["action"] == "update")
    assert entry["before"]["quelle"] == "https://example.org/quelle"
    assert entry["after"]["quelle"] == "https://example.org/neu"


def test_group_gets_new_member(store, tmp_path):
    parsed = parse(write_csv(tmp_path / "g.csv", [row(gemeinde="Oelsnitz/Erzgeb.", baustein="kooperationsvereinbarung",
                                                      datum="2021-12-17", gruppe="Städtebund Silberberg")]))
    result = store.apply_import(parsed, "anna")
    assert result.ok and result.count("neue_mitglieder") == 1
    group = next(p for p in store.load().participants if p.kind == "gruppe")
    assert group.members == ("14521035", "14521450", "14521530")


def test_optimistic_locking(store):
    m = store.load().milestones[0]
    v2 = store.update_milestone(m.id, m.version, {"bemerkung": "neu"}, "anna")
    with pytest.raises(ConflictError) as exc:
        store.update_milestone(m.id, m.version, {"bemerkung": "anders"}, "bernd")
    assert exc.value.current["bemerkung"] == "neu"
    store.update_milestone(m.id, v2, {"problemfelder": ["jugend"]}, "bernd")
    assert next(x for x in store.load().milestones if x.id == m.id).problemfelder == ("jugend",)
    with pytest.raises(ConflictError):
        store.delete_milestone(m.id, v2, "anna")
    store.delete_milestone(m.id, v2 + 1, "anna")
    assert m.id not in {x.id for x in store.load().milestones}
    assert [e["action"] for e in store.audit(3)] == ["delete", "update", "update"]


def test_failed_write_rolls_back(store, tmp_path, monkeypatch):
    before = rec.export_rows(store.load(), gazetteer())
    parsed = parse(write_csv(tmp_path / "n.csv", [row(ags="14626600", baustein="beratung", datum="2021")]))

    def boom(*_a, **_k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(Store, "_bump", staticmethod(boom))
    with pytest.raises(RuntimeError):
        store.apply_import(parsed, "anna")
    store._snapshot = None
    assert rec.export_rows(store.load(), gazetteer()) == before


def test_from_env_path_and_seed(tmp_path, monkeypatch):
    seed = write_csv(tmp_path / "seed.csv", BASE_ROWS[:3])
    monkeypatch.setattr(store_mod, "SEED_FILE", seed)
    monkeypatch.setenv("ASSKOMM_DB", str(tmp_path / "sub" / "x.db"))
    s = Store.from_env(gazetteer=gazetteer())
    assert s.url.startswith("sqlite:///") and (tmp_path / "sub" / "x.db").exists()
    assert len(s.load().milestones) == 3
    assert s.audit(1)[0]["action"] == "seed"
    s.dispose()
    # not seeded twice, and not re-seeded after records were removed
    s = Store.from_env(gazetteer=gazetteer())
    for m in s.load().milestones:
        s.delete_milestone(m.id, m.version, "anna")
    s.dispose()
    s = Store.from_env(gazetteer=gazetteer())
    assert s.load().milestones == ()
    s.dispose()


def test_url_from_setting():
    assert store_mod.url_from_setting("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store_mod.url_from_setting("/tmp/a.db") == "sqlite:////tmp/a.db"
    assert store_mod.url_from_setting(None).endswith("data/asskomm.db")


def test_today_constant_is_fixed():
    assert TODAY.year == 2024
