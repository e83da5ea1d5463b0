"""Validation of raw node and edge tables, vectorized, collecting every problem at once.

The raw tables are what a loader read: every cell a string or missing, plus a
``_row`` column with the row number as a spreadsheet shows it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from jiceng.graphmodel.errors import Problem
from jiceng.graphmodel.schema import (
    EDGE_KINDS,
    NODE_KINDS,
    NUMERIC_ATTRIBUTES,
    REQUIRED_EDGE_COLUMNS,
    REQUIRED_NODE_COLUMNS,
    STATION_TYPES,
    allowed_endpoints,
)

__all__ = ["normalize_text", "validate_tables", "prepare_tables", "PreparedTables", "ROW"]

#: Name of the column that carries each row's spreadsheet row number (a NUL in it: no heading
#: a loader accepts can be called so, and a user's ``_row`` column stays an attribute).
ROW = "\x00row"


def normalize_text(table: pd.DataFrame) -> pd.DataFrame:
    """NFKC-normalize and trim every text cell; empty cells become missing.

    Full-width digits, letters and spaces that Excel on Chinese systems produces
    become their plain forms, so ``"００７　"`` reads as ``"007"``.

    >>> normalize_text(pd.DataFrame({"id": ["００７　", " ", "a"]}))["id"].tolist()
    ['007', nan, 'a']
    """
    out = {}
    for column in table.columns:
        values = table[column]
        if column == ROW:
            out[column] = values
            continue
        values = values.astype("str")
        wide = _may_change_under_nfkc(values)
        if wide.any():
            values = values.copy()
            values[wide] = values[wide].str.normalize("NFKC")
        values = values.str.strip()
        out[column] = values.mask(values == "")
    return pd.DataFrame(out, index=table.index)


# Text made only of ASCII and CJK Unified Ideographs (U+4E00..U+9FFF) is unchanged by NFKC:
# neither has a decomposition nor composes with a neighbour. Only the rest (full-width forms,
# punctuation, combining marks, compatibility ideographs ...) goes through Python's NFKC.
_NFKC_SUSPECT = r"[^\x{00}-\x{7f}\x{4e00}-\x{9fff}]"


def _arrow_strings(values: pd.Series) -> pa.ChunkedArray:
    """A column of the "str" dtype as a large_string arrow array (zero-copy when pyarrow-backed)."""
    array = values.array
    if hasattr(array, "_pa_array"):
        return array._pa_array
    return pa.chunked_array([pa.array(values.to_numpy(dtype=object), type=pa.large_string(),
                                      from_pandas=True)])


def _may_change_under_nfkc(values: pd.Series) -> pd.Series:
    """Boolean mask of the cells that NFKC might change (False for missing cells)."""
    suspect = pc.fill_null(pc.match_substring_regex(_arrow_strings(values), _NFKC_SUSPECT), False)
    return pd.Series(suspect.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _problems(file: str, rows: pd.Series, column: str | None, messages) -> list[Problem]:
    if isinstance(messages, str):
        messages = [messages] * len(rows)
    return [Problem(file, int(r), column, m) for r, m in zip(rows, messages)]


def _suggest(value: str, choices) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_required(table: pd.DataFrame, file: str, required) -> list[Problem]:
    missing = [c for c in required if c not in table.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        return [Problem(file, None, None,
                        f"missing required column{'s' if len(missing) > 1 else ''} {names} "
                        f"(the header row must name {', '.join(required)})")]
    problems = []
    for column in required:
        empty = table[column].isna()
        if empty.any():
            problems += _problems(file, table.loc[empty, ROW], column, f"{column} is empty")
    return problems


def _check_kind(table: pd.DataFrame, file: str, vocabulary, what: str) -> list[Problem]:
    kinds = table["kind"]
    unknown = kinds.notna() & ~kinds.isin(list(vocabulary))
    if not unknown.any():
        return []
    messages = [f"unknown {what} kind {k!r}{_suggest(k, vocabulary)}" for k in kinds[unknown]]
    return _problems(file, table.loc[unknown, ROW], "kind", messages)


def _check_numbers(table: pd.DataFrame, file: str) -> list[Problem]:
    problems = []
    for column in NUMERIC_ATTRIBUTES:
        if column not in table.columns:
            continue
        text = table[column]
        present = text.notna()
        number = pd.to_numeric(text.where(present), errors="coerce")
        bad_number = present & number.isna()
        negative = number < 0
        fractional = number.notna() & (number != np.floor(number.fillna(0)))
        for mask, why in ((bad_number, "is not a number"), (negative, "is negative"),
                          (fractional & ~negative, "is not a whole number")):
            if mask.any():
                problems += _problems(
                    file, table.loc[mask, ROW], column,
                    [f"{column} {v!r} {why} (expected a whole number ≥ 0)" for v in text[mask]])
    return problems


def _check_station_types(nodes: pd.DataFrame, file: str) -> list[Problem]:
    if "type" not in nodes.columns:
        return []
    stations = nodes["kind"] == "service_station"
    bad = stations & nodes["type"].notna() & ~nodes["type"].isin(list(STATION_TYPES))
    return _problems(
        file, nodes.loc[bad, ROW], "type",
        [f"unknown service station type {t!r} (expected one of {', '.join(STATION_TYPES)})"
         f"{_suggest(t, STATION_TYPES)}" for t in nodes.loc[bad, "type"]])


def _check_cycles(edges: pd.DataFrame, ids: pd.Series, n: int, file: str, kind: str) -> list[Problem]:
    """Edges of ``kind`` that lie on a directed cycle (strongly connected components)."""
    part = edges[(edges["kind"] == kind) & (edges["_s"] >= 0) & (edges["_t"] >= 0)]
    if part.empty:
        return []
    s, t = part["_s"].to_numpy(), part["_t"].to_numpy()
    matrix = csr_matrix((np.ones(len(part), dtype=np.int8), (s, t)), shape=(n, n))
    _, labels = connected_components(matrix, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=n)
    on_cycle = (labels[s] == labels[t]) & ((sizes[labels[s]] > 1) | (s == t))
    if not on_cycle.any():
        return []
    problems = []
    cyc = part[on_cycle]
    for row, a, b in zip(cyc[ROW], cyc["source"], cyc["target"]):
        problems.append(Problem(file, int(row), "target",
                                f"this {kind} edge {a} → {b} is part of a cycle of {kind} edges"))
    return problems


def _check_single_place(edges: pd.DataFrame, file: str) -> list[Problem]:
    """A node is `within` one place only (a building in one grid, a grid in one community)."""
    within = edges[(edges["kind"] == "within") & edges["source"].notna()]
    dup = within["source"].duplicated(keep=False)
    if not dup.any():
        return []
    problems = []
    for source, group in within[dup].groupby("source", sort=False):
        first_row, first_target = group[ROW].iloc[0], group["target"].iloc[0]
        for row, target in zip(group[ROW].iloc[1:], group["target"].iloc[1:]):
            problems.append(Problem(
                file, int(row), "source",
                f"{source!r} is within two places: {first_target!r} (row {first_row}) "
                f"and {target!r}; a node is within one place only"))
    return problems


def validate_tables(nodes: pd.DataFrame, edges: pd.DataFrame, *, nodes_file: str,
                    edges_file: str) -> tuple[list[Problem], np.ndarray, np.ndarray]:
    """Check raw (normalized) tables against the schema.

    Returns the list of problems and the integer codes of every edge's source and
    target (-1 where unknown). Cost O(n + m) with a few vectorized passes.
    """
    problems = _check_required(nodes, nodes_file, REQUIRED_NODE_COLUMNS)
    problems += _check_required(edges, edges_file, REQUIRED_EDGE_COLUMNS)
    if any(p.row is None for p in problems):
        return problems, np.empty(0, np.int64), np.empty(0, np.int64)

    problems += _check_kind(nodes, nodes_file, NODE_KINDS, "node")
    problems += _check_kind(edges, edges_file, EDGE_KINDS, "edge")
    problems += _check_numbers(nodes, nodes_file)
    problems += _check_numbers(edges, edges_file)
    problems += _check_station_types(nodes, nodes_file)

    ids = nodes["id"]
    duplicated = ids.notna() & ids.duplicated(keep=False)
    if duplicated.any():
        first = nodes[duplicated].groupby("id", sort=False)[ROW].transform("first")
        later = duplicated & ids.duplicated(keep="first")
        problems += _problems(
            nodes_file, nodes.loc[later, ROW], "id",
            [f"duplicate node id {i!r} (first on row {f})"
             for i, f in zip(ids[later], first[later[duplicated]])])

    index = pd.Index(ids.where(~ids.duplicated(keep="first")))
    source_code = index.get_indexer(edges["source"]).astype(np.int64)
    target_code = index.get_indexer(edges["target"]).astype(np.int64)
    for column, code in (("source", source_code), ("target", target_code)):
        unknown = (code < 0) & edges[column].notna().to_numpy()
        if unknown.any():
            problems += _problems(edges_file, edges.loc[unknown, ROW], column,
                                  [f"unknown node {v!r} (not in {nodes_file})"
                                   for v in edges.loc[unknown, column]])

    known = (source_code >= 0) & (target_code >= 0) & edges["kind"].isin(list(EDGE_KINDS)).to_numpy()
    node_kind = nodes["kind"].to_numpy(dtype=object)
    checked = pd.DataFrame({
        "kind": edges["kind"][known].to_numpy(dtype=object),
        "source_kind": node_kind[source_code[known]],
        "target_kind": node_kind[target_code[known]],
        ROW: edges[ROW][known].to_numpy(),
        "source": edges["source"][known].to_numpy(dtype=object),
        "target": edges["target"][known].to_numpy(dtype=object),
    })
    allowed = allowed_endpoints().assign(_ok=True)
    merged = checked.merge(allowed, how="left", on=["kind", "source_kind", "target_kind"])
    forbidden = merged[merged["_ok"].isna() & merged["source_kind"].isin(list(NODE_KINDS))
                       & merged["target_kind"].isin(list(NODE_KINDS))]
    for row, kind, sk, tk, s, t in zip(forbidden[ROW], forbidden["kind"], forbidden["source_kind"],
                                       forbidden["target_kind"], forbidden["source"],
                                       forbidden["target"]):
        pairs = ", ".join(f"{a}→{b}" for a, b in EDGE_KINDS[kind].pairs())
        problems.append(Problem(edges_file, int(row), "kind",
                                f"a {kind} edge may not go from {sk} {s!r} to {tk} {t!r} "
                                f"(allowed: {pairs})"))

    coded = edges.assign(_s=source_code, _t=target_code)
    problems += _check_single_place(coded, edges_file)
    for kind in ("leads", "within"):
        problems += _check_cycles(coded, ids, len(nodes), edges_file, kind)
    return problems, source_code, target_code


# ------------------------------------------------------------------ fast path
@dataclass
class PreparedTables:
    """Normalized columns of valid tables, ready to become an :class:`~graphmodel.OrgGraph`.

    ``node_columns`` and ``edge_columns`` map each column (in file order, ``_row`` left out)
    to a large_string arrow array, or for numeric attributes to an ``Int64`` array;
    ``node_kind``/``edge_kind`` are the kinds' positions in the schema, ``source``/``target``
    the edges' node codes.
    """

    node_columns: dict[str, object]
    edge_columns: dict[str, object]
    node_kind: np.ndarray
    edge_kind: np.ndarray
    source: np.ndarray
    target: np.ndarray


def _chunks(array: pa.ChunkedArray) -> list[pa.Array]:
    return [chunk for chunk in array.chunks if len(chunk)]


def _string_buffers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (n + 1) and the UTF-8 bytes of a large_string array chunk, without copies."""
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[array.offset:array.offset + len(array) + 1]
    data = (np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None
            else np.zeros(0, dtype=np.uint8))
    return offsets, data[offsets[0]:offsets[-1]] if len(offsets) else data[:0]


