"""Make the screenshots of the user guide (docs/benutzerhandbuch.md) from the running app, so they stay true.

    .venv/bin/python scripts/handbuch_bilder.py            # writes docs/bilder/*.png
    .venv/bin/python scripts/handbuch_bilder.py --out /tmp/bilder

Starts its own ``streamlit run dashboard.py`` on a free port of 127.0.0.1 with a temporary database (seeded
from data/, so the pictures show the project's data), creates a temporary adviser account, drives Debian's
Chromium with Playwright (requirements-dev.txt; ``bash scripts/test.sh`` installs both) at 1280×720 – the
projector size – and stops the server again. Nothing outside the temporary folder and ``--out`` is changed.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "bilder"
SIZE = {"width": 1280, "height": 720}
STAND = "2024-12-31"
PREPARED = f"/?kreis=14626&stand={STAND}"
ADVISER = "beraterin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _idle(page, timeout: float = 90_000) -> None:
    """Until the script has run and nothing is stale (Streamlit 1.67's app root attributes)."""
    time.sleep(0.5)  # a rerun a click asked for may not have started yet
    page.wait_for_function(
        """() => { const a = document.querySelector('[data-testid="stApp"]');
                   return a && a.getAttribute('data-test-script-state') === 'notRunning'
                       && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], '
                                                  + '[data-testid="stSpinner"]'); }""",
        timeout=timeout,
    )
    time.sleep(0.8)


def _map(page) -> None:
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    frame.locator("path.leaflet-interactive").nth(400).wait_for(state="attached", timeout=90_000)
    _idle(page)
    time.sleep(1.0)


def shoot(base: str, out: Path, password: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    made = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport=SIZE, locale="de-DE", timezone_id="Europe/Berlin").new_page()

        def save(name: str, full_page: bool = False) -> None:
            path = out / f"{name}.png"
            page.screenshot(path=str(path), full_page=full_page)
            made.append(path)

        # 1. a view prepared for a meeting, with the link to the projector view
        page.goto(base + PREPARED)
        _idle(page)
        _map(page)
        save("01-karte-vorbereitet")
        # 2. the projector view of exactly that view
        href = page.get_by_role("link", name="Präsentationsansicht").get_attribute("href")
        page.goto(base + "/" + href.lstrip("/"))
        _idle(page)
        _map(page)
        save("02-praesentation")
        # 3. take-aways
        page.goto(base + PREPARED)
        _idle(page)
        _map(page)
        page.get_by_role("tab", name="Mitnehmen: Bild, PDF, Offline-Karte").click()
        _idle(page)
        page.get_by_text("Alle Dateien zeigen genau diese Ansicht", exact=False).scroll_into_view_if_needed()
        time.sleep(0.5)
        save("03-mitnehmen")
        # 4. the Landkreise page
        page.goto(base + f"/landkreise?stand={STAND}")
        _idle(page)
        save("04-landkreise")
        # 5. signed in as an adviser: a town's page
        page.goto(base + "/anmelden")
        _idle(page)
        page.get_by_label("Benutzername").fill(ADVISER)
        page.get_by_label("Passwort", exact=True).fill(password)
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_text("Angemeldet als", exact=False).first.wait_for(timeout=60_000)
        _idle(page)
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Kommune", exact=True).click()
        _idle(page)
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Gemeinde suchen").first
        box.locator("input").click()
        page.keyboard.type("Zittau")
        page.get_by_role("option", name="Zittau", exact=True).click()
        _idle(page)
        save("05-kommune-bearbeiten")
        # 6. import: a small file, its preview row by row
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Import", exact=True).click()
        _idle(page)
        sample = Path(tempfile.mkdtemp(prefix="asskomm-handbuch-")) / "beispiel.csv"
        sample.write_text(
            "gemeinde;kreis;baustein;datum;problemfelder;quelle;bemerkung\n"
            "Zittau;Görlitz;beratung;2024-11;vandalismus;https://www.asskomm.sachsen.de/;Beispiel für das Handbuch\n"
            "Nirgendwo;;beratung;2024-11;;https://example.org/;unbekannte Gemeinde\n",
            encoding="utf-8",
        )
        try:
            page.locator('input[type="file"]').set_input_files(str(sample))
            _idle(page)
            time.sleep(1.0)
        finally:
            shutil.rmtree(sample.parent, ignore_errors=True)
        save("06-import-vorschau")
        # 7. the change log with undo
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Änderungen", exact=True).click()
        _idle(page)
        save("07-aenderungen")
        browser.close()
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bildschirmfotos für docs/benutzerhandbuch.md aus der laufenden App")
    parser.add_argument("--out", type=Path, default=OUT, help="Zielordner (Standard: docs/bilder)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="asskomm-handbuch-") as tmp:
        env = {**os.environ, "ASSKOMM_DB": str(Path(tmp) / "handbuch.sqlite"), "ASSKOMM_PASSWORD": password}
        subprocess.run(
            [sys.executable, "-m", "asskomm", "user", "add", ADVISER, "--role", "bearbeiter"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )
        log = open(Path(tmp) / "server.log", "w")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    with urllib.request.urlopen(base + "/_stcore/health", timeout=2):  # noqa: S310
                        break
                except OSError:
                    time.sleep(0.5)
            for path in shoot(base, args.out, password):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
