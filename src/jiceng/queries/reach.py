"""Reach of co-building resources: which communities each unit's help reaches.

Resources flow from a unit Party organization along a co-building edge
(``pairs_with``, ``part_time``, ``reports_to``) and then down ``leads`` edges.
reach(u, k) is the set of community Party organizations reachable from unit u
by a directed path of at most k such edges (docs/design.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jiceng.graphmodel import OrgGraph
from jiceng.graphmodel.errors import ArgumentTypeError
from jiceng.queries._args import as_ids, check_hops, check_ids
from jiceng.queries._places import describe_nodes
from jiceng.queries.isolation import co_building_edges
from jiceng.queries.sources import Source, answer_for, as_graph, register_source

if TYPE_CHECKING:  # pragma: no cover
    from scipy.sparse import csr_matrix

__all__ = ["ReachResult", "reach", "reach_from", "reach_matrix", "assemble_reach", "gini"]


@dataclass
class ReachResult:
    """Reach of every unit within ``hops``.

    Attributes
    ----------
    hops : int
    units : DataFrame
        ``id, name, street, street_name, district, district_name, communities, households,
        exclusive``: the number of distinct communities reached, their households summed once
        each, and how many of them no other unit reaches within ``hops`` (what the unit alone
        reaches, by which the widest-reaching units are ranked: docs/design.md §4).
    communities : DataFrame
        ``id, name, street, street_name, district, district_name, households, inflow``:
        inflow is the number of distinct units reaching the community.
    deserts : list of str
        Sorted ids of communities with inflow 0.
    gini : float
        Gini coefficient of inflow across all communities (0 = equal).
    gini_by_street : DataFrame
        ``street, street_name, district_name, communities, deserts, mean_inflow, gini``.
    """

    hops: int
    units: pd.DataFrame
    communities: pd.DataFrame
    deserts: list[str]
    gini: float
    gini_by_street: pd.DataFrame

    def to_json(self) -> dict:
        """docs/design.md §6: ``units`` as ``{"id", "communities", "households"}`` and
        ``deserts``."""
        return {
            "hops": self.hops,
            "units": [{"id": i, "communities": int(c), "households": int(h)}
                      for i, c, h in zip(self.units["id"], self.units["communities"],
                                         self.units["households"])],
            "deserts": self.deserts,
        }


def gini(values) -> float:
    """Gini coefficient of non-negative values (0 when all equal or all zero).

    >>> gini([1, 1, 1]), round(gini([0, 0, 3]), 3)
    (0.0, 0.667)
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * x).sum()) / (n * x.sum()) - (n + 1) / n)


def _leads_towards_communities(graph: OrgGraph, hops: int) -> csr_matrix:
    """The ``leads`` matrix kept only where it can still lead to a community (down the spine)."""
    from scipy.sparse import csr_matrix  # scipy is slow to import: only the queries load it

    leads = graph.adjacency(["leads"]).astype(bool)
    useful = graph.is_kind("community_party")
    for _ in range(max(hops - 1, 0)):
        useful = useful | (leads @ useful.astype(np.int8) > 0)
    keep = csr_matrix((np.ones(useful.sum(), dtype=bool), (np.flatnonzero(useful),) * 2),
                      shape=leads.shape)
    return (leads @ keep).astype(bool).tocsr()


def reach_matrix(graph: OrgGraph, hops: int = 2, units: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, csr_matrix]:
    """Boolean sparse matrix: unit (row) reaches community (column) within ``hops``.

    Returns the unit codes, the community codes and the matrix. Built by sparse
    products (one per hop) for all units at once, O(hops · nnz).
    """
    hops = check_hops(hops)
    n = graph.n_nodes
    unit_codes = np.flatnonzero(graph.is_kind("unit_party")) if units is None else np.asarray(units)
    row_of = np.full(n, -1, dtype=np.int64)
    row_of[unit_codes] = np.arange(len(unit_codes))
    src, dst = co_building_edges(graph)
    keep = row_of[src] >= 0
    from scipy.sparse import csr_matrix

    frontier = csr_matrix((np.ones(keep.sum(), dtype=bool), (row_of[src[keep]], dst[keep])),
                          shape=(len(unit_codes), n))
    reached = frontier.copy()
    leads = _leads_towards_communities(graph, hops)
    for _ in range(hops - 1):
        frontier = (frontier @ leads).astype(bool)
        if frontier.nnz == 0:
            break
        reached = (reached + frontier).astype(bool)
    communities = np.flatnonzero(graph.is_kind("community_party"))
    return unit_codes, communities, reached.tocsc()[:, communities].tocsr()


def reach(source: Source, *, hops: int = 2, units: list[str] | None = None) -> ReachResult:
    """Reach of every unit (or of ``units``), inflow per community, deserts and equity.

    Parameters
    ----------
    source : OrgGraph or another source (:mod:`jiceng.queries.sources`)
        On a Cypher server (``jiceng.server.Neo4jSource``) the reach per unit and the inflow
        per community are counted there (variable-length Cypher paths).
    hops : int, default 2
        Longest path: a unit paired with a street reaches the street's communities at 2.
    units : list of str, optional
        Only these unit Party organization ids (raises UnknownNodeError for others).
        Inflow and deserts always count every unit.

    Notes
    -----
    All units at once by sparse matrix products, O(hops · (m + nnz(reach))).

    Examples
    --------
    >>> from jiceng.loaders import read_sample
    >>> result = reach(read_sample(), hops=2)
    >>> int(result.units["communities"].max()) > 1
    True
    """
    hops, units = check_hops(hops), as_ids(units)
    return answer_for("reach", source)(source, hops, units)


