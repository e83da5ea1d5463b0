"""jiceng template: write an Excel workbook to fill in with one's own data."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import say
from jiceng.loaders.template import EXAMPLE_EDGES, EXAMPLE_NODES, write_template


@click.command()
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def template(out: Path, force: bool) -> None:
    """Write an Excel workbook (.xlsx) to fill in with your own data.

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
        raise click.BadParameter(f"{out} must end in .xlsx", param_hint="OUT")
    if out.exists() and not force:
        raise click.BadParameter(f"{out} exists; use --force to replace it", param_hint="OUT")
    write_template(out)
    say(f"wrote {out}: sheets nodes, edges and kinds, with {len(EXAMPLE_NODES)} example nodes "
        f"and {len(EXAMPLE_EDGES)} example edges to replace")
