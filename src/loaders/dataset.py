"""Read and write a dataset: a folder with ``nodes.csv`` and ``edges.csv``, or an Excel workbook.

CSV input may be UTF-8, UTF-8 with BOM or GB18030/GBK (what Excel on Chinese
Windows writes); the encoding is detected. Every cell is read as text, so ids
such as ``007`` stay strings. CSV is written as UTF-8 with BOM so Excel opens it.
"""

from __future__ import annotations

import codecs
import os
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from graphmodel import InvalidInputError, OrgGraph, Problem
from loaders.atomic import atomic_path

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
    display = display or str(path)
    if not path.is_file():
        raise InvalidInputError([Problem(display, None, None, "file not found")])
    data = path.read_bytes()
    if not data.strip(codecs.BOM_UTF8 + b" \t\r\n"):
        raise InvalidInputError([Problem(display, None, None, "file is empty (no header row)")])
    encoding = detect_encoding(data)
    if encoding is None:
        raise InvalidInputError([Problem(display, None, None,
                                         "cannot read the text: not UTF-8 nor GB18030/GBK")])
    options = dict(dtype="str", keep_default_na=False, encoding=encoding)
    try:
        table = pd.read_csv(path, engine="pyarrow", **options)
    except Exception:  # pyarrow is strict (quoted newlines, ragged rows): let the C parser tell
        try:
            table = pd.read_csv(path, engine="c", na_filter=False, **options)
        except (pd.errors.ParserError, ValueError) as error:
            raise InvalidInputError([Problem(display, None, None,
                                             f"not a valid CSV file: {error}")]) from None
    table.columns = [str(c).strip() for c in table.columns]
    return table


def _read_folder(folder: Path) -> OrgGraph:
    problems: list[Problem] = []
    tables = {}
    for filename in (NODES_FILE, EDGES_FILE):
        try:
            tables[filename] = read_csv_table(folder / filename, str(folder / filename))
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
    >>> from loaders import sample_path
    >>> g = read_dataset(sample_path())
    >>> g.count("community_party") > 0
    True
    """
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from loaders.excel import read_excel

        return read_excel(path)
    if path.is_dir():
        return _read_folder(path)
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
        from loaders.excel import write_excel

        write_excel(graph, path)
        return path
    path.mkdir(parents=True, exist_ok=True)
    nodes, edges = graph.to_tables()
    with ExitStack() as stack:
        for table, filename in ((nodes, NODES_FILE), (edges, EDGES_FILE)):
            temporary = stack.enter_context(atomic_path(path / filename))
            table.to_csv(temporary, index=False, encoding="utf-8-sig")
    return path
