"""Trends over snapshots as a report (``jiceng trend``), and the line charts it draws.

The charts are plain SVG strings, built with everything escaped and no script, so that any page
may inline them: :func:`svg_line_chart` draws one chart, :func:`trend_charts_html` the charts of a
trend (the city's rules, the streets' scores, the streets chosen) for the briefing and the site.
The xlsx with native Excel charts is :mod:`jiceng.present.trend_xlsx`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jiceng.present.cells import visible
from jiceng.present.labels import SCORE_DEFINITION
from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.present.tiers import DEFAULT_TIERS, TIERS, Tiers
from jiceng.queries.trend import TrendResult, pick_streets

__all__ = ["ChartSeries", "svg_line_chart", "trend_charts_html", "trend_report",
           "choose_streets", "rank_change_text", "points_text", "PALETTE", "CHOSEN_STREETS"]

#: Line colours of the chosen streets, told apart in print too.
PALETTE = ("#1565c0", "#d84315", "#2e7d32", "#6a1b9a", "#00838f", "#ef6c00", "#ad1457",
           "#4e342e", "#283593", "#558b2f")
#: How many streets get a chart of their own by default: those whose rank moved most.
CHOSEN_STREETS = 8
_FONT = '"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif'


@dataclass(frozen=True)
class ChartSeries:
    """One line: its name (legend, tooltips), a value per label (None: a gap), its look."""

    name: str
    values: Sequence[float | None]
    colour: str = PALETTE[0]
    width: float = 2.0
    faint: bool = False  # a background line: thin, grey, no dots, not in the legend


def rank_change_text(change: float | None) -> str:
    """A rank change as people read it: ``↑3`` (moved up three places), ``↓2``, ``±0``, or
    ``—`` where there is nothing to compare.

    >>> [rank_change_text(v) for v in (3, -2, 0, None)]
    ['↑3', '↓2', '±0', '—']
    """
    if change is None or (isinstance(change, float) and math.isnan(change)) or change is pd.NA:
        return "—"
    change = int(change)
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "±0"


def points_text(delta: float | None) -> str:
    """A change of a percentage (a difference of fractions) in 个百分点 (percentage points).

    >>> points_text(0.017), points_text(-0.2), points_text(None)
    ('+1.7 个百分点', '-20.0 个百分点', '—')
    """
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return "—"
    text = f"{delta * 100:+.1f}"
    return f"{'±0.0' if text in ('+0.0', '-0.0') else text} 个百分点"


# ------------------------------------------------------------------------------- SVG charts
def _text(text: str) -> str:
    """Text from users' files as a chart shows it: escaped, control characters as ``\\x1b``,
    long names cut (:func:`jiceng.present.cells.visible`)."""
    return html.escape(visible(str(text)))



def _nice_step(span: float, ticks: int) -> float:
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= raw:
            return step * magnitude
    return 10 * magnitude


def _y_range(series: Sequence[ChartSeries], percent: bool, invert: bool
             ) -> tuple[float, float, float]:
    values = [v for s in series for v in s.values if v is not None and not math.isnan(v)]
    if invert:  # ranks: 1 at the top
        high = max(values, default=1.0)
        step = max(1.0, _nice_step(high - 1, 4))
        return 1.0, max(high, 2.0), step
    low, high = min(values, default=0.0), max(values, default=1.0)
    if percent:
        high = max(high, min(1.0, high + 0.02))
        high = 1.0 if high > 0.9 else high
    if high - low < 0.04:  # a flat line: drawn above the axis, not on it
        low = low - 0.02
    step = _nice_step(high - low, 4)
    low = max(0.0 if percent else -math.inf, math.floor(low / step) * step)
    return low, max(high, low + step), step


def _tick_text(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:g}"


def _value_text(value: float, percent: bool, invert: bool) -> str:
    if invert:
        return f"第 {value:g} 名"
    return f"{value:.1%}" if percent else f"{value:g}"


def svg_line_chart(labels: Sequence[str], series: Sequence[ChartSeries], *, title: str = "",
                   percent: bool = True, invert: bool = False, bands: Tiers | None = None,
                   width: int = 640, height: int = 260, legend: bool = True) -> str:
    """One line chart as an SVG string: an x position per label, a line per series (broken
    where a value is None: a gap, never a zero), points with tooltips, the y axis in percent
    (``percent``) or ranks (``invert``: 1 at the top), and the score tiers as faint bands
    behind (``bands``, docs/design.md §4.7). All text is escaped; no script, nothing external.

    >>> svg = svg_line_chart(["2025Q1", "2025Q2"], [ChartSeries("<b>", [0.9, None])])
    >>> svg.startswith("<svg") and "&lt;b&gt;" in svg and "<b>" not in svg
    True
    """
    e = _text
    named = [s for s in series if not s.faint]
    rows = (len(named) + 2) // 3 if legend and len(named) > 1 else 0
    left, right, top, bottom = 48, 16, 26 if title else 10, 34 + 18 * rows
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high, step = _y_range(series, percent, invert)

    def x(i: int) -> float:
        return left + (plot_w / 2 if len(labels) == 1 else plot_w * i / (len(labels) - 1))

    def y(v: float) -> float:
        share = (v - low) / (high - low) if high > low else 0.5
        return top + (share if invert else 1 - share) * plot_h

    out = [f'<svg viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" style="max-width:100%;height:auto" role="img" '
           f'aria-label="{e(title)}" '
           f"font-family='{_FONT}' font-size=\"11\">"]
    if title:
        out.append(f'<text x="{left}" y="16" font-size="13" font-weight="bold">{e(title)}</text>')
    if bands is not None and percent and not invert:
        limits = {"ok": (bands.ok, 1.0), "warn": (bands.warn, bands.ok), "focus": (0.0, bands.warn)}
        for code, (a, b) in limits.items():
            a, b = max(a, low), min(b, high)
            if b > a:
                out.append(f'<rect x="{left}" y="{y(b):.1f}" width="{plot_w}" '
                           f'height="{y(a) - y(b):.1f}" fill="{TIERS[code].fill}" '
                           f'fill-opacity="0.22"><title>{e(TIERS[code].zh)} '
                           f"{e(bands.range_text(code))}</title></rect>")
    tick = low if not invert else 1.0
    while tick <= high + 1e-9:
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                   f'stroke="#ddd"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" '
                   f'text-anchor="end" fill="#555">{e(_tick_text(tick, percent and not invert))}'
                   "</text>")
        tick += step
    every = max(1, math.ceil(len(labels) / max(1, plot_w // 60)))
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            anchor = ("middle" if len(labels) == 1 or 0 < i < len(labels) - 1
                      else "start" if i == 0 else "end")  # the ends stay inside the chart
            out.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="{anchor}" '
                       f'fill="#333">{e(label)}</text>')
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" '
               f'y2="{top + plot_h}" stroke="#999"/>')
    for s in sorted(series, key=lambda s: not s.faint):  # faint lines behind
        out.extend(_line(s, labels, x, y, percent, invert))
    for n, s in enumerate(named if rows else []):
        lx, ly = left + (n % 3) * (plot_w / 3), top + plot_h + 34 + 18 * (n // 3)
        out.append(f'<rect x="{lx:.1f}" y="{ly - 8}" width="14" height="4" fill="{s.colour}"/>'
                   f'<text x="{lx + 18:.1f}" y="{ly - 3}" fill="#222">{e(s.name)}</text>')
    out.append("</svg>")
    return "".join(out)


def _line(s: ChartSeries, labels: Sequence[str], x, y, percent: bool, invert: bool) -> list[str]:
    """The path of one series (a new segment after each gap) and its points."""
    e = _text
    colour = "#b0b0b0" if s.faint else s.colour
    path, pen_down, points = [], False, []
    for i, value in enumerate(s.values):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{x(i):.1f},{y(value):.1f}")
        pen_down = True
        if not s.faint:
            points.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}">'
                          f"<title>{e(s.name)} · {e(labels[i])}: "
                          f"{e(_value_text(value, percent, invert))}</title></circle>")
    width = 1.0 if s.faint else s.width
    line = (f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="{width}" '
            f'stroke-linejoin="round"><title>{e(s.name)}</title></path>') if path else ""
    return [line, *points]


# ------------------------------------------------------------------------- the trend's tables
def _values(frame: pd.DataFrame, key) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in frame.loc[key]]


def _changes(wide: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The change from the previous snapshot and from the first, where both have a value
    (NaN otherwise): last minus previous, last minus first."""
    values = wide.to_numpy(dtype=float, na_value=np.nan)
    last = values[:, -1]
    previous = values[:, -2] if values.shape[1] > 1 else np.full(len(values), np.nan)
    return (pd.Series(last - previous, index=wide.index),
            pd.Series(last - values[:, 0], index=wide.index))


