"""Benchmark of the dashboard in a real browser: ``python bench/run.py [--runs 5] [--sessions 3]``.

Starts ``bench/minimal_app.py`` and ``dashboard.py`` (temporary database) side by side, drives Debian's
Chromium with Playwright and writes ``bench/results.md`` (see bench/README.md for what each figure means).
A script, not a test: nothing here asserts a target; the figures are for people comparing runs.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import harness  # noqa: E402  (tests/harness.py: server, browser and wait helpers)

BENCH_DIR = ROOT / "bench"
OUT_DIR = BENCH_DIR / "out"  # server logs, screenshots (gitignored)
MINIMAL_APP = "bench/minimal_app.py"
MINIMAL_MAP_APP = "bench/minimal_map_app.py"  # baseline for the filter-change latency
KOMMUNE_PATH = "kommune?ags=14626110"  # a town page whose locator map is timed

# Ready = the script finished, nothing is busy or stale, and the main area drew at least one element.
JS_APP_READY = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning'
      || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector(%(busy)r)) return false;
  if (!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')) return false;
  return performance.now();
}
"""
# Count of drawn Leaflet paths in the (same-origin) map iframe, from the top document.
JS_POLYGONS = """
() => {
  const f = document.querySelector(%(iframe)r);
  const d = f && f.contentDocument;
  return d ? d.querySelectorAll(%(poly)r).length : -1;
}
"""
JS_MAP_READY = """
(n) => {
  const f = document.querySelector(%(iframe)r);
  const d = f && f.contentDocument;
  return d && d.querySelectorAll(%(poly)r).length >= n ? performance.now() : false;
}
"""
_subst = {"busy": harness.SEL_BUSY, "iframe": harness.SEL_MAP_IFRAME, "poly": harness.SEL_POLYGON}
JS_APP_READY %= _subst
JS_POLYGONS %= _subst
JS_MAP_READY %= _subst


# ===================================================================================================
# DASHBOARD ENGINEER: point this at the real filter widget.
# ---------------------------------------------------------------------------------------------------
def change_filter(page: Any, run: int, mark: Callable[[], None]) -> bool:
    """Make ONE filter change on the dashboard's start page that repaints the map; return True if done.

    Called once per measured run (``run`` = 0, 1, 2, ...) on a freshly opened start page, so the same
    change can be made every time. Return False when the widget is not there: the latency is then "n/a".
    Call ``mark()`` right before the action that triggers the rerun (the click, the Enter key): the
    latency is measured from there until the map iframe stops changing (without ``mark()``: from the call).

    Now: picks the Kreis "Görlitz" in the sidebar's multiselect labelled "Kreis" (asskomm/ui/sidebar.py).
    Dashboard engineer: adjust the label/option here if the sidebar changes.
    """
    sidebar = page.get_by_test_id("stSidebar")
    box = sidebar.get_by_test_id("stMultiSelect").filter(has_text="Kreis").first
    try:
        box.wait_for(state="visible", timeout=2_000)
    except Exception:
        return False
    box.locator("input").first.click()
    page.keyboard.type("Görlitz")
    option = page.get_by_role("option").filter(has_text="Görlitz").first
    option.wait_for(state="visible", timeout=10_000)
    mark()
    option.click()
    page.keyboard.press("Escape")
    return True


# ===================================================================================================

# A remote office on a VPN or a meeting room's Wi-Fi: 10 Mbit/s down, 5 Mbit/s up, 20 ms latency
# (Chromium's network emulation; it also slows the WebSocket).
SLOW_LINK = {"offline": False, "latency": 20, "downloadThroughput": 10e6 / 8, "uploadThroughput": 5e6 / 8}


