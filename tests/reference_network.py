"""Plain networkx references for isolation and reach, written without the engine's tricks."""

from __future__ import annotations

import networkx as nx

CO_BUILDING = {"pairs_with", "part_time", "reports_to"}


def reference_isolation(G: nx.MultiDiGraph):
    """(sorted isolated, sorted fragile, {unit: sorted communities}) by looping over communities."""
    isolated, fragile, single = [], [], {}
    for node, data in G.nodes(data=True):
        if data.get("kind") != "community_party":
            continue
        units = [u for u, _, d in G.in_edges(node, data=True) if d.get("kind") in CO_BUILDING]
        if not units:
            isolated.append(node)
        elif len(set(units)) == 1:
            fragile.append(node)
            single.setdefault(units[0], []).append(node)
    return sorted(isolated), sorted(fragile), {u: sorted(c) for u, c in sorted(single.items())}


def reference_reach(G: nx.MultiDiGraph, hops: int) -> dict[str, set[str]]:
    """unit id -> community ids reachable by a co-building edge then leads, within ``hops``."""
    out = {}
    for unit, data in G.nodes(data=True):
        if data.get("kind") != "unit_party":
            continue
        frontier = {v for _, v, d in G.out_edges(unit, data=True) if d.get("kind") in CO_BUILDING}
        seen = set(frontier)
        for _ in range(hops - 1):
            frontier = {v for u in frontier for _, v, d in G.out_edges(u, data=True)
                        if d.get("kind") == "leads"} - seen
            seen |= frontier
        out[unit] = {v for v in seen if G.nodes[v].get("kind") == "community_party"}
    return out
