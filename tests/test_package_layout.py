"""The package layout of docs/architecture.md: imports go one way and never in a circle, modules and functions stay
small, and the app's scripts (pages, navigation, server) meet the domain only through ``asskomm.ui``."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "asskomm"

# layer of each top-level part of asskomm (docs/architecture.md); a module may import its own layer and below
LAYERS = {
    "labels": 0, "paths": 0, "securitylog": 0,
    "geo": 1, "records": 2, "store": 3, "analysis": 4, "render": 5, "cli": 6, "ui": 7,
}
# modules that are the package itself (asskomm/__init__, __main__) may import anything
ENTRY = {"__init__", "__main__"}
MAX_MODULE_LINES = 400  # issue 11
MAX_FUNCTION_LINES = 60
MAX_PAGE_LINES = 150  # issue 23: every line of the file counts
# The app's scripts: they may import asskomm.ui (any module) and the base modules (layer 0), nothing else of asskomm
SCRIPTS = ("app.py", "dashboard.py", "pages/*.py")
# Alembic revisions are history: the baseline spells out the schema as it was, table by table, and is never edited
FROZEN = PACKAGE / "store" / "migrations" / "versions"


def _part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts)


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("asskomm"):
            if node.module == "asskomm":
                found += [(node.lineno, f"asskomm.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("asskomm")]
    return found


def test_imports_go_one_way():
    wrong = []
    for path in _modules():
        name = _name(path)
        part = _part(name)
        if part in ENTRY:
            continue
        for line, target in _imports(ast.parse(path.read_text())):
            other = _part(target)
            if other and LAYERS[other] > LAYERS[part]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} ({part}) imports {target} ({other})")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_no_streamlit_outside_ui():
    wrong = [
        str(p.relative_to(PACKAGE.parent))
        for p in _modules()
        if _part(_name(p)) != "ui" and "import streamlit" in p.read_text()
    ]
    assert not wrong


def _function_lengths(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("limit_kind", ["module", "function"])
def test_sizes_stay_bounded(limit_kind):
    too_big = []
    for path in _modules():
        if FROZEN in path.parents:
            continue
        text = path.read_text()
        if limit_kind == "module" and len(text.splitlines()) > MAX_MODULE_LINES:
            too_big.append(f"{path.relative_to(PACKAGE.parent)}: {len(text.splitlines())} lines")
        if limit_kind == "function":
            too_big += [
                f"{path.relative_to(PACKAGE.parent)}:{line} {fn}: {n} lines"
                for fn, line, n in _function_lengths(ast.parse(text))
                if n > MAX_FUNCTION_LINES
            ]
    assert not too_big, "\n".join(too_big)


def test_the_layer_check_sees_a_wrong_import(tmp_path):
    """The checker itself: an analysis module importing the UI is reported."""
    bad = ast.parse("def f():\n    from asskomm.ui import data\n")
    targets = [t for _, t in _imports(bad)]
    assert targets == ["asskomm.ui"]
    assert LAYERS[_part("asskomm.ui.data")] > LAYERS[_part("asskomm.analysis.status")]


# -- no import circles ------------------------------------------------------------------------------------


def _module_names() -> dict[str, Path]:
    """Dotted name -> file of every module of asskomm (a package is named by its ``__init__``)."""
    out = {}
    for path in _modules():
        name = _name(path)
        out[name.removesuffix(".__init__")] = path
    return out


def _module_imports(tree: ast.AST, known: set[str]) -> list[tuple[int, str]]:
    """The modules of asskomm that ``tree`` imports, anywhere in the file (also inside functions):
    ``from pkg import name`` counts as ``pkg.name`` when that is a module, else as ``pkg``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _in_package(node.module):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.append((node.lineno, sub if sub in known else node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if _in_package(a.name)]
    return [(line, target) for line, target in found if target in known]


def _in_package(module: str) -> bool:
    return module == "asskomm" or module.startswith("asskomm.")


def _import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported module: line of the first such import}."""
    names = _module_names()
    graph: dict[str, dict[str, int]] = {}
    for name, path in names.items():
        edges = graph.setdefault(name, {})
        for line, target in _module_imports(ast.parse(path.read_text()), set(names)):
            if target != name:
                edges.setdefault(target, line)
    return graph


def _circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan): each one holds at least one circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, {}):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _describe_circle(group: list[str], graph: dict[str, dict[str, int]]) -> str:
    inside = set(group)
    edges = [f"  {a}:{line} imports {b}" for a in group for b, line in sorted(graph[a].items()) if b in inside]
    return "circle between " + ", ".join(group) + ":\n" + "\n".join(edges)


def test_no_import_circles():
    """No two modules of asskomm import each other, directly or through others, not even inside a function."""
    graph = _import_graph()
    assert "asskomm.analysis.status" in graph and graph["asskomm.ui.auth"], "the graph was not built"
    circles = _circles(graph)
    assert not circles, "import circles:\n" + "\n".join(_describe_circle(g, graph) for g in circles)


def test_the_circle_check_sees_a_circle():
    """The checker itself: a circle through a function-level import and a three-module circle are found."""
    known = {"asskomm.a", "asskomm.b", "asskomm.c", "asskomm.d", "asskomm.pkg", "asskomm.pkg.mod"}
    tree = ast.parse("import os\nfrom asskomm import a\ndef f():\n    from asskomm.pkg import mod, helper\n")
    assert _module_imports(tree, known) == [(2, "asskomm.a"), (4, "asskomm.pkg.mod"), (4, "asskomm.pkg")]
    graph = {
        "asskomm.a": {"asskomm.b": 3},
        "asskomm.b": {"asskomm.a": 9, "asskomm.d": 2},
        "asskomm.c": {"asskomm.d": 1},
        "asskomm.d": {"asskomm.pkg": 1},
        "asskomm.pkg": {"asskomm.pkg.mod": 1},
        "asskomm.pkg.mod": {"asskomm.c": 5},
    }
    assert _circles(graph) == [["asskomm.c", "asskomm.d", "asskomm.pkg", "asskomm.pkg.mod"], ["asskomm.a", "asskomm.b"]]
    message = _describe_circle(["asskomm.a", "asskomm.b"], graph)
    assert "asskomm.a:3 imports asskomm.b" in message and "asskomm.b:9 imports asskomm.a" in message
    del graph["asskomm.b"]["asskomm.a"], graph["asskomm.pkg.mod"]["asskomm.c"]
    assert _circles(graph) == []


# -- the app's scripts: layout only, through asskomm.ui ----------------------------------------------------


def _scripts() -> list[Path]:
    return sorted(p for pattern in SCRIPTS for p in ROOT.glob(pattern))


def _allowed_in_scripts(module: str) -> bool:
    """asskomm.ui and its modules, and the base modules (``LAYERS`` 0: labels, paths, securitylog)."""
    base = {f"asskomm.{part}" for part, layer in LAYERS.items() if layer == 0}
    return module == "asskomm.ui" or module.startswith("asskomm.ui.") or module in base


def test_scripts_import_only_the_ui_layer():
    """Pages, dashboard.py and app.py import nothing of asskomm but asskomm.ui and the base modules: a page meets
    the database (``asskomm.store``) and the domain only through the UI layer."""
    scripts = _scripts()
    assert ROOT / "dashboard.py" in scripts and ROOT / "pages" / "karte.py" in scripts
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in scripts
        for line, target in _imports(ast.parse(path.read_text()))
        if not _allowed_in_scripts(target)
    ]
    assert not wrong, "the app's scripts import past asskomm.ui:\n" + "\n".join(wrong)


def test_the_script_check_sees_a_store_import():
    tree = ast.parse("from asskomm import labels\nfrom asskomm.ui import data\nfrom asskomm.store import editing\n"
                     "def f():\n    from asskomm import records as rec\n")
    refused = [t for _, t in _imports(tree) if not _allowed_in_scripts(t)]
    assert refused == ["asskomm.store", "asskomm.records"]
    assert not _allowed_in_scripts("asskomm.uix") and _allowed_in_scripts("asskomm.ui.kreise")


def test_pages_stay_short():
    """A page reads like a description of the page: at most MAX_PAGE_LINES lines; what it computes lives in
    asskomm.ui or below."""
    pages = sorted((ROOT / "pages").glob("*.py"))
    assert len(pages) >= 10
    too_long = [f"{p.relative_to(ROOT)}: {n} lines" for p in pages if (n := len(p.read_text().splitlines())) > MAX_PAGE_LINES]
    assert not too_long, "\n".join(too_long)
