"""Reading and writing datasets: encodings, ids as strings, Excel, lossless round trips."""

from __future__ import annotations

import codecs
import string

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from tests.helpers import TINY_EDGES, TINY_NODES, write_dataset_files

from jiceng.graphmodel import InvalidInputError, OrgGraph
from jiceng.graphmodel.cells import unescape_formula
from jiceng.loaders import read_dataset, read_sample, write_dataset
from jiceng.loaders.excel import read_excel, write_excel
from jiceng.loaders.synthetic import generate


def test_gbk_file_is_detected_and_read(tmp_path):
    folder = write_dataset_files(tmp_path / "d", TINY_NODES, TINY_EDGES, encoding="gbk")
    assert "油榨".encode("gbk") in (folder / "nodes.csv").read_bytes()
    graph = read_dataset(folder)
    assert graph.nodes.set_index("id").loc["S1", "name"] == "油榨街道党工委"


def test_utf8_bom_file_is_read_without_a_stray_character(tmp_path):
    folder = write_dataset_files(tmp_path / "d", TINY_NODES, TINY_EDGES, encoding="utf-8-sig")
    assert (folder / "nodes.csv").read_bytes().startswith(codecs.BOM_UTF8)
    graph = read_dataset(folder)
    assert list(graph.nodes.columns[:3]) == ["id", "kind", "name"]


def test_leading_zeros_survive_csv_and_excel(tmp_path):
    nodes = [("007", "street_committee", "街道"), ("0042", "community_party", "社区")]
    edges = [("007", "0042", "leads")]
    graph = read_dataset(write_dataset_files(tmp_path / "d", nodes, edges))
    assert graph.nodes["id"].tolist() == ["007", "0042"]
    write_dataset(graph, tmp_path / "out")
    assert read_dataset(tmp_path / "out").nodes["id"].tolist() == ["007", "0042"]
    write_excel(graph, tmp_path / "out.xlsx")
    again = read_excel(tmp_path / "out.xlsx")
    assert again.nodes["id"].tolist() == ["007", "0042"]
    assert again.to_tables()[1]["source"].tolist() == ["007"]
    sheet = load_workbook(tmp_path / "out.xlsx")["nodes"]
    assert sheet["A2"].number_format == "@" and sheet["A2"].value == "007"


def test_full_width_text_is_normalized_and_trimmed(tmp_path):
    """Ids, kinds and numbers are read in their plain forms; names are trimmed and keep every
    character people typed (full-width brackets and commas, circled numbers)."""
    nodes = [("０７　", "street_committee", "　油榨街道 "),
             ("Ｃ１", "community_party", "中华社区（南区），试点①")]
    edges = [("07", "C1", "leads")]
    graph = read_dataset(write_dataset_files(tmp_path / "d", nodes, edges))
    assert graph.nodes["id"].tolist() == ["07", "C1"]
    assert graph.nodes["name"].tolist() == ["油榨街道", "中华社区（南区），试点①"]


def test_written_csv_has_a_bom_for_excel(tmp_path, sample):
    write_dataset(sample, tmp_path / "out")
    assert (tmp_path / "out" / "nodes.csv").read_bytes().startswith(codecs.BOM_UTF8)
    assert (tmp_path / "out" / "edges.csv").read_bytes().startswith(codecs.BOM_UTF8)


def test_missing_sheet(tmp_path):
    workbook = Workbook()
    workbook.active.title = "nodes"
    workbook["nodes"].append(["id", "kind", "name"])
    workbook.save(tmp_path / "city.xlsx")
    with pytest.raises(InvalidInputError) as caught:
        read_dataset(tmp_path / "city.xlsx")
    [problem] = caught.value.problems
    assert problem.code == "missing_sheet" and problem.message.startswith("没有工作表 'edges'")
    text = f"{problem.message} {getattr(problem, 'message_en', '')}"
    assert "no sheet 'edges'" in text and "has: nodes" in text


