"""``jiceng neo4j push|pull``: a dataset into a Neo4j server and back."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from jiceng.cli.options import (
    check_output,
    connect_neo4j,
    dataset_argument,
    load_graph,
    progress,
    say,
)
from jiceng.loaders import write_dataset, write_excel
from jiceng.server.neo4j import DEFAULT_BATCH, pull_neo4j, push_neo4j

__all__ = ["neo4j_group"]

_uri_option = click.option(
    "--uri", default=None, metavar="URI",
    help="服务器地址，如 bolt://localhost:7687，默认取 NEO4J_URI；账号密码取自 NEO4J_USER/"
         "NEO4J_PASSWORD 或提示输入（the server, e.g. bolt://localhost:7687, default NEO4J_URI; "
         "credentials from NEO4J_USER/NEO4J_PASSWORD, or a prompt）。")


@click.group("neo4j")
def neo4j_group() -> None:
    """Neo4j 图数据库：推送数据集、取回数据集 (Share a dataset through a Neo4j server).

    用项目的 docker-compose.yml 启动服务器，然后用 --neo4j 在服务器上运行 audit、isolated、reach。

    Share a dataset through a Neo4j server: push it, pull it back.

    Start a server with the project's docker-compose.yml, then run any analysis
    command there: give the server's URI where a dataset goes, or --neo4j.

    \b
    Example:
      export NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=...
      jiceng neo4j push mydata/
      jiceng audit --neo4j
      jiceng neo4j pull snapshot/
    """


@neo4j_group.command()
@dataset_argument
@_uri_option
@click.option("--batch-size", type=click.IntRange(min=1, max=1_000_000), default=DEFAULT_BATCH,
              show_default=True, help="每个事务的行数（rows per transaction）。")
def push(dataset: Path | None, uri: str | None, batch_size: int) -> None:
    """推送：把数据集（默认内置样例）载入 Neo4j (Load DATASET into Neo4j).

    先建唯一性约束，再分批合并节点和关系；重复推送不改变任何东西。

    Load DATASET (default: the bundled sample) into Neo4j.

    Creates the uniqueness constraints first, then merges nodes and edges in batches;
    pushing again changes nothing. If a batch fails, the message names it; the batches
    before it are loaded and pushing again completes the load.

    \b
    Example:
      jiceng neo4j push mydata/ --uri bolt://localhost:7687
    """
    runner = connect_neo4j(uri)  # first: an unreachable server fails before any reading
    graph = load_graph(dataset)
    total = graph.n_nodes + graph.n_edges
    with click.progressbar(length=total, label=f"pushing to {runner.uri}",
                           file=sys.stderr) as bar:
        done: dict[str, int] = {}

        def advance(what: str, rows: int, _of: int) -> None:
            bar.update(rows - done.get(what, 0))
            done[what] = rows

        sent = push_neo4j(graph, runner, batch_size=batch_size, on_batch=advance)
    say(f"已推送 {sent['nodes']:,} 个节点、{sent['edges']:,} 条关系到 {runner.uri}（pushed "
        f"{sent['nodes']:,} nodes and {sent['edges']:,} edges to {runner.uri}）")


@neo4j_group.command()
@click.argument("out", type=click.Path(path_type=Path))
@_uri_option
@click.option("--force", is_flag=True,
              help="OUT 已有数据集时覆盖它（replace an existing dataset at OUT）。")
def pull(out: Path, uri: str | None, force: bool) -> None:
    """取回：把 Neo4j 中的图读回 OUT，文件夹或 .xlsx (Read the graph back from Neo4j).

    Read the graph back from Neo4j into OUT: a folder (nodes.csv, edges.csv) or a .xlsx.

    \b
    Example:
      jiceng neo4j pull snapshot/
      jiceng neo4j pull snapshot.xlsx --uri bolt://localhost:7687
    """
    check_output(out, force=force, folder=out.suffix.lower() != ".xlsx")
    runner = connect_neo4j(uri)
    with progress(f"正在从 {runner.uri} 读取图 reading the graph from {runner.uri}"):
        graph = pull_neo4j(runner)
    if out.suffix.lower() == ".xlsx":
        write_excel(graph, out)
    else:
        write_dataset(graph, out)
    say(f"已写入 wrote {out}：{graph.n_nodes:,} 个节点 nodes，{graph.n_edges:,} 条关系 edges")
