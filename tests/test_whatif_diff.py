"""What-if removal of units, and the diff of two snapshots."""

from __future__ import annotations

import json

from tests.helpers import TINY_EDGES, TINY_NODES, write_dataset_files

from jiceng.loaders import read_dataset, write_dataset
from jiceng.queries.diff import diff
from jiceng.queries.isolation import isolation
from jiceng.queries.whatif import whatif


def test_removing_a_single_point_isolates_its_community(sample, sample_truth):
    unit, communities = next(iter(sample_truth["single_points"].items()))
    result = whatif(sample, remove=[unit])
    assert set(communities) <= set(result.newly_isolated)
    pairing = result.rules.set_index("rule").loc["community-pairing"]
    assert pairing["after"] < pairing["before"]
    assert set(communities) <= set(result.new_gaps.loc[result.new_gaps["rule"] == "community-pairing", "id"])


def test_whatif_through_the_cli(cli, sample_truth):
    unit, communities = next(iter(sample_truth["single_points"].items()))
    result = cli("whatif", "--remove", unit, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(communities) <= set(data["newly_isolated"])
    assert data["removed"] == [unit]


def test_whatif_unknown_id_exits_2(cli):
    result = cli("whatif", "--remove", "NOPE")
    assert result.exit_code == 2 and "unknown node 'NOPE'" in result.stderr


def test_diff_with_itself_is_empty(sample):
    assert diff(sample, sample).unchanged


def test_diff_after_deleting_one_pairing(tmp_path, sample, cli):
    write_dataset(sample, tmp_path / "old")
    nodes, edges = sample.to_tables()
    # a community with exactly one pairing, so deleting it moves its coverage
    pairs = edges[edges["kind"] == "pairs_with"]
    kind = dict(zip(nodes["id"], nodes["kind"]))
    counts = pairs["target"].value_counts()
    community = next(c for c in counts.index if counts[c] == 1 and kind[c] == "community_party"
                     and c not in isolation(sample).fragile)
    row = pairs.index[pairs["target"] == community][0]
    (tmp_path / "new").mkdir()
    nodes.to_csv(tmp_path / "new" / "nodes.csv", index=False)
    edges.drop(index=row).to_csv(tmp_path / "new" / "edges.csv", index=False)
    result = diff(read_dataset(tmp_path / "old"), read_dataset(tmp_path / "new"))
    removed = result.edges_removed
    assert removed[["source", "target", "kind"]].values.tolist() == [
        [edges.loc[row, "source"], community, "pairs_with"]]
    assert len(result.edges_added) == len(result.nodes_added) == len(result.nodes_removed) == 0
    status = result.status[result.status["rule"] == "community-pairing"]
    assert status[["id", "before", "after"]].values.tolist() == [[community, "pass", "fail"]]
    moved = result.coverage.set_index("rule")["delta"]
    assert moved["community-pairing"] < 0 and (moved.drop("community-pairing") == 0).all()
    street = sample.nodes["id"].to_numpy()[sample.places["street"].to_numpy()[sample.code(community)]]
    streets = result.by_street
    assert streets[["rule", "street"]].values.tolist() == [["community-pairing", street]]
    cli_json = json.loads(cli("diff", tmp_path / "old", tmp_path / "new", "--format", "json").stdout)
    assert cli_json["edges_removed"][0]["target"] == community and not cli_json["unchanged"]


def test_large_diff_json_is_the_library_result(tmp_path, sample, cli):
    """A diff with more records than are indented (every node renamed, names with quotes,
    backslashes, control characters and Chinese) is written on one line, column by column,
    and reads back as exactly ``diff(...).to_json()``."""
    write_dataset(sample, tmp_path / "old")
    nodes, edges = sample.to_tables()
    odd = ['引号"q"', "back\\slash", "line\nbreak", "esc\x1b[31m", "tab\tand\u2028", "平常"]
    nodes = nodes.assign(name=[f"{odd[i % len(odd)]}{i}" for i in range(len(nodes))])
    (tmp_path / "new").mkdir()
    nodes.to_csv(tmp_path / "new" / "nodes.csv", index=False)
    edges.to_csv(tmp_path / "new" / "edges.csv", index=False)
    expected = diff(read_dataset(tmp_path / "old"), read_dataset(tmp_path / "new")).to_json()
    assert len(expected["nodes_changed"]) == len(nodes) > 20_000
    text = cli("diff", tmp_path / "old", tmp_path / "new", "--format", "json").stdout
    assert text.count("\n") == 1  # one line
    got = json.loads(text)
    assert got.keys() == expected.keys()
    for key, value in expected.items():  # key by key, row by row: pytest's diff of it all is slow
        if isinstance(value, list):
            assert len(got[key]) == len(value), key
            assert next((i for i, (a, b) in enumerate(zip(got[key], value)) if a != b), None) \
                is None, key
        else:
            assert got[key] == value, key


def test_changed_attributes_are_named_in_chinese_for_people(tmp_path, cli):
    """The diff's 修改节点 names each changed attribute by its heading (户数 (households)) on
    screen, in Markdown and in the workbook; JSON and CSV keep the code."""
    import openpyxl

    columns = ("id", "kind", "name", "households")
    old = [row + ("100",) for row in TINY_NODES]
    new = [row[:2] + (row[2] + "（新）" if row[0] == "C1" else row[2], "120")
           for row in TINY_NODES]
    write_dataset_files(tmp_path / "old", old, TINY_EDGES, node_columns=columns)
    write_dataset_files(tmp_path / "new", new, TINY_EDGES, node_columns=columns)
    args = ("diff", tmp_path / "old", tmp_path / "new")
    data = json.loads(cli(*args, "--format", "json").stdout)
    assert {r["what"] for r in data["nodes_changed"]} == {"households", "name"}
    assert "户数 (households)" in cli(*args).stdout
    assert "名称 (name)" in cli(*args, "--format", "markdown").stdout
    assert cli(*args, "--format", "xlsx", "--output", tmp_path / "d.xlsx").exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "d.xlsx")["修改节点"]
    shown = {value for row in sheet.iter_rows(values_only=True) for value in row}
    assert {"户数 (households)", "名称 (name)"} <= shown


