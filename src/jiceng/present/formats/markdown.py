"""A report as Markdown: its own syntax and HTML escaped in every cell."""

from __future__ import annotations

import html
import re

from jiceng.present.cells import full_list_note, meta_line, people_frame, visible
from jiceng.present.model import Document

__all__ = ["render_markdown"]

_MD_SPECIAL = re.compile(r"([\\|*_`\[\]#~])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def render_markdown(report: Document) -> str:
    """Title, meta line, notes and definitions, then each section as a table (the first 50
    rows, or the section's cap)."""
    lines = [f"# {_md(report.title)}", ""]
    meta = meta_line(report)
    if meta:
        lines += [_md(meta), ""]
    for note in report.notes + report.definitions:
        lines += [f"> {_md(visible(note, 2000))}", ""]
    for section in report.sections:
        lines += [f"## {_md(section.title)}", ""]
        frame, numeric, left_off = people_frame(section, cap=section.cap or 50)
        if frame.empty:
            lines += ["（无 none）", ""]
            continue
        lines.append("| " + " | ".join(_md(c) for c in frame.columns) + " |")
        lines.append("|" + "".join("---:|" if n else "---|" for n in numeric))
        for row in frame.itertuples(index=False, name=None):
            lines.append("| " + " | ".join(_md(v) for v in row) + " |")
        if left_off:
            lines += ["", _md(full_list_note(left_off))]
        lines.append("")
    return "\n".join(lines)
