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

__all__ = ["USCC_ALPHABET", "USCC_LENGTH", "check_character", "is_uscc", "uscc_problem"]

#: The 31 characters a code may hold, in the order of their values 0..30.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18

_VALUE = {c: v for v, c in enumerate(USCC_ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...


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
