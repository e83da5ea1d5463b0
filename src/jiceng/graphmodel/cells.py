"""Text from users' files stays data: one escape for spreadsheets, one for terminals.

Excel and WPS evaluate a CSV cell that begins with ``=``, ``+``, ``-``, ``@``, tab or CR as a
formula (OWASP "CSV injection"). Every CSV jiceng writes passes text cells through
:func:`escape_formula`, which puts one apostrophe before such text (the spreadsheet then shows
the text as it is); every reader passes them through :func:`unescape_formula`, which takes that
apostrophe off again. Text that already begins with apostrophes before such a character gets one
more, so the pair is exact for every string: ``unescape_formula(escape_formula(s)) == s``.

In xlsx files the cell's type says "text" (``data_type = "s"``); no apostrophe is needed there,
but :func:`is_formula_like` tells the writers which cells must be forced to text.

On a terminal, a name holding ``\\x1b]52;…\\x07`` would write to the clipboard, and a bidi
override would reorder what is read. Everything jiceng shows on a terminal (the messages on
stderr, the screen table) passes through :func:`terminal_text`, which shows such characters as
``\\x1b``; the files jiceng writes for programs (JSON, CSV) keep them unchanged.
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_START", "is_formula_like", "escape_formula", "unescape_formula",
           "terminal_text"]

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


#: What a terminal would act on rather than show: C0 controls (tab and line feed are kept by
#: :func:`terminal_text` where a message is laid out with them), DEL, C1 controls, and the
#: bidi embeddings, overrides and isolates that reorder the text around them.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_TERMINAL_CONTROL = re.compile(f"[{_CONTROLS}]")
_TERMINAL_CONTROL_OR_LAYOUT = re.compile(f"[{_CONTROLS}\t\n]")


def terminal_text(text: str, *, layout: bool = True) -> str:
    """``text`` safe to show on a terminal: every control character written as ``\\x1b``
    (``\\u202e`` for a bidi control), so a name can neither send the terminal a command nor
    reorder the line. ``layout`` keeps tab and line feed (a message's own lines); without it they
    are escaped too.

    >>> terminal_text("社区\\x1b]52;c;aGk=\\x07\\n下一行\\u202e")
    '社区\\\\x1b]52;c;aGk=\\\\x07\\n下一行\\\\u202e'
    >>> terminal_text("a\\tb\\r\\n", layout=False)
    'a\\\\x09b\\\\x0d\\\\x0a'
    """
    pattern = _TERMINAL_CONTROL if layout else _TERMINAL_CONTROL_OR_LAYOUT
    return pattern.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
