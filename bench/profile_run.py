"""Where one visitor's first view of ``/`` spends server time: ``python bench/profile_run.py [--runs 5]``.

Runs the app with AppTest (temporary database): one warm-up visitor (imports, caches), then ``--runs``
new visitors (each a fresh AppTest = a fresh session, the process-wide caches shared, as on the server),
with cProfile around the script run. Prints the top entries by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--query", default="", help="e.g. praesentation=1")
    parser.add_argument("--filter", default=".", help="regex on file paths, e.g. /asskomm/ for the app's own code")
    args = parser.parse_args(argv)

    import harness
    from streamlit.runtime.scriptrunner import script_runner

    profiler = cProfile.Profile()
    active = {"on": False}
    original = script_runner.ScriptRunner._run_script

    def profiled(self, rerun_data):  # the script thread: profile only there
        if not active["on"]:
            return original(self, rerun_data)
        profiler.enable()
        try:
            return original(self, rerun_data)
        finally:
            profiler.disable()

    script_runner.ScriptRunner._run_script = profiled
    query = dict(p.split("=", 1) for p in args.query.split("&") if "=" in p)
    db = Path(tempfile.mkdtemp(prefix="asskomm-prof-")) / "asskomm.sqlite"
    harness.run_page(query_params=query, db_path=db)  # warm-up
    active["on"] = True
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        at = harness.run_page(query_params=query, db_path=db)
        times.append((time.perf_counter() - t0) * 1000)
        harness.assert_no_exception(at)
    print("run ms (AppTest, incl. its own overhead):", ", ".join(f"{t:.0f}" for t in times))
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats(key).print_stats(args.filter, args.top)
        print(buf.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