@dataclass
class Figures:
    minimal_ready_ms: list[float] = field(default_factory=list)
    dashboard_ready_ms: list[float] = field(default_factory=list)  # map complete, or app ready if no map
    minimal_bytes: list[int] = field(default_factory=list)
    dashboard_bytes: list[int] = field(default_factory=list)
    dashboard_ws_bytes: list[int] = field(default_factory=list)
    minimal_ws_bytes: list[int] = field(default_factory=list)
    map_asset_bytes: list[int] = field(default_factory=list)  # component iframe + /app/static requests
    largest: list[tuple[str, int]] = field(default_factory=list)  # biggest HTTP downloads of the dashboard
    filter_ms: list[float] = field(default_factory=list)
    filter_settled_ms: list[float] = field(default_factory=list)  # incl. the zoom to the chosen Kreis
    minimal_map_filter_ms: list[float] = field(default_factory=list)  # the same change on minimal_map_app
    minimal_map_ready_ms: list[float] = field(default_factory=list)  # minimal_map_app: its polygon drawn
    filter_ws_bytes: list[int] = field(default_factory=list)  # WebSocket bytes one filter change brings
    slow_ready_ms: list[float] = field(default_factory=list)  # the same on a slow link (SLOW_LINK)
    slow_filter_ms: list[float] = field(default_factory=list)
    presentation_ready_ms: list[float] = field(default_factory=list)  # /?praesentation=1: all polygons
    kommune_ready_ms: list[float] = field(default_factory=list)  # /kommune?ags=…: its locator map drawn
    filter_remounts: int = 0
    filter_norepaint: int = 0
    polygons: int = 0
    has_map: bool = False
    rss_base_mb: float = 0.0
    rss_per_session_mb: float | None = None
    sessions: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def kb_or_none(value: float | None) -> float | None:
    return value / 1024 if value is not None else None


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def fmt(value: float | None, unit: str = "", digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{unit}".replace(",", " ")


# ------------------------------------------------------------------------------------------ measuring


def open_and_wait(
    context: Any, url: str, *, want_polygons: int | None, timeout_ms: float = 90_000, network: dict | None = None
):
    """Open ``url`` in a new page of ``context``; return (page, ms from navigation start to ready).

    ``network``: conditions for Chromium's network emulation (e.g. ``SLOW_LINK``), set before the page loads.
    """
    page = context.new_page()
    if network:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network)
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    if want_polygons:
        handle = page.wait_for_function(JS_MAP_READY, arg=want_polygons, polling="raf", timeout=timeout_ms)
    else:
        handle = page.wait_for_function(JS_APP_READY, polling="raf", timeout=timeout_ms)
    return page, float(handle.json_value())


def discover_polygons(page: Any, settle_s: float = 2.0, timeout_s: float = 30.0) -> int:
    """After the app is ready: wait for a map iframe and return its polygon count once stable (0 = no map)."""
    harness.wait_for_app_idle(page)
    deadline = time.monotonic() + timeout_s
    last, stable_since = -2, time.monotonic()
    while time.monotonic() < deadline:
        count = page.evaluate(JS_POLYGONS)
        if count != last:
            last, stable_since = count, time.monotonic()
        elif time.monotonic() - stable_since >= settle_s:
            break
        time.sleep(0.1)
    return max(last, 0)


def transfer(recorder: harness.Recorder) -> tuple[int, int, int]:
    """(HTTP bytes, WebSocket bytes received, bytes of map assets) seen by ``recorder`` so far."""
    sizes = recorder.sizes()
    http = sum(size for _, size in sizes)
    map_assets = sum(size for url, size in sizes if "/component/" in url or "/app/static/" in url)
    return http, recorder.ws_received_bytes, map_assets


def measure_filter_change(page: Any, run: int) -> tuple[float | None, float | None, bool]:
    """(ms until the map was repainted, ms until the map stopped changing, remounted?).

    Repainted = the map's controller applied the new state (``window.asskomm.apply``) and the browser
    drew the next frame. Stopped changing = no DOM change in the iframe for 300 ms; with a Kreis filter
    this includes the map's zoom to that Kreis (an animation, not waiting time for the user).
    (None, None, False) if ``change_filter`` found no widget; (-1, -1, False) if the map did not change.
    """
    frame = harness.map_frame(page)
    frame.evaluate(
        """() => {
          window.__benchMarker = true;
          window.__benchLastMutation = Date.now();
          window.__benchApplied = 0;
          new MutationObserver(() => { window.__benchLastMutation = Date.now(); })
            .observe(document.body, {subtree: true, childList: true, attributes: true});
          const A = window.asskomm;
          if (A && A.apply) {
            const apply = A.apply;
            A.apply = function () {
              const out = apply.apply(this, arguments);
              if (!window.__benchApplied) {
                requestAnimationFrame(() => { window.__benchApplied = Date.now(); });
              }
              return out;
            };
          }
        }"""
    )
    start = page.evaluate("Date.now()")

    def mark() -> None:
        nonlocal start
        start = page.evaluate("Date.now()")

    if not change_filter(page, run, mark):
        return None, None, False
    harness.wait_for_app_idle(page)
    frame = harness.map_frame(page)
    if not frame.evaluate("() => window.__benchMarker === true"):
        harness.wait_for_map(page, 1)
        elapsed = float(page.evaluate("Date.now()") - start)
        return elapsed, elapsed, True
    # Quiet for 300 ms = repaint done. No mutation at all after the change = the map did not repaint.
    frame.wait_for_function("() => Date.now() - window.__benchLastMutation > 300", polling=50, timeout=30_000)
    last, applied = frame.evaluate("[window.__benchLastMutation, window.__benchApplied]")
    if last < start:
        return -1.0, -1.0, False  # the map did not change at all
    repaint = float(applied - start) if applied >= start else float(last - start)
    return repaint, float(last - start), False


