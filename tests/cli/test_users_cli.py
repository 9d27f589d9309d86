"""python -m asskomm user …: create the first admin without a default password."""

import os
import subprocess
import sys

import sqlalchemy as sa

from asskomm.cli import main as cli
from asskomm.store import account_tables
from asskomm.store import accounts as auth
from asskomm.store.database import Store

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_add_list_role_lock(tmp_path, monkeypatch, capsys):
    db = tmp_path / "u.db"
    monkeypatch.setenv("ASSKOMM_DB", str(db))
    monkeypatch.setenv("ASSKOMM_PASSWORD", "Ein-langes-Passwort-1")
    assert cli.main(["user", "add", "anna", "--role", "admin"]) == 0
    assert cli.main(["user", "add", "bernd", "--role", "bearbeiter"]) == 0
    assert cli.main(["user", "add", "anna", "--role", "admin"]) == 2
    assert "gibt es schon" in capsys.readouterr().err
    assert cli.main(["user", "role", "bernd", "betrachter"]) == 0
    assert cli.main(["user", "lock", "bernd"]) == 0
    assert cli.main(["user", "list"]) == 0
    out = capsys.readouterr().out
    assert "anna" in out and "betrachter" in out and "gesperrt" in out
    assert "Ein-langes-Passwort-1" not in out
    store = Store(f"sqlite:///{db}", seed_file=None)
    accounts = auth.Accounts(store)
    assert accounts.authenticate("anna", "Ein-langes-Passwort-1").ok
    with store.engine.connect() as conn:
        hashes = [r[0] for r in conn.execute(sa.select(account_tables.users.c.password_hash))]
    assert all(h.startswith("$argon2id$") for h in hashes)
    store.dispose()


def test_weak_password_and_no_terminal_are_refused(tmp_path):
    env = {**os.environ, "ASSKOMM_DB": str(tmp_path / "u.db"), "PYTHONPATH": REPO}
    env.pop("ASSKOMM_PASSWORD", None)
    run = subprocess.run(
        [sys.executable, "-m", "asskomm", "user", "add", "anna", "--role", "admin"],
        cwd=REPO, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )
    assert run.returncode == 2 and "ASSKOMM_PASSWORD" in run.stderr
    env["ASSKOMM_PASSWORD"] = "kurz"
    run = subprocess.run(
        [sys.executable, "-m", "asskomm", "user", "add", "anna", "--role", "admin"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 2 and "zu kurz" in run.stderr


def test_cli_help_and_errors_are_german(capsys):
    import pytest

    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("Aufruf: asskomm") and "Optionen:" in out
    assert "diese Hilfe zeigen und beenden" in out
    assert not any(w in out for w in ("usage:", "options:", "show this help message", "positional arguments"))
    with pytest.raises(SystemExit):
        cli.main(["user", "add"])
    err = capsys.readouterr().err
    assert "Fehler: diese Angaben fehlen: name, --role" in err and "error" not in err
