"""Self-hosted Leaflet: the committed copy in static/leaflet/ matches the pinned package."""

import re

from asskomm.geo import assets
from asskomm.paths import STATIC_DIR


def test_committed_leaflet_matches_installed_package():
    assert assets.outdated() == [], "run `python -m asskomm.geo.assets` and commit static/leaflet/"


def test_leaflet_version_is_the_pinned_one():
    head = (STATIC_DIR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")[:300]
    assert f"Leaflet {assets.LEAFLET_VERSION}" in head
    assert (STATIC_DIR / "leaflet" / "LICENSE").is_file()


def test_css_refers_only_to_local_images():
    css = (STATIC_DIR / "leaflet" / "leaflet.css").read_text(encoding="utf-8")
    urls = re.findall(r"url\(([^)]*)\)", css)
    assert urls and all(u.startswith(("images/", "#")) for u in urls), urls
    for name in ("layers.png", "layers-2x.png", "marker-icon.png"):
        assert (STATIC_DIR / "leaflet" / "images" / name).is_file()


def test_urls_follow_base_url_path():
    assert assets.leaflet_js_url() == "/app/static/leaflet/leaflet.js"
    assert assets.leaflet_css_url("/asskomm/") == "/asskomm/app/static/leaflet/leaflet.css"


def test_sync_into_empty_folder(tmp_path):
    written = assets.sync(tmp_path)
    assert set(assets.LEAFLET_FILES) <= set(written)
    assert assets.outdated(tmp_path) == []
    assert assets.sync(tmp_path) == []
