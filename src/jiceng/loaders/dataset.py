"""Read and write a dataset: a folder with ``nodes.csv`` and ``edges.csv``, or an Excel workbook.

CSV input may be UTF-8, UTF-8 with BOM or GB18030/GBK (what Excel on Chinese
Windows writes); the encoding is detected. Every cell is read as text, so ids
such as ``007`` stay strings. CSV is written as UTF-8 with BOM so Excel opens it.
"""

from __future__ import annotations

import codecs
import csv
import os
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from jiceng.graphmodel import InvalidInputError, OrgGraph, Problem
from jiceng.loaders.atomic import atomic_path

__all__ = ["read_dataset", "write_dataset", "read_csv_table", "detect_encoding", "write_csv"]

NODES_FILE = "nodes.csv"
EDGES_FILE = "edges.csv"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def detect_encoding(data: bytes) -> str | None:
    """The encoding of CSV bytes: ``utf-8-sig``, ``utf-8`` or ``gb18030``; None if neither.

    >>> detect_encoding("网格".encode("gbk")), detect_encoding(codecs.BOM_UTF8 + b"id")
    ('gb18030', 'utf-8-sig')
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        return None


def read_csv_table(path: Path, display: str | None = None) -> pd.DataFrame:
    """Read one CSV file as a table of strings ("" for empty cells).

    Raises :class:`InvalidInputError` for a missing, empty, undecodable or malformed file.
    """
    return _read_csv(path, display, empty_as_missing=False)


_PROBE = 1 << 16  # bytes read to detect an empty file and a BOM before parsing a large file


def _read_csv(path: Path, display: str | None, *, empty_as_missing: bool) -> pd.DataFrame:
    """Read a CSV file as strings; empty cells as "" or, with ``empty_as_missing``, missing.

    A large file is handed to pyarrow as UTF-8 straight away (pyarrow checks the UTF-8 and
    skips a BOM), so its bytes are neither held twice nor decoded in Python; only when that
    fails is the encoding detected on the whole file, as for small files.
    """
    display = display or str(path)
    if not path.is_file():
        raise InvalidInputError([Problem(display, None, None, "file not found")])
    empty: dict[str, Any] = (dict(na_values=[""], keep_default_na=False) if empty_as_missing
                             else dict(keep_default_na=False))
    with open(path, "rb") as stream:
        head = stream.read(_PROBE + 1)
    if len(head) > _PROBE and head.strip(codecs.BOM_UTF8 + b" \t\r\n"):
        table = _read_large_utf8(path, head, empty_as_missing=empty_as_missing)
        if table is not None:
            return table
    data = path.read_bytes()
    if not data.strip(codecs.BOM_UTF8 + b" \t\r\n"):
        raise InvalidInputError([Problem(display, None, None, "file is empty (no header row)")])
    encoding = detect_encoding(data)
    del data
    if encoding is None:
        raise InvalidInputError([Problem(display, None, None,
                                         "cannot read the text: not UTF-8 nor GB18030/GBK")])
    options: dict[str, Any] = dict(dtype="str", encoding=encoding, **empty)
    # the C parser: pandas' pyarrow engine ignores dtype="str" with pyarrow < 25
    try:
        table = pd.read_csv(path, engine="c", na_filter=empty_as_missing, **options)
    except (pd.errors.ParserError, ValueError) as error:
        raise InvalidInputError([Problem(display, None, None,
                                         f"not a valid CSV file: {error}")]) from None
    table.columns = [str(c).strip() for c in table.columns]
    return table


_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # what dtype="str" reads


def _read_large_utf8(path: Path, head: bytes, *, empty_as_missing: bool) -> pd.DataFrame | None:
    """A large UTF-8 file read by pyarrow in big blocks, every column as text; None if that
    fails (not UTF-8, ragged rows, quoted newlines in the header, repeated column names ...).

    The same table as ``pd.read_csv(engine="pyarrow", dtype="str")``, without its copy of
    every column: the arrow strings are wrapped as they are.
    """
    first_line = head.removeprefix(codecs.BOM_UTF8).split(b"\n", 1)[0]
    try:
        names = next(csv.reader([first_line.decode("utf-8").rstrip("\r")]))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None
    if len(set(names)) != len(names) or any(not n for n in names):
        return None
    try:
        arrow = pa_csv.read_csv(
            path, read_options=pa_csv.ReadOptions(block_size=1 << 24),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.large_string() for n in names},
                strings_can_be_null=empty_as_missing,
                null_values=[""] if empty_as_missing else [],
                quoted_strings_can_be_null=empty_as_missing))
    except (pa.ArrowException, OSError):
        return None
    if arrow.column_names != names or any(t != pa.large_string() for t in arrow.schema.types):
        return None
    return pd.DataFrame({name.strip(): pd.Series(_strings(column))
                         for name, column in zip(names, arrow.columns)})


def _strings(column: pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    return pd.arrays.ArrowStringArray(column, dtype=_STR)  # type: ignore[call-arg]


def _read_folder(folder: Path) -> OrgGraph:
    problems: list[Problem] = []
    tables = {}
    for filename in (NODES_FILE, EDGES_FILE):
        try:
            tables[filename] = _read_csv(folder / filename, str(folder / filename),
                                         empty_as_missing=True)
        except InvalidInputError as error:
            problems += error.problems
    if problems:
        raise InvalidInputError(problems)
    return OrgGraph.from_tables(tables[NODES_FILE], tables[EDGES_FILE], name=folder.name,
                                nodes_file=str(folder / NODES_FILE),
                                edges_file=str(folder / EDGES_FILE))


def read_dataset(path: str | os.PathLike) -> OrgGraph:
    """Read and validate a dataset: a folder of CSV files or an Excel workbook.

    Raises
    ------
    InvalidInputError
        Listing every problem, each with file, row and column.

    Examples
    --------
    >>> from jiceng.loaders import sample_path
    >>> g = read_dataset(sample_path())
    >>> g.count("community_party") > 0
    True
    """
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from jiceng.loaders.excel import read_excel

        return read_excel(path).build_indexes()
    if path.is_dir():
        return _read_folder(path).build_indexes()  # once the raw tables are freed
    if path.suffix.lower() == ".csv":
        raise InvalidInputError([Problem(str(path), None, None,
                                         "a dataset is a folder holding nodes.csv and edges.csv "
                                         "(or an .xlsx workbook); give the folder")])
    raise InvalidInputError([Problem(str(path), None, None,
                                     "no such dataset folder or Excel workbook")])


def write_csv(table: pd.DataFrame, path: str | os.PathLike, *, bom: bool = True) -> None:
    """Write a table as CSV atomically, UTF-8 with BOM by default (Excel opens it)."""
    with atomic_path(path) as temporary:
        table.to_csv(temporary, index=False, encoding="utf-8-sig" if bom else "utf-8")


def write_dataset(graph: OrgGraph, path: str | os.PathLike) -> Path:
    """Write a graph as a dataset folder (or ``.xlsx`` workbook), losslessly.

    The two CSV files are written beside their final names and renamed together,
    so an interrupted write leaves the old dataset intact.
    """
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from jiceng.loaders.excel import write_excel

        write_excel(graph, path)
        return path
    path.mkdir(parents=True, exist_ok=True)
    nodes, edges = graph.to_tables()
    with ExitStack() as stack:
        for table, filename in ((nodes, NODES_FILE), (edges, EDGES_FILE)):
            temporary = stack.enter_context(atomic_path(path / filename))
            table.to_csv(temporary, index=False, encoding="utf-8-sig")
    return path
