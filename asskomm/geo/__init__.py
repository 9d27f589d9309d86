"""Boundary layers, AGS succession, the boundary build and self-hosted map assets."""
