"""Edge ends given by a node's name, and how the nodes a name may mean are shown.

In a workbook a street office fills in, an edge's 起点/终点 (``source``/``target``) may hold a
node's name instead of its id, where that name is unique in the file; an id always wins
(docs/design.md §3.2). :func:`resolve_names` looks only at the ends that are no id (a file of
ids costs nothing more) and matches them against every name in one vectorized pass; a name
that several nodes have, or a text that is neither id nor name, is reported by validation
with the nodes it may mean, each with its id and street (:func:`candidate_text`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jiceng.graphmodel.errors import MAX_CANDIDATES
from jiceng.graphmodel.schema import PLACING_EDGES

__all__ = ["NameLookup", "resolve_names", "close_names", "candidate_text", "placing_parents",
           "climb_to"]


@dataclass
class NameLookup:
    """The nodes' names as edge ends are compared with them (trimmed, NFKC-normalized as the
    ends are), and the ends whose name several nodes have: (column, edge position) -> the
    positions of those nodes."""

    names: pa.ChunkedArray
    ambiguous: dict[tuple[str, int], list[int]]


def _positions(mask: pa.ChunkedArray) -> np.ndarray:
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


def _values(texts: list[str]) -> pa.Array:
    return pa.array(texts, type=pa.large_string())


def resolve_names(names: pa.ChunkedArray, ends: dict[str, pa.ChunkedArray],
                  codes: dict[str, np.ndarray]) -> NameLookup | None:
    """Give the ends that are no node's id (code -1 in ``codes``, changed in place) the code of
    the one node with that name; None when every end is an id or empty.

    ``names`` are the nodes' names normalized as the ends are; ``ends`` the edges' ``source``
    and ``target`` columns. O(n) for the names, plus a Python step per end that is no id.

    >>> names = pa.chunked_array([["甲社区", "乙网格", "乙网格"]], type=pa.large_string())
    >>> codes = {"source": np.array([0, -1, -1]), "target": np.array([-1, 1, 2])}
    >>> ends = {"source": pa.chunked_array([["a", "甲社区", "乙网格"]]),
    ...         "target": pa.chunked_array([["x", "b", "c"]])}
    >>> found = resolve_names(names, ends, codes)
    >>> codes["source"].tolist(), found.ambiguous
    ([0, 0, -1], {('source', 2): [1, 2]})
    """
    unknown = {}
    for column, found in codes.items():
        at = np.flatnonzero((found < 0) & ends[column].is_valid().to_numpy(zero_copy_only=False))
        if len(at):  # as the names are typed (string or large_string)
            unknown[column] = (at, ends[column].take(pa.array(at)).cast(names.type))
    if not unknown:
        return None
    wanted = pc.unique(pa.chunked_array([v for _, v in unknown.values()]))
    hit = _positions(pc.is_in(names, value_set=wanted))
    hit_names = names.take(pa.array(hit)).combine_chunks()
    counted = pc.value_counts(hit_names)
    shared = counted.field("values").filter(pc.greater(counted.field("counts"), 1))
    several: dict[str, list[int]] = {}  # the names several nodes have (few): their nodes
    for position in hit[_positions(pc.is_in(hit_names, value_set=shared))].tolist():
        several.setdefault(names[position].as_py(), []).append(position)
    ambiguous = {}
    for column, (at, values) in unknown.items():
        first = pc.index_in(values, value_set=hit_names)  # the node with that name, if one
        one = pc.and_(pc.is_valid(first), pc.invert(pc.is_in(values, value_set=shared)))
        found = _positions(one)
        codes[column][at[found]] = hit[pc.take(first, pa.array(found)).to_numpy(
            zero_copy_only=False).astype(np.int64)]
        named_twice = _positions(pc.is_in(values, value_set=shared))
        for position, value in zip(at[named_twice].tolist(),
                                   values.take(pa.array(named_twice)).to_pylist()):
            ambiguous[(column, position)] = several[value]
    return NameLookup(names, ambiguous)


def close_names(names: pa.ChunkedArray, value: str, *, loose: bool = True) -> list[int]:
    """Positions of the nodes whose name ``value`` may have meant ("did you mean"): the names
    holding it (from two characters), else, with ``loose``, the closest by difflib; at most
    :data:`MAX_CANDIDATES` + 1 (so that a caller can say there are more).

    >>> close_names(pa.chunked_array([["太慈桥社区党委", "小河社区党委"]]), "太慈桥社区")
    [0]
    """
    if len(value) >= 2:
        holding = _positions(pc.match_substring(names, value))
        if len(holding):
            return holding[:MAX_CANDIDATES + 1].tolist()
    if not loose:
        return []
    every = [n for n in pc.unique(names).to_pylist() if n is not None]
    close = difflib.get_close_matches(value, every, n=3, cutoff=0.6)
    return _positions(pc.is_in(names, value_set=_values(close)))[:MAX_CANDIDATES + 1].tolist()


def candidate_text(names: list[str], ids: list[str], streets: list[str | None], more: int = 0
                   ) -> tuple[str, str]:
    """The nodes a text may mean, for a message: (Chinese, English).

    >>> zh, en = candidate_text(["第一网格", "第一网格"], ["G1", "G7"], ["油榨街道党工委", None])
    >>> print(zh)
    第一网格（编号 G1，油榨街道党工委）、第一网格（编号 G7）
    >>> print(en)
    ids G1, G7
    """
    zh = "、".join(f"{n}（编号 {i}，{s}）" if s else f"{n}（编号 {i}）"
                  for n, i, s in zip(names, ids, streets))
    en = "ids " + ", ".join(ids)
    if more:
        zh, en = f"{zh} 等（另有 {more} 个）", f"{en} and {more} more"
    return zh, en


def placing_parents(n: int, source: np.ndarray, target: np.ndarray,
                    positions_of: Callable[[str], np.ndarray]) -> np.ndarray:
    """For every node, the node its placing edge points to (-1 where none), as
    docs/design.md §5.2 says: ``within`` before ``leads`` before ``covers`` ..., the first edge
    of a kind winning. ``positions_of(kind)`` gives the positions (file order) of the edges of
    a kind."""
    parent = np.full(n, -1, dtype=np.int64)
    for kind, direction in reversed(PLACING_EDGES):
        positions = positions_of(kind)
        child, up = ((source[positions], target[positions]) if direction == "out"
                     else (target[positions], source[positions]))
        # first edge wins within a kind; earlier kinds in PLACING_EDGES overwrite later ones
        parent[child[::-1]] = up[::-1]
    return parent


def climb_to(parent: np.ndarray, node_kind: np.ndarray, kind: int, nodes: list[int]) -> list[int]:
    """For a few nodes, the first node of ``kind`` (a position in the schema) on the way up
    their placing edges, itself included (at most 16 steps; -1 where none)."""
    out = []
    for node in nodes:
        at, steps = node, 0
        while at >= 0 and node_kind[at] != kind and steps < 16:
            at, steps = int(parent[at]), steps + 1
        out.append(at if at >= 0 and node_kind[at] == kind else -1)
    return out
