"""Protocol-level load: N visitors open a page at once (``python bench/load.py [--sessions 20]``).

Each visitor is one WebSocket to ``/_stcore/stream`` (loopback only) that sends what a browser sends on its
first load: a ``BackMsg`` with ``rerun_script`` (query string, default page). It is timed from its send
until the server's ``script_finished``. The server is measured, not browsers: 20 Chromiums on 2 cores
would measure the machine. ``run_against(servers)`` loads several servers one after another in the same
run (dashboard and ``bench/minimal_map_app.py``), so their ratios compare like with like.

Figures per server: one visitor alone (median of ``--alone`` runs), then ``--sessions`` at once: the wall
time ÷ sessions (server time per visitor), p50/p95/max until ``script_finished``, the server's RSS growth per
session (psutil, with children), and errors (a run that did not finish cleanly, an exception element in
the output, a traceback or ERROR in the server log).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

#: Upper bounds: never more visitors than this, never longer than this per visitor.
MAX_SESSIONS = 100
TIMEOUT_S = 120.0


@dataclass
class Visit:
    ms: float | None = None  # send → script_finished
    status: str = ""  # the ScriptFinishedStatus name, or what went wrong
    messages: int = 0
    bytes: int = 0
    exceptions: int = 0  # st.exception elements in the output (tracebacks shown to the visitor)


@dataclass
class LoadResult:
    name: str
    alone_ms: list[float] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    wall_ms: float = 0.0
    rss_before: int = 0
    rss_after: int = 0
    log_errors: list[str] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return sorted(v.ms for v in self.visits if v.ms is not None)

    @property
    def per_visitor_ms(self) -> float | None:
        return self.wall_ms / len(self.visits) if self.visits else None

    def pct(self, q: float) -> float | None:
        t = self.times
        if not t:
            return None
        return t[min(len(t) - 1, max(0, math.ceil(q * len(t)) - 1))]  # nearest rank

    @property
    def errors(self) -> list[str]:
        out = [f"visitor {i}: {v.status}" for i, v in enumerate(self.visits) if v.status != "FINISHED_SUCCESSFULLY"]
        out += [f"visitor {i}: {v.exceptions} exception element(s)" for i, v in enumerate(self.visits) if v.exceptions]
        return out + self.log_errors

    @property
    def rss_per_session_mb(self) -> float | None:
        return (self.rss_after - self.rss_before) / len(self.visits) / 2**20 if self.visits else None


async def visit(url: str, query: str = "", timeout: float = TIMEOUT_S) -> Visit:
    """One first view: connect, send ``rerun_script``, read until ``script_finished``; close."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"loopback only, not {parts.hostname}")
    ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
    out = Visit()
    back = BackMsg()
    back.rerun_script.query_string = query
    back.rerun_script.page_script_hash = ""
    back.rerun_script.context_info.timezone = "Europe/Berlin"
    back.rerun_script.context_info.locale = "de-DE"
    back.rerun_script.context_info.url = url
    try:
        async with asyncio.timeout(timeout):
            async with websockets.connect(
                ws_url, subprotocols=["streamlit"], max_size=None, origin=f"http://{parts.netloc}"
            ) as ws:
                start = time.perf_counter()
                await ws.send(back.SerializeToString())
                async for raw in ws:
                    out.messages += 1
                    out.bytes += len(raw)
                    msg = ForwardMsg()
                    msg.ParseFromString(raw)
                    kind = msg.WhichOneof("type")
                    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                        if msg.delta.new_element.WhichOneof("type") == "exception":
                            out.exceptions += 1
                    elif kind == "script_finished":
                        name = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                        if name == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY":
                            continue
                        out.ms = (time.perf_counter() - start) * 1000
                        out.status = name
                        break
                else:
                    out.status = "connection closed before script_finished"
    except TimeoutError:
        out.status = f"no script_finished within {timeout:.0f} s"
    except Exception as exc:  # a refused or broken connection is a result, not a crash of the bench
        out.status = f"{type(exc).__name__}: {exc}"
    return out


async def crowd(url: str, sessions: int, query: str = "") -> tuple[list[Visit], float]:
    """``sessions`` visitors at once; (their visits, wall ms from the first send to the last finish)."""
    sessions = min(sessions, MAX_SESSIONS)
    start = time.perf_counter()
    visits = await asyncio.gather(*(visit(url, query) for _ in range(sessions)))
    return list(visits), (time.perf_counter() - start) * 1000


def _log_errors(text: str) -> list[str]:
    bad = ("Traceback", " ERROR ", "Exception in", "RuntimeError", "Task exception")
    return [line.strip()[:200] for line in text.splitlines() if any(b in line for b in bad)]


