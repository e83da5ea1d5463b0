"""Which rows of the street offices' files are one organisation (docs/design.md §8).

A row keeps its id where the id is the city's (the base has it, with the same kind); else it is
the node with its ``uscc``; else the node of its kind with its normalised name (NFKC, whitespace
removed, bracket widths unified): a row placed in its file's own street among the nodes of that
street (or of none), a row copied in from another street among the nodes of other streets. Two
rows of one file with one name pair with the nodes of that name in order, never twice with one.
What is left is a new node, with an id made from what it is (the same inputs give the same ids).

Names that are close but not equal are never matched here: :func:`near_twins` lists them for a
person to settle (a decisions file, :func:`settle`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["normalise_name", "FileRows", "match_rows", "near_twins", "settle", "REVIEW_KINDS",
           "SAME", "DIFFERENT", "member"]

#: The kinds whose close names are listed for review: the organisations that several streets'
#: files hold (grids, buildings and people repeat close names by nature: 1栋 and 11栋).
REVIEW_KINDS = ("unit", "unit_party", "property_company", "property_party", "social_org")
#: The kinds a row placed in its own street may also match among other streets' nodes: the
#: organisations several streets hold, and the Party organisations that may cover what lies in
#: several (a joint organisation, 联合党组织, placed by its first ``covers``).
SPANNING_KINDS = frozenset(REVIEW_KINDS) | {"grid_branch", "building_group", "owners_party"}
#: A decision's 结论: the two are one organisation, or two.
SAME, DIFFERENT = "同一", "不同"

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"【": "[", "】": "]", "〔": "(", "〕": ")", "〖": "[", "〗": "]"})


def normalise_name(name: str) -> str:
    """A name as matching compares it: NFKC (full-width brackets and letters to their half
    widths), every whitespace removed, the remaining CJK brackets unified.

    >>> normalise_name("中华北路 自来水公司（南区）") == normalise_name("中华北路自来水公司(南区)")
    True
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", name)).translate(_BRACKETS)


def normalised(names: pd.Series) -> np.ndarray:
    """:func:`normalise_name` of a column (each distinct name once), as an object array."""
    values = pd.Series(names, copy=False).to_numpy(dtype=object, na_value="")
    known = {name: normalise_name(str(name)) for name in pd.unique(values)}
    return np.array([known[v] for v in values], dtype=object)


@dataclass
class FileRows:
    """One submission's nodes as matching sees them: ``id, kind, norm, uscc`` (``""`` for
    none) and ``own`` (placed in the file's own street), in file order; ``street`` is the id
    of that street in the city when it is one (``""`` otherwise)."""

    rows: pd.DataFrame
    street: str


def _new_id(kind: str, norm: str, uscc: str, street: str, rank: int, taken: set[str]) -> str:
    """A new node's id, from what it is: the same row in the same files gets the same id."""
    digest = hashlib.sha1(f"{kind}\x1f{norm}\x1f{uscc}\x1f{street}\x1f{rank}".encode()).hexdigest()
    for width in (10, 16, 40):
        candidate = "N" + digest[:width].upper()
        if candidate not in taken:
            return candidate
    raise ValueError(f"id {digest} taken")  # pragma: no cover - sha1 collision


def member(values: Iterable, among: Iterable) -> np.ndarray:
    """For each of ``values``, whether it is in ``among`` (a set look-up each: far quicker than
    ``isin`` on arrow strings)."""
    known = among if isinstance(among, (set, frozenset, dict)) else set(among)
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy(dtype=object)
    values = list(values)
    return np.fromiter((v in known for v in values), dtype=bool, count=len(values))


def match_rows(base: pd.DataFrame, files: list[FileRows]) -> list[pd.DataFrame]:
    """For each file, its rows with ``final`` (the node's id) and ``by`` (``id``, ``uscc``,
    ``name`` or ``new``). ``base``: ``id, kind, norm, uscc, street`` of the city's nodes.

    Files are matched in order, each against the city and the new nodes of the files before
    it; O(n) over all rows, with hash look-ups.
    """
    ids = base["id"].to_numpy(dtype=object)
    at_key = {key: at for at, key in enumerate(zip(ids, base["kind"].to_numpy(dtype=object)))}
    groups: dict[tuple, list[tuple[str, str]]] = {}
    for node, kind, norm, street in zip(ids, base["kind"].to_numpy(dtype=object),
                                        base["norm"].to_numpy(dtype=object),
                                        base["street"].to_numpy(dtype=object)):
        groups.setdefault((kind, norm), []).append((node, street))
    usccs = base["uscc"].to_numpy(dtype=object)
    by_uscc = {u: i for u, i in zip(usccs[::-1], ids[::-1]) if u}  # the first holder
    taken = set(ids)
    matched = []
    for f in files:
        rows = f.rows.reset_index(drop=True)
        kinds = rows["kind"].to_numpy(dtype=object)
        local = rows["id"].to_numpy(dtype=object)
        final = np.array([ids[a] if (a := at_key.get(k)) is not None else None
                          for k in zip(local, kinds)], dtype=object)
        by = np.where(final != None, "id", "new").astype(object)  # noqa: E711 - object array
        for at, code in enumerate(rows["uscc"].to_numpy(dtype=object)):
            if code and final[at] is None and code in by_uscc:
                final[at], by[at] = by_uscc[code], "uscc"
        _by_name(rows, final, by, groups, f.street)
        _new_nodes(rows, final, by, f.street, taken, groups, by_uscc)
        matched.append(rows.assign(final=final, by=by))
    return matched


