"""The CLI parses options, calls the query and the builder, and emits: reports are built by
``jiceng.present``, whose modules import no private name of another module and form no cycle
(function-level imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "jiceng"
CLI = sorted((PACKAGE / "cli").glob("*.py"))
CHECKED = sorted((PACKAGE / "present").rglob("*.py")) + CLI
MODEL = {"Report", "Section", "Document"}
#: Functions of the CLI named ``*_report`` that write a report built elsewhere.
WRITERS = {"emit_report"}


def _module(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in PACKAGE.rglob("*.py")}


def report_building(source: str) -> list[str]:
    """What in ``source`` builds a report: a Report or Section made, a ``*_report`` defined."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in MODEL:
                found.append(f"line {node.lineno}: {name}(...)")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.name.endswith("_report") and node.name not in WRITERS:
            found.append(f"line {node.lineno}: def {node.name}")
    return found


@pytest.mark.parametrize("path", CLI, ids=lambda p: p.name)
def test_command_modules_build_no_report(path):
    assert report_building(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("code", "culprit"), [
    ("report = Report(title='t', sections=[])", "line 1: Report(...)"),
    ("sections = [present.Section('k', 't', frame)]", "line 1: Section(...)"),
    ("def whatif_report(result):\n    pass", "line 1: def whatif_report"),
])
def test_report_building_is_seen(code, culprit):
    assert report_building(code) == [culprit]


def _imports(path: Path) -> list[tuple[str, str | None, int]]:
    """Every ``(module, name, line)`` imported anywhere in the file, inside functions too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.module, a.name, node.lineno) for a in node.names]
    return found


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_name_crosses_a_module_border(path):
    private = [f"line {line}: {module}{'.' + name if name else ''}"
               for module, name, line in _imports(path)
               if module.split(".")[0] == "jiceng"
               and any(part.startswith("_") for part in [*module.split("."), name or ""])]
    assert private == []


def _edges(module: str) -> set[str]:
    """The jiceng modules ``module`` imports (a name that is a module counts as that module)."""
    out = set()
    for target, name, _ in _imports(MODULES[module]):
        if f"{target}.{name}" in MODULES:
            out.add(f"{target}.{name}")
        elif target in MODULES:
            out.add(target)
    return out - {module}


def test_presentation_and_cli_import_no_cycle():
    graph = {m: _edges(m) for m in MODULES}
    checked = {_module(p) for p in CHECKED}
    cycles = []
    for start in sorted(checked):
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for after in sorted(graph[node]):
                if after == start:
                    cycles.append(" -> ".join(path + [start]))
                elif after not in seen:
                    seen.add(after)
                    stack.append((after, path + [after]))
    assert cycles == []


def test_present_never_imports_the_cli():
    present = [p for p in CHECKED if p.is_relative_to(PACKAGE / "present")]
    assert present
    for path in present:
        assert not [m for m, _, _ in _imports(path) if m.startswith("jiceng.cli")], path
