"""Bad input: every case gets its own message naming file, row and column, and exit code 2."""

from __future__ import annotations

import pytest
from tests.helpers import TINY_EDGES, TINY_NODES, write_dataset_files

from jiceng.graphmodel import InvalidInputError
from jiceng.loaders import read_dataset


def problems_of(folder):
    with pytest.raises(InvalidInputError) as caught:
        read_dataset(folder)
    return caught.value.problems


def one_problem(folder):
    problems = problems_of(folder)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_tiny_city_is_valid(tmp_path):
    graph = read_dataset(write_dataset_files(tmp_path / "d", TINY_NODES, TINY_EDGES))
    assert (graph.n_nodes, graph.n_edges) == (len(TINY_NODES), len(TINY_EDGES))


@pytest.mark.parametrize("missing", ["nodes.csv", "edges.csv"])
def test_missing_file(tmp_path, missing):
    folder = write_dataset_files(tmp_path / "d", TINY_NODES, TINY_EDGES)
    (folder / missing).unlink()
    problem = one_problem(folder)
    assert problem.file.endswith(missing) and problem.code == "file_not_found"


def test_missing_dataset_folder(tmp_path):
    problem = one_problem(tmp_path / "nowhere")
    assert problem.code == "file_not_found" and problem.file == str(tmp_path / "nowhere")


def test_missing_required_column(tmp_path):
    folder = write_dataset_files(tmp_path / "d", [(n[0], n[2]) for n in TINY_NODES], TINY_EDGES,
                                 node_columns=("id", "name"))
    problem = one_problem(folder)
    assert problem.file.endswith("nodes.csv") and problem.row is None
    assert problem.code == "missing_column" and problem.message.startswith("缺少必填列 'kind'")


def test_empty_file(tmp_path):
    folder = write_dataset_files(tmp_path / "d", TINY_NODES, TINY_EDGES)
    (folder / "edges.csv").write_bytes(b"")
    problem = one_problem(folder)
    assert problem.file.endswith("edges.csv") and problem.code == "empty_file"


def test_duplicate_node_id_names_the_first_row(tmp_path):
    nodes = TINY_NODES + [("G1", "grid", "重复网格")]
    problem = one_problem(write_dataset_files(tmp_path / "d", nodes, TINY_EDGES))
    assert (problem.row, problem.column, problem.code) == (len(nodes) + 1, "id", "duplicate_id")
    assert problem.message == "重复的节点编号 'G1'，首次出现在第 5 行"
    assert problem.message_en == "duplicate node id 'G1' (first on row 5)"


def test_edge_to_unknown_node(tmp_path):
    edges = TINY_EDGES + [("UP1", "C9", "pairs_with")]
    problem = one_problem(write_dataset_files(tmp_path / "d", TINY_NODES, edges))
    assert (problem.row, problem.column) == (len(edges) + 1, "target")
    assert problem.code == "unknown_endpoint" and "'C9'" in problem.message


def test_unknown_node_kind_suggests_the_right_one(tmp_path):
    nodes = TINY_NODES + [("G2", "gird", "第二网格")]
    problem = one_problem(write_dataset_files(tmp_path / "d", nodes, TINY_EDGES))
    assert (problem.row, problem.column, problem.code) == (len(nodes) + 1, "kind", "bad_kind")
    assert problem.message == "未知的节点类型 'gird'，是否为 'grid'？"
    assert problem.message_en == "unknown node kind 'gird'; did you mean 'grid'?"
    assert str(problem).endswith("第 9 行 kind 列：未知的节点类型 'gird'，是否为 'grid'？"
                                 "（row 9, column kind: unknown node kind 'gird'; did you mean 'grid'?）")


def test_unknown_edge_kind(tmp_path):
    edges = TINY_EDGES + [("UP1", "C1", "pairs")]
    problem = one_problem(write_dataset_files(tmp_path / "d", TINY_NODES, edges))
    assert (problem.column, problem.code) == ("kind", "bad_kind") and "'pairs'" in problem.message


def test_forbidden_endpoints(tmp_path):
    edges = TINY_EDGES + [("G1", "GB1", "covers")]  # reversed: a grid cannot cover its branch
    problem = one_problem(write_dataset_files(tmp_path / "d", TINY_NODES, edges))
    assert (problem.row, problem.code) == (len(edges) + 1, "bad_endpoint")
    assert "grid_branch→grid" in problem.message_en, "the allowed pairs are named"
    assert problem.message.startswith("覆盖（covers）关系不能从网格 'G1' 指向网格党支部 'GB1'")


