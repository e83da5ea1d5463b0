"""Isolated and fragile communities, and who shares co-building resources with whom.

Co-building edges are ``pairs_with``, ``part_time`` and ``reports_to`` (docs/design.md §4).
A community Party organization with none is *isolated*; one whose co-building
edges all come from a single unit Party organization is *fragile*, and that unit
is its *single point of failure*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jiceng.graphmodel import OrgGraph
from jiceng.graphmodel.schema import CO_BUILDING_KINDS
from jiceng.queries._places import describe_nodes
from jiceng.queries.sources import Source, answer_for, register_source

__all__ = ["IsolationResult", "isolation", "assemble_isolation", "co_building_edges"]


@dataclass
class IsolationResult:
    """Isolation of communities.

    Attributes
    ----------
    communities : DataFrame
        One row per community: ``id, name, street, street_name, district, district_name,
        ties, units, status, single_point, component``.
    isolated, fragile : list of str
        Sorted community ids.
    single_points : dict
        Unit id -> sorted ids of the fragile communities that depend on it alone.
    components : DataFrame
        Components of the undirected co-building graph, largest first:
        ``component, communities, units, streets``.
    by_street : DataFrame
        ``street, street_name, district_name, communities, isolated, fragile,
        isolated_share, fragile_share``.
    """

    communities: pd.DataFrame
    isolated: list[str]
    fragile: list[str]
    single_points: dict[str, list[str]]
    components: pd.DataFrame
    by_street: pd.DataFrame

    def to_json(self) -> dict:
        """docs/design.md §6: ``isolated``, ``fragile`` and ``single_points``."""
        return {"isolated": self.isolated, "fragile": self.fragile,
                "single_points": self.single_points}


def co_building_edges(graph: OrgGraph) -> tuple[np.ndarray, np.ndarray]:
    """Source and target codes of every co-building edge."""
    src, dst, _ = graph.edge_arrays
    positions = np.concatenate([graph.edge_positions(k) for k in CO_BUILDING_KINDS])
    return src[positions], dst[positions]


def isolation(source: Source) -> IsolationResult:
    """Find isolated and fragile communities and the components of the co-building graph.

    ``source`` is an OrgGraph or another source (:mod:`jiceng.queries.sources`); on a Cypher
    server the counts per community are Cypher, the components are computed here from the
    co-building edges it returns.

    Notes
    -----
    O(n + m): counts with ``bincount`` over the co-building edges, components with
    ``scipy.sparse.csgraph.connected_components``.

    Examples
    --------
    >>> from jiceng.loaders import read_sample
    >>> result = isolation(read_sample())
    >>> set(result.isolated).isdisjoint(result.fragile)
    True
    """
    return answer_for("isolation", source)(source)


def _isolation_in_process(graph: OrgGraph) -> IsolationResult:
    src, dst = co_building_edges(graph)
    communities = np.flatnonzero(graph.is_kind("community_party"))
    # each edge into a community, by the community's row (communities are sorted codes)
    row = np.searchsorted(communities, dst)
    into = row < len(communities)
    into[into] = communities[row[into]] == dst[into]
    row, unit = row[into], src[into]
    ties = np.bincount(row, minlength=len(communities))
    from scipy.sparse import coo_matrix  # scipy is slow to import: only the queries load it

    # distinct units per community: the non-zeros of its row in the (community, unit) matrix
    pairs = coo_matrix((np.ones(len(row), dtype=np.int32), (row, unit)),
                       shape=(len(communities), graph.n_nodes)).tocsr()
    distinct = np.diff(pairs.indptr)
    only_unit = np.full(len(communities), -1, dtype=np.int64)
    single = np.flatnonzero(distinct == 1)
    only_unit[single] = pairs.indices[pairs.indptr[single]]

    return assemble_isolation(graph, communities, ties, distinct, only_unit, src, dst)


register_source(OrgGraph, isolation=_isolation_in_process)


def _component_labels(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Component label of every node in the undirected graph of the given edges.

    Only the nodes on some edge go to scipy; every other node is its own component.
    """
    on_edge = np.zeros(n, dtype=bool)
    on_edge[src] = True
    on_edge[dst] = True
    touched = np.flatnonzero(on_edge)
    local = np.full(n, -1, dtype=np.int64)
    local[touched] = np.arange(len(touched))
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    matrix = coo_matrix((np.ones(len(src), dtype=np.int8), (local[src], local[dst])),
                        shape=(len(touched),) * 2)
    count, inner = connected_components(matrix, directed=False)
    labels = np.arange(count, count + n, dtype=np.int64)  # the others: one label each
    labels[touched] = inner
    return labels


