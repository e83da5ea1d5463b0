"""What-if: remove units (or any nodes, or edges), or withdraw units, and see what breaks.

Removing a node takes it and its edges away; withdrawing a unit takes away only its
co-building edges (``pairs_with``, ``part_time``, ``reports_to``), the unit and its Party
organization staying (docs/design.md §4). Reports the communities whose inflow drops (lost
reach), the communities that become isolated, fragile or resource deserts, and the rule gaps
opened and closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jiceng.graphmodel import EDGE_KINDS, ArgumentError, OrgGraph, UnknownNodeError
from jiceng.graphmodel.schema import CO_BUILDING_KINDS
from jiceng.queries._args import as_edges, as_ids, check_hops, check_ids
from jiceng.queries.coverage import audit
from jiceng.queries.isolation import isolation
from jiceng.queries.reach import reach
from jiceng.queries.rules import Rule, as_rules
from jiceng.queries.sources import Source, as_graph

__all__ = ["WhatIfResult", "whatif", "edge_positions_matching", "withdrawn_unit_parties",
           "co_building_positions"]

_GAP_COLUMNS = ["rule", "id", "name", "street", "street_name"]


@dataclass
class WhatIfResult:
    """What removing ``removed`` does.

    Attributes
    ----------
    removed : list of str
        The node ids removed, and edges as ``source→target (kind)``.
    rules : DataFrame
        Per rule: ``rule, title_zh, before, after, new_gaps, closed_gaps`` (coverage before and
        after, and how many nodes newly fail and no longer fail: the rows of ``new_gaps`` and
        ``closed_gaps`` for that rule).
    new_gaps : DataFrame
        ``rule, id, name, street, street_name`` of every node that newly fails a rule.
    newly_isolated, newly_fragile, new_deserts : list of str
        Sorted community ids.
    withdrawn : list of str
        The unit Party organizations whose co-building edges were taken away.
    withdrawn_edges : int
        How many co-building edges that withdrawal took away.
    lost_reach : DataFrame
        ``community, name, street, street_name, inflow_before, inflow_after, households``:
        every community (still in the graph) whose inflow drops, worst first (largest drop,
        then most households, then id).
    closed_gaps : DataFrame
        As ``new_gaps``, for every gap that closes (a node that passes now, or that was
        removed and so is no longer checked).
    """

    removed: list[str]
    hops: int
    rules: pd.DataFrame
    new_gaps: pd.DataFrame
    newly_isolated: list[str]
    newly_fragile: list[str]
    new_deserts: list[str]
    withdrawn: list[str] = field(default_factory=list)
    withdrawn_edges: int = 0
    lost_reach: pd.DataFrame = field(default_factory=lambda: _empty_lost_reach())
    closed_gaps: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_GAP_COLUMNS))

    def to_json(self) -> dict:
        """docs/design.md §6: ``removed, hops, rules, newly_isolated, newly_fragile,
        new_deserts`` and ``lost_reach``; ``withdrawn`` and each rule's ``closed_gaps``
        beside them."""
        def ids_of(frame: pd.DataFrame, rule: str) -> list[str]:
            return sorted(frame.loc[frame["rule"] == rule, "id"])

        return {
            "removed": self.removed,
            "withdrawn": self.withdrawn,
            "hops": self.hops,
            "rules": [{"id": r.rule, "before": _num(r.before), "after": _num(r.after),
                       "new_gaps": ids_of(self.new_gaps, r.rule),
                       "closed_gaps": ids_of(self.closed_gaps, r.rule)}
                      for r in self.rules.itertuples()],
            "newly_isolated": self.newly_isolated,
            "newly_fragile": self.newly_fragile,
            "new_deserts": self.new_deserts,
            "lost_reach": [{"community": c, "name": n, "inflow_before": int(b),
                            "inflow_after": int(a), "households": int(h)}
                           for c, n, b, a, h in zip(
                               self.lost_reach["community"], self.lost_reach["name"],
                               self.lost_reach["inflow_before"], self.lost_reach["inflow_after"],
                               self.lost_reach["households"])],
        }


def _empty_lost_reach() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object if c in _TEXT else np.int64)
                         for c in _LOST_REACH_COLUMNS})


_TEXT = ("community", "name", "street", "street_name")
_LOST_REACH_COLUMNS = ["community", "name", "street", "street_name", "inflow_before",
                       "inflow_after", "households"]


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


def withdrawn_unit_parties(graph: OrgGraph, ids: Sequence[str]) -> list[str]:
    """The unit Party organizations that withdrawing ``ids`` withdraws, in order, once each.

    An id of a ``unit_party`` is itself; an id of a ``unit`` stands for the Party
    organizations that cover it (its co-building ties are its Party organization's,
    docs/design.md §4). Raises UnknownNodeError for an unknown id and ArgumentError for a node
    of another kind or a unit without a Party organization.

    >>> from jiceng.loaders import read_sample
    >>> withdrawn_unit_parties(read_sample(), ["UP00553", "U00553"])  # its unit: the same
    ['UP00553']
    """
    check_ids(graph, list(ids))
    src, dst, _ = graph.edge_arrays
    covers = graph.edge_positions("covers")
    kinds = graph.nodes["kind"].astype(str).to_numpy(dtype=object)
    party = graph.is_kind("unit_party")
    out: list[str] = []
    for node_id in ids:
        code = graph.code(node_id)
        if kinds[code] == "unit_party":
            codes = [code]
        elif kinds[code] == "unit":
            found = src[covers[dst[covers] == code]]
            codes = sorted(set(found[party[found]].tolist()))
            if not codes:
                raise ArgumentError(
                    f"单位 {node_id} 没有单位党组织，没有共建关系可撤出（unit {node_id} has no "
                    f"Party organization, so no co-building ties to withdraw）")
        else:
            raise ArgumentError(
                f"只能撤出单位或单位党组织，{node_id} 是{kinds[code]}（only a unit or a unit "
                f"Party organization can withdraw; {node_id} is a {kinds[code]}）")
        out += [str(graph.nodes["id"].iat[int(c)]) for c in codes]
    return list(dict.fromkeys(out))


def co_building_positions(graph: OrgGraph, unit_parties: Sequence[str]) -> np.ndarray:
    """Row positions of every co-building edge (``pairs_with``, ``part_time``,
    ``reports_to``) from the given unit Party organizations, sorted."""
    src, _, _ = graph.edge_arrays
    codes = np.asarray([graph.code(u) for u in unit_parties], dtype=np.int64)
    positions = np.concatenate([graph.edge_positions(k) for k in CO_BUILDING_KINDS])
    return np.sort(positions[np.isin(src[positions], codes)]).astype(np.int64)


def _lost_reach(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Communities whose inflow drops, worst first; those no longer in the graph are left
    out (they were removed, and are named in ``removed``)."""
    table = before[["id", "name", "street", "street_name", "inflow", "households"]].merge(
        after[["id", "inflow"]], on="id", suffixes=("_before", "_after"))
    table = table[table["inflow_after"] < table["inflow_before"]]
    table = table.assign(_drop=table["inflow_before"] - table["inflow_after"])
    table = table.sort_values(["_drop", "households", "id"], ascending=[False, False, True],
                              kind="stable")
    table = table.rename(columns={"id": "community"})[_LOST_REACH_COLUMNS]
    return table.astype({c: np.int64 for c in ("inflow_before", "inflow_after", "households")}
                        ).reset_index(drop=True)


