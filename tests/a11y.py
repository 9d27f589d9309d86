"""Accessibility checks in the browser: axe-core (from the PyPI package ``axe-playwright-python``, which ships
``axe.min.js``; nothing is downloaded at run time) injected into the page and into every iframe (the map).

:func:`run_axe` returns one :class:`Finding` per rule and frame; :func:`serious` keeps the serious and critical
ones. ``bench``-style scripts import this module too, so keep it free of pytest imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from axe_playwright_python.base import AXE_SCRIPT

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

#: WCAG 2.0/2.1 A and AA rules (what BITV 2.0 asks), plus axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SERIOUS = ("serious", "critical")


@dataclass
class Finding:
    rule: str
    impact: str
    frame: str  # "page" or the iframe's title
    targets: list[str]
    help: str
    html: list[str]

    def __str__(self) -> str:
        nodes = "; ".join(t.split(" > ")[-1] for t in self.targets[:4])
        return f"{self.rule} ({self.impact}) in {self.frame}: {len(self.targets)} node(s) – {self.help} – {nodes}"


def _frame_name(frame: Frame) -> str:
    if frame.parent_frame is None:
        return "page"
    try:
        title = frame.frame_element().get_attribute("title")
    except Exception:  # detached while we looked
        title = None
    return title or frame.url[:80]


def run_axe_in_frame(frame: Frame) -> list[Finding]:
    """Run axe on one frame (without descending into its iframes: each frame is checked on its own)."""
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": TAGS}, "iframes": False, "resultTypes": ["violations"]}
    result = frame.evaluate("(opts) => axe.run(document, opts)", options)
    name = _frame_name(frame)
    return [
        Finding(
            rule=v["id"],
            impact=v.get("impact") or "",
            frame=name,
            targets=[" ".join(map(str, n["target"])) for n in v["nodes"]],
            help=v["help"],
            html=[n.get("html", "")[:200] for n in v["nodes"]],
        )
        for v in result["violations"]
    ]


def run_axe(page: Page) -> list[Finding]:
    """axe on the page and on every same-origin iframe in it (streamlit-folium's map, other components)."""
    findings: list[Finding] = []
    for frame in page.frames:
        if frame.is_detached() or (frame.url in ("", "about:blank") and frame.parent_frame is not None):
            continue
        findings += run_axe_in_frame(frame)
    return findings


def serious(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.impact in SERIOUS]


def report(findings: list[Finding]) -> str:
    return "\n".join(map(str, findings)) or "no violations"


# ------------------------------------------------------------------------------------ colour vision

# Machado, Oliveira & Fernandes (2009), »A Physiologically-based Model for Simulation of Color Vision
# Deficiency«, IEEE TVCG 15(6): matrices for severity 1.0, applied to linear RGB.
CVD_MATRICES = {
    "protanopie": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopie": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
}


def _to_linear(values):
    import numpy as np

    v = np.asarray(values, dtype=float) / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def _to_srgb(linear):
    import numpy as np

    v = np.clip(linear, 0.0, 1.0)
    v = np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)
    return np.round(v * 255.0).astype("uint8")


def simulate_rgb(rgb, kind: str):
    """Simulated sRGB values (0..255, any shape ending in 3) as seen with ``kind`` (see CVD_MATRICES)."""
    import numpy as np

    matrix = np.asarray(CVD_MATRICES[kind])
    return _to_srgb(_to_linear(rgb) @ matrix.T)


def simulate_hex(colour: str, kind: str) -> str:
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    r, g, b = simulate_rgb(rgb, kind).tolist()
    return f"#{r:02X}{g:02X}{b:02X}"


def simulate_png(src, dst, kind: str):
    """Write ``dst``: the screenshot ``src`` as seen with protanopia or deuteranopia."""
    import numpy as np
    from PIL import Image

    image = np.asarray(Image.open(src).convert("RGB"))
    Image.fromarray(simulate_rgb(image, kind)).save(dst)
    return dst
