"""One exception hierarchy for the whole project, and the codes of its problems.

The library raises these and never exits or prints; only the CLI turns them into
exit codes (2 for every subclass here). Each class has a stable ``code`` and each
:class:`Problem` a :class:`ProblemCode`, so that tests and programs match codes, not the
text of messages (docs/design.md §7.7 lists them).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from jiceng.graphmodel.cells import terminal_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "JicengError",
    "Problem",
    "ProblemCode",
    "WarningCode",
    "InvalidInputError",
    "UnknownNodeError",
    "AmbiguousNodeError",
    "ArgumentError",
    "ArgumentTypeError",
    "RuleError",
    "OutputError",
    "BackendUnavailableError",
]


class ProblemCode(StrEnum):
    """What is wrong in one :class:`Problem`: stable across releases, for programs and tests.

    The values are the codes (``problem.code == "duplicate_id"`` holds); docs/design.md §7.7
    gives each one's meaning in Chinese and English.

    >>> ProblemCode("bad_kind") is ProblemCode.BAD_KIND
    True
    """

    # the file itself
    FILE_NOT_FOUND = "file_not_found"
    NOT_A_DATASET = "not_a_dataset"
    EMPTY_FILE = "empty_file"
    TOO_LARGE = "too_large"
    ENCODING = "encoding"
    BAD_CSV = "bad_csv"
    BAD_WORKBOOK = "bad_workbook"
    STRICT_OOXML = "strict_ooxml"
    BAD_YAML = "bad_yaml"
    BAD_STRUCTURE = "bad_structure"
    MISSING_SHEET = "missing_sheet"
    AMBIGUOUS_SHEET = "ambiguous_sheet"
    # the header
    NO_HEADER = "no_header"
    MISSING_COLUMN = "missing_column"
    BAD_HEADING = "bad_heading"
    DUPLICATE_COLUMN = "duplicate_column"
    UNNAMED_COLUMN = "unnamed_column"
    UNKNOWN_FIELD = "unknown_field"
    # sizes
    TOO_MANY_COLUMNS = "too_many_columns"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_LONG = "too_long"
    # rows and cells
    OPEN_QUOTE = "open_quote"
    EXTRA_CELLS = "extra_cells"
    LINE_BREAK = "line_break"
    FORMULA_ERROR = "formula_error"
    FORMULA_NOT_CALCULATED = "formula_not_calculated"
    MISSING_VALUE = "missing_value"
    BAD_KIND = "bad_kind"
    BAD_VALUE = "bad_value"
    BAD_NUMBER = "bad_number"
    NUMBER_TOO_LARGE = "number_too_large"
    BAD_USCC = "bad_uscc"
    # the graph
    DUPLICATE_ID = "duplicate_id"
    UNKNOWN_ENDPOINT = "unknown_endpoint"
    AMBIGUOUS_ENDPOINT = "ambiguous_endpoint"
    BAD_ENDPOINT = "bad_endpoint"
    ONE_PER_SOURCE = "one_per_source"
    CYCLE = "cycle"
    UNKNOWN_NODE = "unknown_node"
    WRONG_KIND = "wrong_kind"
    NOTHING_TO_DRAW = "nothing_to_draw"
    TOO_MANY_PAIRS = "too_many_pairs"


class WarningCode(StrEnum):
    """What looks wrong in a valid dataset: a :class:`Problem` with one of these codes is a
    warning, said by ``jiceng validate`` (exit 0), never a reason to refuse the data
    (docs/design.md §8 lists them).

    >>> WarningCode("example_row") is WarningCode.EXAMPLE_ROW
    True
    """

    EXAMPLE_ROW = "example_row"
    DUPLICATE_NAME = "duplicate_name"


class JicengError(Exception):
    """Base class of every error the project raises on purpose.

    ``code`` names the class of error, stable across releases (each subclass has its own).
    """

    code: ClassVar[str] = "error"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file.

    ``row`` is the row number as a spreadsheet shows it (the header is row 1, the
    first data row is row 2); ``None`` when the problem concerns the whole file.
    ``message`` is what is wrong, in Chinese, and ``message_en`` the same in English
    (empty for the few messages written in one language only). ``code``, a keyword
    every maker gives, says what is wrong for programs (a :class:`ProblemCode`, or a
    :class:`WarningCode` for a warning).

    Shown Chinese first, the English in parentheses after it:

    >>> print(Problem("nodes.csv", 3, "kind", "未知的节点类型 'foo'", "unknown node kind 'foo'",
    ...               code=ProblemCode.BAD_KIND))
    nodes.csv 第 3 行 kind 列：未知的节点类型 'foo'（row 3, column kind: unknown node kind 'foo'）
    >>> print(Problem("edges.csv", None, None, "file not found", code=ProblemCode.FILE_NOT_FOUND))
    edges.csv：file not found
    """

    file: str
    row: int | None
    column: str | None
    message: str
    message_en: str = ""
    code: ProblemCode | WarningCode = field(kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.code, WarningCode):  # a plain string is checked
            object.__setattr__(self, "code", ProblemCode(self.code))

    def to_json(self) -> dict:
        """``{"code", "file", "row", "column", "message"}`` for programs (the message in Chinese,
        then the English in parentheses)."""
        message = f"{self.message}（{self.message_en}）" if self.message_en else self.message
        return {"code": str(self.code), "file": self.file, "row": self.row, "column": self.column,
                "message": message}

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

    code: ClassVar[str] = "invalid_input"

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
        count = len(self.problems)
        head = "\n".join(str(p) for p in self.problems[:50])
        more = (f"\n……另有 {count - 50} 个问题（... and {count - 50} more problems）"
                if count > 50 else "")
        super().__init__(head + more)