@pytest.mark.parametrize("value, why, zh", [("many", "is not a number", "不是数字"),
                                            ("-3", "is negative", "是负数"),
                                            ("2.5", "is not a whole number", "不是整数"),
                                            ("inf", "is not a number", "不是数字"),
                                            ("1e30", "is not a number", "不是数字")])
def test_bad_numbers_on_nodes(tmp_path, value, why, zh):
    nodes = [n + ("",) for n in TINY_NODES]
    nodes[2] = nodes[2][:3] + (value,)
    folder = write_dataset_files(tmp_path / "d", nodes, TINY_EDGES,
                                 node_columns=("id", "kind", "name", "households"))
    problem = one_problem(folder)
    assert (problem.row, problem.column, problem.code) == (4, "households", "bad_number")
    assert problem.message_en == f"households {value!r} {why} (expected a whole number ≥ 0)"
    assert problem.message == f"households {value!r} {zh}，应为 ≥ 0 的整数"


def test_bad_members_on_edges(tmp_path):
    edges = [e + ("",) for e in TINY_EDGES] + [("UP1", "C1", "reports_to", "-5")]
    folder = write_dataset_files(tmp_path / "d", TINY_NODES, edges,
                                 edge_columns=("source", "target", "kind", "members"))
    problem = one_problem(folder)
    assert (problem.row, problem.column, problem.code) == (len(edges) + 1, "members", "bad_number")


def test_cycle_in_leads(tmp_path):
    nodes = TINY_NODES + [("S2", "street_committee", "第二街道")]
    edges = TINY_EDGES + [("S2", "S2", "leads")]
    problems = problems_of(write_dataset_files(tmp_path / "d", nodes, edges))
    assert any(p.code == "cycle" and p.row == len(edges) + 1 for p in problems)


def test_cycle_in_within(tmp_path):
    nodes = TINY_NODES + [("B1", "building", "1栋")]
    edges = TINY_EDGES + [("B1", "G1", "within"), ("G1", "B1", "within")]
    problems = problems_of(write_dataset_files(tmp_path / "d", nodes, edges))
    cycle = [p for p in problems if p.code == "cycle"]
    assert {p.row for p in cycle} >= {len(edges), len(edges) + 1}


def test_building_within_two_grids(tmp_path):
    nodes = TINY_NODES + [("G2", "grid", "第二网格"), ("B1", "building", "1栋")]
    edges = TINY_EDGES + [("G2", "C1", "within"), ("B1", "G1", "within"), ("B1", "G2", "within")]
    problem = one_problem(write_dataset_files(tmp_path / "d", nodes, edges))
    assert (problem.row, problem.column) == (len(edges) + 1, "source")
    assert problem.code == "one_per_source"
    assert problem.message_en.startswith(
        f"'B1' is the source of two within edges: to 'G1' (row {len(edges)}) and to 'G2'")
    assert problem.message.startswith(f"'B1' 已有一条属地（within）关系指向 'G1'（第 {len(edges)} 行）")


def test_unknown_station_type(tmp_path):
    nodes = [n + ("",) for n in TINY_NODES] + [("ST1", "service_station", "驿站", "red_staton")]
    folder = write_dataset_files(tmp_path / "d", nodes, TINY_EDGES,
                                 node_columns=("id", "kind", "name", "type"))
    problem = one_problem(folder)
    assert (problem.column, problem.code) == ("type", "bad_value")
    assert "did you mean 'red_station'" in problem.message_en
    assert problem.message.startswith("服务阵地的 type 值 'red_staton' 未知")


def test_every_problem_is_reported_at_once(tmp_path):
    nodes = TINY_NODES + [("G1", "grid", "重复"), ("X", "nonsense", "乱")]
    edges = TINY_EDGES + [("UP1", "C9", "pairs_with"), ("UP1", "C1", "nope")]
    problems = problems_of(write_dataset_files(tmp_path / "d", nodes, edges))
    assert sorted(p.code for p in problems) == ["bad_kind", "bad_kind", "duplicate_id",
                                                 "unknown_endpoint"]
    assert {p.file.rsplit("/", 1)[-1] for p in problems} == {"nodes.csv", "edges.csv"}


def test_validate_command_lists_problems_and_exits_2(tmp_path, cli):
    nodes = TINY_NODES + [("G1", "grid", "重复")]
    folder = write_dataset_files(tmp_path / "d", nodes, TINY_EDGES + [("UP1", "C9", "pairs_with")])
    done = cli("validate", folder)
    assert done.exit_code == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert (f"{folder / 'nodes.csv'} 第 9 行 id 列：重复的节点编号 'G1'，首次出现在第 5 行"
            "（row 9, column id: duplicate node id 'G1' (first on row 5)）") in done.stderr
    assert f"{folder / 'edges.csv'} 第 10 行 target 列：未知的节点 'C9'" in done.stderr
    assert "invalid, 2 problems" in done.stderr