def load_server(server: Any, name: str, *, sessions: int, alone: int, query: str = "") -> LoadResult:
    """Measure one running server (``tests/harness.StreamlitServer``): warm-up, alone, then a crowd."""
    res = LoadResult(name)
    log_start = len(server.log_text())
    asyncio.run(visit(server.url, query))  # warm-up: imports, caches
    for _ in range(alone):
        v = asyncio.run(visit(server.url, query))
        if v.ms is not None:
            res.alone_ms.append(v.ms)
    time.sleep(0.5)
    res.rss_before = server.rss_bytes()
    res.visits, res.wall_ms = asyncio.run(crowd(server.url, sessions, query))
    time.sleep(1.0)
    res.rss_after = server.rss_bytes()
    res.log_errors = _log_errors(server.log_text()[log_start:])
    return res


def _f(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}".replace(",", " ")


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "n/a"


def _median(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def summarize(apps: list[LoadResult], floors: list[LoadResult], sessions: int) -> list[dict]:
    """Rows »figure | app | floor | ratio«: medians over the crowds (rounds) of each server."""

    def fig(res: list[LoadResult], what: str) -> float | None:
        if what == "alone":
            return _median([statistics.median(r.alone_ms) for r in res if r.alone_ms])
        if what == "per":
            return _median([r.per_visitor_ms for r in res])
        if what in ("p50", "p95"):
            return _median([r.pct(0.5 if what == "p50" else 0.95) for r in res])
        if what == "kb":
            return _median([statistics.median(v.bytes for v in r.visits) / 1024 for r in res if r.visits])
        return _median([r.rss_per_session_mb for r in res])

    names = {
        "alone": "one visitor alone, median (ms)",
        "per": f"**server time per visitor**, {sessions} at once (wall ÷ {sessions}, ms)",
        "p50": f"p50 until script_finished, {sessions} at once (ms)",
        "p95": f"**p95 until script_finished**, {sessions} at once (ms)",
        "kb": "bytes one first view receives (KB)",
        "rss": "server RSS growth per session (MB)",
    }
    rows = []
    for what, name in names.items():
        a, f = fig(apps, what), fig(floors, what)
        digits = 1 if what == "rss" else 0
        ratio = f"{a / f:.2f}" if a and f else "n/a"
        if what in ("per", "p95"):
            per_round = [
                (x.per_visitor_ms, y.per_visitor_ms) if what == "per" else (x.pct(0.95), y.pct(0.95))
                for x, y in zip(apps, floors, strict=False)
            ]
            ratio = f"**{ratio}** (rounds: " + ", ".join(_ratio(x, y) for x, y in per_round) + ")"
        rows.append({"figure": name, "app": _f(a, digits), "floor (minimal map page)": _f(f, digits),
                     "ratio": ratio})
    errors = [e for r in apps + floors for e in r.errors]
    rows.append({"figure": f"errors ({len(apps)} crowds each: runs not finished cleanly, exception elements, "
                           "server log)",
                 "app": str(sum(len(r.errors) for r in apps)),
                 "floor (minimal map page)": str(sum(len(r.errors) for r in floors)), "ratio": "—"})
    for err in errors[:5]:
        rows.append({"figure": "error", "app": err, "floor (minimal map page)": "", "ratio": ""})
    return rows


def run(sessions: int = 20, alone: int = 5, query: str = "", rounds: int = 3) -> list[dict]:
    """Start the dashboard (temporary database) and ``bench/minimal_map_app.py``; ``rounds`` crowds on each,
    alternating (floor, app, floor, app, …) so that load on the machine hits both alike; table rows."""
    import tempfile

    import harness

    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    db = Path(tempfile.mkdtemp(prefix="asskomm-load-")) / "asskomm.sqlite"
    servers = []
    apps: list[LoadResult] = []
    floors: list[LoadResult] = []
    try:
        app = harness.start_streamlit(harness.ENTRYPOINT, db_path=db, log_path=out_dir / "load-dashboard.log",
                                      name="load-dashboard")
        servers.append(app)
        floor = harness.start_streamlit("bench/minimal_map_app.py", log_path=out_dir / "load-minimal-map.log",
                                        name="load-minimal-map")
        servers.append(floor)
        for i in range(rounds):
            floors.append(load_server(floor, "floor", sessions=sessions, alone=alone if i == 0 else 0))
            apps.append(load_server(app, "app", sessions=sessions, alone=alone if i == 0 else 0, query=query))
    finally:
        for server in servers:
            server.stop()
    return summarize(apps, floors, sessions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--alone", type=int, default=5, help="single first views before the crowd (median)")
    parser.add_argument("--query", default="", help="query string of the first view, e.g. praesentation=1")
    parser.add_argument("--rounds", type=int, default=3, help="crowds per server, alternating")
    args = parser.parse_args(argv)
    rows = run(min(args.sessions, MAX_SESSIONS), args.alone, args.query, min(args.rounds, 10))
    for row in rows:
        print(" | ".join(str(v) for v in row.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
