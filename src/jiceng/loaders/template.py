"""The Excel workbook a street office fills in (docs/design.md §8), Chinese first.

Sheets 说明 (what each column holds, how to fill it in), 节点 and 关系 (the data, with the
Chinese headings the readers take back to the codes) and 类型 (every node and edge kind with its
labels and allowed ends). The 类型 and 关系 columns offer drop-downs of the Chinese kind labels
(codes are still read), the 起点 and 终点 columns a drop-down of the names in the 名称 column,
rows added later included (an edge's end may be a node's name where it is unique in the file,
docs/design.md §3.2). Every column but the numeric attributes is formatted as Text, and the
id-like ones cell by cell down to :data:`TEXT_ROWS` as well, so Excel keeps ``007`` as ``007``.

Empty, the workbook holds a few example rows whose names end in :data:`EXAMPLE_MARK` (a valid
dataset on their own, which ``jiceng validate`` warns about when they are left in). Written from
a street's part of a city, it holds that part with the city's ids, no example rows, and the
nodes of other places tied to the street shaded grey with a note: those are not the street's
to edit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jiceng.graphmodel import OrgGraph
from jiceng.graphmodel.schema import (
    EDGE_KINDS,
    NODE_KINDS,
    NUMERIC_ATTRIBUTES,
    REQUIRED_EDGE_COLUMNS,
    REQUIRED_NODE_COLUMNS,
)
from jiceng.loaders.atomic import atomic_path
from jiceng.loaders.dataset import CHINESE_HEADINGS
from jiceng.loaders.excel import escape_xml_text
from jiceng.loaders.template_text import COLUMN_NOTES, about_lines

__all__ = ["write_template", "NODE_COLUMNS", "EDGE_COLUMNS", "CODE_COLUMNS", "TEXT_ROWS",
           "EXAMPLE_NODES", "EXAMPLE_EDGES", "EXAMPLE_MARK", "SHEETS", "heading"]

#: The sheets, by what they hold.
SHEETS = {"about": "说明", "nodes": "节点", "edges": "关系", "kinds": "类型"}
#: What the name of an example row ends with; ``jiceng validate`` warns about such rows.
EXAMPLE_MARK = "（示例）"
#: Columns of the 节点 sheet: the required ones, then the attributes in common use (and,
#: when written, every enumerated attribute the schema declares and every other attribute
#: of the graph written, see :func:`_columns`).
NODE_COLUMNS: tuple[str, ...] = (*REQUIRED_NODE_COLUMNS, "households", "population", "members",
                                 "workers", "uscc", "type", "title", "firm")
#: Columns of the 关系 sheet.
EDGE_COLUMNS: tuple[str, ...] = (*REQUIRED_EDGE_COLUMNS, "members", "person", "role", "contents",
                                 "since")
#: Columns whose cells Excel would most likely mangle (``007`` -> 7, ``2021-06`` -> a date, an
#: 18-digit code -> a rounded number): besides the column style that every text column has,
#: each of their cells down to :data:`TEXT_ROWS` is formatted as Text.
CODE_COLUMNS: tuple[str, ...] = ("id", "source", "target", "since", "uscc")
#: Rows (header = 1) of the code columns pre-formatted as Text (more for a larger street).
TEXT_ROWS = 5000

#: A tiny valid dataset: one district, street, community, grid, grid branch, unit and unit Party.
EXAMPLE_NODES: tuple[dict[str, object], ...] = (
    {"id": "D01", "kind": "district_committee", "name": "示例区委（示例）"},
    {"id": "S01", "kind": "street_committee", "name": "示例街道党工委（示例）"},
    {"id": "C01", "kind": "community_party", "name": "示例社区党委（示例）",
     "households": 3200, "population": 8600, "workers": 12},
    {"id": "G01", "kind": "grid", "name": "示例社区第一网格（示例）", "households": 420},
    {"id": "GB01", "kind": "grid_branch", "name": "第一网格党支部（示例）", "members": 18},
    {"id": "U01", "kind": "unit", "name": "示例市第一中学（示例）", "uscc": "12520100MB1A23456G"},
    {"id": "UP01", "kind": "unit_party", "name": "示例市第一中学党委（示例）", "members": 65},
)
#: The example edges by id; the sheet gives their ends by name, as a person may.
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
_ELSEWHERE_FONT = Font(color="616161", italic=True)
_ELSEWHERE_FILL = PatternFill("solid", fgColor="E0E0E0")


def heading(table: str, column: str) -> str:
    """The heading a column has in the workbook: its Chinese heading (which the readers take
    back to the column), or the column itself when it has none.

    >>> heading("nodes", "uscc"), heading("edges", "source"), heading("nodes", "colour")
    ('统一社会信用代码', '起点', 'colour')
    """
    return CHINESE_HEADINGS[table].get(column, column)


def _text_column(column: str) -> bool:
    """Every column but the numeric attributes is text, so Excel never reinterprets a cell."""
    return column not in NUMERIC_ATTRIBUTES


def _enums() -> dict[str, list[tuple[str, str, str, str]]]:
    """Every enumerated attribute of the schema: attribute -> (node kind, value, zh, en)."""
    out: dict[str, list[tuple[str, str, str, str]]] = {}
    for kind in NODE_KINDS.values():
        for attribute, values in kind.enums.items():
            out.setdefault(attribute, []).extend((kind.id, v, zh, en) for v, (zh, en) in values.items())
    return out


def _columns(table: str, graph: OrgGraph | None) -> tuple[str, ...]:
    """The columns of a sheet: the usual ones, the enumerated attributes, the graph's others."""
    usual = NODE_COLUMNS + tuple(a for a in _enums() if a not in NODE_COLUMNS) \
        if table == "nodes" else EDGE_COLUMNS
    if graph is None:
        return usual
    frame = graph.nodes if table == "nodes" else graph.edges
    return usual + tuple(str(c) for c in frame.columns if str(c) not in usual)