def choose_streets(result: TrendResult, named: Sequence[str] = (), *,
                   count: int = CHOSEN_STREETS) -> list[str]:
    """The streets that get a chart of their own: those ``named`` (id or part of a name, in
    the order given), then the ``count`` whose rank moved most from the first snapshot to the
    last (ties: the latest rank), then, when fewer moved, the lowest-ranked of the latest
    snapshot, up to ``count``."""
    chosen = list(dict.fromkeys(pick_streets(result, named)))
    ranks = result.wide("rank").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    moved = ranks[:, 0] - ranks[:, -1]
    streets = result.wide("rank").index
    order = sorted((i for i in range(len(streets)) if not math.isnan(moved[i]) and moved[i]),
                   key=lambda i: -abs(moved[i]))
    for i in order[:count]:
        if streets[i] not in chosen:
            chosen.append(streets[i])
    for street in reversed(streets):  # the latest order: the lowest-ranked last
        if len(chosen) >= count + len(named):
            break
        if street not in chosen and not math.isnan(ranks[streets.get_loc(street), -1]):
            chosen.append(street)
    return chosen


def _street_table(result: TrendResult, tiers: Tiers) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """The streets wide: scores per snapshot, latest rank and tier, the changes (numbers; and
    the same for people, ranks moved as ↑3)."""
    scores, ranks = result.wide("score"), result.wide("rank").astype("Float64")
    names = result.streets.drop_duplicates("street").set_index("street")
    score_prev, score_total = _changes(scores)
    rank_prev, rank_total = _changes(ranks)  # a rank that falls is a street that rose
    score_columns = [f"得分 {label}" for label in result.labels]
    frame = pd.DataFrame({"street": scores.index,
                          "street_name": names.loc[scores.index, "street_name"].to_numpy(),
                          "district_name": names.loc[scores.index, "district_name"].to_numpy()})
    for column, label in zip(score_columns, result.labels):
        frame[column] = scores[label].to_numpy(dtype=float)
    frame["rank"] = ranks[result.labels[-1]].astype("Int64").to_numpy()
    frame["rank_change"] = pd.array(-rank_prev.to_numpy(), dtype="Float64").astype("Int64")
    frame["rank_change_total"] = pd.array(-rank_total.to_numpy(), dtype="Float64").astype("Int64")
    frame["score_delta"] = score_prev.to_numpy()
    frame["delta_total"] = score_total.to_numpy()
    frame["tier"] = tiers.codes(frame[score_columns[-1]]).to_numpy()
    people = frame.assign(**{c: [rank_change_text(None if pd.isna(v) else v) for v in frame[c]]
                             for c in ("rank_change", "rank_change_total")})
    return frame, people, score_columns


