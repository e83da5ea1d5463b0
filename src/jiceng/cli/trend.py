"""The ``trend`` command: scores, ranks and coverage over snapshots (docs/design.md §9)."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import emit_report, load_graph, output_options, progress, tier_options
from jiceng.present.tiers import Tiers
from jiceng.present.trend import CHOSEN_STREETS, trend_report
from jiceng.queries.rules import load_rules
from jiceng.queries.trend import check_labels, snapshot_label
from jiceng.queries.trend import trend as run_trend


@click.command()
@click.argument("snapshots", nargs=-1, required=True, metavar="SNAPSHOT...",
                type=click.Path(path_type=Path))
@click.option("--labels", default=None, metavar="A,B,C",
              help="每期的标签，用逗号分隔，个数与数据集相同；默认为文件夹或文件名。形如 2026Q1 或 "
                   "2026-03-31 的标签在 JSON 中给出日期（one label per snapshot, comma-separated; "
                   "default: the folder or file names. A label such as 2026Q1 or 2026-03-31 "
                   "gives the snapshot's date in JSON）。")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), default=None,
              help="YAML 规则文件，默认为文章中的规则（a YAML rule file; default: the article's "
                   "rules）。")
@click.option("--street", "streets", multiple=True, metavar="NAME|ID",
              help=f"另为这个街道画图（可重复）；默认画排名变化最大的 {CHOSEN_STREETS} 个街道"
                   f"（also chart this street, repeatable; by default the {CHOSEN_STREETS} "
                   "streets whose rank moved most are charted）。")
@tier_options
@output_options
def trend(snapshots: tuple[Path, ...], labels: str | None, rules_file: Path | None,
          streets: tuple[str, ...], tiers: Tiers, fmt: str, output: Path | None) -> None:
    """趋势：各街道得分、排名、等级和各规则覆盖率的逐期变化 (Scores, ranks and coverage over time).

    SNAPSHOT 为同一城市按时间先后排列的各期数据集（文件夹或工作簿）。排名变化写作 ↑3 / ↓2，
    覆盖率和得分的变化以“个百分点”计；改名的街道按编号仍是同一行；某期没有的街道留空，不计为 0。
    html 内嵌折线图（SVG，不引用外部文件）；xlsx 含 Excel 原生折线图，得分按等级着色。

    SNAPSHOT... are datasets of one city in date order. Rank changes read ↑3 / ↓2, changes
    of a percentage are in percentage points; a renamed street stays one row (matched by
    id); a street missing from a snapshot is a gap, not a zero. html draws its charts inline
    (SVG); xlsx has native Excel line charts and the scores coloured by tier.

    \b
    Example:
      jiceng generate --history 4 history/
      jiceng trend history/2025Q1 history/2025Q2 history/2025Q3 history/2025Q4
      jiceng trend 一季度.xlsx 二季度.xlsx --labels 2026Q1,2026Q2 --format xlsx -o 趋势.xlsx
    """
    named = check_labels(labels.split(",") if labels is not None else
                         [snapshot_label(path) for path in snapshots], len(snapshots))
    rules = load_rules(rules_file)
    with progress(f"正在逐期审计 auditing {len(snapshots)} snapshots"):
        result = run_trend((load_graph(path) for path in snapshots), labels=named, rules=rules)
    report = trend_report(result, tiers=tiers, streets=streets,
                          rules_file=str(rules_file) if rules_file else "")
    emit_report(report, fmt, output)
