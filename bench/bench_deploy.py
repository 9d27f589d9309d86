"""Load on several servers: ``python bench/bench_deploy.py [--sessions 30] [--out bench/results_deploy.md]``.

Two setups in the same run, one after the other:
  A. two ``streamlit run`` servers on one PostgreSQL (throw-away cluster, tests/pg.py) behind Debian's nginx
     with deploy/nginx.conf (tests/proxy.py);
  B. one server on SQLite (the single-machine default).
For each: one session alone (time to map, filter repaint), then ``--sessions`` concurrent sessions (fresh
browser contexts, one Chromium) that open the map and change the same filter. Reported: medians and p95
as ratios to the single session, errors (pages that failed, HTTP errors in nginx's log), how the sessions
spread over the servers, and each server's memory (RSS with children) afterwards.
A script, not a test: it asserts nothing. Needs what scripts/test.sh installs (chromium, postgresql, nginx).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import harness  # noqa: E402
import psutil  # noqa: E402
from pg import PgCluster  # noqa: E402
from proxy import COOKIE, start_nginx  # noqa: E402
from run import JS_MAP_READY, change_filter, discover_polygons  # noqa: E402

JS_HOOK = """() => {
  const A = window.asskomm; window.__benchApplied = 0;
  if (A && A.apply && !A.__benchWrapped) {
    const apply = A.apply; A.__benchWrapped = true;
    A.apply = function () { const out = apply.apply(this, arguments);
      if (!window.__benchApplied) requestAnimationFrame(() => { window.__benchApplied = Date.now(); });
      return out; };
  }
}"""


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def rss_mb(server: harness.StreamlitServer) -> float:
    proc = psutil.Process(server.process.pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


def sessions(browser: Any, url: str, n: int, polygons: int) -> dict[str, Any]:
    """Open ``n`` sessions at once, wait for each map; then one filter change on each. Times in ms."""
    # ignore_https_errors: the proxy (tests/proxy.py) has a certificate of a throw-away test CA
    contexts = [harness.new_context(browser, ignore_https_errors=True) for _ in range(n)]
    pages, errors = [], []
    for ctx in contexts:
        page = ctx.new_page()
        page.goto(url, wait_until="commit", timeout=120_000)
        pages.append(page)
    load, ok_pages = [], []
    for i, page in enumerate(pages):
        try:
            handle = page.wait_for_function(JS_MAP_READY, arg=polygons, polling=100, timeout=300_000)
            load.append(float(handle.json_value()))
            ok_pages.append(page)
        except Exception as exc:
            errors.append(f"Sitzung {i + 1}, Karte: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    starts: dict[int, float] = {}
    for i, page in enumerate(ok_pages):
        try:
            harness.wait_for_app_idle(page, timeout=120_000)
            frame = harness.map_frame(page)
            frame.evaluate(JS_HOOK)

            def mark(i=i, frame=frame) -> None:
                starts[i] = frame.evaluate("Date.now()")

            if not change_filter(page, 0, mark):
                errors.append(f"Sitzung {i + 1}: kein Filter gefunden")
        except Exception as exc:
            errors.append(f"Sitzung {i + 1}, Filter: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    repaint = []
    for i, page in enumerate(ok_pages):
        if i not in starts:
            continue
        try:
            frame = harness.map_frame(page)
            frame.wait_for_function("() => window.__benchApplied > 0", polling=100, timeout=300_000)
            repaint.append(float(frame.evaluate("window.__benchApplied")) - starts[i])
        except Exception as exc:
            errors.append(f"Sitzung {i + 1}, Neuzeichnen: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    cookies = [next((c["value"] for c in ctx.cookies() if c["name"] == COOKIE), None) for ctx in contexts]
    for ctx in contexts:
        ctx.close()
    return {"load": load, "repaint": repaint, "errors": errors, "cookies": cookies}


def measure(browser: Any, url: str, n: int, servers: list[harness.StreamlitServer], proxy: Any = None):
    for server in servers:  # warm every server directly (first geometry, caches), not only the proxy's pick
        warm = harness.new_context(browser)
        page = warm.new_page()
        page.goto(server.url + "/")
        polygons = discover_polygons(page, timeout_s=120)
        warm.close()
    solo = sessions(browser, url, 1, polygons)
    solo2 = sessions(browser, url, 1, polygons)
    many = sessions(browser, url, n, polygons)
    result = {
        "polygons": polygons,
        "solo_load": statistics.median(solo["load"] + solo2["load"]) if solo["load"] + solo2["load"] else None,
        "solo_repaint": statistics.median(solo["repaint"] + solo2["repaint"])
        if solo["repaint"] + solo2["repaint"] else None,
        "load": many["load"],
        "repaint": many["repaint"],
        "errors": solo["errors"] + solo2["errors"] + many["errors"],
        "rss": [rss_mb(s) for s in servers],
    }
    if proxy is not None:
        cookies = set(filter(None, many["cookies"]))
        entries = proxy.log_entries()
        per_session = {c: {u for ck, u, _s, _uri in entries if ck == c} for c in cookies}
        result["spread"] = Counter(next(iter(u)) if len(u) == 1 else "mehrere" for u in per_session.values())
        result["http_errors"] = [e for e in entries if e[2] not in ("200", "101", "304")]
    return result


def fmt(v: float | None, digits: int = 0) -> str:
    return "n/a" if v is None else f"{v:,.{digits}f}".replace(",", " ").replace(".", ",")


def report(results: dict[str, dict], n: int, started: dt.datetime) -> str:
    lines = [
        "# Last auf mehreren Servern (bench/bench_deploy.py)", "",
        f"Lauf: {started:%d.%m.%Y %H:%M} UTC, {platform.node()}, {os.cpu_count()} Kerne, "
        f"Last vorher {os.getloadavg()[0]:.1f}; {n} gleichzeitige Sitzungen.", "",
        "| Aufbau | Karte allein (ms) | Karte Median / p95 bei Last (ms) | p95 ÷ allein | Filter allein (ms) "
        "| Filter Median / p95 bei Last (ms) | p95 ÷ allein | Fehler | Speicher je Server (MB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        load_p95, rep_p95 = p95(r["load"]), p95(r["repaint"])
        lines.append(
            f"| {name} | {fmt(r['solo_load'])} | {fmt(statistics.median(r['load']) if r['load'] else None)} / "
            f"{fmt(load_p95)} | {fmt(load_p95 / r['solo_load'] if load_p95 and r['solo_load'] else None, 1)} | "
            f"{fmt(r['solo_repaint'])} | {fmt(statistics.median(r['repaint']) if r['repaint'] else None)} / "
            f"{fmt(rep_p95)} | {fmt(rep_p95 / r['solo_repaint'] if rep_p95 and r['solo_repaint'] else None, 1)} | "
            f"{len(r['errors']) + len(r.get('http_errors', []))} | {', '.join(fmt(m) for m in r['rss'])} |"
        )
    for name, r in results.items():
        if "spread" in r:
            lines += ["", f"{name}: Sitzungen je Server (laut nginx-Log): "
                      + ", ".join(f"{k}: {v}" for k, v in sorted(r["spread"].items()))]
        for err in (r["errors"] + [f"HTTP {e[2]} {e[3]}" for e in r.get("http_errors", [])])[:10]:
            lines.append(f"- {name}: {err}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results_deploy.md")
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    from playwright.sync_api import sync_playwright

    from asskomm.store.database import Store

    tmp = Path(tempfile.mkdtemp(prefix="asskomm-bench-deploy-"))
    cluster = PgCluster().start()
    started_servers: list[Any] = []
    results: dict[str, dict] = {}
    try:
        url = cluster.create_database("bench")
        store = Store(url)
        store.ensure_seeded()
        store.dispose()
        env = {"ASSKOMM_DB": url, "STREAMLIT_SERVER_COOKIE_SECRET": "bench-secret-0123456789abcdef"}
        pg_servers = [harness.start_streamlit(harness.ENTRYPOINT, env=env, name=f"bench-pg-{i}") for i in range(2)]
        started_servers += pg_servers
        proxy = start_nginx([s.port for s in pg_servers], tmp / "nginx")
        started_servers.append(proxy)
        with sync_playwright() as pw:
            browser = harness.launch_chromium(pw)
            results["2 Server + nginx, PostgreSQL"] = measure(browser, proxy.url + "/", args.sessions, pg_servers,
                                                              proxy)
            for s in [*pg_servers, proxy]:
                s.stop()
            lite = harness.start_streamlit(harness.ENTRYPOINT, db_path=tmp / "lite.db", name="bench-sqlite")
            started_servers.append(lite)
            results["1 Server, SQLite"] = measure(browser, lite.url + "/", args.sessions, [lite])
            browser.close()
    finally:
        for s in started_servers:
            s.stop()
        cluster.stop()
    text = report(results, args.sessions, started)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
