"""Test helpers shared by the page, browser and benchmark code (no pytest fixtures here: see conftest.py).

Three groups:

* **Server**: :func:`start_streamlit` starts ``streamlit run`` on a free port in its own process group with a
  temporary database (``ASSKOMM_DB``), waits for ``/_stcore/health`` and returns a :class:`StreamlitServer`
  whose :meth:`~StreamlitServer.stop` kills the whole group. The server log goes to a file.
* **Browser** (Playwright, sync API, Debian's Chromium): :func:`launch_chromium`, :class:`Recorder`
  (every request URL, response sizes, console messages, page errors), :func:`wait_for_app_idle`,
  :func:`wait_for_map`, :func:`save_screenshot`.
* **AppTest** (no browser): :func:`run_page`, :func:`patched_env`, :func:`exceptions`.

``bench/run.py`` imports this module too, so keep it free of pytest imports.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # imported lazily so AppTest-only runs need no Playwright
    from playwright.sync_api import Browser, BrowserContext, Frame, Page, Playwright
    from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def not_installed(reason: str) -> None:
    """A program the tests need (Chromium, PostgreSQL, nginx) is missing: a failure under CI=true (.ci/run
    installs them all), a skip on a developer's machine."""
    import pytest

    if in_ci():
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)

ENTRYPOINT = "dashboard.py"
#: What ``streamlit run`` is given to serve ENTRYPOINT as users run it: with the sign-in cookie routes.
SERVER_ENTRYPOINT = "app.py"
#: Everything tests write (screenshots, server logs, failure artefacts); gitignored.
OUTPUT_DIR = Path(os.environ.get("ASSKOMM_TEST_OUTPUT", REPO_ROOT / "test-output"))
SCREENSHOT_DIR = OUTPUT_DIR / "screenshots"
LOG_DIR = OUTPUT_DIR / "logs"

VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
]

# Selectors of Streamlit 1.67's DOM (see streamlit/static/static/js): the app root carries the script state
# ("initial", "running", "notRunning", "rerunRequested", ...) and the connection state ("CONNECTED", ...).
SEL_APP = '[data-testid="stApp"]'
SEL_BUSY = ", ".join(
    [
        '[data-testid="stStatusWidgetRunningIcon"]',
        '[data-testid="stStatusWidgetRunningManIcon"]',
        '[data-testid="stAppSkeleton"]',
        '[data-testid="stSkeleton"]',
        '[data-testid="stSpinner"]',
        '[data-stale="true"]',
    ]
)
#: The iframe in which streamlit-folium's ``st_folium`` renders the map (a same-origin component iframe).
SEL_MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: A drawn Leaflet vector layer (polygon, polyline, circle marker) inside that iframe.
SEL_POLYGON = "path.leaflet-interactive"