def _open_and_filter(browser: Any, url: str, want: int | None, run: int, ready_ms: list[float],
                     filter_ms: list[float], network: dict | None = None) -> None:
    """In a fresh context: time until ``want`` polygons are drawn, then one filter change (its latency)."""
    ctx = harness.new_context(browser)
    page, ms = open_and_wait(ctx, url, want_polygons=want, network=network)
    ready_ms.append(ms)
    harness.wait_for_app_idle(page)
    latency, _, _ = measure_filter_change(page, run)
    if latency is not None and latency >= 0:
        filter_ms.append(latency)
    ctx.close()


def run_browser_part(
    args: argparse.Namespace, figs: Figures, minimal: Any, dashboard: Any, minimal_map: Any = None
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = harness.launch_chromium(pw)
        figs.extra["chromium"] = browser.version

        # Warm-up (server imports and caches), and find out how many polygons "all" is.
        for url in (minimal.url, dashboard.url):
            ctx = harness.new_context(browser)
            page, ms = open_and_wait(ctx, url, want_polygons=None)
            if url == dashboard.url:
                figs.extra["dashboard_first_load_ms"] = ms
                figs.polygons = args.polygons or discover_polygons(page)
                figs.has_map = figs.polygons > 0
                with contextlib.suppress(Exception):
                    harness.save_screenshot(page, "bench-dashboard", directory=OUT_DIR)
            ctx.close()

        want = figs.polygons if figs.has_map else None
        for run in range(args.runs):
            # Minimal page and dashboard alternate, each in a fresh context (empty browser cache).
            for url, ready, nbytes, wsbytes in (
                (minimal.url, figs.minimal_ready_ms, figs.minimal_bytes, figs.minimal_ws_bytes),
                (dashboard.url, figs.dashboard_ready_ms, figs.dashboard_bytes, figs.dashboard_ws_bytes),
            ):
                ctx = harness.new_context(browser)
                rec = harness.Recorder().attach(ctx)
                page, ms = open_and_wait(ctx, url, want_polygons=want if url == dashboard.url else None)
                ready.append(ms)
                harness.wait_for_app_idle(page)
                with contextlib.suppress(Exception):
                    page.wait_for_load_state("networkidle", timeout=5_000)
                http, ws, assets = transfer(rec)
                nbytes.append(http)
                wsbytes.append(ws)
                if url == dashboard.url:
                    figs.map_asset_bytes.append(assets)
                    figs.largest = sorted(rec.sizes(), key=lambda item: -item[1])[:8]
                    if figs.has_map:
                        before = rec.ws_received_bytes
                        latency, settled, remounted = measure_filter_change(page, run)
                        figs.filter_ws_bytes.append(rec.ws_received_bytes - before)
                        if latency is not None and latency < 0:
                            figs.filter_norepaint += 1
                        elif latency is not None:
                            figs.filter_ms.append(latency)
                            figs.filter_settled_ms.append(settled)
                            figs.filter_remounts += int(remounted)
                ctx.close()
            if figs.has_map:
                # The dashboard on a slow link, in a fresh context: map shown, then one filter change.
                _open_and_filter(browser, dashboard.url, want, run, figs.slow_ready_ms, figs.slow_filter_ms,
                                 network=SLOW_LINK)
            if minimal_map is not None and figs.has_map:
                _open_and_filter(browser, minimal_map.url, 1, run, figs.minimal_map_ready_ms,
                                 figs.minimal_map_filter_ms)
            if figs.has_map:
                # The meeting view and a town's page, each in a fresh context (issue 18's further targets).
                for url, want_here, into in (
                    (dashboard.url.rstrip("/") + "/?praesentation=1", want, figs.presentation_ready_ms),
                    (dashboard.url.rstrip("/") + "/" + KOMMUNE_PATH, 1, figs.kommune_ready_ms),
                ):
                    ctx = harness.new_context(browser)
                    try:
                        page, ms = open_and_wait(ctx, url, want_polygons=want_here)
                        into.append(ms)
                    except Exception as exc:  # a page that never draws its map is a finding, not a crash
                        figs.errors.append(f"{url}: {type(exc).__name__}: {str(exc)[:300]}")
                    ctx.close()
            print(
                f"run {run + 1}/{args.runs}: minimal {figs.minimal_ready_ms[-1]:.0f} ms, "
                f"dashboard {figs.dashboard_ready_ms[-1]:.0f} ms",
                flush=True,
            )

        # Memory: RSS of the dashboard server after 1 session, then after `sessions` more.
        contexts = []
        try:
            for i in range(args.sessions + 1):
                ctx = harness.new_context(browser)
                contexts.append(ctx)
                page, _ = open_and_wait(ctx, dashboard.url, want_polygons=want)
                harness.wait_for_app_idle(page)
                if i == 0:
                    time.sleep(1.0)
                    rss_one = dashboard.rss_bytes()
            time.sleep(2.0)
            rss_many = dashboard.rss_bytes()
            figs.sessions = args.sessions
            figs.rss_base_mb = rss_one / 2**20
            figs.rss_per_session_mb = (rss_many - rss_one) / args.sessions / 2**20
        finally:
            for ctx in contexts:
                ctx.close()
        browser.close()


def run_module(name: str) -> Any:
    """Call ``bench/<name>.py: run()`` if that file exists (others write them); None if it does not."""
    path = BENCH_DIR / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses in the module look themselves up there
    spec.loader.exec_module(module)
    return module.run()


# ------------------------------------------------------------------------------------------- reporting


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        import psutil

        ram = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except Exception:
        ram = "?"
    return {"cores": str(os.cpu_count()), "RAM": ram, "CPU": cpu, "OS": platform.platform()}


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("streamlit", "folium", "streamlit-folium", "geopandas", "pandas", "playwright"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def render_result(value: Any) -> list[str]:
    """Markdown lines for what a bench module's run() returned (dict, list of dicts, text, ...)."""
    if value is None:
        return ["(module not present yet)"]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return ["| figure | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in value.items()]
    if isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value):
        keys = list(dict.fromkeys(k for row in value for k in row))
        lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        return lines + ["| " + " | ".join(str(row.get(k, "")) for k in keys) + " |" for row in value]
    return [f"`{value!r}`"]


def write_results(path: Path, args: argparse.Namespace, figs: Figures, started: dt.datetime) -> str:
    kb = 1024
    m_min, m_dash = median(figs.minimal_ready_ms), median(figs.dashboard_ready_ms)
    ratio = m_dash / m_min if m_min and m_dash else None
    b_min, b_dash = median(figs.minimal_bytes), median(figs.dashboard_bytes)
    ws_min, ws_dash = median(figs.minimal_ws_bytes), median(figs.dashboard_ws_bytes)
    extra_bytes = map_bytes = None
    if None not in (b_min, b_dash, ws_min, ws_dash):
        extra_bytes = (b_dash + ws_dash) - (b_min + ws_min)
        if figs.has_map and figs.map_asset_bytes:
            map_bytes = median(figs.map_asset_bytes) + ws_dash - ws_min
    what = f"map shows all {figs.polygons} polygons" if figs.has_map else "app ready (NO MAP on the page yet)"
    filt = median(figs.filter_ms)
    filt_min = median(figs.minimal_map_filter_ms)
    m_map = median(figs.minimal_map_ready_ms)
    map_floor = m_map / m_min if m_map and m_min else None
    map_vs_floor = m_dash / m_map if m_map and m_dash else None
    filter_ratio = filt / filt_min if filt and filt_min else None
    m_pres, m_kom = median(figs.presentation_ready_ms), median(figs.kommune_ready_ms)

    def ratio_of(a: float | None, b: float | None) -> float | None:
        return a / b if a and b else None

    lines = [
        "# Benchmark results",
        "",
        f"Written by `python bench/run.py --runs {args.runs} --sessions {args.sessions}` "
        f"on {started:%Y-%m-%d %H:%M} (took {(dt.datetime.now() - started).total_seconds():.0f} s). "
        "Medians of the runs; compare the ratios over time, not raw times.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in machine().items()],
        f"- Chromium: {figs.extra.get('chromium', '?')}",
        "",
        "## Versions",
        "",
        *[f"- {k}: {v}" for k, v in versions().items()],
        "",
        "## Figures",
        "",
        "| figure | median | target (issue 5) |",
        "|---|---|---|",
        f"| minimal page ready (ms after navigation start) | {fmt(m_min)} | — |",
        f"| dashboard: {what} (ms) | {fmt(m_dash)} | — |",
        f"| **ratio dashboard / minimal page** | **{fmt(ratio, digits=2)}** | ≤ 1.3 |",
        f"| minimal st_folium page: its map drawn (ms; `bench/minimal_map_app.py`) | {fmt(m_map)} | — |",
        f"| … ratio minimal map page / minimal page (what any st_folium map costs) | {fmt(map_floor, digits=2)} | — |",
        f"| **… ratio dashboard / minimal map page** | **{fmt(map_vs_floor, digits=2)}** | ≤ 1.25 (issue 18) |",
        f"| `/?praesentation=1` (meeting view): map shows all polygons (ms) | {fmt(m_pres)} | — |",
        f"| **… ratio meeting view / minimal map page** | **{fmt(ratio_of(m_pres, m_map), digits=2)}** | ≤ 1.15 |",
        f"| `/{KOMMUNE_PATH}`: its locator map drawn (ms) | {fmt(m_kom)} | — |",
        f"| **… ratio town page / minimal map page** | **{fmt(ratio_of(m_kom, m_map), digits=2)}** | ≤ 1.3 |",
        f"| filter change → map repainted (ms) | {fmt(filt)}"
        + (f" ({figs.filter_remounts} remount(s) in {len(figs.filter_ms)} changes)" if figs.filter_ms else "")
        + (f"; {figs.filter_norepaint} change(s) without any repaint" if figs.filter_norepaint else "")
        + " | ≤ 300, no remount |",
        f"| … until the map is still, incl. its zoom to the chosen Kreis (ms) | "
        f"{fmt(median(figs.filter_settled_ms))} | — |",
        f"| … WebSocket bytes that one filter change brings (KB) | {fmt(kb_or_none(median(figs.filter_ws_bytes)))} | ≤ 60 |",
        f"| on a slow link (10 Mbit/s down, 5 up, 20 ms): dashboard map shows all polygons (ms) | "
        f"{fmt(median(figs.slow_ready_ms))} | — |",
        f"| on a slow link: filter change → map repainted (ms) | {fmt(median(figs.slow_filter_ms))} | — |",
        f"| the same change on a minimal st_folium page (`bench/minimal_map_app.py`, ms) | "
        f"{fmt(median(figs.minimal_map_filter_ms))} | — |",
        f"| **ratio filter repaint dashboard / minimal map page** | **{fmt(filter_ratio, digits=2)}** | ≤ 1.4 (issue 18) |",
        f"| **bytes for the map**: map assets over HTTP + WebSocket beyond the minimal page (KB) | "
        f"**{fmt(map_bytes / kb if map_bytes is not None else None)}** | ≤ 700 |",
        f"| … map assets over HTTP (component iframe, /app/static) (KB) | "
        f"{fmt(median(figs.map_asset_bytes) / kb if figs.map_asset_bytes else None)} | — |",
        f"| … WebSocket received, dashboard vs. minimal (KB) | "
        f"{fmt(ws_dash / kb if ws_dash is not None else None)} vs. {fmt(ws_min / kb if ws_min is not None else None)} | — |",
        f"| total downloaded over HTTP, dashboard vs. minimal (KB) | "
        f"{fmt(b_dash / kb if b_dash is not None else None)} vs. {fmt(b_min / kb if b_min is not None else None)} | — |",
        f"| whole page beyond the minimal page, HTTP + WebSocket (KB) | "
        f"{fmt(extra_bytes / kb if extra_bytes is not None else None)} | — |",
        f"| dashboard server RSS with 1 session (MB) | {fmt(figs.rss_base_mb, digits=1)} | — |",
        f"| server memory per additional session (MB, RSS delta over {figs.sessions}) | "
        f"{fmt(figs.rss_per_session_mb, digits=1)} | — |",
        f"| dashboard first load after server start (ms, not a median) | "
        f"{fmt(figs.extra.get('dashboard_first_load_ms'))} | — |",
        "",
        "Raw runs (ms): minimal "
        + ", ".join(f"{v:.0f}" for v in figs.minimal_ready_ms)
        + "; dashboard "
        + ", ".join(f"{v:.0f}" for v in figs.dashboard_ready_ms)
        + ("; filter " + ", ".join(f"{v:.0f}" for v in figs.filter_ms) if figs.filter_ms else "")
        + ("; meeting view " + ", ".join(f"{v:.0f}" for v in figs.presentation_ready_ms)
           if figs.presentation_ready_ms else "")
        + ("; town page " + ", ".join(f"{v:.0f}" for v in figs.kommune_ready_ms) if figs.kommune_ready_ms else "")
        + (
            "; minimal map filter " + ", ".join(f"{v:.0f}" for v in figs.minimal_map_filter_ms)
            if figs.minimal_map_filter_ms
            else ""
        )
        + ".",
        "",
        "The WebSocket carries all of the script's output (map HTML and data, but also KPIs and the table); "
        "extra HTTP beyond the minimal page is mostly Streamlit's own lazily loaded front-end code for "
        "other elements. Largest HTTP downloads of the dashboard (last run):",
        "",
        *[f"- {size / kb:,.0f} KB {url.split('?')[0]}" for url, size in figs.largest],
        "",
    ]
    if not figs.filter_ms:
        lines += [
            "Filter latency is n/a until `change_filter()` in bench/run.py is pointed at the dashboard's "
            "filter widget" + ("" if figs.has_map else " (and the page has a map)") + ".",
            "",
        ]
    for title, key in (
        ("Concurrency: 20 first views at once over the WebSocket (bench/load.py; target: ratios ≤ 1.5)", "load"),
        ("Where the time goes (bench/phases.py, medians in ms)", "phases"),
        ("Import throughput (bench/bench_import.py)", "import"),
        ("Geo load (bench/bench_geo.py)", "geo"),
    ):
        lines += [f"## {title}", "", *render_result(figs.extra.get(key)), ""]
    if figs.errors:
        lines += ["## Errors", "", *[f"```\n{e}\n```" for e in figs.errors], ""]
    text = "\n".join(lines)
    path.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured page loads per page (median; ≥5)")
    parser.add_argument(
        "--sessions", type=int, default=3, help="extra browser sessions for the memory figure"
    )
    parser.add_argument(
        "--polygons", type=int, default=0, help="polygons that make the map complete (0: find out)"
    )
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results.md")
    parser.add_argument("--skip-modules", action="store_true", help="do not run bench_import / bench_geo")
    args = parser.parse_args(argv)
    started = dt.datetime.now()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    figs = Figures()

    db = Path(tempfile.mkdtemp(prefix="asskomm-bench-")) / "asskomm.sqlite"
    servers = []
    try:
        minimal = harness.start_streamlit(
            MINIMAL_APP, log_path=OUT_DIR / "minimal-server.log", name="minimal"
        )
        servers.append(minimal)
        dashboard = harness.start_streamlit(
            harness.ENTRYPOINT, db_path=db, log_path=OUT_DIR / "dashboard-server.log", name="dashboard"
        )
        servers.append(dashboard)
        minimal_map = harness.start_streamlit(
            MINIMAL_MAP_APP, log_path=OUT_DIR / "minimal-map-server.log", name="minimal-map"
        )
        servers.append(minimal_map)
        run_browser_part(args, figs, minimal, dashboard, minimal_map)
    except Exception:
        figs.errors.append(traceback.format_exc())
    finally:
        for server in servers:
            server.stop()

    if not args.skip_modules:
        for key, module in (("load", "load"), ("phases", "phases"), ("import", "bench_import"), ("geo", "bench_geo")):
            try:
                figs.extra[key] = run_module(module)
            except Exception:
                figs.errors.append(f"{module}.run() failed:\n{traceback.format_exc()}")
                figs.extra[key] = "failed (see Errors)"

    text = write_results(args.out, args, figs, started)
    print(text)
    print(f"written: {args.out}")
    return 1 if figs.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
