"""Security headers, the Content-Security-Policy measured in Chromium, no source files, TRACE, editor-only uploads.

One server for the module, started with ``ASSKOMM_CSP_REPORT_ONLY=1``: besides the real policy it sends the strict
baseline (``ui.security_headers.BASELINE``) as a report-only policy. Chromium reports every violation of either
through the DevTools protocol (``Audits.issueAdded``, also for the map's iframe). Walking every page as an admin
(map, a filter change, Kommune, Import with an upload, a download, the admin pages) then shows
* no violation of the real policy (but the one it blocks on purpose, see ``BLOCKED_ON_PURPOSE``), and
* for every relaxation of the real policy a violation of the baseline that this relaxation allows: each
  relaxation is needed by something that really happens in the app.
"""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
from pathlib import Path

import harness
import pytest
from test_browser_editing import HEADER, _upload, click, nav

from asskomm.store import accounts as auth
from asskomm.store.database import Store
from asskomm.ui import security_headers

PASSWORDS = {"admin": "Admin-Passwort-42", "berta": "Bearbeiter-Pw-42", "viktor": "Betrachter-Pw-42"}
ROLES = {"admin": "admin", "berta": "bearbeiter", "viktor": "betrachter"}
MAP_FILES = security_headers.MAP_FRAME_PREFIX
# Streamlit's protobuf library (long.js) probes WebAssembly for 64-bit arithmetic and falls back to plain
# JavaScript when the policy refuses it: blocked on purpose, nothing breaks ('wasm-unsafe-eval' stays out).
BLOCKED_ON_PURPOSE = {("script-src", "kWasmEvalViolation")}
# How a violation of the baseline looks that each relaxation (directive, source, where) allows.
NEEDS = {
    ("script-src", "sha256 hashes", "page"): ("script-src-elem", "kInlineViolation", None),
    ("style-src", "'unsafe-inline'", "page"): ("style-src-", "kInlineViolation", None),
    ("img-src", "data:", "page"): ("img-src", "kURLViolation", "data"),
    ("font-src", "data:", "page"): ("font-src", "kURLViolation", "data"),
    ("script-src", "'unsafe-inline'", "map"): ("script-src-elem", "kInlineViolation", None),
    ("script-src", "'unsafe-eval'", "map"): ("script-src", "kEvalViolation", None),
    ("style-src", "'unsafe-inline'", "map"): ("style-src-", "kInlineViolation", None),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("headers-db") / "asskomm.sqlite"
    store = Store(f"sqlite:///{db}")
    try:
        store.ensure_seeded()
        for name, role in ROLES.items():
            auth.Accounts(store).add(name, PASSWORDS[name], role, actor="test")
    finally:
        store.dispose()
    srv = harness.start_streamlit(harness.ENTRYPOINT, db_path=db, name="headers",
                                  env={security_headers.REPORT_ONLY_ENV: "1"})
    yield srv
    srv.stop()


class CspIssues:
    """Content-Security-Policy violations Chromium reports for a page and its frames (DevTools ``Audits``)."""

    def __init__(self, page) -> None:
        self.items: list[dict] = []
        cdp = page.context.new_cdp_session(page)
        cdp.on("Audits.issueAdded", self._add)
        cdp.send("Audits.enable")

    def _add(self, event) -> None:
        issue = event["issue"]
        if issue["code"] == "ContentSecurityPolicyIssue":
            details = issue["details"]["contentSecurityPolicyIssueDetails"]
            url = (details.get("sourceCodeLocation") or {}).get("url", "")
            self.items.append({
                "directive": details["violatedDirective"],
                "kind": details["contentSecurityPolicyViolationType"],
                "blocked": details.get("blockedURL"),
                "report_only": details["isReportOnly"],
                "where": "map" if MAP_FILES in url else "page",
                "url": url,
            })

    def enforced(self) -> list[dict]:
        return [i for i in self.items
                if not i["report_only"] and (i["directive"], i["kind"]) not in BLOCKED_ON_PURPOSE]

    def allowed_by(self, relax: security_headers.Relaxation) -> list[dict]:
        directive, kind, blocked = NEEDS[(relax.directive, relax.source, relax.where)]
        return [i for i in self.items if i["report_only"] and i["where"] == relax.where
                and i["directive"].startswith(directive) and i["kind"] == kind
                and (blocked is None or i["blocked"] == blocked)]


def _sign_in(page, url, name):
    page.goto(url + "/anmelden")
    harness.wait_for_app_idle(page)
    page.get_by_label("Benutzername").fill(name)
    page.get_by_label("Passwort", exact=True).fill(PASSWORDS[name])
    click(page, page.get_by_role("button", name="Anmelden"), "Angemeldet als")
    # the sign-in cookie's script ran (allowed by its hash) and the cookie route answered
    page.wait_for_function("() => document.documentElement.dataset.asskommSitzung === 'aktiv'", timeout=30_000)


def test_every_page_runs_under_the_policy_and_each_relaxation_is_needed(server, browser, tmp_path, screenshot):
    context = harness.new_context(browser, accept_downloads=True)
    page = context.new_page()
    issues = CspIssues(page)
    page.goto(server.url + "/")
    harness.wait_for_map(page, 400, timeout=90_000)
    harness.wait_for_app_idle(page)
    frame = harness.map_frame(page)
    applied = frame.evaluate("window.asskomm.applied")
    harness.choose_kreis(page, "Görlitz")  # streamlit-folium applies the new layers with eval()
    frame.wait_for_function("(n) => window.asskomm && window.asskomm.applied > n", arg=applied)
    # the app's inline scripts ran: german.js and the skip link's script
    assert page.evaluate("[window.__asskommGerman === true, window.__asskommSkipToTab === true]") == [True, True]
    with page.expect_download() as download:
        page.locator('[data-testid="stDownloadButton"] button').first.click()
    media = context.request.get(download.value.url)
    assert media.ok and "/media/" in download.value.url
    assert media.headers["cache-control"] == "no-store", media.headers

    _sign_in(page, server.url, "admin")
    for title in ("Kommune", "Landkreise", "Bericht", "Quellen", "Barrierefreiheit", "Änderungen", "Ansprache",
                  "Benutzer", "Problemfelder", "Import"):
        nav(page, title)
    _upload(page, tmp_path, "csp.csv", HEADER + "14627010;;;beratung;2024-03-05;jugend;;https://example.org/c;;\n")
    screenshot("security-csp-import", page=page)
    context.close()

    assert issues.enforced() == [], issues.enforced()
    for relax in security_headers.RELAXATIONS:
        assert issues.allowed_by(relax), f"relaxation not needed by anything seen: {relax}"


def _get(url, method="GET", headers=None, body=None):
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=body)  # noqa: S310 - 127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_headers_of_page_health_static_and_sign_in_routes(server, page):
    policies = security_headers.policies()
    for path in ("/", "/kommune", "/anmelden", "/_stcore/health", "/app/static/leaflet/leaflet.js"):
        status, headers, _ = _get(server.url + path)
        assert status == 200, path
        assert headers["Content-Security-Policy"] == policies["page"], path
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in re.search(r"script-src[^;]*", headers["Content-Security-Policy"]).group(0)
        assert headers.get_all("X-Content-Type-Options") == ["nosniff"], path  # once, also where Streamlit sets it
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
        expected = "no-store" if path == "/anmelden" else None
        assert (headers["Cache-Control"] == "no-store") == (expected == "no-store"), (path, headers["Cache-Control"])
    status, headers, _ = _get(server.url + "/api/sitzung", "POST", {"Content-Type": "application/json"}, b"{}")
    assert status == 403 and headers["Cache-Control"] == "no-store"
    # the map's iframe gets its own, wider policy, and only it (Streamlit serves the component's files once a
    # run has drawn a map: open the Karte here, so the test does not depend on the tests before it)
    page.goto(server.url + "/")
    harness.wait_for_map(page, 1, timeout=90_000)
    status, headers, _ = _get(server.url + MAP_FILES + "index.html")
    assert status == 200 and headers["Content-Security-Policy"] == policies["map"]
    assert "'unsafe-eval'" in policies["map"] and "'unsafe-eval'" not in policies["page"]


