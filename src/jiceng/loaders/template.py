"""An Excel workbook to fill in: sheets ``nodes`` and ``edges`` with a few example rows,
and a sheet ``kinds`` listing the vocabulary of the schema.

The example rows are themselves a valid dataset (one street, one community with a grid
and its Party branch, one unit with its Party organization paired with the community),
so the untouched template reads, validates and audits. Every column but the numeric
attributes is formatted as Text, and the id-like ones cell by cell down to :data:`TEXT_ROWS`
as well, so Excel keeps ``007`` as ``007`` and long codes as typed; the ``kind`` columns and the
enumerated attributes (a service station's ``type``) offer a drop-down of the schema's values.
"""

from __future__ import annotations

import os

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jiceng.graphmodel.schema import (
    EDGE_KINDS,
    NODE_KINDS,
    NUMERIC_ATTRIBUTES,
    REQUIRED_EDGE_COLUMNS,
    REQUIRED_NODE_COLUMNS,
    label,
)
from jiceng.loaders.atomic import atomic_path

__all__ = ["write_template", "NODE_COLUMNS", "EDGE_COLUMNS", "CODE_COLUMNS", "TEXT_ROWS",
           "EXAMPLE_NODES", "EXAMPLE_EDGES"]

#: Columns of the ``nodes`` sheet: the required ones, then the attributes in common use (and,
#: when written, every enumerated attribute the schema declares, see :func:`_node_columns`).
NODE_COLUMNS: tuple[str, ...] = (*REQUIRED_NODE_COLUMNS, "households", "population", "members",
                                 "workers", "type", "title", "firm")
#: Columns of the ``edges`` sheet.
EDGE_COLUMNS: tuple[str, ...] = (*REQUIRED_EDGE_COLUMNS, "members", "person", "role", "contents",
                                 "since")
#: Columns whose cells Excel would most likely mangle (``007`` -> 7, ``2021-06`` -> a date):
#: besides the column style that every text column has, each of their cells down to
#: :data:`TEXT_ROWS` is formatted as Text, for programs that ignore column styles.
CODE_COLUMNS: tuple[str, ...] = ("id", "source", "target", "since")
#: Rows (header = 1) of the code columns pre-formatted as Text.
TEXT_ROWS = 5000

#: What each column holds, shown as a comment on its header (中文 / English).
_COLUMN_NOTES = {
    "id": "编号，必填，全表唯一；按文本保存，007 仍是 007。\nId, required, unique; kept as text.",
    "kind": "类型，必填，从下拉列表选择（见 kinds 表）。\nKind, required: pick from the list (sheet kinds).",
    "name": "名称，必填，可用中文。\nName, required; Chinese is fine.",
    "households": "户数（整数 ≥ 0），社区、网格、楼栋填写。\nHouseholds (whole number ≥ 0).",
    "population": "人口（整数 ≥ 0）。\nPopulation (whole number ≥ 0).",
    "members": "党员人数（整数 ≥ 0）；在 edges 表中为 reports_to 报到的在职党员数。\n"
               "Party members (whole number ≥ 0); on edges: members reporting (reports_to).",
    "workers": "社区工作者人数（整数 ≥ 0），社区党组织填写。\nCommunity workers (whole number ≥ 0).",
    "type": "服务阵地类型，仅 service_station 填写。\nService station type (service_station only).",
    "title": "职务（如街道领导干部）。\nTitle (e.g. of a cadre).",
    "firm": "所在单位（如律师事务所）。\nFirm (e.g. of a legal adviser).",
    "source": "起点编号（nodes 表的 id）。\nSource node id (an id of sheet nodes).",
    "target": "终点编号（nodes 表的 id）。\nTarget node id (an id of sheet nodes).",
    "person": "人员姓名：兼职委员 part_time、双向进入 dual_entry 各一人一行。\n"
              "Person: one row per part-time member or dual-entry appointment.",
    "role": "职务，用于 dual_entry（如 居委会主任）。\nRole, for dual_entry.",
    "contents": "共建内容，用于 pairs_with。\nWhat the pairing covers (pairs_with).",
    "since": "开始时间，用于 pairs_with（如 2021-06）。\nSince when (pairs_with), e.g. 2021-06.",
}

#: A tiny valid dataset: one district, street, community, grid, grid branch, unit and unit Party.
EXAMPLE_NODES: tuple[dict[str, object], ...] = (
    {"id": "D01", "kind": "district_committee", "name": "示例区委（示例）"},
    {"id": "S01", "kind": "street_committee", "name": "示例街道党工委（示例）"},
    {"id": "C01", "kind": "community_party", "name": "示例社区党委（示例）",
     "households": 3200, "population": 8600, "workers": 12},
    {"id": "G01", "kind": "grid", "name": "示例社区第一网格（示例）", "households": 420},
    {"id": "GB01", "kind": "grid_branch", "name": "第一网格党支部（示例）", "members": 18},
    {"id": "U01", "kind": "unit", "name": "示例市第一中学（示例）"},
    {"id": "UP01", "kind": "unit_party", "name": "示例市第一中学党委（示例）", "members": 65},
)
EXAMPLE_EDGES: tuple[dict[str, object], ...] = (
    {"source": "D01", "target": "S01", "kind": "leads"},
    {"source": "S01", "target": "C01", "kind": "leads"},
    {"source": "C01", "target": "GB01", "kind": "leads"},
    {"source": "G01", "target": "C01", "kind": "within"},
    {"source": "GB01", "target": "G01", "kind": "covers"},
    {"source": "U01", "target": "S01", "kind": "within"},
    {"source": "UP01", "target": "U01", "kind": "covers"},
    {"source": "UP01", "target": "C01", "kind": "pairs_with", "contents": "党员志愿服务、课后托管",
     "since": "2021-06"},
    {"source": "UP01", "target": "S01", "kind": "part_time", "person": "王建国",
     "role": "街道党工委兼职委员"},
    {"source": "UP01", "target": "C01", "kind": "part_time", "person": "李梅",
     "role": "社区党委兼职委员"},
    {"source": "UP01", "target": "C01", "kind": "reports_to", "members": 20},
)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="FFE0B2")
_EXAMPLE_FONT = Font(color="757575")


