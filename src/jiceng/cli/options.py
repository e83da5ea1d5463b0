"""Options shared by every command: the dataset argument and the output options."""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

import click

from graphmodel import OrgGraph
from jiceng.report import FORMATS, Report, emit
from loaders import read_dataset, sample_path

__all__ = ["dataset_argument", "output_options", "load_graph", "say", "emit_report", "progress"]


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
