"""``asskomm zahlen list|add|remove``: the ministry's »amtliche Zahlen« on the command line (German, admins only,
nothing changed on an error, security events on stderr)."""

from __future__ import annotations

import json

from records_support import BASE_ROWS, use_as_cli_database

from asskomm.cli import main as cli
from asskomm.store.database import Store

ADD = ["zahlen", "add", "--kennzahl", "vereinbarungen", "--wert", "63", "--stand", "30.11.2026", "--referenz",
       "LPR-Statistik 11/2026"]


def _run(capsys, *args):
    capsys.readouterr()
    rc = cli.main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_list_add_remove_as_an_admin(tmp_path, monkeypatch, capsys):
    use_as_cli_database(tmp_path, monkeypatch, BASE_ROWS)
    monkeypatch.setenv("ASSKOMM_PASSWORD", "Ein-langes-Passwort-1")
    assert cli.main(["user", "add", "ada", "--role", "admin"]) == 0
    assert cli.main(["user", "add", "bert", "--role", "bearbeiter"]) == 0
    rc, out, _ = _run(capsys, "zahlen", "list")
    assert rc == 0 and "Noch keine amtlichen Zahlen" in out
    rc, out, err = _run(capsys, *ADD, "--benutzer", "ada")
    assert rc == 0
    assert out.strip() == ("Amtliche Zahl Nr. 1 eingetragen: Kooperationsvereinbarungen 63, Stand 30.11.2026 "
                           "(LPR-Statistik 11/2026).")
    (event,) = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert (event["event"], event["outcome"], event["user"], event["client"]) == ("record_changed", "ok", "ada", "cli")
    rc, out, _ = _run(capsys, "zahlen", "list")
    assert rc == 0 and "Kooperationsvereinbarungen" in out and "30.11.2026" in out and "ada" in out
    # an editor may not, and bad input changes nothing; both exit with 2 and a German message
    rc, _, err = _run(capsys, *ADD, "--benutzer", "bert")
    assert rc == 2 and "nicht erlaubt" in err and "Rolle »Bearbeiter«" in err
    rc, _, err = _run(capsys, "zahlen", "add", "--kennzahl", "Räte", "--wert", "viele", "--stand", "2026-11",
                      "--referenz", "x", "--benutzer", "ada")
    assert rc == 2 and "Kennzahl: »Räte« gibt es nicht" in err and "Wert: " in err and "Stand: " in err
    assert "Traceback" not in err
    store = Store.from_env()
    assert [f.wert for f in store.load().official_figures] == [63]
    rc, out, _ = _run(capsys, "zahlen", "remove", "1", "--benutzer", "ada")
    assert rc == 0 and out.startswith("Amtliche Zahl Nr. 1 entfernt: Kooperationsvereinbarungen 63")
    rc, _, err = _run(capsys, "zahlen", "remove", "1", "--benutzer", "ada")
    assert rc == 2 and "Nr. 1 gibt es nicht" in err
    assert store.load().official_figures == ()
    store.dispose()
