"""jiceng template: write an Excel workbook to fill in with one's own data."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import check_output, say
from jiceng.loaders.template import EXAMPLE_EDGES, EXAMPLE_NODES, write_template


@click.command()
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="OUT 已存在时覆盖它（replace OUT if it exists）。")
def template(out: Path, force: bool) -> None:
    """数据模板：写出一个 Excel 工作簿，填入本地数据 (Write an Excel template to fill in).

    工作表 nodes 和 edges（数据格式的各列，编号为文本格式，类型有下拉选项，示例行本身就是
    有效的数据集，请替换），以及 kinds（每种节点和关系的中英文名称及允许的起点 → 终点）。
    填好后用 `jiceng validate OUT` 检查。

    Write an Excel workbook (.xlsx) to fill in with your own data.

    Sheets: nodes and edges (the columns of the data format, ids formatted as text
    so 007 stays 007, a drop-down of kinds, and a few example rows that are
    themselves a valid dataset — replace them), and kinds (every node and edge
    kind with its Chinese and English label and the allowed source → target).
    Check the filled workbook with `jiceng validate OUT`.

    \b
    Example:
      jiceng template 南明区.xlsx
      jiceng validate 南明区.xlsx && jiceng audit 南明区.xlsx
    """
    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{out} 须以 .xlsx 结尾（must end in .xlsx）", param_hint="OUT")
    if out.exists() and not out.is_dir() and not force:
        raise click.BadParameter(f"{out} 已存在，加 --force 覆盖（exists; use --force to replace "
                                 "it）", param_hint="OUT")
    check_output(out, force=force)
    write_template(out)
    say(f"已写入 wrote {out}：工作表 nodes、edges、kinds，含 {len(EXAMPLE_NODES)} 个示例节点和 "
        f"{len(EXAMPLE_EDGES)} 条示例关系，请替换（sheets nodes, edges and kinds, with "
        f"{len(EXAMPLE_NODES)} example nodes and {len(EXAMPLE_EDGES)} example edges to replace）")