# --------------------------------------------------------------------------------------------- server


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class StreamlitServer:
    """A running ``streamlit run`` process (see :func:`start_streamlit`)."""

    process: subprocess.Popen
    port: int
    script: str
    log_path: Path
    db_path: Path | None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Base URL without trailing slash, e.g. ``http://127.0.0.1:8765``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return self.url

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def rss_bytes(self) -> int:
        """Resident memory of the server and its children (psutil), in bytes."""
        import psutil

        try:
            proc = psutil.Process(self.process.pid)
            procs = [proc, *proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                total += p.memory_info().rss
        return total

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the whole process group (SIGTERM, then SIGKILL). Safe to call twice."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)
        else:
            # The leader may be gone while children (if any) still run.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        log = getattr(self.process, "_asskomm_log", None)
        if log is not None and not log.closed:
            log.close()
        scratch = getattr(self.process, "_asskomm_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    def __enter__(self) -> StreamlitServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:120] or "server"


def start_streamlit(
    script: str | os.PathLike[str] = ENTRYPOINT,
    *,
    env: Mapping[str, str | None] | None = None,
    db_path: str | os.PathLike[str] | None = None,
    port: int | None = None,
    log_path: str | os.PathLike[str] | None = None,
    name: str | None = None,
    extra_args: tuple[str, ...] | list[str] = (),
    timeout: float = 90.0,
) -> StreamlitServer:
    """Start ``streamlit run SCRIPT`` on 127.0.0.1 and wait until ``/_stcore/health`` answers ``ok``.

    * ``script``: ``ENTRYPOINT`` is served as users start it, through ``SERVER_ENTRYPOINT`` (``app.py``:
      the app plus its sign-in cookie routes).
    * ``db_path``: the SQLite file given to the app as ``ASSKOMM_DB`` (the app creates and seeds it).
      Default: a fresh file in a new temporary directory.
    * ``env``: extra environment variables (a value of ``None`` removes the variable).
    * ``log_path``: where stdout+stderr of the server go; default ``test-output/logs/<name>-<port>.log``.
    * Raises ``RuntimeError`` with the log tail if the server exits or is not healthy within ``timeout``.
    """
    port = port or free_port()
    script = str(script)
    if script == ENTRYPOINT:
        script = SERVER_ENTRYPOINT
    scratch = None
    if db_path is None:
        scratch = Path(tempfile.mkdtemp(prefix="asskomm-db-"))  # removed again by stop()
        db_path = scratch / "asskomm.sqlite"
    db_path = Path(db_path)
    name = _safe_name(name or Path(script).stem)
    log_path = Path(log_path) if log_path else LOG_DIR / f"{name}-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)

    child_env = dict(os.environ)
    child_env.update(
        {
            "ASSKOMM_DB": str(db_path),
            "PYTHONUNBUFFERED": "1",
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            "STREAMLIT_SERVER_HEADLESS": "true",
        }
    )
    for key, value in (env or {}).items():
        if value is None:
            child_env.pop(key, None)
        else:
            child_env[key] = str(value)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        *extra_args,
    ]
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed by StreamlitServer.stop()
    log.write(f"$ {' '.join(cmd)}\n# ASSKOMM_DB={db_path}\n")
    log.flush()
    process = subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        env=child_env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # own process group: stop() kills streamlit and anything it spawned
    )
    process._asskomm_log = log  # type: ignore[attr-defined]
    process._asskomm_scratch = scratch  # type: ignore[attr-defined]
    server = StreamlitServer(
        process=process,
        port=port,
        script=script,
        log_path=log_path,
        db_path=db_path,
        env={k: v for k, v in (env or {}).items() if v is not None},
    )
    try:
        wait_for_health(server, timeout=timeout)
    except BaseException:
        server.stop()
        raise
    return server


def wait_for_health(server: StreamlitServer, timeout: float = 90.0) -> None:
    """Poll ``/_stcore/health`` until it says ``ok``; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    url = f"{server.url}/_stcore/health"
    while True:
        if not server.alive():
            raise RuntimeError(
                f"streamlit exited with {server.process.returncode} before it was healthy; "
                f"log {server.log_path}:\n{server.log_text()[-4000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - http://127.0.0.1 only
                if resp.status == 200 and resp.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"streamlit not healthy after {timeout:.0f}s; log {server.log_path}:\n{server.log_text()[-4000:]}"
            )
        time.sleep(0.2)


# -------------------------------------------------------------------------------------------- browser


class BrowserMissing(RuntimeError):
    """No Chromium executable was found."""


def chromium_path() -> str:
    """Path of the system Chromium (``ASSKOMM_CHROMIUM`` overrides). Raises :class:`BrowserMissing`."""
    override = os.environ.get("ASSKOMM_CHROMIUM")
    candidates = (
        [override] if override else ["chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"]
    )
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    raise BrowserMissing(
        "Chromium not found: install Debian's package (`apt-get install chromium`, which scripts/test.sh "
        "does) or set ASSKOMM_CHROMIUM to a Chromium executable."
    )


def launch_chromium(
    playwright: Playwright, *, headless: bool = True, args: list[str] | None = None
) -> Browser:
    """Launch Debian's Chromium through Playwright (no Playwright browser download needed)."""
    launch_args = [
        a for a in (args if args is not None else CHROMIUM_ARGS) if headless or "headless" not in a
    ]
    return playwright.chromium.launch(executable_path=chromium_path(), headless=headless, args=launch_args)


def new_context(browser: Browser, **kwargs: Any) -> BrowserContext:
    """A context with the project's defaults: 1280×800, German locale, Berlin time (kwargs override)."""
    options: dict[str, Any] = {"viewport": dict(VIEWPORT), "locale": "de-DE", "timezone_id": "Europe/Berlin"}
    options.update(kwargs)
    return browser.new_context(**options)


