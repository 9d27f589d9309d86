"""Renderers: the folium map, static maps (PNG/SVG), the offline snapshot and the briefing PDF."""
