"""Issue 19.8: every command the README shows works as typed in a fresh clone.

A fresh ``git clone`` of the committed project gets its own ``.venv`` (created by this interpreter; a ``.pth``
file lends it the installed requirements, so no registry is needed). Then, as a new user would:

* ``bash scripts/start.sh`` (installs the ``asskomm`` command, serves the app on 127.0.0.1 only),
* every ``.venv/bin/asskomm …`` line of the README, in the clone, in README order, with the README's
  placeholders filled (``NAME``, ``ADMINNAME``, ``E-MAIL``, ``datei.csv``/``datei.xlsx`` = the user's own file,
  made here with ``asskomm export``),
* the command from another folder, by its full path.

Not run, with the reason: ``scripts/test.sh`` and ``pytest`` lines (this test suite itself), ``bench/`` scripts
(minutes of measurement), ``ASSKOMM_ADDRESS=0.0.0.0`` (would expose the test machine), the cron example that
writes to ``/var/backups`` (a system folder), commands inside Docker containers (``docker compose exec``). ``geo build`` (needs the
70 MB npm download or a BKG file) and ``einwohner import AuszugGV4QAktuell.xlsx`` (a Destatis download) run as
``--help``; ``tests/geo/`` and ``tests/records/`` cover those imports with their own fixtures.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

COMMAND = re.compile(r"(?:ASSKOMM_PASSWORD=\S+ )?\.venv/bin/asskomm(?: [^`\n#|]+)")
PLACEHOLDERS = [
    ("E-MAIL", "person@example.org"),
    ("ADMINNAME", "admin-eins"),
    ("NAME", "bearbeiterin"),
    ("--role …", "--role bearbeiter"),
    # the operations section's databases: a second SQLite file stands in for the PostgreSQL server
    ("postgresql+psycopg://asskomm:PASSWORT@dbserver/asskomm", "kopie.sqlite"),
    ("--from data/asskomm.db", "--from \"$ASSKOMM_DB\""),
    ("pfad/zur.db", "zweite.sqlite"),
]


def readme_commands(text: str) -> list[str]:
    """The ``.venv/bin/asskomm`` commands of the README, in order, without comments (duplicates once)."""
    out = []
    for match in COMMAND.finditer(text):
        cmd = " ".join(match.group(0).split())
        if cmd not in out:
            out.append(cmd)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git missing")
    base = tmp_path_factory.mktemp("fresh")
    target = base / "asskomm-karte"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    subprocess.run([sys.executable, "-m", "venv", str(target / ".venv")], check=True)
    # lend the new venv the requirements installed here (offline); the project itself is NOT lent
    site = next((target / ".venv" / "lib").glob("python3*/site-packages"))
    (site / "zz_requirements.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return target


def test_start_sh_installs_the_command_and_listens_on_localhost_only(clone, tmp_path):
    port = _free_port()
    env = {**os.environ, "ASSKOMM_DB": str(tmp_path / "start.sqlite")}
    env.pop("ASSKOMM_ADDRESS", None)
    log = tmp_path / "start.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["bash", "scripts/start.sh", "--server.port", str(port)],
            cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                time.sleep(1)
            assert proc.poll() is None, log.read_text()
        else:
            pytest.fail("start.sh did not serve the app:\n" + log.read_text())
        text = log.read_text()
        assert f"http://127.0.0.1:{port}" in text and "0.0.0.0" not in text, text
        assert (clone / ".venv" / "bin" / "asskomm").exists()
        # not reachable on another address of this machine
        other = socket.gethostbyname(socket.gethostname())
        if not other.startswith("127."):
            with pytest.raises(OSError), socket.create_connection((other, port), timeout=2):
                pass
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_every_readme_command_runs_as_written(clone, tmp_path):
    asskomm = clone / ".venv" / "bin" / "asskomm"
    if not asskomm.exists():  # start.sh's install step alone (when the start test was deselected)
        subprocess.run(
            [str(clone / ".venv/bin/python"), "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps",
             "--no-index", "-e", "."],
            cwd=clone, check=True,
        )
    env = {**os.environ, "ASSKOMM_DB": str(tmp_path / "readme.sqlite"), "ASSKOMM_PASSWORD": "ein-langes-passwort-1"}
    commands = readme_commands((clone / "README.md").read_text(encoding="utf-8"))
    assert len(commands) >= 12, commands
    # the user's own import files
    for name in ("datei.csv", "datei.xlsx"):
        subprocess.run([str(asskomm), "export", name], cwd=clone, env=env, check=True, capture_output=True)
    rows = (clone / "data" / "einwohner.csv").read_text(encoding="utf-8").splitlines()[1:]
    (clone / "einwohner.csv").write_text(
        "AGS;Einwohner\n" + "".join(f"{r.split(',')[0]};{r.split(',')[2]}\n" for r in rows), encoding="utf-8"
    )
    ran = []
    for cmd in commands:
        for old, new in PLACEHOLDERS:
            cmd = cmd.replace(old, new)
        cmd = re.sub(r"^ASSKOMM_PASSWORD=\S+ ", "", cmd)  # the password comes from env above
        if " geo build" in cmd:
            cmd = ".venv/bin/asskomm geo build --help"
        if "/var/backups" in cmd:
            continue
        if "AuszugGV4QAktuell.xlsx" in cmd:
            cmd = ".venv/bin/asskomm einwohner import --help"
        result = subprocess.run(cmd, shell=True, cwd=clone, env=env, capture_output=True, text=True, timeout=300)  # noqa: S602
        assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
        ran.append(cmd)
    assert any("briefing" in c for c in ran) and any("user add" in c for c in ran)
    # from any folder, by the full path
    elsewhere = tmp_path / "anderswo"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(asskomm), "summary", "--stand", "2022-12-31"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0 and "Kooperationsvereinbarung" in result.stdout, result.stderr
    usage = subprocess.run([str(asskomm), "--help"], cwd=elsewhere, capture_output=True, text=True)
    assert usage.stdout.startswith("Aufruf: asskomm")  # argparse in German


def test_the_pattern_finds_commands_with_their_arguments():
    text = "Befehl `.venv/bin/asskomm` x `.venv/bin/asskomm briefing a.pdf --kreis 1` y\n    .venv/bin/asskomm geo build   # z\n| `.venv/bin/asskomm snapshot k.html` |"
    assert readme_commands(text) == [
        ".venv/bin/asskomm briefing a.pdf --kreis 1",
        ".venv/bin/asskomm geo build",
        ".venv/bin/asskomm snapshot k.html",
    ]
