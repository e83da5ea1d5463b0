"""A dataset as a folder of CSV files, ``nodes.csv`` and ``edges.csv``, and the table checks that
every reader shares (:mod:`jiceng.loaders.disk` reads and writes a dataset whichever its form).

CSV input may be UTF-8, UTF-8 with BOM or GB18030/GBK (what Excel on Chinese
Windows writes); the encoding is detected. Every cell is read as text, so ids
such as ``007`` stay strings. CSV is written as UTF-8 with BOM so Excel opens it.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import threading
import unicodedata
from pathlib import Path
from typing import Literal, overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from jiceng.graphmodel import InvalidInputError, OrgGraph, Problem, ProblemCode
from jiceng.graphmodel.arrowtext import first_bytes, holds_byte, longest_bytes
from jiceng.graphmodel.cells import escape_formula, unescape_formula
from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS, NUMERIC_ATTRIBUTES, kind_code
from jiceng.graphmodel.validate import ROW, check_tables, nfkc_columns, plain_digits
from jiceng.loaders.atomic import atomic_paths
from jiceng.loaders.encoding import detect_encoding
from jiceng.loaders.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_NUMBER, MAX_ROWS

__all__ = ["read_table_file", "write_folder", "read_csv_table", "detect_encoding", "check_writable",
           "problem", "column_letter", "column_name", "check_header", "finish_table",
           "text_column", "text_array", "build_graph", "NODES_FILE", "EDGES_FILE",
           "EXCEL_SUFFIXES", "HEADINGS",
           "CHINESE_HEADINGS", "in_chinese", "header_language", "folder_language"]

NODES_FILE = "nodes.csv"
EDGES_FILE = "edges.csv"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def problem(file: str, row: int | None, column: str | None, message: str, *,
            code: ProblemCode) -> Problem:
    """A problem from a message written "中文 (English)": where :class:`Problem` keeps the two
    languages apart (``message_en``), they are split at the last parenthesis group."""
    if message.endswith(")"):
        depth = 0
        for at in range(len(message) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(message[at], 0)
            if depth == 0:
                break
        zh, en = message[:at].rstrip(), message[at + 1:-1]
        if at > 0 and zh:
            try:
                return Problem(file, row, column, zh, message_en=en, code=code)
            except TypeError:
                pass
    return Problem(file, row, column, message, code=code)


def _undecodable(data: bytes, display: str) -> Problem:
    """The problem for bytes that are not UTF-8 nor GB18030, naming the first bad byte."""
    try:
        data.decode("utf-8")
        offset = 0
    except UnicodeDecodeError as error:
        offset = error.start
    line = data.count(b"\n", 0, offset) + 1
    return problem(display, line, None,
                   f"文件编码无法识别：第 {offset} 字节（第 {line} 行）既不是 UTF-8 也不是 GB18030，"
                   f"请另存为 UTF-8 (cannot read the text: byte {offset}, line {line}, is neither "
                   "UTF-8 nor GB18030/GBK; save the file as UTF-8)", code=ProblemCode.ENCODING)


def read_csv_table(path: Path, display: str | None = None) -> pd.DataFrame:
    """Read one CSV file as a table of strings ("" for empty cells).

    Raises :class:`InvalidInputError` for a missing, empty, undecodable or malformed file.
    """
    return _read_csv(path, display, empty_as_missing=False)


_PROBE = 1 << 16  # bytes read to detect an empty file and a BOM before parsing a large file

#: The Chinese headings jiceng writes, per table, for a dataset kept in Chinese (each one the
#: readers take back to its column through :data:`HEADINGS`; the template's too).
CHINESE_HEADINGS = {
    "nodes": {"id": "编号", "kind": "类型", "name": "名称", "households": "户数",
              "population": "人口", "members": "党员数", "workers": "社区工作者数",
              "uscc": "统一社会信用代码", "type": "阵地类型", "title": "职务", "firm": "所在单位"},
    "edges": {"source": "起点", "target": "终点", "kind": "关系", "members": "党员数",
              "person": "人员", "role": "担任职务", "contents": "共建内容", "since": "开始时间"},
}
#: Chinese headings a table may use for the columns of the schema (nodes and edges).
HEADINGS = {"关系类型": "kind", "人数": "population",
            **{zh: code for table in CHINESE_HEADINGS.values() for code, zh in table.items()}}

_NUMBER_TEXT = re.compile(r"[0-9]{1,15}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def column_letter(position: int) -> str:
    """A spreadsheet's letter for the 1-based column ``position`` (``28`` -> ``AB``)."""
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_name(heading: str) -> str:
    """The column a heading names: a required or known column by its code in any case or width
    (``ID``, ``ｉｄ``) or its Chinese heading (编号); any other heading, trimmed, is an attribute."""
    text = heading.strip()
    plain = unicodedata.normalize("NFKC", text).strip()
    if plain in HEADINGS:
        return HEADINGS[plain]
    return plain.casefold() if plain.casefold() in nfkc_columns() | {"name"} else text