def _served_files() -> dict[str, str]:
    """Every file whose content must never be served: the app's sources and configuration (and secrets, if any)."""
    root = harness.REPO_ROOT
    files = {"app.py": "app.py", "dashboard.py": "dashboard.py", "pyproject.toml": "pyproject.toml",
             ".streamlit/config.toml": ".streamlit/config.toml", "asskomm/ui/auth.py": "asskomm/ui/auth.py"}
    if (root / ".streamlit/secrets.toml").is_file():
        files[".streamlit/secrets.toml"] = ".streamlit/secrets.toml"
    return {name: (root / path).read_text(encoding="utf-8") for name, path in files.items()}


URL_VARIANTS = (
    "/{f}", "/static/{f}", "/app/static/{f}", "/app/static/../{f}", "/app/static/..%2f{f}",
    "/app/static/%2e%2e/{f}", "/static/../{f}", "/app/static/..%5c{f}", "/component/../{f}",
    "/media/../{f}", "/{f}%00", "/./{f}", "//{f}",
)


def test_no_source_config_or_secrets_file_is_served(server):
    """APP.3.1.A14: no .py, .toml or secrets file under any URL (Streamlit answers unknown paths with its page)."""
    index = _get(server.url + "/")[2]
    tried = 0
    for name, content in _served_files().items():
        marker = next(line for line in content.splitlines() if len(line.strip()) > 12)
        for variant in URL_VARIANTS:
            path = variant.format(f=name)
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
            connection.request("GET", path)  # sent as written (urllib would normalise ../)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            tried += 1
            assert marker.encode() not in body, (path, response.status)
            assert response.status >= 400 or body == index, (path, response.status, body[:200])
    assert tried >= 60


