"""Validation of raw node and edge tables, written once: one list of checks read from the schema.

The raw tables are what a loader read: every cell a string or missing, plus (optionally) a
``_row`` column with the row number as a spreadsheet shows it.

:func:`check_tables` normalizes every column once (trim, empty -> missing, and NFKC for the
columns that are matched or read: :func:`nfkc_columns`; in arrow for plain text), reads
numeric attributes once, codes kinds and node ids once, then runs every :class:`Check` of
:func:`checks`. A check's ``find`` is a vectorized boolean mask over
one table's rows, and its ``say`` writes the messages of the masked rows only; valid data
never reaches a message, and invalid data gets every problem in one pass. The parts with a
fast and a general way (normalization, numbers, id lookup) give the same values either way;
tests/test_validation_paths.py runs each way and a per-row reference on corrupted datasets.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jiceng.graphmodel.arrowtext import (
    LONGEST_PACKED,
    Numbers,
    array_chunks,
    has_nfkc_suspects,
    longest_bytes,
    needs_trim,
    plain_digits,
    read_numbers,
    string_buffers,
)
from jiceng.graphmodel.endpoints import (
    NameLookup,
    candidate_text,
    climb_to,
    close_names,
    placing_parents,
    resolve_names,
)
from jiceng.graphmodel.errors import MAX_CANDIDATES, Problem, ProblemCode
from jiceng.graphmodel.idtable import IdTable
from jiceng.graphmodel.schema import (
    EDGE_KINDS,
    NODE_KINDS,
    NUMERIC_ATTRIBUTES,
    REQUIRED_EDGE_COLUMNS,
    REQUIRED_NODE_COLUMNS,
)
from jiceng.graphmodel.uscc import uscc_invalid, uscc_problem

__all__ = ["normalize_text", "nfkc_columns", "check_tables", "checks", "Check", "CheckedTables",
           "ROW", "USCC",
           "arrow_strings", "plain_digits"]

#: Name of the column that carries each row's spreadsheet row number (a NUL in it: no heading
#: a loader accepts can be called so, and a user's ``_row`` column stays an attribute).
ROW = "\x00row"
#: The attribute holding a unified social credit code (统一社会信用代码; docs/design.md §3.2).
USCC = "uscc"


def nfkc_columns() -> set[str]:
    """The columns whose text is NFKC-normalized: what is matched or read as a number (ids,
    kinds, numeric and enumerated attributes), where Excel's full-width ``"００７"`` means the
    id ``007``. Names and other attributes keep their characters: ``（南校区）`` stays."""
    return {*REQUIRED_NODE_COLUMNS, *REQUIRED_EDGE_COLUMNS, *NUMERIC_ATTRIBUTES, USCC,
            *(attribute for kind in NODE_KINDS.values() for attribute in kind.enums)} - {"name"}


def normalize_text(table: pd.DataFrame) -> pd.DataFrame:
    """Trim every text cell, NFKC-normalize those of :func:`nfkc_columns`; empty cells
    become missing.

    Full-width digits, letters and spaces that Excel on Chinese systems produces become
    their plain forms in ids, kinds and numbers, so ``"００７　"`` reads as ``"007"``.

    >>> normalize_text(pd.DataFrame({"id": ["００７　", " ", "a"], "name": ["（南）", "", "b "]}))
        id name
    0  007  （南）
    1  NaN  NaN
    2    a    b
    """
    keys = nfkc_columns()
    out = {}
    for column in table.columns:
        values = table[column]
        if column == ROW:
            out[column] = values
            continue
        values = values.astype("str")
        wide = _may_change_under_nfkc(values) if column in keys else None
        if wide is not None and wide.any():
            values = values.copy()
            values[wide] = values[wide].str.normalize("NFKC")
        values = values.str.strip()
        out[column] = values.mask(values == "")
    return pd.DataFrame(out, index=table.index)


# Text made only of ASCII and CJK Unified Ideographs (U+4E00..U+9FFF) is unchanged by NFKC:
# neither has a decomposition nor composes with a neighbour. Only the rest (full-width forms,
# punctuation, combining marks, compatibility ideographs ...) goes through Python's NFKC.
_NFKC_SUSPECT = r"[^\x{00}-\x{7f}\x{4e00}-\x{9fff}]"


_TEXT_TYPES = (pa.string(), pa.large_string())


def _arrow_text(dtype) -> bool:
    """Whether a column holds arrow's text as it lies: pandas' ``str`` on pyarrow, or an arrow
    string column (``pd.ArrowDtype``) as the CSV reader hands it on."""
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    return isinstance(dtype, pd.ArrowDtype) and dtype.pyarrow_dtype in _TEXT_TYPES


def arrow_strings(values: pd.Series) -> pa.ChunkedArray:
    """A text column as a string or large_string arrow array (zero-copy when it is
    pyarrow-backed).

    Through the arrow protocol (``__arrow_array__``) of pandas' string arrays; any other
    column (objects, numbers an unusual reader produced) is converted cell by cell.
    """
    array = values.array
    if isinstance(values.dtype, pd.StringDtype) or _arrow_text(values.dtype):
        arrow = array.__arrow_array__()  # type: ignore[attr-defined]
        if isinstance(arrow, pa.Array):
            arrow = pa.chunked_array([arrow])
        if arrow.type not in _TEXT_TYPES:
            arrow = arrow.cast(pa.large_string())
        return arrow
    return pa.chunked_array([pa.array(values.astype("str").to_numpy(dtype=object),
                                      type=pa.large_string(), from_pandas=True)])


def _may_change_under_nfkc(values: pd.Series) -> pd.Series:
    """Boolean mask of the cells that NFKC might change (False for missing cells)."""
    suspect = pc.fill_null(pc.match_substring_regex(arrow_strings(values), _NFKC_SUSPECT), False)
    return pd.Series(suspect.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


# ------------------------------------------------------------------ fast path
def _normalized_chunk(chunk: pa.Array, nfkc: bool) -> pa.Array | None:
    """Trim and empty -> null for one chunk; None when it is to be NFKC-normalized and NFKC
    might change a cell."""
    if chunk.null_count == len(chunk):
        return chunk
    offsets, data = string_buffers(chunk)
    other = has_nfkc_suspects(data)  # a character besides ASCII and common ideographs
    if other and nfkc:
        return None
    if other or needs_trim(offsets, data):  # other: it may be a space needs_trim can't see
        chunk = pc.utf8_trim_whitespace(chunk)
        offsets, data = string_buffers(chunk)
    if np.count_nonzero(offsets[1:] != offsets[:-1]) != len(chunk) - chunk.null_count:
        empty = pc.equal(pc.binary_length(chunk), 0)
        chunk = pc.if_else(empty, pa.scalar(None, chunk.type), chunk)
    return chunk


def _normalized_arrow(values: pd.Series, column: str) -> pa.ChunkedArray:
    """What :func:`normalize_text` does to a column, in arrow: trim, empty -> null, NFKC.

    Text of ASCII and common CJK ideographs only (all of a generated or typical dataset)
    is unchanged by NFKC and only needs trimming where a cell starts or ends with a space;
    a column of :func:`nfkc_columns` with any other character goes through
    :func:`normalize_text` itself.
    """
    nfkc = column in nfkc_columns()
    if not _arrow_text(values.dtype):
        values = values.astype("str")
    array = arrow_strings(values)
    chunks = []
    for chunk in array_chunks(array):
        done = _normalized_chunk(chunk, nfkc)
        if done is None:
            return arrow_strings(normalize_text(pd.DataFrame({column: values}))[column])
        chunks.append(done)
    return pa.chunked_array(chunks, type=array.type)


def _packed_codes(ids: pa.ChunkedArray, references: list[pa.ChunkedArray]
                  ) -> list[np.ndarray] | None:
    """Codes (row positions in ``ids``) of every reference (-1 where unknown), by packed integers.

    The usual case: ids of up to 24 bytes, all present and distinct, looked up in one table
    (:class:`~jiceng.graphmodel.idtable.IdTable`). None when that cannot answer (a long id, a
    missing cell, a repeated id): then :func:`_string_codes` answers, with the same result.
    """
    if ids.null_count or any(r.null_count for r in references):
        return None
    longest = longest_bytes(ids)
    if longest > LONGEST_PACKED:
        return None
    table = IdTable.build(ids, max(1, -(-longest // 8)))
    if table is None:
        return None
    out = []
    for reference in references:
        codes = table.codes(reference)
        if codes is None:
            return None
        out.append(codes)
    return out


def _string_codes(ids: pa.ChunkedArray, references: list[pa.ChunkedArray]
                  ) -> tuple[list[np.ndarray], np.ndarray]:
    """Codes of every reference (-1 where unknown or missing) and, for every node row, the
    row of the first node with its id (-1 where the id is missing), by string hashing."""
    text = pd.Series(pd.array(ids, dtype=_STR))
    present = text.notna().to_numpy()
    first = present & ~text.duplicated(keep="first").to_numpy()
    keep = np.flatnonzero(first)
    index = pd.Index(text.array[keep])
    first_row = np.full(len(text), -1, dtype=np.int64)
    first_row[present] = keep[index.get_indexer(text.array[present])]
    codes = []
    for reference in references:
        found = index.get_indexer(pd.array(reference, dtype=_STR)).astype(np.int64)
        codes.append(np.where(found >= 0, keep[np.maximum(found, 0)], -1))
    return codes, first_row


_PEELING_ROUNDS = 64  # deeper hierarchies than this are checked by scipy


def _on_cycle(source: np.ndarray, target: np.ndarray, n: int) -> np.ndarray:
    """Which edges lie on a directed cycle (strongly connected components; self-loops too).

    A hierarchy is first peeled from its roots, a level per round; when nothing is left it
    has no cycle, and scipy (slow to import) is needed only for what remains.
    """
    alive = np.ones(len(source), dtype=bool)
    for _ in range(_PEELING_ROUNDS):
        entered = np.bincount(target[alive], minlength=n) > 0
        peeled = alive & ~entered[source]  # edges out of nodes no remaining edge enters
        if not peeled.any():
            break
        alive &= ~peeled
    if not alive.any():
        return alive
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    matrix = csr_matrix((np.ones(len(source), dtype=np.int8), (source, target)), shape=(n, n))
    _, labels = connected_components(matrix, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=n)
    return (labels[source] == labels[target]) & ((sizes[labels[source]] > 1) | (source == target))


# ------------------------------------------------------------------ the checks
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # what dtype="str" is


@dataclass
class _Tables:
    """What every check reads: the normalized columns, kind and node codes, row numbers."""

    files: dict[str, str]
    text: dict[str, dict[str, pa.ChunkedArray]]
    numbers: dict[str, dict[str, Numbers]]
    rows: dict[str, np.ndarray]
    node_kind: np.ndarray  # position in the schema, -1 where unknown or missing
    edge_kind: np.ndarray
    source: np.ndarray  # node codes, -1 where unknown or missing
    target: np.ndarray
    first_row: np.ndarray | None  # per node, the first node with its id; None: ids all distinct
    cache: dict = field(default_factory=dict)  # what several checks share
    names: NameLookup | None = None  # edge ends given by name; None: every end is an id or empty

    def values(self, table: str, column: str, positions: np.ndarray) -> list:
        """The normalized text of some cells (None where missing)."""
        return self.text[table][column].take(pa.array(positions)).to_pylist()

    def row(self, table: str, position: int) -> int:
        return int(self.rows[table][position])


Message = tuple[str, str]  # (Chinese, English)


@dataclass(frozen=True)
class Check:
    """One rule of the schema over one table.

    ``find`` returns a boolean mask over the table's rows (vectorized; the only part that
    runs on valid data), ``say`` the (Chinese, English) message of each masked row, given
    their positions. ``column`` names the column the message points at, ``code`` what is
    wrong (:class:`~jiceng.graphmodel.errors.ProblemCode`).
    """

    name: str
    table: str  # "nodes" or "edges"
    column: str
    code: ProblemCode
    find: Callable[[_Tables], np.ndarray]
    say: Callable[[_Tables, np.ndarray], list[Message]]


def _suggest(value: str, choices) -> Message:
    return _suggestion(value, tuple(choices))


@functools.lru_cache(maxsize=4096)  # a wrong value usually repeats down a column
def _suggestion(value: str, choices: tuple[str, ...]) -> Message:
    close = [c for c in choices if c.casefold() == value.casefold()][:1] or \
        difflib.get_close_matches(value, choices, n=1)  # UNIT_PARTY: unit_party
    return ((f"，是否为 {close[0]!r}？", f"; did you mean {close[0]!r}?") if close else ("", ""))


def _required(table: str, column: str) -> Check:
    return Check(
        f"required:{table}.{column}", table, column, ProblemCode.MISSING_VALUE,
        lambda t: t.text[table][column].is_null().to_numpy(zero_copy_only=False),
        lambda t, at: [(f"必填列 {column} 为空", f"{column} is empty")] * len(at))


def _unknown_kind(table: str, vocabulary: dict, zh: str, en: str) -> Check:
    def find(t: _Tables) -> np.ndarray:
        codes = t.node_kind if table == "nodes" else t.edge_kind
        return (codes < 0) & t.text[table]["kind"].is_valid().to_numpy(zero_copy_only=False)

    def say(t: _Tables, at: np.ndarray) -> list[Message]:
        out = []
        for value in t.values(table, "kind", at):
            hint_zh, hint_en = _suggest(value, vocabulary)
            out.append((f"未知的{zh} {value!r}{hint_zh}", f"unknown {en} {value!r}{hint_en}"))
        return out

    return Check(f"kind:{table}", table, "kind", ProblemCode.BAD_KIND, find, say)


_WHY = {"not_number": ("不是数字", "is not a number"), "negative": ("是负数", "is negative"),
        "fractional": ("不是整数", "is not a whole number")}


def _number(table: str, column: str, why: str) -> Check:
    zh, en = _WHY[why]
    return Check(
        f"number:{table}.{column}:{why}", table, column, ProblemCode.BAD_NUMBER,
        lambda t: getattr(t.numbers[table][column], why),
        lambda t, at: [(f"{column} {v!r} {zh}，应为 ≥ 0 的整数",
                        f"{column} {v!r} {en} (expected a whole number ≥ 0)")
                       for v in t.values(table, column, at)])


def _enum(kind_id: str, attribute: str) -> Check:
    def find(t: _Tables) -> np.ndarray:
        kind = NODE_KINDS[kind_id]
        text = t.text["nodes"][attribute]
        known = pc.is_in(text, value_set=pa.array(list(kind.enums[attribute]), type=text.type))
        bad = pc.and_(pc.is_valid(text), pc.invert(known)).to_numpy(zero_copy_only=False)
        return bad & (t.node_kind == list(NODE_KINDS).index(kind_id))

    def say(t: _Tables, at: np.ndarray) -> list[Message]:
        kind = NODE_KINDS[kind_id]
        values = kind.enums[attribute]
        listed = ", ".join(values)
        out = []
        for value in t.values("nodes", attribute, at):
            hint_zh, hint_en = _suggest(value, values)
            out.append((f"{kind.zh}的 {attribute} 值 {value!r} 未知，应为 {listed} 之一{hint_zh}",
                        f"unknown {kind.en} {attribute} {value!r} (expected one of {listed})"
                        f"{hint_en}"))
        return out

    return Check(f"enum:{kind_id}.{attribute}", "nodes", attribute, ProblemCode.BAD_VALUE, find,
                 say)


def _duplicate_ids() -> Check:
    def find(t: _Tables) -> np.ndarray:
        if t.first_row is None:
            return np.zeros(len(t.rows["nodes"]), dtype=bool)
        return (t.first_row >= 0) & (t.first_row != np.arange(len(t.first_row)))

    def say(t: _Tables, at: np.ndarray) -> list[Message]:
        assert t.first_row is not None
        return [(f"重复的节点编号 {i!r}，首次出现在第 {t.row('nodes', f)} 行",
                 f"duplicate node id {i!r} (first on row {t.row('nodes', f)})")
                for i, f in zip(t.values("nodes", "id", at), t.first_row[at])]

    return Check("duplicate-id", "nodes", "id", ProblemCode.DUPLICATE_ID, find, say)


_SUGGESTED = 10  # unknown ends per column given "did you mean" (difflib reads every name)


def _resolve_names(text: dict[str, dict[str, pa.ChunkedArray]], codes: list[np.ndarray]
                   ) -> NameLookup | None:
    """Edge ends that are a node's name rather than its id (docs/design.md §3.2), the names
    normalized as the ends are."""
    if not any((c < 0).any() for c in codes):
        return None
    names = normalize_text(pd.DataFrame({"id": pd.Series(pd.array(text["nodes"]["name"],
                                                                  dtype=_STR))}))["id"]
    return resolve_names(arrow_strings(names), {c: text["edges"][c] for c in ("source", "target")},
                         dict(zip(("source", "target"), codes)))


def _candidates(t: _Tables, nodes: list[int]) -> Message:
    """The nodes a text may mean, each with its id and street, for a message."""
    if "parents" not in t.cache:
        known = (t.source >= 0) & (t.target >= 0)
        t.cache["parents"] = placing_parents(
            len(t.node_kind), t.source, t.target,
            lambda kind: np.flatnonzero(known & (t.edge_kind == list(EDGE_KINDS).index(kind))))
    shown = nodes[:MAX_CANDIDATES]
    streets = climb_to(t.cache["parents"], t.node_kind, list(NODE_KINDS).index("street_committee"),
                       shown)
    named = t.values("nodes", "name", np.array([max(s, 0) for s in streets], dtype=np.int64))
    return candidate_text(t.values("nodes", "name", np.array(shown)),
                          t.values("nodes", "id", np.array(shown)),
                          [n if s >= 0 else None for n, s in zip(named, streets)],
                          more=len(nodes) - len(shown))


def _uscc() -> Check:
    """docs/design.md §3.2: a unified social credit code's check character is verified."""
    def find(t: _Tables) -> np.ndarray:
        text = t.text["nodes"][USCC]
        at = np.flatnonzero(text.is_valid().to_numpy(zero_copy_only=False))  # only cells filled in
        mask = np.zeros(len(text), dtype=bool)
        mask[at] = uscc_invalid(text.take(pa.array(at)))
        return mask

    def say(t: _Tables, at: np.ndarray) -> list[Message]:
        return [(f"统一社会信用代码 {v!r} 有误：{uscc_problem(v)}",
                 f"{v!r} is no unified social credit code (GB 32100-2015: 18 digits and capital "
                 "letters but I, O, Z, S, V, the last a check character of the others)")
                for v in t.values("nodes", USCC, at)]

    return Check("uscc", "nodes", USCC, ProblemCode.BAD_USCC, find, say)