def test_excel_problems_name_the_sheet_and_row(tmp_path):
    workbook = Workbook()
    nodes = workbook.active
    nodes.title = "nodes"
    for row in [("id", "kind", "name"), *TINY_NODES, ("X", "nonsense", "乱")]:
        nodes.append(row)
    edges = workbook.create_sheet("edges")
    for row in [("source", "target", "kind"), *TINY_EDGES]:
        edges.append(row)
    workbook.save(tmp_path / "city.xlsx")
    with pytest.raises(InvalidInputError) as caught:
        read_dataset(tmp_path / "city.xlsx")
    assert [p.code for p in caught.value.problems] == ["bad_kind"]
    assert str(caught.value) == (f"{tmp_path / 'city.xlsx'}[nodes] 第 9 行 kind 列：未知的节点类型 "
                                 "'nonsense'（row 9, column kind: unknown node kind 'nonsense'）")


def test_not_a_workbook(tmp_path):
    (tmp_path / "fake.xlsx").write_text("hello")
    with pytest.raises(InvalidInputError, match=r"不是有效的 \.xlsx 工作簿.{1,2}not a valid \.xlsx workbook") \
            as caught:  # Chinese first
        read_dataset(tmp_path / "fake.xlsx")
    assert [p.code for p in caught.value.problems] == ["bad_workbook"]


def _same(a: OrgGraph, b: OrgGraph) -> None:
    for left, right in zip(a.to_tables(), b.to_tables()):
        left = left.astype("str").fillna("")
        right = right[left.columns].astype("str").fillna("")
        pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True),
                                      check_dtype=False)


def _round_trips_through_csv_and_excel(graph, folder) -> None:
    write_dataset(graph, folder / "csv")
    _same(graph, read_dataset(folder / "csv"))
    write_excel(graph, folder / "book.xlsx")
    _same(graph, read_dataset(folder / "book.xlsx"))


def test_generated_city_round_trips_through_csv_and_excel(tmp_path):
    graph, _ = generate(seed=5, scale=0.1)
    _round_trips_through_csv_and_excel(graph, tmp_path)


@pytest.mark.slow
def test_sample_round_trips_through_csv_and_excel(tmp_path, sample):
    _round_trips_through_csv_and_excel(sample, tmp_path)


def test_each_read_of_the_sample_is_a_graph_of_its_own():
    """A notebook that edits the sample it read does not edit the next one read."""
    first = read_sample()
    name = first.nodes["name"].iat[0]
    first.nodes.loc[first.nodes.index[0], "name"] = "改过的名称"
    assert read_sample().nodes["name"].iat[0] == name


def test_networkx_view_has_one_node_per_node_and_one_edge_per_edge(sample):
    graph = sample.to_networkx()
    assert graph.number_of_nodes() == sample.n_nodes
    assert graph.number_of_edges() == sample.n_edges
    assert graph.nodes["C00001"]["kind"] == "community_party"


_text = st.text(alphabet=string.ascii_letters + string.digits + "网格社区党委,\"'- ", min_size=1,
                max_size=12).map(str.strip).filter(bool)
_ids = st.lists(st.one_of(st.from_regex(r"0[0-9]{1,5}", fullmatch=True), _text), min_size=2,
                max_size=12, unique_by=unescape_formula)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=_ids, data=st.data())
