"""Tables as JSON records (docs/design.md §6's lists of objects), for programs.

:func:`plain_records` gives the Python objects; :func:`records_json` writes the same records
as JSON text column by column with arrow, for lists of hundreds of thousands of rows (a diff of
two cities). Both give what ``json.dumps(plain_records(frame), ensure_ascii=False)`` gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jiceng.graphmodel.validate import arrow_strings

__all__ = ["plain_values", "plain_records", "records_json", "join_text", "replaced"]


def plain_values(column: pd.Series) -> list:
    """A column as plain Python values (None for missing), fast for long columns."""
    whole = pd.api.types.is_bool_dtype(column) or pd.api.types.is_integer_dtype(column)
    if whole and not column.isna().any():
        return column.to_numpy().tolist()
    if pd.api.types.is_float_dtype(column):
        return [None if v != v else v for v in column.to_numpy(dtype=float).tolist()]
    values = column.to_numpy(dtype=object, na_value=None)
    return [v.item() if hasattr(v, "item") else v for v in values.tolist()]


def plain_records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as dictionaries of plain Python values."""
    columns = [str(c) for c in frame.columns]
    return [dict(zip(columns, row))
            for row in zip(*(plain_values(frame[c]) for c in frame.columns))]


_TEXT = pa.large_string()
_NEEDS_JSON_ESCAPE = r"[\x00-\x1f]"  # what json.dumps escapes besides " and \ (RE2 syntax)


def _literals(column: pd.Series) -> pa.Array:
    """Every value of ``column`` as its JSON text, as json.dumps writes it."""
    column = column.reset_index(drop=True)
    if (pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column)
            and not column.isna().any()):
        return pa.array(column.to_numpy()).cast(_TEXT)
    if (pd.api.types.infer_dtype(column, skipna=True) != "string"
            or len(column) < 1000):
        return pa.array([json.dumps(v, ensure_ascii=False) for v in plain_values(column)], _TEXT)
    text = column.astype("str")
    missing = text.isna()
    quoted = '"' + (text.str.replace("\\", "\\\\", regex=False)
                    .str.replace('"', '\\"', regex=False)) + '"'
    odd = text.str.contains(_NEEDS_JSON_ESCAPE).fillna(False)
    # control characters: json.dumps's own escapes (\n, \u001b, ...)
    quoted = replaced(quoted.mask(missing, "null"), odd,
                      lambda v: json.dumps(v, ensure_ascii=False), text)
    return arrow_strings(quoted).combine_chunks()


def replaced(texts: pd.Series, where: pd.Series, render: Callable[[Any], str],
             source: pd.Series) -> pd.Series:
    """``texts`` with the rows ``where`` is true replaced by ``render`` of ``source``'s value
    (through numpy: pandas 3.0 refuses some masked assignments of lists)."""
    at = where.to_numpy(dtype=bool)
    if not at.any():
        return texts
    values = texts.to_numpy(dtype=object)
    values[at] = [render(v) for v in source.to_numpy(dtype=object)[at]]
    return pd.Series(values, dtype="str")


def join_text(parts: list, size: int) -> memoryview:
    """``size`` rows, each the concatenation of ``parts`` (literal strings and arrow string
    arrays of ``size`` values), end to end as UTF-8, in one arrow pass."""
    parts = [pa.scalar(p, _TEXT) if isinstance(p, str) else p for p in parts]
    rows = pc.binary_join_element_wise(*parts, pa.scalar("", _TEXT))
    if size == 0:
        return memoryview(b"")
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset:]
    start, end = int(offsets[0]), int(offsets[size])
    return memoryview(rows.buffers()[2])[start:end]


def records_json(frame: pd.DataFrame) -> str:
    """``json.dumps(plain_records(frame), ensure_ascii=False)``, written column by column."""
    if len(frame) == 0 or len(frame.columns) == 0:
        return json.dumps([{}] * len(frame))
    parts: list = []
    for j, column in enumerate(frame.columns):
        key = json.dumps(str(column), ensure_ascii=False)
        parts += ["{" + key + ": " if j == 0 else ", " + key + ": ", _literals(frame.iloc[:, j])]
    parts.append("}, ")
    text = bytes(join_text(parts, len(frame))).decode("utf-8")
    return "[" + text[:-2] + "]"