@dataclass
class ConsoleEntry:
    type: str  # "log", "info", "warning", "error", "debug", ... or "pageerror" for uncaught exceptions
    text: str
    url: str = ""

    def __str__(self) -> str:
        where = f" ({self.url})" if self.url else ""
        return f"[{self.type}] {self.text}{where}"


class Recorder:
    """Collects every request URL, finished response sizes, console message and uncaught page error.

    Attach it to a ``BrowserContext`` (covers all its pages, iframes and workers) or a single ``Page``
    *before* navigating. Sizes come from Playwright's ``request.sizes()`` (bytes on the wire: headers + body).
    The WebSocket traffic of Streamlit (which carries the script's output, e.g. the map's HTML) is counted
    separately in :attr:`ws_received_bytes`.
    """

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.failed: list[tuple[str, str]] = []
        self.console: list[ConsoleEntry] = []
        self.responses: list[tuple[str, int]] = []  # (url, bytes) of finished requests, filled by sizes()
        self.websockets: list[str] = []
        self.ws_received_bytes = 0
        self._finished: list[Any] = []

    # -- wiring
    def attach(self, target: BrowserContext | Page) -> Recorder:
        target.on("request", lambda req: self.requests.append(req.url))
        target.on("requestfailed", lambda req: self.failed.append((req.url, str(req.failure))))
        target.on("requestfinished", lambda req: self._finished.append(req))
        target.on("console", self._on_console)
        if hasattr(target, "pages"):  # BrowserContext
            target.on("weberror", lambda err: self._on_pageerror(err.error))
            target.on("page", self._watch_page)
            for page in target.pages:
                self._watch_page(page)
        else:
            target.on("pageerror", self._on_pageerror)
            self._watch_page(target)
        return self

    def _watch_page(self, page: Page) -> None:
        page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws: Any) -> None:
        self.websockets.append(ws.url)

        def received(payload: str | bytes) -> None:
            self.ws_received_bytes += len(payload.encode("utf-8") if isinstance(payload, str) else payload)

        ws.on("framereceived", received)

    def _on_console(self, msg: Any) -> None:
        loc = msg.location or {}
        self.console.append(ConsoleEntry(msg.type, msg.text, loc.get("url", "")))

    def _on_pageerror(self, error: Any) -> None:
        self.console.append(ConsoleEntry("pageerror", str(error)))

    # -- queries
    def clear(self) -> None:
        self.requests.clear()
        self.failed.clear()
        self.console.clear()
        self.responses.clear()
        self._finished.clear()
        self.ws_received_bytes = 0

    def foreign_requests(self, origin: str) -> list[str]:
        """Request URLs that did not go to ``origin`` (scheme://host:port); data:/blob:/about: are local."""
        own = urlsplit(origin)
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about", "chrome-extension"):
                continue
            if (parts.scheme.replace("ws", "http"), parts.netloc) != (own.scheme, own.netloc):
                foreign.append(url)
        return foreign

    def console_errors(self, ignore: tuple[str, ...] = ()) -> list[ConsoleEntry]:
        """Console errors and uncaught exceptions, minus those whose text contains one of ``ignore``."""
        return [
            entry
            for entry in self.console
            if entry.type in ("error", "pageerror") and not any(pattern in entry.text for pattern in ignore)
        ]

    def assert_same_origin(self, origin: str) -> None:
        foreign = self.foreign_requests(origin)
        assert not foreign, f"{len(foreign)} request(s) left {origin}:\n" + "\n".join(foreign[:50])

    def assert_no_console_errors(self, ignore: tuple[str, ...] = ()) -> None:
        errors = self.console_errors(ignore)
        assert not errors, "console errors:\n" + "\n".join(map(str, errors))

    def sizes(self) -> list[tuple[str, int]]:
        """(url, bytes) of every finished request so far (headers + body as transferred)."""
        pending, self._finished = self._finished, []
        for req in pending:
            try:
                s = req.sizes()
                total = s["responseBodySize"] + s["responseHeadersSize"]
            except Exception:  # request of a closed page, redirect without body, ...
                total = 0
            self.responses.append((req.url, max(total, 0)))
        return list(self.responses)

    def bytes_downloaded(self, url_contains: str = "") -> int:
        """Sum of response sizes of finished requests whose URL contains ``url_contains``."""
        return sum(size for url, size in self.sizes() if url_contains in url)

    def dump(self, path: str | os.PathLike[str]) -> Path:
        """Write requests and console messages to a text file (used for failure artefacts)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["# console"] + [str(c) for c in self.console] + ["", "# requests"] + self.requests
        lines += ["", "# failed requests"] + [f"{url} {why}" for url, why in self.failed]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def wait_for_app_idle(page: Page, timeout: float = 60_000, quiet_ms: int = 400) -> None:
    """Wait until Streamlit has finished running the script and drawn its output.

    Idle means, continuously for ``quiet_ms``: the app root reports script state ``notRunning`` and
    connection ``CONNECTED``, and there is no running indicator, skeleton, spinner or stale element.
    The quiet period also covers the short gap between a widget interaction and the rerun it starts,
    so calling this right after ``click()``/``fill()`` waits for that rerun. ``timeout`` in milliseconds.
    """
    page.wait_for_selector(SEL_APP, state="attached", timeout=timeout)
    # The quiet period starts now, not at an earlier call: a rerun that a click has just asked for may
    # not have started yet.
    page.evaluate("window.__asskommIdleSince = null")
    page.wait_for_function(
        """([appSel, busySel, quietMs]) => {
            const app = document.querySelector(appSel);
            const idle = !!app
                && app.getAttribute('data-test-script-state') === 'notRunning'
                && app.getAttribute('data-test-connection-state') === 'CONNECTED'
                && !document.querySelector(busySel);
            const now = performance.now();
            if (!idle) { window.__asskommIdleSince = null; return false; }
            if (window.__asskommIdleSince == null) window.__asskommIdleSince = now;
            return now - window.__asskommIdleSince >= quietMs;
        }""",
        arg=[SEL_APP, SEL_BUSY, quiet_ms],
        polling=50,
        timeout=timeout,
    )


def choose_kreis(page: Page, name: str) -> None:
    """Pick the Kreis ``name`` in the sidebar's »Kreis« filter (type, choose, close) and wait for the rerun."""
    kreis = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Kreis")
    kreis.locator("input").click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")
    wait_for_app_idle(page)