def test_round_trip_keeps_every_node_edge_and_attribute(tmp_path_factory, ids, data):
    folder = tmp_path_factory.mktemp("rt")
    names = data.draw(st.lists(_text, min_size=len(ids), max_size=len(ids)))
    households = data.draw(st.lists(st.one_of(st.none(), st.integers(0, 10**6)),
                                    min_size=len(ids), max_size=len(ids)))
    notes = data.draw(st.lists(st.one_of(st.none(), _text), min_size=len(ids), max_size=len(ids)))
    nodes = pd.DataFrame({"id": ids, "kind": "community_party", "name": names,
                          "households": households, "note": notes})
    nodes.loc[0, "kind"] = "unit_party"
    count = data.draw(st.integers(0, 8))
    targets = data.draw(st.lists(st.sampled_from(ids[1:]), min_size=count, max_size=count))
    members = data.draw(st.lists(st.integers(0, 500), min_size=count, max_size=count))
    edges = pd.DataFrame({"source": [ids[0]] * count, "target": targets, "kind": "reports_to",
                          "members": members})
    nodes.astype({"households": "Int64"}).to_csv(folder / "nodes.csv", index=False)
    edges.to_csv(folder / "edges.csv", index=False)
    graph = read_dataset(folder)
    # a leading apostrophe before - is the spreadsheet's mark of text ('-), read as the text
    assert graph.nodes["id"].tolist() == [unescape_formula(i) for i in ids]
    write_dataset(graph, folder / "again")
    _same(graph, read_dataset(folder / "again"))
    write_excel(graph, folder / "again.xlsx")
    _same(graph, read_dataset(folder / "again.xlsx"))


def test_a_cell_is_blank_exactly_when_trimming_leaves_nothing():
    """The loader's blank test (no trimming: length and "all white space") agrees with
    trimming Unicode white space, for every character alone, doubled and beside text."""
    import pyarrow.compute as pc

    from jiceng.loaders.dataset import _present, text_column

    cells = [""]
    for code in range(0x110000):
        if not 0xD800 <= code <= 0xDFFF:
            ch = chr(code)
            cells += [ch, ch * 2, "a" + ch, ch + "社"]
    values = text_column(cells + [None])
    trimmed = pc.utf8_trim_whitespace(values)
    expected = pc.fill_null(pc.not_equal(trimmed, ""), False).to_numpy(zero_copy_only=False)
    assert (_present(values) == expected).all()
    assert not _present(text_column([" ", "\u3000", "\t\n", None, ""])).any()


def test_a_large_csv_is_parsed_in_blocks_and_read_as_the_careful_reader_reads_it(tmp_path,
                                                                                  monkeypatch):
    """The sample's files, parsed by arrow in many blocks (the ids and names as large_string,
    the rest as arrow string), give the graph the careful reader gives; the ids
    and names end up in one chunk."""
    import shutil

    import jiceng.loaders.dataset as dataset
    from jiceng.loaders import sample_path

    folder = tmp_path / "sample"
    shutil.copytree(sample_path(), folder)
    fast = read_dataset(folder, cache=False)
    chunks = {c: fast.nodes[c].array.__arrow_array__().num_chunks for c in ("id", "name")}
    assert chunks == {"id": 1, "name": 1}
    assert fast.nodes["title"].array.__arrow_array__().num_chunks > 1  # it was read in blocks
    monkeypatch.setattr(dataset, "_read_large_utf8", lambda *a, **k: None)  # the csv module's
    slow = read_dataset(folder, cache=False)
    for ours, theirs in ((fast.nodes, slow.nodes), (fast.edges, slow.edges)):
        pd.testing.assert_frame_equal(ours, theirs)


