"""Tables for people, shared by the builders: a name beside every id, the weakest rows first."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from jiceng.graphmodel import OrgGraph

__all__ = ["names_of", "named", "with_names", "worst_first"]


def names_of(graph: OrgGraph, ids: Iterable) -> list:
    """The names of node ids (ids not in the graph get an empty name)."""
    ids = [str(i) for i in ids]
    if not ids:
        return []
    known = graph.nodes["id"].isin(ids) if len(ids) < 1000 else None
    if known is not None:
        table = graph.nodes.loc[known, ["id", "name"]]
    else:
        table = graph.nodes[["id", "name"]]
    lookup = dict(zip(table["id"].astype(str), table["name"]))
    return [lookup.get(i, "") for i in ids]


def named(graph: OrgGraph, node_id: str) -> str:
    """A node as people read it: its name, then its id."""
    return f"{names_of(graph, [node_id])[0]} {node_id}"


def with_names(graph: OrgGraph, frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``frame`` with ``<column>_name`` beside the id column."""
    out = frame.copy()
    out.insert(list(out.columns).index(column) + 1, f"{column}_name",
               names_of(graph, out[column].fillna("")))
    return out


def worst_first(table: pd.DataFrame, by: list[str], ascending: list[bool], key=None
                ) -> pd.DataFrame:
    """``table`` sorted by ``by`` (through ``key``, as pandas sorts), ties in the order they
    were (by id): the rows a capped list shows are the ones that need work."""
    return table.sort_values(by, ascending=ascending, kind="stable", na_position="last",
                             key=key).reset_index(drop=True)
