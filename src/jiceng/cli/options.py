"""Options shared by every command: the dataset argument and the output options."""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

import click

from jiceng.graphmodel import BackendUnavailableError, OrgGraph
from jiceng.loaders import read_dataset, sample_path
from jiceng.loaders.neo4j import (
    Neo4jSource,
    Source,
    is_server_uri,
    redact_uri,
    split_credentials,
)
from jiceng.report import FORMATS, Report, emit

__all__ = ["dataset_argument", "output_options", "load_graph", "say", "emit_report", "progress",
           "neo4j_option", "connect_neo4j", "load_source", "source_argument", "SOURCE", "shown"]


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
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
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
    emit(report, fmt, output)
    if output is not None:
        say(f"wrote {output}")


# ---------------------------------------------------------------- sources: a dataset or Neo4j
class _SourceType(click.ParamType):
    """A dataset path, or a Neo4j server URI (``bolt://`` or ``neo4j://``, kept as text)."""

    name = "DATASET|URI"

    def convert(self, value, param, ctx):
        if isinstance(value, Path):
            return value
        text = str(value)
        return text if is_server_uri(text) else Path(text)


#: DATASET arguments that may also name a Neo4j server.
SOURCE = _SourceType()


def source_argument(function):
    """An optional DATASET argument that may also be a server URI (``bolt://host:7687``);
    without it the bundled sample is used."""
    return click.argument("dataset", required=False, type=SOURCE)(function)


def neo4j_option(function):
    """``--neo4j [URI]``: run on a Neo4j server (the URI, or NEO4J_URI when none is given)."""
    return click.option(
        "--neo4j", "neo4j_uri", is_flag=False, flag_value="", default=None, metavar="[URI]",
        help="Run on a Neo4j server instead of a dataset: bolt://host:7687, or NEO4J_URI "
             "when no URI is given. Credentials from NEO4J_USER/NEO4J_PASSWORD (or a prompt).",
    )(function)


def shown(dataset: Path | str | None) -> str:
    """A dataset or server as people may see it (a password in a URI becomes ``***``)."""
    return "sample" if dataset is None else redact_uri(str(dataset))


def connect_neo4j(uri: str | None) -> Neo4jSource:
    """A connected :class:`jiceng.loaders.neo4j.Neo4jSource`, closed when the command ends.

    The URI comes from the option or NEO4J_URI; the user from NEO4J_USER (default
    ``neo4j``); the password from NEO4J_PASSWORD or, at a terminal, a hidden prompt.
    Credentials are never printed: every address shown is redacted.
    """
    uri = uri or os.environ.get("NEO4J_URI")
    if not uri:
        raise BackendUnavailableError("未指定 Neo4j 服务器（no Neo4j server given: pass a URI "
                                      "such as bolt://localhost:7687, or set NEO4J_URI）")
    user = os.environ.get("NEO4J_USER", "neo4j")
    password = os.environ.get("NEO4J_PASSWORD")
    if password is None and split_credentials(uri)[2] is not None:
        password = ""  # the URI carries it
    if password is None:
        if not sys.stdin.isatty():
            raise BackendUnavailableError(
                f"缺少 Neo4j 密码（no password for Neo4j at {redact_uri(uri)}: "
                "set NEO4J_PASSWORD）")
        password = click.prompt(f"Neo4j password for {user}", hide_input=True, err=True)
    with progress(f"connecting to {redact_uri(uri)}"):
        source = Neo4jSource.connect(uri, user, password,
                                     database=os.environ.get("NEO4J_DATABASE"))
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(source.close)
    return source


def load_source(dataset: Path | str | None, neo4j_uri: str | None = None) -> Source:
    """What a command works on: an in-memory graph, or a Neo4j server (a ``Neo4jSource``).

    DATASET may be a folder, a workbook or a server URI (``bolt://host:7687``);
    ``--neo4j [URI]`` names a server too (NEO4J_URI when no URI is given). Without
    either, the bundled sample. The queries take either source alike, so commands
    never ask which one they got.
    """
    if neo4j_uri is not None:
        if dataset is not None:
            raise click.UsageError("DATASET 与 --neo4j 只能给一个（give either DATASET or "
                                   "--neo4j, not both）")
        return connect_neo4j(neo4j_uri)
    if is_server_uri(dataset):
        return connect_neo4j(str(dataset))
    return load_graph(Path(dataset) if dataset is not None else None)
