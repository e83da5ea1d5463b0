"""What-if: remove units (or any nodes, or edges) and see what newly breaks.

Reports the rules that newly fail and on which nodes, the communities that become
isolated or fragile, and the communities that become resource deserts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jiceng.graphmodel import EDGE_KINDS, OrgGraph, UnknownNodeError
from jiceng.queries._args import as_edges, as_ids, check_hops, check_ids
from jiceng.queries.coverage import audit
from jiceng.queries.isolation import isolation
from jiceng.queries.reach import reach
from jiceng.queries.rules import Rule, as_rules
from jiceng.queries.sources import Source, as_graph

__all__ = ["WhatIfResult", "whatif", "edge_positions_matching"]


@dataclass
class WhatIfResult:
    """What removing ``removed`` does.

    Attributes
    ----------
    removed : list of str
        The node ids removed, and edges as ``source→target (kind)``.
    rules : DataFrame
        Per rule: ``rule, title_zh, before, after, new_gaps`` (coverage before and after, and
        how many nodes newly fail).
    new_gaps : DataFrame
        ``rule, id, name, street, street_name`` of every node that newly fails a rule.
    newly_isolated, newly_fragile, new_deserts : list of str
        Sorted community ids.
    """

    removed: list[str]
    hops: int
    rules: pd.DataFrame
    new_gaps: pd.DataFrame
    newly_isolated: list[str]
    newly_fragile: list[str]
    new_deserts: list[str]

    def to_json(self) -> dict:
        return {
            "removed": self.removed,
            "hops": self.hops,
            "rules": [{"id": r.rule, "before": _num(r.before), "after": _num(r.after),
                       "new_gaps": sorted(self.new_gaps.loc[self.new_gaps["rule"] == r.rule, "id"])}
                      for r in self.rules.itertuples()],
            "newly_isolated": self.newly_isolated,
            "newly_fragile": self.newly_fragile,
            "new_deserts": self.new_deserts,
        }


def _num(value) -> float | None:
    return None if pd.isna(value) else float(value)


def edge_positions_matching(graph: OrgGraph, edges: Iterable[tuple[str, str, str]]) -> np.ndarray:
    """Row positions of every edge ``(source id, target id, kind)`` given (all parallel copies).

    Raises UnknownNodeError for an unknown id or an edge not in the graph.
    """
    src, dst, _ = graph.edge_arrays
    found = []
    for source, target, kind in edges:
        s, t = graph.code(source), graph.code(target)
        positions = graph.edge_positions(kind) if kind in EDGE_KINDS else np.empty(0, np.int64)
        hit = positions[(src[positions] == s) & (dst[positions] == t)].tolist()
        if not hit:
            error = UnknownNodeError(f"{source}→{target}", kind)
            label = EDGE_KINDS[kind].zh if kind in EDGE_KINDS else kind
            error.args = (f"没有这条{label}关系 {source}→{target}（no {kind} edge "
                          f"{source}→{target} in the graph）",)
            raise error
        found += list(hit)
    return np.asarray(sorted(found), dtype=np.int64)


def whatif(source: Source, *, remove: Sequence[str] = (),
           remove_edges: Sequence[tuple[str, str, str]] = (), hops: int = 2,
           rules: Sequence[Rule] | None = None) -> WhatIfResult:
    """Remove nodes (typically unit Party organizations) and/or edges, and compare.

    ``source`` is an OrgGraph or a Neo4jSource. The server is never changed: its graph
    is read once and both sides are counted in process.

    Examples
    --------
    >>> from jiceng.loaders import read_sample
    >>> from jiceng.queries.isolation import isolation
    >>> g = read_sample()
    >>> unit, communities = next(iter(isolation(g).single_points.items()))
    >>> set(communities) <= set(whatif(g, remove=[unit]).newly_isolated)
    True
    """
    graph, hops = as_graph(source), check_hops(hops)
    remove = as_ids(remove, name="remove") or []
    remove_edges = as_edges(remove_edges, name="remove_edges")
    rules = as_rules(rules)
    check_ids(graph, remove)  # unknown ids fail before any work
    positions = edge_positions_matching(graph, remove_edges) if remove_edges else None
    after = graph.without(nodes=remove, edges=positions)

    audit_before, audit_after = audit(graph, rules), audit(after, rules)
    merged = audit_before.summary[["rule", "title_zh", "coverage"]].merge(
        audit_after.summary[["rule", "coverage"]], on="rule", suffixes=("_before", "_after"))
    keys = ["rule", "id"]
    gaps_before = audit_before.gaps[keys]
    new_gaps = audit_after.gaps.merge(gaps_before, on=keys, how="left", indicator=True)
    new_gaps = new_gaps[new_gaps["_merge"] == "left_only"][
        ["rule", "id", "name", "street", "street_name"]].reset_index(drop=True)
    rules_table = pd.DataFrame({
        "rule": merged["rule"], "title_zh": merged["title_zh"],
        "before": merged["coverage_before"], "after": merged["coverage_after"],
        "new_gaps": merged["rule"].map(new_gaps["rule"].value_counts()).fillna(0).astype(int),
    })

    iso_before, iso_after = isolation(graph), isolation(after)
    reach_before, reach_after = reach(graph, hops=hops), reach(after, hops=hops)
    removed = list(remove) + [f"{s}→{t} ({k})" for s, t, k in remove_edges]
    return WhatIfResult(
        removed=removed, hops=hops, rules=rules_table, new_gaps=new_gaps,
        newly_isolated=sorted(set(iso_after.isolated) - set(iso_before.isolated)),
        newly_fragile=sorted(set(iso_after.fragile) - set(iso_before.fragile)),
        new_deserts=sorted(set(reach_after.deserts) - set(reach_before.deserts)),
    )
