"""jiceng template: write an Excel workbook to fill in, empty or with a street's part of a city."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import check_output, dataset_named, load_graph, say, shown
from jiceng.loaders.template import EXAMPLE_EDGES, EXAMPLE_NODES, SHEETS, write_template
from jiceng.queries.scope import resolve_place, street_part


@click.command()
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--from", "city", type=click.Path(path_type=Path), default=None, metavar="CITY",
              help="从这个城市数据集取出 --street 街道的部分预先填好；sample 为内置示例城市"
                   "（prefill the --street's part of this city dataset; sample: the bundled one）。")
@click.option("--street", metavar="NAME|ID", default=None,
              help="与 --from 一起：哪个街道，编号、名称或名称的一部分，如 太慈桥（with --from: "
                   "which street, by id, name or part of the name, e.g. 太慈桥）。")
@click.option("--force", is_flag=True, help="OUT 已存在时覆盖它（replace OUT if it exists）。")
def template(out: Path, city: Path | None, street: str | None, force: bool) -> None:
    """数据模板：写出一个中文的 Excel 工作簿，供街道填写报送 (Write an Excel workbook to fill in).

    工作表 说明（每一列的填写说明）、节点 和 关系（中文表头，编号为文本格式，类型有中文下拉
    选项，起点/终点可从节点名称中选）、类型（每种节点和关系的中英文名称及允许的起点 → 终点）。
    空白模板带几行名称以“（示例）”结尾的示例行，请替换；加 --from CITY --street NAME 则写出
    该街道在全市数据中的部分（保留全市编号，与之有关系的其他街道的组织灰底标出，请勿修改），
    没有示例行。填好后用 `jiceng validate OUT` 检查。

    Write an Excel workbook (.xlsx) to fill in, Chinese first: sheets 说明 (what each
    column holds), 节点 and 关系 (Chinese headings, ids as text, drop-downs of the Chinese
    kind labels, 起点/终点 offering the node names) and 类型 (every kind). Empty, it has a
    few example rows marked （示例） to replace; with --from CITY --street NAME it holds
    that street's part of the city (city ids kept; organisations of other streets tied to
    it shaded grey, not to be edited) and no example rows.

    \b
    Example:
      jiceng template 南明区.xlsx
      jiceng template --from sample --street 太慈桥 太慈桥.xlsx
      jiceng validate 太慈桥.xlsx
    """
    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{out} 须以 .xlsx 结尾（must end in .xlsx）", param_hint="OUT")
    if (city is None) != (street is None):
        raise click.UsageError("--from 与 --street 须一起给出（give --from and --street together）")
    if out.exists() and not out.is_dir() and not force:
        raise click.BadParameter(f"{out} 已存在，加 --force 覆盖（exists; use --force to replace "
                                 "it）", param_hint="OUT")
    city = dataset_named(city) if city is not None else None
    check_output(out, [city], force=force)
    if street is None:
        write_template(out)
        say(f"已写入 wrote {out}：工作表 说明、{SHEETS['nodes']}、{SHEETS['edges']}、"
            f"{SHEETS['kinds']}，含 {len(EXAMPLE_NODES)} 个示例节点和 {len(EXAMPLE_EDGES)} 条示例"
            f"关系，请替换（with {len(EXAMPLE_NODES)} example nodes and {len(EXAMPLE_EDGES)} "
            "example edges to replace）")
        return
    graph = load_graph(city)
    place = resolve_place(graph, street=street)
    assert place is not None
    part = street_part(graph, place)
    write_template(out, part.graph, elsewhere=dict(zip(part.elsewhere["id"],
                                                       part.elsewhere["street_name"])),
                   street=place.name, city=shown(city) if city is not None else graph.name)
    say(f"已写入 wrote {out}：{place.name}（{place.id}）的 {part.graph.n_nodes:,} 个节点、"
        f"{part.graph.n_edges:,} 条关系，其中 {len(part.elsewhere):,} 个节点属于其他街道或上级，"
        f"灰底标出（{part.graph.n_nodes:,} nodes and {part.graph.n_edges:,} edges of street "
        f"{place.id}; {len(part.elsewhere):,} nodes of other places shaded grey）")