@pytest.mark.parametrize("command", ["audit", "info", "isolated", "reach"])
def test_every_command_rejects_bad_input_with_exit_2(tmp_path, cli, command):
    folder = write_dataset_files(tmp_path / "d", TINY_NODES + [("X", "nonsense", "乱")], TINY_EDGES)
    result = cli(command, folder)
    assert result.exit_code == 2
    assert "row 9, column kind: unknown node kind 'nonsense'" in result.stderr
    assert result.stdout == ""


def test_one_pass_reports_directions_beside_unknown_ids(tmp_path):
    """A wrong direction is reported with unknown ids elsewhere, and an edge with one unknown
    end still has its known end checked against the schema."""
    edges = TINY_EDGES + [("UP1", "C9", "pairs_with"), ("G1", "GB1", "covers"),
                          ("G1", "GX", "covers"), ("GY", "C1", "covers")]
    problems = problems_of(write_dataset_files(tmp_path / "d", TINY_NODES, edges))
    n = len(TINY_EDGES)
    assert {(p.row, p.column): p.code for p in problems} == {
        (n + 2, "target"): "unknown_endpoint", (n + 3, "kind"): "bad_endpoint",
        (n + 4, "target"): "unknown_endpoint", (n + 4, "kind"): "bad_endpoint",
        (n + 5, "source"): "unknown_endpoint", (n + 5, "kind"): "bad_endpoint"}
    found = {(p.row, p.column): p.message_en for p in problems}
    assert found[(n + 2, "target")] == f"unknown node 'C9' (not in {tmp_path / 'd' / 'nodes.csv'})"
    assert found[(n + 4, "kind")].startswith("a covers edge may not start at grid 'G1'")
    assert found[(n + 5, "kind")].startswith("a covers edge may not end at community_party 'C1'")


def test_many_problems_are_all_kept_and_the_message_is_cut_after_50(tmp_path):
    nodes = TINY_NODES + [(f"X{i}", "nonsense", "乱") for i in range(60)]
    problems = problems_of(write_dataset_files(tmp_path / "d", nodes, TINY_EDGES))
    assert len(problems) == 60
    with pytest.raises(InvalidInputError) as caught:
        read_dataset(tmp_path / "d")
    text = str(caught.value)
    assert len(text.splitlines()) == 51
    assert text.endswith("……另有 10 个问题（... and 10 more problems）")


def _cycle_edges_by_definition(source, target, n):
    """Edges on a directed cycle, by definition: the target reaches the source back."""
    import numpy as np

    out = [[] for _ in range(n)]
    for s, t in zip(source, target):
        out[s].append(t)

    def reaches(start, goal):
        seen, stack = {start}, [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            for nxt in out[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    return np.array([reaches(t, s) for s, t in zip(source, target)], dtype=bool)


def _graphs():
    from hypothesis import strategies as st

    def build(n):
        pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
        return st.tuples(st.just(n), st.lists(pair, max_size=3 * n))

    chain = st.integers(1, 150).map(lambda k: (k + 1, [(i, i + 1) for i in range(k)]))
    looped = st.integers(1, 150).map(lambda k: (k + 1, [(i, i + 1) for i in range(k)] + [(k, 0)]))
    return st.one_of(st.integers(1, 12).flatmap(build), chain, looped)


@pytest.mark.parametrize("rounds", [0, 2, 64])
def test_edges_on_a_cycle_whichever_way_found(rounds, monkeypatch):
    """The leads/within cycle check peels hierarchies in numpy and leaves the rest to scipy:
    with no peeling, a little or enough for any chain here, it finds exactly the edges on a
    cycle (self-loops included), chains deeper than the peeling included."""
    import numpy as np
    from hypothesis import given, settings

    from jiceng.graphmodel import validate

    monkeypatch.setattr(validate, "_PEELING_ROUNDS", rounds)

    @settings(max_examples=150, deadline=None)
    @given(_graphs())
    def check(case):
        n, edges = case
        source = np.array([s for s, _ in edges], dtype=np.int64)
        target = np.array([t for _, t in edges], dtype=np.int64)
        found = validate._on_cycle(source, target, n)
        assert found.tolist() == _cycle_edges_by_definition(source, target, n).tolist()

    check()
