"""Find nodes by id or by (part of) their Chinese name, as a planner types them.

``find_nodes`` lists the nodes of some kinds whose id or name contains a keyword;
``resolve_node`` turns what a person typed (an id, a full name or part of one) into
exactly one node, or raises an error that lists the candidates ("did you mean").
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jiceng.graphmodel import AmbiguousNodeError, ArgumentError, OrgGraph, UnknownNodeError
from jiceng.graphmodel.cells import terminal_text
from jiceng.graphmodel.errors import MAX_CANDIDATES
from jiceng.graphmodel.schema import NODE_KINDS
from jiceng.queries._places import place_names

__all__ = ["find_nodes", "resolve_node", "AmbiguousNodeError", "LIST_KINDS", "MAX_CANDIDATES"]

#: what ``jiceng list`` offers: plural word -> node kind
LIST_KINDS: dict[str, str] = {
    "districts": "district_committee",
    "streets": "street_committee",
    "communities": "community_party",
    "units": "unit_party",
}


def _one_line(text) -> str:
    """A name in a list of candidates: one line of the message, whatever it holds (a line
    break in a name would read as another candidate)."""
    return terminal_text(str(text), layout=False)


def _kind_mask(graph: OrgGraph, kinds: Sequence[str] | None) -> np.ndarray:
    if not kinds:
        return np.ones(graph.n_nodes, dtype=bool)
    for kind in kinds:
        if kind not in NODE_KINDS:
            raise ArgumentError(f"未知的节点类型 '{kind}'（unknown node kind '{kind}'）")
    return graph.is_kind(*kinds)


def find_nodes(graph: OrgGraph, kinds: Sequence[str] | None = None, keyword: str | None = None
               ) -> pd.DataFrame:
    """Nodes of ``kinds`` whose id or name contains ``keyword`` (case-insensitive), by id.

    Returns ``id, name, kind, district, district_name, street, street_name``.
    O(n) string matching over the nodes of the kinds.

    >>> from jiceng.loaders import read_sample
    >>> table = find_nodes(read_sample(), ["street_committee"], "中华北路")
    >>> table[["id", "name"]].values.tolist()
    [['S0001', '中华北路街道党工委']]
    """
    codes = np.flatnonzero(_kind_mask(graph, kinds))
    if keyword:
        needle = keyword.strip().casefold()
        ids = pd.Series(graph.node_values("id", codes), dtype=object).astype(str).str.casefold()
        names = pd.Series(graph.node_values("name", codes), dtype=object).astype(str).str.casefold()
        hit = ids.str.contains(needle, regex=False) | names.str.contains(needle, regex=False)
        codes = codes[hit.to_numpy(dtype=bool)]
    return _describe(graph, codes)


def _describe(graph: OrgGraph, codes: np.ndarray) -> pd.DataFrame:
    codes = np.asarray(codes, dtype=np.int64)
    out = {"id": graph.node_values("id", codes), "name": graph.node_values("name", codes),
           "kind": graph.nodes["kind"].astype(str).to_numpy(dtype=object)[codes]}
    for level in ("district", "street"):
        place = graph.places[level].to_numpy()[codes]
        place = np.where(place == codes, -1, place)  # a street is not in itself
        out[level], out[f"{level}_name"] = place_names(graph, place)
    frame = pd.DataFrame(out)
    return frame.sort_values("id", kind="stable").reset_index(drop=True)


def resolve_node(graph: OrgGraph, text: str, kinds: Sequence[str] | None = None) -> str:
    """The id of the one node of ``kinds`` that ``text`` names: its id (full-width forms too, as
    the loaders read ids), its full name, or a part of its name (or id) that no other node of
    those kinds shares.

    Raises :class:`AmbiguousNodeError` listing the candidates when several match, and
    :class:`UnknownNodeError` with the closest names ("did you mean") when none does.

    >>> from jiceng.loaders import read_sample
    >>> g = read_sample()
    >>> resolve_node(g, "S0001", ["street_committee"]), resolve_node(g, "中华北路", ["street_committee"])
    ('S0001', 'S0001')
    """
    text = str(text).strip()
    mask = _kind_mask(graph, kinds)
    for typed in dict.fromkeys((text, unicodedata.normalize("NFKC", text))):  # ids are read so
        try:
            if mask[graph.code(typed)]:
                return typed
        except UnknownNodeError:
            pass
    codes = np.flatnonzero(mask)
    names = pd.Series(graph.node_values("name", codes), dtype=object).astype(str)
    exact = codes[(names == text).to_numpy(dtype=bool)]
    if len(exact) == 1:
        return str(graph.nodes["id"].iat[int(exact[0])])
    if len(exact) > 1:
        raise AmbiguousNodeError(text, kinds, _describe(graph, exact))
    found = find_nodes(graph, kinds, text) if text else find_nodes(graph, kinds).iloc[:0]
    if len(found) == 1:
        return str(found["id"].iat[0])
    if len(found) > 1:
        raise AmbiguousNodeError(text, kinds, found)
    raise _unknown(text, kinds, names.tolist(), graph.node_values("id", codes))


def _unknown(text: str, kinds: Sequence[str] | None, names: list[str], ids) -> UnknownNodeError:
    what = "/".join(kinds) if kinds else None
    error = UnknownNodeError(text, what)
    close = difflib.get_close_matches(text, names, n=5, cutoff=0.4) or _close_parts(text, names)
    zh = "、".join(NODE_KINDS[k].zh for k in kinds) if kinds else "节点"
    message = f"没有找到{zh} '{text}'（unknown {what + ' ' if what else ''}node {text!r}）"
    if close:
        by_name = dict(zip(names, ids))
        message += "\n是否要找 did you mean:\n" + "\n".join(
            f"  {_one_line(by_name[n])}  {_one_line(n)}" for n in close)
    error.args = (message,)
    return error


def _close_parts(text: str, names: list[str], n: int = 5, cutoff: float = 0.5) -> list[str]:
    """Names with a part as long as ``text`` that reads nearly as it (``太兹桥`` for
    ``太慈桥街道党工委``): people type a short form, which the whole name's likeness misses.
    Only on the way to an error, O(names × name length)."""
    if not text:
        return []
    scored = []
    for name in dict.fromkeys(names):
        size = min(len(text), len(name))
        best = max(difflib.SequenceMatcher(None, text, name[at:at + size]).ratio()
                   for at in range(len(name) - size + 1))
        if best >= cutoff:
            scored.append((-best, name))
    return [name for _, name in sorted(scored)[:n]]
