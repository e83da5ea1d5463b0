"""Every output format in one place: table, JSON, CSV, Markdown, Excel and HTML.

A command builds a :class:`Report` (named sections of DataFrames plus the
machine-readable JSON object of DESIGN.md §6) and hands it to :func:`emit`.
Column headings are shown bilingually, ``覆盖率 (coverage)``, from
:data:`COLUMN_LABELS`; JSON keeps the plain English ids.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from rich.console import Console
from rich.table import Table

from jiceng.graphmodel import JicengError
from jiceng.loaders.atomic import atomic_path, write_text_atomic
from jiceng.loaders.excel import write_sheet

__all__ = ["Section", "Report", "emit", "FORMATS", "COLUMN_LABELS", "heading", "render_html"]

FORMATS = ("table", "json", "csv", "markdown", "xlsx", "html")

#: Chinese labels of column ids used in reports. Unknown ids are shown as they are.
COLUMN_LABELS: dict[str, str] = {
    "id": "编号",
    "name": "名称",
    "kind": "类型",
    "rule": "规则",
    "title": "标题",
    "title_zh": "中文标题",
    "title_en": "英文标题",
    "each": "检查对象",
    "checked": "检查数",
    "passing": "达标数",
    "failing": "未达标数",
    "coverage": "覆盖率",
    "count": "数量",
    "min": "最低要求",
    "street": "街道",
    "street_name": "街道名称",
    "district": "区(县)",
    "district_name": "区(县)名称",
    "rank": "排名",
    "rules_failing": "未达标规则",
    "score": "综合得分",
    "source": "来源",
    "target": "目标",
    "table": "表",
    "community": "社区",
    "community_name": "社区名称",
    "communities": "社区数",
    "units": "单位数",
    "unit": "单位",
    "unit_name": "单位名称",
    "households": "户数",
    "inflow": "资源流入单位数",
    "isolated": "孤立社区",
    "fragile": "脆弱社区",
    "component": "连通分量",
    "hops": "跳数",
    "gini": "基尼系数",
    "status": "状态",
    "change": "变化",
    "before": "之前",
    "after": "之后",
    "delta": "差值",
    "value": "值",
    "what": "项目",
    "article": "文章依据",
    "worst_rule": "最弱规则",
    # jiceng plan
    "unit_street": "单位所在街道",
    "unit_street_name": "单位所在街道名称",
    "target_name": "目标名称",
    "target_kind": "目标类型",
    "target_street": "目标所在街道",
    "target_street_name": "目标所在街道名称",
    "kind_zh": "关系类型",
    "need": "需求",
    "need_zh": "需求说明",
    "scope": "范围",
    "scope_zh": "范围说明",
    "wanted": "需要数",
    "met": "已满足",
    "missing": "缺口",
    "unmet": "未满足",
    "reason": "原因",
    "measure": "指标",
    "measure_zh": "指标说明",
    "proposals": "拟建数",
    "pairings": "结对共建",
    "seats": "兼职委员",
}


def heading(column: str) -> str:
    """A bilingual column heading: ``覆盖率 (coverage)``."""
    zh = COLUMN_LABELS.get(column)
    return f"{zh} ({column})" if zh else column


@dataclass
class Section:
    """One table of a report: a key (used as sheet name and CSV choice), a title, the data."""

    key: str
    title: str
    frame: pd.DataFrame
    screen: bool = True  # shown by --format table (long gap lists are not)
    screen_columns: list[str] | None = None  # the columns shown on screen, when not all


@dataclass
class Report:
    """What a command produces: sections for people, ``data`` for programs (JSON)."""

    title: str
    sections: list[Section]
    data: dict = field(default_factory=dict)
    dataset: str = ""
    notes: list[str] = field(default_factory=list)

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def _bilingual(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={c: heading(str(c)) for c in frame.columns})


def _cell(value) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _format_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if str(column) in ("coverage", "share", "isolated_share", "fragile_share") or str(column).endswith("_share"):
            out[column] = [("" if pd.isna(v) else f"{v:.1%}") for v in out[column]]
        else:
            out[column] = [_cell(v) for v in out[column]]
    return out


def render_markdown(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    if report.dataset:
        lines += [f"数据集 dataset: `{report.dataset}` · 生成于 generated {dt.date.today().isoformat()}", ""]
    for note in report.notes:
        lines += [f"> {note}", ""]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        frame = _bilingual(_format_frame(section.frame))
        if frame.empty:
            lines += ["（无 none）", ""]
            continue
        escape = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
        lines.append("| " + " | ".join(escape(c) for c in frame.columns) + " |")
        lines.append("|" + "---|" * len(frame.columns))
        for row in frame.itertuples(index=False, name=None):
            lines.append("| " + " | ".join(escape(v) for v in row) + " |")
        lines.append("")
    return "\n".join(lines)


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
margin:2em;color:#222}
table{border-collapse:collapse;margin:0 0 2em 0;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0}caption{text-align:left;font-weight:bold;margin:.5em 0}
.meta{color:#666}
"""


