"""Where the time of the start page goes: ``python bench/phases.py [--runs 5]`` (also run by ``bench/run.py``).

``bench/run.py`` measures end to end; this script splits the same two waits into phases, seen from the page:

* a cold load of ``/`` (fresh browser context): when the session's first message, the map's message and the
  table's message arrived, when the table's front-end code (``DataFrame.*.js``) was loaded, when the map's
  iframe was put into the page and when all polygons were drawn;
* one filter change (``change_filter`` of ``bench/run.py``): when the page asked for the rerun, when the first
  and the map's message arrived, when the map's iframe got its new arguments and when the map was repainted.

Message times are when the page's main thread handled the WebSocket message (what the page can act on).
Every figure is a median in milliseconds: since navigation start for the load, since the click for the filter.
Nothing is asserted; see bench/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "tests"))
sys.path.insert(0, str(BENCH_DIR))

import harness  # noqa: E402
from run import change_filter, discover_polygons, open_and_wait  # noqa: E402  (bench/run.py: the filter widget)

# Installed before any page script: records WebSocket traffic and when elements first appear.
# A message "is" the map's when it carries the component's feature group, the table's when it carries a
# data frame (pandas metadata of an Arrow table: "index_columns").
PROBE_JS = """
(() => {
  const P = window.__phases = {recv: [], sent: [], seen: {}};
  const latin1 = new TextDecoder('latin1');
  const kind = (data) => {
    if (!(data instanceof ArrayBuffer)) return '';
    const text = latin1.decode(data);
    if (text.includes('feature_group')) return 'map';
    if (text.includes('index_columns')) return 'table';
    return '';
  };
  const NativeWS = window.WebSocket;
  class ProbeWS extends NativeWS {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => P.recv.push([performance.now(), kind(ev.data)]));
    }
    send(data) { P.sent.push(performance.now()); return super.send(data); }
  }
  window.WebSocket = ProbeWS;
  const watch = {
    sidebar: '[data-testid="stSidebar"] [data-testid="stMultiSelect"]',
    metric: '[data-testid="stMetric"]',
    table: '[data-testid="stDataFrame"]',
    iframe: %(iframe)r,
  };
  const look = () => {
    for (const [name, sel] of Object.entries(watch)) {
      if (!(name in P.seen) && document.querySelector(sel)) P.seen[name] = performance.now();
    }
  };
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(look).observe(document.body, {subtree: true, childList: true});
  });
})();
"""
PROBE_JS %= {"iframe": harness.SEL_MAP_IFRAME}

# In the map's iframe: when it gets new arguments from Streamlit and when the controller applied them.
FRAME_PROBE_JS = """
() => {
  window.__phaseRender = null; window.__phaseApplied = null;
  window.addEventListener('message', (e) => {
    if (e.data && e.data.type === 'streamlit:render' && window.__phaseRender === null) {
      window.__phaseRender = Date.now();
    }
  });
  const A = window.asskomm;
  if (A && A.apply) {
    const apply = A.apply;
    A.apply = function () {
      const out = apply.apply(this, arguments);
      if (window.__phaseApplied === null) requestAnimationFrame(() => { window.__phaseApplied = Date.now(); });
      return out;
    };
  }
}
"""

LOAD_PHASES = [
    ("first message of the session", "ws_first"),
    ("sidebar filter drawn", "sidebar"),
    ("map's message arrived", "ws_map"),
    ("table's message arrived", "ws_table"),
    ("table's code (DataFrame.*.js) loaded", "table_code"),
    ("KPI cards drawn", "metric"),
    ("map iframe put into the page", "iframe"),
    ("table drawn", "table"),
    ("all polygons drawn", "polygons"),
]
FILTER_PHASES = [
    ("page sent the rerun request", "sent"),
    ("first message of the rerun arrived", "ws_first"),
    ("map's message arrived", "ws_map"),
    ("map iframe got its new arguments", "render"),
    ("map repainted", "applied"),
]


def _load(context: Any, url: str, polygons: int) -> tuple[Any, dict[str, float]]:
    page, done = open_and_wait(context, url, want_polygons=polygons)
    harness.wait_for_app_idle(page)
    probe = page.evaluate(
        """() => { const P = window.__phases;
                   const code = performance.getEntriesByType('resource')
                     .filter(e => /\\/DataFrame\\.[^/]*\\.js$/.test(e.name)).map(e => e.responseEnd);
                   return {recv: P.recv, seen: P.seen, table_code: code.length ? code[0] : null}; }"""
    )
    recv = probe["recv"]
    out = {
        "ws_first": recv[0][0] if recv else None,
        "ws_map": next((t for t, k in recv if k == "map"), None),
        "ws_table": next((t for t, k in recv if k == "table"), None),
        "table_code": probe["table_code"],
        "polygons": done,
        **probe["seen"],
    }
    return page, out


def _filter_change(page: Any, run: int) -> dict[str, float] | None:
    frame = harness.map_frame(page)
    frame.evaluate(FRAME_PROBE_JS)
    page.evaluate("() => { window.__phases.recv = []; window.__phases.sent = []; }")
    clock = {"t0": None}

    def mark() -> None:
        clock["t0"] = page.evaluate("[Date.now(), performance.now()]")

    if not change_filter(page, run, mark) or clock["t0"] is None:
        return None
    frame.wait_for_function("() => window.__phaseApplied !== null", polling=20, timeout=30_000)
    harness.wait_for_app_idle(page)
    wall0, perf0 = clock["t0"]
    probe = page.evaluate("() => window.__phases")
    render, applied = frame.evaluate("[window.__phaseRender, window.__phaseApplied]")
    sent = [t for t in probe["sent"] if t >= perf0]
    after = [(t, k) for t, k in probe["recv"] if sent and t >= sent[0]]
    return {
        "sent": sent[0] - perf0 if sent else None,
        "ws_first": after[0][0] - perf0 if after else None,
        "ws_map": next((t - perf0 for t, k in after if k == "map"), None),
        "render": render - wall0 if render else None,
        "applied": applied - wall0 if applied else None,
    }


def _medians(rows: list[dict[str, float]], phases: list[tuple[str, str]]) -> dict[str, float | None]:
    out = {}
    for label, key in phases:
        values = [r[key] for r in rows if r.get(key) is not None]
        out[label] = round(statistics.median(values)) if values else None
    return out


def measure(runs: int = 5, polygons: int = 0) -> dict[str, dict[str, float | None]]:
    """Medians of the load phases and of the filter-change phases over ``runs`` fresh browser contexts."""
    from playwright.sync_api import sync_playwright

    loads, changes = [], []
    with harness.start_streamlit(harness.ENTRYPOINT, name="phases") as server, sync_playwright() as pw:
        browser = harness.launch_chromium(pw)
        try:
            warm = harness.new_context(browser)
            page = warm.new_page()
            page.goto(server.url)
            polygons = polygons or discover_polygons(page)
            warm.close()
            for run in range(runs):
                context = harness.new_context(browser)
                context.add_init_script(PROBE_JS)
                page, load = _load(context, server.url, polygons)
                loads.append(load)
                change = _filter_change(page, run)
                if change:
                    changes.append(change)
                context.close()
        finally:
            browser.close()
    return {
        "load (ms since navigation start)": _medians(loads, LOAD_PHASES),
        "filter change (ms since the click)": _medians(changes, FILTER_PHASES),
    }


def run() -> list[dict[str, Any]]:
    """For bench/run.py: one table row per phase."""
    rows = []
    for part, phases in measure().items():
        rows += [{"part": part, "phase": label, "median ms": value} for label, value in phases.items()]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    for part, phases in measure(args.runs).items():
        print(part)
        for label, value in phases.items():
            print(f"  {value if value is not None else 'n/a':>6}  {label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
