"""Benchmark of the records import: ``python bench/bench_import.py`` (or via ``bench/run.py`` → ``run()``).

Builds a synthetic 10,000-row CSV (half the rows by AGS, half by name + Kreis, a few groups) against a
synthetic gazetteer of 418 Gemeinden in 13 Kreise, then measures, each as the median of several runs:
parsing + validation, a dry run into an empty SQLite database, and a real import (one transaction).
Then the import preview of files whose every row is invalid (unknown keys), at 5,000 and at 50,000 rows (the
import's limit): CPU seconds (median) and their ratio, which is 10 when the preview is linear (issue 25: it
re-read the file for each bad row, 1,000/2,000/4,000 rows took 2.7/10.6/56 s).
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


def invalid_file(path: Path, rows: int) -> Path:
    """``rows`` rows that all name a Gemeindeschlüssel no Gemeinde has."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(rec.COLUMNS)
        for i in range(rows):
            writer.writerow([f"14999{i % 1000:03d}", "", "", "beratung", "2021", "", "", f"https://example.org/{i}",
                             "", "", ""])
    return path


def preview_invalid(rows: tuple[int, ...] = (5_000, 50_000), runs: int = 3) -> dict:
    """CPU seconds of ``import_preview`` on all-invalid files (median of ``runs``) and the ratio large/small."""
    from asskomm.store import import_preview

    gaz = rec.Gazetteer(synthetic_gemeinden())
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'preview.db'}", seed_file=None, gazetteer=gaz)
        for n in rows:
            data = invalid_file(Path(tmp) / f"invalid{n}.csv", n).read_bytes()
            times = []
            for _ in range(runs):
                t0 = time.process_time()
                preview = import_preview.import_preview(store, data, f"invalid{n}.csv", today=TODAY)
                times.append(time.process_time() - t0)
                if preview.invalid != n:
                    raise RuntimeError(f"{preview.invalid} of {n} rows invalid")
            out[f"preview_{n}_invalid_rows_cpu_s"] = round(statistics.median(times), 3)
        store.dispose()
    small, large = (out[f"preview_{n}_invalid_rows_cpu_s"] for n in (rows[0], rows[-1]))
    out[f"preview_ratio_{rows[-1]}_to_{rows[0]}"] = round(large / small, 2) if small else None
    out["preview_ratio_if_linear"] = rows[-1] / rows[0]
    return out


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
        **preview_invalid(runs=runs),
        "note": "dry run and import include parsing + validation; SQLite file database, one transaction; "
                "the preview figures are CPU seconds (time.process_time)",
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
