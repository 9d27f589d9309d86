"""The map's geometry as a static file of the app, so the browser loads it once and caches it.

streamlit-folium sends the whole map HTML with every rerun. With the polygons inside, each filter change
carried ~370 KB over the WebSocket; with the polygons in ``static/generated/karte-geometrie-<hash>.js``
(served by Streamlit at ``/app/static/...``) it carries ~60 KB, and the browser fetches the file once.

The name holds a hash of the content: a rebuilt boundary layer gets a new name, so no browser keeps a stale
copy. Files are written atomically (temporary file + rename), so parallel sessions or servers cannot see a
half-written file. Where ``static/`` is read-only, ``publish`` returns ``None`` and the map carries its
polygons inline, as before.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
from pathlib import Path

from asskomm.geo import assets
from asskomm.paths import STATIC_DIR

GENERATED = "generated"  # below static/; gitignored
PREFIX = "karte-geometrie-"

_LOG = logging.getLogger(__name__)
_warned: set[Path] = set()


@functools.lru_cache(maxsize=4)  # called on every page run with the same cached script (its str hash is kept)
def file_name(script: str) -> str:
    return f"{PREFIX}{hashlib.sha256(script.encode()).hexdigest()[:16]}.js"


def publish(script: str, static_dir: Path = STATIC_DIR) -> str | None:
    """Make sure ``static/generated/<file_name(script)>`` holds ``script``.

    Returns the path relative to ``static/`` or ``None`` if it cannot be written. Cheap when the file is
    already there (one ``stat``).
    """
    relative = f"{GENERATED}/{file_name(script)}"
    target = static_dir / relative
    data = script.encode()
    try:
        if target.is_file() and target.stat().st_size == len(data):
            return relative
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".js", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        if target not in _warned:  # once per file and process, not on every page run
            _warned.add(target)
            _LOG.warning("Kartengeometrie nicht als Datei ablegbar (%s); sie wird in die Seite eingebettet.", exc)
        return None
    return relative


def url(script: str, base_url_path: str = "", static_dir: Path = STATIC_DIR) -> str | None:
    """URL of the published ``script`` (a ``mapgeometry.geometry_script``) for ``base_map(geometry_url=...)``."""
    relative = publish(script, static_dir)
    return f"{assets.static_url(base_url_path)}/{relative}" if relative else None