class UnknownNodeError(JicengError, KeyError):
    """A node id asked for is not in the graph."""

    code: ClassVar[str] = "unknown_node"

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


#: Candidates an :class:`AmbiguousNodeError` lists in its message.
MAX_CANDIDATES = 10


class AmbiguousNodeError(JicengError):
    """A name fragment matches more than one node; ``candidates`` lists them."""

    code: ClassVar[str] = "ambiguous_node"

    def __init__(self, text: str, kinds: Sequence[str] | None, candidates: pd.DataFrame):
        from jiceng.graphmodel.schema import NODE_KINDS  # the schema imports this module

        self.text = text
        self.candidates = candidates
        zh = "、".join(NODE_KINDS[k].zh for k in kinds) if kinds else "节点"
        en = "/".join(kinds) if kinds else ""
        lines = [f"'{text}' 对应 {len(candidates)} 个{zh}，请给出编号或更完整的名称"
                 f"（'{text}' matches {len(candidates)} {en + ' ' if en else ''}nodes; give the id "
                 "or more of the name）:"]
        lines += [f"  {_one_line(i)}  {_one_line(n)}  {NODE_KINDS[k].zh}" if not kinds
                  else f"  {_one_line(i)}  {_one_line(n)}"
                  for i, n, k in zip(candidates["id"][:MAX_CANDIDATES],
                                     candidates["name"][:MAX_CANDIDATES],
                                     candidates["kind"][:MAX_CANDIDATES])]
        if len(candidates) > MAX_CANDIDATES:
            lines.append(f"  … 另有 {len(candidates) - MAX_CANDIDATES} 个 (and more)")
        super().__init__("\n".join(lines))


def _one_line(text: object) -> str:
    """A name in a list of candidates: one line of the message, whatever it holds (a line
    break in a name would read as another candidate)."""
    return terminal_text(str(text), layout=False)


class ArgumentError(JicengError, ValueError):
    """An argument of a query is out of its range (also a ValueError)."""

    code: ClassVar[str] = "argument"


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument of a query has the wrong type (also a TypeError)."""


class RuleError(JicengError):
    """A coverage rule (or rule file) is invalid; names the file, the rule and the field.

    ``message`` says what is wrong in Chinese and ``message_en`` the same in English, shown
    Chinese first as :class:`Problem` does:

    >>> print(RuleError("须为 in 或 out", "must be 'in' or 'out'", rule="r",
    ...                 field="count.direction", file="rules.yaml"))
    rules.yaml 规则 'r' 字段 count.direction：须为 in 或 out（rule 'r', field 'count.direction': must be 'in' or 'out'）
    """

    code: ClassVar[str] = "rule"

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


class OutputError(JicengError, OSError):
    """An output could not be written (or was refused); names the path and the reason.

    Also an :class:`OSError`, so callers that catch that keep working; ``errno`` is the
    system's error number when the system refused it, None when jiceng did.
    """

    code: ClassVar[str] = "output_refused"

    def __init__(self, path: str | os.PathLike, reason_zh: str, reason_en: str,
                 errno: int | None = None):
        self.path = Path(path)
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"无法写入 {self.path}：{reason_zh}（cannot write {self.path}: {reason_en}）")
        self.errno = errno

    def __str__(self) -> str:
        return str(self.args[0])


class BackendUnavailableError(JicengError):
    """A backend (the Neo4j server) could not be reached or refused the work."""

    code: ClassVar[str] = "backend_unavailable"
