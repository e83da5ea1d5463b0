"""The CLI parses options, calls the query and the builder, and emits: reports are built by
``jiceng.present`` (tests/test_layers.py holds the layers, cycles and private names)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "jiceng"
CLI = sorted((PACKAGE / "cli").glob("*.py"))
MODEL = {"Report", "Section", "Document"}
#: Functions of the CLI named ``*_report`` that write a report built elsewhere.
WRITERS = {"emit_report"}


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
