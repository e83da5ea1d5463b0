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


def test_every_command_in_the_readme_exists_and_every_command_is_documented():
    mentioned = set(re.findall(r"`jiceng ([a-z0-9]+)", README))
    assert mentioned <= set(COMMANDS)
    assert set(COMMANDS) <= mentioned
