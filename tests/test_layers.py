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


@pytest.mark.parametrize(("line", "refused_in", "allowed_in"), [
    *[(line, "jiceng.present.maps.page", "jiceng.cli.maps")
      for line in ("from jiceng.cli.options import say", "import jiceng.cli", "from jiceng import cli")],
    *[(line, "jiceng.queries.coverage", "jiceng.present.audit")
      for line in ("from jiceng.server import Neo4jSource", "import jiceng.server.statements",
                   "from jiceng import server")],
])
def test_a_layer_may_not_import_a_later_one_even_in_a_function(tmp_path, line, refused_in,
                                                                allowed_in):
    module = tmp_path / "module.py"
    module.write_text(f"def f():\n    {line}\n", encoding="utf-8")
    assert not imported_layers(module) <= allowed_layers(refused_in)
    assert imported_layers(module) <= allowed_layers(allowed_in)


def test_present_is_a_layer_between_queries_and_the_cli():
    assert layer_of("jiceng.present.maps.page") == "present"
    assert "queries" in allowed_layers("jiceng.present.maps.page")
    assert "present" in allowed_layers("jiceng.cli.maps")
    assert "present" not in allowed_layers("jiceng.queries.reach")


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



def module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")


def imports_of(module: str, source: str, *, package: bool = False) -> list[tuple[str, list[str]]]:
    """Every ``jiceng`` import in ``source`` (of ``module``), at any depth, function-level ones
    too, as (module imported from, names imported)."""
    parent = module if package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = parent.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.append((base, [alias.name for alias in node.names]))
    return [(name, names) for name, names in found if name.split(".")[0] == "jiceng"]


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def module_imports(module: str) -> list[tuple[str, list[str]]]:
    path = MODULES[module]
    return imports_of(module, path.read_text(encoding="utf-8"), package=path.name == "__init__.py")


def import_graph() -> dict[str, set[str]]:
    """module -> the modules it imports (``from package import sub`` counts the submodule)."""
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        targets = graph.setdefault(module, set())
        for name, names in module_imports(module):
            subs = {f"{name}.{n}" for n in names if f"{name}.{n}" in MODULES}
            targets |= subs if len(subs) == len(names) and subs else subs | {name}
        targets.discard(module)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of more than one module that import each other, directly or round about."""
    import networkx as nx

    digraph = nx.DiGraph([(a, b) for a, bs in graph.items() for b in bs if b in graph])
    return sorted(sorted(group) for group in nx.strongly_connected_components(digraph)
                  if len(group) > 1)


def test_no_import_cycle_even_through_function_level_imports():
    assert cycles(import_graph()) == []


def test_a_cycle_through_a_function_level_import_is_found():
    source = "def f():\n    from jiceng.b import g\n"
    graph = {"jiceng.a": {name for name, _ in imports_of("jiceng.a", source)},
             "jiceng.b": {"jiceng.a"}, "jiceng.c": {"jiceng.a"}}
    assert cycles(graph) == [["jiceng.a", "jiceng.b"]]


def private_crossings(module: str, imports: list[tuple[str, list[str]]], *,
                      package: bool = False) -> list[str]:
    """Private names (``_x``) and private modules that ``module`` takes from elsewhere: a private
    module may be imported only within its own package, a private name not at all."""
    parent = module if package else module.rpartition(".")[0]

    def private(name: str) -> bool:
        return name.startswith("_") and not name.startswith("__")

    found = []
    for name, names in imports:
        parts = name.split(".")
        found += [name for i, part in enumerate(parts)
                  if private(part) and ".".join(parts[:i]) != parent]
        found += [f"{name}.{n}" for n in names if private(n)
                  and not (f"{name}.{n}" in MODULES and name == parent)]
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_name_crosses_a_module_border(module):
    package = MODULES[module].name == "__init__.py"
    assert private_crossings(module, module_imports(module), package=package) == []


def test_private_crossings_are_found():
    source = ("from jiceng.queries._records import records\n"
              "def f():\n    from jiceng.report import _meta_line\n"
              "from jiceng.queries import _args\n")
    found = private_crossings("jiceng.present.audit", imports_of("jiceng.present.audit", source))
    assert sorted(found) == ["jiceng.queries._args", "jiceng.queries._records",
                             "jiceng.report._meta_line"]
    inside = private_crossings("jiceng.queries.coverage",
                               imports_of("jiceng.queries.coverage", source))
    assert inside == ["jiceng.report._meta_line"]  # a package's own private module is its own