def assemble_isolation(graph: OrgGraph, communities, ties, units, only_unit, src, dst
                       ) -> IsolationResult:
    """Build an :class:`IsolationResult` from per-community counts and the co-building edges.

    ``ties`` and ``units`` are each community's co-building edges and distinct units,
    ``only_unit`` the code of its unit when it has exactly one. Shared by the in-process
    engine and the Neo4j backend (which counts in Cypher).
    """
    n = graph.n_nodes
    communities = np.asarray(communities, dtype=np.int64)
    ties, units = np.asarray(ties, dtype=np.int64), np.asarray(units, dtype=np.int64)
    status = np.where(ties == 0, "isolated", np.where(units == 1, "fragile", "connected"))
    fragile_rows = status == "fragile"
    single = np.full(len(communities), "", dtype=object)
    single[fragile_rows] = graph.node_values(
        "id", np.maximum(np.asarray(only_unit, dtype=np.int64), 0)[fragile_rows])

    labels = _component_labels(n, src, dst)
    comp_nodes = np.flatnonzero(graph.is_kind("community_party", "street_committee", "unit_party"))
    present, slot = np.unique(labels[comp_nodes], return_inverse=True)
    sizes = {column: np.bincount(slot[graph.is_kind(kind)[comp_nodes]], minlength=len(present))
             for column, kind in (("communities", "community_party"), ("units", "unit_party"),
                                  ("streets", "street_committee"))}
    # ties broken by the smallest member id, so numbering does not depend on node order
    id_rank = np.empty(len(comp_nodes), dtype=np.int64)
    id_rank[np.argsort(graph.node_values("id", comp_nodes).astype(str), kind="stable")] = \
        np.arange(len(comp_nodes))
    first = np.full(len(present), len(comp_nodes), dtype=np.int64)
    np.minimum.at(first, slot, id_rank)
    order = np.lexsort((first, -sizes["units"], -sizes["communities"]))
    components = pd.DataFrame({"component": np.arange(1, len(present) + 1),
                               **{column: counts[order] for column, counts in sizes.items()}})
    number = np.empty(len(present), dtype=np.int64)  # component number by slot
    number[order] = np.arange(1, len(present) + 1)

    table = describe_nodes(graph, communities)
    table["ties"] = ties
    table["units"] = units
    table["status"] = status
    table["single_point"] = single
    table["component"] = number[np.searchsorted(present, labels[communities])]
    table = table.sort_values("id", kind="stable").reset_index(drop=True)

    isolated = sorted(table.loc[table["status"] == "isolated", "id"].tolist())
    fragile = sorted(table.loc[table["status"] == "fragile", "id"].tolist())
    single_points: dict[str, list[str]] = {}
    relied_on = table[table["single_point"] != ""]
    for unit, community in zip(relied_on["single_point"].tolist(), relied_on["id"].tolist()):
        single_points.setdefault(unit, []).append(community)
    single_points = {u: sorted(c) for u, c in sorted(single_points.items())}

    flags = table.assign(_isolated=table["status"] == "isolated",
                         _fragile=table["status"] == "fragile")
    by_street = flags.groupby(["street", "street_name", "district_name"], sort=True).agg(
        communities=("id", "size"), isolated=("_isolated", "sum"),
        fragile=("_fragile", "sum")).reset_index()
    by_street["isolated_share"] = by_street["isolated"] / by_street["communities"]
    by_street["fragile_share"] = by_street["fragile"] / by_street["communities"]
    return IsolationResult(table, isolated, fragile, single_points, components, by_street)