def check_header(names: list[str], display: str) -> None:
    """Refuse a header that cannot name its columns: too many, repeated or control characters.

    Blank headings are allowed here; :func:`finish_table` drops their columns when empty.
    """
    if len(names) > MAX_COLUMNS:
        raise InvalidInputError([problem(
            display, 1, None,
            f"表头有 {len(names):,} 列，超过 {MAX_COLUMNS} 列的上限 (the header has "
            f"{len(names):,} columns; the limit is {MAX_COLUMNS})",
            code=ProblemCode.TOO_MANY_COLUMNS)])
    problems = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(names, start=1):
        where = f"{column_letter(position)}"
        if len(raw) > MAX_CELL_CHARS or _CONTROL.search(raw):
            problems.append(problem(display, 1, where,
                                    "表头含控制字符或过长 (a heading holds control characters "
                                    "or is too long)", code=ProblemCode.BAD_HEADING))
            continue
        name = column_name(raw)
        if not name:
            continue
        if name in seen:
            first = seen[name]
            problems.append(problem(
                display, 1, where,
                f"表头重复：第 {first} 列（{column_letter(first)}）和第 {position} 列（{where}）都是 "
                f"{name!r} (duplicate heading {name!r} in columns {column_letter(first)} and {where})",
                code=ProblemCode.DUPLICATE_COLUMN))
        else:
            seen[name] = position
    if problems:
        raise InvalidInputError(problems)


def finish_table(names: list[str], columns: list[pa.ChunkedArray], rows: np.ndarray,
                 display: str, *, empty_as_missing: bool, skipped: int = 0,
                 unescape: bool = True, edges: bool = False) -> pd.DataFrame:
    """The raw table a loader hands on: headings in the schema's words, cells checked.

    ``columns`` hold the cells as string or large_string arrow arrays (missing or "" when
    empty), in header order; ``rows`` their spreadsheet row numbers. A column without a heading
    is dropped when every cell is empty and refused otherwise; a row whose every cell is empty
    is dropped (and counted in ``attrs["blank_rows"]`` with the ``skipped`` ones);
    formula-escaped text is unescaped (CSV: ``unescape``); Chinese kind labels become kind codes
    (of edges with ``edges``, whatever the other headings: a node table may have a ``source``);
    numeric attributes beyond :data:`MAX_NUMBER` and cells over :data:`MAX_CELL_CHARS`
    characters are refused.
    The columns stay in arrow until the table is made, each wrapped without a copy.
    """
    if unescape:  # headings are escaped as cells are
        names = [unescape_formula(name) for name in names]
    check_header(names, display)
    kept = _named_columns(names, columns, rows, display)
    kept, rows, blank = _without_blank_rows(kept, rows)
    if len(rows) > MAX_ROWS:
        raise InvalidInputError([problem(display, None, None,
                                         f"有 {len(rows):,} 行，超过 {MAX_ROWS:,} 行的上限 "
                                         f"({len(rows):,} rows; the limit is {MAX_ROWS:,})",
                                         code=ProblemCode.TOO_MANY_ROWS)])
    problems: list[Problem] = []
    deferred: list[Problem] = []
    table = {}
    for name, values in kept.items():
        if longest_bytes(values) > MAX_CELL_CHARS:  # characters ≤ bytes: counted only then
            lengths = pc.utf8_length(values).to_numpy(zero_copy_only=False)
            long = np.flatnonzero(lengths > MAX_CELL_CHARS)
            problems += [problem(display, int(rows[i]), name,
                                 f"单元格有 {lengths[i]:,} 个字符，超过 {MAX_CELL_CHARS:,} 的上限"
                                 f"（Excel 单元格的容量）({lengths[i]:,} characters; a cell holds at "
                                 f"most {MAX_CELL_CHARS:,})", code=ProblemCode.TOO_LONG)
                         for i in long]
            if len(long):
                continue
        if unescape:
            values = _unescaped(values)
        if name == "kind" or (not edges and any(name in k.enums for k in NODE_KINDS.values())):
            values = _kind_codes(values, edges=edges, attribute=name)
        if name in NUMERIC_ATTRIBUTES:  # reported with validation's, in one pass
            deferred += _number_problems(values, rows, name, display)
        if empty_as_missing:
            empty = pc.equal(pc.binary_length(values), 0)
            if pc.any(empty).as_py():
                values = pc.if_else(empty, pa.scalar(None, values.type), values)
            table[name] = _raw_column(values)
        else:
            table[name] = pd.Series(text_array(pc.fill_null(values, "")), copy=False)
    # a row with cells but no id is left to validation, which reports it with every other problem
    if problems:
        raise InvalidInputError(problems)
    frame = pd.DataFrame({**table, ROW: rows}, copy=False)  # the row numbers not copied either
    frame.attrs["blank_rows"] = blank + skipped
    frame.attrs["deferred"] = deferred
    return frame


