"""YAML files people write (rule files, the plan's units file), read within bounds.

One reader for every such file, so each has the same limits (:mod:`jiceng.loaders.limits`):
at most :data:`MAX_YAML_BYTES` read (``/dev/zero`` is refused), no anchors or aliases (a
400-byte "billion laughs" file expands to gigabytes), at most :data:`MAX_YAML_NODES` nodes,
nested at most :data:`MAX_YAML_DEPTH` deep (20,000 nested brackets overflow the parser's
stack). Each is checked on the parser's event stream, before any object is built.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import yaml

from jiceng.loaders.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES

__all__ = ["read_yaml", "parse_yaml"]

_LOADERS = {False: getattr(yaml, "CSafeLoader", yaml.SafeLoader),
            True: getattr(yaml, "CBaseLoader", yaml.BaseLoader)}


def read_yaml(path: str | os.PathLike, *, what: tuple[str, str],
              fail: Callable[[str, str], Exception], text: bool = False,
              check: Callable[[str], None] | None = None) -> Any:
    """The document of a YAML file that a person wrote, read within the limits.

    ``what`` names the file for messages, Chinese and English (``("规则文件", "rule file")``);
    ``fail(zh, en)`` makes the error to raise (the caller's kind, naming the file). With
    ``text`` every scalar is the text as typed: ``0101`` stays ``0101`` (YAML 1.1 reads it
    as the octal 65), ``007``, ``1e3`` and ``true`` stay text. ``check(document)`` may refuse
    more of the text once it is known to be within the limits, before it is built.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
    ...     _ = f.write("- id: 0101\\n  exclude: true\\n")
    >>> read_yaml(f.name, what=("单位文件", "units file"), fail=ValueError, text=True)
    [{'id': '0101', 'exclude': 'true'}]
    """
    zh, en = what
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_YAML_BYTES + 1)  # /dev/zero or a huge file: read no more
    except FileNotFoundError:
        raise fail(f"找不到{zh}", f"{en} not found") from None
    except OSError as error:
        raise fail(f"无法读取{zh}", f"cannot read the {en}: {error.strerror or error}") from None
    if len(data) > MAX_YAML_BYTES:
        raise fail(f"{zh}超过 {MAX_YAML_BYTES // 1024:,} KB 的上限",
                   f"a {en} holds at most {MAX_YAML_BYTES // 1024:,} KB")
    try:
        document = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise fail(f"{zh}不是 UTF-8 文本，第 {error.start} 字节",
                   f"the {en} is not UTF-8 text, at byte {error.start}") from None
    try:
        _check_size(document, zh, en, fail)
        if check is not None:
            check(document)
        return parse_yaml(document, text=text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where_zh = f"，第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        where_en = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or error
        raise fail(f"{zh}不是有效的 YAML{where_zh}",
                   f"the {en} is not valid YAML{where_en}: {problem}") from None


def parse_yaml(document: str, *, text: bool = False) -> Any:
    """``yaml.safe_load`` with the C parser when PyYAML has it (ten times faster); with
    ``text`` every scalar stays the text typed. For YAML the package ships: a person's file
    goes through :func:`read_yaml`."""
    return yaml.load(document, Loader=_LOADERS[text])  # noqa: S506 - a safe or base loader


def _check_size(document: str, zh: str, en: str, fail: Callable[[str, str], Exception]) -> None:
    """Refuse anchors and aliases, more than MAX_YAML_NODES nodes and nesting deeper than
    MAX_YAML_DEPTH, reading parser events only (nothing is built)."""
    depth = 0
    for nodes, event in enumerate(yaml.parse(document, Loader=_LOADERS[False]), start=1):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise fail(f"{zh}不能使用 YAML 锚点和别名（&/*），第 {line} 行",
                       f"YAML anchors and aliases are not allowed in a {en}; line {line}")
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise fail(f"{zh}嵌套超过 {MAX_YAML_DEPTH} 层，第 {line} 行",
                           f"a {en} nests at most {MAX_YAML_DEPTH} levels deep; line {line}")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if nodes > MAX_YAML_NODES:
            raise fail(f"{zh}超过 {MAX_YAML_NODES:,} 个节点的上限",
                       f"a {en} holds at most {MAX_YAML_NODES:,} YAML nodes")