def _ambiguous_at(t: _Tables, column: str) -> list[int]:  # ends naming several nodes
    return [] if t.names is None else [p for c, p in t.names.ambiguous if c == column]


def _unknown_node(column: str) -> Check:
    def find(t: _Tables) -> np.ndarray:
        codes = t.source if column == "source" else t.target
        mask = (codes < 0) & t.text["edges"][column].is_valid().to_numpy(zero_copy_only=False)
        mask[_ambiguous_at(t, column)] = False  # said by the check of ambiguous names
        return mask

    def say(t: _Tables, at: np.ndarray) -> list[Message]:
        nodes_file = t.files["nodes"]
        out = []
        for number, value in enumerate(t.values("edges", column, at)):
            close = (close_names(t.names.names, value, loose=number < _SUGGESTED // 2)
                     if t.names is not None and number < _SUGGESTED else [])
            zh = en = ""
            if close:
                shown_zh, shown_en = _candidates(t, close)
                zh, en = f"；是否为：{shown_zh}", f"; did you mean: {shown_en}"
            out.append((f"未知的节点 {value!r}，{nodes_file} 中没有这个编号，也没有这个名称{zh}",
                        f"unknown node {value!r} (not in {nodes_file}){en}"))
        return out

    return Check(f"unknown-node:{column}", "edges", column, ProblemCode.UNKNOWN_ENDPOINT, find,
                 say)


def _ambiguous_name(column: str) -> Check:
    def find(t: _Tables) -> np.ndarray:
        mask = np.zeros(len(t.edge_kind), dtype=bool)
        mask[_ambiguous_at(t, column)] = True
        return mask

    def say(t: _Tables, at: np.ndarray) -> list[Message]:
        assert t.names is not None
        out = []
        for position, value in zip(at, t.values("edges", column, at)):
            nodes = t.names.ambiguous[(column, int(position))]
            zh, en = _candidates(t, nodes)
            out.append((f"名称 {value!r} 对应 {len(nodes)} 个节点，请改填其中一个的编号：{zh}",
                        f"the name {value!r} names {len(nodes)} nodes; give the id of one: {en}"))
        return out

    return Check(f"ambiguous-name:{column}", "edges", column, ProblemCode.AMBIGUOUS_ENDPOINT,
                 find, say)


def _allowed_cubes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean lookups by schema position: allowed[edge, source, target], and which node kinds
    may be the source (from[edge, source]) or the target (to[edge, target]) of an edge kind."""
    node_at = {k: i for i, k in enumerate(NODE_KINDS)}
    allowed = np.zeros((len(EDGE_KINDS), len(NODE_KINDS), len(NODE_KINDS)), dtype=bool)
    for e, kind in enumerate(EDGE_KINDS.values()):
        for s, t in kind.pairs():
            allowed[e, node_at[s], node_at[t]] = True
    return allowed, np.asarray(allowed.any(axis=2)), np.asarray(allowed.any(axis=1))


def _endpoint_masks(t: _Tables) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges whose kinds of endpoints the schema forbids: both endpoints known, only the
    source known, only the target known (an unknown endpoint is reported by itself).
    Computed once for the three checks that read it."""
    if "endpoints" in t.cache:
        return t.cache["endpoints"]
    allowed, from_, to = _allowed_cubes()
    kind, source, target = t.edge_kind, t.source, t.target
    no = np.zeros(len(kind), dtype=bool)
    if (len(kind) and kind.min() >= 0 and source.min() >= 0 and target.min() >= 0
            and t.node_kind.min() >= 0):  # the usual case: one lookup, in small integers
        small = np.int16 if allowed.size < 1 << 15 else np.int32
        node_kind, kinds = t.node_kind.astype(small), len(NODE_KINDS)
        at = (kind.astype(small) * kinds + node_kind[source]) * kinds + node_kind[target]
        found = (~allowed.ravel()[at], no, no)
    else:
        node_kind = t.node_kind if len(t.node_kind) else np.full(1, -1)
        source_kind = np.where(source >= 0, node_kind[np.maximum(source, 0)], -1)
        target_kind = np.where(target >= 0, node_kind[np.maximum(target, 0)], -1)
        k, s, g = np.maximum(kind, 0), np.maximum(source_kind, 0), np.maximum(target_kind, 0)
        known_kind, known_s, known_t = kind >= 0, source_kind >= 0, target_kind >= 0
        found = (known_kind & known_s & known_t & ~allowed[k, s, g],
                 known_kind & known_s & (target < 0) & ~from_[k, s],
                 known_kind & known_t & (source < 0) & ~to[k, g])
    t.cache["endpoints"] = found
    return found


def _zh_kind(kind: str) -> str:
    return NODE_KINDS[kind].zh if kind in NODE_KINDS else kind


def _endpoints(which: int) -> Check:
    def find(t: _Tables) -> np.ndarray:
        return _endpoint_masks(t)[which]

    def say(t: _Tables, at: np.ndarray) -> list[Message]:
        node_kinds, edge_kinds = list(NODE_KINDS), list(EDGE_KINDS)
        out = []
        sources, targets = t.values("edges", "source", at), t.values("edges", "target", at)
        for position, s, g in zip(at, sources, targets):
            kind = EDGE_KINDS[edge_kinds[t.edge_kind[position]]]
            sk = node_kinds[t.node_kind[t.source[position]]] if s is not None and which < 2 else ""
            tk = node_kinds[t.node_kind[t.target[position]]] if g is not None and which != 1 else ""
            if which == 0:
                pairs = ", ".join(f"{a}→{b}" for a, b in kind.pairs())
                out.append((f"{kind.zh}（{kind.id}）关系不能从{_zh_kind(sk)} {s!r} 指向"
                            f"{_zh_kind(tk)} {g!r}，允许：{pairs}",
                            f"a {kind.id} edge may not go from {sk} {s!r} to {tk} {g!r} "
                            f"(allowed: {pairs})"))
            elif which == 1:
                ends = ", ".join(dict.fromkeys(a for a, _ in kind.pairs()))
                out.append((f"{kind.zh}（{kind.id}）关系不能从{_zh_kind(sk)} {s!r} 出发，"
                            f"允许的起点：{ends}",
                            f"a {kind.id} edge may not start at {sk} {s!r} (allowed sources: {ends})"))
            else:
                ends = ", ".join(dict.fromkeys(b for _, b in kind.pairs()))
                out.append((f"{kind.zh}（{kind.id}）关系不能指向{_zh_kind(tk)} {g!r}，"
                            f"允许的终点：{ends}",
                            f"a {kind.id} edge may not end at {tk} {g!r} (allowed targets: {ends})"))
        return out

    return Check(("endpoints", "endpoints:source", "endpoints:target")[which], "edges", "kind",
                 ProblemCode.BAD_ENDPOINT, find, say)


def _of_kind(t: _Tables, kind_id: str) -> np.ndarray:
    """Positions of the edges of one kind whose endpoints are both known."""
    return np.flatnonzero((t.edge_kind == list(EDGE_KINDS).index(kind_id))
                          & (t.source >= 0) & (t.target >= 0))


def _one_per_source(kind_id: str) -> Check:
    def find(t: _Tables) -> np.ndarray:
        mask = np.zeros(len(t.edge_kind), dtype=bool)
        at = np.flatnonzero((t.edge_kind == list(EDGE_KINDS).index(kind_id)) & (t.source >= 0))
        if len(at) and (np.bincount(t.source[at]) > 1).any():
            mask[at[pd.Series(t.source[at]).duplicated(keep="first").to_numpy()]] = True
        return mask

    def say(t: _Tables, at: np.ndarray) -> list[Message]:
        kind = EDGE_KINDS[kind_id]
        all_at = np.flatnonzero((t.edge_kind == list(EDGE_KINDS).index(kind_id)) & (t.source >= 0))
        sources, first = np.unique(t.source[all_at], return_index=True)  # first edge of each source
        before = all_at[first[np.searchsorted(sources, t.source[at])]]
        first_targets = t.values("edges", "target", before)
        out = []
        for s, g, f_target, f_at in zip(t.values("edges", "source", at), t.values("edges", "target", at),
                                        first_targets, before):
            f_row = t.row("edges", int(f_at))
            out.append((f"{s!r} 已有一条{kind.zh}（{kind.id}）关系指向 {f_target!r}（第 {f_row} 行），"
                        f"又指向 {g!r}；每个节点至多一条",
                        f"{s!r} is the source of two {kind.id} edges: to {f_target!r} (row {f_row}) "
                        f"and to {g!r}; a node may have one only"))
        return out

    return Check(f"one-per-source:{kind_id}", "edges", "source", ProblemCode.ONE_PER_SOURCE,
                 find, say)


def _acyclic(kind_id: str) -> Check:
    def find(t: _Tables) -> np.ndarray:
        mask = np.zeros(len(t.edge_kind), dtype=bool)
        at = _of_kind(t, kind_id)
        if len(at):
            mask[at] = _on_cycle(t.source[at], t.target[at], len(t.node_kind))
        return mask

    def say(t: _Tables, at: np.ndarray) -> list[Message]:
        kind = EDGE_KINDS[kind_id]
        return [(f"这条{kind.zh}（{kind.id}）关系 {a} → {b} 处在{kind.zh}关系构成的环中",
                 f"this {kind.id} edge {a} → {b} is part of a cycle of {kind.id} edges")
                for a, b in zip(t.values("edges", "source", at), t.values("edges", "target", at))]

    return Check(f"acyclic:{kind_id}", "edges", "target", ProblemCode.CYCLE, find, say)


def checks(node_columns: Iterable[str] = (), edge_columns: Iterable[str] = ()) -> list[Check]:
    """Every check the schema asks for, on tables with these columns, read from the schema now.

    >>> [c.name for c in checks()][:3]
    ['required:nodes.id', 'required:nodes.kind', 'required:nodes.name']
    """
    node_columns, edge_columns = list(node_columns), list(edge_columns)
    out = [_required("nodes", c) for c in REQUIRED_NODE_COLUMNS]
    out += [_required("edges", c) for c in REQUIRED_EDGE_COLUMNS]
    out += [_unknown_kind("nodes", NODE_KINDS, "节点类型", "node kind"),
            _unknown_kind("edges", EDGE_KINDS, "关系类型", "edge kind")]
    for table, columns in (("nodes", node_columns), ("edges", edge_columns)):
        out += [_number(table, c, why) for c in NUMERIC_ATTRIBUTES if c in columns for why in _WHY]
    out += [_enum(kind.id, attribute) for kind in NODE_KINDS.values() for attribute in kind.enums
            if attribute in node_columns]
    out += [_uscc()] if USCC in node_columns else []
    out += [_duplicate_ids(), _unknown_node("source"), _unknown_node("target"),
            _ambiguous_name("source"), _ambiguous_name("target")]
    out += [_endpoints(which) for which in range(3)]
    out += [_one_per_source(k.id) for k in EDGE_KINDS.values() if k.one_per_source]
    out += [_acyclic(k.id) for k in EDGE_KINDS.values() if k.acyclic]
    return out


@dataclass
class CheckedTables:
    """Raw tables checked against the schema: the problems, and when there are none, the
    normalized and typed columns ready to become an :class:`~jiceng.graphmodel.OrgGraph`.

    ``node_columns``/``edge_columns`` map every column (file order, ``_row`` left out) but
    those given as codes to a Series ("str", or ``Int64`` for numeric attributes);
    ``node_kind``/``edge_kind`` are the kinds' positions in the schema, ``source``/``target``
    the edges' node codes.
    """

    problems: list[Problem]
    node_columns: dict[str, pd.Series]
    edge_columns: dict[str, pd.Series]
    node_kind: np.ndarray
    edge_kind: np.ndarray
    source: np.ndarray
    target: np.ndarray
    #: False: tables handed over (``consume``) had a problem that could not be told, its text
    #: let go; the caller checks them again, read anew, without ``consume``
    told: bool = True

    @property
    def n_nodes(self) -> int:
        return len(self.node_kind)


def _kind_codes(array: pa.ChunkedArray, vocabulary: dict) -> np.ndarray:
    found = pc.index_in(array, value_set=pa.array(list(vocabulary), type=array.type))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int16)