def _named_columns(names: list[str], columns: list[pa.ChunkedArray], rows: np.ndarray,
                   display: str) -> dict[str, pa.ChunkedArray]:
    """The columns by their heading in the schema's words; a column without a heading is
    dropped when every cell is empty and refused otherwise."""
    problems: list[Problem] = []
    kept: dict[str, pa.ChunkedArray] = {}
    for position, (raw, values) in enumerate(zip(names, columns), start=1):
        name = column_name(raw)
        if not name:
            present = _present(values)
            if present.any():
                first = int(rows[int(np.argmax(present))])
                problems.append(problem(
                    display, first, column_letter(position),
                    f"第 {position} 列（{column_letter(position)}）没有表头却有内容 (column "
                    f"{column_letter(position)} has no heading but holds data)",
                    code=ProblemCode.UNNAMED_COLUMN))
            continue
        kept[name] = values
    if problems:
        raise InvalidInputError(problems)
    return kept


def _without_blank_rows(kept: dict[str, pa.ChunkedArray], rows: np.ndarray
                        ) -> tuple[dict[str, pa.ChunkedArray], np.ndarray, int]:
    """The columns and row numbers without the rows whose every cell is empty, and how many
    those were."""
    filled = np.zeros(len(rows), dtype=bool)
    for number, values in enumerate(kept.values()):  # each looks only at the rows still blank
        if not number:
            filled = _present(values)
            continue
        blank_so_far = np.flatnonzero(~filled)
        if not len(blank_so_far):
            break
        filled[blank_so_far] = _present(values.take(blank_so_far))
    blank = int(len(rows) - filled.sum())
    if blank:
        kept = {name: values.filter(filled) for name, values in kept.items()}
        rows = rows[filled]
    return kept, rows, blank


#: The first bytes of the characters trimming takes for blanks (Unicode white space): ASCII
#: tab to CR, the separators 1C..1F and space; U+0085 and U+00A0 (C2), U+1680 (E1), U+2000..
#: U+205F (E2), U+3000 (E3).
_BLANK_LEAD = np.zeros(256, dtype=bool)
_BLANK_LEAD[[*range(9, 14), *range(28, 33), 0xC2, 0xE1, 0xE2, 0xE3]] = True


def _present(values: pa.ChunkedArray) -> np.ndarray:
    """Which cells hold something but blanks (Unicode white space, as trimming sees it): arrow
    looks only at the cells that start as a blank does."""
    first, filled = first_bytes(values)
    maybe = np.flatnonzero(_BLANK_LEAD[first] & filled)
    if len(maybe):
        blank = pc.fill_null(pc.utf8_is_space(values.take(maybe)), False)
        filled[maybe[blank.to_numpy(zero_copy_only=False)]] = False
    return filled  # a fresh array the caller may fill


def text_column(texts: list) -> pa.ChunkedArray:
    """Python strings (None for missing) as a large_string column."""
    return pa.chunked_array([pa.array(texts, type=pa.large_string())], type=pa.large_string())


