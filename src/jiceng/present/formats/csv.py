"""One section of a report as CSV, for programs: codes, plain numbers, formula-escaped text."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from jiceng.graphmodel.cells import escape_formula
from jiceng.present.labels import heading
from jiceng.present.model import Document

__all__ = ["render_csv"]


def _csv_cell(value):
    if isinstance(value, (list, tuple, np.ndarray)):
        value = ",".join(str(v) for v in value)
    if isinstance(value, str):
        return escape_formula(value)
    return value


def render_csv(report: Document, section: str | None = None) -> str:
    """One section as CSV (codes, plain numbers; text cells formula-escaped)."""
    chosen = report.chosen_section(section)
    frame = chosen.frame if chosen is not None else pd.DataFrame()
    buffer = io.StringIO()
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_csv_cell)
    # CRLF rows, as Excel writes them: the csv module then quotes a cell holding a bare CR,
    # which would otherwise end the row where a reader sees it
    _bilingual(out).to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue()


def _bilingual(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={c: escape_formula(heading(str(c))) for c in frame.columns})
