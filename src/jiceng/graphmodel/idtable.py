"""Ids packed into integers, looked up in one open-addressing table held in numpy.

Validation codes every edge end as the row of the node with that id (docs/design.md §3.3).
Ids of up to :data:`~jiceng.graphmodel.arrowtext.LONGEST_PACKED` bytes are packed into one to
three uint64 words (:func:`~jiceng.graphmodel.arrowtext.packed_words`); the table keeps, per
slot, the words of one id and its row + 1 (0: empty slot), side by side so that a probe reads
one cache line. Lookups compare every word, so a hit is exact; the hash only chooses where a
probe starts. The table has two regions, which the hash's top bit chooses between, built side
by side in two threads; ends are looked up chunk by chunk in two threads (numpy's gathers and
scatters release the GIL), each chunk packed just before it is looked up: no array of every
end's words is held.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa

from jiceng.graphmodel.arrowtext import array_chunks, packed_words

__all__ = ["IdTable"]

_MIX = np.uint64(0x9E3779B97F4A7C15)
_HALF = np.uint64(32)


#: Slots after each region's homes: a probe runs on into them, never into the next region.
_TAIL = 1 << 12


def _home(words: list[np.ndarray], homes: int) -> np.ndarray:
    """The slot where each key's probe starts: a multiplicative hash of its words, whose top bit
    chooses one of two regions and whose next 31 bits one of the region's ``homes`` slots."""
    key = words[0] * _MIX
    for word in words[1:]:
        key ^= word
        key *= _MIX
    region = (key >> np.uint64(63)).astype(np.int64)
    key >>= _HALF
    key &= np.uint64(0x7FFFFFFF)
    key *= np.uint64(homes)
    key >>= np.uint64(31)
    return key.astype(np.int64) + region * (homes + _TAIL)


def _place(slots: np.ndarray, packed: list[np.ndarray], todo: np.ndarray, slot: np.ndarray,
           end: int) -> bool:
    """Place the ids ``todo`` (rows), whose probes start at ``slot``, in ``slots`` before
    ``end``; False for a repeated id, or a probe that would reach ``end`` (the region's last
    slot stays empty). Linear probing in rounds, each placing at most one id per free slot."""
    words = len(packed)
    columns = [slots[:, w] for w in range(words + 1)]
    while len(todo):
        if len(slot) and slot.max() >= end - 1:
            return False
        free = columns[words][slot] == 0
        taken = np.flatnonzero(~free)
        if len(taken):  # an id already placed where this one probes is a repeat
            same = np.ones(len(taken), dtype=bool)
            for column, word in zip(columns, packed):
                same &= column[slot[taken]] == word[todo[taken]]
            if same.any():
                return False
        rows, at = todo[free], slot[free]
        columns[words][at] = rows + 1  # of several ids on one slot the last write stays
        won = np.flatnonzero(free)[columns[words][at] == (rows + 1).astype(np.uint64)]
        for column, word in zip(columns, packed):
            column[slot[won]] = word[todo[won]]
        slot[taken] += 1  # past a slot another id holds; one that lost a slot looks again
        left = np.ones(len(todo), dtype=bool)
        left[won] = False
        todo, slot = todo[left], slot[left]
    return True


class IdTable:
    """The distinct ids of a column, to look up packed texts in (:meth:`codes`).

    :meth:`build` gives None where the ids cannot be packed (a long id, a NUL byte) or are
    not distinct: the caller then codes them as strings.

    >>> table = IdTable.build(pa.chunked_array([["C1", "D22", "G333"]]))
    >>> table.codes(pa.chunked_array([["G333", "X", "C1"], ["D22"]])).tolist()
    [2, -1, 0, 1]
    >>> IdTable.build(pa.chunked_array([["C1", "C1"]])) is None
    True
    """

    def __init__(self, slots: np.ndarray, words: int, homes: int):
        self.slots = slots  # two regions of homes + _TAIL slots: an id's words, its row + 1
        self.words = words
        self.homes = homes

    @classmethod
    def build(cls, ids: pa.ChunkedArray, words: int = 1) -> IdTable | None:
        """The table of ``ids`` (no missing cell) packed in ``words`` words; None where that
        cannot answer. The two regions are filled side by side, one thread each."""
        packed = packed_words(ids, words)
        if packed is None:
            return None
        n = len(ids)
        homes = max(8, (n + n // 2 + n // 8) // 2)  # about 60 % full: short probes
        region = homes + _TAIL
        slots = np.zeros((2 * region, words + 1), dtype=np.uint64)
        slot = _home(packed, homes)
        second = slot >= region
        parts = [(np.flatnonzero(~second), region), (np.flatnonzero(second), 2 * region)]
        with ThreadPoolExecutor(2, thread_name_prefix="jiceng-codes") as pool:
            placed = list(pool.map(lambda part: _place(slots, packed, part[0], slot[part[0]],
                                                       part[1]), parts))
        return cls(slots, words, homes) if all(placed) else None

    def lookup(self, packed: list[np.ndarray], out: np.ndarray) -> None:
        """The row of each packed key into ``out`` (-1 where no id is it)."""
        out.fill(-1)
        at = np.arange(len(out))
        slot = _home(packed, self.homes)
        while len(at):
            probed = np.take(self.slots, slot, axis=0)
            row = probed[:, self.words].astype(np.int64) - 1
            same = row >= 0
            for w, word in enumerate(packed):
                same &= probed[:, w] == word
            out[at[same]] = row[same]
            go = ~same & (row >= 0)  # an empty slot ends the probe: not there
            at, slot = at[go], slot[go] + 1
            packed = [word[go] for word in packed]

    def codes(self, values: pa.ChunkedArray) -> np.ndarray | None:
        """The row of each text of ``values`` (no missing cell): -1 where no id is it; None
        when a text cannot be packed in the table's words (too long, a NUL byte). int32 where
        the rows fit (half the memory of 22 M ends at 100×), each chunk written in place."""
        chunks = array_chunks(values)
        starts = np.cumsum([0] + [len(chunk) for chunk in chunks])
        rows = len(self.slots)  # more than the ids
        out = np.empty(starts[-1], dtype=np.int32 if rows < 2**31 else np.int64)

        def one(at: int) -> bool:
            packed = packed_words(pa.chunked_array([chunks[at]]), self.words)
            if packed is not None:
                self.lookup(packed, out[starts[at]:starts[at + 1]])
            return packed is not None

        with ThreadPoolExecutor(2, thread_name_prefix="jiceng-codes") as pool:
            return out if all(list(pool.map(one, range(len(chunks))))) else None