def _reach_in_process(graph: OrgGraph, hops: int, units: list[str] | None) -> ReachResult:
    if units is not None:
        check_ids(graph, units, "unit_party")  # unknown ids fail before any work
    unit_codes, communities, matrix = reach_matrix(graph, hops)
    households = _households(graph)
    counts = np.asarray(matrix.sum(axis=1)).ravel().astype(np.int64)
    reached_households = (matrix.astype(np.int64) @ households[communities]).astype(np.int64)
    inflow = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    exclusive = np.asarray(matrix[:, inflow == 1].sum(axis=1)).ravel().astype(np.int64)
    return assemble_reach(graph, hops, unit_codes, counts, reached_households, communities,
                          inflow, units=units, exclusive=exclusive)


register_source(OrgGraph, reach=_reach_in_process)


def _households(graph: OrgGraph) -> np.ndarray:
    if "households" not in graph.nodes.columns:
        return np.zeros(graph.n_nodes, np.int64)
    return graph.nodes["households"].fillna(0).to_numpy(dtype=np.int64)


def assemble_reach(graph: OrgGraph, hops: int, unit_codes, counts, reached_households,
                   communities, inflow, *, units: list[str] | None = None,
                   exclusive=None) -> ReachResult:
    """Build a :class:`ReachResult` from per-unit and per-community figures.

    Shared by the in-process engine and the Neo4j backend (which counts in Cypher).
    ``exclusive`` is, per unit (as ``unit_codes``), the communities it alone reaches; 0 for
    every unit when not given.
    """
    unit_codes = np.asarray(unit_codes, dtype=np.int64)
    communities = np.asarray(communities, dtype=np.int64)
    unit_table = describe_nodes(graph, unit_codes)
    unit_table["communities"] = np.asarray(counts, dtype=np.int64)
    unit_table["households"] = np.asarray(reached_households, dtype=np.int64)
    unit_table["exclusive"] = (np.zeros(len(unit_codes), np.int64) if exclusive is None
                               else np.asarray(exclusive, dtype=np.int64))
    if units is not None:
        wanted = [graph.code(u, "unit_party") for u in units]
        position = pd.Series(np.arange(len(unit_codes)), index=unit_codes)
        unit_table = unit_table.iloc[position.loc[wanted].to_numpy()]
    unit_table = unit_table.sort_values("id", kind="stable").reset_index(drop=True)

    comm_table = describe_nodes(graph, communities)
    comm_table["households"] = _households(graph)[communities]
    comm_table["inflow"] = np.asarray(inflow, dtype=np.int64)
    comm_table = comm_table.sort_values("id", kind="stable").reset_index(drop=True)
    deserts = sorted(comm_table.loc[comm_table["inflow"] == 0, "id"].tolist())

    keys = ["street", "street_name", "district_name"]
    grouped = comm_table.assign(_desert=comm_table["inflow"] == 0).groupby(keys, sort=True)
    by_street = grouped.agg(communities=("id", "size"), deserts=("_desert", "sum"),
                            mean_inflow=("inflow", "mean")).reset_index()
    by_street["gini"] = _gini_by_group(grouped.ngroup().to_numpy(),
                                       comm_table["inflow"].to_numpy(), len(by_street))
    return ReachResult(hops, unit_table, comm_table, deserts, gini(comm_table["inflow"]), by_street)


def _gini_by_group(group: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """:func:`gini` of the values of each group at once, by one sort (same arithmetic)."""
    x = np.asarray(values, dtype=float)
    order = np.lexsort((x, group))
    group, x = group[order], x[order]
    n = np.bincount(group, minlength=groups)
    start = np.concatenate([[0], np.cumsum(n)[:-1]])
    ranks = np.arange(len(x)) - start[group] + 1
    total = np.bincount(group, weights=x, minlength=groups)
    weighted = np.bincount(group, weights=ranks * x, minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (2 * weighted) / (n * total) - (n + 1) / n
    return np.where((n == 0) | (total == 0), 0.0, out)


def reach_from(source: Source, unit_id: str, *, hops: int = 2) -> pd.DataFrame:
    """Every node one unit's resources reach within ``hops``, with the hop it is first reached.

    The unit itself is hop 0; then co-building edges (hop 1), then ``leads`` edges.
    Returns ``id, kind, name, hop`` sorted by hop then id. On a Neo4j server the graph is
    read from it once and the walk runs here.

    >>> from jiceng.loaders import read_sample
    >>> table = reach_from(read_sample(), "UP00001", hops=2)
    >>> int(table["hop"].min()), table["kind"].iloc[0]
    (0, 'unit_party')
    """
    graph, hops = as_graph(source), check_hops(hops)
    if not isinstance(unit_id, str):
        raise ArgumentTypeError(f"unit_id 须为一个编号（str），而不是 {type(unit_id).__name__}"
                                f"（unit_id must be one id, a str, not {type(unit_id).__name__}）")
    check_ids(graph, [unit_id], "unit_party")
    start = graph.code(unit_id, "unit_party")
    n = graph.n_nodes
    hop = np.full(n, -1, dtype=np.int64)
    hop[start] = 0
    src, dst = co_building_edges(graph)
    frontier = np.unique(dst[src == start])
    leads = graph.adjacency(["leads"])
    for step in range(1, hops + 1):
        frontier = frontier[hop[frontier] < 0]
        if len(frontier) == 0:
            break
        hop[frontier] = step
        frontier = np.unique(leads[frontier].indices)
    codes = np.flatnonzero(hop >= 0)
    table = pd.DataFrame({
        "id": graph.nodes["id"].to_numpy(dtype=object)[codes],
        "kind": graph.nodes["kind"].astype(str).to_numpy(dtype=object)[codes],
        "name": graph.nodes["name"].to_numpy(dtype=object)[codes],
        "hop": hop[codes],
    })
    return table.sort_values(["hop", "id"], kind="stable").reset_index(drop=True)
