"""Shared pytest fixtures (the helpers themselves live in tests/harness.py).

Server
    ``app_server``                 ``streamlit run app.py`` (serving dashboard.py) with a temporary ``ASSKOMM_DB``; scope from
                                   ``--server-scope`` / ``ASSKOMM_SERVER_SCOPE`` (session (default), module, function)
    ``app_url``                    its base URL, e.g. ``http://127.0.0.1:41234``
    ``streamlit_server_factory``   ``start(script="dashboard.py", env={...}, **start_streamlit_kwargs)``;
                                   every server it started is stopped after the test
Browser (Playwright, Debian's Chromium; tests using these are marked ``browser`` automatically)
    ``browser``                    session-wide Chromium; missing Chromium fails under CI=true, skips otherwise
    ``browser_context``            fresh context, 1280×800, de-DE, Europe/Berlin, with a ``Recorder`` attached
    ``recorder``                   that Recorder: ``.requests``, ``.console``, ``.assert_same_origin(url)``,
                                   ``.assert_no_console_errors()``, ``.bytes_downloaded()``
    ``page``                       a page in that context; on failure a screenshot and the recorder's log go
                                   to ``test-output/failures/``
    ``screenshot``                 ``screenshot(name=None, page=None, full_page=True) -> Path`` (PNG under
                                   ``test-output/screenshots/``)
Databases
    ``pg_cluster``                 session-wide throw-away PostgreSQL cluster (tests/pg.py); skipped when PostgreSQL
                                   is not installed, a failure under CI=true
    ``db_url``                     a fresh database at the newest schema (a copy of one migrated per session), parametrised: ``sqlite`` and ``postgresql`` (every test
                                   using it runs against both backends; ``-m "not postgres"`` keeps SQLite only)
AppTest
    ``tmp_db``                     path of a fresh temporary SQLite file (not yet created)
    ``apptest``                    ``apptest(path="dashboard.py", query_params=None, env=None, run=True)``
                                   -> AppTest; ``ASSKOMM_DB`` and ``env`` stay set for the whole test
    ``visitor_apptest``            the same on ``visitor_db``: one seeded SQLite file shared by all tests that
                                   only read (the app's caches carry over, ~4 s less per Landkreise run); a test
                                   that writes to it fails at teardown
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import harness
import pytest
from pg import PgCluster, PgUnavailable

SCOPES = ("session", "package", "module", "class", "function")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("asskomm", "ASSKomm-Karte test harness")
    group.addoption(
        "--server-scope",
        choices=SCOPES,
        default=os.environ.get("ASSKOMM_SERVER_SCOPE", "session"),
        help="lifetime of the app_server fixture (default: session; env ASSKOMM_SERVER_SCOPE)",
    )
    group.addoption("--headed", action="store_true", help="show the browser window (local debugging)")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Anything that drives the browser is a browser test, even if its author forgot the marker.
    grouping = getattr(config.option, "dist", "no") == "loadgroup"
    for item in items:
        if {"page", "browser", "browser_context"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if grouping and _uses_module_state(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def _uses_module_state(item: pytest.Item) -> bool:
    """Whether the test shares a module/class/package fixture (a module's server, a clone, a built layer):
    under ``--dist loadgroup`` (scripts/test.sh) all tests of such a file run on one worker, in file order,
    so that the fixture is set up once. Tests that share only session fixtures spread over the workers."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(defs and defs[-1].scope in ("module", "class", "package") for defs in info.name2fixturedefs.values())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    # Remember each phase's report on the item so fixtures can save artefacts when the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    node = request.node
    return any(
        getattr(node, f"rep_{when}", None) is not None and getattr(node, f"rep_{when}").failed
        for when in ("setup", "call")
    )


# ----------------------------------------------------------------------------------------------- server


def _server_scope(fixture_name: str, config: pytest.Config) -> str:
    return config.getoption("--server-scope")


@pytest.fixture(scope="session")
def test_output_dir() -> Path:
    harness.OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return harness.OUTPUT_DIR


@pytest.fixture(scope=_server_scope)
def app_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[harness.StreamlitServer]:
    """``streamlit run app.py`` (the app of dashboard.py) on a free port with its own temporary database."""
    db = tmp_path_factory.mktemp("app-db") / "asskomm.sqlite"
    server = harness.start_streamlit(
        harness.ENTRYPOINT, db_path=db, name=f"app-{request.node.name or 'session'}"
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def app_url(app_server: harness.StreamlitServer) -> str:
    return app_server.url


@pytest.fixture
def streamlit_server_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., harness.StreamlitServer]]:
    """``start(script="dashboard.py", env=None, **kwargs)`` starts a server with extra env vars (own DB)."""
    servers: list[harness.StreamlitServer] = []

    def start(script: str = harness.ENTRYPOINT, env: dict[str, str | None] | None = None, **kwargs):
        kwargs.setdefault("db_path", tmp_path_factory.mktemp("factory-db") / "asskomm.sqlite")
        kwargs.setdefault("name", f"{request.node.name}-{len(servers)}")
        server = harness.start_streamlit(script, env=env, **kwargs)
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


