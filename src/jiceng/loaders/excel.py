"""Read and write a dataset as an Excel workbook with sheets ``nodes`` and ``edges``."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import InvalidFileException

from jiceng.graphmodel import InvalidInputError, OrgGraph, Problem
from jiceng.loaders.atomic import atomic_path

__all__ = ["read_excel", "write_excel", "read_sheet", "write_sheet", "ID_COLUMNS"]

#: Columns kept as text in Excel so leading zeros and long codes survive.
ID_COLUMNS = ("id", "source", "target")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_sheet(workbook, sheet: str, display: str) -> pd.DataFrame:
    """One sheet as a table of strings; the first row is the header."""
    rows = workbook[sheet].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or all(v is None for v in header):
        raise InvalidInputError([Problem(display, None, None, "sheet is empty (no header row)")])
    width = max(i + 1 for i, v in enumerate(header) if v is not None)
    columns = [_cell_text(v).strip() for v in header[:width]]
    records, numbers = [], []
    for number, row in enumerate(rows, start=2):
        cells = [_cell_text(v) for v in row[:width]]
        if not any(cells) and all(v is None for v in row):
            continue  # trailing blank rows that Excel keeps
        records.append(cells + [""] * (width - len(cells)))
        numbers.append(number)
    table = pd.DataFrame(records, columns=columns, dtype="str") if records else \
        pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    table["_row"] = numbers
    return table


def read_excel(path: str | os.PathLike) -> OrgGraph:
    """Read and validate a dataset workbook (sheets ``nodes`` and ``edges``)."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError([Problem(str(path), None, None, "file not found")])
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise InvalidInputError([Problem(str(path), None, None,
                                         f"not an Excel .xlsx workbook ({error})")]) from None
    try:
        missing = [s for s in ("nodes", "edges") if s not in workbook.sheetnames]
        if missing:
            raise InvalidInputError([
                Problem(str(path), None, None,
                        f"no sheet {s!r} (the workbook has: {', '.join(workbook.sheetnames)})")
                for s in missing])
        problems, tables = [], {}
        for sheet in ("nodes", "edges"):
            try:
                tables[sheet] = read_sheet(workbook, sheet, f"{path}[{sheet}]")
            except InvalidInputError as error:
                problems += error.problems
        if problems:
            raise InvalidInputError(problems)
    finally:
        workbook.close()
    return OrgGraph.from_tables(tables["nodes"], tables["edges"], name=path.stem,
                                nodes_file=f"{path}[nodes]", edges_file=f"{path}[edges]")


def write_sheet(workbook: Workbook, title: str, table: pd.DataFrame,
                text_columns=ID_COLUMNS) -> None:
    """Append a write-only sheet holding ``table``; ``text_columns`` are text-formatted."""
    sheet = workbook.create_sheet(title)
    sheet.append([str(c) for c in table.columns])
    text = [c in text_columns for c in table.columns]
    for values in table.itertuples(index=False, name=None):
        row = []
        for is_text, value in zip(text, values):
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            if is_text:
                cell = WriteOnlyCell(sheet, value=None if value is None else str(value))
                cell.number_format = "@"
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)


def write_excel(graph: OrgGraph, path: str | os.PathLike) -> None:
    """Write a graph as a workbook with sheets ``nodes`` and ``edges``, atomically."""
    nodes, edges = graph.to_tables()
    workbook = Workbook(write_only=True)
    write_sheet(workbook, "nodes", nodes)
    write_sheet(workbook, "edges", edges)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
