"""Two ``streamlit run`` servers on one PostgreSQL, and Debian's nginx with deploy/nginx.conf in front, with TLS.

* nginx speaks TLS 1.2/1.3 with forward-secret suites only (a throw-away CA from tests/tls.py, which Python
  trusts and Chromium is told to ignore explicitly: ``ignore_https_errors``); plain HTTP only redirects; HSTS
  on every response; every cookie (ours, nginx's, Streamlit's XSRF) is Secure;
* an edit in a browser on server 1 shows in a browser on server 2 at its next rerun;
* through the proxy (on a port other than 443): the map draws, a filter works, every request of a visit
  (page, assets, WebSocket) reaches one server; clients that differ only in their cookie spread over both
  servers; a sign-in lasts in a second tab and through a reload;
* the metrics are refused, oversized uploads and floods of sign-in page loads are cut off by nginx;
* stopping a server sends new sessions (and a reloaded page) to the other one.
The tests run in file order; the last two stop a server and exhaust the sign-in limit.
"""

from __future__ import annotations

import http.client
import re
import secrets
import socket
import ssl
import time
import urllib.error
import urllib.request
import warnings
from collections import Counter

import harness
import pytest
from proxy import CONFIG, COOKIE, NginxMissing, start_nginx
from test_browser_editing import HEADER, KOOP_COLOUR, _upload, choose, click, main_text, nav, open_kommune

from asskomm.store import accounts as auth
from asskomm.store.database import Store

pytestmark = [pytest.mark.postgres, pytest.mark.browser]
PASSWORD = "Bearbeiter-Pw-42"
KAMENZ = "14625250"


@pytest.fixture(scope="module")
def cluster(pg_cluster, tmp_path_factory):
    url = pg_cluster.create_database("app")
    store = Store(url)
    store.ensure_seeded()
    auth.Accounts(store).add("berta", PASSWORD, "bearbeiter", actor="test")
    store.dispose()
    env = {"ASSKOMM_DB": url, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16),
           "ASSKOMM_TRUSTED_PROXY": "127.0.0.1"}
    servers = []
    try:
        for i in range(2):
            servers.append(harness.start_streamlit(harness.ENTRYPOINT, env=env, name=f"cluster-{i}"))
        try:
            proxy = start_nginx([s.port for s in servers], tmp_path_factory.mktemp("nginx"))
        except NginxMissing as exc:
            harness.not_installed(str(exc))
        yield servers, proxy
        proxy.stop()
    finally:
        for s in servers:
            s.stop()


def _open(proxy, path, cookie=None, method="GET"):
    """(status, headers) of a request through the proxy's HTTPS, the test CA trusted."""
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    request = urllib.request.Request(proxy.url + path, headers=headers, method=method)  # noqa: S310 - 127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=20, context=proxy.ssl_context()) as response:  # noqa: S310
            return response.status, response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


def _get(proxy, path, cookie=None):
    _status, headers = _open(proxy, path, cookie)
    return headers.get("X-ASSKomm-Server"), headers.get_all("Set-Cookie") or []


def _context(browser):
    """A browser context for the proxy: its certificate is from the tests' own CA, so errors are ignored."""
    return harness.new_context(browser, ignore_https_errors=True)


def _sign_in(page, url):
    page.goto(url + "/anmelden")
    harness.wait_for_app_idle(page)
    page.get_by_label("Benutzername").fill("berta")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    click(page, page.get_by_role("button", name="Anmelden"), "Angemeldet als")


def _kamenz_colour(page):
    harness.wait_for_map(page, 400, timeout=90_000)
    return harness.map_frame(page).evaluate(f"() => window.asskomm.byAgs['{KAMENZ}'].options.fillColor")


def test_clients_that_differ_only_in_their_cookie_spread_over_both_servers(cluster):
    servers, proxy = cluster
    upstream, cookies = _get(proxy, "/_stcore/health")
    assert upstream and any(c.startswith(f"{COOKIE}=") and "HttpOnly" in c and "Secure" in c for c in cookies)
    seen = Counter(_get(proxy, "/_stcore/health", secrets.token_hex(16))[0] for _ in range(40))
    assert set(seen) == {f"127.0.0.1:{s.port}" for s in servers}, seen
    assert min(seen.values()) >= 8, seen  # not all on one server
    key = secrets.token_hex(16)
    same = [_get(proxy, "/_stcore/health", key) for _ in range(10)]
    assert len({upstream for upstream, _ in same}) == 1  # always the same server
    assert not any(c.startswith(f"{COOKIE}=") for _, cookies in same for c in cookies)  # no new cookie


