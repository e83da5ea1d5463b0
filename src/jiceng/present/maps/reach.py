"""The reach map: one unit and everything its co-building resources reach, hop by hop."""

from __future__ import annotations

import numpy as np

from jiceng.graphmodel import EDGE_KINDS, OrgGraph
from jiceng.graphmodel.schema import CO_BUILDING_KINDS
from jiceng.present.maps.canvas import Canvas
from jiceng.present.maps.facts import Facts
from jiceng.present.maps.labels import wrap
from jiceng.present.maps.layout import radial_positions
from jiceng.present.maps.page import NetworkMap, render_page
from jiceng.present.maps.style import HOP_COLOURS
from jiceng.queries.coverage import AuditResult
from jiceng.queries.isolation import IsolationResult
from jiceng.queries.reach import ReachResult, reach_from

__all__ = ["reach_map"]


def reach_map(graph: OrgGraph, unit_id: str, *, hops: int = 2,
              audit_result: AuditResult | None = None,
              isolation_result: IsolationResult | None = None,
              reach_result: ReachResult | None = None) -> NetworkMap:
    """One unit and everything its co-building resources reach within ``hops``, coloured by
    hop; the households reached, and the communities for which the unit is the only tie
    (ringed) are shown.

    >>> from jiceng.loaders import read_sample
    >>> reach_map(read_sample(), "UP00001").n_nodes > 1
    True
    """
    table = reach_from(graph, unit_id, hops=hops)
    codes = graph.codes(table["id"]).tolist()
    hop = dict(zip(codes, table["hop"].tolist()))
    facts = Facts(graph, audit_result, isolation_result, reach_result)
    only = set(facts.single_points.get(unit_id, []))
    edges, parent = _flow_edges(graph, codes, hop)
    positions = radial_positions(parent, codes, scale=200, spacing=120)
    communities = [c for c in codes if graph.nodes["kind"].iat[c] == "community_party"]
    reached_households = int(np.nansum(facts.households[communities])) if communities else 0
    canvas = Canvas(facts)
    ids = graph.nodes["id"].to_numpy(dtype=object)
    for code in codes:
        h = hop[code]
        colour = HOP_COLOURS[min(h, len(HOP_COLOURS) - 1)]
        styles = [canvas.style(f"hop:{min(h, 6)}", "hop", f"第 {h} 跳" if h else "该单位",
                               f"hop {h}" if h else "the unit", colour=colour)]
        border, width, problem = "#555555", 1.0, False
        extra = [f"跳数 hop: {h}"]
        if ids[code] in only:
            border, width, problem = "#6a1b9a", 5.0, True
            styles.append(canvas.style("only", "mark", "该单位是唯一共建单位",
                                       "this unit is its only tie", border="#6a1b9a"))
            extra.append("该单位是其唯一共建单位 this unit is its only co-building tie")
        if h == 0:
            extra.append(f"覆盖户数 households reached: {reached_households}")
        label = wrap(str(graph.nodes["name"].iat[code]))
        x, y = positions.get(code, (0.0, 0.0))
        community = graph.nodes["kind"].iat[code] == "community_party"
        canvas.add_node(code, x=x, y=y, label=label, fill=colour, border=border,
                        border_width=width, size=26 if h == 0 else 18 if community else 10,
                        font_size=30 if h == 0 else 24 if community else 13, styles=styles,
                        problem=problem, anchor=h == 0, extra=extra)
    for s, t, k, proposed in edges:
        canvas.add_edge(str(ids[s]), str(ids[t]), k, proposed=proposed)
    name = graph.nodes["name"].iat[codes[0]]
    title = (f"{name} 共建资源覆盖 Reach within {hops} hops: {len(communities)} 个社区 "
             f"communities · {reached_households} 户 households")
    summary = f"唯一共建单位的社区 communities it is the only tie of: {len(only)}"
    return render_page(canvas, title, graph.name, summary)


def _flow_edges(graph: OrgGraph, codes: list[int], hop: dict[int, int]
                ) -> tuple[list[tuple[int, int, str, bool]], dict[int, int | None]]:
    """The edges the resources flow along, one hop further each (source, target, kind,
    proposed), and the tree they draw (each node's first parent)."""
    src, dst, kinds = graph.edge_arrays
    kind_names = list(EDGE_KINDS)
    flow = set(CO_BUILDING_KINDS) | {"leads"}
    parent: dict[int, int | None] = {codes[0]: None}
    edges = []
    status = (graph.edges["status"].astype(str).to_numpy(dtype=object)
              if "status" in graph.edges.columns else None)
    for position in np.flatnonzero(np.isin(src, codes) & np.isin(dst, codes)).tolist():
        s, t, k = int(src[position]), int(dst[position]), kind_names[kinds[position]]
        if k in flow and hop[t] == hop[s] + 1:
            edges.append((s, t, k, status is not None and status[position] == "proposed"))
            parent.setdefault(t, s)
    return edges, parent