# ---------------------------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    pw = manager.start()
    try:
        yield pw
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def browser(playwright_instance, pytestconfig: pytest.Config):
    try:
        harness.chromium_path()
    except harness.BrowserMissing as exc:
        harness.not_installed(str(exc))
    browser = harness.launch_chromium(playwright_instance, headless=not pytestconfig.getoption("--headed"))
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def browser_context(browser):
    context = harness.new_context(browser)
    context.set_default_timeout(30_000)
    context._asskomm_recorder = harness.Recorder().attach(context)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def recorder(browser_context) -> harness.Recorder:
    return browser_context._asskomm_recorder


@pytest.fixture
def page(browser_context, recorder: harness.Recorder, request: pytest.FixtureRequest, test_output_dir: Path):
    page = browser_context.new_page()
    yield page
    if _failed(request):
        name = harness._safe_name(request.node.nodeid)
        failures = test_output_dir / "failures"
        try:
            harness.save_screenshot(page, name, directory=failures)
        except Exception as exc:  # a crashed page must not hide the real failure
            print(f"could not save failure screenshot: {exc}")
        recorder.dump(failures / f"{name}.log")


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """``screenshot(name=None, page=None, full_page=True)``: PNG in test-output/screenshots/, returns the path."""
    counter = iter(range(1, 1000))

    def take(name: str | None = None, page=None, *, full_page: bool = True) -> Path:
        target = page if page is not None else request.getfixturevalue("page")
        name = name or f"{request.node.name}-{next(counter)}"
        return harness.save_screenshot(target, name, full_page=full_page)

    return take


# ---------------------------------------------------------------------------------------------- AppTest


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    return tmp_path / "asskomm.sqlite"


def _apptest_factory(db: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    def make(path: str = harness.ENTRYPOINT, *, query_params=None, env=None, run: bool = True, timeout=30.0):
        monkeypatch.setenv("ASSKOMM_DB", str(db))
        for key, value in (env or {}).items():
            if value is None:
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, str(value))
        at = harness.app_test(path, query_params=query_params, timeout=timeout)
        return at.run() if run else at

    return make


@pytest.fixture
def apptest(tmp_db: Path, monkeypatch: pytest.MonkeyPatch):
    """``apptest(path="dashboard.py", query_params=None, env=None, run=True, timeout=30)`` -> AppTest.

    ``path`` is the entrypoint or a page file (``pages/kommune.py``: the entrypoint runs and switches to it).
    ``ASSKOMM_DB`` (-> ``tmp_db``) and ``env`` stay set for the whole test, so later ``.run()`` calls see them.
    """
    return _apptest_factory(tmp_db, monkeypatch)


@pytest.fixture(scope="session")
def _visitor_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from asskomm.store.database import Store

    path = tmp_path_factory.mktemp("visitor-db") / "asskomm.sqlite"
    store = Store(f"sqlite:///{path}")
    store.ensure_seeded()
    store.dispose()
    return path


def _content_digest(path: Path) -> str:
    """SHA-256 of the database's content (SQL dump; the WAL's pages included, file layout left out)."""
    import hashlib
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        for statement in conn.iterdump():
            digest.update(statement.encode("utf-8"))
        return digest.hexdigest()
    finally:
        conn.close()


@pytest.fixture
def visitor_db(_visitor_db_file: Path) -> Iterator[Path]:
    """The seeded SQLite database shared by every test of the session (of an xdist worker) that only reads.

    The app's caches are keyed by the database, so page runs on it reuse what earlier tests computed, as the
    server does for its visitors. A test that writes to it fails at teardown: use ``tmp_db``/``apptest``.
    """
    before = _content_digest(_visitor_db_file)
    yield _visitor_db_file
    assert _content_digest(_visitor_db_file) == before, (
        "this test wrote to the shared visitor database: give it its own (fixture apptest or tmp_db)"
    )


@pytest.fixture
def visitor_apptest(visitor_db: Path, monkeypatch: pytest.MonkeyPatch):
    """Like ``apptest``, on the shared read-only ``visitor_db``: for page runs that only read (a visitor's views,
    query parameters, widget changes that do not save)."""
    return _apptest_factory(visitor_db, monkeypatch)


# ---------------------------------------------------------------------------------------------- databases


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = PgCluster()
    try:
        cluster.start()
    except PgUnavailable as exc:
        harness.not_installed(str(exc))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def _migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Databases migrated once per session; each test gets a copy (running Alembic per test is slow)."""
    return {"dir": str(tmp_path_factory.mktemp("db-templates"))}


def _template(templates: dict[str, str], backend: str, request: pytest.FixtureRequest) -> str:
    from asskomm.store import migrate

    if backend not in templates:
        if backend == "sqlite":
            path = Path(templates["dir"]) / "template.db"
            migrate.upgrade(f"sqlite:///{path}")
            templates[backend] = str(path)
        else:
            url = request.getfixturevalue("pg_cluster").create_database("template")
            migrate.upgrade(url)
            templates[backend] = url.rsplit("/", 1)[1]
    return templates[backend]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, _migrated_templates: dict[str, str]) -> Iterator[str]:
    """URL of a fresh database at the newest schema revision (no rows but the ``meta`` counters), on each backend."""
    template = _template(_migrated_templates, request.param, request)
    if request.param == "sqlite":
        shutil.copyfile(template, tmp_path / "test.db")
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.create_database(template=template)
    yield url
    if not cluster.external:  # the session's own cluster lives in RAM: give the memory back
        cluster.drop_database(url)
