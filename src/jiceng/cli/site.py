"""``jiceng site``: the offline site, city → district → street (docs/design.md §9)."""

from __future__ import annotations

from itertools import chain
from pathlib import Path

import click

from jiceng.cli.options import (
    check_output,
    dataset_argument,
    input_paths,
    load_graph,
    progress,
    say,
    tier_options,
)
from jiceng.present.site import build_site
from jiceng.present.tiers import Tiers
from jiceng.queries.trend import check_labels, snapshot_label
from jiceng.queries.trend import trend as run_trend

__all__ = ["site"]


@click.command("site")
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True, metavar="DIR",
              help="要写入的文件夹：新的或空的；已有的网站须加 --force 才替换；整体写入，失败时不留"
                   "半成品（the folder to write: new or empty; a site written before is replaced "
                   "only with --force; written whole or not at all）。")
@click.option("--history", multiple=True, type=click.Path(path_type=Path), metavar="SNAPSHOT",
              help="较早的一期数据集（文件夹或工作簿），可重复，按时间先后；DATASET 为最近一期；"
                   "全市页加上得分与覆盖率的趋势图，标签取文件夹或文件名（an earlier snapshot, a "
                   "folder or workbook, repeatable, in date order; DATASET is the latest; the "
                   "city page gets the trend charts, labelled by folder or file names）。")
@click.option("--labels", default=None, metavar="A,B,C",
              help="与 --history 合用：每期的标签，用逗号分隔，先较早的各期、最后是 DATASET；默认为"
                   "文件夹或文件名（with --history: one label per snapshot, comma-separated, the "
                   "earlier ones first and DATASET last; default: the folder or file names）。")
@click.option("--force", is_flag=True,
              help="替换 DIR 中以前写出的网站（replace the site written in DIR before）。")
@tier_options
@dataset_argument
def site(dataset: Path | None, output: Path, history: tuple[Path, ...], labels: str | None,
         force: bool, tiers: Tiers) -> None:
    """离线网站：全市、区县、街道逐级下钻的静态网页，可搜索、可打印 (Offline site to drill down).

    写出一个文件夹：全市页（主要数字、各规则覆盖率、一张图、分等级的街道排行榜）、每个区县和每个
    街道一页（地图、每个社区未达标的规则及原因、配置方案的拟建关系），逐级互相链接。每页都有搜索框
    （社区、街道、单位名称的一部分，两个字即可），可按 A4 打印，每张地图可保存为 PNG。直接双击
    index.html 即可打开（file://），也可放在内网的任何静态服务器上；页面不从文件夹以外加载任何
    内容。不给 DATASET 时使用内置的贵阳样例。给出 --history（较早的各期，DATASET 为最近一期）时，
    全市页加上 jiceng trend 的趋势图。

    Write a folder of pages: the city (headline figures, each rule's coverage, the overview
    map, the street board in tiers), a page per district and per street (its map, each
    community with the rules it fails and why, the plan's proposals there), linked both
    ways. Every page has a search box (part of a community's, street's or unit's name),
    prints on A4, and saves each map as a PNG. Open index.html from the folder (file://) or
    serve it from any static server; no page loads anything from outside the folder.

    \b
    示例 Example:
      jiceng site --output site/
      jiceng site mydata/ --output site/ --force
      jiceng site history/2025Q3 --history history/2025Q1 --history history/2025Q2 -o site/
      jiceng site 三季度.xlsx --history 二季度.xlsx --labels 2026Q2,2026Q3 -o site/
    """
    inputs = input_paths(dataset)
    check_output(output, [*inputs, *history], force=force, folder=True)
    latest = dataset if dataset is not None else inputs[0]
    if labels is not None and not history:
        raise click.UsageError("--labels 须与 --history 合用（--labels goes with --history）")
    named = check_labels(labels.split(",") if labels is not None else
                         [snapshot_label(path) for path in (*history, latest)],
                         len(history) + 1) if history else []
    graph = load_graph(dataset)
    result = None
    if history:
        with progress(f"正在逐期审计 auditing {len(named)} snapshots"):
            result = run_trend(chain((load_graph(path) for path in history), [graph]),
                               labels=named)  # one earlier snapshot in memory at a time
    with progress("正在写出网站 writing the site") as step:
        summary = build_site(graph, output, tiers=tiers, force=force, history=result,
                             on_page=step.count)
    say(f"已写出 wrote {output}：全市 1 页，区县 {summary.districts} 页，街道 {summary.streets} 页"
        f"（city 1 page, {summary.districts} district and {summary.streets} street pages）；"
        f"打开 open {output / 'index.html'}")
