"""Data into the interactive map's scripts: JSON that no ``</script>`` can close, and a folium element whose
large script goes into the page as it is."""

from __future__ import annotations

import json

from branca.element import Element, MacroElement


def script_json(value: object) -> str:
    """JSON for embedding in a <script>: compact, and no ``</script>`` or HTML comment can close it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def script_safe(json_text: str) -> str:
    """JSON as a script literal that cannot close the surrounding <script> element."""
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e")


class _RawText(Element):
    """Finished script text in the page, as it is (branca would compile it as a Jinja template)."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class DataLayer(MacroElement):
    """A MacroElement whose script carries large data.

    ``MacroElement.render`` wraps each finished macro output in ``Element(text)``, which compiles it as a Jinja
    template: for the ~300 KB of packed geometry that costs ~90 ms on every rerun (and would misread a
    ``{{`` in the data). The script goes into the page unchanged instead.
    """

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):  # as MacroElement.render, without the compilation
            if part in macros:
                getattr(figure, part).add_child(_RawText(str(macros[part](self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)

