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


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help_with_an_example(cli, name):
    result = cli(name, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_main_help_lists_the_commands(cli):
    result = cli("--help")
    for name in COMMANDS:
        assert name in result.stdout
