"""Every output format in one place: table, JSON, CSV, Markdown, Excel and HTML.

A command builds a :class:`Report` (named sections of DataFrames plus the
machine-readable JSON object of DESIGN.md §6) and hands it to :func:`emit`.

People's formats (table, Markdown, HTML, the Excel ledger 台账) lead with Chinese: column
headings ``覆盖率 (coverage)`` from :data:`COLUMN_LABELS`, status values and kinds in Chinese
(:data:`VALUE_LABELS`, the schema's labels), fractions as percentages with one decimal, counts
with thousands separators. Programs' formats (JSON, CSV) keep the codes and plain numbers.

Text from users' files is data in every format: CSV cells pass through
:func:`~jiceng.graphmodel.cells.escape_formula`, xlsx text cells are typed as strings (never
formulas) with characters illegal in XML written as Excel's ``_x001B_`` escapes, the screen
table shows rich markup and control characters literally, Markdown escapes its own syntax
and HTML, and HTML escapes everything.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import math
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from jiceng.graphmodel import JicengError
from jiceng.graphmodel.cells import escape_formula, terminal_text
from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS
from jiceng.loaders.atomic import write_text_atomic
from jiceng.queries._records import plain_records, records_json

__all__ = ["Section", "Report", "emit", "FORMATS", "COLUMN_LABELS", "VALUE_LABELS", "heading",
           "render_html", "render_section_html", "render_markdown", "render_csv", "write_xlsx",
           "SCORE_DEFINITION", "DEFAULT_THRESHOLD"]

FORMATS = ("table", "json", "csv", "markdown", "xlsx", "html")

#: Coverage below this (a fraction) is marked red when no ``--fail-under`` is given.
DEFAULT_THRESHOLD = 0.9

#: What 得分 means, said wherever a score is shown (DESIGN.md §4).
SCORE_DEFINITION = ("得分 = 该街道（区县）内至少检查了一个对象的各条规则覆盖率的平均值，每条规则权重相同；"
                    "按得分排名，得分相同按编号。 Score = the mean, over the rules that check at least "
                    "one node in the street (district), of that rule's coverage there; every rule "
                    "weighs the same; ranked by score, ties by id.")

#: Chinese labels of column ids used in reports. Unknown ids are shown as they are.
COLUMN_LABELS: dict[str, str] = {
    "id": "编号",
    "name": "名称",
    "kind": "类型",
    "rule": "规则",
    "title": "标题",
    "title_zh": "规则名称",
    "title_en": "英文名称",
    "each": "检查对象",
    "checked": "检查数",
    "passing": "达标数",
    "failing": "未达标数",
    "coverage": "覆盖率",
    "count": "数量",
    "min": "最低要求",
    "street": "街道",
    "street_name": "街道名称",
    "district": "区县",
    "district_name": "区县名称",
    "rank": "排名",
    "rules": "适用规则数",
    "rules_failing": "未达标规则数",
    "score": "得分",
    "source": "起点",
    "source_name": "起点名称",
    "target": "终点",
    "target_name": "终点名称",
    "table": "表",
    "community": "社区",
    "community_name": "社区名称",
    "communities": "社区数",
    "streets": "街道数",
    "units": "单位数",
    "unit": "单位",
    "unit_name": "单位名称",
    "households": "户数",
    "inflow": "资源流入单位数",
    "isolated": "孤立社区",
    "fragile": "脆弱社区",
    "isolated_share": "孤立占比",
    "fragile_share": "脆弱占比",
    "mean_inflow": "平均流入单位数",
    "deserts": "资源荒漠数",
    "ties": "共建关系数",
    "single_point": "单点依赖单位",
    "single_point_name": "单点依赖单位名称",
    "new_gaps": "新增缺口",
    "closed_gaps": "消除缺口",
    "component": "连通分量",
    "size": "规模",
    "hops": "跳数",
    "gini": "基尼系数",
    "status": "状态",
    "change": "变化",
    "before": "之前",
    "after": "之后",
    "delta": "变化量",
    "value": "值",
    "what": "项目",
    "article": "文章依据",
    "worst_rule": "最弱规则",
    # jiceng plan
    "unit_street": "单位所在街道",
    "unit_street_name": "单位所在街道名称",
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
    "worst_rule_title": "最弱规则名称",
    "worst_coverage": "最弱规则覆盖率",
    "seq": "序号",
}

#: Status values shown to people in Chinese (the codes stay in JSON and CSV).
VALUE_LABELS: dict[str, str] = {
    "isolated": "孤立", "fragile": "脆弱", "desert": "资源荒漠", "ok": "正常", "linked": "正常",
    "pass": "达标", "fail": "未达标", "absent": "不存在", "added": "新增", "removed": "删除",
    "changed": "修改", "street": "本街道", "district": "跨街道", "connected": "正常",
}

#: Columns whose values are status codes (translated through VALUE_LABELS for people).
STATUS_COLUMNS = ("status", "before_status", "after_status", "change", "scope")
#: Columns holding fractions (shown as percentages).
PERCENT_COLUMNS = ("coverage", "score", "worst_coverage", "share")
#: Columns compared with the threshold (red in the ledger, coloured bars in HTML).
GRADED_COLUMNS = ("coverage", "score", "worst_coverage")
#: Columns holding ids or codes: always text.
ID_COLUMNS = ("id", "source", "target", "street", "district", "community", "unit", "rule",
              "worst_rule", "single_point")

_SCREEN_CELL = 200  # characters of one cell shown on screen, Markdown and HTML
_XLSX_CELL = 32767  # Excel's limit on a cell's text


def heading(column: str) -> str:
    """A bilingual column heading: ``覆盖率 (coverage)``."""
    zh = COLUMN_LABELS.get(column)
    return f"{zh} ({column})" if zh else column


@dataclass
class Section:
    """One table of a report.

    ``key`` names it for ``--section`` and the JSON; ``sheet`` is its Chinese sheet name in
    the ledger (default: the Chinese part of ``title``); ``percent`` the columns holding
    fractions (default: coverage, score and ``*_share``); ``cap`` the rows shown in table,
    Markdown and HTML (the full list is in xlsx, JSON and CSV).
    """

    key: str
    title: str
    frame: pd.DataFrame
    screen: bool = True  # shown by --format table (long gap lists are not)
    screen_columns: list[str] | None = None  # the columns shown on screen, when not all
    sheet: str | None = None
    percent: tuple[str, ...] | None = None
    cap: int | None = None
    html: bool = True  # shown in the HTML briefing
    keep_codes: tuple[str, ...] = ()  # columns shown as codes even to people (a label is beside)
    people: pd.DataFrame | None = None  # the rows as people read them, where a cell's label
    # depends on its row (a diff's kind change); table, Markdown, HTML and xlsx show these

    def people_rows(self) -> pd.DataFrame:
        """What table, Markdown, HTML and xlsx show: ``people`` or the frame, each code column
        with a Chinese twin (``need`` beside ``need_zh``) left to its twin."""
        rows = self.frame if self.people is None else self.people
        twinned = [c for c in rows.columns if f"{c}_zh" in rows.columns]
        return rows.drop(columns=twinned) if twinned else rows

    def percent_columns(self) -> set[str]:
        if self.percent is not None:
            return set(self.percent)
        return {str(c) for c in self.frame.columns
                if str(c) in PERCENT_COLUMNS or str(c).endswith("_share")}

    def sheet_name(self) -> str:
        if self.sheet:
            return self.sheet
        match = re.match(r"[^A-Za-z]+", self.title)
        return (match.group(0).strip(" :：") if match else "") or self.key


@dataclass
class Report:
    """What a command produces: sections for people, ``data`` for programs (JSON).

    ``threshold`` (a fraction) marks low coverage red in the ledger and HTML;
    ``definitions`` are said in the title block of the ledger and HTML (what 得分 means).
    ``main`` is the section ``--format csv`` prints by default.
    """

    title: str
    sections: list[Section]
    data: dict | Callable[[], dict] = field(default_factory=dict)
    dataset: str = ""
    notes: list[str] = field(default_factory=list)
    rules_file: str = ""
    threshold: float = DEFAULT_THRESHOLD
    definitions: list[str] = field(default_factory=list)
    main: str | None = None
    extra_html: str | Callable[[], str] = ""  # trusted HTML (built with escaping) after the sections

    def json_data(self) -> dict:
        """``data`` for programs; given as a function, it is computed only when JSON is written."""
        return self.data() if callable(self.data) else self.data

    def html_extra(self) -> str:
        """``extra_html``; given as a function, it is built only when HTML is written."""
        return self.extra_html() if callable(self.extra_html) else self.extra_html

    def graded(self) -> bool:
        """Whether a section holds a column the threshold colours (coverage, score)."""
        return any(str(c) in GRADED_COLUMNS for s in self.sections for c in s.frame.columns)

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


# ---------------------------------------------------------------- cells for people
def visible(text: str, limit: int = _SCREEN_CELL) -> str:
    """Text as a person should see it in a table cell: control characters (and bidi controls)
    shown as ``\\x1b`` (:func:`~jiceng.graphmodel.cells.terminal_text`),
    line breaks as ``⏎``, cut to ``limit`` characters with "…".

    >>> visible("a\\x1bb\\nc"), visible("社区" * 3, limit=4)
    ('a\\\\x1bb⏎c', '社区社区…')
    """
    if len(text) > limit:
        text = text[:limit] + "…"
    text = text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\t", " ")
    return terminal_text(text)


def _kind_label(value: str) -> str:
    kind = NODE_KINDS.get(value) or EDGE_KINDS.get(value)
    return kind.zh if kind is not None else value


def _is_missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _number(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "是" if value else "否"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _person_cell(column: str, value, percent: bool, signed: bool = False) -> str:
    """One cell as text for people (table, Markdown, HTML); long text cut, nothing escaped."""
    if _is_missing(value):
        return "—" if percent else ""
    if percent and isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        text = f"{float(value) * 100:+.1f}%" if signed else f"{float(value):.1%}"
        return "±0.0%" if signed and text in ("+0.0%", "-0.0%") else text
    if isinstance(value, (list, tuple, np.ndarray)):
        return visible("、".join(str(v) for v in value))
    if isinstance(value, (int, float, np.number)):
        return _number(value)
    return visible(people_text(column, str(value)))


def relabelled(column: str) -> bool:
    """Whether :func:`people_text` may show a cell of ``column`` otherwise than it is."""
    return (column in ("kind", "each", "what", "before", "after") or column.endswith("_kind")
            or column in STATUS_COLUMNS)


def people_text(column: str, text: str) -> str:
    """A text cell of ``column`` as people read it: kinds by their Chinese labels, status codes
    by :data:`VALUE_LABELS`, the attribute a diff names (``what``) by its heading."""
    if column in ("kind", "each") or column.endswith("_kind"):
        return "、".join(_kind_label(k) for k in text.split(","))
    if column in STATUS_COLUMNS or (column in ("before", "after") and text in VALUE_LABELS):
        return VALUE_LABELS.get(text, text)
    if column == "what":
        return heading(text)
    return text


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _people_frame(section: Section, columns: list[str] | None = None,
                  cap: int | None = None) -> tuple[pd.DataFrame, list[bool], int]:
    """The section as strings for people: bilingual headings, which columns are numbers,
    and how many rows were left out by ``cap``."""
    frame = section.people_rows() if columns is None else section.people_rows()[columns]
    left_off = 0
    if cap is not None and len(frame) > cap:
        left_off = len(frame) - cap
        frame = frame.head(cap)
    percent = section.percent_columns()
    out, numeric = {}, []
    for column in frame.columns:
        name = str(column)
        is_percent = name in percent
        signed = is_percent and name == "delta"
        shown_as = "" if name in section.keep_codes else name
        out[heading(name)] = [_person_cell(shown_as, v, is_percent, signed) for v in frame[column]]
        numeric.append(is_percent or _is_numeric(frame[column]))
    return pd.DataFrame(out, columns=[heading(str(c)) for c in frame.columns]), numeric, left_off


def _full_list_note(left_off: int) -> str:
    return (f"……另有 {left_off:,} 行未显示。完整清单：--format xlsx/json "
            f"(full list: {left_off:,} more rows in --format xlsx/json/csv)")


# ---------------------------------------------------------------- Markdown
_MD_SPECIAL = re.compile(r"([\\|*_`\[\]#~])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def render_markdown(report: Report) -> str:
    lines = [f"# {_md(report.title)}", ""]
    meta = _meta_line(report)
    if meta:
        lines += [_md(meta), ""]
    for note in report.notes + report.definitions:
        lines += [f"> {_md(visible(note, 2000))}", ""]
    for section in report.sections:
        lines += [f"## {_md(section.title)}", ""]
        frame, numeric, left_off = _people_frame(section, cap=section.cap or 50)
        if frame.empty:
            lines += ["（无 none）", ""]
            continue
        lines.append("| " + " | ".join(_md(c) for c in frame.columns) + " |")
        lines.append("|" + "".join("---:|" if n else "---|" for n in numeric))
        for row in frame.itertuples(index=False, name=None):
            lines.append("| " + " | ".join(_md(v) for v in row) + " |")
        if left_off:
            lines += ["", _md(_full_list_note(left_off))]
        lines.append("")
    return "\n".join(lines)


def _meta_line(report: Report) -> str:
    parts = []
    if report.dataset:
        parts.append(f"数据集 dataset: {report.dataset}")
    if report.rules_file:
        parts.append(f"规则 rules: {report.rules_file}")
    parts.append(f"生成于 generated {dt.date.today().isoformat()}")
    if report.graded():  # the threshold colours something: say where it is
        parts.append(f"达标线 threshold {report.threshold:.1%}")
    return " · ".join(parts)


# ---------------------------------------------------------------- HTML briefing
_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
margin:2em auto;max-width:1200px;color:#222;line-height:1.5;padding:0 1em}
h1{font-size:26px;border-bottom:3px solid #b71c1c;padding-bottom:.3em}
h2{font-size:20px;margin-top:1.6em;border-left:5px solid #b71c1c;padding-left:.5em}
table{border-collapse:collapse;margin:.5em 0 1em 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3e5e5}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr:nth-child(even) td{background:#fafafa}
.meta{color:#555}.note{color:#333;background:#fff8e1;padding:.5em 1em;border-left:4px solid #f9a825}
.def{color:#444;font-size:13px}.more{color:#777;font-size:12px}
nav ol{columns:2;font-size:14px}
.bar{display:inline-block;width:80px;height:10px;background:#eee;margin-right:6px;vertical-align:middle}
.bar i{display:block;height:100%}
.ok i{background:#2e7d32}.low i{background:#c62828}td.low{color:#b71c1c;font-weight:bold}
@page{size:A4;margin:15mm 12mm}
@media print{body{margin:0;max-width:none;font-size:11px}nav ol{columns:2}
h2{page-break-after:avoid}table{font-size:10px;page-break-inside:auto}tr{page-break-inside:avoid}
thead{display:table-header-group}.bar{width:50px}a{color:inherit;text-decoration:none}}
"""


