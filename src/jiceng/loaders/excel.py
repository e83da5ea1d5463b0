"""Read and write a dataset as an Excel workbook with sheets ``nodes`` and ``edges``.

Reading trusts nothing the file claims: the stored ``<dimension>`` is ignored (cells are read
sparsely, as the sheet holds them), a formula counts by its cached value (and is refused when it
has none), and a sheet reaching beyond the column limit or a cell beyond Excel's 32,767
characters is refused naming the cell. Writing makes every text cell a text cell (never a
formula) and escapes the characters XML cannot hold the way Excel does (``_x001B_``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from jiceng.graphmodel import InvalidInputError, OrgGraph, Problem, ProblemCode
from jiceng.graphmodel.schema import REQUIRED_EDGE_COLUMNS, REQUIRED_NODE_COLUMNS
from jiceng.loaders.atomic import atomic_path
from jiceng.loaders.dataset import (
    build_graph,
    column_letter,
    column_name,
    finish_table,
    header_language,
    in_chinese,
    problem,
    text_column,
)
from jiceng.loaders.limits import (
    MAX_CELL_CHARS,
    MAX_ROWS,
    MAX_SHEET_COLUMN,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_RATIO,
)

__all__ = ["read_excel", "write_excel", "read_sheet", "write_sheet", "dataset_tables", "ID_COLUMNS",
           "escape_xml_text", "unescape_xml_text"]

#: Columns kept as text in Excel so leading zeros and long codes survive.
ID_COLUMNS = ("id", "source", "target")

_ILLEGAL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: Where escape_xml_text changes text, in a pattern both arrow (RE2) and Python's re read (which
#: pandas uses depends on its version): U+FFFE and U+FFFF are the characters themselves.
NEEDS_XML_ESCAPE = "[\\x00-\\x08\\x0b-\\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_"


def escape_xml_text(text: str) -> str:
    """Text an xlsx cell can hold: characters XML forbids as ``_xHHHH_``, as Excel writes them
    (and a literal ``_x0041_`` as ``_x005F_x0041_``), so :func:`unescape_xml_text` gives it back.

    >>> escape_xml_text("a\\x1bb"), escape_xml_text("_x0041_")
    ('a_x001B_b', '_x005F_x0041_')
    """
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def unescape_xml_text(text: str) -> str:
    """The text :func:`escape_xml_text` (or Excel) escaped.

    >>> unescape_xml_text("a_x001B_b"), unescape_xml_text("_x005F_x0041_")
    ('a\\x1bb', '_x0041_')
    """
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return unescape_xml_text(value)
    return str(value)


_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_PLAIN = f"{{{SHEET_MAIN_NS}}}t"
_RUNS = f"{{{SHEET_MAIN_NS}}}r/{{{SHEET_MAIN_NS}}}t"


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, also telling a formula without a cached value from a blank."""

    def parse_cell(self, element):
        if element.get("t") == "inlineStr" and not self.rich_text:
            inline = element.find(_INLINE)
            if inline is not None:  # the text openpyxl's Text.content gives, without its objects
                plain = inline.find(_PLAIN)
                value = ("" if plain is None else plain.text or "") + "".join(
                    run.text or "" for run in inline.iterfind(_RUNS))
                coordinate, style_id = element.get("r"), int(element.get("s", 0) or 0)
                if coordinate:
                    row, column = coordinate_to_tuple(coordinate)
                    self.col_counter = column
                else:
                    self.col_counter += 1
                    row, column = self.row_counter, self.col_counter
                return {"row": row, "column": column, "value": value, "data_type": "s",
                        "style_id": style_id}
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["data_type"] = "formula without value"
        return cell


def _sparse_rows(workbook, sheet: str):
    """(row number, cells) for the rows the sheet's XML holds, whatever its ``<dimension>``."""
    worksheet = workbook[sheet]
    with worksheet._get_source() as source:  # the read-only sheet's XML, parsed as it streams
        parser = _Parser(source, worksheet._shared_strings, data_only=True,
                         epoch=workbook.epoch, date_formats=workbook._date_formats,
                         timedelta_formats=workbook._timedelta_formats)
        yield from parser.parse()


_HEADER_SEARCH = 20  # rows searched for a header that is not in row 1
_STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"


