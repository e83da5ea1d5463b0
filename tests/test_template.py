"""The Excel template: its sheets, text formats and kinds; filled in, read back and audited."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from jiceng.graphmodel import EDGE_KINDS, NODE_KINDS
from jiceng.graphmodel.schema import NUMERIC_ATTRIBUTES, STATION_TYPES
from jiceng.loaders import read_dataset, read_excel
from jiceng.loaders.template import write_template
from jiceng.queries import audit, isolation


@pytest.fixture(scope="module")
def template_path(tmp_path_factory):
    """The template, written once; tests that fill it save their copy elsewhere."""
    path = tmp_path_factory.mktemp("template") / "模板.xlsx"
    write_template(path)
    return path


def _headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[1] if cell.value is not None]


def _rows(sheet) -> list[dict]:
    """The filled rows of a data sheet as dicts (cells with a value only)."""
    headers = _headers(sheet)
    out = []
    for values in sheet.iter_rows(min_row=2, max_col=len(headers), values_only=True):
        if any(v is not None for v in values):
            out.append({h: v for h, v in zip(headers, values) if v is not None})
    return out


def _fill(sheet, rows: list[dict]) -> None:
    """Fill the rows below the last filled one as a person would, by column heading."""
    headers = _headers(sheet)
    start = len(_rows(sheet)) + 2
    for row, values in enumerate(rows, start=start):
        for column, value in values.items():
            sheet.cell(row=row, column=headers.index(column) + 1, value=value)


def test_sheets_and_headers(template_path):
    workbook = load_workbook(template_path)
    assert workbook.sheetnames == ["nodes", "edges", "kinds"]
    nodes = _headers(workbook["nodes"])
    assert nodes[:3] == ["id", "kind", "name"]
    assert set(NUMERIC_ATTRIBUTES) | {"type"} <= set(nodes)
    assert _headers(workbook["edges"]) == ["source", "target", "kind", "members", "person", "role",
                                           "contents", "since"]


@pytest.mark.parametrize(("sheet", "column"), [("nodes", "id"), ("edges", "source"),
                                               ("edges", "target"), ("edges", "since")])
def test_code_columns_are_text_formatted_far_down(template_path, sheet, column):
    worksheet = load_workbook(template_path)[sheet]
    position = _headers(worksheet).index(column) + 1
    letter = worksheet.cell(row=1, column=position).column_letter
    assert worksheet.column_dimensions[letter].number_format == "@"
    for row in (2, 100, 5000):
        assert worksheet.cell(row=row, column=position).number_format == "@"


@pytest.mark.parametrize(("sheet", "column"), [("nodes", "name"), ("nodes", "kind"),
                                               ("edges", "person")])
def test_other_text_columns_are_text_formatted(template_path, sheet, column):
    worksheet = load_workbook(template_path)[sheet]
    letter = worksheet.cell(row=1, column=_headers(worksheet).index(column) + 1).column_letter
    assert worksheet.column_dimensions[letter].number_format == "@"


def test_numeric_columns_stay_numbers(template_path):
    worksheet = load_workbook(template_path)["nodes"]
    position = _headers(worksheet).index("households") + 1
    letter = worksheet.cell(row=1, column=position).column_letter
    assert worksheet.column_dimensions[letter].number_format == "General"
    assert worksheet.cell(row=50, column=position).number_format == "General"
    assert any(isinstance(r.get("households"), int) for r in _rows(worksheet))


def test_kinds_sheet_lists_exactly_the_schema(template_path):
    rows = list(load_workbook(template_path)["kinds"].iter_rows(min_row=2, values_only=True))
    node_rows = [r for r in rows if r[0] == "node"]
    edge_rows = [r for r in rows if r[0] == "edge"]
    assert [r[1] for r in node_rows] == list(NODE_KINDS)
    assert [r[1] for r in edge_rows] == list(EDGE_KINDS)
    for table, kinds in ((node_rows, NODE_KINDS), (edge_rows, EDGE_KINDS)):
        for _, kind, zh, en, _ in table:
            assert (zh, en) == (kinds[kind].zh, kinds[kind].en)
    for _, kind, _, _, endpoints in edge_rows:
        lines = endpoints.split("\n")
        pairs = {(s.strip(), t.strip()) for line in lines
                 for s in line.split(" → ")[0].split(",") for t in line.split(" → ")[1].split(",")}
        assert pairs == set(EDGE_KINDS[kind].pairs())
    assert {r[1] for r in rows if r[0] not in ("node", "edge")} == set(STATION_TYPES)


def test_kind_columns_offer_the_schema_kinds(template_path):
    workbook = load_workbook(template_path)

    def listed(name: str) -> list[str]:
        sheet_name, cells = next(iter(workbook.defined_names[name].destinations))
        return [row[0].value for row in workbook[sheet_name][cells.replace("$", "")]]

    for sheet, name, kinds in (("nodes", "node_kinds", NODE_KINDS),
                               ("edges", "edge_kinds", EDGE_KINDS)):
        validations = workbook[sheet].data_validations.dataValidation
        kind_column = workbook[sheet].cell(row=1, column=_headers(workbook[sheet]).index("kind") + 1)
        drop_down = [v for v in validations if v.formula1 == f"={name}"]
        assert len(drop_down) == 1 and drop_down[0].type == "list"
        assert f"{kind_column.column_letter}2" in drop_down[0].sqref
        assert listed(name) == list(kinds)


def test_untouched_template_is_a_valid_dataset(template_path):
    graph = read_excel(template_path)
    assert read_dataset(template_path).n_nodes == graph.n_nodes  # the suffix picks the reader
    workbook = load_workbook(template_path)
    examples = _rows(workbook["nodes"])
    assert graph.n_nodes == len(examples) and graph.n_edges == len(_rows(workbook["edges"]))
    for kind in ("street_committee", "community_party", "grid", "grid_branch", "unit",
                 "unit_party"):
        assert graph.count(kind) == sum(r["kind"] == kind for r in examples) >= 1
    edge_kinds = set(graph.edges["kind"].astype(str))
    assert {"leads", "covers", "pairs_with", "part_time"} <= edge_kinds
    result = audit(graph).summary.set_index("rule")
    assert result.loc["grid-branch", "checked"] == graph.count("grid")
    assert result.loc["grid-branch", "passing"] == graph.count("grid")  # the example grid has its branch
    assert isolation(graph).isolated == []  # the example community is paired


def test_filled_template_keeps_leading_zeros_and_chinese(template_path):
    workbook = load_workbook(template_path)
    nodes, edges = workbook["nodes"], workbook["edges"]
    street = next(r["id"] for r in _rows(nodes) if r["kind"] == "street_committee")
    long_code = "520102000001234567"  # an 18-digit code, longer than a float keeps exactly
    _fill(nodes, [
        {"id": "007", "kind": "community_party", "name": "花果园社区党委", "households": 5200},
        {"id": "0071", "kind": "grid", "name": "花果园第一网格", "households": 600},
        {"id": "0072", "kind": "grid", "name": "花果园第二网格"},
        {"id": "00711", "kind": "grid_branch", "name": "花果园第一网格党支部"},
        {"id": long_code, "kind": "unit", "name": "贵州大学"},
        {"id": "00042", "kind": "unit_party", "name": "贵州大学党委", "members": 300},
    ])
    _fill(edges, [
        {"source": street, "target": "007", "kind": "leads"},
        {"source": "007", "target": "00711", "kind": "leads"},
        {"source": "0071", "target": "007", "kind": "within"},
        {"source": "0072", "target": "007", "kind": "within"},
        {"source": "00711", "target": "0071", "kind": "covers"},
        {"source": long_code, "target": "007", "kind": "within"},
        {"source": "00042", "target": long_code, "kind": "covers"},
        {"source": "00042", "target": "007", "kind": "pairs_with", "contents": "支教、义诊",
         "since": "2020-09"},
        *({"source": "00042", "target": "007", "kind": "part_time", "person": person}
          for person in ("张伟", "刘芳", "陈静")),
        {"source": "00042", "target": "007", "kind": "reports_to", "members": 45},
    ])
    filled = template_path.with_name("填好的.xlsx")
    workbook.save(filled)

    graph = read_excel(filled)
    ids = set(graph.nodes["id"])
    assert {"007", "0071", "00711", "00042", long_code} <= ids
    assert "7" not in ids and "42" not in ids
    community = graph.nodes.set_index("id").loc["007"]
    assert community["name"] == "花果园社区党委" and community["households"] == 5200
    tables = graph.to_tables()[1]
    since = tables.loc[(tables["source"] == "00042") & (tables["kind"] == "pairs_with"), "since"]
    assert since.tolist() == ["2020-09"]  # typed as text, not turned into a date

    result = audit(graph)
    summary = result.summary.set_index("rule")
    communities = graph.count("community_party")
    assert communities == 2
    assert summary.loc["community-part-time", "checked"] == communities
    part_time = [r["target"] for r in _rows(edges) if r["kind"] == "part_time"]
    short = sorted(r["id"] for r in _rows(nodes)
                   if r["kind"] == "community_party" and part_time.count(r["id"]) < 3)
    assert "007" not in short  # three part-time members: "3+N" met
    assert result.gap_ids("community-part-time") == short
    assert summary.loc["grid-branch", "checked"] == graph.count("grid") == 3
    assert result.gap_ids("grid-branch") == ["0072"]
    assert summary.loc["unit-party", "passing"] == graph.count("unit") == 2


def test_cli_writes_and_refuses_to_overwrite(cli, tmp_path):
    out = tmp_path / "新表" / "template.xlsx"
    first = cli("template", out)
    assert first.exit_code == 0, first.stderr
    assert str(out) in first.stderr and first.stdout == ""
    assert read_excel(out).n_nodes > 0
    before = out.read_bytes()

    second = cli("template", out)
    assert second.exit_code == 2
    assert "--force" in second.stderr and "exists" in second.stderr
    assert out.read_bytes() == before

    out.write_bytes(b"not a workbook")
    third = cli("template", "--force", out)
    assert third.exit_code == 0
    assert read_excel(out).n_nodes > 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["template.xlsx"]  # no temporary left


def test_cli_refuses_other_suffixes(cli, tmp_path):
    result = cli("template", tmp_path / "template.csv")
    assert result.exit_code == 2 and ".xlsx" in result.stderr
    assert not (tmp_path / "template.csv").exists()


def test_validate_accepts_the_template(cli, template_path):
    result = cli("validate", template_path)
    assert result.exit_code == 0 and "valid" in result.stdout
