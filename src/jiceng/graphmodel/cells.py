"""Text that a spreadsheet would evaluate stays data: one escape, used by every writer and reader.

Excel and WPS evaluate a CSV cell that begins with ``=``, ``+``, ``-``, ``@``, tab or CR as a
formula (OWASP "CSV injection"). Every CSV jiceng writes passes text cells through
:func:`escape_formula`, which puts one apostrophe before such text (the spreadsheet then shows
the text as it is); every reader passes them through :func:`unescape_formula`, which takes that
apostrophe off again. Text that already begins with apostrophes before such a character gets one
more, so the pair is exact for every string: ``unescape_formula(escape_formula(s)) == s``.

In xlsx files the cell's type says "text" (``data_type = "s"``); no apostrophe is needed there,
but :func:`is_formula_like` tells the writers which cells must be forced to text.
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_START", "is_formula_like", "escape_formula", "unescape_formula"]

#: The first characters that make a spreadsheet evaluate a cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_ESCAPED = re.compile(r"'*[=+\-@\t\r]")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would evaluate ``text`` typed into a cell.

    >>> is_formula_like("=SUM(A1)"), is_formula_like("-1"), is_formula_like("社区")
    (True, True, False)
    """
    return text.startswith(FORMULA_START)


def escape_formula(text: str) -> str:
    """``text`` as a CSV cell that a spreadsheet shows as text and never evaluates.

    >>> escape_formula('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> escape_formula("'=1"), escape_formula("O'Brien")
    ("''=1", "O'Brien")
    """
    return "'" + text if _ESCAPED.match(text) else text


def unescape_formula(text: str) -> str:
    """The text that :func:`escape_formula` escaped, as it was.

    >>> unescape_formula("'=1"), unescape_formula("''=1"), unescape_formula("'quoted'")
    ('=1', "'=1", "'quoted'")
    """
    return text[1:] if text.startswith("'") and _ESCAPED.match(text, 1) else text