def _spreadsheet_rows(table: pd.DataFrame) -> np.ndarray:
    if ROW in table.columns:
        return table[ROW].to_numpy(dtype=np.int64)
    return np.arange(2, len(table) + 2, dtype=np.int64)


#: What a column whose every cell was coded or read cannot have: a check of these on such a
#: column finds nothing (see ``consume`` in :func:`check_tables`)
_SETTLED_BY_CODES = {ProblemCode.MISSING_VALUE, ProblemCode.BAD_KIND, ProblemCode.BAD_NUMBER,
                     ProblemCode.UNKNOWN_ENDPOINT, ProblemCode.AMBIGUOUS_ENDPOINT}


def _missing_columns(frames: dict[str, pd.DataFrame], files: dict[str, str]) -> list[Problem]:
    problems = []
    for table, required in (("nodes", REQUIRED_NODE_COLUMNS), ("edges", REQUIRED_EDGE_COLUMNS)):
        missing = [c for c in required if c not in frames[table].columns]
        if missing:
            names = ", ".join(repr(c) for c in missing)
            problems.append(Problem(
                files[table], None, None,
                f"缺少必填列 {names}，表头应包含 {', '.join(required)}",
                f"missing required column{'s' if len(missing) > 1 else ''} {names} "
                f"(the header row must name {', '.join(required)})",
                code=ProblemCode.MISSING_COLUMN))
    return problems


