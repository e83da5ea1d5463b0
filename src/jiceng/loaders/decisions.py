"""A merge's decisions file: which pairs of close names are one organisation (docs/design.md §8).

Columns 甲, 乙, 结论 (结论 = 同一 | 不同; also ``a``, ``b``, ``decision``, and the merge report's
own headings ``甲 (a)``): a CSV (UTF-8 or GB18030) or a workbook, such as the 合并核对 sheet of
the merge report filled in. The header may stand below a title block (searched in the first 20
rows); rows whose 结论 is empty are not decided yet and are skipped.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pandas as pd

from jiceng.graphmodel import InvalidInputError, Problem, ProblemCode
from jiceng.loaders.dataset import EXCEL_SUFFIXES, read_csv_table

__all__ = ["read_decisions", "DECISION_VALUES"]

#: What a 结论 cell may say, and the decision it means.
DECISION_VALUES = {"同一": "同一", "相同": "同一", "是": "同一", "same": "同一",
                   "不同": "不同", "否": "不同", "different": "不同"}
_COLUMNS = {"甲": "a", "a": "a", "乙": "b", "b": "b", "结论": "decision", "decision": "decision"}
_HEADER_SEARCH = 20
_SHEET = "合并核对"


def _column(heading: object) -> str | None:
    """The column a heading names: ``甲``, ``a`` or ``甲 (a)`` → ``a``."""
    text = unicodedata.normalize("NFKC", str(heading or "")).strip()
    text = re.sub(r"\s*\(.*\)$", "", text).strip().lower()
    return _COLUMNS.get(text)


def _rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is bad input
            raise InvalidInputError([Problem(str(path), None, None, "不是有效的 .xlsx 工作簿",
                                             f"not a valid .xlsx workbook: {error}",
                                             code=ProblemCode.BAD_WORKBOOK)]) from None
        try:
            sheet = workbook[_SHEET] if _SHEET in workbook.sheetnames else workbook.worksheets[0]
            return [["" if v is None else str(v) for v in row]
                    for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    table = read_csv_table(path, str(path))
    return [list(table.columns)] + table.astype(str).to_numpy().tolist()


def read_decisions(path: str | os.PathLike) -> pd.DataFrame:
    """The decided pairs of a decisions file: ``a, b, decision`` (同一 or 不同), ``row``.

    Raises :class:`InvalidInputError` naming the file, row and column of every cell it cannot
    take (no 甲/乙/结论 header, a 结论 other than 同一 or 不同).
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError([Problem(str(path), None, None, "找不到决定文件", "no such file",
                                         code=ProblemCode.FILE_NOT_FOUND)])
    rows = _rows(path)
    for at in range(min(len(rows), _HEADER_SEARCH)):
        header = rows[at]
        named = {_column(h): j for j, h in enumerate(header) if _column(h)}
        if {"a", "b", "decision"} <= set(named):
            break
    else:
        at, header, named = 0, [], {}
    if not named:
        raise InvalidInputError([Problem(str(path), None, None, "找不到表头 甲、乙、结论",
                                         "no header 甲, 乙, 结论 (a, b, decision)",
                                         code=ProblemCode.MISSING_COLUMN)])
    decided, problems = [], []
    for number, row in enumerate(rows[at + 1:], start=at + 2):
        cells = {key: row[j].strip() if j < len(row) else "" for key, j in named.items()}
        cell = cells.__getitem__
        said = unicodedata.normalize("NFKC", cell("decision")).strip().lower()
        if not said or not (cell("a") or cell("b")):
            continue
        if said not in DECISION_VALUES:
            problems.append(Problem(str(path), number, str(header[named["decision"]]),
                                    f"结论应为 同一 或 不同，而不是 {cell('decision')!r}",
                                    f"a decision is 同一 (same) or 不同 (different), not "
                                    f"{cell('decision')!r}", code=ProblemCode.BAD_VALUE))
            continue
        decided.append((cell("a"), cell("b"), DECISION_VALUES[said], number))
    if problems:
        raise InvalidInputError(problems)
    return pd.DataFrame(decided, columns=["a", "b", "decision", "row"])
