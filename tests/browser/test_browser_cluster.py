"""Two ``streamlit run`` servers on one PostgreSQL, and Debian's nginx with deploy/nginx.conf in front.

* an edit in a browser on server 1 shows in a browser on server 2 at its next rerun;
* through the proxy: the map draws, a filter works, every request of a visit (page, assets, WebSocket)
  reaches one server; clients that differ only in their cookie spread over both servers;
* stopping a server sends new sessions (and a reloaded page) to the other one.
The tests run in file order; the last one stops a server.
"""

from __future__ import annotations

import re
import secrets
import time
import urllib.request
from collections import Counter

import harness
import pytest
from proxy import COOKIE, NginxMissing, start_nginx
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
    env = {"ASSKOMM_DB": url, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16)}
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


def _get(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})  # noqa: S310 - http://127.0.0.1 only
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        return response.headers.get("X-ASSKomm-Server"), response.headers.get_all("Set-Cookie") or []


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
    upstream, cookies = _get(proxy.url + "/_stcore/health")
    assert upstream and any(c.startswith(f"{COOKIE}=") and "HttpOnly" in c for c in cookies)
    seen = Counter(_get(proxy.url + "/_stcore/health", secrets.token_hex(16))[0] for _ in range(40))
    assert set(seen) == {f"127.0.0.1:{s.port}" for s in servers}, seen
    assert min(seen.values()) >= 8, seen  # not all on one server
    key = secrets.token_hex(16)
    same = [_get(proxy.url + "/_stcore/health", key) for _ in range(10)]
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
    context = harness.new_context(browser)
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
    """An upload is a plain HTTP request (/_stcore/upload_file/…): it must reach the server of the WebSocket."""
    _, proxy = cluster
    context = harness.new_context(browser)
    page = context.new_page()
    _sign_in(page, proxy.url)
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


def test_stopping_a_server_sends_new_sessions_to_the_other(cluster, browser, screenshot):
    servers, proxy = cluster
    context = harness.new_context(browser)
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
        ctx = harness.new_context(browser)
        fresh = _open_via_proxy(ctx, proxy)
        assert set(_upstreams_of(proxy, _cookie(ctx))) == {f"127.0.0.1:{survivor.port}"}
        if _ == 0:
            screenshot("cluster-03-nach-ausfall", page=fresh)
        ctx.close()
    assert not re.search(r"\[(emerg|crit|alert)\]", (proxy.prefix / "error.log").read_text())