def test_edit_on_one_server_shows_on_the_other(cluster, browser, screenshot):
    servers, _ = cluster
    viewer = harness.new_context(browser).new_page()
    viewer.goto(servers[1].url + "/")
    harness.wait_for_app_idle(viewer, timeout=90_000)
    assert _kamenz_colour(viewer).upper() != KOOP_COLOUR  # server 2 has read (and cached) the records

    editor = harness.new_context(browser).new_page()
    _sign_in(editor, servers[0].url)
    open_kommune(editor, "Kamenz")
    editor.get_by_role("textbox", name="Datum", exact=True).fill("2024-05-02")
    choose(editor, "Baustein", "Kooperationsvereinbarung")
    editor.get_by_role("textbox", name="Quelle", exact=True).fill("https://example.org/kamenz")
    click(editor, editor.get_by_role("button", name="Meilenstein anlegen"), "angelegt")
    assert "Kooperationsvereinbarung seit 02.05.2024" in main_text(editor)

    open_kommune(viewer, "Kamenz")  # the next rerun on server 2
    viewer.get_by_text("Kooperationsvereinbarung seit 02.05.2024").first.wait_for(timeout=30_000)
    screenshot("cluster-01-server2-sieht-aenderung", page=viewer)
    viewer.goto(servers[1].url + "/")
    harness.wait_for_app_idle(viewer, timeout=90_000)
    assert _kamenz_colour(viewer).upper() == KOOP_COLOUR
    viewer.context.close()
    editor.context.close()


def _open_via_proxy(context, proxy):
    page = context.new_page()
    page.goto(proxy.url + "/")
    harness.wait_for_app_idle(page, timeout=90_000)
    harness.wait_for_map(page, 400, timeout=90_000)
    harness.wait_for_app_idle(page)
    return page


def _upstreams_of(proxy, cookie):
    return Counter(upstream for c, upstream, _status, _uri in proxy.log_entries() if c == cookie)


def _cookie(context):
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def test_proxy_map_filter_and_sticky_session(cluster, browser, screenshot):
    _, proxy = cluster
    context = _context(browser)
    page = _open_via_proxy(context, proxy)
    cookie = _cookie(context)
    kpis = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    frame = harness.map_frame(page)
    applied = frame.evaluate("window.asskomm.applied")
    harness.choose_kreis(page, "Görlitz")
    frame.wait_for_function("(n) => window.asskomm && window.asskomm.applied > n", arg=applied)
    assert "kreis=14626" in page.url
    assert page.locator('[data-testid="stMetricValue"]').all_inner_texts() != kpis
    screenshot("cluster-02-proxy-filter", page=page)
    context.close()  # nginx logs the WebSocket when it closes
    # every request of this visit, the WebSocket included, went to one server
    deadline = time.monotonic() + 10
    while not any("/_stcore/stream" in e[3] for e in proxy.log_entries() if e[0] == cookie):
        assert time.monotonic() < deadline, proxy.log_entries()[-10:]
        time.sleep(0.2)
    entries = [e for e in proxy.log_entries() if e[0] == cookie]
    assert any("/static/" in uri or "/component/" in uri for *_, uri in entries)
    assert len(_upstreams_of(proxy, cookie)) == 1, _upstreams_of(proxy, cookie)
    # the first response (the page itself, without a cookie) was served by that same server
    first = next(e for e in proxy.log_entries() if e[0] == "-" and e[3] == "/")
    assert first[1] in _upstreams_of(proxy, cookie)