def render_html(report: Report) -> str:
    """A single self-contained HTML page (inline CSS, no scripts, nothing external)."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>{e(report.title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{e(report.title)}</h1>"]
    if report.dataset:
        parts.append(f'<p class="meta">数据集 dataset: {e(report.dataset)} · 生成于 generated '
                     f"{dt.date.today().isoformat()}</p>")
    for note in report.notes:
        parts.append(f"<p>{e(note)}</p>")
    for section in report.sections:
        frame = _bilingual(_format_frame(section.frame))
        parts.append(f"<h2>{e(section.title)}</h2>")
        if frame.empty:
            parts.append("<p>（无 none）</p>")
            continue
        parts.append("<table><thead><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
                     + "</tr></thead><tbody>")
        for row in frame.itertuples(index=False, name=None):
            parts.append("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _sheet_title(key: str, used: set[str]) -> str:
    title = "".join("_" if ch in '[]:*?/\\' else ch for ch in key)[:31] or "sheet"
    base, n = title, 2
    while title.lower() in used:
        suffix = f"~{n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def write_xlsx(report: Report, path: str | os.PathLike) -> None:
    """One sheet per section, bilingual headings, ids kept as text; written atomically."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for section in report.sections:
        frame = section.frame.copy()
        for column in frame.columns:  # lists (gap ids) become text
            if frame[column].map(lambda v: isinstance(v, (list, tuple))).any():
                frame[column] = frame[column].map(_cell)
        write_sheet(workbook, _sheet_title(section.key, used), _bilingual(frame),
                    text_columns=[heading(c) for c in ("id", "source", "target", "street", "district",
                                                      "community", "unit")])
    with atomic_path(path) as temporary:
        workbook.save(temporary)


def render_csv(report: Report) -> str:
    frame = report.sections[0].frame if report.sections else pd.DataFrame()
    buffer = io.StringIO()
    _bilingual(frame.map(lambda v: _cell(v) if isinstance(v, (list, tuple)) else v)).to_csv(
        buffer, index=False)
    return buffer.getvalue()


def render_table(report: Report, console: Console) -> None:
    console.print(f"[bold]{report.title}[/bold]" + (f"  [dim]{report.dataset}[/dim]" if report.dataset else ""))
    for note in report.notes:
        console.print(note)
    for section in report.sections:
        if not section.screen:
            continue
        shown = section.frame if section.screen_columns is None else \
            section.frame[section.screen_columns]
        frame = _bilingual(_format_frame(shown))
        table = Table(title=section.title, title_justify="left", show_lines=False)
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False, name=None):
            table.add_row(*(str(v) for v in row))
        if frame.empty:
            console.print(f"{section.title}: （无 none）")
        else:
            console.print(table)


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def emit(report: Report, fmt: str, output: str | os.PathLike | None) -> None:
    """Write ``report`` in ``fmt`` to ``output`` (atomically) or to stdout.

    CSV written to a file is UTF-8 with BOM so Excel opens it; to stdout it is plain UTF-8.
    """
    if fmt not in FORMATS:
        raise JicengError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "xlsx":
        if output is None:
            raise JicengError("--format xlsx writes a workbook: give --output FILE.xlsx")
        write_xlsx(report, output)
        return
    if fmt == "table":
        if output is None:
            render_table(report, Console(file=sys.stdout, soft_wrap=False))
            return
        buffer = io.StringIO()
        render_table(report, Console(file=buffer, width=160, force_terminal=False, color_system=None))
        text = buffer.getvalue()
    elif fmt == "json":
        text = to_json(report.data) + "\n"
    elif fmt == "csv":
        text = render_csv(report)
    elif fmt == "markdown":
        text = render_markdown(report)
    else:
        text = render_html(report)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_text_atomic(Path(output), text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
