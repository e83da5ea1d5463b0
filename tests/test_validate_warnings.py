"""``jiceng validate`` warns (exit 0, on stderr, Chinese first) about two nodes of one kind with
one name in one street: the street is the node's place (docs/design.md §5.2), not its file."""

from __future__ import annotations

from tests.helpers import TINY_EDGES, TINY_NODES, write_dataset_files

from jiceng.graphmodel import WarningCode
from jiceng.loaders import read_dataset
from jiceng.queries.dataset_warnings import dataset_warnings

#: A second street with its own community, and units named alike in and across the streets.
NODES = [*TINY_NODES,
         ("S2", "street_committee", "太慈桥街道党工委"), ("C2", "community_party", "太慈桥社区党委"),
         ("U2", "unit", "贵阳市第一中学"),  # in S1 like U1: warned
         ("U3", "unit", "南明区税务局"), ("U4", "unit", "南明区税务局"),  # one in S1, one in S2
         ("UP2", "unit_party", "贵阳市第一中学")]  # another kind: not warned
EDGES = [*TINY_EDGES, ("D1", "S2", "leads"), ("S2", "C2", "leads"), ("U2", "C1", "within"),
         ("U3", "S1", "within"), ("U4", "C2", "within"), ("UP2", "U2", "covers")]


def test_one_name_twice_in_a_street_is_warned_once_naming_both_rows(cli, tmp_path):
    folder = write_dataset_files(tmp_path / "d", NODES, EDGES)
    result = cli("validate", folder)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{folder}：有效，{len(NODES)} 个节点")
    rows = {node[0]: row for row, node in enumerate(NODES, start=2)}
    warned = [line for line in result.stderr.splitlines() if line.startswith("警告 warning：")]
    assert warned == [
        f"警告 warning：{folder / 'nodes.csv'} 第 {rows['U2']} 行 name 列：油榨街道党工委中有两个"
        f"机关企事业单位都叫 '贵阳市第一中学'：编号 U1（第 {rows['U1']} 行）和 U2；若是两个组织，请写全名"
        "以区分（如 分公司、第二…），关系表中请用编号指代（row "
        f"{rows['U2']}, column name: two unit nodes named '贵阳市第一中学' in one street: U1 (row "
        f"{rows['U1']}) and U2; if they are two, tell them apart by their full names, and use "
        "their ids in edges）"]
    assert "1 条警告" in result.stderr


def test_warnings_are_problems_with_codes_and_json(tmp_path):
    graph = read_dataset(write_dataset_files(tmp_path / "d", NODES, EDGES))
    found = dataset_warnings(graph)
    assert [w.code for w in found] == [WarningCode.DUPLICATE_NAME]
    shown = found[0].to_json()
    assert set(shown) == {"code", "file", "row", "column", "message"}
    assert shown["code"] == "duplicate_name" and shown["row"] == 2 + NODES.index(
        ("U2", "unit", "贵阳市第一中学"))
    assert shown["message"].startswith("油榨街道党工委中有两个机关企事业单位")


def test_invalid_data_shows_its_problems_not_warnings(cli, tmp_path):
    folder = write_dataset_files(tmp_path / "d", NODES, [*EDGES, ("U9", "C1", "within")])
    result = cli("validate", folder)
    assert result.exit_code == 2 and result.stdout == ""
    assert "警告" not in result.stderr and "1 个问题" in result.stderr
