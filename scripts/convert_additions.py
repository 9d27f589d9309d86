"""Merge a file of public-record additions into the seed records (one-off conversion, kept for review).

    .venv/bin/python scripts/convert_additions.py ADDITIONS.csv data/seed_records.csv [--out FILE]

ADDITIONS.csv has the German columns gemeinde, kreis, fakt, datum, problemfelder, quelle_url, paraphrase,
sicher (see ``asskomm.records.additions`` for the rules). The result is written to --out (default: the seed
file itself) and should then pass ``python -m asskomm import FILE --dry-run``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asskomm.records import COLUMNS, load_gazetteer
from asskomm.records import additions as record_additions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("additions", type=Path)
    parser.add_argument("seed", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with args.additions.open(encoding="utf-8-sig", newline="") as fh:
        additions = list(csv.DictReader(fh))
    with args.seed.open(encoding="utf-8-sig", newline="") as fh:
        seed = list(csv.DictReader(fh))
    try:
        rows, counts = record_additions.convert(additions, seed, load_gazetteer())
    except record_additions.ConversionError as exc:
        print(f"{args.additions}: {exc}", file=sys.stderr)
        return 2
    out = args.out or args.seed
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(
        f"{len(additions)} Ergänzungen: {counts['neu']} als neue Meilensteine ({counts['unbestaetigt']} davon "
        f"unbestätigt), {counts['praezisiert']} präzisieren vorhandene; {len(rows)} Zeilen in {out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
