"""One check for each kind of argument the public queries take.

The query functions call these first, so that a wrong type, a value out of range or
an unknown id fails at once with a clear message (Chinese first, then English)
instead of a raw ``KeyError`` from deep inside, or an answer that never comes.

>>> check_hops(3)
3
>>> as_ids("UP00001")
['UP00001']
>>> check_hops(0)
Traceback (most recent call last):
...
jiceng.graphmodel.errors.ArgumentError: hops 须为 1 到 10 的整数，而不是 0（hops must be a whole number from 1 to 10, not 0）
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np

from jiceng.graphmodel import ArgumentError, ArgumentTypeError, OrgGraph, UnknownNodeError
from jiceng.graphmodel.cells import terminal_text

__all__ = ["MAX_HOPS", "ArgumentError", "ArgumentTypeError", "check_hops", "as_ids",
           "as_edges", "check_callable", "check_ids", "list_of"]

#: The longest reach asked for. The deepest chain in the schema is a unit's tie then a
#: few ``leads`` steps down to grids and buildings, so longer paths add nothing; the limit
#: keeps a typo (``--hops 3000000``) from producing a page of hundreds of megabytes.
MAX_HOPS = 10

#: Most unknown ids searched for a close match (the search is only on the error path).
_SUGGEST_AMONG = 200_000


def check_hops(hops: object, *, name: str = "hops") -> int:
    """``hops`` as an int in 1..MAX_HOPS, or :class:`ArgumentError` saying why not."""
    if isinstance(hops, bool) or not isinstance(hops, (int, np.integer)):
        raise ArgumentTypeError(f"{name} 须为整数，而不是 {type(hops).__name__} {hops!r:.40}"
                                f"（{name} must be a whole number, not {type(hops).__name__}）")
    if not 1 <= hops <= MAX_HOPS:
        raise ArgumentError(f"{name} 须为 1 到 {MAX_HOPS} 的整数，而不是 {hops}"
                            f"（{name} must be a whole number from 1 to {MAX_HOPS}, not {hops}）")
    return int(hops)


def as_ids(value: object, *, name: str = "units") -> list[str] | None:
    """Node ids as a list: one str is one id (never iterated); None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, (bytes, dict)) or not isinstance(value, Iterable):
        raise ArgumentTypeError(f"{name} 须为编号或编号列表，而不是 {type(value).__name__}"
                                f"（{name} must be an id or a list of ids, "
                                f"not {type(value).__name__}）")
    ids = list(value)
    wrong = [v for v in ids if not isinstance(v, str)]
    if wrong:
        raise ArgumentTypeError(f"{name} 中的编号须为字符串，而不是 {type(wrong[0]).__name__} "
                                f"{wrong[0]!r:.40}（ids in {name} must be str, "
                                f"not {type(wrong[0]).__name__}）")
    return ids


def as_edges(value: object, *, name: str = "remove_edges") -> list[tuple[str, str, str]]:
    """Edges as a list of (source id, target id, kind) triples of str."""
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise ArgumentTypeError(f"{name} 须为（起点编号, 终点编号, 关系类型）三元组的列表，而不是 "
                                f"{type(value).__name__}（{name} must be a list of (source id, "
                                f"target id, kind) tuples, not {type(value).__name__}）")
    edges = list(value)
    for edge in edges:
        if isinstance(edge, (str, bytes)) or not isinstance(edge, Iterable) \
                or len(items := tuple(edge)) != 3 or not all(isinstance(v, str) for v in items):
            raise ArgumentTypeError(f"{name} 中的每条关系须为（起点编号, 终点编号, 关系类型）三个字符串，"
                                    f"而不是 {edge!r:.60}（each edge in {name} must be a (source "
                                    f"id, target id, kind) tuple of three str, not {edge!r:.60}）")
    return [tuple(edge) for edge in edges]  # type: ignore[misc]


def list_of(value: object, kind: type, *, name: str, what_zh: str, what_en: str) -> list:
    """``value`` as a list of ``kind`` (a list or tuple of them), or :class:`ArgumentTypeError`
    naming the first thing that is not one: ``{name} 须为{what_zh}，而不是 …``. A query that
    also takes a file's path or None turns those into the list before calling this."""
    listed = list(value) if isinstance(value, (list, tuple)) else None
    if listed is None or not all(isinstance(item, kind) for item in listed):
        wrong = value if listed is None else next(i for i in listed if not isinstance(i, kind))
        raise ArgumentTypeError(
            f"{name} 须为{what_zh}，而不是 {type(wrong).__name__} {wrong!r:.40}（{name} must be "
            f"{what_en}, not {type(wrong).__name__}）")
    return listed


def check_callable(value: object, *, name: str) -> None:
    """None, or something to call; :class:`ArgumentTypeError` for anything else."""
    if value is not None and not callable(value):
        raise ArgumentTypeError(f"{name} 须为可调用的函数或 None，而不是 {type(value).__name__}"
                                f"（{name} must be a callable or None, not {type(value).__name__}）")


def check_ids(graph: OrgGraph, ids: Iterable[str], kind: str | None = None) -> np.ndarray:
    """The integer codes of ``ids``; the first unknown one (or one of another kind) raises
    :class:`UnknownNodeError` naming the closest id that exists."""
    ids = list(ids)
    codes = graph.codes(ids)
    kinds = graph.nodes["kind"].to_numpy()
    for node_id, code in zip(ids, codes):
        if code < 0 or (kind is not None and kinds[code] != kind):
            raise _unknown(graph, node_id, kind)
    return np.asarray(codes, dtype=np.int64)


def _unknown(graph: OrgGraph, node_id: str, kind: str | None) -> UnknownNodeError:
    error = UnknownNodeError(node_id, kind)
    candidates = graph.nodes["id"] if kind is None else \
        graph.nodes.loc[graph.nodes["kind"] == kind, "id"]
    candidates = candidates.astype(str)
    close = candidates[candidates.str.len().between(len(node_id) - 2, len(node_id) + 2)]
    match = difflib.get_close_matches(node_id, close.head(_SUGGEST_AMONG).tolist(), n=1)
    if match:
        name = terminal_text(str(graph.nodes["name"].iat[graph.code(match[0])]), layout=False)
        error.args = (f"{error.args[0]} — 是否指 {match[0]} {name}？(did you mean {match[0]!r}?)",)
    return error