def _shown_number_styles(workbook) -> dict[int, tuple[str, int, str]]:
    """The cell styles whose number format shows a whole number padded with zeros, maybe between
    literal texts (``000`` shows 7 as 007, ``"C"000`` or ``\\C000`` as C007), each as (text
    before, digits, text after): such a cell reads as what Excel shows (found as openpyxl finds
    its date formats, from the workbook's styles and custom formats from number 164 on)."""
    shown = {}
    for style_id, style in enumerate(workbook._cell_styles):
        at = style.numFmtId - 164
        if 0 <= at < len(workbook._number_formats):
            parts = _padded_format(workbook._number_formats[at])
            if parts is not None:
                shown[style_id] = parts
    return shown


_FORMAT_PART = re.compile(r'"([^"]*)"|\\(.)|(0+)|(.)', re.DOTALL)


def _padded_format(number_format: str) -> tuple[str, int, str] | None:
    """``"C"000`` -> ("C", 3, ""): one run of zeros between quoted (or backslashed) literal
    texts; None for any other format (dates, decimals, several sections, a colour)."""
    plain = number_format.strip('"')
    if len(plain) > 1 and set(plain) == {"0"}:  # 000, however openpyxl kept its quotes
        return "", len(plain), ""
    before: list[str] = []
    after: list[str] = []
    digits = 0
    for quoted, escaped, zeros, other in _FORMAT_PART.findall(number_format):
        if other or (zeros and digits):
            return None
        if zeros:
            digits = len(zeros)
        else:
            (after if digits else before).append(quoted or escaped)
    if not digits or not (before or after or digits > 1):
        return None
    return "".join(before), digits, "".join(after)


def _unreadable(cell: dict, where: str) -> tuple[ProblemCode, str] | None:
    """Why a cell holds no data to read (its code and message): an Excel error (#N/A, #REF!
    ...: a formula that failed), or a formula that was never calculated; None for a readable
    or empty cell."""
    if cell["data_type"] == "e":
        return ProblemCode.FORMULA_ERROR, (f"单元格 {where} 是 Excel 错误值 {cell['value']}，请在 Excel 中改正 (cell {where} "
                f"holds the Excel error {cell['value']}: correct it in Excel)")
    if cell["value"] is None and cell["data_type"] == "formula without value":
        return ProblemCode.FORMULA_NOT_CALCULATED, (f"单元格 {where} 的公式没有缓存值，请在 Excel 中保存后重试 (formula without cached "
                f"value in {where}: open and save the workbook in Excel)")
    return None


_SHEET_LABELS = {"nodes": "节点", "edges": "关系"}


def _sheets_named(workbook, table: str) -> list[str]:
    """The sheets that may hold ``table``: ``nodes`` (or 节点) and ``edges`` (or 关系), in any
    case; more than one is a question only the person who filled the workbook can answer."""
    wanted = {table, _SHEET_LABELS[table]}
    return [name for name in workbook.sheetnames
            if unicodedata.normalize("NFKC", name).strip().casefold() in wanted]


def _sheet_problems(path: Path, workbook) -> list[Problem]:
    """Each table with no sheet, or with two sheets that both read as it."""
    problems = []
    for table in ("nodes", "edges"):
        found = _sheets_named(workbook, table)
        if not found:
            problems.append(problem(
                str(path), None, None,
                f"没有工作表 {table!r} 或 {_SHEET_LABELS[table]!r} (no sheet {table!r}; the "
                f"workbook has: {', '.join(workbook.sheetnames)})", code=ProblemCode.MISSING_SHEET))
        elif len(found) > 1:
            names = " 和 ".join(repr(name) for name in found)
            problems.append(problem(
                str(path), None, None,
                f"有两个工作表 {names} 都是 {table!r}（{_SHEET_LABELS[table]}）表，不知该读哪一个；"
                f"请删除或改名其中一个 (the sheets {' and '.join(repr(n) for n in found)} are both "
                f"the {table} sheet: delete or rename all but one)",
                code=ProblemCode.AMBIGUOUS_SHEET))
    return problems


class _SheetList:
    """The sheet names of a workbook, as :func:`_sheets_named` looks them up."""

    def __init__(self, names: list[str]):
        self.sheetnames = names


