"""What-if withdrawal (``--withdraw UNIT``), lost reach, and what units alone reach
(docs/design.md §4, §6)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from jiceng.graphmodel.schema import CO_BUILDING_KINDS
from jiceng.loaders import read_dataset
from jiceng.loaders.synthetic import generate
from jiceng.present.whatif import whatif_report
from jiceng.queries.isolation import isolation
from jiceng.queries.reach import reach, reach_from
from jiceng.queries.whatif import whatif


def _expected_lost_reach(tmp_path, graph, unit_party: str) -> list[dict]:
    """Lost reach computed here: the unit's co-building edges dropped with pandas, the graph
    written and read back, reach counted before and after, the drops sorted worst first."""
    nodes, edges = graph.to_tables()
    mine = (edges["source"] == unit_party) & edges["kind"].isin(CO_BUILDING_KINDS)
    assert mine.sum() > 0
    folder = tmp_path / "withdrawn"
    folder.mkdir()
    nodes.to_csv(folder / "nodes.csv", index=False)
    edges[~mine].to_csv(folder / "edges.csv", index=False)
    before = reach(graph, hops=2).communities.set_index("id")
    after = reach(read_dataset(folder), hops=2).communities.set_index("id")
    assert set(after.index) == set(before.index)  # the unit and every community stay
    rows = [{"community": c, "name": before.at[c, "name"],
             "inflow_before": int(before.at[c, "inflow"]), "inflow_after": int(after.at[c, "inflow"]),
             "households": int(before.at[c, "households"])}
            for c in before.index if after.at[c, "inflow"] < before.at[c, "inflow"]]
    return sorted(rows, key=lambda r: (r["inflow_after"] - r["inflow_before"], -r["households"],
                                       r["community"]))


@pytest.mark.slow
def test_withdrawing_the_widest_reaching_unit_names_what_its_communities_lose(tmp_path, sample,
                                                                               cli):
    expected = _expected_lost_reach(tmp_path, sample, "UP00553")
    result = cli("whatif", "--withdraw", "UP00553", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lost_reach"] == expected and len(expected) > 1
    assert data["withdrawn"] == ["UP00553"] and data["removed"] == []
    assert {"removed", "hops", "rules", "newly_isolated", "newly_fragile", "new_deserts"} <= set(data)
    assert "UP00553" in sample.nodes["id"].tolist()  # the library left the graph alone

    screen = cli("whatif", "--withdraw", "UP00553")
    assert screen.exit_code == 0
    total = sum(r["households"] for r in expected)
    assert f"communities losing inflow: {len(expected)}" in screen.stdout
    assert f"households: {total:,}" in screen.stdout
    lost_at = screen.stdout.index("资源流入减少的社区（")
    assert lost_at < screen.stdout.index("新增孤立、脆弱社区和资源荒漠") < screen.stdout.index("规则变化")
    for row in expected:
        assert row["community"] in screen.stdout and row["name"] in screen.stdout
        assert f"{row['inflow_before']} → {row['inflow_after']}" in screen.stdout
        assert f"{row['households']:,}" in screen.stdout


@pytest.mark.slow
def test_withdrawing_a_unit_is_withdrawing_its_party_organization(sample, cli):
    nodes, edges = sample.to_tables()
    unit = edges.loc[(edges["kind"] == "covers") & (edges["source"] == "UP00553"), "target"].iat[0]
    by_unit = json.loads(cli("whatif", "--withdraw", unit, "--format", "json").stdout)
    by_party = json.loads(cli("whatif", "--withdraw", "UP00553", "--format", "json").stdout)
    assert by_unit == by_party
    name = nodes.loc[nodes["id"] == "UP00553", "name"].iat[0]
    assert json.loads(cli("whatif", "--withdraw", name, "--format", "json").stdout) == by_party


@pytest.mark.parametrize("typed, message", [
    ("C00001", "没有找到单位党组织、机关企事业单位 'C00001'"),
    ("兴关路农商", "是否要找 did you mean"),
])
def test_withdrawing_what_is_not_a_unit_exits_2(cli, typed, message):
    result = cli("whatif", "--withdraw", typed)
    assert result.exit_code == 2 and message in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_a_unit_without_a_party_organization_cannot_withdraw(tmp_path, cli):
    graph, _ = generate(seed=3, scale=0.1)
    nodes, edges = graph.to_tables()
    covered = set(edges.loc[edges["kind"] == "covers", "target"])
    lonely = next(i for i, k in zip(nodes["id"], nodes["kind"]) if k == "unit" and i not in covered)
    folder = tmp_path / "city"
    folder.mkdir()
    nodes.to_csv(folder / "nodes.csv", index=False)
    edges.to_csv(folder / "edges.csv", index=False)
    result = cli("whatif", folder, "--withdraw", lonely)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"单位 {lonely} 没有单位党组织" in result.stderr and "no Party organization" in result.stderr


def _counts_agree(graph, result, **taken) -> None:
    report = whatif_report(result, graph=graph, **taken)
    sections = {s.key: s.frame for s in report.sections}
    notes = " ".join(report.notes)

    def noted(label: str) -> int:
        return int(re.search(rf"{label}: ([\d,]+)", notes).group(1).replace(",", ""))

    assert noted("communities losing inflow") == len(result.lost_reach) == len(
        sections["lost_reach"]) == len(result.to_json()["lost_reach"])
    assert noted("households") == int(result.lost_reach["households"].sum())
    assert noted("newly isolated") == len(result.newly_isolated)
    assert noted("newly fragile") == len(result.newly_fragile)
    assert noted("new deserts") == len(result.new_deserts)
    assert len(sections["communities"]) == (len(result.newly_isolated) + len(result.newly_fragile)
                                            + len(result.new_deserts))
    assert noted("new gaps") == len(sections["new_gaps"]) == int(result.rules["new_gaps"].sum())
    assert noted("closed gaps") == len(sections["closed_gaps"]) == int(
        result.rules["closed_gaps"].sum())
    for rule in result.to_json()["rules"]:
        row = result.rules.set_index("rule").loc[rule["id"]]
        assert len(rule["new_gaps"]) == row["new_gaps"]
        assert len(rule["closed_gaps"]) == row["closed_gaps"]
    assert (result.lost_reach["inflow_before"] > result.lost_reach["inflow_after"]).all()


@pytest.mark.slow
def test_counts_equal_the_lengths_of_the_lists(sample):
    units = reach(sample, hops=2).units.sort_values("communities", ascending=False)
    chosen = ["UP00553", "UP01341", units["id"].iat[0], units["id"].iat[-1],
              next(iter(isolation(sample).single_points))]
    for unit in dict.fromkeys(chosen):
        _counts_agree(sample, whatif(sample, withdraw=[unit]), withdraw=[unit])
        _counts_agree(sample, whatif(sample, remove=[unit]), remove=[unit])
    community = isolation(sample).isolated[0]
    removed = whatif(sample, remove=[community])  # its own gaps close: it is no longer checked
    _counts_agree(sample, removed, remove=[community])
    assert ("community-pairing", community) in set(zip(removed.closed_gaps["rule"],
                                                       removed.closed_gaps["id"]))


def test_what_a_unit_alone_reaches_is_counted_unit_by_unit():
    """``exclusive`` against a walk from each unit (reach_from), on a generated city."""
    graph, _ = generate(seed=5, scale=0.05)
    for hops in (1, 2):
        units = reach(graph, hops=hops).units.set_index("id")
        reached = {u: set(t.loc[t["kind"] == "community_party", "id"])
                   for u in units.index for t in [reach_from(graph, u, hops=hops)]}
        counts = pd.Series([c for s in reached.values() for c in s]).value_counts()
        alone = {u: sum(counts[c] == 1 for c in s) for u, s in reached.items()}
        assert units["exclusive"].to_dict() == alone
        assert hops == 2 or sum(alone.values()) > 0  # street pairings share what k = 2 reaches


def test_the_widest_reaching_units_are_those_that_alone_reach_most(cli, sample):
    data = cli("reach", "--hops", "1", "--format", "csv", "--section", "top_units")
    assert data.exit_code == 0
    from io import StringIO

    top = pd.read_csv(StringIO(data.stdout), dtype={0: str})
    assert top.columns[7] == "独有覆盖社区 (exclusive)"
    alone = top["独有覆盖社区 (exclusive)"]
    assert len(top) > 0 and (alone > 0).all() and alone.is_monotonic_decreasing
    units = reach(sample, hops=1).units
    assert sorted(top["编号 (id)"]) == sorted(units.loc[units["exclusive"] > 0, "id"])[:20]