def _gap_difference(gaps: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """The gaps (rule, node) of ``gaps`` that ``other`` does not have."""
    keys = ["rule", "id"]
    merged = gaps.merge(other[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    return merged[merged["_merge"] == "left_only"][_GAP_COLUMNS].reset_index(drop=True)


def whatif(source: Source, *, remove: Sequence[str] = (),
           remove_edges: Sequence[tuple[str, str, str]] = (), withdraw: Sequence[str] = (),
           hops: int = 2, rules: Sequence[Rule] | None = None) -> WhatIfResult:
    """Remove nodes (with their edges) and/or edges, or withdraw units, and compare.

    ``withdraw`` takes ids of unit Party organizations or units (a unit stands for its Party
    organizations, :func:`withdrawn_unit_parties`) and takes away only their co-building
    edges. ``source`` is an OrgGraph or a Neo4jSource. The server is never changed: its graph
    is read once and both sides are counted in process.

    Notes
    -----
    Two audits, two isolations and two reaches: O(hops · (m + nnz(reach))).

    Examples
    --------
    >>> from jiceng.loaders import read_sample
    >>> from jiceng.queries.isolation import isolation
    >>> g = read_sample()
    >>> unit, communities = next(iter(isolation(g).single_points.items()))
    >>> set(communities) <= set(whatif(g, remove=[unit]).newly_isolated)
    True
    >>> result = whatif(g, withdraw=["UP00553"])
    >>> len(result.lost_reach) > 0, "UP00553" in result.removed
    (True, False)
    """
    graph, hops = as_graph(source), check_hops(hops)
    remove = as_ids(remove, name="remove") or []
    withdraw = as_ids(withdraw, name="withdraw") or []
    remove_edges = as_edges(remove_edges, name="remove_edges")
    rules = as_rules(rules)
    check_ids(graph, remove)  # unknown ids fail before any work
    withdrawn = withdrawn_unit_parties(graph, withdraw)
    parts = [edge_positions_matching(graph, remove_edges)] if remove_edges else []
    if withdrawn:
        parts.append(co_building_positions(graph, withdrawn))
    positions = np.unique(np.concatenate(parts)) if parts else None
    after = graph.without(nodes=remove, edges=positions)

    audit_before, audit_after = audit(graph, rules), audit(after, rules)
    merged = audit_before.summary[["rule", "title_zh", "coverage"]].merge(
        audit_after.summary[["rule", "coverage"]], on="rule", suffixes=("_before", "_after"))
    new_gaps = _gap_difference(audit_after.gaps, audit_before.gaps)
    closed_gaps = _gap_difference(audit_before.gaps, audit_after.gaps)
    rules_table = pd.DataFrame({
        "rule": merged["rule"], "title_zh": merged["title_zh"],
        "before": merged["coverage_before"], "after": merged["coverage_after"],
        "new_gaps": merged["rule"].map(new_gaps["rule"].value_counts()).fillna(0).astype(int),
        "closed_gaps": merged["rule"].map(closed_gaps["rule"].value_counts()).fillna(0)
        .astype(int),
    })

    iso_before, iso_after = isolation(graph), isolation(after)
    reach_before, reach_after = reach(graph, hops=hops), reach(after, hops=hops)
    removed = list(remove) + [f"{s}→{t} ({k})" for s, t, k in remove_edges]
    return WhatIfResult(
        removed=removed, hops=hops, rules=rules_table, new_gaps=new_gaps,
        newly_isolated=sorted(set(iso_after.isolated) - set(iso_before.isolated)),
        newly_fragile=sorted(set(iso_after.fragile) - set(iso_before.fragile)),
        new_deserts=sorted(set(reach_after.deserts) - set(reach_before.deserts)),
        withdrawn=withdrawn,
        withdrawn_edges=0 if not withdrawn else len(co_building_positions(graph, withdrawn)),
        lost_reach=_lost_reach(reach_before.communities, reach_after.communities),
        closed_gaps=closed_gaps,
    )
