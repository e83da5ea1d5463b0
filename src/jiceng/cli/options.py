"""Options shared by every command: the dataset argument and the output options."""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

import click

from jiceng.graphmodel import BackendUnavailableError, OrgGraph
from jiceng.report import FORMATS, Report, emit
from jiceng.loaders import read_dataset, sample_path

__all__ = ["dataset_argument", "output_options", "load_graph", "say", "emit_report", "progress",
           "neo4j_option", "connect_neo4j", "load_source"]


def dataset_argument(function):
    """An optional DATASET argument; without it the bundled sample is used."""
    return click.argument("dataset", required=False,
                          type=click.Path(path_type=Path))(function)


def output_options(function):
    """``--format`` and ``--output``, shared by every command that reports."""

    @click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="table",
                  show_default=True,
                  help="table on screen; json/csv for programs; markdown/html/xlsx for people.")
    @click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
                  help="Write to this file (atomically) instead of stdout; required for xlsx.")
    @click.option("--section", "section", default=None, metavar="NAME",
                  help="With --format csv: the section to print (default: the main one).")
    @functools.wraps(function)
    def wrapper(*args, section=None, **kwargs):
        click.get_current_context().meta["jiceng.section"] = section
        return function(*args, **kwargs)

    return wrapper


def say(message: str) -> None:
    """A message for the person at the terminal: always on stderr."""
    click.echo(message, err=True)


class progress:
    """A step on stderr ("reading dataset … 1.2 s"), shown only when stderr is a terminal."""

    def __init__(self, what: str):
        self.what = what
        self.live = sys.stderr.isatty()

    def __enter__(self):
        self.start = time.perf_counter()
        if self.live:
            click.echo(f"{self.what} …", err=True, nl=False)
        return self

    def __exit__(self, *exc):
        if self.live:
            click.echo(f" {time.perf_counter() - self.start:.1f} s", err=True)
        return False


def load_graph(dataset: Path | None) -> OrgGraph:
    """Read and validate DATASET, or the bundled sample when it is None."""
    path = dataset if dataset is not None else sample_path()
    with progress(f"reading {path}"):
        graph = read_dataset(path)
    if dataset is None:
        graph.name = "sample (贵阳 Guiyang, synthetic)"
    return graph


def emit_report(report: Report, fmt: str, output: Path | None) -> None:
    context = click.get_current_context(silent=True)
    section = context.meta.get("jiceng.section") if context is not None else None
    printed = emit(report, fmt, output, section=section)
    if printed is not None and len(report.sections) > 1:
        others = ", ".join(s.key for s in report.sections if s.key != printed)
        say(f"CSV 为 '{printed}' 部分；其他部分 (other sections, --section NAME): {others}")
    if output is not None:
        say(f"已写入 wrote {output}")


# ---------------------------------------------------------------- Neo4j
def neo4j_option(function):
    """``--neo4j [URI]``: run on a Neo4j server (the URI, or NEO4J_URI when none is given)."""
    return click.option(
        "--neo4j", "neo4j_uri", is_flag=False, flag_value="", default=None, metavar="[URI]",
        help="Run on a Neo4j server instead of a dataset: bolt://host:7687, or NEO4J_URI "
             "when no URI is given. Credentials from NEO4J_USER/NEO4J_PASSWORD (or a prompt).",
    )(function)


def connect_neo4j(uri: str | None):
    """A connected :class:`loaders.neo4j.Neo4jRunner`, closed when the command ends.

    The URI comes from the option or NEO4J_URI; the user from NEO4J_USER (default
    ``neo4j``); the password from NEO4J_PASSWORD or, at a terminal, a hidden prompt.
    Credentials are never printed.
    """
    from jiceng.loaders.neo4j import Neo4jRunner

    uri = uri or os.environ.get("NEO4J_URI")
    if not uri:
        raise BackendUnavailableError("no Neo4j server given: pass a URI "
                                      "(bolt://localhost:7687) or set NEO4J_URI")
    user = os.environ.get("NEO4J_USER", "neo4j")
    password = os.environ.get("NEO4J_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise BackendUnavailableError(f"no password for Neo4j at {uri}: set NEO4J_PASSWORD")
        password = click.prompt(f"Neo4j password for {user}", hide_input=True, err=True)
    with progress(f"connecting to {uri}"):
        runner = Neo4jRunner(uri, user, password, database=os.environ.get("NEO4J_DATABASE"))
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(runner.close)
    return runner


def load_source(dataset: Path | None, neo4j_uri: str | None):
    """The graph to work on, and the Neo4j runner when the work runs on a server.

    With ``--neo4j`` the graph is the server's skeleton (nodes and the edges that place
    them), read once to name and roll up the results the server counts.
    """
    if neo4j_uri is None:
        return load_graph(dataset), None
    if dataset is not None:
        raise click.UsageError("give either DATASET or --neo4j, not both")
    from jiceng.queries.cypher import skeleton

    runner = connect_neo4j(neo4j_uri)
    with progress("reading the graph's places from Neo4j"):
        graph = skeleton(runner)
    graph.name = f"Neo4j {runner.uri}"
    return graph, runner
