"""A trend as a workbook with native Excel line charts (``jiceng trend --format xlsx``).

Sheets: the streets (score per snapshot, coloured by tier with conditional formatting, so a
score typed in later is coloured too; latest rank, rank changes shown ↑3/↓2, score changes in
个百分点), the rules' coverage, a line chart per chosen street, one chart of the city's rules,
and every street and snapshot in one long table. Text from users' files is text, never a
formula. Kept apart so that openpyxl loads only when a workbook is written.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.series import SeriesLabel, StrRef
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname

from jiceng.loaders.atomic import atomic_path
from jiceng.loaders.excel import escape_xml_text
from jiceng.present.cells import meta_line
from jiceng.present.formats.xlsx import POINTS_FORMAT
from jiceng.present.labels import heading, people_text
from jiceng.present.model import Document
from jiceng.present.tiers import TIER_CODES, TIERS, Tiers
from jiceng.queries.trend import TrendResult

__all__ = ["write_trend_xlsx", "RANK_CHANGE_FORMAT"]

#: A rank change, stored as places moved up: ↑3, ↓2, ±0.
RANK_CHANGE_FORMAT = '"↑"0;"↓"0;"±0"'
_HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEAD_ROW = 5  # the title block above: title, meta line, legend, a blank row


def _put(sheet, row: int, column: int, value, number_format: str | None = None):
    """One cell: numbers stay numbers, text stays text (never a formula), gaps stay empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return sheet.cell(row=row, column=column)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str):
        cell = sheet.cell(row=row, column=column, value=escape_xml_text(value))
        cell.data_type = "s"  # text, even when it begins with "="
        return cell
    cell = sheet.cell(row=row, column=column, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


def _title_block(sheet, report: Document, title: str, legend: str = "") -> None:
    _put(sheet, 1, 1, f"{report.title} — {title}").font = Font(bold=True, size=14)
    _put(sheet, 2, 1, meta_line(report)).font = Font(color="555555")
    if legend:
        _put(sheet, 3, 1, legend).font = Font(color="555555", size=9)


def _table(sheet, frame: pd.DataFrame, formats: dict[str, str], widths: dict[str, float]) -> None:
    """The header at :data:`_HEAD_ROW` and the rows below, 序号 first, frozen and filtered."""
    columns = ["seq", *map(str, frame.columns)]
    for j, column in enumerate(columns, start=1):
        cell = _put(sheet, _HEAD_ROW, j, heading(column))
        cell.fill, cell.font = _HEADER_FILL, _HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(j)].width = widths.get(column, 12)
    for i, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        _put(sheet, _HEAD_ROW + i, 1, i)
        for j, (column, value) in enumerate(zip(columns[1:], values), start=2):
            if column in ("tier",) and isinstance(value, str):
                value = people_text("tier", value)
            _put(sheet, _HEAD_ROW + i, j, value, formats.get(column))
    sheet.freeze_panes = f"D{_HEAD_ROW + 1}"
    sheet.auto_filter.ref = (f"A{_HEAD_ROW}:{get_column_letter(len(columns))}"
                             f"{_HEAD_ROW + max(1, len(frame))}")
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4


def _tier_colours(sheet, tiers: Tiers, cells: str, first: str) -> None:
    """The score tiers as conditional fills over ``cells`` (``first`` its top-left cell);
    an empty cell (a street not in that snapshot) stays uncoloured."""
    bounds = {"ok": f"{first}>={tiers.ok!r}",
              "warn": f"AND({first}>={tiers.warn!r},{first}<{tiers.ok!r})",
              "focus": f"{first}<{tiers.warn!r}"}
    for code in TIER_CODES:
        tier = TIERS[code]
        sheet.conditional_formatting.add(cells, FormulaRule(
            formula=[f"AND(ISNUMBER({first}),{bounds[code]})"], stopIfTrue=True,
            fill=PatternFill("solid", fgColor=tier.fill.lstrip("#").upper(),
                             bgColor=tier.fill.lstrip("#").upper()),
            font=Font(color=tier.ink.lstrip("#").upper())))


