"""A plain networkx reference for coverage rules: a loop over nodes and their edges.

Written independently of the vectorized engine, so the tests (and benchmarks) can
compare the two on the same data.
"""

from __future__ import annotations

import networkx as nx


def _matches(G: nx.MultiDiGraph, node, kinds, attrs) -> bool:
    data = G.nodes[node]
    if kinds and data.get("kind") not in kinds:
        return False
    return all(str(data.get(key)) in values for key, values in attrs)


def _count(G: nx.MultiDiGraph, node, spec) -> int:
    if spec.direction == "in":
        edges = ((other, d) for other, _, d in G.in_edges(node, data=True))
    else:
        edges = ((other, d) for _, other, d in G.out_edges(node, data=True))
    return sum(1 for other, d in edges
               if d.get("kind") == spec.edge and _matches(G, other, spec.other, spec.other_attrs))


def reference_audit(G: nx.MultiDiGraph, rules) -> dict[str, tuple[list[str], list[str]]]:
    """For each rule: (sorted ids of the nodes checked, sorted ids of those failing)."""
    out = {}
    for rule in rules:
        checked, gaps = [], []
        for node, data in G.nodes(data=True):
            if data.get("kind") not in rule.each:
                continue
            if not all(str(data.get(k)) in v for k, v in rule.where_attrs):
                continue
            if rule.where_edge is not None and _count(G, node, rule.where_edge) == 0:
                continue
            checked.append(node)
            if _count(G, node, rule.count) < rule.min:
                gaps.append(node)
        out[rule.id] = (sorted(checked), sorted(gaps))
    return out
