"""Layers import only downwards: jiceng.graphmodel -> jiceng.loaders -> jiceng.queries -> the rest
(the CLI and the renderers), and nothing imports a top-level name of its own but ``jiceng``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "jiceng"
LAYERS = ["graphmodel", "loaders", "queries", "top"]


def layer_of(module: str) -> str:
    """The layer of a dotted module name inside ``jiceng`` (``top`` for the CLI and renderers)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS[:-1] else "top"


def imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if name == "jiceng" or name.startswith("jiceng."):
                found.add(layer_of(name))
            assert name.split(".")[0] not in {"graphmodel", "loaders", "queries"}, name
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(SRC)))
def test_module_imports_only_earlier_layers(path):
    module = ".".join(path.relative_to(SRC).with_suffix("").parts)
    layer = layer_of(module)
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    assert imported_layers(path) <= allowed


def test_only_one_top_level_package_in_src():
    assert sorted(p.name for p in SRC.iterdir() if not p.name.endswith(".egg-info")) == ["jiceng"]
