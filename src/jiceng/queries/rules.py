"""Coverage rules as data: parse and check a YAML rule file against the schema.

The default rules ship as ``default_rules.yaml`` and encode the article.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from jiceng.graphmodel import RuleError
from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS
from jiceng.graphmodel.validate import nfkc_columns
from jiceng.loaders.yaml_file import parse_yaml, read_yaml
from jiceng.queries._args import list_of

__all__ = ["EdgeCount", "Rule", "load_rules", "as_rules", "default_rules", "parse_rules",
           "DEFAULT_RULES_FILE"]

DEFAULT_RULES_FILE = "default_rules.yaml"


@dataclass(frozen=True)
class EdgeCount:
    """Which edges to count at a node: kind, direction, and filters on the node at the other end."""

    edge: str
    direction: str = "in"
    other: tuple[str, ...] = ()
    other_attrs: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Rule:
    """A coverage rule (docs/design.md §4).

    Each node of a kind in ``each`` that matches ``where_attrs`` (and, if given, has at
    least one edge as described by ``where_edge``) is checked: it passes when it has at
    least ``min`` edges as described by ``count``.
    """

    id: str
    title_zh: str
    title_en: str
    each: tuple[str, ...]
    count: EdgeCount
    min: int = 1
    article: str = ""
    where_attrs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    where_edge: EdgeCount | None = None

    @property
    def title(self) -> str:
        return f"{self.title_zh} ({self.title_en})"


MAX_MIN = 1_000_000  # a rule's min: more edges of one kind than any node has, within int64
_RULE_FIELDS = {"id", "title_zh", "title_en", "article", "each", "where", "count", "min"}
_COUNT_FIELDS = {"edge", "direction", "other", "other_attrs"}


def _kinds(value, *, rule: str, field_name: str, file: str | None) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
        raise RuleError("须为节点类型或节点类型的列表", "must be a node kind or a list of node kinds",
                        rule=rule, field=field_name, file=file)
    for kind in items:
        if kind not in NODE_KINDS:
            raise RuleError(f"未知的节点类型 {kind!r}", f"unknown node kind {kind!r}", rule=rule,
                            field=field_name, file=file)
    return tuple(items)


def _attrs(value, *, rule: str, field_name: str, file: str | None):
    if value is None:
        return ()
    if not isinstance(value, dict) or not value:
        raise RuleError("须为“属性: 值（或值的列表）”的映射",
                        "must be a mapping of attribute to value (or list of values)",
                        rule=rule, field=field_name, file=file)
    out = []
    for key, wanted in value.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if not values or any(isinstance(v, (dict, list)) or v is None for v in values):
            raise RuleError(f"属性 {key!r} 须有一个值或值的列表",
                            f"attribute {key!r} must have a value or a list of values",
                            rule=rule, field=field_name, file=file)
        out.append((str(key), tuple(_cell_text(str(key), v) for v in values)))
    return tuple(out)


def _cell_text(attribute: str, value) -> str:
    """A rule's value as the loaders read a cell: YAML's true as the text true, trimmed, and
    NFKC-normalized where the loaders normalize the column (a station's type)."""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value).strip()
    return unicodedata.normalize("NFKC", text) if attribute in nfkc_columns() else text


def _count(value, *, rule: str, field_name: str, file: str | None) -> EdgeCount:
    if not isinstance(value, dict):
        raise RuleError("须为至少含 edge 的映射", "must be a mapping with at least 'edge'",
                        rule=rule, field=field_name, file=file)
    unknown = set(value) - _COUNT_FIELDS
    if unknown:
        expected = ", ".join(sorted(_COUNT_FIELDS))
        raise RuleError(f"未知的键 {_first(unknown)!r}（可用：{expected}）",
                        f"unknown key {_first(unknown)!r} (expected {expected})",
                        rule=rule, field=field_name, file=file)
    edge = value.get("edge")
    if not isinstance(edge, str) or edge not in EDGE_KINDS:
        raise RuleError(f"未知或缺少关系类型 {edge!r}", f"unknown or missing edge kind {edge!r}",
                        rule=rule, field=f"{field_name}.edge", file=file)
    direction = value.get("direction", "in")
    if not isinstance(direction, str) or direction not in ("in", "out"):
        raise RuleError(f"须为 in 或 out，而不是 {direction!r}",
                        f"must be 'in' or 'out', not {direction!r}", rule=rule,
                        field=f"{field_name}.direction", file=file)
    other = _kinds(value["other"], rule=rule, field_name=f"{field_name}.other", file=file) \
        if value.get("other") is not None else ()
    return EdgeCount(edge, direction, other,
                     _attrs(value.get("other_attrs"), rule=rule,
                            field_name=f"{field_name}.other_attrs", file=file))


def _rule(entry, position: int, file: str | None) -> Rule:
    if not isinstance(entry, dict):
        raise RuleError(f"第 {position} 条规则须为映射", f"rule #{position} must be a mapping",
                        file=file)
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip() or len(rule_id) > 200:
        raise RuleError(f"第 {position} 条规则没有 id", f"rule #{position} has no id", field="id",
                        file=file)
    unknown = set(entry) - _RULE_FIELDS
    if unknown:
        expected = ", ".join(sorted(_RULE_FIELDS))
        raise RuleError(f"未知的字段（可用：{expected}）", f"unknown field (expected {expected})",
                        rule=rule_id, field=str(_first(unknown))[:80], file=file)
    for name in ("title_zh", "title_en", "each", "count"):
        if entry.get(name) in (None, ""):
            raise RuleError("必须填写", "is required", rule=rule_id, field=name, file=file)
    for name in ("title_zh", "title_en", "article"):
        if name in entry and not isinstance(entry[name], str):
            raise RuleError("须为文字", "must be text", rule=rule_id, field=name, file=file)
    minimum = entry.get("min", 1)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or not 0 <= minimum <= MAX_MIN:
        raise RuleError(f"须为 0 到 {MAX_MIN:,} 的整数，而不是 {_short(minimum)}",
                        f"must be a whole number from 0 to {MAX_MIN:,}, not {_short(minimum)}",
                        rule=rule_id, field="min", file=file)
    where = entry.get("where") or {}
    if not isinstance(where, dict) or set(where) - {"attrs", "has_edge"}:
        raise RuleError("须为含 attrs 和/或 has_edge 的映射",
                        "must be a mapping with 'attrs' and/or 'has_edge'", rule=rule_id,
                        field="where", file=file)
    return Rule(
        id=rule_id,
        title_zh=entry["title_zh"],
        title_en=entry["title_en"],
        article=entry.get("article", ""),
        each=_kinds(entry["each"], rule=rule_id, field_name="each", file=file),
        count=_count(entry["count"], rule=rule_id, field_name="count", file=file),
        min=minimum,
        where_attrs=_attrs(where.get("attrs"), rule=rule_id, field_name="where.attrs", file=file),
        where_edge=_count(where["has_edge"], rule=rule_id, field_name="where.has_edge", file=file)
        if where.get("has_edge") is not None else None,
    )


def parse_rules(document: Any, *, file: str | None = None) -> list[Rule]:
    """Rules from a parsed YAML document (a mapping with ``rules``, maybe ``extends``/``drop``)."""
    if not isinstance(document, dict):
        raise RuleError("规则文件须为含 rules 列表的映射", "a rule file is a mapping with a 'rules' list",
                        file=file)
    unknown = set(document) - {"rules", "extends", "drop"}
    if unknown:
        raise RuleError(f"未知的顶层键 {_first(unknown)!r}（可用：rules, extends, drop）",
                        f"unknown top-level key {_first(unknown)!r} (expected rules, extends, drop)",
                        file=file)
    entries = document.get("rules") or []
    if not isinstance(entries, list):
        raise RuleError("rules 须为列表", "'rules' must be a list", file=file)
    rules = [_rule(entry, i + 1, file) for i, entry in enumerate(entries)]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError("规则 id 重复", "duplicate rule id", rule=rule.id, field="id", file=file)
        seen.add(rule.id)
    extends = document.get("extends")
    if extends is None:
        if document.get("drop"):
            raise RuleError("drop 须与 extends: default 一起使用", "'drop' needs 'extends: default'",
                            file=file)
        if not rules:
            raise RuleError("文件中没有规则", "the file defines no rules", file=file)
        return rules
    if extends != "default":
        raise RuleError(f"extends 只能是 default，而不是 {_short(extends)}",
                        f"'extends' can only be 'default', not {_short(extends)}", file=file)
    base = {r.id: r for r in default_rules()}
    drop = document.get("drop") or []
    if not isinstance(drop, list):
        raise RuleError("drop 须为规则 id 的列表", "'drop' must be a list of rule ids", file=file)
    for rule_id in drop:
        if not isinstance(rule_id, str) or rule_id not in base:
            raise RuleError(f"无法删除未知的规则 {_short(rule_id)}（默认规则：{', '.join(base)}）",
                            f"cannot drop unknown rule {_short(rule_id)} (default rules: "
                            f"{', '.join(base)})", field="drop", file=file)
        del base[rule_id]
    for rule in rules:
        base[rule.id] = rule  # same id: changed in place; new id: added at the end
    if not base:
        raise RuleError("规则全部被删除，没有规则可查", "every rule is dropped: no rule is left",
                        field="drop", file=file)
    return list(base.values())


def _first(keys) -> Any:
    """The first of a set of keys in a stable order, whatever their types (``1`` and ``'x'``)."""
    return sorted(keys, key=lambda k: (type(k).__name__, str(k)))[0]


def _short(value: Any) -> str:
    """A value for a message, cut short (never the whole of a huge value)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."



def load_rules(path: str | os.PathLike | None = None) -> list[Rule]:
    """Read a YAML rule file; ``None`` gives the default rules of the article.

    Raises
    ------
    RuleError
        Naming the file, the rule and the field at fault.

    Examples
    --------
    >>> [r.id for r in load_rules()][:3]
    ['grid-branch', 'building-group', 'grid-liaison']
    """
    if path is None:
        return default_rules()
    name = str(Path(path))
    document = read_yaml(path, what=("规则文件", "rule file"),
                         fail=lambda zh, en: RuleError(zh, en, file=name),
                         check=lambda text: _refuse_repeated_keys(text, name))
    return parse_rules(document, file=name)


def as_rules(rules: Sequence[Rule] | str | os.PathLike | None) -> list[Rule]:
    """Rules as every query takes them: a list of rules, a rule file's path, or None for
    the article's rules."""
    if rules is None or isinstance(rules, (str, os.PathLike)):
        return load_rules(rules)
    return list_of(rules, Rule, name="rules", what_zh="规则（Rule）的列表、规则文件的路径或 None",
                   what_en="a list of Rule, a rule file's path or None")


def default_rules() -> list[Rule]:
    """The 13 rules of the article, from the packaged ``default_rules.yaml``."""
    text = (files("jiceng.queries") / DEFAULT_RULES_FILE).read_text(encoding="utf-8")
    return parse_rules(parse_yaml(text), file=DEFAULT_RULES_FILE)


def _refuse_repeated_keys(text: str, file: str) -> None:
    """Refuse a key given twice in one mapping (``min: 1`` then ``min: 3``), naming the rule,
    the field and both lines: YAML would keep the last one without a word."""
    document = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    def walk(node, rule: str | None, field: str) -> None:
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, _rule_id(item) if field == "rules" and rule is None else rule, field)
        if not isinstance(node, yaml.MappingNode):
            return
        seen: dict[tuple[str, str], int] = {}  # (tag, text) of each key -> its line
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            name = f"{field}.{key.value}" if field and field != "rules" else key.value
            line = key.start_mark.line + 1
            if (key.tag, key.value) in seen:
                first = seen[(key.tag, key.value)]
                zh = f"第 {line} 行" if first == line else f"第 {first} 行和第 {line} 行"
                en = f"line {line}" if first == line else f"line {first} and line {line}"
                raise RuleError(f"{name} 出现了两次（{zh}），YAML 只会用后一个",
                                f"{name!r} is given twice, on {en}; YAML would silently keep "
                                "the last", rule=rule, field=name, file=file)
            seen[(key.tag, key.value)] = line
            walk(value, rule, name)

    walk(document, None, "")


def _rule_id(node) -> str | None:
    """The id of a rule's YAML mapping, for messages about it before it is read."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" \
                    and isinstance(value, yaml.ScalarNode):
                return value.value
    return None
