"""The README's promises: its Python example runs, and its commands exist."""

from __future__ import annotations

import re

from tests.conftest import ROOT

from jiceng.cli import COMMANDS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_example_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)  # noqa: S102
    assert (tmp_path / "street.html").stat().st_size > 0
    assert namespace["graph"].count("community_party") == 709  # the figure the README shows


def test_report_example_writes_the_ledger(tmp_path, monkeypatch):
    """The README's report example writes the ledger through the public API."""
    block = next(b for b in re.findall(r"```python\n(.*?)```", README, re.S)
                 if "audit_report" in b)
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md", "exec"), {})  # noqa: S102
    assert (tmp_path / "台账.xlsx").stat().st_size > 0


def test_every_command_in_the_readme_exists_and_every_command_is_documented():
    mentioned = set(re.findall(r"`jiceng ([a-z0-9]+)", README))
    assert mentioned <= set(COMMANDS)
    assert set(COMMANDS) <= mentioned


def test_kind_lists_match_the_schema():
    """The "Node kinds" and "Edge kinds" paragraphs are generated from the schema
    (``python scripts/readme_kinds.py``); every kind, label and enumerated value is there."""
    import importlib.util

    from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS

    spec = importlib.util.spec_from_file_location("readme_kinds", ROOT / "scripts" / "readme_kinds.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    block = script.readme_block(README)
    assert block == script.kinds_block(), "run: python scripts/readme_kinds.py"
    flat = " ".join(block.split())
    nodes_part, edges_part = flat.split("Edge kinds")
    without_values = re.sub(r"\(`\w+`:[^)]*\)", "", nodes_part)
    assert re.findall(r"`(\w+)` ", without_values) == list(NODE_KINDS)
    for kind in NODE_KINDS.values():
        assert f"`{kind.id}` {kind.zh}" in nodes_part
        for values in kind.enums.values():
            assert all(f"`{value}` {zh}" in nodes_part for value, (zh, _) in values.items())
    assert re.findall(r"`(\w+)` ", edges_part) == list(EDGE_KINDS)
    assert all(f"`{kind.id}` {kind.zh}" in edges_part for kind in EDGE_KINDS.values())
