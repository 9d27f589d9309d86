"""The package layout of docs/architecture.md: imports go one way, modules and functions stay small."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "asskomm"

# layer of each top-level part of asskomm (docs/architecture.md); a module may import its own layer and below
LAYERS = {
    "labels": 0, "paths": 0, "securitylog": 0,
    "geo": 1, "records": 2, "store": 3, "analysis": 4, "render": 5, "cli": 6, "ui": 7,
}
# modules that are the package itself (asskomm/__init__, __main__) may import anything
ENTRY = {"__init__", "__main__"}
MAX_MODULE_LINES = 400  # issue 11
MAX_FUNCTION_LINES = 60
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
