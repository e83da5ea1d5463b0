"""Cells as people read them, in every people's format (table, Markdown, HTML, the ledger).

Fractions as percentages with one decimal, counts with thousands separators, kinds and status
values in Chinese, control characters shown as ``\\x1b``, long text cut.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from jiceng.graphmodel.cells import terminal_text
from jiceng.present.labels import POINTS_COLUMNS, heading, people_text
from jiceng.present.model import Document, Section

__all__ = ["SCREEN_CELL", "XLSX_CELL", "visible", "is_missing", "is_numeric", "person_cell",
           "people_frame", "full_list_note", "meta_line", "change_sign"]

SCREEN_CELL = 200  # characters of one cell shown on screen, Markdown and HTML
XLSX_CELL = 32767  # Excel's limit on a cell's text

def visible(text: str, limit: int = SCREEN_CELL) -> str:
    """Text as a person should see it in a table cell: control characters (and bidi controls)
    shown as ``\\x1b`` (:func:`~jiceng.graphmodel.cells.terminal_text`),
    line breaks as ``⏎``, cut to ``limit`` characters with "…".

    >>> visible("a\\x1bb\\nc"), visible("社区" * 3, limit=4)
    ('a\\\\x1bb⏎c', '社区社区…')
    """
    if len(text) > limit:
        text = text[:limit] + "…"
    text = text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\t", " ")
    return terminal_text(text)


def is_missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _number(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "是" if value else "否"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def person_cell(column: str, value, percent: bool, signed: bool = False) -> str:
    """One cell as text for people (table, Markdown, HTML); long text cut, nothing escaped."""
    if is_missing(value):
        return "—" if percent else ""
    if percent and isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        if not signed:
            return f"{float(value):.1%}"
        text = f"{float(value) * 100:+.1f}"  # a change of a percentage: percentage points
        return f"{'±0.0' if text in ('+0.0', '-0.0') else text} 个百分点"
    if isinstance(value, (list, tuple, np.ndarray)):
        return visible("、".join(str(v) for v in value))
    if isinstance(value, (int, float, np.number)):
        return _number(value)
    return visible(people_text(column, str(value)))


def is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def people_frame(section: Section, columns: list[str] | None = None,
                  cap: int | None = None) -> tuple[pd.DataFrame, list[bool], int]:
    """The section as strings for people: bilingual headings, which columns are numbers,
    and how many rows were left out by ``cap``."""
    frame = section.people_rows() if columns is None else section.people_rows()[columns]
    left_off = 0
    if cap is not None and len(frame) > cap:
        left_off = len(frame) - cap
        frame = frame.head(cap)
    percent = section.percent_columns()
    out, numeric = {}, []
    for column in frame.columns:
        name = str(column)
        is_percent = name in percent
        signed = is_percent and name in POINTS_COLUMNS
        shown_as = "" if name in section.keep_codes else name
        out[heading(name)] = [person_cell(shown_as, v, is_percent, signed) for v in frame[column]]
        numeric.append(is_percent or is_numeric(frame[column]))
    return pd.DataFrame(out, columns=[heading(str(c)) for c in frame.columns]), numeric, left_off


def change_sign(value) -> int:
    """Which way a change goes (1 up, -1 down, 0 neither): a number's sign, or a rank change
    written ``↑3`` / ``↓2``; what people see coloured green or red."""
    if isinstance(value, str):
        return 1 if value.startswith("↑") else -1 if value.startswith("↓") else 0
    if is_missing(value) or isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return 0
    return 1 if value > 5e-4 else -1 if value < -5e-4 else 0


def full_list_note(left_off: int) -> str:
    return (f"… 另有 {left_off:,} 条；完整清单请用 --format xlsx"
            f"（… {left_off:,} more; --format xlsx for all）")


def meta_line(report: Document) -> str:
    """The line under a title: dataset, rules, the date it was made, the threshold."""
    parts = []
    if report.dataset:
        parts.append(f"数据集 dataset: {report.dataset}")
    if report.rules_file:
        parts.append(f"规则 rules: {report.rules_file}")
    parts.append(f"生成于 generated {dt.date.today().isoformat()}")
    if report.graded():  # the threshold colours something: say where it is
        parts.append(f"达标线 threshold {report.threshold:.1%}")
    return " · ".join(parts)
