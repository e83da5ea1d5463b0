"""Commands about datasets themselves: generate, validate, info."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from jiceng.graphmodel import InvalidInputError
from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS
from jiceng.cli.options import (
    dataset_argument,
    emit_report,
    load_graph,
    output_options,
    progress,
    say,
)
from jiceng.report import Report, Section
from jiceng.loaders import read_dataset, sample_path
from jiceng.loaders.synthetic import PRESETS, write_generated


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default="guiyang", show_default=True,
              help="Which city to model.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("--scale", type=click.FloatRange(min=0, min_open=True), default=1.0,
              show_default=True, help="Multiply every count (about 150 is national).")
def generate(out: Path, preset: str, seed: int, scale: float) -> None:
    """Generate a synthetic city calibrated on the article's figures.

    Writes OUT/nodes.csv, OUT/edges.csv and OUT/truth.json (the gaps planted on
    purpose); OUT ending in .xlsx writes a workbook and OUT.truth.json beside it.

    \b
    Example:
      jiceng generate --preset guiyang --seed 1 guiyang/
      jiceng generate --scale 10 big/
    """
    with progress(f"generating {preset} × {scale:g}"):
        try:
            graph, _ = write_generated(out, preset, seed=seed, scale=scale,
                                       excel=out.suffix.lower() in (".xlsx", ".xlsm"))
        except ValueError as error:  # a scale too small for the preset
            raise click.BadParameter(str(error), param_hint="--scale") from None
    say(f"wrote {out}: {graph.n_nodes:,} nodes, {graph.n_edges:,} edges")


@click.command()
@dataset_argument
def validate(dataset: Path | None) -> None:
    """Check a dataset against the schema and list every problem.

    Each problem names the file, the row (as a spreadsheet shows it: the header is
    row 1) and the column. Exit code 0 when valid, 2 when not.

    \b
    Example:
      jiceng validate mydata/
      jiceng validate ledger.xlsx
    """
    path = dataset if dataset is not None else sample_path()
    try:
        graph = read_dataset(path)
    except InvalidInputError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        count = len(error.problems)
        click.echo(f"{path}: invalid, {count} problem{'s' if count != 1 else ''}", err=True)
        raise SystemExit(2) from None
    click.echo(f"{path}: valid, {graph.n_nodes:,} nodes and {graph.n_edges:,} edges")


@click.command()
@dataset_argument
@output_options
def info(dataset: Path | None, fmt: str, output: Path | None) -> None:
    """Count the nodes and edges of a dataset by kind, with Chinese labels.

    \b
    Example:
      jiceng info mydata/
      jiceng info --format json
    """
    graph = load_graph(dataset)
    summary = graph.summary()
    labels = {**{k: v.zh for k, v in NODE_KINDS.items()}, **{k: v.zh for k, v in EDGE_KINDS.items()}}
    frame = pd.DataFrame({
        "table": summary["table"],
        "kind": summary["kind"],
        "name": summary["kind"].map(labels),
        "count": summary["count"],
    })
    nodes, edges = frame[frame["table"] == "node"], frame[frame["table"] == "edge"]
    report = Report(
        title=f"数据集概况 Dataset summary: {graph.name}",
        dataset=graph.name,
        sections=[Section("nodes", "节点 Nodes", nodes.drop(columns="table")),
                  Section("edges", "关系 Edges", edges.drop(columns="table"))],
        data={"dataset": graph.name, "nodes": dict(zip(nodes["kind"], nodes["count"])),
              "edges": dict(zip(edges["kind"], edges["count"])),
              "total_nodes": graph.n_nodes, "total_edges": graph.n_edges},
    )
    emit_report(report, fmt, output)
