"""``jiceng list``: the ids and names of districts, streets, communities or units."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import emit_report, load_graph, output_options
from jiceng.present.listing import list_report
from jiceng.queries.lookup import LIST_KINDS, find_nodes


@click.command("list")
@click.argument("what", metavar="KIND", type=click.Choice(list(LIST_KINDS)))
@click.argument("keyword", required=False)
@click.option("--dataset", "-d", "dataset", type=click.Path(path_type=Path), default=None,
              help="数据集文件夹或 .xlsx，默认为内置样例（a dataset folder or .xlsx; default: the "
                   "bundled sample）。")
@output_options
def list_command(what: str, keyword: str | None, dataset: Path | None, fmt: str,
                 output: Path | None) -> None:
    """列出区县、街道、社区或单位的编号和名称 (List districts, streets, communities or units).

    KEYWORD keeps those whose id or name contains it (part of a Chinese name will do).

    \b
    Example:
      jiceng list streets
      jiceng list communities 翠安
      jiceng list units 交警 --dataset mydata/ --format csv
    """
    kind = LIST_KINDS[what]
    graph = load_graph(dataset)
    found = find_nodes(graph, [kind], keyword)
    report = list_report(found, kind=kind, what=what, keyword=keyword, dataset=graph.name)
    emit_report(report, fmt, output)
