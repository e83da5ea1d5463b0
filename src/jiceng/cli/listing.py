"""``jiceng list``: the ids and names of districts, streets, communities or units."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from jiceng.cli.options import emit_report, load_graph, output_options
from jiceng.graphmodel.schema import NODE_KINDS
from jiceng.present.model import Section
from jiceng.present.report import Report
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
    rows = [{"id": i, "name": n, "kind": k, "district": d, "street": s}
            for i, n, k, d, s in zip(found["id"], found["name"], found["kind"], found["district"],
                                     found["street"])]
    shown = found[["id", "name", "district", "district_name", "street", "street_name"]]
    if kind in ("district_committee", "street_committee"):
        shown = shown.drop(columns=["street", "street_name"])
    if kind == "district_committee":
        shown = shown.drop(columns=["district", "district_name"])
    zh = NODE_KINDS[kind].zh
    title = f"{zh} {NODE_KINDS[kind].en}: {len(found)}"
    if keyword:
        title += f" · 含 containing '{keyword}'"
    report = Report(title=title, dataset=graph.name,
                    sections=[Section(what, f"{zh} {what}", shown)],
                    # DESIGN §6: the JSON of `list` is a list, not an object
                    data=cast(dict, rows))
    emit_report(report, fmt, output)