def open_tab(page: Page, name: str) -> None:
    """Open the tab ``name`` below the map (only the open tab's content is drawn) and wait for its rerun."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.get_attribute("aria-selected") != "true":
        tab.click()
        wait_for_app_idle(page)


def map_frame(page: Page, timeout: float = 60_000, index: int = 0) -> Frame:
    """The Frame of the ``index``-th streamlit-folium map iframe (waits until it is attached)."""
    locator = page.locator(SEL_MAP_IFRAME).nth(index)
    locator.wait_for(state="attached", timeout=timeout)
    frame = locator.element_handle(timeout=timeout).content_frame()
    if frame is None:
        raise AssertionError("map iframe has no content frame")
    return frame


def count_polygons(page: Page, index: int = 0) -> int:
    """Number of drawn Leaflet vector paths in the map iframe now (0 if there is no map)."""
    if page.locator(SEL_MAP_IFRAME).count() <= index:
        return 0
    return map_frame(page, index=index).locator(SEL_POLYGON).count()


def wait_for_map(page: Page, min_polygons: int = 1, timeout: float = 60_000, index: int = 0) -> int:
    """Wait until the streamlit-folium map has drawn at least ``min_polygons`` Leaflet paths; return the count.

    Looks for ``path.leaflet-interactive`` inside the frame of ``iframe[title="streamlit_folium.st_folium"]``
    (``index`` picks among several maps). ``timeout`` in milliseconds; raises Playwright's TimeoutError.
    """
    frame = map_frame(page, timeout=timeout, index=index)
    frame.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length >= n",
        arg=[SEL_POLYGON, min_polygons],
        polling=50,
        timeout=timeout,
    )
    return frame.locator(SEL_POLYGON).count()


def save_screenshot(page: Page, name: str, *, full_page: bool = True, directory: Path | None = None) -> Path:
    """Save a PNG of ``page`` as ``test-output/screenshots/<name>.png`` and return its path."""
    directory = directory or SCREENSHOT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{_safe_name(name)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def save_tall_screenshot(page: Page, name: str, height: int = 1700) -> Path:
    """The whole page as one picture: Streamlit scrolls inside its own container, so the viewport is made tall
    for the shot (and restored)."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(500)
    try:
        return save_screenshot(page, name, full_page=False)
    finally:
        page.set_viewport_size(size)


