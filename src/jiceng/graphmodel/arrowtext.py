"""Text columns read off arrow's buffers, without a copy and without per-row Python: the
parts of validation's fast path (:mod:`jiceng.graphmodel.validate`) that look at UTF-8 bytes
(whether a column needs trimming or NFKC, whether it is plain digits and those digits as
numbers, ids packed into integers), and numeric attributes read whole (:func:`read_numbers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["array_chunks", "string_buffers", "holds_byte", "first_bytes", "has_nfkc_suspects",
           "needs_trim", "plain_digits", "packed_words", "whole_numbers", "longest_bytes",
           "LONGEST_PACKED", "TRIMMED", "WORD_MASK", "Numbers", "read_numbers"]


def array_chunks(array: pa.ChunkedArray) -> list[pa.Array]:
    return [chunk for chunk in array.chunks if len(chunk)]


def string_buffers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (n + 1) and the UTF-8 bytes of a string or large_string array chunk, without
    copies."""
    _, offsets_buffer, data_buffer = array.buffers()
    width = np.int64 if array.type == pa.large_string() else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=width)[array.offset:array.offset + len(array) + 1]
    data = (np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None
            else np.zeros(0, dtype=np.uint8))
    return offsets, data[offsets[0]:offsets[-1]] if len(offsets) else data[:0]


def holds_byte(values: pa.ChunkedArray, byte: bytes) -> bool:
    """Whether the UTF-8 bytes of any cell hold ``byte`` (an ASCII character): one scan of
    arrow's data at memory speed, no copy, where a test of every cell would touch them all."""
    pattern = re.compile(re.escape(byte))
    return any(pattern.search(string_buffers(chunk)[1].data) for chunk in array_chunks(values))


def first_bytes(values: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's first UTF-8 byte (0 where it has none) and whether it has one (present and
    not empty), read off arrow's offsets: what a test of a cell's start needs, without a kernel
    looking at every byte of every cell."""
    first = np.zeros(len(values), dtype=np.uint8)
    filled = np.zeros(len(values), dtype=bool)
    at = 0
    for chunk in values.chunks:
        offsets, data = string_buffers(chunk)
        here = offsets[1:] != offsets[:-1]
        if chunk.null_count:
            here &= chunk.is_valid().to_numpy(zero_copy_only=False)
        cells = np.flatnonzero(here)
        first[at + cells] = data[offsets[cells] - offsets[0]]
        filled[at:at + len(chunk)] = here
        at += len(chunk)
    return first, filled


def has_nfkc_suspects(data: np.ndarray, block: int = 1 << 18) -> bool:
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


TRIMMED = np.zeros(256, dtype=bool)
TRIMMED[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True  # ASCII bytes a trim might remove


def needs_trim(offsets: np.ndarray, data: np.ndarray) -> bool:
    if not len(data) or data.min() > 32:
        return False
    lengths = offsets[1:] - offsets[:-1]
    filled = np.flatnonzero(lengths)
    first = data[offsets[filled] - offsets[0]]
    last = data[offsets[filled + 1] - offsets[0] - 1]
    return bool(TRIMMED[first].any() or TRIMMED[last].any())


def longest_bytes(values: pa.ChunkedArray) -> int:
    """The longest cell's length in UTF-8 bytes (0 for none), read off arrow's offsets chunk by
    chunk (no array of every length)."""
    longest = 0
    for chunk in array_chunks(values):
        offsets, _ = string_buffers(chunk)
        if offsets[-1] - offsets[0] > longest:
            longest = max(longest, int(np.diff(offsets).max()))
    return longest


def plain_digits(array: pa.ChunkedArray, *, empty: bool = True) -> bool:
    """Whether every cell of a text column is at most 15 ASCII digits (missing cells
    too; empty ones only with ``empty``), read off arrow's buffers without a regex."""
    for chunk in array_chunks(array):
        offsets, data = string_buffers(chunk)
        lengths = offsets[1:] - offsets[:-1]
        if len(lengths) and lengths.max() > 15:
            return False
        if not empty and np.count_nonzero(lengths) != len(chunk) - chunk.null_count:
            return False  # an empty cell that is not missing, or bytes behind a missing one
        if len(data) and (data.min() < 48 or data.max() > 57):
            return False
    return True


# WORD_MASK[w][length]: the bits of word w that hold bytes of a string of that length
LONGEST_PACKED = 24
WORD_MASK = np.array(
    [[(1 << (8 * min(max(length - 8 * w, 0), 8))) - 1 for length in range(LONGEST_PACKED + 1)]
     for w in range(LONGEST_PACKED // 8)], dtype=np.uint64)


def packed_words(array: pa.ChunkedArray, words: int) -> list[np.ndarray] | None:
    """Each string as ``words`` little-endian uint64 words, zero padded.

    None when a string is longer than the words hold or holds a NUL byte (then padding
    would be ambiguous). O(n) per word, no per-row Python.
    """
    out = [np.empty(len(array), dtype=np.uint64) for _ in range(words)]
    at = 0
    for chunk in array_chunks(array):
        offsets, data = string_buffers(chunk)
        lengths = offsets[1:] - offsets[:-1]
        if lengths.max() > 8 * words or not data.all():
            return None
        padded = np.zeros(len(data) + 8 * words + 8, dtype=np.uint8)
        padded[:len(data)] = data
        view = np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
        starts = offsets[:-1] - offsets[0]
        for w in range(words):
            np.bitwise_and(view[starts + 8 * w], WORD_MASK[w][lengths],
                           out=out[w][at:at + len(chunk)])
        at += len(chunk)
    return out


def whole_numbers(array: pa.ChunkedArray) -> pd.arrays.IntegerArray | None:
    """The column as Int64 when every present cell is 1 to 15 plain digits; None otherwise.

    Fifteen digits are exact in float64 too, so both paths read the same number.
    """
    if not plain_digits(array, empty=False):
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


@dataclass
class Numbers:
    """A numeric attribute column read once: its values and which cells are wrong, and how."""

    values: pd.api.extensions.ExtensionArray | None  # Int64, None when a cell is wrong
    not_number: np.ndarray
    negative: np.ndarray
    fractional: np.ndarray


def read_numbers(array: pa.ChunkedArray) -> Numbers:
    """Whole numbers >= 0: plain digits in arrow directly, anything else through pandas."""
    n = len(array)
    fast = whole_numbers(array)
    if fast is not None:
        no = np.zeros(n, dtype=bool)
        return Numbers(fast, no, no, no)
    text = pd.Series(pd.array(array, dtype="str"))
    present = text.notna().to_numpy()
    number = pd.to_numeric(text.where(present), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(number) & (np.abs(number) < 2.0**63)
        not_number = present & ~finite
        negative = finite & (number < 0)
        fractional = finite & ~negative & (number != np.floor(np.where(finite, number, 0)))
    wrong = not_number | negative | fractional
    values = None
    if not wrong.any():
        values = pd.array(np.where(present, number, 0).astype(np.int64), dtype="Int64")
        values[~present] = pd.NA
    return Numbers(values, not_number, negative, fractional)
