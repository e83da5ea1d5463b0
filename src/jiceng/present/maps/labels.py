"""Labels short enough for a map: long names broken into lines, street prefixes dropped."""

from __future__ import annotations

import re

__all__ = ["WRAP", "wrap", "short_name"]

WRAP = 8  # characters per line of a label


def wrap(text: str, width: int = WRAP) -> str:
    """Break a long (Chinese) name into lines of ``width`` characters.

    >>> wrap("观山湖区金阳街道碧海社区党委", 6)
    '观山湖区金阳\\n街道碧海社区\\n党委'
    """
    text = str(text)
    return "\n".join(text[i: i + width] for i in range(0, len(text), width)) or text


_SUFFIXES = re.compile(r"(社区党总支|社区党委|社区党支部|社区党组织|街道党工委|党工委|党总支|党委|党支部)$")


def short_name(name: str, street_name: str = "") -> str:
    """A community's or street's name without its street prefix and Party suffix, for labels.

    >>> short_name("中华北路街道翠安桥社区党总支", "中华北路街道党工委")
    '翠安桥'
    >>> short_name("中华北路街道党工委")
    '中华北路'
    """
    name = str(name)
    prefix = re.sub(r"(党工委|党委)$", "", str(street_name))
    if prefix and name.startswith(prefix) and len(name) > len(prefix) + 2:
        name = name[len(prefix):]
    return _SUFFIXES.sub("", name) or name
