"""An edge's 起点/终点 may name a node by its name, where the name is unique in the file; an id
always wins; a name several nodes have, or a text that is neither id nor name, is refused with
the nodes it may mean (name, id, street), Chinese first (docs/design.md §3.2)."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from tests.helpers import TINY_EDGES, TINY_NODES, write_dataset_files

from jiceng.graphmodel import InvalidInputError, ProblemCode
from jiceng.loaders import read_dataset

NAME = dict((i, n) for i, _, n in TINY_NODES)


def _by_name(edges):
    """The edges with every end given by its node's name."""
    return [(NAME[s], NAME[t], k) for s, t, k in edges]


def test_names_in_a_csv_folder_read_as_the_ids(tmp_path):
    by_id = read_dataset(write_dataset_files(tmp_path / "ids", TINY_NODES, TINY_EDGES))
    by_name = read_dataset(write_dataset_files(tmp_path / "names", TINY_NODES,
                                               _by_name(TINY_EDGES)))
    assert by_name.to_tables()[1].equals(by_id.to_tables()[1])
    assert by_name.places.equals(by_id.places)


def test_an_id_wins_over_a_name(tmp_path):
    """A node named like another's id: the cell means the id."""
    nodes = [*TINY_NODES, ("G2", "grid", "G1")]
    graph = read_dataset(write_dataset_files(tmp_path / "d", nodes,
                                             [*TINY_EDGES, ("G2", "C1", "within")]))
    edges = graph.to_tables()[1]
    assert edges.loc[edges["kind"] == "covers", "target"].tolist()[0] == "G1"
    assert graph.nodes.set_index("id").at["G2", "name"] == "G1"


def _workbook(path, nodes, edges):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "节点"
    sheet.append(["编号", "类型", "名称"])
    for node in nodes:
        sheet.append(list(node))
    sheet = workbook.create_sheet("关系")
    sheet.append(["起点", "终点", "关系"])
    for edge in edges:
        sheet.append(list(edge))
    workbook.save(path)
    return path


def test_an_ambiguous_name_gets_its_candidates(cli, tmp_path):
    """Two grids called 第一网格: the edge naming it is refused with both, with id and street."""
    nodes = [*TINY_NODES, ("G2", "grid", "第一网格")]
    edges = [e if e[0] != NAME["G1"] else ("G1", *e[1:]) for e in _by_name(TINY_EDGES)]
    edges.append(("G2", "市南路社区党委", "within"))
    path = _workbook(tmp_path / "街道.xlsx", nodes, edges)
    row = 2 + [e[1] for e in edges].index("第一网格")  # 第一网格党支部 covers 第一网格

    with pytest.raises(InvalidInputError) as raised:
        read_dataset(path)
    assert [(p.row, p.column, p.code) for p in raised.value.problems] == [
        (row, "target", ProblemCode.AMBIGUOUS_ENDPOINT)]  # and nothing else
    problem = raised.value.problems[0]
    assert problem.file == f"{path}[关系]"
    assert problem.message == ("名称 '第一网格' 对应 2 个节点，请改填其中一个的编号："
                               "第一网格（编号 G1，油榨街道党工委）、第一网格（编号 G2，油榨街道党工委）")
    assert problem.message_en == "the name '第一网格' names 2 nodes; give the id of one: ids G1, G2"

    result = cli("validate", path)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"[关系] 第 {row} 行 target 列：名称 '第一网格' 对应 2 个节点" in result.stderr


def test_neither_id_nor_name_gets_did_you_mean(cli, tmp_path):
    """A community typed without 党委: the community Party organization is offered."""
    edges = [*_by_name(TINY_EDGES), ("贵阳市第一中学党委", "市南路社区", "part_time")]
    path = _workbook(tmp_path / "街道.xlsx", TINY_NODES, edges)
    result = cli("validate", path)
    assert result.exit_code == 2 and result.stdout == ""
    row = len(edges) + 1
    line = next(x for x in result.stderr.splitlines() if f"第 {row} 行" in x)
    assert line == (f"{path}[关系] 第 {row} 行 target 列：未知的节点 '市南路社区'，{path}[节点] 中没有"
                    f"这个编号，也没有这个名称；是否为：市南路社区党委（编号 C1，油榨街道党工委）（row "
                    f"{row}, column target: unknown node '市南路社区' (not in {path}[节点]); did you "
                    "mean: ids C1）")
    assert "1 个问题" in result.stderr


def test_only_the_unknown_ends_are_looked_up(tmp_path, monkeypatch):
    """A file of ids never reads the names (the lookup is for the ends that are no id)."""
    import jiceng.graphmodel.validate as validate

    calls = []
    original = validate.resolve_names
    monkeypatch.setattr(validate, "resolve_names", lambda *a: calls.append(1) or original(*a))
    read_dataset(write_dataset_files(tmp_path / "ids", TINY_NODES, TINY_EDGES))
    assert calls == []
    read_dataset(write_dataset_files(tmp_path / "names", TINY_NODES, _by_name(TINY_EDGES)))
    assert calls == [1]