def _html_table(section: Section, threshold: float) -> str:
    e = html.escape
    frame, numeric, left_off = _people_frame(section, section.screen_columns,  # a briefing:
                                             cap=section.cap or 50)  # the short view
    if frame.empty:
        return "<p>（无 none）</p>"
    rows = section.people_rows()
    raw = rows[section.screen_columns or list(rows.columns)].head(len(frame))
    graded = [str(c) in GRADED_COLUMNS and _is_numeric(raw[c]) for c in raw.columns]
    parts = ["<table><thead><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
             + "</tr></thead><tbody>"]
    for i, row in enumerate(frame.itertuples(index=False, name=None)):
        cells = []
        for j, value in enumerate(row):
            if graded[j] and not _is_missing(raw.iat[i, j]):
                fraction = float(raw.iat[i, j])
                low = fraction < threshold
                cls = "low" if low else "ok"
                cells.append(f'<td class="num {"low" if low else ""}"><span class="bar {cls}">'
                             f'<i style="width:{max(0.0, min(1.0, fraction)) * 100:.1f}%"></i>'
                             f"</span>{e(value)}</td>")
            elif numeric[j]:
                cells.append(f'<td class="num">{e(value)}</td>')
            else:
                cells.append(f"<td>{e(value)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    if left_off:
        parts.append(f'<p class="more">{e(_full_list_note(left_off))}</p>')
    return "".join(parts)


def render_section_html(section: Section, threshold: float, level: int = 2,
                        anchor: str = "") -> str:
    """One section as an HTML heading and table (everything escaped)."""
    ident = f' id="{html.escape(anchor)}"' if anchor else ""
    return (f"<h{level}{ident}>{html.escape(section.title)}</h{level}>"
            + _html_table(section, threshold))


def render_html(report: Report) -> str:
    """A briefing (汇报材料): one self-contained page (inline CSS, no scripts, nothing external),
    with contents, coverage bars coloured by the threshold and print CSS for A4."""
    e = html.escape
    shown = [s for s in report.sections if s.html]
    parts = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>{e(report.title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{e(report.title)}</h1>", f'<p class="meta">{e(_meta_line(report))}</p>']
    for note in report.notes:
        parts.append(f'<p class="note">{e(visible(note, 2000))}</p>')
    for definition in report.definitions:
        parts.append(f'<p class="def">{e(definition)}</p>')
    contents = [f'<li><a href="#s{i}">{e(s.title)}</a></li>' for i, s in enumerate(shown)]
    extra = report.html_extra()
    weakest = re.search(r'<h2 id="weakest">(.*?)</h2>', extra)
    if weakest:
        contents.append(f'<li><a href="#weakest">{weakest.group(1)}</a></li>')
    parts.append("<nav><h2>目录 Contents</h2><ol>" + "".join(contents) + "</ol></nav>")
    for i, section in enumerate(shown):
        parts.append(render_section_html(section, report.threshold, anchor=f"s{i}"))
    parts.append(extra)
    parts.append("</body></html>")
    return "\n".join(parts)


# ---------------------------------------------------------------- the ledger (xlsx)
def write_xlsx(report: Report, path: str | os.PathLike) -> None:
    """The report as an Excel ledger (see :mod:`jiceng.ledger`; openpyxl loads only here)."""
    from jiceng.ledger import write_xlsx as write_ledger

    write_ledger(report, path)


def _csv_cell(value):
    if isinstance(value, (list, tuple, np.ndarray)):
        value = ",".join(str(v) for v in value)
    if isinstance(value, str):
        return escape_formula(value)
    return value


def render_csv(report: Report, section: str | None = None) -> str:
    """One section as CSV (codes, plain numbers; text cells formula-escaped)."""
    chosen = _csv_section(report, section)
    frame = chosen.frame if chosen is not None else pd.DataFrame()
    buffer = io.StringIO()
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_csv_cell)
    # CRLF rows, as Excel writes them: the csv module then quotes a cell holding a bare CR,
    # which would otherwise end the row where a reader sees it
    _bilingual(out).to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue()


def _bilingual(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={c: escape_formula(heading(str(c))) for c in frame.columns})


def _csv_section(report: Report, key: str | None) -> Section | None:
    if not report.sections:
        return None
    if key is None:
        key = report.main or report.sections[0].key
    try:
        return report.section(key)
    except KeyError:
        known = ", ".join(s.key for s in report.sections)
        raise JicengError(f"没有这一部分 '{key}'（no section '{key}'）; 可选 sections: {known}") from None


# ---------------------------------------------------------------- the screen table
def render_table(report: Report, console: Console) -> None:
    console.print(Text(visible(report.title, 2000), style="bold") + (
        Text("  " + visible(report.dataset), style="dim") if report.dataset else Text("")))
    for note in report.notes:
        console.print(Text(visible(note, 2000)))
    for section in report.sections:
        if not section.screen:
            continue
        frame, numeric, left_off = _people_frame(section, section.screen_columns,
                                                 cap=section.cap or 40)
        if frame.empty:
            console.print(Text(f"{visible(section.title, 2000)}: （无 none）"))
            continue
        table = Table(title=Text(visible(section.title, 2000)), title_justify="left",
                      show_lines=False)
        for column, is_number in zip(frame.columns, numeric):
            table.add_column(Text(visible(str(column))), justify="right" if is_number else "left",
                             overflow="fold", no_wrap=is_number)
        for row in frame.itertuples(index=False, name=None):
            table.add_row(*(Text(str(v)) for v in row))
        console.print(table)
        if left_off:
            console.print(Text(_full_list_note(left_off), style="dim"))


_INDENT_UP_TO = 20_000  # records; larger objects are written on one line (C encoder, ~5× faster)


def to_json(data: dict | list) -> str:
    """``data`` as JSON: indented for reading, or on one line when it is large.

    Tables among the values of ``data`` are lists of records; large ones are written column
    by column (:func:`jiceng.queries._records.records_json`), the same text json.dumps writes.
    """
    parts = data.values() if isinstance(data, dict) else [data]
    size = sum(len(v) for v in parts if isinstance(v, (list, dict, pd.DataFrame)))
    if size <= _INDENT_UP_TO or not isinstance(data, dict):
        if isinstance(data, dict):
            data = {k: plain_records(v) if isinstance(v, pd.DataFrame) else v
                    for k, v in data.items()}
        return json.dumps(data, ensure_ascii=False, indent=2 if size <= _INDENT_UP_TO else None,
                          default=_json_default)
    return "{" + ", ".join(
        json.dumps(str(k), ensure_ascii=False) + ": "
        + (records_json(v) if isinstance(v, pd.DataFrame)
           else json.dumps(v, ensure_ascii=False, default=_json_default))
        for k, v in data.items()) + "}"


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


_PIPE_WIDTH = 200  # table width when stdout is not a terminal


def emit(report: Report, fmt: str, output: str | os.PathLike | None,
         section: str | None = None) -> str | None:
    """Write ``report`` in ``fmt`` to ``output`` (atomically) or to stdout.

    CSV written to a file is UTF-8 with BOM so Excel opens it; to stdout it is plain UTF-8.
    For CSV, ``section`` picks the section (default: the report's main one); the key of the
    section printed is returned so that the caller can say which one it was.
    """
    if fmt not in FORMATS:
        raise JicengError(f"未知的格式 {fmt!r}（unknown format {fmt!r}; one of {', '.join(FORMATS)}）")
    if fmt == "xlsx":
        if output is None:
            raise JicengError("--format xlsx 写入工作簿，请给出 --output FILE.xlsx"
                              "（--format xlsx writes a workbook: give --output FILE.xlsx）")
        write_xlsx(report, output)
        return None
    printed = None
    if fmt == "table":
        if output is None and sys.stdout.isatty():
            render_table(report, Console(file=sys.stdout, soft_wrap=False))
            return None
        buffer = io.StringIO()
        render_table(report, Console(file=buffer, width=_PIPE_WIDTH, force_terminal=False,
                                     color_system=None, soft_wrap=False))
        text = buffer.getvalue()
    elif fmt == "json":
        text = to_json(report.json_data()) + "\n"
    elif fmt == "csv":
        chosen = _csv_section(report, section)
        printed = chosen.key if chosen is not None else None
        text = render_csv(report, printed)
    elif fmt == "markdown":
        text = render_markdown(report)
    else:
        text = render_html(report)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_text_atomic(Path(output), text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    return printed
