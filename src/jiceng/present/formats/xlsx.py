"""The Excel ledger (台账): every section of a report as a sheet a clerk can file.

Kept apart from the other formats so that openpyxl is imported only when a workbook is
written.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from jiceng.loaders.atomic import atomic_path
from jiceng.loaders.excel import NEEDS_XML_ESCAPE, escape_xml_text
from jiceng.present.cells import XLSX_CELL, change_sign, is_missing, meta_line
from jiceng.present.labels import (
    CHANGE_COLUMNS,
    GRADED_COLUMNS,
    POINTS_COLUMNS,
    heading,
    people_text,
    relabelled,
)
from jiceng.present.model import Document, Section
from jiceng.present.tiers import TIERS
from jiceng.queries.records import join_text, replaced

__all__ = ["write_xlsx", "POINTS_FORMAT", "CHANGE_FONTS"]

#: A change of a percentage, stored in percentage points: +1.7 个百分点.
POINTS_FORMAT = '+0.0" 个百分点";-0.0" 个百分点";"±0.0 个百分点"'
#: A change that goes up (green) or down (red).
CHANGE_FONTS = {1: Font(color="1B5E20", bold=True), -1: Font(color="B71C1C", bold=True)}

_HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
_LOW_FILL = PatternFill("solid", fgColor="FFC7CE")
_THIN = Side(style="thin", color="BBBBBB")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LOW_FONT = Font(color="9C0006")


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _sheet_title(name: str, used: set[str]) -> str:
    title = "".join("_" if ch in '[]:*?/\\' else ch for ch in name)[:31] or "表"
    base, n = title, 2
    while title.lower() in used:
        suffix = f"~{n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def _ledger_value(column: str, value, percent: bool):
    """A cell value of the ledger: numbers stay numbers, text is Chinese-labelled and safe."""
    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, tuple, np.ndarray)):
        value = value.item()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # a count in a column with gaps: shown as the whole number it is
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        text = "、".join(str(v) for v in value)
    else:
        text = people_text(column, str(value))
    if len(text) > XLSX_CELL:
        text = text[: XLSX_CELL - 20] + "…（已截断 truncated）"
    return text


def _ledger_widths(frame: pd.DataFrame, columns: list[str], percent: set[str]) -> list[float]:
    """Column widths from the headings and the first rows (CJK characters count double)."""
    widths = [max(6.0, _display_width(heading(c)) * 0.75) for c in columns]
    widths[0] = 8.0
    head = frame.head(200)
    for j, column in enumerate(columns[1:], start=1):
        if column in percent:
            widths[j] = max(widths[j], 10.0)
            continue
        for value in head.iloc[:, j - 1]:
            if isinstance(value, (int, float, np.number)) and not is_missing(value):
                text = f"{value:,}" if isinstance(value, (int, np.integer)) else f"{value:.4g}"
            elif is_missing(value):
                continue
            else:
                text = str(_ledger_value(column, value, False))[:60]
            widths[j] = max(widths[j], min(50.0, _display_width(text) + 2.0))
    return widths


_FAST_ROWS = 500  # longer sections with no percentages or grades are written by _fast_rows
_NUMBER_FORMATS = ("#,##0", "#,##0.0##")  # 1,234 and 18.389: what a number is shown as


def _number_format(value) -> str | None:
    """How a ledger number (:func:`_ledger_value`) is shown: whole numbers of 1,000 or more with
    separators, fractions to three decimals; None for the rest (General)."""
    if isinstance(value, int) and abs(value) >= 1000:
        return _NUMBER_FORMATS[0]
    if isinstance(value, float):
        return _NUMBER_FORMATS[1]
    return None


_TEXT_CELL = ('" t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>")
_EMPTY_CELL = '"/>'  # a cell with no value: <c r="B7"/>


def _cell_body(value, shown: str, styles: dict[str, int]) -> str:
    """What follows ``<c r="B7`` for one value: the rest of the cell (``styles``: the
    workbook's style number of each of :data:`_NUMBER_FORMATS`)."""
    plain = _ledger_value(shown, value, False)
    if plain is None or plain == "":  # as openpyxl writes both: no value
        return _EMPTY_CELL
    if isinstance(plain, str):
        return f"{_TEXT_CELL[0]}{html.escape(escape_xml_text(plain), quote=False)}{_TEXT_CELL[1]}"
    shown_as = _number_format(plain)
    style = f' s="{styles[shown_as]}"' if shown_as else ""
    return f'"{style} t="n"><v>{plain!r}</v></c>'