def _streets_sheet(workbook: Workbook, report: Document, tiers: Tiers) -> tuple[object, int]:
    section = report.section("streets")
    frame = section.frame.copy()
    for column in ("score_delta", "delta_total"):
        frame[column] = frame[column] * 100  # stored in percentage points
    sheet = workbook.create_sheet("街道得分")
    _title_block(sheet, report, section.title, tiers.legend())
    score_columns = [c for c in frame.columns if str(c).startswith("得分 ")]
    formats = {c: "0.0%" for c in score_columns}
    formats.update({"score_delta": POINTS_FORMAT, "delta_total": POINTS_FORMAT,
                    "rank_change": RANK_CHANGE_FORMAT, "rank_change_total": RANK_CHANGE_FORMAT})
    _table(sheet, frame, formats, {"street": 9, "street_name": 24, "district_name": 20,
                                   "score_delta": 16, "delta_total": 16, "tier": 10})
    first_col = 2 + list(frame.columns).index(score_columns[0])
    last_col = first_col + len(score_columns) - 1
    last_row = _HEAD_ROW + max(1, len(frame))
    first = f"{get_column_letter(first_col)}{_HEAD_ROW + 1}"
    _tier_colours(sheet, tiers, f"{first}:{get_column_letter(last_col)}{last_row}", first)
    tier_col = get_column_letter(2 + list(frame.columns).index("tier"))
    for i, code in enumerate(frame["tier"], start=_HEAD_ROW + 1):
        tier = TIERS.get(str(code))
        if tier is not None:
            cell = sheet[f"{tier_col}{i}"]
            cell.fill = PatternFill("solid", fgColor=tier.fill.lstrip("#").upper())
            cell.font = Font(color=tier.ink.lstrip("#").upper(), bold=True)
    for column in ("score_delta", "delta_total", "rank_change", "rank_change_total"):
        letter = get_column_letter(2 + list(frame.columns).index(column))
        cells, top = f"{letter}{_HEAD_ROW + 1}:{letter}{last_row}", f"{letter}{_HEAD_ROW + 1}"
        for test, colour in ((">0", "1B5E20"), ("<0", "B71C1C")):  # up green, down red
            sheet.conditional_formatting.add(cells, FormulaRule(
                formula=[f"AND(ISNUMBER({top}),{top}{test})"], font=Font(color=colour, bold=True)))
    return sheet, first_col


def _rules_sheet(workbook: Workbook, report: Document) -> tuple[object, int]:
    section = report.section("rules")
    frame = section.frame.copy()
    for column in ("delta", "delta_total"):
        frame[column] = frame[column] * 100
    sheet = workbook.create_sheet("规则覆盖率")
    _title_block(sheet, report, section.title)
    coverage_columns = [c for c in frame.columns if str(c).startswith("覆盖率 ")]
    formats = {c: "0.0%" for c in coverage_columns}
    formats.update({"delta": POINTS_FORMAT, "delta_total": POINTS_FORMAT})
    _table(sheet, frame, formats, {"rule": 20, "title_zh": 36, "delta": 16, "delta_total": 16})
    return sheet, 2 + list(frame.columns).index(coverage_columns[0])


def _line_chart(title: str, y_title: str, low: float | None) -> LineChart:
    chart = LineChart()
    chart.title = title
    chart.style = 2
    chart.height, chart.width = 7.0, 13.0
    chart.y_axis.title = y_title
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.max = 1.0
    if low is not None:
        chart.y_axis.scaling.min = low
    chart.x_axis.title = "期次"
    chart.display_blanks = "gap"  # a street missing from a snapshot: a gap, not a zero
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def _floor(values, step: float = 0.05) -> float:
    known = [float(v) for v in values if not pd.isna(v)]
    return max(0.0, math.floor((min(known, default=0.0) - 0.01) / step) * step)


def _series(data, row: int, first_col: int, count: int, name_col: str) -> Series:
    """One row of ``data`` (a value per snapshot) as a line, named by the cell in
    ``name_col`` of that row (a reference: the name stays text in the chart too)."""
    series = Series(Reference(data, min_col=first_col, max_col=first_col + count - 1,
                              min_row=row), title_from_data=False)
    series.tx = SeriesLabel(strRef=StrRef(f"{quote_sheetname(data.title)}!${name_col}${row}"))
    series.marker.symbol = "circle"
    series.smooth = False  # straight lines between the snapshots: no curve past a value
    return series


