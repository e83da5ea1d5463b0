"""The Excel template, Chinese first: its sheets, headings, text formats and drop-downs; filled
in, read back and audited; its example rows warned about; a street's part of a city written
prefilled and read back as the same nodes and edges (docs/design.md §8)."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from tests.helpers import TINY_EDGES, TINY_NODES, write_dataset_files

from jiceng.graphmodel import EDGE_KINDS, NODE_KINDS
from jiceng.graphmodel.schema import NUMERIC_ATTRIBUTES, STATION_TYPES
from jiceng.graphmodel.uscc import check_character
from jiceng.loaders import read_dataset, read_excel, write_dataset
from jiceng.loaders.dataset import column_name
from jiceng.loaders.synthetic import generate
from jiceng.loaders.template import EXAMPLE_EDGES, EXAMPLE_MARK, EXAMPLE_NODES, write_template
from jiceng.queries import audit, isolation
from jiceng.queries.dataset_warnings import example_rows
from jiceng.queries.scope import resolve_place, street_part


@pytest.fixture(scope="module")
def template_path(tmp_path_factory):
    """The template, written once; tests that fill it save their copy elsewhere."""
    path = tmp_path_factory.mktemp("template") / "模板.xlsx"
    write_template(path)
    return path


@pytest.fixture(scope="module")
def book(template_path):
    """The template loaded once, for the tests that only look at it."""
    return load_workbook(template_path)


def _headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[1] if cell.value is not None]


def _rows(sheet) -> list[dict]:
    """The filled rows of a data sheet as dicts by column code (cells with a value only)."""
    headers = [column_name(h) for h in _headers(sheet)]
    out = []
    for values in sheet.iter_rows(min_row=2, max_col=len(headers), values_only=True):
        if any(v is not None for v in values):
            out.append({h: v for h, v in zip(headers, values) if v is not None})
    return out


def _fill(sheet, rows: list[dict]) -> None:
    """Fill the rows below the last filled one as a person would, by column code."""
    headers = [column_name(h) for h in _headers(sheet)]
    start = len(_rows(sheet)) + 2
    for row, values in enumerate(rows, start=start):
        for column, value in values.items():
            sheet.cell(row=row, column=headers.index(column) + 1, value=value)


def _letter(sheet, heading: str) -> str:
    return sheet.cell(row=1, column=_headers(sheet).index(heading) + 1).column_letter


def test_sheets_and_headings_are_chinese(book):
    workbook = book
    assert workbook.sheetnames == ["说明", "节点", "关系", "类型"]
    nodes, edges = _headers(workbook["节点"]), _headers(workbook["关系"])
    assert nodes[:5] == ["编号", "类型", "名称", "户数", "人口"]
    assert "统一社会信用代码" in nodes and "阵地类型" in nodes
    assert edges == ["起点", "终点", "关系", "党员数", "人员", "担任职务", "共建内容", "开始时间"]
    codes = [column_name(h) for h in nodes]  # every heading reads back as its column
    assert codes[:3] == ["id", "kind", "name"] and set(NUMERIC_ATTRIBUTES) | {"type", "uscc"} <= set(codes)
    assert [column_name(h) for h in edges] == ["source", "target", "kind", "members", "person",
                                               "role", "contents", "since"]


@pytest.mark.parametrize(("sheet", "heading"), [("节点", "编号"), ("节点", "统一社会信用代码"),
                                                ("关系", "起点"), ("关系", "终点"), ("关系", "开始时间")])
def test_code_columns_are_text_formatted_far_down(book, sheet, heading):
    worksheet = book[sheet]
    letter = _letter(worksheet, heading)
    assert worksheet.column_dimensions[letter].number_format == "@"
    for row in (2, 100, 5000):
        assert worksheet[f"{letter}{row}"].number_format == "@"


def test_other_columns_are_text_and_numbers_stay_numbers(book):
    workbook = book
    for sheet, heading in (("节点", "名称"), ("节点", "类型"), ("关系", "人员")):
        assert workbook[sheet].column_dimensions[_letter(workbook[sheet], heading)].number_format == "@"
    nodes = workbook["节点"]
    letter = _letter(nodes, "户数")
    assert nodes.column_dimensions[letter].number_format == "General"
    assert any(isinstance(r.get("households"), int) for r in _rows(nodes))


def test_kinds_sheet_lists_exactly_the_schema(book):
    rows = list(book["类型"].iter_rows(min_row=2, values_only=True))
    node_rows = [r for r in rows if r[0] == "节点"]
    edge_rows = [r for r in rows if r[0] == "关系"]
    assert [r[2] for r in node_rows] == list(NODE_KINDS)
    assert [r[2] for r in edge_rows] == list(EDGE_KINDS)
    for table, kinds in ((node_rows, NODE_KINDS), (edge_rows, EDGE_KINDS)):
        for _, zh, kind, en, _ in table:
            assert (zh, en) == (kinds[kind].zh, kinds[kind].en)
    for _, _, kind, _, endpoints in edge_rows:
        pairs = {(s.strip(), t.strip()) for line in endpoints.split("\n")
                 for s in line.split(" → ")[0].split(",") for t in line.split(" → ")[1].split(",")}
        assert pairs == set(EDGE_KINDS[kind].pairs())
    assert {r[2] for r in rows if r[0] not in ("节点", "关系")} == set(STATION_TYPES)


def _validations(sheet, formula: str) -> list:
    return [v for v in sheet.data_validations.dataValidation if v.formula1 == formula]


def test_kind_columns_offer_the_chinese_labels(book):
    workbook = book

    def listed(name: str) -> list[str]:
        sheet_name, cells = next(iter(workbook.defined_names[name].destinations))
        return [row[0].value for row in workbook[sheet_name][cells.replace("$", "")]]

    for sheet, name, kinds in (("节点", "node_kinds", NODE_KINDS), ("关系", "edge_kinds", EDGE_KINDS)):
        drop_down = _validations(workbook[sheet], f"={name}")
        assert len(drop_down) == 1 and drop_down[0].type == "list"
        assert f"{_letter(workbook[sheet], '类型' if sheet == '节点' else '关系')}2" in drop_down[0].sqref
        assert drop_down[0].errorStyle == "warning"  # a code typed instead is read too
        assert listed(name) == [kind.zh for kind in kinds.values()]
    type_values = _validations(workbook["节点"], "=type_values")
    assert len(type_values) == 1
    assert listed("type_values") == [zh for zh, _ in STATION_TYPES.values()]  # Chinese too


def test_ends_offer_the_names_of_the_name_column(book):
    """起点/终点: a list over the 名称 column that grows with the rows a clerk adds; any value
    (an id) is let in."""
    workbook = book
    edges = workbook["关系"]
    drop_down = _validations(edges, "=node_names")
    assert len(drop_down) == 2 and not any(v.showErrorMessage for v in drop_down)
    assert sorted(str(v.sqref) for v in drop_down) == [
        f"{_letter(edges, h)}2:{_letter(edges, h)}5000" for h in ("起点", "终点")]
    name = _letter(workbook["节点"], "名称")
    assert workbook.defined_names["node_names"].attr_text == (
        f"OFFSET('节点'!${name}$2,0,0,MAX(1,COUNTA('节点'!${name}:${name})-1),1)")


def test_untouched_template_reads_with_names_in_its_edges(template_path, book):
    graph = read_dataset(template_path)  # the suffix picks the workbook reader
    examples, edges = _rows(book["节点"]), _rows(book["关系"])
    assert graph.n_nodes == len(examples) == len(EXAMPLE_NODES)
    assert graph.n_edges == len(edges) == len(EXAMPLE_EDGES)
    assert all(str(r["name"]).endswith(EXAMPLE_MARK) for r in examples)
    assert {r["kind"] for r in examples} <= {k.zh for k in NODE_KINDS.values()}
    names = {r["name"] for r in examples}
    assert all(r["source"] in names and r["target"] in names for r in edges)  # ends by name
    read_back = graph.to_tables()[1]
    assert list(zip(read_back["source"], read_back["target"])) == [
        (e["source"], e["target"]) for e in EXAMPLE_EDGES]  # read as the ids
    result = audit(graph).summary.set_index("rule")
    assert result.loc["grid-branch", "passing"] == graph.count("grid") >= 1
    assert isolation(graph).isolated == []  # the example community is paired


def test_validate_warns_about_example_rows_then_not(cli, template_path, book, tmp_path):
    result = cli("validate", template_path)
    assert result.exit_code == 0 and "有效" in result.stdout and "valid" in result.stdout
    warned = [line for line in result.stderr.splitlines() if line.startswith("警告 warning：")]
    rows = _rows(book["节点"])
    assert len(warned) == len(rows)
    for row, (line, node) in enumerate(zip(warned, rows), start=2):
        assert f"[节点] 第 {row} 行 name 列：示例行 '{node['name']}' 仍在表中" in line
        assert line.index("示例行") < line.index("example row")
    assert f"{len(rows)} 条警告" in result.stderr

    folder = write_dataset_files(tmp_path / "mine", TINY_NODES, TINY_EDGES)  # no examples
    clean = cli("validate", folder)
    assert clean.exit_code == 0 and clean.stderr == ""


def test_filled_template_keeps_leading_zeros_codes_and_chinese(template_path, tmp_path):
    workbook = load_workbook(template_path)
    nodes, edges = workbook["节点"], workbook["关系"]
    street = next(r["name"] for r in _rows(nodes) if r["kind"] == "街道党工委")
    uscc = "91520102MA6DKQ1D9" + check_character("91520102MA6DKQ1D9")
    _fill(nodes, [
        {"id": "007", "kind": "社区党组织", "name": "花果园社区党委", "households": 5200},
        {"id": "0071", "kind": "grid", "name": "花果园第一网格", "households": 600},
        {"id": "00711", "kind": "网格党支部", "name": "花果园第一网格党支部"},
        {"id": "00042", "kind": "机关企事业单位", "name": "贵州大学", "uscc": uscc},
        {"id": "00043", "kind": "单位党组织", "name": "贵州大学党委", "members": 300},
        {"id": "HZ1", "kind": "服务阵地", "name": "花果园红色驿站", "type": "红色驿站"},
        {"id": "HZ2", "kind": "服务阵地", "name": "花果园党群服务中心", "type": "service_center"},
    ])
    _fill(edges, [
        {"source": street, "target": "007", "kind": "领导"},
        {"source": "花果园社区党委", "target": "花果园第一网格党支部", "kind": "leads"},
        {"source": "0071", "target": "花果园社区党委", "kind": "属地"},
        {"source": "00711", "target": "0071", "kind": "覆盖"},
        {"source": "贵州大学", "target": "007", "kind": "属地"},
        {"source": "贵州大学党委", "target": "贵州大学", "kind": "覆盖"},
        {"source": "00043", "target": "007", "kind": "结对共建", "contents": "支教、义诊",
         "since": "2020-09"},
        {"source": "花果园红色驿站", "target": "007", "kind": "服务"},
        {"source": "HZ2", "target": "007", "kind": "服务"},
    ])
    filled = tmp_path / "填好的.xlsx"
    workbook.save(filled)

    graph = read_excel(filled)
    table = graph.nodes.set_index("id")
    assert {"007", "0071", "00711", "00042"} <= set(table.index) and "7" not in table.index
    assert table.at["007", "households"] == 5200 and table.at["007", "kind"] == "community_party"
    assert table.at["00042", "uscc"] == uscc
    assert (table.at["HZ1", "type"], table.at["HZ2", "type"]) == ("red_station", "service_center")
    read_back = graph.to_tables()[1]
    pairs = read_back[read_back["kind"] == "pairs_with"]
    assert pairs.loc[pairs["source"] == "00043", "since"].tolist() == ["2020-09"]  # not a date
    assert set(zip(read_back["source"], read_back["target"])) >= {
        ("S01", "007"), ("007", "00711"), ("0071", "007"), ("00042", "007"), ("00043", "00042")}
    assert audit(graph).gap_ids("grid-branch") == []


def test_cli_writes_and_refuses_to_overwrite(cli, tmp_path):
    out = tmp_path / "新表" / "template.xlsx"
    first = cli("template", out)
    assert first.exit_code == 0, first.stderr
    assert str(out) in first.stderr and first.stdout == ""
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["说明", "节点", "关系", "类型"]
    book.close()
    before = out.read_bytes()

    second = cli("template", out)
    assert second.exit_code == 2
    assert "--force" in second.stderr and "exists" in second.stderr
    assert out.read_bytes() == before

    out.write_bytes(b"not a workbook")
    third = cli("template", "--force", out)
    assert third.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in out.parent.iterdir()) == ["template.xlsx"]  # no temporary left


def test_cli_refuses_other_suffixes_and_half_of_from(cli, tmp_path):
    result = cli("template", tmp_path / "template.csv")
    assert result.exit_code == 2 and ".xlsx" in result.stderr
    half = cli("template", "--street", "太慈桥", tmp_path / "t.xlsx")
    assert half.exit_code == 2 and "--from" in half.stderr and "--street" in half.stderr
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------- a street's part, prefilled
@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A small generated city as a folder, one unit of each street with a unified social
    credit code: (path, graph)."""
    graph, _ = generate(seed=5, scale=0.05)
    nodes, edges = graph.to_tables()
    units = nodes.index[nodes["kind"] == "unit"][:40]
    nodes["uscc"] = pd.Series(
        {at: (f := f"9152010{n:010d}"[:17].replace("0", "A", 1)) + check_character(f)
         for n, at in enumerate(units)}, dtype="str")
    from jiceng.graphmodel import OrgGraph

    path = tmp_path_factory.mktemp("city") / "城市"
    write_dataset(OrgGraph.from_tables(nodes.astype({"kind": "str"}), edges.astype({"kind": "str"})),
                  path)
    return path, read_dataset(path)


