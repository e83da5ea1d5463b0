"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

Eighteen characters from 31 (the digits and the capitals without I, O, Z, S, V): the
registration authority (1), the kind of organisation (1), the administrative division (6
digits), the organisation code (9) and a check character, computed from the first seventeen
with the weights 3^i mod 31 (docs/design.md §3). The code is how one organisation is
recognised across the files of several street offices (docs/design.md §8), so a mistyped
one is refused rather than trusted.

>>> check_character("91110000600037341")
'L'
>>> uscc_problem("91110000600037341L") is None
True
>>> print(uscc_problem("91110000600037341X"))
校验位应为 L，实为 X
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["USCC_ALPHABET", "USCC_LENGTH", "check_character", "is_uscc", "uscc_problem",
           "uscc_invalid"]

#: The 31 characters a code may hold, in the order of their values 0..30.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18

_VALUE = {c: v for v, c in enumerate(USCC_ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...
#: byte -> its value as a code character, 255 for a byte no code holds
_BYTE_VALUE = np.full(256, 255, dtype=np.uint8)
_BYTE_VALUE[np.frombuffer(USCC_ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(31)


def check_character(first17: str) -> str:
    """The check character that completes the seventeen characters ``first17``.

    >>> check_character("91350100M000100Y4")
    '3'
    """
    if len(first17) != USCC_LENGTH - 1 or any(c not in _VALUE for c in first17):
        raise ValueError(f"not the first 17 characters of a code: {first17!r}")
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """What is wrong with ``code`` as a unified social credit code (in Chinese), or None.

    >>> print(uscc_problem("9152010"))
    应为 18 位，实为 7 位
    >>> print(uscc_problem("91520102MA6DKQ1DIM"))
    第 17 位 I 不是代码字符（数字和除 I、O、Z、S、V 外的大写字母）
    """
    if len(code) != USCC_LENGTH:
        return f"应为 {USCC_LENGTH} 位，实为 {len(code)} 位"
    for position, c in enumerate(code, 1):
        if c not in _VALUE:
            return f"第 {position} 位 {c} 不是代码字符（数字和除 I、O、Z、S、V 外的大写字母）"
    expected = check_character(code[:-1])
    if code[-1] != expected:
        return f"校验位应为 {expected}，实为 {code[-1]}"
    return None


def is_uscc(code: str) -> bool:
    """Whether ``code`` is a well-formed code with a correct check character.

    >>> is_uscc("91350100M000100Y43"), is_uscc("91350100M000100Y44")
    (True, False)
    """
    return uscc_problem(code) is None


def uscc_invalid(codes: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """For each of ``codes`` (strings, none missing), whether :func:`uscc_problem` finds
    something wrong with it: the same answer for a column at once, in numpy (a city of 100×
    Guiyang holds a quarter of a million codes).

    >>> uscc_invalid(pa.array(["91110000600037341L", "91110000600037341X", "9152010"])).tolist()
    [False, True, True]
    """
    codes = codes.combine_chunks() if isinstance(codes, pa.ChunkedArray) else codes
    invalid = np.ones(len(codes), dtype=bool)
    whole = np.flatnonzero(pc.equal(pc.binary_length(codes), USCC_LENGTH).to_numpy(
        zero_copy_only=False))  # 18 bytes: 18 characters of the alphabet, if any
    if not len(whole):
        return invalid
    chosen = codes.take(pa.array(whole)).cast(pa.large_string())  # compact: 18 bytes each
    start = np.frombuffer(chosen.buffers()[1], dtype=np.int64)[chosen.offset]
    data = np.frombuffer(chosen.buffers()[2], dtype=np.uint8, count=USCC_LENGTH * len(whole),
                         offset=int(start)).reshape(len(whole), USCC_LENGTH)
    values = _BYTE_VALUE[data]
    total = values[:, :-1].astype(np.int64) @ np.array(_WEIGHTS, dtype=np.int64)
    invalid[whole] = (values == 255).any(axis=1) | (values[:, -1] != (31 - total % 31) % 31)
    return invalid
