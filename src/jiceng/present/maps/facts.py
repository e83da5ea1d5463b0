"""What the maps show about each node: gaps, statuses, ties, reach and places, worked out once.

Every map reads the same three results (audit, isolation, reach), so a node is marked the same
way on every map, and its side panel says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from jiceng.graphmodel import NODE_KINDS, OrgGraph
from jiceng.graphmodel.schema import CO_BUILDING_KINDS
from jiceng.present.maps.style import STATUS_TEXT
from jiceng.queries.coverage import AuditResult, audit
from jiceng.queries.isolation import IsolationResult, isolation
from jiceng.queries.reach import ReachResult, reach

__all__ = ["Facts", "street_scores"]


def street_scores(result: AuditResult) -> pd.DataFrame:
    """Rank and score (得分) of every street: the mean, over the rules that check at least
    one node in the street, of that rule's coverage there (docs/design.md §4), from the audit's
    ranking. Returns ``street, rank, score, rules_failing``.

    >>> from jiceng.loaders import read_sample
    >>> table = street_scores(audit(read_sample()))
    >>> int(table["rank"].min()), bool(table["score"].between(0, 1).all())
    (1, True)
    """
    return result.ranking[["street", "rank", "score", "rules_failing"]].reset_index(drop=True)


class Facts:
    """What is wrong where, computed once per map: gaps, statuses, ties, reach, places.

    A result not given is computed here.
    """

    def __init__(self, graph: OrgGraph, audit_result: AuditResult | None,
                 isolation_result: IsolationResult | None, reach_result: ReachResult | None):
        self.graph = graph
        self.audit = audit_result if audit_result is not None else audit(graph)
        self.isolation = isolation_result if isolation_result is not None else isolation(graph)
        self.reach = reach_result if reach_result is not None else reach(graph)
        titles = {r.id: r.title_zh for r in self.audit.rules}
        community_rules = {r.id for r in self.audit.rules if "community_party" in r.each}
        self.fails: dict[str, list[str]] = {}
        self.community_fails: dict[str, int] = {}
        for rule, node in zip(self.audit.gaps["rule"], self.audit.gaps["id"]):
            self.fails.setdefault(node, []).append(titles[rule])
            if rule in community_rules:
                self.community_fails[node] = self.community_fails.get(node, 0) + 1
        self.status: dict[str, list[str]] = {}
        for community in self.isolation.isolated:
            self.status.setdefault(community, []).append("isolated")
        for community in self.isolation.fragile:
            self.status.setdefault(community, []).append("fragile")
        for community in self.reach.deserts:
            self.status.setdefault(community, []).append("desert")
        self.single_points = self.isolation.single_points
        ids = graph.nodes["id"].to_numpy(dtype=object)
        self.ids = ids
        self.names = graph.nodes["name"].to_numpy(dtype=object)
        self.kinds = graph.nodes["kind"].astype(str).to_numpy(dtype=object)
        self.households = (graph.nodes["households"].to_numpy(dtype=float, na_value=np.nan)
                           if "households" in graph.nodes.columns else np.full(graph.n_nodes, np.nan))
        src, dst, kinds = graph.edge_arrays
        co = np.concatenate([graph.edge_positions(k) for k in CO_BUILDING_KINDS])
        self.ties: dict[int, set[int]] = {}
        for s, t in zip(src[co].tolist(), dst[co].tolist()):
            self.ties.setdefault(t, set()).add(s)
        inflow = self.reach.communities
        self.inflow = dict(zip(inflow["id"], inflow["inflow"]))
        places = graph.places
        self.place = {level: places[level].to_numpy() for level in ("district", "street",
                                                                    "community")}

    def is_problem(self, node_id: str) -> bool:
        return bool(self.status.get(node_id)) or node_id in self.fails

    def info(self, code: int, extra: Iterable[str] = ()) -> dict:
        """The side panel's facts about one node (all plain text)."""
        node_id = str(self.ids[code])
        kind = NODE_KINDS[self.kinds[code]]
        place = []
        for level in ("district", "street", "community"):
            at = int(self.place[level][code])
            if at >= 0 and at != code:
                place.append(str(self.names[at]))
        info: dict = {"id": node_id, "name": str(self.names[code]), "kind": f"{kind.zh} {kind.en}",
                      "place": " · ".join(place)}
        if not math.isnan(self.households[code]):
            info["households"] = int(self.households[code])
        info["fails"] = self.fails.get(node_id, [])
        info["status"] = [f"{STATUS_TEXT[s][0]} {STATUS_TEXT[s][1]}"
                          for s in self.status.get(node_id, [])]
        single = self.isolation.communities
        if node_id in self.status and "fragile" in self.status[node_id]:
            unit = single.loc[single["id"] == node_id, "single_point"]
            if len(unit) and isinstance(unit.iat[0], str):
                info["status"].append(f"单点依赖 single point: {unit.iat[0]} "
                                      f"{self.names[self.graph.code(unit.iat[0])]}")
        if node_id in self.single_points:
            info["only_tie"] = [f"{c} {self.names[self.graph.code(c)]}"
                                for c in self.single_points[node_id]]
        if code in self.ties:
            info["ties"] = [f"{self.ids[u]} {self.names[u]}" for u in sorted(self.ties[code])]
        if node_id in self.inflow:
            info["inflow"] = int(self.inflow[node_id])
        info["extra"] = list(extra)
        return info