class _SharedStrings:
    """A workbook's shared strings, read from the start only as far as a lookup reaches: the
    header rows of a large workbook use the first few, not its millions."""

    def __init__(self, archive: zipfile.ZipFile, part: str | None):
        self._strings: list[str] = []
        self._source = archive.open(part) if part is not None else None
        self._items = iterparse(self._source) if self._source is not None else iter(())

    def __getitem__(self, index: int) -> str:
        while len(self._strings) <= index:
            for _, node in self._items:
                if node.tag == _STRING_TAG:
                    self._strings.append(Text.from_tree(node).content.replace("x005F_", ""))
                    node.clear()
                    break
            else:
                raise IndexError(index)
        return self._strings[index]

    def close(self) -> None:
        if self._source is not None:
            self._source.close()


def dataset_tables(path: str | os.PathLike) -> list[str]:
    """The tables (``nodes``, ``edges``) that :func:`read_excel` finds in the workbook at
    ``path``: a sheet it takes for the table (节点 or NODES for ``nodes``) whose header, in the
    rows the reader searches, names the table's required columns. Empty for a file that is no
    readable workbook.

    Only the sheet list and those first rows are read (never a whole sheet, nor the whole
    string table), so an overwrite guard can ask it of a large workbook.
    """
    path = Path(path)
    found: list[str] = []
    try:
        _check_unpacked_sizes(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on parts it would drop
            reader = ExcelReader(path, read_only=True, data_only=True)
            try:
                reader.read_manifest()
                reader.read_workbook()
                sheets = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
                part = reader.package.find(SHARED_STRINGS)
                strings = _SharedStrings(reader.archive,
                                         part.PartName[1:] if part is not None else None)
                try:
                    for table in ("nodes", "edges"):
                        named = _sheets_named(_SheetList(list(sheets)), table)
                        # two sheets the reader cannot tell apart are data all the same
                        if len(named) > 1 or (named and _has_header(
                                reader.archive, sheets[named[0]], strings, table)):
                            found.append(table)
                finally:
                    strings.close()
            finally:
                reader.archive.close()
    except (InvalidInputError, *_BROKEN):
        return found
    return found


def _has_header(archive: zipfile.ZipFile, part: str, strings: _SharedStrings, table: str) -> bool:
    """Whether one of the first rows the reader searches names every required column."""
    required = set(REQUIRED_EDGE_COLUMNS if table == "edges" else REQUIRED_NODE_COLUMNS)
    with archive.open(part) as source:
        for number, row in WorkSheetParser(source, strings, data_only=True).parse():
            if number > _HEADER_SEARCH:
                return False
            names = {column_name(_cell_text(cell["value"])) for cell in row
                     if cell["value"] is not None}
            if required <= names:
                return True
    return False


def read_sheet(workbook, sheet: str, display: str, *, edges: bool | None = None) -> pd.DataFrame:
    """One sheet as a table of strings; the first row is the header. ``edges``: whether it
    holds edges (default: whether it is called ``edges``)."""
    edges = sheet == "edges" if edges is None else edges
    required = REQUIRED_EDGE_COLUMNS if edges else REQUIRED_NODE_COLUMNS
    header: list[str] | None = None
    cells: dict[int, list[tuple[int, str]]] = {}
    order: list[int] = []
    problems: list[Problem] = []
    shown = _shown_number_styles(workbook)
    for number, row in _sparse_rows(workbook, sheet):
        values = _row_texts(row, number, display, shown, problems)
        if not values:
            continue
        if header is None:
            header = _header_in(values, number, required, display)
            continue
        if len(cells) >= MAX_ROWS:
            raise InvalidInputError([problem(display, None, None,
                                             f"超过 {MAX_ROWS:,} 行的上限 (more than {MAX_ROWS:,} rows)",
                                             code=ProblemCode.TOO_MANY_ROWS)])
        cells[number] = values
        order.append(number)
    if problems:
        raise InvalidInputError(problems)
    if header is None:
        raise InvalidInputError([problem(display, 1, None, _header_message(required, None),
                                         code=ProblemCode.NO_HEADER)])
    header, columns = _text_columns(header, cells, order)
    return finish_table(header, columns, np.array(order, dtype=np.int64), display,
                        empty_as_missing=False, unescape=False,
                        edges=required == REQUIRED_EDGE_COLUMNS)


def _row_texts(row: list[dict], number: int, display: str,
               shown: dict[int, tuple[str, int, str]], problems: list[Problem]
               ) -> list[tuple[int, str]]:
    """The non-empty cells of row ``number`` as (column, text), a number in a style that shows
    it padded (007) as shown; an unreadable or over-long cell goes to ``problems`` instead, and
    a cell beyond the last column allowed stops the reading at once."""
    values = []
    for cell in row:
        column, value = cell["column"], cell["value"]
        unreadable = _unreadable(cell, f"{column_letter(column)}{number}")
        if unreadable:
            problems.append(problem(display, number, f"{column_letter(column)}{number}",
                                    unreadable[1], code=unreadable[0]))
            continue
        if value is None:
            continue
        if cell["style_id"] in shown and isinstance(value, (int, float)) \
                and not isinstance(value, bool) and float(value).is_integer() and value >= 0:
            before, digits, after = shown[cell["style_id"]]  # 7 shown as 007, C007
            value = before + str(int(value)).zfill(digits) + after
        if column > MAX_SHEET_COLUMN:
            where = f"{column_letter(column)}{number}"
            raise InvalidInputError([problem(
                display, number, where,
                f"单元格 {where} 超出 {MAX_SHEET_COLUMN} 列的上限 (cell {where} lies beyond "
                f"the limit of {MAX_SHEET_COLUMN} columns)", code=ProblemCode.TOO_MANY_COLUMNS)])
        text = value if type(value) is str and "_x" not in value else _cell_text(value)
        if not text:
            continue
        if len(text) > MAX_CELL_CHARS:
            where = f"{column_letter(column)}{number}"
            problems.append(problem(display, number, where,
                                    f"单元格 {where} 有 {len(text):,} 个字符，超过 "
                                    f"{MAX_CELL_CHARS:,} 的上限 ({len(text):,} characters; a "
                                    f"cell holds at most {MAX_CELL_CHARS:,})",
                                    code=ProblemCode.TOO_LONG))
            continue
        values.append((column, text))
    return values


def _header_in(values: list[tuple[int, str]], number: int, required: tuple[str, ...],
               display: str) -> list[str] | None:
    """The headings if row ``number`` is the header; None for a title block above it, within
    the first rows searched. Refused when the header is found below row 1 or not at all."""
    names = [""] * max(c for c, _ in values)
    for column, text in values:
        names[column - 1] = text
    mapped = {column_name(n) for n in names}
    if number != 1 or not set(required) <= mapped:
        if number <= _HEADER_SEARCH and not set(required) <= mapped:
            return None  # a title block above the header: keep looking, then say where
        raise InvalidInputError([problem(display, 1, None, _header_message(
            required, number if set(required) <= mapped else None),
            code=ProblemCode.NO_HEADER)])
    return names


def _text_columns(header: list[str], cells: dict[int, list[tuple[int, str]]], order: list[int]
                  ) -> tuple[list[str], list[pa.ChunkedArray]]:
    """The rows' cells laid out as columns, in row ``order``; the header widened with blank
    headings to the widest row."""
    width = len(header)
    for number in order:
        for column, _ in cells[number]:
            if column > width:
                header += [""] * (column - width)
                width = column
    index = {n: i for i, n in enumerate(order)}
    grid = np.full((width, len(order)), "", dtype=object)
    for number, values in cells.items():
        for column, text in values:
            grid[column - 1, index[number]] = text
    return header, [text_column(grid[i].tolist()) for i in range(width)]


def _header_message(required: tuple[str, ...], found: int | None) -> str:
    zh = {"id": "编号", "kind": "类型", "name": "名称", "source": "起点", "target": "终点"}
    if required == REQUIRED_EDGE_COLUMNS:
        zh["kind"] = "关系"
    names = "/".join(zh[c] for c in required)
    codes = ", ".join(required)
    if found is not None:
        return (f"在第 1 行找不到表头 {names}，它在第 {found} 行：请删去上面的标题行 (header not in "
                f"row 1 but in row {found}: delete the title rows above it; it names {codes})")
    return f"在第 1 行找不到表头 {names} (header not in row 1: it must name {codes})"


#: What openpyxl and the zip/XML layers raise for a file that is not a sound workbook.
_BROKEN = (InvalidFileException, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, IndexError,
           ValueError, TypeError, AttributeError, SyntaxError, EOFError, zlib.error, OSError)


def read_excel(path: str | os.PathLike) -> OrgGraph:
    """Read and validate a dataset workbook (sheets ``nodes`` and ``edges``)."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError([problem(str(path), None, None, "文件不存在 (file not found)",
                                         code=ProblemCode.FILE_NOT_FOUND)])

    def broken(error: BaseException) -> InvalidInputError:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        return InvalidInputError([problem(str(path), None, None,
                                          f"不是有效的 .xlsx 工作簿 (not a valid .xlsx workbook: "
                                          f"{reason})", code=ProblemCode.BAD_WORKBOOK)])

    try:
        _check_unpacked_sizes(path)
        _check_not_strict(path)
        workbook = load_workbook(path, read_only=True, data_only=True)
    except _BROKEN as error:
        raise broken(error) from None
    try:
        wrong = _sheet_problems(path, workbook)
        if wrong:
            raise InvalidInputError(wrong)
        sheets = {table: _sheets_named(workbook, table)[0] for table in ("nodes", "edges")}
        problems, tables = [], {}
        for table, sheet in sheets.items():
            try:
                tables[table] = read_sheet(workbook, sheet, f"{path}[{sheet}]",
                                           edges=table == "edges")
            except InvalidInputError as error:
                problems += error.problems
        if problems:
            raise InvalidInputError(problems)
    except _BROKEN as error:
        raise broken(error) from None
    finally:
        workbook.close()
    return build_graph(tables["nodes"], tables["edges"], name=path.stem,
                       nodes_file=f"{path}[{sheets['nodes']}]",
                       edges_file=f"{path}[{sheets['edges']}]")


_RATIO_CHECKED_FROM = 64 << 20  # unpacked bytes: small parts may compress as well as they like


def _check_unpacked_sizes(path: Path) -> None:
    """Refuse, before any of it is read, a workbook part that would unpack to more than
    :data:`MAX_XLSX_PART_BYTES`, or a large one of more than :data:`MAX_XLSX_RATIO` times its
    packed size (a "zip bomb": a 1.6 MB file holding one cell of 1.7 billion letters)."""
    with zipfile.ZipFile(path) as archive:
        for part in archive.infolist():
            size, packed = part.file_size, max(1, part.compress_size)
            if size > MAX_XLSX_PART_BYTES or (size > _RATIO_CHECKED_FROM
                                               and size > MAX_XLSX_RATIO * packed):
                raise InvalidInputError([problem(
                    str(path), None, None,
                    f"工作簿的 {part.filename} 压缩了 {packed:,} 字节却要展开成 {size:,} 字节"
                    f"（上限为 {MAX_XLSX_PART_BYTES:,} 字节、{MAX_XLSX_RATIO} 倍），拒绝读取；"
                    f"请在 Excel 中另存为 CSV (the workbook's {part.filename} would unpack "
                    f"{packed:,} bytes to {size:,}; the limits are {MAX_XLSX_PART_BYTES:,} bytes "
                    f"and {MAX_XLSX_RATIO} times: save it as CSV from Excel)",
                    code=ProblemCode.TOO_LARGE)])


#: The namespaces of Excel's "Strict Open XML Spreadsheet" format, which openpyxl reads as a
#: workbook without sheets (with a warning of its own).
_STRICT_NAMESPACES = (b"http://purl.oclc.org/ooxml/officeDocument/relationships",
                      b"http://purl.oclc.org/ooxml/spreadsheetml/main")


def _check_not_strict(path: Path) -> None:
    """Refuse a Strict Open XML workbook, saying how to save it as one jiceng reads."""
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        heads = [archive.open(member).read(4096)
                 for member in ("_rels/.rels", "xl/workbook.xml") if member in names]
    if any(namespace in head for head in heads for namespace in _STRICT_NAMESPACES):
        raise InvalidInputError([problem(
            str(path), None, None,
            "这是“Strict Open XML 电子表格”格式的工作簿，无法读取；请在 Excel 中“另存为”普通的"
            "“Excel 工作簿 (*.xlsx)”格式 (a Strict Open XML Spreadsheet workbook cannot be read: "
            "in Excel, Save As the ordinary 'Excel Workbook (*.xlsx)' format)",
            code=ProblemCode.STRICT_OOXML)])


def _text_cell(sheet, text: str, where: str, *, text_format: bool) -> WriteOnlyCell:
    if len(text) > MAX_CELL_CHARS:
        raise InvalidInputError([problem(sheet.title, None, where,
                                         f"文字有 {len(text):,} 个字符，超过 Excel 单元格 "
                                         f"{MAX_CELL_CHARS:,} 的上限 ({len(text):,} characters; an "
                                         f"Excel cell holds at most {MAX_CELL_CHARS:,})",
                                         code=ProblemCode.TOO_LONG)])
    cell = WriteOnlyCell(sheet, value=escape_xml_text(text))
    cell.data_type = "s"  # text, never a formula, whatever it begins with
    if text_format:
        cell.number_format = "@"
    return cell


def write_sheet(workbook: Workbook, title: str, table: pd.DataFrame,
                text_columns=ID_COLUMNS) -> None:
    """Append a write-only sheet holding ``table``; ``text_columns`` are text-formatted.

    Every text value is written as a text cell (a name such as ``=HYPERLINK(...)`` stays text);
    characters XML cannot hold are escaped as Excel does; a text longer than an Excel cell
    holds is refused (:class:`InvalidInputError` naming the cell).
    """
    sheet = workbook.create_sheet(title)
    sheet.append([_text_cell(sheet, str(c), f"{column_letter(i)}1", text_format=False)
                  for i, c in enumerate(table.columns, start=1)])
    text = [c in text_columns for c in table.columns]
    for number, values in enumerate(table.itertuples(index=False, name=None), start=2):
        row: list = []
        for position, (is_text, value) in enumerate(zip(text, values), start=1):
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            if is_text and value is not None:
                row.append(_text_cell(sheet, str(value), f"{column_letter(position)}{number}",
                                      text_format=True))
            elif is_text:
                cell = WriteOnlyCell(sheet, value=None)
                cell.number_format = "@"
                row.append(cell)
            elif isinstance(value, str) and (value.startswith("=") or len(value) > MAX_CELL_CHARS
                                             or _ILLEGAL.search(value)):
                row.append(_text_cell(sheet, value, f"{column_letter(position)}{number}",
                                      text_format=False))
            else:
                row.append(value)  # openpyxl types any other text as text
        sheet.append(row)


def write_excel(graph: OrgGraph, path: str | os.PathLike, *,
                chinese: tuple[bool, bool] = (False, False)) -> None:
    """Write a graph as a workbook with sheets ``nodes`` and ``edges``, atomically.

    ``chinese``: (headings, kinds) in Chinese, as a person keeping the workbook in Chinese
    wrote it; with Chinese headings the sheets are 节点 and 关系 (the readers take both back)."""
    nodes, edges = graph.to_tables()
    if any(chinese):
        nodes = in_chinese(nodes, "nodes", headings=chinese[0], kinds=chinese[1])
        edges = in_chinese(edges, "edges", headings=chinese[0], kinds=chinese[1])
    workbook = Workbook(write_only=True)
    for table, frame in (("nodes", nodes), ("edges", edges)):
        write_sheet(workbook, _SHEET_LABELS[table] if chinese[0] else table, frame)
    with atomic_path(path) as temporary:
        workbook.save(temporary)


def workbook_language(path: str | os.PathLike) -> tuple[bool, bool]:
    """Whether a workbook's nodes sheet has Chinese headings (编号, 类型, 名称) and Chinese kind
    labels (社区党组织), read from its first rows: the language a workbook written for it keeps.
    A workbook read already (:func:`read_excel`) is meant: nothing is checked here."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        sheets = _sheets_named(workbook, "nodes")
        if not sheets:
            return False, False
        rows = list(workbook[sheets[0]].iter_rows(max_row=2, values_only=True))
    finally:
        workbook.close()
    return header_language([("" if v is None else str(v)) for v in (rows[0] if rows else ())],
                           [("" if v is None else str(v)) for v in (rows[1] if len(rows) > 1
                                                                    else ())])
