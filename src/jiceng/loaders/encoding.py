"""The encoding of a CSV file's bytes: UTF-8 (with or without BOM) or GB18030/GBK, what Excel on
Chinese Windows writes; detected strictly, never guessed into mojibake."""

from __future__ import annotations

import codecs

__all__ = ["detect_encoding"]


def detect_encoding(data: bytes) -> str | None:
    """The encoding of CSV bytes: ``utf-8-sig``, ``utf-8`` or ``gb18030``; None if none fits.

    Bytes are decoded strictly. Bytes that decode as GB18030 only by landing mostly outside
    GB2312 (the common Chinese characters) are Latin-1 or another code page, not Chinese: None.

    >>> detect_encoding("网格".encode("gbk")), detect_encoding(codecs.BOM_UTF8 + b"id")
    ('gb18030', 'utf-8-sig')
    >>> detect_encoding("Müller,Zoë".encode("latin-1")) is None
    True
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "gb18030" if _looks_chinese(text) else None


def _looks_chinese(text: str) -> bool:
    """Whether most distinct non-ASCII characters are in GB2312 (what Chinese text is made of)."""
    wide = {c for c in set(text) if ord(c) > 127}
    rare = 0
    for char in wide:
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare * 2 <= len(wide)
