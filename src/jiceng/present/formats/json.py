"""A report's data as JSON, for programs (the objects of docs/design.md §6)."""

from __future__ import annotations

import json

import pandas as pd

from jiceng.queries.records import plain_records, records_json

__all__ = ["to_json"]

_INDENT_UP_TO = 20_000  # records; larger objects are written on one line (C encoder, ~5× faster)


def to_json(data: dict | list) -> str:
    """``data`` as JSON: indented for reading, or on one line when it is large.

    Tables among the values of ``data`` are lists of records; large ones are written column
    by column (:func:`jiceng.queries.records.records_json`), the same text json.dumps writes.
    """
    parts = data.values() if isinstance(data, dict) else [data]
    size = sum(len(v) for v in parts if isinstance(v, (list, dict, pd.DataFrame)))
    if size <= _INDENT_UP_TO or not isinstance(data, dict):
        if isinstance(data, dict):
            data = {k: plain_records(v) if isinstance(v, pd.DataFrame) else v
                    for k, v in data.items()}
        return json.dumps(data, ensure_ascii=False, indent=2 if size <= _INDENT_UP_TO else None,
                          default=_json_default)
    return "{" + ", ".join(
        json.dumps(str(k), ensure_ascii=False) + ": "
        + (records_json(v) if isinstance(v, pd.DataFrame)
           else json.dumps(v, ensure_ascii=False, default=_json_default))
        for k, v in data.items()) + "}"


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")
