"""Benchmark of the records import: ``python bench/bench_import.py`` (or via ``bench/run.py`` → ``run()``).

Builds a synthetic 10,000-row CSV (half the rows by AGS, half by name + Kreis, a few groups) against a
synthetic gazetteer of 418 Gemeinden in 13 Kreise, then measures, each as the median of several runs:
parsing + validation, a dry run into an empty SQLite database, and a real import (one transaction).
A script, not a test: it reports figures and asserts nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from asskomm import records as rec  # noqa: E402
from asskomm.records import vocabulary as vocab  # noqa: E402
from asskomm.store.database import Store  # noqa: E402

ROWS = 10_000
TODAY = dt.date(2025, 12, 31)


def synthetic_gemeinden(n: int = 418, kreise: int = 13) -> pd.DataFrame:
    rows = []
    for i in range(n):
        k = 14500 + (i % kreise)
        rows.append((f"{k}{i:03d}", f"Teststadt {i:03d}/Vogtl." if i % 7 == 0 else f"Testgemeinde {i:03d}",
                     str(k), f"Testkreis {k}", 50.0 + i % 40))
    return pd.DataFrame(rows, columns=["ags", "name", "kreis_ags", "kreis_name", "flaeche_km2"])


def synthetic_file(path: Path, gemeinden: pd.DataFrame, rows: int = ROWS, seed: int = 4) -> Path:
    rnd = random.Random(seed)
    bausteine = list(vocab.baustein_ids())
    pfs = list(vocab.problemfeld_labels().values())
    seen: set[tuple] = set()
    out = []
    recs = list(gemeinden.itertuples(index=False))
    while len(out) < rows:
        g = rnd.choice(recs)
        b = rnd.choice(bausteine)
        day = dt.date(2019, 1, 1) + dt.timedelta(days=rnd.randrange(2500))
        datum = rnd.choice([day.isoformat(), day.strftime("%d.%m.%Y"), f"{day:%Y-%m}", str(day.year)])
        key = (g.ags, b, rec.normalise_datum(datum))
        if key in seen:
            continue
        seen.add(key)
        by_name = len(out) % 2 == 1
        out.append({
            "ags": "" if by_name else g.ags, "gemeinde": g.name if by_name else "",
            "kreis": g.kreis_name if by_name else "", "baustein": b, "datum": datum,
            "problemfelder": ";".join(rnd.sample(pfs, rnd.randrange(3))),
            "betrag_eur": str(rnd.randrange(1000, 200000)) if b == "foerderung" else "",
            "quelle": f"https://example.org/meldung/{len(out)}", "bemerkung": "Synthetische Zeile <b>fett</b>",
            "gruppe": "",
        })
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=rec.COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows(out)
    return path


def run(runs: int = 3) -> dict:
    gemeinden = synthetic_gemeinden()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        path = synthetic_file(tmp_path / "synthetic.csv", gemeinden)
        parse_s, dry_s, real_s = [], [], []
        result = None
        for i in range(runs):
            getattr(vocab.fold, "cache_clear", lambda: None)()  # cold caches each run (if fold caches at all)
            gaz = rec.Gazetteer(gemeinden)
            t0 = time.perf_counter()
            parsed = rec.parse_file(path, gaz, today=TODAY)
            parse_s.append(time.perf_counter() - t0)
            if not parsed.ok:
                raise RuntimeError(parsed.error_report()[:2000])
            store = Store(f"sqlite:///{tmp_path / f'bench{i}.db'}", seed_file=None, gazetteer=gaz)
            t0 = time.perf_counter()
            store.apply_import(rec.parse_file(path, gaz, today=TODAY), "bench", dry_run=True)
            dry_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            result = store.apply_import(rec.parse_file(path, gaz, today=TODAY), "bench")
            real_s.append(time.perf_counter() - t0)
            store.dispose()
        size_kb = path.stat().st_size / 1024
    return {
        "rows": ROWS,
        "file_kb": round(size_kb, 1),
        "runs": runs,
        "parse_validate_median_s": round(statistics.median(parse_s), 3),
        "dry_run_median_s": round(statistics.median(dry_s), 3),
        "import_median_s": round(statistics.median(real_s), 3),
        "milestones_written": result.count("neuer_meilenstein") if result else 0,
        "note": "dry run and import include parsing + validation; SQLite file database, one transaction",
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
