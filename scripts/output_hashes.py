#!/usr/bin/env python3
"""Hash the output of every command-line command and export on the seed data (proof for a pure restructuring).

    .venv/bin/python scripts/output_hashes.py [--tree PATH] --out hashes.json [--keep DIR]

Runs ``python -m asskomm …`` of the checkout ``--tree`` (default: this script's repository) as subprocesses with
that checkout as working directory, on a fresh temporary SQLite database (``ASSKOMM_DB``) seeded from
``data/seed_records.csv``, with "today" fixed to ``--date`` (the clock is replaced inside each command process
before ``asskomm`` is imported, so the check does not depend on the package layout). Writes a sorted JSON map
``name -> sha256`` and prints it. Two runs on the same tree give the same map; a restructuring that keeps the
user-visible surface gives the same map too. ``--keep DIR`` keeps the normalised outputs for diffing.

What is hashed, per command: exit code, stdout, stderr (temporary paths replaced by placeholders) and every file
it writes. Volatile metadata is removed before hashing:
  * PDF: the file with /CreationDate, /ModDate and /ID removed, plus the text (pdftotext -layout) and the
    pixels of every page (pdftoppm), plus the document info without its dates.
  * PNG: the decoded pixels (mode, size, RGBA bytes) and all chunks except tIME, the text chunks Date /
    Creation Time and a Software chunk naming Matplotlib (today the project writes Software=ASSKomm-Karte and no
    date: that stays in the hash).
  * SVG: <dc:date> removed; the ids matplotlib salts at random on every run (clip paths such as
    url(#p4547054b80)) renumbered in order of appearance.
  * XLSX/DOCX: every ZIP member hashed on its own, docProps/core.xml without dcterms:created/modified.
  * HTML snapshot: ids folium derives from random UUIDs (map_7257ec32…) renumbered in order of appearance.
  * Database: schema (sqlite_master) and table contents with timestamps, UUIDs and password hashes masked.
  * geo build meta.json: build_seconds (a stopwatch) masked; also in the command's log line.
No file here imports ``asskomm``; nothing reads material outside the project.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATE = "2026-10-01"  # after every date in data/ (seed records, reported figures)
PASSWORD = "Proof-Passwort-2026!"  # noqa: S105 - throwaway account in a temporary database

# Runs inside each command process: a date/datetime whose today()/now() start at the fixed date (the clock
# still advances, so the order of audit entries stays real), then ``python -m asskomm`` as usual. Third-party
# libraries imported before the swap keep the real classes; isinstance() accepts real and shimmed instances.
BOOT = r"""
import datetime as _d, importlib as _il, os as _os, runpy as _runpy, sys as _sys, time as _time
# Compiled libraries bind the real types when imported (a subclass crashes pandas): import them first.
for _m in ("numpy", "pandas", "shapely", "pyproj", "pyogrio", "geopandas", "sqlalchemy", "matplotlib", "PIL.Image",
           "fpdf", "folium", "branca", "jinja2", "openpyxl", "pypdf", "argon2", "sqlite3", "zoneinfo"):
    try:
        _il.import_module(_m)
    except ImportError:
        pass
_RD, _RDT = _d.date, _d.datetime
_BASE = _RDT.fromisoformat(_os.environ["OUTPUT_HASHES_TODAY"] + "T09:00:00+00:00")
_T0 = _time.monotonic()

class _Meta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, cls._real)
    def __subclasscheck__(cls, sub):
        return issubclass(sub, cls._real)

def _utc():
    return _BASE + _d.timedelta(seconds=_time.monotonic() - _T0)

class date(_RD, metaclass=_Meta):
    __slots__ = ()
    _real = _RD
    @classmethod
    def today(cls):
        t = _utc().astimezone()
        return cls(t.year, t.month, t.day)

