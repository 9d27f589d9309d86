"""Self-hosted front-end assets: Leaflet 1.9.4 served from the app's own origin.

folium and streamlit-folium load Leaflet, jQuery, Bootstrap and Font Awesome from five CDNs by default.
Offline (a ministry network, our machines) the map stays blank, and every visit would hand the visitor's
address to third parties. The map needs only Leaflet's own files, which we serve through Streamlit's static
file serving (``server.enableStaticServing``: ``static/`` next to ``dashboard.py`` → ``/app/static/...``).

The files come from the pinned PyPI package ``django-js-lib-leaflet`` (Leaflet 1.9.4, BSD-2-Clause, no
dependencies). They are copied into ``static/leaflet/`` by ``python -m asskomm.geo.assets`` and committed, so a
read-only deployment needs no write access at start-up; ``tests/geo/test_assets.py`` fails when the committed copy
drifts from the installed package (e.g. after a version bump without re-running the copy).
"""

from __future__ import annotations

import filecmp
import shutil
import sys
from pathlib import Path

from asskomm.paths import STATIC_DIR

LEAFLET_VERSION = "1.9.4"
# What the map needs: the library, its stylesheet and the images the stylesheet refers to
# (layer control, default marker icon). Paths relative to the package's static folder.
LEAFLET_FILES = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)
LEAFLET_DIR_NAME = "leaflet"
# URL prefix under which Streamlit serves ``static/`` (before any ``server.baseUrlPath``).
STATIC_URL = "/app/static"


def leaflet_source_dir() -> Path:
    """Folder of the installed Leaflet files (package ``django-js-lib-leaflet``)."""
    import js_lib_leaflet

    return Path(js_lib_leaflet.__file__).resolve().parent / "static" / "js_lib_leaflet"


def leaflet_target_dir(static_dir: Path = STATIC_DIR) -> Path:
    return static_dir / LEAFLET_DIR_NAME


def _licence_source() -> Path | None:
    import js_lib_leaflet

    site = Path(js_lib_leaflet.__file__).resolve().parent.parent
    for candidate in sorted(site.glob("django_js_lib_leaflet-*.dist-info")):
        for name in ("LICENSE", "licenses/LICENSE", "LICENSE.txt"):
            if (candidate / name).is_file():
                return candidate / name
    return None


def outdated(static_dir: Path = STATIC_DIR) -> list[str]:
    """Files in ``static/leaflet/`` that are missing or differ from the installed package."""
    src, dst = leaflet_source_dir(), leaflet_target_dir(static_dir)
    return [
        name
        for name in LEAFLET_FILES
        if not (dst / name).is_file() or not filecmp.cmp(src / name, dst / name, shallow=False)
    ]


def sync(static_dir: Path = STATIC_DIR) -> list[str]:
    """Copy the Leaflet files into ``static/leaflet/``; returns the files written."""
    src, dst = leaflet_source_dir(), leaflet_target_dir(static_dir)
    written = []
    for name in outdated(static_dir):
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / name, dst / name)
        written.append(name)
    licence = _licence_source()
    if licence is not None and (
        not (dst / "LICENSE").is_file() or not filecmp.cmp(licence, dst / "LICENSE", shallow=False)
    ):
        dst.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(licence, dst / "LICENSE")
        written.append("LICENSE")
    return written


def static_url(base_url_path: str = "") -> str:
    """URL prefix of ``static/`` for a server started with ``server.baseUrlPath``."""
    base = base_url_path.strip("/")
    return f"/{base}{STATIC_URL}" if base else STATIC_URL


def leaflet_js_url(base_url_path: str = "") -> str:
    return f"{static_url(base_url_path)}/{LEAFLET_DIR_NAME}/leaflet.js"


def leaflet_css_url(base_url_path: str = "") -> str:
    return f"{static_url(base_url_path)}/{LEAFLET_DIR_NAME}/leaflet.css"


def main(argv: list[str] | None = None) -> int:
    """``python -m asskomm.geo.assets [--check]``: copy (or, with --check, verify) the Leaflet files."""
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        stale = outdated()
        for name in stale:
            print(f"veraltet oder fehlend: static/{LEAFLET_DIR_NAME}/{name}", file=sys.stderr)
        return 1 if stale else 0
    written = sync()
    print(f"Leaflet {LEAFLET_VERSION}: {len(written)} Datei(en) nach static/{LEAFLET_DIR_NAME}/ kopiert.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
