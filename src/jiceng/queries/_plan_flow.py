"""The plan's exact step: which units to propose to which targets, as min-cost flows.

docs/design.md §4.5. :func:`eligible_arcs` lists the (unit, target) pairs that may be proposed;
:func:`solve` picks the best set of them, component by component of those pairs.

A target has up to two wants of one edge kind: ``units``, distinct units not yet tied to it
(its isolated or fragile need: only a *fresh* unit, one with no co-building edge to it, meets
it), and ``edges``, edges of that kind from any unit not yet holding one to it (its pairing or
part-time need). One proposal from a fresh unit may count for both. Per component the flow runs
source → unit (one arc per unit of spare capacity, costlier as the spare runs out) → the target's
fresh or old entry (capacity 1 per pair) → sink, where the arcs through a want carry a reward:

    fresh ──(units, −W)──> counted ──> any ──(edges, −W)──> wanted ──> sink
      └───────────────────────────────> any ─────────────────────────> sink
    old   ───────────────────────────> any

so that the cheapest flow meets the most wants (W outweighs every other cost), then makes the
fewest cross-street proposals, then spreads the load, then prefers smaller unit ids. A bypass
source → sink carries what is not proposed. Integer costs, network simplex: exact.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from jiceng.graphmodel import OrgGraph

__all__ = ["eligible_arcs", "solve"]

_ARC_COLUMNS = {"unit": "int64", "target": "int64", "cross": bool, "fresh": bool}


def eligible_arcs(graph: OrgGraph, units: np.ndarray, targets: np.ndarray, level: np.ndarray,
                  street: np.ndarray, *, blocked: np.ndarray, tied: np.ndarray) -> pd.DataFrame:
    """Every (unit, target) pair in one place of ``level`` (street or district) that may be
    proposed: ``unit, target, cross, fresh``. ``blocked`` and ``tied`` are sorted keys
    ``unit * n_nodes + target``: pairs that already hold an edge of the kind proposed (never
    proposed), and pairs tied by any co-building edge (not ``fresh``)."""
    unit_table = pd.DataFrame({"unit": units, "place": level[units]})
    unit_table = unit_table[unit_table["place"] >= 0]
    target_table = pd.DataFrame({"target": targets, "place": level[targets]})
    arcs = target_table[target_table["place"] >= 0].merge(unit_table, on="place")
    u, t = arcs["unit"].to_numpy(np.int64), arcs["target"].to_numpy(np.int64)
    keys = u * graph.n_nodes + t
    keep = ~np.isin(keys, blocked)
    return pd.DataFrame({"unit": u[keep], "target": t[keep],
                         "cross": (street[u] != street[t])[keep],
                         "fresh": ~np.isin(keys[keep], tied)})


def solve(graph: OrgGraph, arcs: pd.DataFrame, units_wanted: Mapping[int, int],
          edges_wanted: Mapping[int, int], spare: np.ndarray) -> pd.DataFrame:
    """The optimal proposals ``unit, target, cross, fresh`` among ``arcs``, component by
    component; ``units_wanted`` and ``edges_wanted`` map a target to its two wants."""
    arcs = arcs[spare[arcs["unit"].to_numpy()] > 0]
    useful = np.array([edges_wanted.get(t, 0) > 0 or (f and units_wanted.get(t, 0) > 0)
                       for t, f in zip(arcs["target"].tolist(), arcs["fresh"].tolist())],
                      dtype=bool)
    arcs = arcs[useful] if len(arcs) else arcs
    if arcs.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in _ARC_COLUMNS.items()})
    # order by id, so that the solver sees the same problem whatever the node order
    ids = graph.nodes["id"]
    unit_ids = ids.take(arcs["unit"].to_numpy()).to_numpy(dtype=object)
    target_ids = ids.take(arcs["target"].to_numpy()).to_numpy(dtype=object)
    order = np.lexsort((target_ids, unit_ids))
    arcs = arcs.iloc[order].reset_index(drop=True)
    unit_ids, target_ids = unit_ids[order], target_ids[order]

    nodes, local = np.unique(np.concatenate([arcs["unit"], arcs["target"]]), return_inverse=True)
    m = len(arcs)
    from scipy.sparse import coo_matrix  # scipy is slow to import: only the queries load it
    from scipy.sparse.csgraph import connected_components

    graph_matrix = coo_matrix((np.ones(m), (local[:m], local[m:])), shape=(len(nodes),) * 2)
    _, label = connected_components(graph_matrix, directed=False)
    component = label[local[:m]]
    chosen = []
    for _, part in arcs.groupby(component, sort=True):
        rows = part.index.to_numpy()
        chosen += _solve_component(part, unit_ids[rows], target_ids[rows], units_wanted,
                                   edges_wanted, spare)
    return pd.DataFrame(chosen, columns=list(_ARC_COLUMNS)).astype(_ARC_COLUMNS)


def _solve_component(arcs: pd.DataFrame, unit_ids: np.ndarray, target_ids: np.ndarray,
                     units_wanted: Mapping[int, int], edges_wanted: Mapping[int, int],
                     spare: np.ndarray) -> list[tuple[int, int, bool, bool]]:
    """Min-cost flow on one component (see the module doc). The network is built in the
    order of the ids, so that its solution does not depend on the order of the nodes."""
    unit_list = arcs["unit"].tolist()
    first = dict(zip(reversed(unit_list), reversed(range(len(unit_list)))))
    units = sorted(first, key=lambda u: unit_ids[first[u]])  # by id
    rank = {u: r for r, u in enumerate(units)}
    degree = arcs["unit"].value_counts()
    target_list = arcs["target"].tolist()
    first_target = dict(zip(reversed(target_list), reversed(range(len(target_list)))))
    targets = sorted(first_target, key=lambda t: target_ids[first_target[t]])  # by id
    # a unit can take at most one proposal per target, so its degree bounds its pieces
    pieces = {u: int(min(spare[u], degree[u])) for u in units}
    wants = {t: (units_wanted.get(t, 0), edges_wanted.get(t, 0)) for t in targets}
    flow_max = min(sum(pieces.values()), sum(max(w) for w in wants.values()))
    if flow_max == 0:
        return []
    top = max(int(spare[u]) for u in units)
    # weights: every criterion strictly outweighs the sum of everything below it
    w_tie = 1
    w_load = flow_max * len(units) * w_tie + 1
    w_cross = flow_max * (w_load * top + len(units) * w_tie) + 1
    # a want met is worth more than any plan's whole cost: the cheapest flow meets the most
    w_met = flow_max * (w_cross + w_load * top + len(units) * w_tie) + 1
    import networkx as nx  # loaded only when a plan is solved

    network = nx.DiGraph()
    network.add_node("source", demand=-flow_max)
    network.add_node("sink", demand=flow_max)
    network.add_edge("source", "sink", capacity=flow_max, weight=0)
    for u in units:
        for step in range(pieces[u]):  # costlier as u's spare capacity runs out
            piece = ("piece", u, step)
            network.add_edge("source", piece, capacity=1,
                             weight=w_load * (step + top - int(spare[u])))
            network.add_edge(piece, ("unit", u), capacity=1, weight=0)
    for t, (units_t, edges_t) in wants.items():
        network.add_edge(("fresh", t), ("any", t), capacity=flow_max, weight=0)
        network.add_edge(("old", t), ("any", t), capacity=flow_max, weight=0)
        network.add_edge(("any", t), "sink", capacity=flow_max, weight=0)
        if units_t:
            network.add_edge(("fresh", t), ("counted", t), capacity=units_t, weight=-w_met)
            network.add_edge(("counted", t), ("any", t), capacity=units_t, weight=0)
        if edges_t:
            network.add_edge(("any", t), ("wanted", t), capacity=edges_t, weight=-w_met)
            network.add_edge(("wanted", t), "sink", capacity=edges_t, weight=0)
    rows = list(zip(arcs["unit"].tolist(), arcs["target"].tolist(), arcs["cross"].tolist(),
                    arcs["fresh"].tolist()))
    for u, t, cross, fresh in rows:
        network.add_edge(("unit", u), ("fresh" if fresh else "old", t), capacity=1,
                         weight=w_cross * int(cross) + w_tie * rank[u])
    _, flow = nx.network_simplex(network)
    return [(u, t, bool(cross), bool(fresh)) for u, t, cross, fresh in rows
            if flow[("unit", u)].get(("fresh" if fresh else "old", t), 0) > 0]