# -------------------------------------------------------------------------------------------- AppTest


@contextlib.contextmanager
def patched_env(env: Mapping[str, str | None] | None) -> Iterator[None]:
    """Set (or, for ``None`` values, remove) environment variables for the duration of the block."""
    saved = {key: os.environ.get(key) for key in (env or {})}
    try:
        for key, value in (env or {}).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = str(value)
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_component_registry: list[Any] = []


def _share_component_registry(at: AppTest) -> None:
    """Give every AppTest of this process one registry of installed (v2) components.

    Each new AppTest otherwise scans the metadata of every installed package for component manifests on its
    first run (~0.3 s CPU, ~150 page tests); the installed packages do not change during a test run. Uses
    AppTest's private ``_bidi_component_manager`` (Streamlit 1.67); without it AppTest simply scans again.
    """
    if not hasattr(at, "_bidi_component_manager"):
        return
    if not _component_registry:
        from streamlit.components.v2.component_manager import BidiComponentManager

        registry = BidiComponentManager()
        registry.discover_and_register_components(start_file_watching=False)
        _component_registry.append(registry)
    at._bidi_component_manager = _component_registry[0]


def app_test(
    path: str = ENTRYPOINT,
    *,
    query_params: Mapping[str, str | list[str]] | None = None,
    timeout: float = 30.0,
) -> AppTest:
    """An unrun ``AppTest`` for ``path`` (relative to the repo root).

    ``path`` is the entrypoint (``dashboard.py``, runs the default page) or a page file such as
    ``pages/karte.py``: then the entrypoint runs (page config, navigation, shared sidebar) and switches
    to that page, as the browser does when you open its URL.
    """
    from streamlit.testing.v1 import AppTest

    path = str(path)
    at = AppTest.from_file(str(REPO_ROOT / ENTRYPOINT), default_timeout=timeout)
    _share_component_registry(at)
    if Path(path).as_posix() not in (ENTRYPOINT, str(REPO_ROOT / ENTRYPOINT)):
        at.switch_page(Path(path).as_posix())
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    return at


def run_page(
    path: str = ENTRYPOINT,
    *,
    query_params: Mapping[str, str | list[str]] | None = None,
    env: Mapping[str, str | None] | None = None,
    db_path: str | os.PathLike[str] | None = None,
    timeout: float = 30.0,
) -> AppTest:
    """Run a page once with AppTest and return it (see :func:`app_test` for ``path``).

    ``ASSKOMM_DB`` points at ``db_path`` (default: a fresh temporary SQLite file) and ``env`` is applied
    only while the script runs. For follow-up interactions (``at.button[0].click().run()``) that need the
    same environment, wrap them in ``with patched_env(...)`` or use the ``apptest`` fixture, which keeps the
    environment for the whole test.
    """
    if db_path is None:
        db_path = Path(tempfile.mkdtemp(prefix="asskomm-db-")) / "asskomm.sqlite"
    at = app_test(path, query_params=query_params, timeout=timeout)
    with patched_env({"ASSKOMM_DB": str(db_path), **(env or {})}):
        at.run()
    return at


_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def shown(markdown: str) -> str:
    """A markdown text as the reader sees it: code spans without their backticks, backslash escapes resolved
    (``ui.messages.md`` writes echoed values as code spans and escapes the rest)."""
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(markdown):
        out.append(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown[pos:m.start()]))
        inner = m.group(2)
        out.append(inner[1:-1] if inner.startswith(" ") and inner.endswith(" ") and inner.strip() else inner)
        pos = m.end()
    out.append(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown[pos:]))
    return "".join(out)


def exceptions(at: AppTest) -> list[str]:
    """Messages of every exception element the run produced (empty list = no traceback shown)."""
    return [f"{e.message}\n{''.join(e.stack_trace or [])}" for e in at.exception]


def assert_no_exception(at: AppTest) -> None:
    errors = exceptions(at)
    assert not errors, "the page raised:\n" + "\n---\n".join(errors)
