"""jiceng info / validate / generate, and --help with an example on every command."""

from __future__ import annotations

import json

import pytest

from jiceng.cli import COMMANDS


def test_info_counts_by_kind_with_chinese_labels(cli, sample):
    result = cli("info")
    assert result.exit_code == 0
    assert "社区党组织" in result.stdout and "community_party" in result.stdout
    data = json.loads(cli("info", "--format", "json").stdout)
    assert data["nodes"]["community_party"] == sample.count("community_party") == 709
    assert data["total_edges"] == sample.n_edges


def test_validate_sample(cli):
    result = cli("validate")
    assert result.exit_code == 0 and "valid" in result.stdout


def test_the_word_sample_names_the_bundled_sample_unless_a_folder_has_that_name(
        cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("validate", "sample").stdout == cli("validate").stdout
    assert cli("audit", "sample", "--format", "json").stdout == \
        cli("audit", "--format", "json").stdout
    (tmp_path / "sample").mkdir()  # a folder of the user's called sample is that folder
    result = cli("validate", "sample")
    assert result.exit_code == 2 and "sample" in result.stderr and "内置样例" not in result.stderr


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help_with_an_example(cli, name):
    result = cli(name, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_main_help_lists_the_commands(cli):
    result = cli("--help")
    for name in COMMANDS:
        assert name in result.stdout
