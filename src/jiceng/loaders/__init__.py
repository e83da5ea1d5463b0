"""Loaders: datasets in and out (CSV folders, Excel), the synthetic generator."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jiceng.graphmodel import OrgGraph
from jiceng.loaders.disk import read_dataset, write_dataset

if TYPE_CHECKING:  # pragma: no cover
    from jiceng.loaders.excel import read_excel, write_excel

__all__ = ["read_dataset", "write_dataset", "read_excel", "write_excel", "read_sample",
           "sample_path"]


def sample_path() -> Path:
    """The folder of the bundled sample dataset (the Guiyang preset, seed 1, scale 1)."""
    return Path(str(files("jiceng.loaders") / "sample"))


def read_sample() -> OrgGraph:
    """The bundled sample dataset, read from its files (each call gives a graph of its own).

    >>> read_sample().count("street_committee")
    74
    """
    return read_dataset(sample_path())


def __getattr__(name: str) -> Any:
    # the Excel functions load openpyxl, which a run on CSV files never needs
    if name in ("read_excel", "write_excel"):
        from jiceng.loaders import excel

        return getattr(excel, name)
    raise AttributeError(f"module 'jiceng.loaders' has no attribute {name!r}")