def test_people_see_names_labels_and_numbers_in_the_diff(tmp_path, cli):
    """Every id a person sees in the diff has its name beside it (a changed node, both ends of
    an edge, the street of a pass/fail change, the rule), a changed kind reads as its Chinese
    labels and a changed number stays a number; JSON and CSV keep the codes."""
    import openpyxl

    from jiceng.graphmodel.schema import NODE_KINDS

    columns = ("id", "kind", "name", "households")
    old = [row + ("100",) for row in TINY_NODES] + [("X1", "unit", "新单位", "")]
    new = [row + ("1200" if row[0] == "C1" else "100",) for row in TINY_NODES] + [
        ("X1", "property_company", "新单位", "")]
    write_dataset_files(tmp_path / "old", old, TINY_EDGES, node_columns=columns)
    write_dataset_files(tmp_path / "new", new, [e for e in TINY_EDGES if e[2] != "pairs_with"],
                        node_columns=columns)
    args = ("diff", tmp_path / "old", tmp_path / "new")
    data = json.loads(cli(*args, "--format", "json").stdout)
    assert data["nodes_changed"] == [
        {"id": "C1", "name": "市南路社区党委", "what": "households", "before": 100, "after": 1200},
        {"id": "X1", "name": "新单位", "what": "kind", "before": "unit",
         "after": "property_company"}]
    assert data["edges_removed"] == [
        {"source": "UP1", "source_name": "贵阳市第一中学党委", "target": "C1",
         "target_name": "市南路社区党委", "kind": "pairs_with", "count": 1}]
    status = {(r["rule"], r["id"]): r for r in data["status"]}
    assert status["community-pairing", "C1"]["street_name"] == "油榨街道党工委"
    assert "property_company" in cli(*args, "--format", "csv", "--section", "nodes_changed").stdout

    unit, company = NODE_KINDS["unit"].zh, NODE_KINDS["property_company"].zh
    table = cli(*args).stdout
    assert unit in table and company in table and "1,200" in table
    assert "贵阳市第一中学党委" in table and "社区党组织有结对共建单位" in table
    assert cli(*args, "--format", "xlsx", "--output", tmp_path / "d.xlsx").exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "d.xlsx")
    rows = {row[1].value: row for row in book["修改节点"].iter_rows() if row[1].value in ("C1", "X1")}
    assert [c.value for c in rows["X1"][2:]] == ["新单位", "类型 (kind)", unit, company]
    households = rows["C1"][5]
    assert households.value == 1200 and households.number_format == "#,##0"


def test_a_renamed_street_is_one_street_in_the_diff(tmp_path):
    """Coverage moved by street pairs the snapshots by street id: a street renamed between
    them is one row with its new name and its change, not two half rows."""
    nodes = TINY_NODES + [("C2", "community_party", "新社区")]
    renamed = [(i, k, "油榨街道党工委（更名）" if i == "S1" else n) for i, k, n in nodes]
    edges = TINY_EDGES + [("S1", "C2", "leads")]
    old = read_dataset(write_dataset_files(tmp_path / "old", nodes, edges))
    new = read_dataset(write_dataset_files(tmp_path / "new", renamed,
                                           edges + [("UP1", "C2", "pairs_with")]))
    moved = diff(old, new).by_street
    pairing = moved[moved["rule"] == "community-pairing"]
    assert pairing[["street", "street_name", "before", "after", "delta"]].values.tolist() == [
        ["S1", "油榨街道党工委（更名）", 0.5, 1.0, 0.5]]


def test_whatif_takes_edges_as_people_type_them(tmp_path, cli):
    """--remove-edge takes names and full-width ids for its ends and the Chinese label for its
    kind, and the title names what was removed by name, with the id and kind beside it."""
    folder = write_dataset_files(tmp_path / "d", TINY_NODES, TINY_EDGES)
    typed = cli("whatif", folder, "--remove-edge", "ＵＰ１", "市南路社区党委", "结对共建")
    assert typed.exit_code == 0, typed.stderr
    plain = cli("whatif", folder, "--remove-edge", "UP1", "C1", "pairs_with", "--format", "json")
    assert json.loads(plain.stdout)["newly_isolated"] == ["C1"]
    assert "贵阳市第一中学党委 UP1 → 市南路社区党委 C1（结对共建 pairs_with）" in typed.stdout
    assert "市南路社区党委" in typed.stdout.split("\n", 3)[-1]  # the community lost, by name


def test_every_new_gap_counted_is_listed_on_screen(cli, sample):
    """Removing UP01341 opens two "3+N" gaps: the screen lists both, not one community."""
    result = whatif(sample, remove=["UP01341"])
    screen = cli("whatif", "--remove", "UP01341")
    assert screen.exit_code == 0
    shown = screen.stdout.split("新增缺口 New gaps")[1]
    assert len(result.new_gaps) == int(result.rules["new_gaps"].sum()) >= 2
    for rule, node in zip(result.new_gaps["rule"], result.new_gaps["id"]):
        assert any(rule in line and node in line for line in shown.splitlines()), (rule, node)