class datetime(_RDT, metaclass=_Meta):
    __slots__ = ()
    _real = _RDT
    @classmethod
    def _of(cls, t):
        return cls(t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond, t.tzinfo, fold=t.fold)
    @classmethod
    def now(cls, tz=None):
        t = _utc()
        return cls._of(t.astimezone(tz) if tz is not None else t.astimezone().replace(tzinfo=None))
    @classmethod
    def today(cls):
        return cls.now()
    @classmethod
    def utcnow(cls):
        return cls._of(_utc().replace(tzinfo=None))

date.__module__ = datetime.__module__ = "datetime"
_d.date, _d.datetime = date, datetime
_sys.argv[0] = "asskomm"
_runpy.run_module("asskomm", run_name="__main__", alter_sys=True)
"""

IMPORT_CSV_HEADER = ["ags", "gemeinde", "kreis", "baustein", "datum", "problemfelder", "betrag_eur", "quelle",
                     "bemerkung", "gruppe"]
IMPORT_ROWS = [  # two new milestones in the seed file's format (comma, cp1252)
    ["14511000", "Chemnitz", "kreisfreie Stadt Chemnitz", "kpr", "2024-05-02", "graffiti_sachbeschaedigung", "",
     "https://example.org/beweis-chemnitz", "Prüfzeile für scripts/output_hashes.py", ""],
    ["14713000", "Leipzig", "kreisfreie Stadt Leipzig", "sicherheitsanalyse", "2023-03-15", "", "",
     "https://example.org/beweis-leipzig", "", ""],
]
CHANGED_ROWS = [[*IMPORT_ROWS[0][:8], "Bemerkung geändert", ""]]  # same milestone, other remark
BAD_ROWS = [  # unknown Gemeinde key, date that does not exist, unknown Baustein
    ["14999999", "Nirgendwo", "Landkreis Nirgendwo", "kpr", "2024-02-30", "", "", "https://example.org/x", "", ""],
    ["14511000", "Chemnitz", "kreisfreie Stadt Chemnitz", "zauberei", "2024-01-10", "", "", "https://example.org/y",
     "", ""],
]

UUID_RE = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")
PWHASH_RE = re.compile(r"^\$(argon2|2[aby]|pbkdf2|scrypt)[^\s]*$")


def sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


# --------------------------------------------------------------------------- normalising written files


def renumber(text: str, pattern: re.Pattern[str], prefix: str) -> str:
    """Replace every distinct match of ``pattern`` by ``prefix`` + its order of first appearance."""
    seen: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        return seen.setdefault(m[0], f"{prefix}{len(seen)}")

    return pattern.sub(sub, text)


def png_parts(data: bytes) -> dict[str, str]:
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    img.load()
    pixels = f"{img.mode} {img.size}".encode() + img.convert("RGBA").tobytes()
    chunks, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"tIME":
            continue
        if kind in (b"tEXt", b"iTXt", b"zTXt"):
            key, _, value = body.partition(b"\0")
            if key in (b"Date", b"Creation Time", b"date:create", b"date:modify", b"date:timestamp"):
                continue
            if key == b"Software" and value.lstrip(b"\0").startswith(b"Matplotlib"):  # names the version
                continue
        chunks.append(kind + body)
    return {"pixels": sha(pixels), "chunks": sha(b"".join(chunks))}


PDF_VOLATILE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:[^)]*\)|/ID\s*\[\s*<[0-9a-fA-F]*>\s*<[0-9a-fA-F]*>\s*\]")


def pdf_parts(path: Path, tmp: Path) -> dict[str, str]:
    from PIL import Image
    from pypdf import PdfReader

    raw = PDF_VOLATILE.sub(b"/VOLATILE", path.read_bytes())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    pages_dir = Path(tempfile.mkdtemp(dir=tmp))
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(pages_dir / "p")], check=True)
    pixels = hashlib.sha256()
    for page in sorted(pages_dir.glob("p*.png")):
        with Image.open(page) as img:
            pixels.update(f"{page.name} {img.mode} {img.size}".encode() + img.convert("RGB").tobytes())
    shutil.rmtree(pages_dir)
    reader = PdfReader(str(path))
    info = {k: str(v) for k, v in (reader.metadata or {}).items() if k not in ("/CreationDate", "/ModDate")}
    info["pages"] = str(len(reader.pages))
    return {"raw": sha(raw), "text": sha(text), "pages": pixels.hexdigest(),
            "info": sha(json.dumps(info, sort_keys=True))}


def xlsx_parts(data: bytes) -> dict[str, str]:
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        out["members"] = sha("\n".join(sorted(zf.namelist())))
        for name in sorted(zf.namelist()):
            body = zf.read(name)
            if name == "docProps/core.xml":
                body = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", body)
            out[name] = sha(body)
    return out


SVG_ID = re.compile(r"\b(?:[a-z]+[0-9a-f]{10,}|DejaVu[A-Za-z]*-[0-9a-f]+|[0-9a-f]{10,})\b")


def svg_text(data: bytes) -> str:
    text = data.decode("utf-8")
    text = re.sub(r"<dc:date>[^<]*</dc:date>", "<dc:date/>", text)
    return renumber(text, SVG_ID, "id")


HTML_ID = re.compile(r"\b[a-z_]+_[0-9a-f]{32}(?![0-9a-f])|\b[0-9a-f]{32}\b")  # also kreis_borders_<uuid>_data


def file_parts(path: Path, tmp: Path) -> dict[str, str]:
    """Hashes of a written file, volatile metadata removed (suffix decides)."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_parts(path, tmp)
    if suffix == ".png":
        return png_parts(data)
    if suffix in (".xlsx", ".docx"):
        return xlsx_parts(data)
    if suffix == ".svg":
        return {"": sha(svg_text(data))}
    if suffix in (".html", ".htm"):
        return {"": sha(renumber(data.decode("utf-8"), HTML_ID, "uid"))}
    if path.name == "meta.json":
        meta = json.loads(data)
        meta["build_seconds"] = "VOLATILE"
        return {"": sha(json.dumps(meta, ensure_ascii=False, indent=2))}
    return {"": sha(data)}