def _column_bodies(values: pd.Series, shown: str, styles: dict[str, int]) -> pa.Array:
    """Every row's cell body (:func:`_cell_body`), as arrow strings.

    Each distinct value is rendered once; many distinct plain texts (ids, names; the texts
    among a diff's numbers) are escaped with whole-column string operations.
    """
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # lists or other unhashable cells
        return pa.array([_cell_body(v, shown, styles) for v in values], pa.large_string())
    distinct = pd.Series(uniques)  # arrow strings stay arrow strings
    objects = distinct.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(distinct, skipna=False) == "string":
        text = np.ones(len(objects), dtype=bool)
    else:
        text = np.fromiter((type(v) is str for v in objects), dtype=bool, count=len(objects))
    if text.sum() < 1000:
        text[:] = False
    bodies = np.empty(len(objects) + 1, dtype=object)
    if text.any():
        bodies[:-1][text] = _text_bodies(distinct[text].astype("str"), shown, styles)
    bodies[:-1][~text] = [_cell_body(v, shown, styles) for v in objects[~text]]
    bodies[-1] = _EMPTY_CELL
    codes[codes < 0] = len(objects)  # missing: the empty cell, last
    return pa.array(bodies, pa.large_string()).take(pa.array(codes))


def _text_bodies(raw: pd.Series, shown: str, styles: dict[str, int]) -> np.ndarray:
    """The cell bodies of distinct texts, escaped column-wide (odd ones one by one)."""
    source = raw
    if relabelled(shown):  # the text people read (kind and status labels ...)
        raw = pd.Series([people_text(shown, t) for t in raw.to_numpy(dtype=object)], dtype="str")
    text = (raw.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
            .str.replace(">", "&gt;", regex=False))
    bodies = _TEXT_CELL[0] + text + _TEXT_CELL[1]
    # characters XML forbids, a literal _xHHHH_, empty, or too long: one by one
    odd = raw.str.contains(NEEDS_XML_ESCAPE) | ~raw.str.len().between(1, XLSX_CELL)
    return replaced(bodies, odd, lambda v: _cell_body(v, shown, styles),
                    source).to_numpy(dtype=object)


def _fast_rows(frame: pd.DataFrame, columns: list[str], keep_codes: tuple[str, ...],
               first_row: int, styles: dict[str, int]) -> memoryview:
    """The data rows of a long plain sheet as SpreadsheetML (UTF-8), written directly: the
    same cells openpyxl writes (numbers, inline strings — text, never formulas), joined by
    arrow in one pass over all columns.
    """
    refs = pa.array(np.arange(first_row, first_row + len(frame))).cast(pa.large_string())
    numbers = pa.array(np.arange(1, len(frame) + 1)).cast(pa.large_string())
    parts = ['<row r="', refs, '"><c r="A', refs, '" t="n"><v>', numbers, "</v></c>"]
    for j, column in enumerate(columns[1:], start=1):
        parts += [f'<c r="{get_column_letter(j + 1)}', refs,
                  _column_bodies(frame.iloc[:, j - 1], "" if column in keep_codes else column,
                                 styles)]
    return join_text(parts + ["</row>"], len(frame))


def _tier_styles(code: str) -> tuple[PatternFill, Font] | None:
    """The fill and font of a score tier's cells (docs/design.md §4.7)."""
    tier = TIERS.get(code)
    if tier is None:
        return None
    return (PatternFill("solid", fgColor=tier.fill.lstrip("#").upper()),
            Font(color=tier.ink.lstrip("#").upper(), bold=True))


def _write_heading(sheet, report: Document, section: Section, columns: list[str]) -> int:
    """The title block (report and section, meta line, definitions, the score tiers where the
    sheet shows them), a blank row and the styled header, frozen below; the header's row
    number is returned."""
    title_rows = [
        (f"{report.title} — {section.title}", Font(bold=True, size=14)),
        (meta_line(report), Font(color="555555")),
    ] + [(d, Font(color="555555", size=9)) for d in report.definitions]
    if report.tiers is not None and "tier" in columns:
        title_rows.append((report.tiers.legend(), Font(color="555555", size=9)))
    header_row = len(title_rows) + 2
    sheet.freeze_panes = f"B{header_row + 1}"
    for text, font in title_rows:
        cell = WriteOnlyCell(sheet, value=escape_xml_text(text))
        cell.data_type = "s"
        cell.font = font
        sheet.append([cell])
    sheet.append([])
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=heading(column))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        cell.border = _BORDER
        header.append(cell)
    sheet.append(header)
    return header_row