def _by_name(rows: pd.DataFrame, final: np.ndarray, by: np.ndarray,
             groups: dict[tuple, list[tuple[str, str]]], street: str) -> None:
    """Pair the rows still open with the nodes of their kind and name (in ``final``/``by``):
    a row of the file's own street with a node of that street (or of none), a copied row with
    a node of another street; in order, each node once per file."""
    claimed = set(final[final != None])  # noqa: E711
    owns = rows["own"].to_numpy(dtype=bool)
    kinds, norms = rows["kind"].to_numpy(dtype=object), rows["norm"].to_numpy(dtype=object)
    for at in np.flatnonzero(final == None):  # noqa: E711
        candidates = [node for node, home in groups.get((kinds[at], norms[at]), ())
                      if node not in claimed
                      and (home in (street, "") if owns[at] else home != street)]
        if not candidates and owns[at] and kinds[at] in SPANNING_KINDS:
            # an organisation of several streets (a joint Party organisation) placed here too
            candidates = [node for node, _ in groups.get((kinds[at], norms[at]), ())
                          if node not in claimed]
        if candidates:
            final[at], by[at] = candidates[0], "name"
            claimed.add(candidates[0])


def _new_nodes(rows: pd.DataFrame, final: np.ndarray, by: np.ndarray, street: str,
               taken: set[str], groups: dict[tuple, list[tuple[str, str]]],
               by_uscc: dict[str, str]) -> None:
    """Give the rows still open new ids (in ``final``), and make them known to later files."""
    seen: dict[tuple, int] = {}
    owns = rows["own"].to_numpy(dtype=bool)
    kinds, norms = rows["kind"].to_numpy(dtype=object), rows["norm"].to_numpy(dtype=object)
    codes = rows["uscc"].to_numpy(dtype=object)
    for at in np.flatnonzero(final == None):  # noqa: E711
        kind, norm, code = kinds[at], norms[at], codes[at]
        home = street if owns[at] else ""
        rank = seen[kind, norm, code, home] = seen.get((kind, norm, code, home), -1) + 1
        node = _new_id(str(kind), norm, code, home, rank, taken)
        taken.add(node)
        final[at] = node
        groups.setdefault((kind, norm), []).append((node, home))
        if code:
            by_uscc.setdefault(code, node)


def _close(a: str, b: str) -> str | None:
    """Why two different normalised names may be one organisation, or None."""
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 2 and short in long_:
        return "contains"
    if len(short) >= 4 and len(long_) - len(short) <= 2 and _within_two(a, b):
        return "edit"
    return None


def _within_two(a: str, b: str) -> bool:
    """Whether the edit distance of ``a`` and ``b`` is at most 2 (a band of the table)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > 2:
            return False
        previous = current
    return previous[-1] <= 2


def near_twins(nodes: pd.DataFrame, new_ids: Iterable[str]) -> pd.DataFrame:
    """Pairs ``a, b, kind, why`` of one kind of :data:`REVIEW_KINDS` whose normalised names
    differ but are close (one contains the other, or they differ in one or two characters), ``b``
    being a new node and ``a`` a node of the city or a new one before it. ``nodes``: ``id,
    kind, norm`` of every node of the result, in order. O(new × nodes of its kind)."""
    fresh = set(new_ids)
    rows = []
    review = nodes[nodes["kind"].astype(str).isin(REVIEW_KINDS)]
    for kind, group in review.groupby(review["kind"].astype(str), sort=True):
        ids = group["id"].to_list()
        norms = group["norm"].to_list()
        for j, (b, nb) in enumerate(zip(ids, norms)):
            if b not in fresh:
                continue
            for a, na in zip(ids[:j], norms[:j]):
                why = na != nb and _close(na, nb)
                if why:
                    rows.append((a, b, kind, why))
    return pd.DataFrame(rows, columns=["a", "b", "kind", "why"])


def settle(review: pd.DataFrame, decisions: pd.DataFrame, names: dict[str, str]
           ) -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame]:
    """Apply ``decisions`` (``a, b, decision``: ids or names, 同一 or 不同) to ``review``.

    Returns the ids to merge (``b`` → the node that stays: ``a``), the review left open and the
    pairs settled (``a, b, decision``). A decision matches a pair by its ids or by its names
    (normalised), either way round.
    """
    wanted: dict[frozenset, str] = {}
    for a, b, decision in decisions[["a", "b", "decision"]].itertuples(index=False, name=None):
        wanted[frozenset((normalise_name(str(a)), normalise_name(str(b))))] = decision
    merge: dict[str, str] = {}
    keep, settled = [], []
    for pair in review.itertuples(index=False):
        decision = wanted.get(frozenset((pair.a, pair.b))) or wanted.get(
            frozenset((normalise_name(names[pair.a]), normalise_name(names[pair.b]))))
        if decision is None:
            keep.append(True)
            continue
        keep.append(False)
        settled.append((pair.a, pair.b, decision))
        if decision == SAME:
            merge.setdefault(pair.b, merge.get(pair.a, pair.a))
    for b, a in list(merge.items()):  # chains: c → b → a
        while a in merge:
            a = merge[a]
        merge[b] = a
    left = review[np.array(keep, dtype=bool)]
    left = left[~member(left["a"], merge) & ~member(left["b"], merge)]  # one of them is gone
    return (merge, left.reset_index(drop=True),
            pd.DataFrame(settled, columns=["a", "b", "decision"]))
