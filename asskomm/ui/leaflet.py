"""Leaflet, served by the app itself from ``static/leaflet`` (committed; no CDN): a fresh copy is written only when
it is missing or stale (``asskomm.geo.assets``), with a German notice when that is not possible."""

from __future__ import annotations

import streamlit as st

from asskomm.geo import assets


def ensure() -> None:
    """Write the Leaflet files if they are missing or stale (once per change, checked on every run)."""
    if assets.outdated():
        try:
            assets.sync()
        except OSError:
            st.error("Die Kartenbibliothek (static/leaflet) fehlt und konnte nicht angelegt werden.")