def _has_nfkc_suspects(data: np.ndarray, block: int = 1 << 18) -> bool:
    """Whether UTF-8 bytes hold a character other than ASCII and U+4E00..U+9FFF, which NFKC
    might change. Those start with a byte E5..E9, or E4 followed by B8..BF; read in blocks
    that stay in cache."""
    if not len(data) or data.max() < 0x80:
        return False
    for start in range(0, len(data), block):
        part = data[start:start + block]
        lead = part >= 0xC0
        lead &= (part - np.uint8(0xE5)) > 4  # not E5..E9 (uint8 arithmetic wraps)
        where = np.flatnonzero(lead)
        if not len(where):
            continue
        if (part[where] != 0xE4).any():
            return True
        if (data[np.minimum(start + where + 1, len(data) - 1)] < 0xB8).any():
            return True
    return False


_TRIMMED = np.zeros(256, dtype=bool)
_TRIMMED[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True  # ASCII bytes a trim might remove


def _needs_trim(offsets: np.ndarray, data: np.ndarray) -> bool:
    if not len(data) or data.min() > 32:
        return False
    lengths = offsets[1:] - offsets[:-1]
    filled = np.flatnonzero(lengths)
    first = data[offsets[filled] - offsets[0]]
    last = data[offsets[filled + 1] - offsets[0] - 1]
    return bool(_TRIMMED[first].any() or _TRIMMED[last].any())


def _normalized_chunk(chunk: pa.Array) -> pa.Array | None:
    """Trim and empty -> null for one chunk; None when NFKC might change a cell."""
    if chunk.null_count == len(chunk):
        return chunk
    offsets, data = _string_buffers(chunk)
    if _has_nfkc_suspects(data):
        return None
    if _needs_trim(offsets, data):
        chunk = pc.utf8_trim_whitespace(chunk)
        offsets, data = _string_buffers(chunk)
    if np.count_nonzero(offsets[1:] != offsets[:-1]) != len(chunk) - chunk.null_count:
        empty = pc.equal(pc.binary_length(chunk), 0)
        chunk = pc.if_else(empty, pa.scalar(None, pa.large_string()), chunk)
    return chunk


def _normalized_arrow(values: pd.Series) -> pa.ChunkedArray:
    """What :func:`normalize_text` does to a column, in arrow: NFKC, trim, empty -> null.

    Text of ASCII and common CJK ideographs only (all of a generated or typical dataset)
    is unchanged by NFKC and only needs trimming where a cell starts or ends with a space;
    a column with any other character goes through :func:`normalize_text` itself.
    """
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        values = values.astype("str")
    array = _arrow_strings(values)
    chunks = []
    for chunk in _chunks(array):
        done = _normalized_chunk(chunk)
        if done is None:
            return _arrow_strings(normalize_text(pd.DataFrame({"v": values}))["v"])
        chunks.append(done)
    return pa.chunked_array(chunks, type=pa.large_string())


def _whole_numbers(array: pa.ChunkedArray) -> pd.arrays.IntegerArray | None:
    """The column as Int64 when every present cell is 1 to 15 plain digits; None otherwise.

    Fifteen digits are exact in float64 too, so both paths read the same number.
    """
    for chunk in _chunks(array):
        offsets, data = _string_buffers(chunk)
        lengths = offsets[1:] - offsets[:-1]
        if len(lengths) and lengths.max() > 15:
            return None
        if np.count_nonzero(lengths) != len(chunk) - chunk.null_count:
            return None  # an empty cell that is not missing, or bytes behind a missing one
        if len(data) and (data.min() < 48 or data.max() > 57):
            return None
    numbers = pc.cast(array, pa.int64())
    values = np.empty(len(array), dtype=np.int64)
    missing = np.zeros(len(array), dtype=bool)
    at = 0
    for chunk in numbers.chunks:  # values under missing cells are left as they are
        values[at:at + len(chunk)] = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[
            chunk.offset:chunk.offset + len(chunk)]
        if chunk.null_count:
            missing[at:at + len(chunk)] = chunk.is_null().to_numpy(zero_copy_only=False)
        at += len(chunk)
    return pd.arrays.IntegerArray(values, missing)


def _positions(array: pa.ChunkedArray, vocabulary) -> np.ndarray | None:
    """Position of each cell in a small ``vocabulary``; None when a cell is missing or not in it."""
    found = pc.index_in(array, value_set=pa.array(list(vocabulary), type=pa.large_string()))
    if found.null_count:
        return None
    return found.to_numpy()


# _WORD_MASK[w][length]: the bits of word w that hold bytes of a string of that length
_LONGEST_PACKED = 24
_WORD_MASK = np.array(
    [[(1 << (8 * min(max(length - 8 * w, 0), 8))) - 1 for length in range(_LONGEST_PACKED + 1)]
     for w in range(_LONGEST_PACKED // 8)], dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _packed_words(array: pa.ChunkedArray, words: int) -> list[np.ndarray] | None:
    """Each string as ``words`` little-endian uint64 words, zero padded.

    None when a string is longer than the words hold or holds a NUL byte (then padding
    would be ambiguous). O(n) per word, no per-row Python.
    """
    out = [np.empty(len(array), dtype=np.uint64) for _ in range(words)]
    at = 0
    for chunk in _chunks(array):
        offsets, data = _string_buffers(chunk)
        lengths = offsets[1:] - offsets[:-1]
        if lengths.max() > 8 * words or not data.all():
            return None
        padded = np.zeros(len(data) + 8 * words + 8, dtype=np.uint8)
        padded[:len(data)] = data
        view = np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
        starts = offsets[:-1] - offsets[0]
        for w in range(words):
            np.bitwise_and(view[starts + 8 * w], _WORD_MASK[w][lengths],
                           out=out[w][at:at + len(chunk)])
        at += len(chunk)
    return out


def _hash_words(words: list[np.ndarray]) -> np.ndarray:
    if len(words) == 1:
        return words[0]
    key = words[0] * _MIX
    key ^= words[1]
    for word in words[2:]:
        key *= _MIX
        key ^= word
    return key


def _id_codes(ids: pa.ChunkedArray, references: list[pa.ChunkedArray]
              ) -> list[np.ndarray] | None:
    """Codes (row positions in ``ids``) of every referenced id; None when an id repeats or a
    reference is unknown.

    Ids of up to 24 bytes (the usual case) are packed into integers, looked up in one integer
    hash table and then checked word by word; longer ones go through arrow's string hash.
    """
    longest = int(pc.max(pc.binary_length(ids)).as_py() or 0)
    node_words = (_packed_words(ids, max(1, -(-longest // 8))) if longest <= _LONGEST_PACKED
                  else None)
    if node_words is None:
        return _id_codes_by_strings(ids, references)
    index = pd.Index(_hash_words(node_words))
    if not index.is_unique:  # a repeated id (or, very rarely, two ids with one hash)
        return _id_codes_by_strings(ids, references)
    out = []
    for reference in references:
        words = _packed_words(reference, len(node_words))
        if words is None:
            return None
        codes = index.get_indexer(_hash_words(words))
        if (codes < 0).any():
            return None
        if not all(np.array_equal(node[codes], word) for node, word in zip(node_words, words)):
            return _id_codes_by_strings(ids, references)
        out.append(codes.astype(np.int64))
    return out


def _id_codes_by_strings(ids: pa.ChunkedArray, references: list[pa.ChunkedArray]
                         ) -> list[np.ndarray] | None:
    if pc.count_distinct(ids).as_py() != len(ids):
        return None
    value_set = ids.combine_chunks()
    codes = [pc.index_in(r, value_set=value_set) for r in references]
    if any(c.null_count for c in codes):
        return None
    return [c.to_numpy().astype(np.int64) for c in codes]


def _on_cycle(source: np.ndarray, target: np.ndarray, n: int) -> np.ndarray:
    """Which edges lie on a directed cycle (strongly connected components; self-loops too)."""
    matrix = csr_matrix((np.ones(len(source), dtype=np.int8), (source, target)), shape=(n, n))
    _, labels = connected_components(matrix, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=n)
    return (labels[source] == labels[target]) & ((sizes[labels[source]] > 1) | (source == target))


def _allowed_lookup() -> np.ndarray:
    """Boolean cube: allowed[edge kind, source kind, target kind], by schema position."""
    node_at = {k: i for i, k in enumerate(NODE_KINDS)}
    allowed = np.zeros((len(EDGE_KINDS), len(NODE_KINDS), len(NODE_KINDS)), dtype=bool)
    for e, kind in enumerate(EDGE_KINDS.values()):
        for s, t in kind.pairs():
            allowed[e, node_at[s], node_at[t]] = True
    return allowed


def prepare_tables(nodes: pd.DataFrame, edges: pd.DataFrame) -> PreparedTables | None:
    """Normalize and check raw tables in a few arrow and numpy passes, without messages.

    Returns the normalized, coded columns when the tables are valid, and None as soon as
    any check fails (or a cell is unusual, e.g. a number written ``1.0``): the caller
    then runs :func:`normalize_text` and :func:`validate_tables`, which say what is wrong
    where. Both paths accept exactly the same tables. O(n + m), no per-row Python.
    """
    if (any(c not in nodes.columns for c in REQUIRED_NODE_COLUMNS)
            or any(c not in edges.columns for c in REQUIRED_EDGE_COLUMNS)):
        return None
    tables = []
    for table, required in ((nodes, REQUIRED_NODE_COLUMNS), (edges, REQUIRED_EDGE_COLUMNS)):
        columns: dict[str, Any] = {}
        for column in table.columns:
            if column == ROW:
                continue
            array = _normalized_arrow(table[column])
            if column in required and array.null_count:
                return None
            if column in NUMERIC_ATTRIBUTES:
                numbers = _whole_numbers(array)
                if numbers is None:
                    return None
                columns[column] = numbers
            else:
                columns[column] = array
        tables.append(columns)
    node_columns, edge_columns = tables

    node_kind = _positions(node_columns["kind"], NODE_KINDS)
    edge_kind = _positions(edge_columns["kind"], EDGE_KINDS)
    if node_kind is None or edge_kind is None:
        return None
    if "type" in node_columns:
        station = node_kind == list(NODE_KINDS).index("service_station")
        types = node_columns["type"]
        known = pc.is_in(types, value_set=pa.array(list(STATION_TYPES), type=pa.large_string()))
        bad = pc.and_(pc.is_valid(types), pc.invert(known)).to_numpy(zero_copy_only=False)
        if (bad & station).any():
            return None

    ids = node_columns["id"]
    codes = _id_codes(ids, [edge_columns["source"], edge_columns["target"]])
    if codes is None:
        return None
    source, target = codes
    if not _allowed_lookup()[edge_kind, node_kind[source], node_kind[target]].all():
        return None

    n = len(ids)
    edge_at = {k: i for i, k in enumerate(EDGE_KINDS)}
    within = edge_kind == edge_at["within"]
    if (np.bincount(source[within], minlength=n) > 1).any():
        return None
    for kind in ("leads", "within"):
        mask = edge_kind == edge_at[kind]
        if mask.any() and _on_cycle(source[mask], target[mask], n).any():
            return None
    return PreparedTables(node_columns, edge_columns, node_kind, edge_kind, source, target)
