"""A report that writes itself, in any format: the one entry to the formats.

:meth:`Report.write` chooses the format by the file's suffix (``台账.xlsx``, ``briefing.html``),
as a notebook writes; :func:`emit` writes a format to a file or stdout, as the CLI writes. Both
write files whole or not at all.

Text from users' files is data in every format: CSV cells pass through
:func:`~jiceng.graphmodel.cells.escape_formula`, xlsx text cells are typed as strings (never
formulas) with characters illegal in XML written as Excel's ``_x001B_`` escapes, the screen
table shows rich markup and control characters literally, Markdown escapes its own syntax
and HTML, and HTML escapes everything.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from rich.console import Console

from jiceng.graphmodel import ArgumentError
from jiceng.loaders.atomic import write_text_atomic
from jiceng.present.formats.csv import render_csv
from jiceng.present.formats.html import render_html
from jiceng.present.formats.json import to_json
from jiceng.present.formats.markdown import render_markdown
from jiceng.present.formats.table import render_table
from jiceng.present.model import Document

__all__ = ["Report", "emit", "FORMATS", "SUFFIXES"]

FORMATS = ("table", "json", "csv", "markdown", "xlsx", "html")

#: The format :meth:`Report.write` writes for each file suffix.
SUFFIXES = {".xlsx": "xlsx", ".html": "html", ".htm": "html", ".md": "markdown",
            ".csv": "csv", ".json": "json", ".txt": "table"}

_PIPE_WIDTH = 200  # table width when stdout is not a terminal


class Report(Document):
    """A question's answer for people and programs: what a builder of :mod:`jiceng.present`
    returns, written in any format.

    >>> import pandas as pd
    >>> from jiceng.present import Report, Section
    >>> names = pd.DataFrame({"id": ["C00001"], "name": ["翠安桥社区党总支"]})
    >>> report = Report("社区 Communities", [Section("communities", "社区 Communities", names)],
    ...                 data={"ids": ["C00001"]})
    >>> emit(report, "json", None)
    {
      "ids": [
        "C00001"
      ]
    }
    """

    def write(self, path: str | os.PathLike, *, section: str | None = None) -> Path:
        """Write the report to ``path`` in the format its suffix names (.xlsx the ledger,
        .html the briefing, .md, .csv the main section or ``section``, .json, .txt the table),
        atomically; the path written is returned."""
        path = Path(path)
        fmt = SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise ArgumentError(f"不知道 {path.name} 应写成哪种格式（no format for the suffix of "
                                f"{path.name}; use one of {', '.join(SUFFIXES)}）")
        emit(self, fmt, path, section=section)
        return path


def emit(report: Document, fmt: str, output: str | os.PathLike | None,
         section: str | None = None) -> str | None:
    """Write ``report`` in ``fmt`` to ``output`` (atomically) or to stdout.

    CSV written to a file is UTF-8 with BOM so Excel opens it; to stdout it is plain UTF-8.
    For CSV, ``section`` picks the section (default: the report's main one); the key of the
    section printed is returned so that the caller can say which one it was.
    """
    if fmt not in FORMATS:
        raise ArgumentError(f"未知的格式 {fmt!r}（unknown format {fmt!r}; one of {', '.join(FORMATS)}）")
    if fmt == "xlsx":
        if output is None:
            raise ArgumentError("--format xlsx 写入工作簿，请给出 --output FILE.xlsx"
                                "（--format xlsx writes a workbook: give --output FILE.xlsx）")
        if report.xlsx is not None:  # a report with a workbook of its own (charts)
            report.xlsx(output)
            return None
        from jiceng.present.formats.xlsx import write_xlsx  # openpyxl loads only here

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
        chosen = report.chosen_section(section)
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