def _set_up_printing(sheet, header_row: int, width: int, last_row: int) -> None:
    """Autofilter over the rows, the header repeated on every page, landscape A4 fitted to
    the page width, page numbers in the footer."""
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(width)}{last_row}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _write_ledger_sheet(workbook: Workbook, name: str, report: Document, section: Section
                        ) -> memoryview | None:
    sheet = workbook.create_sheet(name)
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)  # before any row
    frame = section.people_rows().reset_index(drop=True)
    columns = ["seq"] + [str(c) for c in frame.columns]
    percent = section.percent_columns()
    for j, w in enumerate(_ledger_widths(frame, columns, percent), start=1):
        sheet.column_dimensions[get_column_letter(j)].width = round(w, 1)
    header_row = _write_heading(sheet, report, section, columns)
    graded = {c for c in columns if c in GRADED_COLUMNS}
    formats = {c: (POINTS_FORMAT if c in POINTS_COLUMNS else "0.0%") for c in percent}
    fast = None
    if len(frame) > _FAST_ROWS and not percent and not graded:
        styles = {}
        for number_format in _NUMBER_FORMATS:
            styled = WriteOnlyCell(sheet)
            styled.number_format = number_format
            styles[number_format] = styled.style_id
        fast = _fast_rows(frame, columns, section.keep_codes, header_row + 1, styles)
        frame = frame.iloc[:0]
    tiered = report.tiers is not None and "tier" in columns
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        row: list = [i + 1]
        tier = (_tier_styles(str(values[columns.index("tier") - 1])) if tiered else None)
        for column, value in zip(columns[1:], values):
            if tier is not None and column == "tier":
                cell = WriteOnlyCell(sheet, value=_ledger_value(column, value, False))
                cell.fill, cell.font = tier
                row.append(cell)
                continue
            value = _ledger_value("" if column in section.keep_codes else column, value,
                                  column in percent)
            if isinstance(value, str):
                value = escape_xml_text(value)
                if column in CHANGE_COLUMNS and change_sign(value):  # ↑3 green, ↓2 red
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.font = CHANGE_FONTS[change_sign(value)]
                    row.append(cell)
                elif value.startswith("="):  # openpyxl would write it as a formula
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # text, never a formula
                    row.append(cell)
                else:
                    row.append(value)
            elif value is None:
                row.append(None)
            elif column in formats or column in graded:
                if column in POINTS_COLUMNS and column in formats:
                    value = round(value * 100, 10)  # stored in percentage points
                cell = WriteOnlyCell(sheet, value=value)
                if column in formats:
                    cell.number_format = formats[column]
                if column in CHANGE_COLUMNS and change_sign(value / 100):
                    cell.font = CHANGE_FONTS[change_sign(value / 100)]
                if column == "score" and tiered:
                    if tier is not None:
                        cell.fill, cell.font = tier
                elif column in graded and value < report.threshold:
                    cell.fill = _LOW_FILL
                    cell.font = _LOW_FONT
                row.append(cell)
            elif (shown_as := _number_format(value)) is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = shown_as
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)
    _set_up_printing(sheet, header_row, len(columns), header_row + len(section.frame))
    return fast


def write_xlsx(report: Document, path: str | os.PathLike) -> None:
    """The ledger (台账): one styled sheet per section with a Chinese name, written atomically.

    Each sheet has a title block (report, dataset, rules, date, threshold, definitions), a
    序号 column, a frozen header with autofilter that is repeated on every printed page,
    percentages as ``0.0%`` (values stay numbers), coverage below the threshold filled red,
    and a landscape A4 print set-up fitted to the page width.
    """
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    fast: dict[str, memoryview] = {}
    for number, section in enumerate(report.sections, start=1):
        rows = _write_ledger_sheet(workbook, _sheet_title(section.sheet_name(), used), report,
                                   section)
        if rows is not None:
            fast[f"xl/worksheets/sheet{number}.xml"] = rows
    with atomic_path(path) as temporary:
        workbook.save(temporary)
        if fast:
            _insert_rows(Path(temporary), fast)


def _insert_rows(path: Path, rows: dict[str, memoryview]) -> None:
    """Put the directly written rows of long sheets at the end of their ``sheetData``."""
    import shutil
    import zipfile

    partial = path.with_name(path.name + ".rows")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(
            partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename not in rows:
                target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
                continue
            at = data.rindex(b"</sheetData>")
            with target.open(item.filename, "w", force_zip64=True) as stream:
                stream.write(data[:at])
                stream.write(rows[item.filename])
                stream.write(data[at:])
    shutil.move(partial, path)