def _put(cell, column: str, value: object) -> None:
    """A value in a cell: a number in a numeric column, text (never a formula) elsewhere."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return
    if column in NUMERIC_ATTRIBUTES and not isinstance(value, str):
        cell.value = int(value)  # type: ignore[call-overload]
        return
    cell.value = escape_xml_text(str(value))
    cell.data_type = "s"  # text, whatever it begins with (docs/design.md §3.3)


def _data_sheet(sheet: Worksheet, table: str, columns: tuple[str, ...], rows: list[dict],
                notes: Mapping[int, str], example: bool) -> None:
    """Header, rows and formats of 节点 or 关系; ``notes``: row position -> the note of a row
    that is not the street's (shaded, with the note on its first cell)."""
    sheet.append([heading(table, c) for c in columns])
    text_rows = max(TEXT_ROWS, len(rows) + 1000)
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        if column in COLUMN_NOTES:
            cell.comment = Comment(COLUMN_NOTES[column], "jiceng", width=320, height=110)
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 28 if column in ("name", "contents", "source",
                                                                 "target") else 16
        if _text_column(column):
            sheet.column_dimensions[letter].number_format = "@"
        if column in CODE_COLUMNS:
            for row in range(2, text_rows + 1):
                sheet.cell(row=row, column=position).number_format = "@"
    for offset, values in enumerate(rows):
        for position, column in enumerate(columns, start=1):
            cell = sheet.cell(row=offset + 2, column=position)
            _put(cell, column, values.get(column))
            if example:
                cell.font = _EXAMPLE_FONT
            elif offset in notes:
                cell.font, cell.fill = _ELSEWHERE_FONT, _ELSEWHERE_FILL
        if offset in notes:
            sheet.cell(row=offset + 2, column=1).comment = Comment(notes[offset], "jiceng",
                                                                   width=300, height=90)
    sheet.freeze_panes = "A2"
    _for_people(sheet)


def _for_people(sheet: Worksheet, wrapped: str = "") -> None:
    """Printed landscape, one page wide; rows whose ``wrapped`` columns (letters) hold long
    text made tall enough to show it (no spreadsheet sizes rows for wrapped text on opening)."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if not wrapped:
        return  # (a data sheet: thousands of preformatted rows, none wrapped)
    for row in sheet.iter_rows(min_row=2):
        lines = 1
        for cell in row:
            if cell.column_letter in wrapped and isinstance(cell.value, str):
                width = int(sheet.column_dimensions[cell.column_letter].width or 10)
                lines = max(lines, sum(max(1, -(-_shown_width(part) // width))
                                       for part in cell.value.split("\n")))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = 15 * lines


def _shown_width(text: str) -> int:
    """Columns a text takes: a CJK character (or full-width punctuation) two."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _endpoints_text(kind: str) -> str:
    return "\n".join(f"{', '.join(sources)} → {', '.join(targets)}"
                     for sources, targets in EDGE_KINDS[kind].endpoints)