def _street(graph) -> tuple[str, str]:
    """The id and name of the street with the most nodes of other streets tied to it."""
    best = max(graph.nodes.loc[graph.is_kind("street_committee"), "id"],
               key=lambda s: len(street_part(graph, resolve_place(graph, street=s)).elsewhere))
    return best, graph.nodes.set_index("id").at[best, "name"]


def _records(table: pd.DataFrame) -> list[dict]:
    return [{k: v for k, v in row.items() if not (v is None or v is pd.NA or v != v)}
            for row in table.astype(object).to_dict("records")]


def test_from_city_writes_the_street_part_that_reads_back_the_same(cli, city, tmp_path):
    path, graph = city
    street, name = _street(graph)
    out = tmp_path / "街道.xlsx"
    result = cli("template", "--from", path, "--street", name, out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and name in result.stderr

    part = street_part(graph, resolve_place(graph, street=street))
    inside = graph.places["street"].to_numpy() == graph.code(street)
    placed = set(graph.nodes["id"][inside])
    back = read_dataset(out)
    assert placed <= set(back.nodes["id"]) and street in placed
    ends = back.to_tables()[1]
    assert (ends["source"].isin(placed) | ends["target"].isin(placed)).all()  # each touches it
    expected, got = part.graph.to_tables(), back.to_tables()
    assert _records(got[0]) == _records(expected[0])  # ids, kinds, names, attributes, order
    assert _records(got[1]) == _records(expected[1])
    assert any("uscc" in r for r in _records(got[0]))

    assert len(example_rows(back)) == 0  # read back without a problem, and no example rows

    workbook = load_workbook(out)
    assert workbook.sheetnames == ["说明", "节点", "关系", "类型"]
    rows = _rows(workbook["节点"])
    assert not any(str(r["name"]).endswith(EXAMPLE_MARK) for r in rows)
    assert {r["kind"] for r in rows} <= {k.zh for k in NODE_KINDS.values()}
    assert {r["type"] for r in rows if "type" in r} <= {zh for zh, _ in STATION_TYPES.values()}
    assert any("type" in r for r in rows)  # and read back as the codes (the records above)
    other = set(part.elsewhere["id"])
    assert other and other.isdisjoint(placed)
    sheet = workbook["节点"]
    for number, row in enumerate(rows, start=2):
        first = sheet.cell(row=number, column=1)
        if row["id"] in other:  # shaded, with a note saying whose it is
            assert first.fill.fgColor.rgb.endswith("E0E0E0") and "请勿修改" in first.comment.text
        else:
            assert first.comment is None and first.fill.fgColor.rgb != "FFE0E0E0"
    about = "\n".join(str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value)
    assert name in about and "灰底" in about and "请勿修改" in about
    assert _validations(workbook["关系"], "=node_names")


def test_from_city_unknown_street_gets_did_you_mean(cli, city, tmp_path):
    path, graph = city
    _, name = _street(graph)
    typo = name[0] + "x" + name[2:4]
    result = cli("template", "--from", path, "--street", typo, tmp_path / "t.xlsx")
    assert result.exit_code == 2 and result.stdout == ""
    assert "did you mean" in result.stderr
    assert list(tmp_path.iterdir()) == []