def _rule_table(result: TrendResult) -> tuple[pd.DataFrame, list[str]]:
    coverage = result.wide("coverage", "rule")
    titles = result.rules.drop_duplicates("rule").set_index("rule")
    previous, total = _changes(coverage)
    columns = [f"覆盖率 {label}" for label in result.labels]
    frame = pd.DataFrame({"rule": coverage.index,
                          "title_zh": titles.loc[coverage.index, "title_zh"].to_numpy()})
    for column, label in zip(columns, result.labels):
        frame[column] = coverage[label].to_numpy(dtype=float)
    frame["delta"] = previous.to_numpy()
    frame["delta_total"] = total.to_numpy()
    return frame, columns


def _long(result: TrendResult, tiers: Tiers) -> pd.DataFrame:
    dates = dict(zip(result.labels, result.snapshots["date"]))
    streets = result.streets
    return pd.DataFrame({
        "street": streets["street"], "street_name": streets["street_name"],
        "district": streets["district"], "snapshot": streets["snapshot"],
        "date": streets["snapshot"].map(dates), "score": streets["score"],
        "rank": streets["rank"], "tier": tiers.codes(streets["score"])})


def _street_tiers(result: TrendResult, tiers: Tiers) -> list[list[str | None]]:
    scores = result.wide("score")
    return [[tiers.of(None if pd.isna(v) else float(v)) for v in scores.loc[s]]
            for s in scores.index]


