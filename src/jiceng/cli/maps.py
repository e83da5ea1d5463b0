"""``jiceng map``: interactive HTML network maps that open offline."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import bounded, check_output, dataset_argument, load_graph, progress, say
from jiceng.loaders import sample_path
from jiceng.maps import overview_map, reach_map, street_map
from jiceng.queries._args import MAX_HOPS


@click.command("map")
@dataset_argument
@click.option("--overview", is_flag=True,
              help="街道和社区，按覆盖率着色（streets and communities coloured by coverage）。")
@click.option("--district", metavar="ID", default=None,
              help="与 --overview 合用：只画这个区(县)（with --overview: only this district）。")
@click.option("--street", metavar="ID", default=None,
              help="一个街道的全部节点（every node of one street）。")
@click.option("--reach", "unit", metavar="UNIT", default=None,
              help="一个单位党组织及其资源到达的范围（one unit Party organization and what it "
                   "reaches）。")
@click.option("--hops", "-k", type=int, default=2, show_default=True, metavar=f"1..{MAX_HOPS}",
              callback=bounded(1, MAX_HOPS, "更长的路径不会多到达任何社区",
                               "longer paths reach nothing more"),
              help="与 --reach 合用：最长路径（with --reach: longest path）。")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="要写入的 .html 文件（原子写入）；不给则输出到标准输出（the .html file to write, "
                   "atomically; without it the page goes to stdout）。")
def map_command(dataset: Path | None, overview: bool, district: str | None, street: str | None,
                unit: str | None, hops: int, output: Path | None) -> None:
    """网络地图：画出可交互的网络图，单个 HTML 文件，离线可用 (Interactive network map).

    页面不需要网络，可在离线的内网中用任何浏览器打开。

    Draw an interactive network map as one self-contained HTML file.
    The page needs no network: open it in any browser on an offline intranet.

    \b
    Example:
      jiceng map --overview --output city.html
      jiceng map mydata/ --street S0001 --output street.html
      jiceng map --reach UP00001 --hops 2 --output reach.html
    """
    chosen = [flag for flag, value in (("--overview", overview), ("--street", street),
                                       ("--reach", unit)) if value]
    if len(chosen) != 1:
        raise click.UsageError("请在 --overview、--street ID、--reach UNIT 中恰好选一个"
                               "（choose exactly one of --overview, --street ID, --reach UNIT）")
    if district and not overview:
        raise click.UsageError("--district 须与 --overview 合用（--district goes with --overview）")
    if output is not None:
        check_output(output, [dataset if dataset is not None else sample_path()])
    graph = load_graph(dataset)
    with progress("drawing the map"):
        if overview:
            page = overview_map(graph, district=district)
        elif street:
            page = street_map(graph, street)
        else:
            page = reach_map(graph, unit, hops=hops)
    if output is None:
        click.echo(page.html)
        return
    page.save(output)
    say(f"已写入 wrote {output}：{page.n_nodes} 个节点 nodes，{page.n_edges} 条关系 edges")
