"""ASSKomm-Karte: domain package of the ASSKomm map dashboard."""

__version__ = "0.1.0"