def _text_column(column: str) -> bool:
    """Every column but the numeric attributes is text, so Excel never reinterprets a cell."""
    return column not in NUMERIC_ATTRIBUTES


def _data_sheet(sheet: Worksheet, columns: tuple[str, ...], rows: tuple[dict, ...]) -> None:
    sheet.append(list(columns))
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        if column in _COLUMN_NOTES:
            cell.comment = Comment(_COLUMN_NOTES[column], "jiceng", width=320, height=110)
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 28 if column in ("name", "contents") else 16
        if _text_column(column):
            sheet.column_dimensions[letter].number_format = "@"
        if column in CODE_COLUMNS:
            for row in range(2, TEXT_ROWS + 1):
                sheet.cell(row=row, column=position).number_format = "@"
    for offset, values in enumerate(rows, start=2):
        for position, column in enumerate(columns, start=1):
            value = values.get(column)
            cell = sheet.cell(row=offset, column=position)
            cell.value = str(value) if value is not None and _text_column(column) else value
            cell.font = _EXAMPLE_FONT
    sheet.freeze_panes = "A2"


def _endpoints_text(kind: str) -> str:
    return "\n".join(f"{', '.join(sources)} → {', '.join(targets)}"
                     for sources, targets in EDGE_KINDS[kind].endpoints)


def _enums() -> dict[str, list[tuple[str, str, str, str]]]:
    """Every enumerated attribute of the schema: attribute -> (node kind, value, zh, en)."""
    out: dict[str, list[tuple[str, str, str, str]]] = {}
    for kind in NODE_KINDS.values():
        for attribute, values in kind.enums.items():
            out.setdefault(attribute, []).extend((kind.id, v, zh, en) for v, (zh, en) in values.items())
    return out


def _node_columns() -> tuple[str, ...]:
    return NODE_COLUMNS + tuple(a for a in _enums() if a not in NODE_COLUMNS)


def _kinds_sheet(sheet: Worksheet) -> tuple[str, str, dict[str, str]]:
    """Write the vocabulary; return the ranges of node kinds, edge kinds and of each enumerated
    attribute's values."""
    sheet.append(["table 表", "kind 类型", "中文", "English",
                  "party organization 党组织 / allowed source → target 允许的起点 → 终点"])
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    first = 2
    for kind in NODE_KINDS.values():
        sheet.append(["node", kind.id, kind.zh, kind.en, "党组织 Party organization" if kind.party
                      else ""])
    after_nodes = first + len(NODE_KINDS)
    for edge in EDGE_KINDS.values():
        sheet.append(["edge", edge.id, edge.zh, edge.en, _endpoints_text(edge.id)])
    after_edges = after_nodes + len(EDGE_KINDS)
    enum_ranges, at = {}, after_edges
    for attribute, values in _enums().items():
        for kind_id, value, zh, en in values:
            sheet.append([f"{kind_id} {attribute}", value, zh, en,
                          f"{label(kind_id)} 的 {attribute}（nodes.{attribute} of a {kind_id}）"])
        enum_ranges[attribute] = f"kinds!$B${at}:$B${at + len(values) - 1}"
        at += len(values)
    for row in sheet.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (20, 22, 18, 36, 70)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return (f"kinds!$B${first}:$B${after_nodes - 1}", f"kinds!$B${after_nodes}:$B${after_edges - 1}",
            enum_ranges)


def _drop_down(sheet: Worksheet, columns: tuple[str, ...], column: str, name: str,
               what: str) -> None:
    letter = get_column_letter(columns.index(column) + 1)
    validation = DataValidation(type="list", formula1=f"={name}", allow_blank=True,
                                showErrorMessage=True, errorTitle="jiceng",
                                error=f"不是已知的{what}，见 kinds 表。Not a known {what}: see sheet kinds.")
    validation.add(f"{letter}2:{letter}{TEXT_ROWS}")
    sheet.add_data_validation(validation)


def write_template(path: str | os.PathLike) -> None:
    """Write the dataset template workbook to ``path`` (atomically; replaces an existing file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from jiceng.loaders import read_excel
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "template.xlsx"
    ...     write_template(path)
    ...     read_excel(path).count("community_party")
    1
    """
    workbook = Workbook()
    nodes = workbook.active
    nodes.title = "nodes"
    edges = workbook.create_sheet("edges")
    kinds = workbook.create_sheet("kinds")
    node_columns = _node_columns()
    _data_sheet(nodes, node_columns, EXAMPLE_NODES)
    _data_sheet(edges, EDGE_COLUMNS, EXAMPLE_EDGES)
    node_range, edge_range, enum_ranges = _kinds_sheet(kinds)
    names = {"node_kinds": node_range, "edge_kinds": edge_range,
             **{f"{attribute}_values": r for attribute, r in enum_ranges.items()}}
    for name, reference in names.items():
        workbook.defined_names[name] = DefinedName(name, attr_text=reference)
    _drop_down(nodes, node_columns, "kind", "node_kinds", "节点类型 node kind")
    for attribute in enum_ranges:
        _drop_down(nodes, node_columns, attribute, f"{attribute}_values", f"{attribute} 取值 value")
    _drop_down(edges, EDGE_COLUMNS, "kind", "edge_kinds", "关系类型 edge kind")
    with atomic_path(path) as temporary:
        workbook.save(temporary)
