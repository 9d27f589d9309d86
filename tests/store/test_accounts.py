"""Accounts: argon2 hashes, roles, throttled sign-in (stored in the DB), session expiry."""

import datetime as dt

import pytest
import sqlalchemy as sa
from records_support import make_store

from asskomm.store import account_tables, credentials, roles, sessions, sign_in
from asskomm.store import accounts as auth

PW = "Sehr-geheim-123"


@pytest.fixture
def accounts(tmp_path, db_url):
    store = make_store(tmp_path, url=db_url)
    yield auth.Accounts(store)
    store.dispose()


def test_hash_is_argon2_and_never_the_password(accounts):
    accounts.add("anna", PW, "admin", actor="test")
    with accounts.engine.connect() as conn:
        stored = conn.execute(sa.select(account_tables.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PW not in stored
    assert credentials.verify_password(stored, PW)
    assert not credentials.verify_password(stored, PW + "x")
    assert not credentials.verify_password("kein hash", PW)


def test_roles_are_ordered():
    assert roles.has_role("admin", "bearbeiter") and roles.has_role("admin", "betrachter")
    assert roles.has_role("bearbeiter", "bearbeiter") and not roles.has_role("bearbeiter", "admin")
    assert not roles.has_role("betrachter", "bearbeiter")
    assert not roles.has_role(None, "betrachter") and not roles.has_role("root", "betrachter")
    with pytest.raises(ValueError):
        roles.has_role("admin", "gott")
    assert not roles.User(1, "x", "admin", active=False).can("betrachter")


@pytest.mark.parametrize(
    ("name", "password", "role", "fragment"),
    [
        ("a", PW, "admin", "Benutzername"),
        ("<img src=x>", PW, "admin", "Benutzername"),
        ("anna", "kurz", "admin", "zu kurz"),
        ("anna", "aaaaaaaaaaaa", "admin", "zu einfach"),
        ("annalena12", "annalena12", "admin", "Benutzername sein"),
        ("anna", PW, "chef", "Unbekannte Rolle"),
    ],
)
def test_bad_accounts_are_refused(accounts, name, password, role, fragment):
    with pytest.raises(credentials.AuthError, match=fragment):
        accounts.add(name, password, role, actor="test")
    assert accounts.list() == []


def test_the_dummy_hash_costs_what_a_real_one_costs():
    """Unknown names are checked against DUMMY_HASH (written out in the source): a valid argon2id hash with the
    parameters of a new hash, so that the check takes as long as for a real account."""
    assert credentials.DUMMY_HASH.startswith("$argon2id$")
    assert not credentials.needs_rehash(credentials.DUMMY_HASH)
    assert credentials.verify_password(credentials.DUMMY_HASH, "dummy password for unknown user names")


def test_sign_in_and_wrong_password(accounts):
    accounts.add("anna", PW, "bearbeiter", actor="test")
    ok = accounts.authenticate("anna", PW)
    assert ok.ok and ok.user.name == "anna" and ok.user.role == "bearbeiter"
    bad = accounts.authenticate("anna", "falsch-falsch")
    assert not bad.ok and "falsch" in bad.message
    unknown = accounts.authenticate("niemand", PW)
    assert not unknown.ok and unknown.message == bad.message  # does not reveal which names exist


def test_failed_sign_ins_are_slowed_down_and_stored(accounts):
    accounts.add("anna", PW, "admin", actor="test")
    t0 = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)
    for i in range(sign_in.FREE_ATTEMPTS - 1):
        assert accounts.authenticate("anna", f"falsch-{i}-xxxx", now=t0).wait_seconds == 0
    third = accounts.authenticate("anna", "falsch-3-xxxx", now=t0)
    assert third.wait_seconds == 1
    # while the wait runs even the right password is refused without being checked
    blocked = accounts.authenticate("anna", PW, now=t0)
    assert not blocked.ok and "Fehlversuche" in blocked.message
    fourth = accounts.authenticate("ANNA ", "falsch-4-xxxx", now=t0 + dt.timedelta(seconds=2))
    assert fourth.wait_seconds == 2  # exponential, and the name is folded
    # the counter lives in the database: a new Accounts object (another server process) sees it
    again = auth.Accounts(accounts.store)
    assert again.throttle_state("anna", t0 + dt.timedelta(seconds=2)) == (4, 2)
    ok = again.authenticate("anna", PW, now=t0 + dt.timedelta(seconds=5))
    assert ok.ok
    assert again.throttle_state("anna") == (0, 0)


def test_throttle_delay_is_capped():
    assert sign_in.throttle_delay(2) == dt.timedelta(0)
    assert sign_in.throttle_delay(3) == dt.timedelta(seconds=1)
    assert sign_in.throttle_delay(8) == dt.timedelta(seconds=32)
    assert sign_in.throttle_delay(100) == sign_in.MAX_DELAY


def test_unknown_names_are_throttled_too(accounts):
    t0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)  # a fixed clock: slow hashing on a busy machine
    for i in range(sign_in.FREE_ATTEMPTS):
        accounts.authenticate("mallory", f"rate-{i}-xxxx", now=t0)
    assert accounts.throttle_state("mallory", t0)[1] >= 1


def test_locked_account_cannot_sign_in(accounts):
    accounts.add("anna", PW, "admin", actor="test")
    accounts.add("bernd", PW + "b", "bearbeiter", actor="anna")
    accounts.set_active("bernd", False, actor="anna")
    res = accounts.authenticate("bernd", PW + "b")
    assert not res.ok and "gesperrt" in res.message


