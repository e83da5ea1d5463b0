"""jiceng isolated and reach: JSON shapes of DESIGN.md §6 and exit codes."""

from __future__ import annotations

import json


def test_isolated_json(jiceng_process, sample_truth):
    done = jiceng_process("isolated", "--format", "json")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert data["isolated"] == sample_truth["isolated"]
    assert data["fragile"] == sample_truth["fragile"]
    assert data["single_points"] == sample_truth["single_points"]


def test_reach_json(cli, sample, sample_truth):
    data = json.loads(cli("reach", "--hops", "2", "--format", "json").stdout)
    assert data["deserts"] == sample_truth["deserts"]
    assert len(data["units"]) == sample.count("unit_party")
    assert set(data["units"][0]) == {"id", "communities", "households"}
    assert [u["id"] for u in data["units"]] == sorted(u["id"] for u in data["units"])


def test_reach_one_unit(cli):
    data = json.loads(cli("reach", "--unit", "UP00001", "--format", "json").stdout)
    assert [u["id"] for u in data["units"]] == ["UP00001"]


def test_reach_unknown_unit_exits_2(cli):
    result = cli("reach", "--unit", "C00001")
    assert result.exit_code == 2
    assert result.stderr.startswith("错误 error: unknown unit_party node 'C00001'")


def test_isolated_table_and_markdown(cli, tmp_path):
    assert "孤立社区" in cli("isolated").stdout
    out = tmp_path / "iso.md"
    assert cli("isolated", "--format", "markdown", "--output", out).exit_code == 0
    assert "单点依赖" in out.read_text(encoding="utf-8")