def readable(path: Path, tmp: Path) -> bytes | None:
    """The normalised file as saved by ``--keep`` (text where one exists)."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return svg_text(path.read_bytes()).encode()
    if suffix in (".html", ".htm"):
        return renumber(path.read_text("utf-8"), HTML_ID, "uid").encode()
    if suffix == ".pdf":
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    if path.name == "meta.json":
        return (json.dumps({**json.loads(path.read_bytes()), "build_seconds": "VOLATILE"}, ensure_ascii=False,
                           indent=2) + "\n").encode()
    return path.read_bytes()


# --------------------------------------------------------------------------- database


def db_parts(db: Path) -> dict[str, str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        schema = sorted(r[0] or "" for r in con.execute("SELECT sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
        out = {"schema": sha("\n".join(schema))}
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for table in tables:
            cur = con.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from sqlite_master
            cols = [c[0] for c in cur.description]
            rows = sorted(json.dumps([_mask(v) for v in row], ensure_ascii=False, default=str) for row in cur)
            out[table] = sha(json.dumps(cols) + "\n" + "\n".join(rows))
        return out
    finally:
        con.close()


def _mask(value):
    if isinstance(value, str):
        if PWHASH_RE.match(value):
            return "<PWHASH>"
        value = UUID_RE.sub("<UUID>", value)
        return TIMESTAMP_RE.sub("<TIME>", value)
    return value


# --------------------------------------------------------------------------- running the commands


class Runner:
    def __init__(self, tree: Path, tmp: Path, today: str, keep: Path | None) -> None:
        self.tree, self.tmp, self.keep = tree, tmp, keep
        self.out = tmp / "out"
        self.out.mkdir()
        self.db = tmp / "asskomm.db"
        self.hashes: dict[str, str] = {}
        self.timings: list[tuple[str, float]] = []
        self.env = {
            **os.environ,
            "ASSKOMM_DB": str(self.db),
            "OUTPUT_HASHES_TODAY": today,
            "TZ": "Europe/Berlin",
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONIOENCODING": "utf-8",
            "COLUMNS": "100",  # argparse wraps --help to the terminal width
        }
        for var in ("ASSKOMM_PASSWORD", "PYTHONPATH", "SOURCE_DATE_EPOCH"):
            self.env.pop(var, None)

    def scrub(self, data: bytes) -> str:
        text = data.decode("utf-8", errors="replace")
        for path, label in ((self.out, "<OUT>"), (self.tmp, "<TMP>"), (self.tree, "<TREE>")):
            text = text.replace(str(path), label)
        text = re.sub(r"\d+(?:[.,]\d+)? s$", "<SECONDS> s", text, flags=re.M)  # geo build stopwatch
        return text

    def run(self, name: str, args: list[str], *, files: list[str] = (), password: bool = False,
            plain: bool = False, stdin: bytes = b"") -> None:
        """Run ``python -m asskomm ARGS`` (``{out}`` in ARGS = output folder) and hash what it produced."""
        args = [a.replace("{out}", str(self.out)) for a in args]
        env = dict(self.env)
        if password:
            env["ASSKOMM_PASSWORD"] = PASSWORD
        cmd = [sys.executable, "-m", "asskomm", *args] if plain else [sys.executable, "-c", BOOT, *args]
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=self.tree, env=env, input=stdin, capture_output=True, timeout=900)
        self.timings.append((name, time.perf_counter() - started))
        stdout, stderr = self.scrub(proc.stdout), self.scrub(proc.stderr)
        if "Traceback (most recent call last)" in stderr:
            print(f"[{name}] crashed:\n{stderr}", file=sys.stderr)
        self.hashes[f"{name}/exit"] = sha(str(proc.returncode))
        self.hashes[f"{name}/stdout"] = sha(stdout)
        self.hashes[f"{name}/stderr"] = sha(stderr)
        self._keep(f"{name}.txt", f"exit {proc.returncode}\n--- stdout\n{stdout}--- stderr\n{stderr}".encode())
        for rel in files:
            path = self.out / rel
            if not path.exists():
                self.hashes[f"{name}/{rel}"] = sha("<MISSING>")
                continue
            for part, digest in file_parts(path, self.tmp).items():
                self.hashes[f"{name}/{rel}" + (f"#{part}" if part else "")] = digest
            self._keep(f"{name}/{rel}", readable(path, self.tmp))

    def snapshot_db(self, name: str) -> None:
        for part, digest in db_parts(self.db).items():
            self.hashes[f"{name}/db#{part}"] = digest

    def _keep(self, rel: str, data: bytes | None) -> None:
        if self.keep is None or data is None:
            return
        target = self.keep / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def write_import_files(out: Path) -> None:
    for name, rows in (("neu.csv", IMPORT_ROWS), ("geaendert.csv", CHANGED_ROWS), ("fehler.csv", BAD_ROWS)):
        with open(out / name, "w", encoding="cp1252", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(IMPORT_CSV_HEADER)
            writer.writerows(rows)


def write_vg250_gpkg(path: Path) -> None:
    """A tiny VG250-shaped GeoPackage (EPSG:25832): 3 Saxon Gemeinden in 2 Kreise plus one of another state."""
    import geopandas as gpd
    from shapely.geometry import box

    def sq(x0, y0, x1, y1):
        return box(774_000 + x0 * 1000, 5_630_000 + y0 * 1000, 774_000 + x1 * 1000, 5_630_000 + y1 * 1000)

    def row(ars, gen, bez, geom, gf=4):
        ags = ars[:5] + ars[-3:] if len(ars) == 12 else ars
        return {"ADE": {8: 6, 5: 4}.get(len(ags), 2), "GF": gf, "BSG": 1, "ARS": ars, "AGS": ags, "GEN": gen,
                "BEZ": bez, "SN_L": ags[:2], "geometry": geom}

    gem = [row("145110000000", "Chemnitz", "Stadt", sq(0, 0, 2, 2)),
           row("145210030030", "Aue", "Stadt", sq(2, 0, 4, 2)),
           row("145210460460", "Olbernhau", "Stadt", sq(0, 2, 4, 4)),
           row("145210460460", "Olbernhau", "Stadt", sq(4, 2, 5, 4), gf=2),
           row("160510000000", "Erfurt", "Stadt", sq(-3, 0, 0, 4))]
    krs = [row("14511", "Chemnitz", "Kreisfreie Stadt", sq(0, 0, 2, 2)),
           row("14521", "Erzgebirgskreis", "Landkreis", sq(2, 0, 4, 4)),
           row("16051", "Erfurt", "Kreisfreie Stadt", sq(-3, 0, 0, 4))]
    lan = [row("14", "Sachsen", "Freistaat", sq(0, 0, 5, 4)), row("16", "Thüringen", "Freistaat", sq(-3, 0, 0, 4))]
    for layer, rows in (("vg250_gem", gem), ("vg250_krs", krs), ("vg250_lan", lan)):
        gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:25832").to_file(path, layer=layer, driver="GPKG")


HELP = [  # every parser's --help (name, arguments)
    ("help", []), ("import", ["import"]), ("export", ["export"]), ("summary", ["summary"]),
    ("export-map", ["export-map"]), ("briefing", ["briefing"]), ("snapshot", ["snapshot"]),
    ("bericht", ["bericht"]), ("geo", ["geo"]), ("geo-build", ["geo", "build"]), ("user", ["user"]),
    *((f"user-{a}", ["user", a]) for a in ("add", "list", "passwd", "role", "lock", "unlock", "remove")),
    ("zahlen", ["zahlen"]), *((f"zahlen-{a}", ["zahlen", a]) for a in ("list", "add", "remove")),
    ("einwohner", ["einwohner"]), ("einwohner-import", ["einwohner", "import"]), ("db", ["db"]),
    *((f"db-{a}", ["db", a]) for a in ("current", "upgrade", "copy", "backup", "restore")),
]


def run_all(r: Runner) -> None:
    for name, args in HELP:
        r.run(f"help/{name}", [*args, "--help"])
    r.run("help/plain-python-m", ["--help"], plain=True)  # the real entry point, without the clock shim
    r.run("usage/no-command", [])
    r.run("usage/unknown-command", ["zaubern"])
    for part in (_run_records, _run_take_aways, _run_bericht, _run_accounts, _run_geo_build):
        part(r)


def _run_records(r: Runner) -> None:
    """summary, export and import; the first command seeds the fresh database."""
    r.run("summary/text", ["summary"])
    r.snapshot_db("seeded")
    r.run("summary/text-stand", ["summary", "--stand", "2022-12-31"])
    r.run("summary/json", ["summary", "--json"])
    r.run("summary/json-stand", ["summary", "--json", "--stand", "2021-06-30"])
    r.run("summary/future-stand", ["summary", "--stand", "2099-01-01"])
    r.run("export/csv", ["export", "{out}/export.csv"], files=["export.csv"])
    r.run("export/xlsx", ["export", "{out}/export.xlsx"], files=["export.xlsx"])
    r.run("export/bad-suffix", ["export", "{out}/export.txt"])
    write_import_files(r.out)
    r.run("import/roundtrip-csv-dry-run", ["import", "{out}/export.csv", "--dry-run"])
    r.run("import/roundtrip-xlsx-dry-run", ["import", "{out}/export.xlsx", "--dry-run"])
    r.run("import/bad-file", ["import", "{out}/fehler.csv"])
    r.run("import/missing-file", ["import", "{out}/gibt-es-nicht.csv"])
    r.run("import/dry-run", ["import", "{out}/neu.csv", "--dry-run", "--wer", "beweis"])
    r.snapshot_db("after-dry-run")
    r.run("import/apply", ["import", "{out}/neu.csv", "--wer", "beweis"])
    r.run("import/again", ["import", "{out}/neu.csv", "--wer", "beweis"])
    r.run("import/changed-refused", ["import", "{out}/geaendert.csv", "--wer", "beweis"])
    r.run("import/changed-overwrite-dry-run", ["import", "{out}/geaendert.csv", "--ueberschreiben", "--dry-run"])
    r.run("import/changed-overwrite", ["import", "{out}/geaendert.csv", "--overwrite", "--actor", "beweis"])
    r.snapshot_db("after-import")
    r.run("export/csv-after-import", ["export", "{out}/export2.csv"], files=["export2.csv"])
    r.run("summary/json-after-import", ["summary", "--json"])


def _run_take_aways(r: Runner) -> None:
    """export-map, briefing and snapshot, on the database after the import."""
    r.run("export-map/png-folie", ["export-map", "{out}/karte.png"], files=["karte.png"])
    r.run("export-map/png-a4-filtered", ["export-map", "{out}/karte-a4.png", "--format", "a4", "--stand",
                                         "2024-12-31", "--kreis", "14626", "--kreis", "14713"], files=["karte-a4.png"])
    r.run("export-map/svg", ["export-map", "{out}/karte.svg"], files=["karte.svg"])
    r.run("export-map/svg-problemfeld-baustein", ["export-map", "{out}/karte-pf.svg", "--problemfeld",
                                                  "graffiti_sachbeschaedigung", "--baustein", "kpr"],
          files=["karte-pf.svg"])
    r.run("export-map/bad-kreis", ["export-map", "{out}/x.png", "--kreis", "99999", "--problemfeld", "nix"])
    r.run("export-map/bad-suffix", ["export-map", "{out}/x.jpg"])
    r.run("export-map/bad-format", ["export-map", "{out}/x.png", "--format", "plakat"])
    r.run("export-map/bad-stand", ["export-map", "{out}/x.png", "--stand", "31.12.2024"])
    r.run("briefing/pdf", ["briefing", "{out}/kurzinfo.pdf"], files=["kurzinfo.pdf"])
    r.run("briefing/pdf-kreisseiten", ["briefing", "{out}/goerlitz.pdf", "--kreis", "14626", "--kreis", "14511",
                                       "--stand", "2024-12-31", "--kreisseiten"], files=["goerlitz.pdf"])
    r.run("briefing/bad-folder", ["briefing", "{out}/fehlt/kurzinfo.pdf"])
    r.run("snapshot/html", ["snapshot", "{out}/karte.html"], files=["karte.html"])
    r.run("snapshot/html-filtered", ["snapshot", "{out}/karte-kreis.htm", "--kreis", "14626", "--stand",
                                     "2023-06-30", "--baustein", "kooperationsvereinbarung"], files=["karte-kreis.htm"])


def _run_bericht(r: Runner) -> None:
    """The report for the Landtag (DOCX/XLSX): Sachsen, one Kreis, one Polizeidirektion, and bad input."""
    r.run("bericht/docx", ["bericht", "--stichtag", "2024-12-31", "--format", "docx", "--out", "{out}/bericht.docx"],
          files=["bericht.docx"])
    r.run("bericht/xlsx", ["bericht", "--stichtag", "2024-12-31", "--format", "xlsx", "--out", "{out}/bericht.xlsx"],
          files=["bericht.xlsx"])
    r.run("bericht/xlsx-kreis-von", ["bericht", "--stichtag", "2023-06-30", "--von", "2021-01-01", "--region",
                                     "14626", "--format", "xlsx", "--out", "{out}/bericht-kreis.xlsx"],
          files=["bericht-kreis.xlsx"])
    r.run("bericht/docx-pd", ["bericht", "--stichtag", "2026-09-30", "--region", "PD Görlitz", "--format", "docx",
                              "--out", "{out}/bericht-pd.docx"], files=["bericht-pd.docx"])
    r.run("bericht/bad-region", ["bericht", "--stichtag", "2024-12-31", "--region", "Atlantis", "--format", "xlsx",
                                 "--out", "{out}/x.xlsx"])
    r.run("bericht/bad-format", ["bericht", "--stichtag", "2024-12-31", "--format", "pdf", "--out", "{out}/x.pdf"])
    r.run("bericht/future", ["bericht", "--stichtag", "2099-01-01", "--format", "xlsx", "--out", "{out}/x.xlsx"])


def _run_accounts(r: Runner) -> None:
    """user add/list/passwd/role/lock/unlock/remove, with refusals."""
    r.run("user/list-empty", ["user", "list"])
    r.run("user/add-admin", ["user", "add", "chefin", "--role", "admin"], password=True)
    r.run("user/add-bearbeiter", ["user", "add", "bearbeiter1", "--role", "bearbeiter"], password=True)
    r.run("user/add-duplicate", ["user", "add", "chefin", "--role", "admin"], password=True)
    r.run("user/add-no-password", ["user", "add", "ohnepasswort", "--role", "admin"])
    r.run("user/add-bad-role", ["user", "add", "x", "--role", "kaiser"], password=True)
    r.run("user/list", ["user", "list"])
    r.run("user/passwd", ["user", "passwd", "bearbeiter1"], password=True)
    r.run("user/passwd-unknown", ["user", "passwd", "niemand"], password=True)
    r.run("user/role", ["user", "role", "bearbeiter1", "betrachter"])
    r.run("user/lock", ["user", "lock", "bearbeiter1"])
    r.run("user/list-locked", ["user", "list"])
    r.run("user/unlock", ["user", "unlock", "bearbeiter1"])
    # zahlen add/remove write security events with a time stamp to stderr: only the (stable) list is hashed
    r.run("zahlen/list-empty", ["zahlen", "list"])
    r.run("user/remove", ["user", "remove", "bearbeiter1"])
    r.run("user/remove-last-admin", ["user", "remove", "chefin"])
    r.run("user/list-final", ["user", "list"])
    r.snapshot_db("final")


def _run_geo_build(r: Runner) -> None:
    """geo build from a tiny VG250-shaped GeoPackage (the default npm source needs the network: not run)."""
    write_vg250_gpkg(r.out / "DE_VG250.gpkg")
    geo_files = [f"geo/{f}" for f in ("gemeinden.geojson", "kreise.geojson", "land.geojson", "meta.json")]
    (r.out / "geo").mkdir()
    r.run("geo-build/gpkg", ["geo", "build", "--source", "{out}/DE_VG250.gpkg", "--out", "{out}/geo"],
          files=geo_files)
    r.run("geo-build/gpkg-toleranz", ["geo", "build", "--source", "{out}/DE_VG250.gpkg", "--out", "{out}/geo",
                                      "--toleranz", "20"], files=geo_files)
    r.run("geo-build/bad-land", ["geo", "build", "--source", "{out}/DE_VG250.gpkg", "--out", "{out}/geo",
                                 "--land", "1"])
    r.run("geo-build/missing-source", ["geo", "build", "--source", "{out}/gibt-es-nicht.zip", "--out",
                                       "{out}/geo"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=REPO, help="project checkout to run (default: this repository)")
    parser.add_argument("--out", type=Path, required=True, help="JSON file for the map name -> sha256")
    parser.add_argument("--date", default=DEFAULT_DATE, help=f"fixed 'today' (default {DEFAULT_DATE})")
    parser.add_argument("--keep", type=Path, default=None, help="keep the normalised outputs in this folder")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    if not (tree / "asskomm" / "__main__.py").exists():
        parser.error(f"{tree} is not a checkout of the project (asskomm/__main__.py missing)")
    if args.keep:
        shutil.rmtree(args.keep, ignore_errors=True)
        args.keep.mkdir(parents=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="output-hashes-") as tmp:
        runner = Runner(tree, Path(tmp).resolve(), args.date, args.keep)
        run_all(runner)
    hashes = dict(sorted(runner.hashes.items()))
    text = json.dumps(hashes, indent=2) + "\n"
    args.out.write_text(text)
    print(text, end="")
    slowest = sorted(runner.timings, key=lambda t: -t[1])[:5]
    print(f"{len(runner.timings)} commands, {len(hashes)} hashes, {time.perf_counter() - started:.0f} s "
          f"(slowest: {', '.join(f'{n} {s:.1f} s' for n, s in slowest)}) -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