def test_sign_in_and_import_upload_through_the_proxy(cluster, browser, tmp_path, screenshot):
    """An upload is a plain HTTP request (/_stcore/upload_file/…): it must reach the server of the WebSocket.

    Through the proxy on a port other than 443, the sign-in cookie route must accept the browser's Origin
    (nginx passes the Host with its port), so the sign-in lasts in a second tab and through a reload."""
    _, proxy = cluster
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, proxy.url)
    page.wait_for_function("() => document.documentElement.dataset.asskommSitzung === 'aktiv'", timeout=30_000)
    cookies = {c["name"]: c for c in context.cookies()}
    assert {"asskomm_sitzung", COOKIE, "_streamlit_xsrf"} <= set(cookies), cookies
    assert all(c["secure"] for c in cookies.values()), cookies  # every cookie behind TLS
    assert cookies["asskomm_sitzung"]["httpOnly"] and cookies["asskomm_sitzung"]["sameSite"] == "Strict"
    assert cookies[COOKIE]["httpOnly"] and cookies[COOKIE]["sameSite"] == "Lax"
    second = context.new_page()
    second.goto(proxy.url + "/kommune")
    harness.wait_for_app_idle(second, timeout=90_000)
    second.locator('[data-testid="stSidebar"]').get_by_text("Angemeldet als").wait_for(timeout=30_000)
    second.reload()
    harness.wait_for_app_idle(second, timeout=90_000)
    second.locator('[data-testid="stSidebar"]').get_by_text("Angemeldet als").wait_for(timeout=30_000)
    second.close()
    nav(page, "Import")
    _upload(page, tmp_path, "proxy.csv", HEADER + "14627010;;;beratung;2024-03-05;jugend;;https://example.org/p;;\n")
    assert "Import übernehmen" in main_text(page)
    click(page, page.get_by_role("button", name="Import übernehmen"), "Import gespeichert")
    assert "Import gespeichert: 1 neue" in main_text(page)
    screenshot("cluster-04-import-ueber-proxy", page=page)
    cookie = _cookie(context)
    context.close()
    uploads = [e for e in proxy.log_entries() if e[0] == cookie and "/_stcore/upload_file" in e[3]]
    assert uploads and all(e[2] in ("200", "204") for e in uploads), uploads
    assert len(_upstreams_of(proxy, cookie)) == 1


def _handshake(proxy, **kwargs):
    """(protocol, cipher) of a TLS handshake with the proxy, or the error."""
    context = proxy.ssl_context(**kwargs)
    try:
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as raw, \
                context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return tls.version(), tls.cipher()[0]
    except (ssl.SSLError, OSError) as exc:
        return "refused", str(exc)


def test_tls_versions_and_cipher_suites(cluster):
    _, proxy = cluster
    version, cipher = _handshake(proxy, minimum=ssl.TLSVersion.TLSv1_3)
    assert version == "TLSv1.3" and cipher in ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"), cipher
    version, cipher = _handshake(proxy, maximum=ssl.TLSVersion.TLSv1_2)
    assert version == "TLSv1.2" and cipher.startswith("ECDHE-") and "GCM" in cipher, cipher
    # no key exchange without forward secrecy, no CBC, no ChaCha20, nothing older than TLS 1.2
    # (the server refuses: its alert, not a client-side error)
    for ciphers in ("AES128-GCM-SHA256:AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384",
                    "ECDHE-ECDSA-CHACHA20-POLY1305"):
        refused = _handshake(proxy, maximum=ssl.TLSVersion.TLSv1_2, ciphers=ciphers)
        assert refused[0] == "refused" and "ALERT_HANDSHAKE_FAILURE" in refused[1], (ciphers, refused)
    with warnings.catch_warnings():  # ssl.TLSVersion.TLSv1_1 is deprecated: exactly what is tried here
        warnings.simplefilter("ignore", DeprecationWarning)
        old = _handshake(proxy, minimum=ssl.TLSVersion.TLSv1_1, maximum=ssl.TLSVersion.TLSv1_1,
                         ciphers="DEFAULT:@SECLEVEL=0")
    assert old[0] == "refused" and "ALERT_PROTOCOL_VERSION" in old[1], old