def test_last_admin_is_protected(accounts):
    accounts.add("anna", PW, "admin", actor="test")
    for action in (
        lambda: accounts.set_role("anna", "bearbeiter", actor="anna"),
        lambda: accounts.set_active("anna", False, actor="anna"),
        lambda: accounts.remove("anna", actor="anna"),
    ):
        with pytest.raises(credentials.AuthError, match="letzte"):
            action()
    accounts.add("bea", PW + "!", "admin", actor="anna")
    accounts.set_role("anna", "bearbeiter", actor="bea")
    assert accounts.get("anna").role == "bearbeiter"


def test_user_changes_are_audited_without_secrets(accounts):
    accounts.add("anna", PW, "admin", actor="cli")
    accounts.set_password("anna", PW + "neu", actor="anna")
    log = accounts.store.audit(5)
    assert [e["entity"] for e in log] == ["users", "users"]
    assert all(PW not in str(e) and "argon2" not in str(e) for e in log)


def test_session_expiry(monkeypatch):
    now = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)
    assert sessions.session_expired(None, now)
    assert not sessions.session_expired(now - dt.timedelta(hours=7, minutes=59), now)  # default: 8 hours
    assert sessions.session_expired(now - dt.timedelta(hours=8, minutes=1), now)
    assert sessions.describe_timeout() == "8 Stunden"
    monkeypatch.setenv("ASSKOMM_SESSION_MINUTES", "5")
    assert sessions.session_expired(now - dt.timedelta(minutes=6), now)
    assert sessions.describe_timeout() == "5 Minuten"


def _session(accounts, now):
    user = accounts.add("anna", PW, "bearbeiter", actor="test")
    sid, code = accounts.start_session(user, now)
    token = accounts.activate_session(code, now)
    return user, sid, code, token


def test_session_lives_in_the_database_with_only_hashes(accounts):
    now = dt.datetime.now(dt.UTC)
    _, sid, code, token = _session(accounts, now)
    assert token and code != token
    check = accounts.session_by_token(token, now)
    assert check.session is not None and check.session.id == sid and check.session.user.name == "anna"
    with accounts.engine.connect() as conn:
        row = conn.execute(sa.select(account_tables.user_sessions)).one()
    assert token not in str(tuple(row)) and code not in str(tuple(row))  # only hashes are stored
    assert row.token_hash == sessions.token_hash(token) and row.activation_hash is None
    # the activation code works once
    assert accounts.activate_session(code, now) is None
    assert accounts.session_by_token(token + "x", now).session is None
    # a second Accounts object (another app server) sees the same session
    assert auth.Accounts(accounts.store).session_by_token(token, now).session.id == sid


def test_activation_code_expires(accounts):
    now = dt.datetime.now(dt.UTC)
    user = accounts.add("anna", PW, "bearbeiter", actor="test")
    _, code = accounts.start_session(user, now)
    assert accounts.activate_session(code, now + sessions.ACTIVATION_WINDOW + dt.timedelta(seconds=1)) is None


def test_session_slides_and_ends_after_inactivity(accounts, monkeypatch):
    monkeypatch.setenv("ASSKOMM_SESSION_MINUTES", "60")
    t0 = dt.datetime.now(dt.UTC)
    _, sid, _, token = _session(accounts, t0)
    # activity every 50 minutes keeps it alive beyond the 60 minutes of inactivity ...
    for k in range(1, 4):
        assert accounts.session_by_token(token, t0 + dt.timedelta(minutes=50 * k)).session is not None
    # ... a periodic check does not count as activity ...
    assert accounts.session_alive(sid, t0 + dt.timedelta(minutes=150 + 59))
    check = accounts.session_by_id(sid, t0 + dt.timedelta(minutes=150 + 61))
    assert check.session is None and "1 Stunde ohne Aktivität" in check.ended
    assert accounts.session_count("anna") == 0  # ended sessions are deleted


def test_session_ends_at_its_maximum_age(accounts, monkeypatch):
    monkeypatch.setenv("ASSKOMM_SESSION_MINUTES", "60")
    monkeypatch.setenv("ASSKOMM_SESSION_MAX_HOURS", "2")
    t0 = dt.datetime.now(dt.UTC)
    _, _, _, token = _session(accounts, t0)
    for minutes in (50, 100):
        assert accounts.session_by_token(token, t0 + dt.timedelta(minutes=minutes)).session is not None
    check = accounts.session_by_token(token, t0 + dt.timedelta(minutes=121))
    assert check.session is None and "Höchstdauer" in check.ended


@pytest.mark.parametrize("change", ["password", "lock", "remove", "sign_out"])
def test_session_ends_at_password_change_lock_removal_and_sign_out(accounts, change):
    now = dt.datetime.now(dt.UTC)
    accounts.add("admin", PW + "a", "admin", actor="test")
    _, sid, _, token = _session(accounts, now)
    other, _ = accounts.start_session(accounts.get("admin"), now)
    if change == "password":
        accounts.set_password("anna", PW + "neu", actor="admin")
    elif change == "lock":
        accounts.set_active("anna", False, actor="admin")
    elif change == "remove":
        accounts.remove("anna", actor="admin")
    else:
        accounts.end_session(token=token)
    assert accounts.session_by_token(token).session is None
    assert accounts.session_by_id(sid).session is None
    assert accounts.session_by_id(other).session is not None  # other users keep theirs


def test_last_town_is_kept_with_the_session(accounts):
    now = dt.datetime.now(dt.UTC)
    _, sid, _, token = _session(accounts, now)
    accounts.remember_ags(sid, "14626110")
    assert accounts.session_by_token(token, now).session.last_ags == "14626110"