def trend_report(result: TrendResult, *, tiers: Tiers = DEFAULT_TIERS,
                 streets: Sequence[str] = (), count: int = CHOSEN_STREETS,
                 dataset: str = "", rules_file: str = "") -> Report:
    """The trend as a report: the streets (score per snapshot, latest rank and tier, rank
    changes ↑3/↓2, score changes in 个百分点), the rules' coverage, and every street and
    snapshot in one long table (the CSV); the HTML leads with its charts
    (:func:`trend_charts_html`), the xlsx has native line charts
    (:func:`jiceng.present.trend_xlsx.write_trend_xlsx`). ``streets`` (ids or parts of names)
    and the ``count`` streets whose rank moved most get charts of their own
    (:func:`choose_streets`).

    >>> from jiceng.loaders.synthetic import generate
    >>> from jiceng.queries.trend import trend
    >>> city, _ = generate(scale=0.05)
    >>> report = trend_report(trend([city, city], labels=["2025Q4", "2026Q1"]))
    >>> report.data()["snapshots"][1]
    {'label': '2026Q1', 'date': '2026-01-01'}
    """
    chosen = choose_streets(result, streets, count=count)
    street_frame, street_people, score_columns = _street_table(result, tiers)
    rule_frame, coverage_columns = _rule_table(result)
    points = ("score_delta", "delta_total")
    report = _TrendReport(
        title=f"得分与覆盖率趋势 Trend: {result.labels[0]} → {result.labels[-1]}"
        if len(result.labels) > 1 else f"得分与覆盖率 Trend: {result.labels[0]}",
        sections=[
            Section("streets", "街道得分、排名与等级 Streets", street_frame, people=street_people,
                    percent=(*score_columns, *points), sheet="街道得分"),
            Section("rules", "全市规则覆盖率 Coverage per rule", rule_frame,
                    percent=(*coverage_columns, "delta", "delta_total"), sheet="规则覆盖率"),
            Section("long", "逐期明细 Every street and snapshot", _long(result, tiers),
                    screen=False, html=False, percent=("score",), sheet="明细"),
        ],
        data=lambda: result.to_json(_street_tiers(result, tiers)),
        dataset=dataset, rules_file=rules_file, tiers=tiers, main="long",
        notes=[f"期次 snapshots: {' → '.join(result.labels)} · 街道 streets: "
               f"{result.streets['street'].nunique():,} · {tiers.legend()}",
               "排名变化、得分变化、变化量为最后一期较上期，另列较首期；↑ 为上升、↓ 为下降；覆盖率与得分的"
               "变化以“个百分点”计（changes are the last snapshot's against the one before, and "
               "against the first where said; ↑ up, ↓ down; changes of a percentage in "
               "percentage points）；某期没有的街道留空，不计为 0"
               "（a street missing from a snapshot is left blank, not zero）。"],
        definitions=[SCORE_DEFINITION])
    report.lead_html = lambda: trend_charts_html(result, tiers, chosen)
    report.xlsx = lambda path: _write_xlsx(report, result, tiers, chosen, path)
    return report


