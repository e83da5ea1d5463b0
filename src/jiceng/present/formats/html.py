"""A report as an HTML briefing (汇报材料): one self-contained page, everything escaped.

The page's style is the asset ``jiceng/assets/report.css``, inlined when the page is written.
"""

from __future__ import annotations

import html
import re
from importlib.resources import files

from jiceng.present.cells import (
    change_sign,
    full_list_note,
    is_missing,
    is_numeric,
    meta_line,
    people_frame,
    visible,
)
from jiceng.present.labels import CHANGE_COLUMNS, GRADED_COLUMNS
from jiceng.present.model import Document, Section
from jiceng.present.tiers import TIERS, Tiers

__all__ = ["render_html", "render_section_html"]


def _css() -> str:
    return (files("jiceng") / "assets" / "report.css").read_text(encoding="utf-8")


def _graded_cell(value: str, fraction: float, threshold: float) -> str:
    """A coverage or score cell with its bar, red below the threshold."""
    low = fraction < threshold
    return (f'<td class="num {"low" if low else ""}"><span class="bar {"low" if low else "ok"}">'
            f'<i style="width:{max(0.0, min(1.0, fraction)) * 100:.1f}%"></i>'
            f"</span>{html.escape(value)}</td>")


def _tier_bar(value: str, fraction: float, tiers: Tiers) -> str:
    """A score cell with its bar in the colour of its tier (docs/design.md §4.7)."""
    tier = tiers.tier(fraction)
    return (f'<td class="num"><span class="bar"><i style="width:'
            f'{max(0.0, min(1.0, fraction)) * 100:.1f}%;background:{tier.fill}"></i>'
            f"</span>{html.escape(value)}</td>")


def _tier_cell(value: str, code: str) -> str:
    """A tier cell filled with its tier's colour."""
    tier = TIERS.get(code)
    if tier is None:
        return f"<td>{html.escape(value)}</td>"
    return (f'<td class="tier" style="background:{tier.fill};color:{tier.ink}">'
            f"{html.escape(value)}</td>")


def _html_table(section: Section, threshold: float, tiers: Tiers | None = None) -> str:
    e = html.escape
    frame, numeric, left_off = people_frame(section, section.screen_columns,  # a briefing:
                                            cap=section.cap or 50)  # the short view
    if frame.empty:
        return "<p>（无 none）</p>"
    rows = section.people_rows()
    raw = rows[section.screen_columns or list(rows.columns)].head(len(frame))
    graded = [str(c) in GRADED_COLUMNS and is_numeric(raw[c]) for c in raw.columns]
    parts = ["<table><thead><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
             + "</tr></thead><tbody>"]
    for i, row in enumerate(frame.itertuples(index=False, name=None)):
        cells = []
        for j, value in enumerate(row):
            if tiers is not None and raw.columns[j] == "tier":
                cells.append(_tier_cell(value, str(raw.iat[i, j])))
            elif tiers is not None and raw.columns[j] == "score" and "tier" in raw.columns \
                    and not is_missing(raw.iat[i, j]):
                cells.append(_tier_bar(value, float(raw.iat[i, j]), tiers))
            elif raw.columns[j] in CHANGE_COLUMNS:  # up green, down red
                way = {1: " up", -1: " down"}.get(change_sign(raw.iat[i, j]), "")
                cells.append(f'<td class="num{way}">{e(value)}</td>')
            elif graded[j] and not is_missing(raw.iat[i, j]):
                cells.append(_graded_cell(value, float(raw.iat[i, j]), threshold))
            elif numeric[j]:
                cells.append(f'<td class="num">{e(value)}</td>')
            else:
                cells.append(f"<td>{e(value)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    if left_off:
        parts.append(f'<p class="more">{e(full_list_note(left_off))}</p>')
    return "".join(parts)


def render_section_html(section: Section, threshold: float, level: int = 2,
                        anchor: str = "", tiers: Tiers | None = None) -> str:
    """One section as an HTML heading and table (everything escaped); with ``tiers``, a
    ``tier`` column and the score beside it are coloured by tier."""
    ident = f' id="{html.escape(anchor)}"' if anchor else ""
    return (f"<h{level}{ident}>{html.escape(section.title)}</h{level}>"
            + _html_table(section, threshold, tiers))


def render_html(report: Document) -> str:
    """A briefing (汇报材料): one self-contained page (inline CSS, no scripts, nothing external),
    with contents, coverage bars coloured by the threshold and print CSS for A4."""
    e = html.escape
    shown = [s for s in report.sections if s.html]
    parts = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>{e(report.title)}</title><style>\n{_css()}</style></head><body>",
             f"<h1>{e(report.title)}</h1>", f'<p class="meta">{e(meta_line(report))}</p>']
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
    parts.append(report.html_lead())
    for i, section in enumerate(shown):
        parts.append(render_section_html(section, report.threshold, anchor=f"s{i}",
                                         tiers=report.tiers))
    parts.append(extra)
    parts.append("</body></html>")
    return "\n".join(parts)