def check_tables(nodes: pd.DataFrame, edges: pd.DataFrame, *, nodes_file: str = "nodes",
                 edges_file: str = "edges", consume: bool = False) -> CheckedTables:
    """Normalize raw tables of text and run every check of :func:`checks` on them.

    Each check finds its rows with a vectorized mask; messages are written only for the
    rows found, so valid tables cost a few arrow and numpy passes, O(n + m), and invalid
    ones get every problem at once, each naming file, row (as a spreadsheet shows it)
    and column.

    With ``consume`` the caller hands the tables over (a loader's, read for this), and each
    column is dropped from them once it is wholly coded, read or taken: the kinds and the
    edges' ends before the coding's table is built beside them, then the numbers, then each
    column the graph keeps as it is widened to pandas' ``str``. No text is held twice (at 100×
    a first read peaks at 2.4 GB rather than 3.2 GB). A problem then cannot always be told,
    since its text is gone: the result has ``told`` False and no problems, and the caller
    checks the tables again, read anew.
    """
    files = {"nodes": nodes_file, "edges": edges_file}
    frames = {"nodes": nodes, "edges": edges}
    problems = _missing_columns(frames, files)
    empty = np.zeros(0, dtype=np.int64)
    if problems:
        return CheckedTables(problems, {}, {}, empty, empty, empty, empty)
    text = {table: {c: _normalized_arrow(frame[c], c) for c in frame.columns if c != ROW}
            for table, frame in frames.items()}
    order = {table: list(columns) for table, columns in text.items()}
    unsaid = CheckedTables([], {}, {}, empty, empty, empty, empty, told=False)

    def let_go(whole: bool, columns: dict[str, Iterable[str]]) -> bool:
        """With ``consume``, let go of the text of ``columns`` (table: names) if ``whole`` (every
        cell coded or read); False where not: a problem to tell, which needs the text."""
        if consume and whole:
            for table, names in columns.items():
                for column in names:
                    del text[table][column], frames[table][column]
            pa.default_memory_pool().release_unused()  # arrow's pool would keep the blocks
        return whole or not consume

    node_kind = _kind_codes(text["nodes"]["kind"], NODE_KINDS)
    edge_kind = _kind_codes(text["edges"]["kind"], EDGE_KINDS)
    if not let_go(min(node_kind.min(initial=0), edge_kind.min(initial=0)) >= 0,
                  {"nodes": ["kind"], "edges": ["kind"]}):
        return unsaid
    ids, references = text["nodes"]["id"], [text["edges"]["source"], text["edges"]["target"]]
    first_row = None
    codes = _packed_codes(ids, references)
    if codes is None:
        codes, first_row = _string_codes(ids, references)
    lookup = _resolve_names(text, codes)
    if not let_go(all(c.min(initial=0) >= 0 for c in codes), {"edges": ["source", "target"]}):
        return unsaid
    numbers = {table: {c: read_numbers(a) for c, a in columns.items() if c in NUMERIC_ATTRIBUTES}
               for table, columns in text.items()}  # after the coding: its peak not beside them
    if not let_go(all(n.values is not None for read in numbers.values() for n in read.values()),
                  {table: list(read) for table, read in numbers.items()}):
        return unsaid
    tables = _Tables(files, text, numbers, {"nodes": _spreadsheet_rows(nodes),
                                            "edges": _spreadsheet_rows(edges)},
                     node_kind, edge_kind, codes[0], codes[1], first_row, names=lookup)
    for check in checks(order["nodes"], order["edges"]):
        if check.column not in text[check.table] and check.code in _SETTLED_BY_CODES:
            continue  # let go of, having been coded or read whole
        at = np.flatnonzero(check.find(tables))
        if len(at) and consume:
            return unsaid
        if len(at):
            problems += [Problem(files[check.table], tables.row(check.table, int(p)), check.column,
                                 zh, en, code=check.code)
                         for p, (zh, en) in zip(at, check.say(tables, at))]
    if problems:
        return CheckedTables(problems, {}, {}, empty, empty, empty, empty)
    columns = {table: _kept_columns(table, order[table], text[table], numbers[table],
                                    frames[table] if consume else None) for table in frames}
    return CheckedTables([], columns["nodes"], columns["edges"], tables.node_kind,
                         tables.edge_kind, tables.source, tables.target)


def _kept_columns(table: str, order: list[str], text: dict[str, pa.ChunkedArray],
                  numbers: dict[str, Numbers], handed: pd.DataFrame | None
                  ) -> dict[str, pd.Series]:
    """The columns the graph keeps of a checked table but its codes, in file order: numbers as
    read, text as pandas' ``str``, each let go of in ``handed`` (and ``text``) once taken, since
    ``str`` widens an arrow string column: one column at a time."""
    coded = ("kind",) if table == "nodes" else ("source", "target", "kind")
    out = {}
    for c in order:
        if c not in coded:
            out[c] = pd.Series(numbers[c].values if c in numbers
                               else pd.array(text[c], dtype=_STR), copy=False)
        if handed is not None and c in text:
            del text[c], handed[c]
    return out