def _chart_sheet(workbook: Workbook, name: str, heading_text: str, labels: list[str]):
    """A sheet for charts: its heading, and the snapshot labels the charts' axes read."""
    sheet = workbook.create_sheet(name)
    _put(sheet, 1, 1, heading_text).font = Font(bold=True)
    _put(sheet, 2, 1, "期次 snapshot")
    sheet.column_dimensions["A"].width = 14
    for j, label in enumerate(labels, start=2):
        _put(sheet, 2, j, label)
    return sheet, Reference(sheet, min_col=2, max_col=len(labels) + 1, min_row=2)


def _street_charts(workbook: Workbook, result: TrendResult, chosen: list[str], streets,
                   street_col: int, report: Document) -> None:
    """A line chart of the score of each chosen street, two abreast."""
    sheet, categories = _chart_sheet(
        workbook, "街道图表", "得分走势：排名变化较大的街道与 --street 所选街道（Score by street: "
        "those whose rank moved most, and those chosen with --street）", result.labels)
    frame = report.section("streets").frame
    order, names = list(frame["street"]), dict(zip(frame["street"], frame["street_name"]))
    scores = result.wide("score")
    for k, street in enumerate(chosen):
        chart = _line_chart(escape_xml_text(f"{names[street]} 得分"), "得分",
                            _floor(scores.loc[street]))
        chart.series.append(_series(streets, _HEAD_ROW + 1 + order.index(street), street_col,
                                    len(result.labels), "C"))
        chart.set_categories(categories)
        chart.legend = None
        sheet.add_chart(chart, f"{get_column_letter(1 + 9 * (k % 2))}{4 + 15 * (k // 2)}")
    _print_on_one_page(sheet, "portrait")


def _rule_charts(workbook: Workbook, result: TrendResult, rules, rule_col: int) -> None:
    """The city's coverage of every rule in one chart, and below it the rules whose coverage
    moved, on an axis of their own (one rule far below the rest flattens the others)."""
    sheet, categories = _chart_sheet(workbook, "全市规则图表",
                                     "全市各规则覆盖率走势（City coverage by rule）", result.labels)
    coverage = result.wide("coverage", "rule")
    values = coverage.to_numpy(dtype=float, na_value=np.nan)
    spread = np.nanmax(values, axis=1) - np.nanmin(values, axis=1) if values.size else values
    moved = [i for i in range(len(coverage)) if spread[i] > 5e-4]
    charts = [("全市各规则覆盖率 Coverage by rule", list(range(len(coverage))))]
    if moved and len(moved) < len(coverage):
        charts.append(("有变化的规则覆盖率 Rules whose coverage moved", moved))
    for k, (title, rows) in enumerate(charts):
        chart = _line_chart(title, "覆盖率", _floor(values[rows].ravel()))
        chart.height, chart.width = 14.0, 26.0
        for i in rows:
            chart.series.append(_series(rules, _HEAD_ROW + 1 + i, rule_col, len(result.labels), "C"))
        chart.set_categories(categories)
        chart.legend.position = "b"
        sheet.add_chart(chart, f"A{4 + 30 * k}")
    _print_on_one_page(sheet, "portrait")


def _print_on_one_page(sheet, orientation: str) -> None:
    sheet.page_setup.orientation = orientation
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.page_setup.paperSize = "9"  # A4


def write_trend_xlsx(report: Document, result: TrendResult, tiers: Tiers, chosen: list[str],
                     path: str | os.PathLike) -> None:
    """The trend's workbook (see the module), written whole or not at all."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    streets, street_col = _streets_sheet(workbook, report, tiers)
    rules, rule_col = _rules_sheet(workbook, report)
    _street_charts(workbook, result, chosen, streets, street_col, report)
    _rule_charts(workbook, result, rules, rule_col)
    long = workbook.create_sheet("明细")
    section = report.section("long")
    _title_block(long, report, section.title, tiers.legend())
    _table(long, section.frame, {"score": "0.0%"}, {"street_name": 24, "district": 9})
    first = f"G{_HEAD_ROW + 1}"
    _tier_colours(long, tiers, f"{first}:G{_HEAD_ROW + max(1, len(section.frame))}", first)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