def test_a_large_csv_with_problems_reports_what_the_careful_reader_reports(tmp_path,
                                                                          monkeypatch):
    """Problems in files arrow parses (an end with full-width blanks, which sends its column
    through Python's NFKC; an end given by a node's name; a formula-escaped end; a typo in a
    kind; numbers that are not, or are too large) are reported as the csv module's reading
    reports them: every one, with its row."""
    import shutil

    import jiceng.loaders.dataset as dataset
    from jiceng.loaders import sample_path

    folder = tmp_path / "sample"
    shutil.copytree(sample_path(), folder)

    def corrupt(name, changes):
        lines = (folder / name).read_text(encoding="utf-8-sig").split("\n")
        header = lines[0].split(",")
        for row, column, value in changes:
            cells = lines[row - 1].split(",")
            cells[header.index(column)] = value(cells[header.index(column)])
            lines[row - 1] = ",".join(cells)
        (folder / name).write_text("\n".join(lines), encoding="utf-8-sig")

    nodes = (folder / "nodes.csv").read_text(encoding="utf-8-sig").split("\n")
    named = nodes[40].split(",")[2]  # a node's name, to stand for its id in an edge
    corrupt("nodes.csv", [(30, "kind", lambda v: "gird"), (50, "households", lambda v: "abc"),
                          (60, "households", lambda v: "１２"),
                          (70, "members", lambda v: "9" * 20), (80, "id", lambda v: "N")])
    corrupt("edges.csv", [(20, "target", lambda v: "NOPE"), (30, "kind", lambda v: ""),
                          (40, "source", lambda v: f"\u3000{v} "), (50, "target", lambda v: named),
                          (60, "members", lambda v: "-3"),
                          (70, "source", lambda v: f"'{v}")])  # escaped: the same id

    def problems():
        with pytest.raises(InvalidInputError) as caught:
            read_dataset(folder, cache=False)
        return sorted((p.file, p.row, p.column, p.message, p.code) for p in caught.value.problems)

    fast = problems()
    monkeypatch.setattr(dataset, "_read_large_utf8", lambda *a, **k: None)  # the csv module's
    assert fast == problems()
    assert {(p[1], p[4]) for p in fast} >= {(30, "bad_kind"), (50, "bad_number"),
                                            (70, "number_too_large"), (20, "unknown_endpoint"),
                                            (30, "missing_value"), (60, "bad_number")}


def test_a_read_hands_validation_its_tables_and_reads_again_to_tell_a_problem(tmp_path,
                                                                             monkeypatch):
    """A folder's tables are handed to validation, which lets go of each column once it has
    coded, read or taken it (the kinds and the edges' ends first) and gives the graph a check of
    the whole tables gives. A problem found after letting go is told by reading the files again and
    checking them whole: the same problems as a check that never let go."""
    import shutil

    import jiceng.loaders.dataset as dataset
    from jiceng.graphmodel.validate import ROW, check_tables
    from jiceng.loaders import sample_path

    folder = tmp_path / "sample"
    shutil.copytree(sample_path(), folder)
    calls = []

    def spy(nodes, edges, *, consume=False, whole=False, **files):
        checked = check_tables(nodes, edges, consume=consume and not whole, **files)
        calls.append((consume, checked.told, set(nodes.columns), set(edges.columns)))
        return checked

    monkeypatch.setattr(dataset, "check_tables", spy)
    handed = read_dataset(folder, cache=False)
    [(consume, told, node_columns, edge_columns)] = calls
    assert consume and told
    assert node_columns == edge_columns == {ROW}  # every column taken over, none held twice
    monkeypatch.setattr(dataset, "check_tables", lambda *a, **k: spy(*a, whole=True, **k))
    whole = read_dataset(folder, cache=False)
    for ours, theirs in ((handed.nodes, whole.nodes), (handed.edges, whole.edges)):
        pd.testing.assert_frame_equal(ours, theirs)

    lines = (folder / "nodes.csv").read_text(encoding="utf-8-sig").split("\n")
    lines[9] = lines[9].replace(lines[9].split(",")[1], "gird", 1)  # a kind mistyped
    (folder / "nodes.csv").write_text("\n".join(lines), encoding="utf-8-sig")

    def problems():
        calls.clear()
        with pytest.raises(InvalidInputError) as caught:
            read_dataset(folder, cache=False)
        return [(p.row, p.column, p.code) for p in caught.value.problems], calls[:]

    told, [first] = problems()  # a check of the whole tables
    monkeypatch.setattr(dataset, "check_tables", spy)
    assert problems()[0] == told == [(10, "kind", "bad_kind")]
    [first, again] = calls
    assert first[:2] == (True, False) and again[:2] == (False, True)  # read again, then told
    assert "kind" in first[2] and "kind" in again[2]  # nothing was let go before the kinds