def test_plain_http_only_redirects_and_hsts_is_on_every_response(cluster):
    _, proxy = cluster
    for method in ("GET", "POST"):
        connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=20)
        connection.request(method, "/kommune?ags=14626110", headers={"Host": f"127.0.0.1:{proxy.http_port}"})
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 301, method
        assert response.getheader("Location") == f"{proxy.url}/kommune?ags=14626110"
        assert response.getheader("X-ASSKomm-Server") is None  # no app server was asked
    for path in ("/", "/_stcore/health", "/gibt-es-nicht", "/_stcore/metrics"):
        status, headers = _open(proxy, path)
        assert headers["Strict-Transport-Security"] == "max-age=31536000", (path, status)


def test_metrics_are_refused_except_for_the_monitoring_address(cluster):
    servers, proxy = cluster
    for path in ("/_stcore/metrics", "/_stcore/metrics?format=text", "//_stcore/metrics", "/_stcore/%6detrics",
                 "/_stcore/./metrics", "/x/../_stcore/metrics"):
        connection = http.client.HTTPSConnection("127.0.0.1", proxy.port, timeout=20, context=proxy.ssl_context())
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status == 403, (path, response.status, body[:100])
    with urllib.request.urlopen(servers[0].url + "/_stcore/metrics", timeout=20) as response:  # noqa: S310
        assert response.status == 200  # the app server itself answers: nginx is what refuses
    assert "allow 127.0.0.1;  # test: monitor\n            deny all;" in CONFIG.read_text()


def test_large_token_cookies_pass_the_proxy(cluster):
    """An identity provider's sign-in can leave cookies of tens of KB (streamlit#14290); nginx's default 8 KB
    header buffers would answer 400."""
    _, proxy = cluster
    connection = http.client.HTTPSConnection("127.0.0.1", proxy.port, timeout=20, context=proxy.ssl_context())
    connection.request("GET", "/_stcore/health", headers={"Cookie": "_streamlit_user=" + "a" * 40_000})
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 200


def test_nginx_refuses_oversized_uploads(cluster):
    _, proxy = cluster
    connection = http.client.HTTPSConnection("127.0.0.1", proxy.port, timeout=20, context=proxy.ssl_context())
    connection.putrequest("PUT", "/_stcore/upload_file/sitzung/datei")
    connection.putheader("Content-Length", str(12 * 1024 * 1024))
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.endheaders()
    response = connection.getresponse()  # nginx answers from the header alone, before any of the body
    response.read()
    connection.close()
    assert response.status == 413
    status, _headers = _open(proxy, "/api/sitzung", method="POST")  # small routes: 64 KB at most
    assert status in (403, 411)


def test_stopping_a_server_sends_new_sessions_to_the_other(cluster, browser, screenshot):
    servers, proxy = cluster
    context = _context(browser)
    page = _open_via_proxy(context, proxy)
    cookie = _cookie(context)
    (used,) = _upstreams_of(proxy, cookie)
    victim = next(s for s in servers if used.endswith(f":{s.port}"))
    survivor = next(s for s in servers if s is not victim)
    victim.stop()
    # the visit that lived on the stopped server: a reload lands on the other one and works
    page.reload()
    harness.wait_for_app_idle(page, timeout=90_000)
    harness.wait_for_map(page, 400, timeout=90_000)
    assert _upstreams_of(proxy, cookie)[f"127.0.0.1:{survivor.port}"] > 0
    context.close()
    # new visitors all go to the survivor, also those whose key would hash to the stopped server
    for _ in range(3):
        ctx = _context(browser)
        fresh = _open_via_proxy(ctx, proxy)
        assert set(_upstreams_of(proxy, _cookie(ctx))) == {f"127.0.0.1:{survivor.port}"}
        if _ == 0:
            screenshot("cluster-03-nach-ausfall", page=fresh)
        ctx.close()
    assert not re.search(r"\[(emerg|crit|alert)\]", (proxy.prefix / "error.log").read_text())


def test_a_flood_of_sign_in_page_loads_is_cut_off_per_client(cluster):
    """Last: it uses up this client's allowance for the sign-in routes (30 a minute, 20 at once)."""
    _, proxy = cluster
    statuses = Counter(_open(proxy, "/anmelden")[0] for _ in range(40))
    assert statuses[429] >= 10 and statuses[200] >= 20, statuses
    assert _open(proxy, "/")[0] == 200  # the map is not limited by that