def _kinds_sheet(sheet: Worksheet) -> dict[str, str]:
    """Write the vocabulary; return the ranges of the node kinds' and edge kinds' Chinese
    labels and of each enumerated attribute's values, by defined name."""
    sheet.append(["表", "中文", "代码 code", "English",
                  "党组织 / 允许的起点 → 终点（allowed source → target）"])
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    quoted = f"'{sheet.title}'"
    for kind in NODE_KINDS.values():
        sheet.append(["节点", kind.zh, kind.id, kind.en, "党组织 Party organization" if kind.party
                      else ""])
    after_nodes = 2 + len(NODE_KINDS)
    for edge in EDGE_KINDS.values():
        sheet.append(["关系", edge.zh, edge.id, edge.en, _endpoints_text(edge.id)])
    after_edges = after_nodes + len(EDGE_KINDS)
    ranges = {"node_kinds": f"{quoted}!$B$2:$B${after_nodes - 1}",
              "edge_kinds": f"{quoted}!$B${after_nodes}:$B${after_edges - 1}"}
    at = after_edges
    for attribute, values in _enums().items():
        for kind_id, value, zh, en in values:
            sheet.append([f"{NODE_KINDS[kind_id].zh}的{heading('nodes', attribute)}", zh, value, en,
                          f"{heading('nodes', attribute)} 列填中文名称或代码（{attribute} of a "
                          f"{kind_id}: the label or the code）"])
        ranges[f"{attribute}_values"] = f"{quoted}!$B${at}:$B${at + len(values) - 1}"
        at += len(values)
    for row in sheet.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (22, 18, 22, 32, 70)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    _for_people(sheet, "E")
    return ranges


def _drop_down(sheet: Worksheet, columns: tuple[str, ...], column: str, formula: str,
               error: tuple[str, str] | None, prompt: str | None = None) -> None:
    """A list drop-down on a column; ``error`` (title, text) warns about another value (a
    warning, not a refusal: a code is read too), None lets any value in without a word."""
    letter = get_column_letter(columns.index(column) + 1)
    validation = DataValidation(type="list", formula1=formula, allow_blank=True,
                                showErrorMessage=error is not None, errorStyle="warning",
                                showInputMessage=prompt is not None)
    if error is not None:
        validation.errorTitle, validation.error = error
    if prompt is not None:
        validation.promptTitle, validation.prompt = heading("edges", column), prompt
    validation.add(f"{letter}2:{letter}{TEXT_ROWS}")
    sheet.add_data_validation(validation)


def _example_rows() -> tuple[list[dict], list[dict]]:
    """The example nodes and edges as the sheets show them: kinds in Chinese, ends by name."""
    names = {n["id"]: n["name"] for n in EXAMPLE_NODES}
    nodes = [dict(n, kind=NODE_KINDS[str(n["kind"])].zh) for n in EXAMPLE_NODES]
    edges = [dict(e, source=names[e["source"]], target=names[e["target"]],
                  kind=EDGE_KINDS[str(e["kind"])].zh) for e in EXAMPLE_EDGES]
    return nodes, edges


def _graph_rows(graph: OrgGraph) -> tuple[list[dict], list[dict]]:
    """A graph's nodes and edges as the sheets show them: kinds in Chinese, ends by id."""
    out = []
    node_labels = {k: kind.zh for k, kind in NODE_KINDS.items()}
    edge_labels = {k: kind.zh for k, kind in EDGE_KINDS.items()}
    for table, labels in zip(graph.to_tables(), (node_labels, edge_labels)):
        frame = table.assign(kind=table["kind"].map(lambda k, labels=labels: labels.get(k, k)))
        for attribute, values in _enums().items():  # a station's type as its Chinese label
            if labels is node_labels and attribute in frame.columns:
                zh = {(kind, value): label for kind, value, label, _ in values}
                frame[attribute] = [zh.get((k, v), v) for k, v in zip(table["kind"],
                                                                       frame[attribute])]
        columns = [str(c) for c in frame.columns]
        out.append([dict(zip(columns, values))
                    for values in frame.itertuples(index=False, name=None)])
    return out[0], out[1]


