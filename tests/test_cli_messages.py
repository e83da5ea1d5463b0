"""Messages on stderr lead with Chinese, and the bundled sample is named, not its path
(docs/design.md §7.2 and §7.6)."""

from __future__ import annotations

import re

import pytest

import jiceng.cli.options as options
from jiceng.loaders import sample_path

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@pytest.fixture
def terminal(monkeypatch):
    """stderr as a terminal: the progress lines are shown."""
    monkeypatch.setattr(options, "_stderr_is_terminal", lambda: True)


def _lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("args", [
    ("audit", "--format", "json", "--output", "{tmp}/audit.json"),
    ("audit", "--by", "street", "--format", "csv"),
    ("isolated", "--format", "json", "--output", "{tmp}/isolated.json"),
    ("reach", "--hops", "2", "--format", "json"),
    ("plan", "--apply", "{tmp}/planned", "--format", "json", "--output", "{tmp}/plan.json"),
])
def test_every_stderr_line_starts_with_chinese(cli, terminal, tmp_path, args):
    result = cli(*(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 0, result.stderr
    lines = _lines(result.stderr)
    assert len(lines) >= 2, result.stderr  # reading the sample, the step, and what was written
    not_chinese = [line for line in lines if not CJK.match(line.lstrip())]
    assert not not_chinese, f"{args[0]}: lines not leading with Chinese: {not_chinese}"
    assert str(sample_path()) not in result.stderr and "site-packages" not in result.stderr
    assert "内置样例 (bundled sample)" in result.stderr
    written = [tmp_path / "planned", tmp_path / "plan.json", tmp_path / "audit.json",
               tmp_path / "isolated.json"]
    assert all(str(path) in result.stderr for path in written if path.exists())


def test_a_bad_dataset_is_said_chinese_first(cli, terminal, tmp_path):
    missing = tmp_path / "无此文件夹"
    result = cli("audit", missing)
    assert result.exit_code == 2
    assert str(missing) in result.stderr
    assert all(CJK.match(line.lstrip()) for line in _lines(result.stderr)), result.stderr


def test_validate_names_the_sample_not_its_path(cli):
    result = cli("validate")
    assert result.exit_code == 0
    assert str(sample_path()) not in result.stdout + result.stderr
    assert result.stdout.startswith("内置样例 (bundled sample)：有效")
