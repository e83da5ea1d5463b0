"""``jiceng map``: interactive HTML network maps that open offline."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import click

from jiceng.cli.options import (
    bounded,
    check_output,
    input_paths,
    load_source,
    neo4j_option,
    progress,
    say,
    source_argument,
    tier_options,
)
from jiceng.graphmodel import OrgGraph
from jiceng.present.maps import overview_map, reach_map, street_file_name, street_map
from jiceng.present.tiers import Tiers
from jiceng.queries import MAX_HOPS
from jiceng.queries.lookup import resolve_node
from jiceng.queries.sources import as_graph

_output_option = click.option(
    "--output", "-o", type=click.Path(path_type=Path), default=None,
    help="要写入的 .html 文件（原子写入），或一个已有的文件夹：--street 写入其中的 "
         "street-<编号>.html，--overview 写入 overview.html；不给则输出到标准输出"
         "（the .html file to write, atomically, or an existing folder: --street writes "
         "street-<ID>.html in it, --overview overview.html; without it the page goes to stdout）。")


@click.command("map")
@source_argument
@click.option("--overview", is_flag=True,
              help="全市一张图：区县、街道、社区，标出问题所在（districts, streets, communities "
                   "marked by what is wrong there）。")
@click.option("--district", metavar="ID|NAME", default=None,
              help="与 --overview 合用：只画这个区(县)，编号、名称或名称的一部分（with --overview: "
                   "only this district, by id, name or part of the name）。")
@click.option("--units", "with_units", is_flag=True,
              help="与 --overview 合用：同时画出共建单位及其联系（with --overview: draw the "
                   "co-building units and their ties too）。")
@click.option("--street", metavar="ID|NAME", default=None,
              help="一个街道的全部节点，编号、名称或名称的一部分，如 中华北路（every node of one "
                   "street, by id, name or part of the name）。")
@click.option("--reach", "unit", metavar="UNIT", default=None,
              help="一个单位党组织（编号或名称）及其资源到达的范围（one unit Party organization, "
                   "by id or name, and what it reaches）。")
@click.option("--hops", "-k", type=int, default=2, show_default=True, metavar=f"1..{MAX_HOPS}",
              callback=bounded(1, MAX_HOPS, "更长的路径不会多到达任何社区",
                               "longer paths reach nothing more", why_for="high"),
              help="与 --reach 合用：最长路径（with --reach: longest path）。")
@click.option("--link-streets", is_flag=True,
              help="与 --overview 合用：每个街道框都链接到同一文件夹中的 street-<编号>.html，"
                   "不论其是否已写出；不给时只链接写出时已存在的街道地图（with --overview: link "
                   "every street's box to street-<ID>.html in the same folder, written or not; "
                   "without it, only the street maps that exist when the overview is written）。")
@tier_options
@neo4j_option
@_output_option
def map_command(dataset: Path | str | None, overview: bool, district: str | None,
                with_units: bool, street: str | None, unit: str | None, hops: int,
                link_streets: bool, tiers: Tiers, neo4j_uri: str | None,
                output: Path | None) -> None:
    """网络地图：画出可交互的网络图，单个 HTML 文件，离线可用 (Interactive network map).

    页面不需要网络，可在离线的内网中用任何浏览器打开。数据也可以来自 Neo4j 服务器
    （bolt://host:7687 或 --neo4j），图读取一次后在本机绘制。

    一张图中街道框的颜色是得分等级：达标（绿）、预警（黄）、重点关注（红），阈值见 --tier-ok、
    --tier-warn。街道地图写在一张图旁边（同一文件夹中的 street-<编号>.html）时，点击街道框即打开它。

    Draw an interactive network map as one self-contained HTML file. The page needs no
    network: open it in any browser on an offline intranet. From a Neo4j server
    (bolt://host:7687 or --neo4j) the graph is read once and drawn here. The overview fills
    each street's box with its score tier (green, amber, red; --tier-ok, --tier-warn); a
    street whose map is written beside it (street-<ID>.html in the same folder) opens when
    its box is clicked.

    \b
    Example:
      jiceng map --overview --output city.html
      jiceng map --overview --units --output city-units.html
      jiceng map --street 中华北路 --output site/
      jiceng map --overview --output site/
      jiceng map --street 中华北路 --output street.html
      jiceng map mydata/ --street S0001 --output street.html
      jiceng map --reach UP00001 --hops 2 --output reach.html
    """
    _check_choice(overview, street, unit, overview_only=bool(district or with_units
                                                             or link_streets))
    inputs = input_paths(dataset, neo4j_uri)
    into_folder = output is not None and output.is_dir() and not unit
    if output is not None and not into_folder:
        check_output(output, inputs)
    with progress("正在读取图 reading the graph"):
        graph = as_graph(load_source(dataset, neo4j_uri))
    street_id = resolve_node(graph, street, ["street_committee"]) if street else None
    if output is not None and into_folder:
        output = _in_folder(output, street_id, inputs)
    with progress("正在绘制地图 drawing the map"):
        if overview:
            where = resolve_node(graph, district, ["district_committee"]) if district else None
            page = overview_map(graph, district=where, units=with_units, tiers=tiers,
                                street_links=_street_links(graph, output, link_streets))
        else:
            page = street_map(graph, street_id, tiers=tiers) if street_id else \
                reach_map(graph, resolve_node(graph, str(unit), ["unit_party"]), hops=hops)
    _emit(page, output)


def _emit(page, output: Path | None) -> None:
    """The page to ``output``, or to stdout without one."""
    if output is None:
        click.echo(page.html)
        return
    page.save(output)
    say(f"已写入 wrote {output}：{page.n_nodes} 个节点 nodes，{page.n_edges} 条关系 edges")


def _in_folder(folder: Path, street_id: str | None, inputs: list[Path]) -> Path:
    """The page's file in ``folder``: the name the overview links to (``street-<ID>.html``) or
    ``overview.html``."""
    output = folder / (street_file_name(street_id) if street_id else "overview.html")
    check_output(output, inputs)
    return output


def _check_choice(overview: bool, street: str | None, unit: str | None, *,
                  overview_only: bool) -> None:
    """Exactly one map is asked for, and the overview's own options only with it."""
    chosen = [flag for flag, value in (("--overview", overview), ("--street", street),
                                       ("--reach", unit)) if value]
    if len(chosen) != 1:
        raise click.UsageError("请在 --overview、--street ID、--reach UNIT 中恰好选一个"
                               "（choose exactly one of --overview, --street ID, --reach UNIT）")
    if overview_only and not overview:
        raise click.UsageError("--district、--units 和 --link-streets 须与 --overview 合用"
                               "（--district, --units and --link-streets go with --overview）")


def _street_links(graph: OrgGraph, output: Path | None, every: bool) -> dict[str, str]:
    """Street id -> the address of its map beside the overview (``street-<ID>.html``, relative):
    every street with ``every``, else those whose file is in the overview's folder now (a page
    opened from a folder cannot ask whether a file exists, so it is decided here)."""
    ids = graph.nodes.loc[graph.is_kind("street_committee"), "id"].astype(str)
    folder = output.parent if output is not None else None
    return {i: quote(street_file_name(i)) for i in ids
            if every or (folder is not None and (folder / street_file_name(i)).is_file())}
