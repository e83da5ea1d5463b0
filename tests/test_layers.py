"""Layers import only downwards: jiceng.graphmodel -> jiceng.loaders -> jiceng.queries ->
jiceng.server -> jiceng.present -> the rest (the CLI), and nothing imports a top-level name of
its own but ``jiceng``. The queries reach a server only through the seam a server registers
with (``jiceng.queries.sources``), never by importing it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "jiceng"
LAYERS = ["graphmodel", "loaders", "queries", "server", "present", "top"]


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
        elif isinstance(node, ast.ImportFrom) and node.module == "jiceng" and node.level == 0:
            names = [f"jiceng.{alias.name}" for alias in node.names]  # a layer, or a top name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if name == "jiceng" or name.startswith("jiceng."):
                found.add(layer_of(name))
            assert name.split(".")[0] not in set(LAYERS[:-1]), name
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(SRC)))
def test_module_imports_only_earlier_layers(path):
    module = ".".join(path.relative_to(SRC).with_suffix("").parts)
    assert imported_layers(path) <= allowed_layers(module)


def allowed_layers(module: str) -> set[str]:
    layer = layer_of(module)
    return set(LAYERS[: LAYERS.index(layer) + 1])


@pytest.mark.parametrize("line", ["from jiceng.cli.options import say", "import jiceng.cli",
                                  "from jiceng import cli"])
def test_present_may_not_import_the_cli(tmp_path, line):
    module = tmp_path / "module.py"
    module.write_text(f"def draw():\n    {line}\n", encoding="utf-8")  # even inside a function
    assert not imported_layers(module) <= allowed_layers("jiceng.present.maps.page")
    assert imported_layers(module) <= allowed_layers("jiceng.cli.maps")


def test_present_is_a_layer_between_queries_and_the_cli():
    assert layer_of("jiceng.present.maps.page") == "present"
    assert "queries" in allowed_layers("jiceng.present.maps.page")
    assert "present" in allowed_layers("jiceng.cli.maps")
    assert "present" not in allowed_layers("jiceng.queries.reach")


@pytest.mark.parametrize("line", ["from jiceng.server import Neo4jSource", "import jiceng.server.statements",
                                  "from jiceng import server"])
def test_queries_may_not_import_the_server(tmp_path, line):
    module = tmp_path / "module.py"
    module.write_text(f"def audit(source):\n    {line}\n", encoding="utf-8")  # even in a function
    assert not imported_layers(module) <= allowed_layers("jiceng.queries.coverage")
    assert imported_layers(module) <= allowed_layers("jiceng.present.audit")


def test_no_query_imports_the_server():
    queries = sorted((PACKAGE / "queries").rglob("*.py"))
    assert {p.name for p in queries} >= {"coverage.py", "isolation.py", "reach.py", "sources.py"}
    importing = [str(p.relative_to(SRC)) for p in queries if "server" in imported_layers(p)]
    assert importing == []


def test_server_is_a_layer_between_queries_and_present():
    assert layer_of("jiceng.server.statements") == "server"
    assert "queries" in allowed_layers("jiceng.server.source")
    assert "server" in allowed_layers("jiceng.present.audit")
    assert "server" in allowed_layers("jiceng.cli.options")
    assert "server" not in allowed_layers("jiceng.queries.sources")
    assert "server" not in allowed_layers("jiceng.loaders.dataset")


def test_only_one_top_level_package_in_src():
    assert sorted(p.name for p in SRC.iterdir() if not p.name.endswith(".egg-info")) == ["jiceng"]
