"""One exception hierarchy for the whole project.

The library raises these and never exits or prints; only the CLI turns them into
exit codes (2 for every subclass here).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "JicengError",
    "Problem",
    "InvalidInputError",
    "UnknownNodeError",
    "RuleError",
    "BackendUnavailableError",
]


class JicengError(Exception):
    """Base class of every error the project raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file.

    ``row`` is the row number as a spreadsheet shows it (the header is row 1, the
    first data row is row 2); ``None`` when the problem concerns the whole file.
    ``message`` is what is wrong, in Chinese, and ``message_en`` the same in English
    (empty for the few messages written in one language only).

    Shown Chinese first, the English in parentheses after it:

    >>> print(Problem("nodes.csv", 3, "kind", "未知的节点类型 'foo'", "unknown node kind 'foo'"))
    nodes.csv 第 3 行 kind 列：未知的节点类型 'foo'（row 3, column kind: unknown node kind 'foo'）
    >>> print(Problem("edges.csv", None, None, "file not found"))
    edges.csv：file not found
    """

    file: str
    row: int | None
    column: str | None
    message: str
    message_en: str = ""

    def __str__(self) -> str:
        zh, en = [], []
        if self.row is not None:
            zh.append(f"第 {self.row} 行")
            en.append(f"row {self.row}")
        if self.column is not None:
            zh.append(f"{self.column} 列")
            en.append(f"column {self.column}")
        where = f"{self.file} {' '.join(zh)}" if zh else self.file
        if self.message_en:
            english = f"{', '.join(en)}: {self.message_en}" if en else self.message_en
            return f"{where}：{self.message}（{english}）"
        return f"{where}（{', '.join(en)}）：{self.message}" if en else f"{where}：{self.message}"


class InvalidInputError(JicengError):
    """A dataset (or other input file) is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
        count = len(self.problems)
        head = "\n".join(str(p) for p in self.problems[:50])
        more = (f"\n……另有 {count - 50} 个问题（... and {count - 50} more problems）"
                if count > 50 else "")
        super().__init__(head + more)


class UnknownNodeError(JicengError, KeyError):
    """A node id asked for is not in the graph."""

    def __init__(self, node_id: str, kind: str | None = None):
        from jiceng.graphmodel.schema import NODE_KINDS  # the schema imports this module

        self.node_id = node_id
        self.kind = kind
        what = f"{kind} " if kind else ""
        zh = "、".join(NODE_KINDS[k].zh if k in NODE_KINDS else k for k in kind.split("/")) \
            if kind else "节点"
        super().__init__(f"没有编号为 {node_id!r} 的{zh}（unknown {what}node {node_id!r}）")

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class RuleError(JicengError):
    """A coverage rule (or rule file) is invalid; names the file, the rule and the field.

    ``message`` says what is wrong in Chinese and ``message_en`` the same in English, shown
    Chinese first as :class:`Problem` does:

    >>> print(RuleError("须为 in 或 out", "must be 'in' or 'out'", rule="r",
    ...                 field="count.direction", file="rules.yaml"))
    rules.yaml 规则 'r' 字段 count.direction：须为 in 或 out（rule 'r', field 'count.direction': must be 'in' or 'out'）
    """

    def __init__(self, message: str, message_en: str = "", *, rule: str | None = None,
                 field: str | None = None, file: str | None = None):
        self.rule = rule
        self.field = field
        self.file = file
        self.message = message
        self.message_en = message_en
        zh = " ".join(w for w in (file, f"规则 {rule!r}" if rule else None,
                                  f"字段 {field}" if field else None) if w)
        en = ", ".join(w for w in (f"rule {rule!r}" if rule else None,
                                   f"field {field!r}" if field else None) if w)
        said = f"{message}（{en + ': ' if en else ''}{message_en}）" if message_en else message
        super().__init__(f"{zh}：{said}" if zh else said)


class BackendUnavailableError(JicengError):
    """A backend (the Neo4j server) could not be reached or refused the work."""