class _TrendReport(Report):
    """A trend's report: its scores are coloured by tier, never by the coverage threshold,
    so the line under the title says no threshold."""

    def graded(self) -> bool:
        return False


def _write_xlsx(report: Report, result: TrendResult, tiers: Tiers, chosen: list[str],
                path) -> None:
    from jiceng.present.trend_xlsx import write_trend_xlsx  # openpyxl loads only here

    write_trend_xlsx(report, result, tiers, chosen, path)


# ---------------------------------------------------------------------------- HTML charts
def _figure(caption: str, svg: str) -> str:
    """A small chart with its caption above (wrapped as text, where an SVG title is cut)."""
    return (f'<figure style="margin:0"><figcaption style="font-size:13px;font-weight:bold">'
            f"{_text(caption)}</figcaption>{svg}</figure>")


_GRID = "display:grid;grid-template-columns:repeat(auto-fill,minmax(310px,1fr));gap:8px 16px"


def trend_charts_html(result: TrendResult, tiers: Tiers = DEFAULT_TIERS,
                      chosen: Sequence[str] | None = None) -> str:
    """The trend's charts as an HTML fragment (headings and inline SVG, everything escaped,
    no script): the streets' scores (all streets grey, the ``chosen`` in colour, tiers
    behind), a small chart of score and rank per chosen street, and one small chart per
    rule of the city's coverage. ``chosen`` defaults to :func:`choose_streets`."""
    e = _text
    labels = result.labels
    chosen = choose_streets(result) if chosen is None else list(chosen)
    scores, ranks = result.wide("score"), result.wide("rank").astype("Float64")
    names = result.streets.drop_duplicates("street").set_index("street")["street_name"]
    colour = {street: PALETTE[i % len(PALETTE)] for i, street in enumerate(chosen)}
    lines = [ChartSeries(str(names[s]), _values(scores, s), faint=True)
             for s in scores.index if s not in colour]
    lines += [ChartSeries(str(names[s]), _values(scores, s), colour[s], 2.5) for s in chosen]
    parts = ['<section class="trend-charts">',
             '<h2 id="trend-streets">街道得分走势 Street scores</h2>',
             f'<p class="def">灰线为其余街道；底色为等级（{e(tiers.legend())}）。'
             "Grey: the other streets; the bands are the tiers.</p>",
             svg_line_chart(labels, lines, title="各街道得分 Score by street", bands=tiers,
                            width=1100, height=340 + 18 * ((len(chosen) + 2) // 3))]
    parts.append('<h2 id="trend-chosen">排名变化较大的街道 Streets that moved most</h2>'
                 f'<div style="{_GRID}">')
    for street in chosen:
        rank_values = _values(ranks, street)
        known = [v for v in rank_values if v is not None]
        moved = rank_change_text(known[0] - known[-1]) if len(known) > 1 else "—"
        title = f"{names[street]}：排名 {' → '.join('—' if v is None else f'{v:g}' for v in rank_values)}（{moved}）"
        parts.append(_figure(title, svg_line_chart(
            labels, [ChartSeries(str(names[street]), _values(scores, street), colour[street])],
            bands=tiers, width=340, height=170, legend=False)))
    parts.append("</div>")
    coverage = result.wide("coverage", "rule")
    titles = result.rules.drop_duplicates("rule").set_index("rule")["title_zh"]
    _, total = _changes(coverage)
    parts.append('<h2 id="trend-rules">全市规则覆盖率走势 City coverage by rule</h2>'
                 f'<div style="{_GRID}">')
    for rule in coverage.index:
        title = f"{titles[rule]}（{points_text(total[rule])}）"
        parts.append(_figure(title, svg_line_chart(
            labels, [ChartSeries(str(titles[rule]), _values(coverage, rule), "#b71c1c")],
            width=340, height=150, legend=False)))
    parts.append("</div></section>")
    return "\n".join(parts)
