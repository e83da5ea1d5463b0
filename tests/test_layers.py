"""Layers import only downwards: graphmodel -> loaders -> queries -> jiceng."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
LAYERS = ["graphmodel", "loaders", "queries", "jiceng"]


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(LAYERS)


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_module_imports_only_earlier_layers(path):
    layer = path.relative_to(SRC).parts[0]
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    assert imported_packages(path) <= allowed