def test_trace_is_refused(server):
    for method in ("TRACE", "TRACK"):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        connection.request(method, "/")
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 405, method
        assert response.getheader("Content-Security-Policy")


def _session_id(page) -> list[str]:
    """The Streamlit session id of a page, read from the server's first message on its WebSocket."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    found: list[str] = []

    def on_socket(ws):
        def frame(payload):
            if isinstance(payload, bytes) and not found:
                msg = ForwardMsg.FromString(payload)
                if msg.HasField("new_session"):
                    found.append(msg.new_session.initialize.session_id)
        ws.on("framereceived", frame)

    page.on("websocket", on_socket)
    return found


def _put_upload(context, url, sid):
    xsrf = next(c["value"] for c in context.cookies() if c["name"] == "_streamlit_xsrf")
    return context.request.put(
        f"{url}/_stcore/upload_file/{sid}/probe", headers={"X-Xsrftoken": xsrf},
        multipart={"file": {"name": "x.csv", "mimeType": "text/csv", "buffer": b"a;b\n" * 1000}},
    )


@pytest.mark.parametrize("name", [None, "viktor", "berta"])
def test_uploads_only_for_signed_in_editors(server, browser, name):
    """Any live session could upload to Streamlit's route (issue 25, point 8); now only an editor's browser."""
    context = harness.new_context(browser)
    page = context.new_page()
    sid = _session_id(page)
    if name:
        _sign_in(page, server.url, name)
    else:
        page.goto(server.url + "/")
        harness.wait_for_app_idle(page)
    assert sid, "no session id seen"
    response = _put_upload(context, server.url, sid[0])
    if name == "berta":
        assert response.status == 204, response.text()
    else:
        assert response.status == 403 and "Bearbeiter" in response.text()
    context.close()


def test_the_upload_limit_is_the_imports_limit():
    from asskomm import records as rec

    config = (harness.REPO_ROOT / ".streamlit" / "config.toml").read_text()
    limit = int(re.search(r"^maxUploadSize\s*=\s*(\d+)", config, re.M).group(1))
    assert limit * 1024 * 1024 == rec.MAX_IMPORT_BYTES
    # the import page's one uploader states and enforces that limit (ui.uploads, read from the server's option)
    assert "uploads.uploader(" in Path(harness.REPO_ROOT / "pages" / "import.py").read_text()
    uploads = Path(harness.REPO_ROOT / "asskomm" / "ui" / "uploads.py").read_text()
    assert "max_upload_size=limit_mb()" in uploads and 'st.get_option("server.maxUploadSize")' in uploads
