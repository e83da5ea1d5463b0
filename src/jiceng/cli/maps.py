"""``jiceng map``: interactive HTML network maps that open offline."""

from __future__ import annotations

from pathlib import Path

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
)
from jiceng.present.maps import overview_map, reach_map, street_map
from jiceng.queries import MAX_HOPS
from jiceng.queries.lookup import resolve_node
from jiceng.queries.sources import as_graph


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
@neo4j_option
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="要写入的 .html 文件（原子写入）；不给则输出到标准输出（the .html file to write, "
                   "atomically; without it the page goes to stdout）。")
def map_command(dataset: Path | str | None, overview: bool, district: str | None,
                with_units: bool, street: str | None, unit: str | None, hops: int,
                neo4j_uri: str | None, output: Path | None) -> None:
    """网络地图：画出可交互的网络图，单个 HTML 文件，离线可用 (Interactive network map).

    页面不需要网络，可在离线的内网中用任何浏览器打开。数据也可以来自 Neo4j 服务器
    （bolt://host:7687 或 --neo4j），图读取一次后在本机绘制。

    Draw an interactive network map as one self-contained HTML file. The page needs no
    network: open it in any browser on an offline intranet. From a Neo4j server
    (bolt://host:7687 or --neo4j) the graph is read once and drawn here.

    \b
    Example:
      jiceng map --overview --output city.html
      jiceng map --overview --units --output city-units.html
      jiceng map --street 中华北路 --output street.html
      jiceng map mydata/ --street S0001 --output street.html
      jiceng map --reach UP00001 --hops 2 --output reach.html
    """
    chosen = [flag for flag, value in (("--overview", overview), ("--street", street),
                                       ("--reach", unit)) if value]
    if len(chosen) != 1:
        raise click.UsageError("请在 --overview、--street ID、--reach UNIT 中恰好选一个"
                               "（choose exactly one of --overview, --street ID, --reach UNIT）")
    if (district or with_units) and not overview:
        raise click.UsageError("--district 和 --units 须与 --overview 合用"
                               "（--district and --units go with --overview）")
    if output is not None:
        check_output(output, input_paths(dataset, neo4j_uri))
    source = load_source(dataset, neo4j_uri)
    with progress("正在读取图 reading the graph"):
        graph = as_graph(source)
    with progress("正在绘制地图 drawing the map"):
        if overview:
            where = resolve_node(graph, district, ["district_committee"]) if district else None
            page = overview_map(graph, district=where, units=with_units)
        elif street:
            page = street_map(graph, resolve_node(graph, street, ["street_committee"]))
        else:
            page = reach_map(graph, resolve_node(graph, str(unit), ["unit_party"]), hops=hops)
    if output is None:
        click.echo(page.html)
        return
    page.save(output)
    say(f"已写入 wrote {output}：{page.n_nodes} 个节点 nodes，{page.n_edges} 条关系 edges")