def _unescaped(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Cells a spreadsheet-safe writer escaped (a leading apostrophe) read back as written."""
    if not holds_byte(values, b"'"):
        return values
    first, _ = first_bytes(values)
    quoted = np.flatnonzero(first == ord("'"))
    if not len(quoted):
        return values
    texts = values.to_pylist()
    for at in quoted:
        texts[at] = unescape_formula(texts[at])
    return text_column(texts)


def _kind_codes(values: pa.ChunkedArray, *, edges: bool, attribute: str = "kind"
                ) -> pa.ChunkedArray:
    """Chinese labels replaced by their codes (codes and unknown text left as they are): of the
    kinds, or of an enumerated ``attribute`` of nodes (a station's 红色驿站 is ``red_station``)."""
    labels = {zh: code for kind in NODE_KINDS.values()
              for code, (zh, _) in kind.enums.get(attribute, {}).items()}
    codes = list(EDGE_KINDS if edges else NODE_KINDS) if attribute == "kind" else list(
        labels.values())
    known = pc.is_in(values, value_set=pa.array(list(codes), type=values.type))
    other = pc.and_(pc.is_valid(values), pc.invert(known))
    if not pc.any(other).as_py():
        return values
    texts = pc.unique(values.filter(other))
    plain = [unicodedata.normalize("NFKC", text).strip() for text in texts.to_pylist()]
    coded = [(kind_code(p, edges=edges) if attribute == "kind" else labels.get(p)) or text
             for p, text in zip(plain, texts.to_pylist())]
    replaced = pc.take(pa.array(coded, type=values.type), pc.index_in(values, value_set=texts))
    return pc.if_else(other, replaced, values)


def _number_problems(values: pa.ChunkedArray, rows: np.ndarray, name: str, display: str
                     ) -> list[Problem]:
    """Numbers a numeric attribute cannot hold exactly: whole numbers beyond 2**53-1 (refused,
    never rounded) and ``inf``, ``nan``, ``1e30`` (not numbers a count can be)."""
    if plain_digits(values):  # at most 15 plain digits (or empty): nothing to say
        return []
    given = pd.Series(text_array(values)).dropna()
    text = given.str.strip()
    plain = text.str.fullmatch(_NUMBER_TEXT.pattern)
    suspect = text[~plain & (text != "")]
    if suspect.empty:
        return []
    normal = suspect.map(lambda v: unicodedata.normalize("NFKC", v).strip())
    digits = normal.str.fullmatch(r"[0-9]+").astype(bool)
    number = pd.to_numeric(normal.where(~digits), errors="coerce")
    not_number = ~digits & (number.isin([np.inf, -np.inf]) | (number.abs() > MAX_NUMBER)
                            | normal.str.lower().isin(["nan", "+nan", "-nan"]))
    too_big = digits.copy()
    if digits.any():  # exactly, without float (and without int() of thousands of digits)
        too_big[digits] = normal[digits].map(
            lambda v: len(v.lstrip("0")) > 16 or int(v) > MAX_NUMBER).astype(bool)
    found = []
    for i, v in zip(suspect.index[too_big.to_numpy()], suspect[too_big]):
        shown = v if len(v) <= 40 else v[:37] + "..."
        found.append(problem(display, int(rows[i]), name,
                             f"{name} {shown!r} 超出可精确保存的范围（最大 {MAX_NUMBER:,}）({name} "
                             f"{shown!r} is beyond the largest whole number kept exactly, "
                             f"{MAX_NUMBER:,})", code=ProblemCode.NUMBER_TOO_LARGE))
    for i, v in zip(suspect.index[not_number.to_numpy()], suspect[not_number]):
        found.append(problem(display, int(rows[i]), name,
                             f"{name} {v!r} 不是数字，应为 ≥ 0 的整数 ({name} {v!r} is not a number "
                             "(expected a whole number ≥ 0))", code=ProblemCode.BAD_NUMBER))
    return found


def _read_csv(path: Path, display: str | None, *, empty_as_missing: bool, edges: bool = False
              ) -> pd.DataFrame:
    """Read a CSV file as strings; empty cells as "" or, with ``empty_as_missing``, missing.

    Rows keep the line numbers a spreadsheet shows (blank lines and line breaks inside
    quotes counted). A large UTF-8 file is handed to pyarrow straight away, its rows checked
    against its lines; a small file, or one pyarrow cannot take, is decoded strictly and read
    with Python's csv module.
    """
    display = display or str(path)
    if not path.is_file():
        raise InvalidInputError([problem(display, None, None, "文件不存在 (file not found)",
                                         code=ProblemCode.FILE_NOT_FOUND)])
    with open(path, "rb") as stream:
        head = stream.read(_PROBE + 1)
    if not head.strip(codecs.BOM_UTF8 + b" \t\r\n,;"):
        raise InvalidInputError([Problem(display, None, None,  # one piece: tests look for "file is empty" in it
                                         "文件是空的，没有表头 (file is empty: no header row)",
                                         code=ProblemCode.EMPTY_FILE)])
    if len(head) > _PROBE:
        first_line = _first_line(head)
        if first_line.count(b",") >= MAX_COLUMNS:  # refused before anything else is read
            check_header(first_line.decode("utf-8", "replace").split(","), display)
        table = _read_large_utf8(path, head, display, empty_as_missing=empty_as_missing,
                                 edges=edges)
        if table is not None:
            return table
    data = path.read_bytes()
    encoding = detect_encoding(data)
    if encoding is None:
        raise InvalidInputError([_undecodable(data, display)])
    text = data.decode(encoding).removeprefix("\ufeff")  # a BOM GB18030 spells out
    del data
    return _read_text(text, display, empty_as_missing=empty_as_missing, edges=edges)


_FIELD_LIMIT = threading.Lock()  # csv.field_size_limit is the process's: one reader at a time


def _read_text(text: str, display: str, *, empty_as_missing: bool, edges: bool) -> pd.DataFrame:
    with _FIELD_LIMIT:
        limit = csv.field_size_limit()
        csv.field_size_limit(max(limit, len(text)))  # a long cell is refused with its row, later
        try:
            return _read_records(text, display, empty_as_missing=empty_as_missing, edges=edges)
        finally:
            csv.field_size_limit(limit)


def _read_records(text: str, display: str, *, empty_as_missing: bool, edges: bool
                  ) -> pd.DataFrame:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    skipped = 0
    line = 0
    width = 0
    problems: list[Problem] = []
    try:  # rows numbered as a spreadsheet shows them: a cell's line breaks stay in its row
        for row, record in enumerate(reader, start=1):
            start, line = line + 1, reader.line_num
            if header is None:
                if not record or not any(c.strip() for c in record):
                    raise InvalidInputError([problem(display, row, None,
                                                     "第一行是空的，找不到表头 (the first line is "
                                                     "blank: no header row)",
                                                     code=ProblemCode.NO_HEADER)])
                check_header(record, display)
                header, width = record, len(record)
                continue
            if not record or not any(c.strip() for c in record):
                skipped += 1  # a blank line or a line of commas: no data, but counted
                continue
            if line > start:
                swallowed = _swallowed(record, width)
                if swallowed is not None:
                    problems.append(problem(
                        display, row, header[swallowed] if swallowed < width
                        else column_letter(swallowed + 1),
                        f"第 {row} 行的引号没有闭合，吞掉了其后 {line - start} 行（文件第 {start + 1}–"
                        f"{line} 行）(a quote opened in row {row} swallows the {line - start} "
                        f"line{'s' if line - start > 1 else ''} after it: lines {start + 1}–{line} "
                        "of the file)", code=ProblemCode.OPEN_QUOTE))
                    continue
            if len(record) > width:
                if any(c.strip() for c in record[width:]):
                    problems.append(problem(
                        display, row, column_letter(width + 1),
                        f"这一行有 {len(record)} 个单元格，表头只有 {width} 列 (the row has "
                        f"{len(record)} cells, the header only {width})",
                        code=ProblemCode.EXTRA_CELLS))
                    continue
                record = record[:width]
            elif len(record) < width:
                record = record + [""] * (width - len(record))
            records.append(record)
            rows.append(row)
            if len(records) > MAX_ROWS:
                raise InvalidInputError([problem(display, None, None,
                                                 f"超过 {MAX_ROWS:,} 行的上限 (more than "
                                                 f"{MAX_ROWS:,} rows)",
                                                 code=ProblemCode.TOO_MANY_ROWS)])
    except csv.Error as error:
        raise InvalidInputError([problem(display, None, None,
                                         f"不是有效的 CSV 文件，文件第 {reader.line_num + 1} 行 "
                                         f"(not a valid CSV file at line {reader.line_num + 1}: "
                                         f"{error})", code=ProblemCode.BAD_CSV)]) from None
    if problems:
        raise InvalidInputError(problems)
    if header is None:
        raise InvalidInputError([Problem(display, None, None,  # one piece: tests look for "file is empty" in it
                                         "文件是空的，没有表头 (file is empty: no header row)",
                                         code=ProblemCode.EMPTY_FILE)])
    columns = [text_column([r[i] for r in records]) for i in range(width)]
    return finish_table(header, columns, np.array(rows, dtype=np.int64), display,
                        empty_as_missing=empty_as_missing, skipped=skipped, edges=edges)


def _swallowed(record: list[str], width: int) -> int | None:
    """The position of a cell that holds a line break followed by a line that could be a row of
    a table ``width`` cells wide (its required cells at least): a stray quote swallowed it.
    A cell's own second line, such as （含A,B两片）, has fewer commas than a row."""
    commas = min(width, 3) - 1
    for position, cell in enumerate(record):
        if ("\n" in cell or "\r" in cell) and any(
                part.count(",") >= commas for part in cell.replace("\r", "\n").split("\n")[1:]):
            return position
    return None


_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # what dtype="str" reads


def _first_line(head: bytes) -> bytes:
    """The header line of a file's first bytes, whichever line ends it (LF, CRLF or CR alone)."""
    return re.split(rb"\r\n?|\n", head.removeprefix(codecs.BOM_UTF8), maxsplit=1)[0]


def _line_count(path: Path) -> int:
    count, last = 0, b"\n"
    with open(path, "rb") as stream:
        while block := stream.read(1 << 24):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _block_size(path: Path) -> int:
    """Blocks pyarrow parses in parallel: about eight per file, from 1 MB (a city's file: both
    cores busy) to 16 MB (a country's: few chunks for the column operations after)."""
    return min(1 << 24, max(1 << 20, path.stat().st_size // 8))


_WHOLE = {"id", "name"}  # text the graph keeps, in every row: parsed as the graph holds it


def _read_large_utf8(path: Path, head: bytes, display: str, *,
                     empty_as_missing: bool, edges: bool) -> pd.DataFrame | None:
    """A large UTF-8 file read by pyarrow in big blocks, every column as text; None if that
    fails (not UTF-8, ragged rows, quoted line breaks, blank lines ...): then the careful reader.

    The arrow strings are wrapped as they are, without a copy of every column.
    """
    try:
        names = next(csv.reader([_first_line(head).decode("utf-8")]))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None
    check_header(names, display)
    internal = [f"\x00{i}" for i in range(len(names))]
    # ids and names as pandas keeps them (large_string); the rest, which becomes codes or
    # numbers or is mostly empty, as string: half the offsets, parsed faster, and widened for
    # the graph one column at a time once validation has let go of the coded text
    types = {n: pa.large_string() if column_name(raw) in _WHOLE else pa.string()
             for n, raw in zip(internal, names)}
    try:
        arrow = pa_csv.read_csv(
            path, read_options=pa_csv.ReadOptions(block_size=_block_size(path),
                                                  column_names=internal,
                                                  skip_rows=1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=False,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(  # empty cells missing from the start, no copy
                column_types=types,
                strings_can_be_null=empty_as_missing, quoted_strings_can_be_null=empty_as_missing,
                null_values=[""] if empty_as_missing else []))
    except (pa.ArrowException, OSError):
        return None
    if arrow.column_names != internal or arrow.schema.types != list(types.values()):
        return None
    if arrow.num_rows + 1 != _line_count(path):
        return None  # lines that are not rows: let the careful reader number them
    return finish_table(names, arrow.columns, np.arange(2, arrow.num_rows + 2), display,
                        empty_as_missing=empty_as_missing, edges=edges)


def _raw_column(values: pa.ChunkedArray) -> pd.Series:
    """A text column of a table handed to validation, as arrow holds it. pandas' ``str`` holds
    large_string only, and would widen every offset of a string column (the large reader's:
    4 bytes a cell, 0.9 GB at 100×); such a column stays arrow's (``pd.ArrowDtype``), and
    validation widens the columns the graph keeps, one at a time, at its end."""
    if values.type == pa.large_string():
        return pd.Series(text_array(values), copy=False)
    return pd.Series(pd.arrays.ArrowExtensionArray(values), copy=False)


def text_array(column: pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    """Arrow strings as the readers' text column (dtype ``str``), without a copy."""
    return pd.arrays.ArrowStringArray(column, dtype=_STR)  # type: ignore[call-arg]


def read_table_file(path: Path, *, edges: bool) -> pd.DataFrame:
    """One of a dataset folder's CSV files (``nodes.csv``, or ``edges.csv`` with ``edges``) as
    the raw table :func:`build_graph` takes, empty cells missing."""
    return _read_csv(path, str(path), empty_as_missing=True, edges=edges)


@overload
def build_graph(nodes: pd.DataFrame, edges: pd.DataFrame, *, name: str, nodes_file: str,
                edges_file: str, consume: Literal[False] = False) -> OrgGraph: ...
@overload
def build_graph(nodes: pd.DataFrame, edges: pd.DataFrame, *, name: str, nodes_file: str,
                edges_file: str, consume: bool) -> OrgGraph | None: ...
def build_graph(nodes: pd.DataFrame, edges: pd.DataFrame, *, name: str, nodes_file: str,
                edges_file: str, consume: bool = False) -> OrgGraph | None:
    """The graph of two tables :func:`finish_table` made, validated; every problem in one pass.

    Numbers the loader refused (beyond the exact range, ``inf``, ``1e30``) are reported with
    what validation finds, the loader's words standing for a cell both name. Wholly empty rows
    are no data, but the graph remembers how many (``blank_rows``: ``validate`` says so).
    ``consume`` hands the tables to validation, which lets go of each column once it has
    coded or taken it; None then where a problem could not be told: the caller reads the
    files again and builds without it.
    """
    deferred = nodes.attrs.get("deferred", []) + edges.attrs.get("deferred", [])
    checked = check_tables(nodes, edges, nodes_file=nodes_file, edges_file=edges_file,
                           consume=consume and not deferred)
    if not checked.told:
        return None
    try:
        graph = OrgGraph.from_checked(checked, name=name)
    except InvalidInputError as error:
        named = {(p.file, p.row, p.column) for p in deferred}
        raise InvalidInputError(deferred + [p for p in error.problems
                                            if (p.file, p.row, p.column) not in named]) from None
    if deferred:
        raise InvalidInputError(deferred)
    graph.blank_rows = nodes.attrs.get("blank_rows", 0) + edges.attrs.get("blank_rows", 0)
    if ROW in nodes.columns:
        graph.node_rows = (nodes_file, nodes[ROW].to_numpy(dtype=np.int64))
    return graph


def _long_cells(table: pd.DataFrame) -> list[tuple[int, str, ProblemCode, str, str]]:
    """(position, column, code, why in Chinese, in English) of each text longer than a spreadsheet
    cell holds (and the reader reads)."""
    found = []
    for name in table.columns:
        values = table[name]
        if values.dtype.kind in "biuf" or isinstance(values.dtype, pd.CategoricalDtype):
            continue
        text = values.dropna().astype("str")
        long = text.str.len() > MAX_CELL_CHARS
        found += [(int(table.index.get_loc(i)), str(name), ProblemCode.TOO_LONG,
                   f"文字超过 {MAX_CELL_CHARS:,} 个字符，无法写入",
                   f"text longer than {MAX_CELL_CHARS:,} characters cannot be written")
                  for i in text.index[long.to_numpy()]]
    return found


def _csv_cells(table: pd.DataFrame) -> list[tuple[int, str, ProblemCode, str, str]]:
    """(position, column, code, why in Chinese, in English) of each text a CSV file would not give
    back: a carriage return, or a line break followed by a line that reads as a row."""
    found = []
    width = len(table.columns)
    for name in table.columns:
        values = table[name]
        if values.dtype.kind in "biuf" or isinstance(values.dtype, pd.CategoricalDtype):
            continue
        text = values.dropna().astype("str")
        broken = text.str.contains("\n", regex=False) | text.str.contains("\r", regex=False)
        if broken.any():  # a bare CR is written unquoted, so it would end the row
            broken[broken] = text[broken].map(
                lambda v: "\r" in v or _swallowed([v], width) is not None)
        found += [(int(table.index.get_loc(i)), str(name), ProblemCode.LINE_BREAK,
                   "文字含回车符，或换行后的一行像一行数据（两个以上逗号），CSV 读回时会断行"
                   "或被当作未闭合的引号；请改用 .xlsx",
                   "a carriage return, or a line break followed by a line that reads as a row, "
                   "would not read back from CSV; write an .xlsx workbook instead")
                  for i in text.index[broken.to_numpy()]]
    return found


def check_writable(graph: OrgGraph, path: str | os.PathLike, *,
                   source: str | os.PathLike | None = None, before: OrgGraph | None = None
                   ) -> None:
    """Refuse, before anything is written, a graph that ``path`` (a folder or a workbook)
    could not hold or that :func:`~jiceng.loaders.disk.read_dataset` would not read back: the
    reader's header checks (at most :data:`MAX_COLUMNS` columns, no control characters, no
    heading twice), at most :data:`MAX_ROWS` rows, no text longer than a cell and, in CSV, no
    carriage return nor a line break followed by a line that reads as a row.

    Problems name the node by id (an edge by its ends) and the column. With ``source``, the
    dataset the graph was read from, they name that file and no row, so that a person is told
    what to change in what they gave (the file to be written does not exist yet); without it,
    the file to be written and the row it would have. ``before``, the graph it was made from,
    lets a table too wide say which columns were added.

    Raises
    ------
    InvalidInputError
        Every problem found.
    """
    path = Path(path)
    excel = path.suffix.lower() in EXCEL_SUFFIXES
    shown = str(source)
    problems: list[Problem] = []
    nodes, edges = graph.to_tables()
    for table, zh, en in ((nodes, "节点表", "nodes"), (edges, "关系表", "edges")):
        filename = NODES_FILE if table is nodes else EDGES_FILE
        if source is None:  # the file to be written
            shown = f"{path}[{en}]" if excel else str(path / filename)
        elif Path(source).is_dir():  # the input file of that table
            shown = str(Path(source) / filename)
        names = [str(c) for c in table.columns]
        added_zh = added_en = ""
        if before is not None:
            had = before.nodes.columns if table is nodes else before.edges.columns
            new = [n for n in names if n not in had]
            if new:
                added_zh, added_en = f"（其中 {'、'.join(new)} 为新加）", f"; added: {', '.join(new)}"
        try:
            check_header(names, shown)
        except InvalidInputError as error:
            problems += [Problem(shown, p.row if source is None else None, p.column,
                                 f"要写出的{zh}{p.message}{added_zh}，jiceng 将无法读回",
                                 f"the {en} table to be written: {p.message_en or p.message}"
                                 f"{added_en}; jiceng could not read it back", code=p.code)
                         for p in error.problems]
        if len(table) > MAX_ROWS:
            problems.append(Problem(shown, None, None,
                                    f"要写出的{zh}有 {len(table):,} 行，超过 {MAX_ROWS:,} 行的上限",
                                    f"the {en} table to be written has {len(table):,} rows; the "
                                    f"limit is {MAX_ROWS:,}", code=ProblemCode.TOO_MANY_ROWS))
        cells = _long_cells(table) + ([] if excel else _csv_cells(table))
        for position, column, code, why_zh, why_en in cells:
            if table is nodes:
                node = table["id"].iat[position]
                who_zh, who_en = f"节点 {node!r}", f"node {node!r}"
            else:
                ends = f"{table['source'].iat[position]!r}→{table['target'].iat[position]!r}"
                kind = table["kind"].iat[position]
                who_zh, who_en = f"关系 {ends}（{kind}）", f"edge {ends} ({kind})"
            problems.append(Problem(shown, None if source is not None else position + 2, column,
                                    f"{who_zh}：{why_zh}", f"{who_en}: {why_en}", code=code))
    if problems:
        raise InvalidInputError(problems)


def _escaped(table: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for name in table.columns:
        values = table[name]
        if values.dtype.kind not in "biufc" and not isinstance(values.dtype, pd.CategoricalDtype):
            text = values.astype("str")
            risky = text.str.match(r"'*[=+\-@\t\r]").fillna(False).astype(bool)
            if risky.any():
                values = text.where(~risky, text.map(escape_formula, na_action="ignore"))
        out[escape_formula(str(name))] = values  # a heading is text like any cell
    return pd.DataFrame(out, index=table.index)


def in_chinese(table: pd.DataFrame, which: str, *, headings: bool = True,
               kinds: bool = True) -> pd.DataFrame:
    """``table`` (``which`` is ``nodes`` or ``edges``) as a person keeping the dataset in
    Chinese wrote it: the headings of :data:`CHINESE_HEADINGS` and the kinds' Chinese labels,
    all of which the readers take back to the codes (docs/design.md §3.2)."""
    out = table.copy()
    if kinds and "kind" in out.columns:
        labels = EDGE_KINDS if which == "edges" else NODE_KINDS
        out["kind"] = out["kind"].astype(str).map(lambda k: labels[k].zh if k in labels else k)
    if headings:
        taken = set(out.columns)
        out = out.rename(columns={c: zh for c, zh in CHINESE_HEADINGS[which].items()
                                  if c in taken and zh not in taken})
    return out


def header_language(header: list[str], first_row: list[str]) -> tuple[bool, bool]:
    """Whether a nodes table was written in Chinese, from its header and first row: (its
    required headings are Chinese, its first kind is a Chinese label)."""
    names = [unicodedata.normalize("NFKC", h).strip() for h in header]
    headings = any(HEADINGS.get(n) == "id" for n in names)
    kinds = False
    position = next((i for i, n in enumerate(names) if column_name(n) == "kind"), None)
    if position is not None and position < len(first_row):
        cell = unicodedata.normalize("NFKC", first_row[position]).strip()
        kinds = cell not in NODE_KINDS and kind_code(cell) is not None
    return headings, kinds


def folder_language(folder: Path) -> tuple[bool, bool]:
    """:func:`header_language` of a folder's ``nodes.csv`` (its first 64 KiB: a header and a
    row); a folder read already (:func:`jiceng.loaders.disk.read_folder`) is meant."""
    with open(folder / NODES_FILE, "rb") as stream:
        head = stream.read(_PROBE)
    if len(head) == _PROBE and b"\n" in head:  # whole lines: no character cut in two
        head = head[:head.rfind(b"\n") + 1]
    encoding = detect_encoding(head) or "utf-8-sig"
    text = head.decode(encoding, errors="ignore")
    rows = list(csv.reader(io.StringIO(text)))[:2]
    return header_language(rows[0] if rows else [], rows[1] if len(rows) > 1 else [])


def write_folder(graph: OrgGraph, path: Path, *, chinese: tuple[bool, bool] = (False, False)
                 ) -> None:
    """Write ``graph`` as ``nodes.csv`` and ``edges.csv`` in the folder ``path`` (UTF-8 with BOM,
    formula-like text escaped). The two files are written beside their final names and renamed
    together (:func:`~jiceng.loaders.atomic.atomic_paths`): an error or an interrupt leaves the
    old pair as it was, never a new edges.csv beside an old nodes.csv. ``chinese``: (headings,
    kinds) in Chinese (:func:`in_chinese`)."""
    nodes, edges = graph.to_tables()
    if any(chinese):
        nodes = in_chinese(nodes, "nodes", headings=chinese[0], kinds=chinese[1])
        edges = in_chinese(edges, "edges", headings=chinese[0], kinds=chinese[1])
    path.mkdir(parents=True, exist_ok=True)
    with atomic_paths([path / NODES_FILE, path / EDGES_FILE]) as temporaries:
        for table, temporary in zip((nodes, edges), temporaries):
            _escaped(table).to_csv(temporary, index=False, encoding="utf-8-sig")