def write_template(path: str | os.PathLike, graph: OrgGraph | None = None, *,
                   elsewhere: Mapping[str, str] | None = None, street: str = "",
                   city: str = "") -> None:
    """Write the workbook to fill in to ``path`` (atomically; replaces an existing file).

    Without ``graph``, the empty template with its example rows. With ``graph`` (a street's
    part, :func:`jiceng.queries.scope.street_part`), its nodes and edges with their ids and
    attributes, reading back as the same graph; ``elsewhere`` maps the id of each node of
    another place to the name of that place ("" for none), ``street`` and ``city`` name the
    street and the city for the 说明 sheet.

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
    elsewhere = elsewhere or {}
    nodes_rows, edges_rows = _example_rows() if graph is None else _graph_rows(graph)
    notes = {at: _elsewhere_note(elsewhere[str(row["id"])])
             for at, row in enumerate(nodes_rows) if str(row["id"]) in elsewhere}
    workbook = Workbook()
    about = workbook.active
    about.title = SHEETS["about"]
    sheets = {table: workbook.create_sheet(SHEETS[table]) for table in ("nodes", "edges")}
    columns = {table: _columns(table, graph) for table in ("nodes", "edges")}
    for table, rows in (("nodes", nodes_rows), ("edges", edges_rows)):
        _data_sheet(sheets[table], table, columns[table], rows, notes if table == "nodes" else {},
                    example=graph is None)
    ranges = _kinds_sheet(workbook.create_sheet(SHEETS["kinds"]))
    name_column = get_column_letter(columns["nodes"].index("name") + 1)
    nodes_sheet = f"'{SHEETS['nodes']}'"
    ranges["node_names"] = (f"OFFSET({nodes_sheet}!${name_column}$2,0,0,"
                            f"MAX(1,COUNTA({nodes_sheet}!${name_column}:${name_column})-1),1)")
    for name, reference in ranges.items():
        workbook.defined_names[name] = DefinedName(name, attr_text=reference)
    kinds = f"见“{SHEETS['kinds']}”表；也可填英文代码。"
    _drop_down(sheets["nodes"], columns["nodes"], "kind", "=node_kinds",
               ("节点类型 node kind", f"不在列表中的节点类型。{kinds}Not a listed node kind."))
    for attribute in _enums():
        _drop_down(sheets["nodes"], columns["nodes"], attribute, f"={attribute}_values",
                   (attribute, f"不在列表中的取值，见“{SHEETS['kinds']}”表。Not a listed value."))
    _drop_down(sheets["edges"], columns["edges"], "kind", "=edge_kinds",
               ("关系类型 edge kind", f"不在列表中的关系类型。{kinds}Not a listed edge kind."))
    for column in ("source", "target"):
        _drop_down(sheets["edges"], columns["edges"], column, "=node_names", None,
                   "从节点表的名称中选，或填编号。Pick a name of sheet 节点, or type an id.")
    _about_sheet(about, columns, graph is None, street=street, city=city,
                 counts=(len(nodes_rows), len(edges_rows), len(notes)))
    with atomic_path(path) as temporary:
        workbook.save(temporary)


def _elsewhere_note(place: str) -> str:
    where = f"属于{place}" if place and not place.startswith("（") else "不属于任何街道（区、市级组织）"
    return (f"{where}，不是本街道的组织：由其所属单位维护，请勿修改或删除。\n"
            "Not this street's: kept by its own street or office; do not edit or delete.")


def _about_sheet(sheet: Worksheet, columns: dict[str, tuple[str, ...]], example: bool, *,
                 street: str, city: str, counts: tuple[int, int, int]) -> None:
    """The 说明 sheet: how to fill the workbook in, then what each column holds."""
    title, lines = about_lines(example, street=street, city=city, counts=counts, sheets=SHEETS,
                               mark=EXAMPLE_MARK)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in lines:  # one line each, running on over the empty cells beside it
        sheet.append([line])
    sheet.append([])
    sheet.append(["工作表", "列", "代码 code", "填写说明", "English"])
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for table in ("nodes", "edges"):
        for column in columns[table]:
            zh, _, en = COLUMN_NOTES.get(column, "其他属性，按需填写。\nAnother attribute.") \
                .partition("\n")
            sheet.append([SHEETS[table], heading(table, column), column, zh, en])
            for cell in sheet[sheet.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (10, 18, 14, 60, 50)):
        sheet.column_dimensions[letter].width = width
    _for_people(sheet, "DE")
