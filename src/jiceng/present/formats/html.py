"""A report as an HTML briefing (汇报材料): one self-contained page, everything escaped.

The page's style is the asset ``jiceng/assets/report.css``, inlined when the page is written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
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


def _html_table(section: Section, threshold: float, tiers: Tiers | None = None,
                links: Mapping[str, Sequence[str | None]] | None = None,
                row_ids: Sequence[str] | None = None) -> str:
    e = html.escape
    frame, numeric, left_off = people_frame(section, section.screen_columns,  # a briefing:
                                            cap=section.cap or 50)  # the short view
    if frame.empty:
        return "<p>（无 none）</p>"
    rows = section.people_rows()
    raw = rows[section.screen_columns or list(rows.columns)].head(len(frame))
    graded = [str(c) in GRADED_COLUMNS and is_numeric(raw[c]) for c in raw.columns]
    names = [str(c) for c in raw.columns]
    raw_rows = list(raw.itertuples(index=False, name=None))  # not .iat: 50 times faster
    parts = ["<table><thead><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
             + "</tr></thead><tbody>"]
    for i, row in enumerate(frame.itertuples(index=False, name=None)):
        cells = []
        for j, value in enumerate(row):
            href = _href(links, names[j], i)
            cell = raw_rows[i][j]
            if href:
                cells.append(f'<td><a href="{e(href)}">{e(value)}</a></td>')
            elif tiers is not None and names[j] == "tier":
                cells.append(_tier_cell(value, str(cell)))
            elif tiers is not None and names[j] == "score" and "tier" in names \
                    and not is_missing(cell):
                cells.append(_tier_bar(value, float(cell), tiers))
            elif names[j] in CHANGE_COLUMNS:  # up green, down red
                way = {1: " up", -1: " down"}.get(change_sign(cell), "")
                cells.append(f'<td class="num{way}">{e(value)}</td>')
            elif graded[j] and not is_missing(cell):
                cells.append(_graded_cell(value, float(cell), threshold))
            elif numeric[j]:
                cells.append(f'<td class="num">{e(value)}</td>')
            else:
                cells.append(f"<td>{e(value)}</td>")
        ident = f' id="{e(row_ids[i])}"' if row_ids is not None and row_ids[i] else ""
        parts.append(f"<tr{ident}>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    if left_off:
        parts.append(f'<p class="more">{e(full_list_note(left_off))}</p>')
    return "".join(parts)


def render_section_html(section: Section, threshold: float, level: int = 2,
                        anchor: str = "", tiers: Tiers | None = None,
                        links: Mapping[str, Sequence[str | None]] | None = None,
                        row_ids: Sequence[str] | None = None) -> str:
    """One section as an HTML heading and table (everything escaped); with ``tiers``, a
    ``tier`` column and the score beside it are coloured by tier. ``links`` maps a column of
    the frame to an address per row (None: no link), its cells then open it; ``row_ids`` gives
    each row an ``id`` (an anchor another page links to)."""
    ident = f' id="{html.escape(anchor)}"' if anchor else ""
    return (f"<h{level}{ident}>{html.escape(section.title)}</h{level}>"
            + _html_table(section, threshold, tiers, links, row_ids))



def _href(links: Mapping[str, Sequence[str | None]] | None, column: str, row: int) -> str | None:
    """The address a cell of ``column`` in ``row`` opens, if any."""
    hrefs = links.get(column) if links else None
    return hrefs[row] if hrefs is not None and row < len(hrefs) else None


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
