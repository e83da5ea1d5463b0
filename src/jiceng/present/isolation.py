"""Isolated and fragile communities as a report (``jiceng isolated``)."""

from __future__ import annotations

import pandas as pd

from jiceng.graphmodel import OrgGraph
from jiceng.present.frames import names_of, with_names, worst_first
from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.queries.isolation import IsolationResult

__all__ = ["isolation_report"]

_STATUS_ORDER = {"isolated": 0, "fragile": 1, "connected": 2}


def isolation_report(result: IsolationResult, *, graph: OrgGraph, dataset: str = "") -> Report:
    """Isolated communities, fragile ones with the unit they hang on, the single points of
    failure, streets and every community weakest first. ``graph`` gives the names of the
    units (any graph with the nodes' ids and names: a Neo4j server's skeleton will do).

    >>> from jiceng import isolation, read_sample
    >>> graph = read_sample()
    >>> report = isolation_report(isolation(graph), graph=graph)
    >>> len(report.section("isolated").frame) == len(isolation(graph).isolated)
    True
    """
    table = result.communities
    single = pd.DataFrame([(u, c) for u, cs in result.single_points.items() for c in cs],
                          columns=["unit", "community"])
    single.insert(1, "unit_name", names_of(graph, single["unit"]))
    single["community_name"] = names_of(graph, single["community"])
    return Report(
        title="孤立与脆弱社区 Isolated and fragile communities",
        dataset=dataset,
        notes=[f"孤立社区 isolated: {len(result.isolated)} · 脆弱社区 fragile: {len(result.fragile)}"
               f" · 共建连通分量 components: {len(result.components)}"],
        sections=[
            Section("isolated", "孤立社区 Isolated communities", table[table["status"] == "isolated"]
                    [["id", "name", "street", "street_name", "district_name"]]),
            Section("fragile", "脆弱社区 Fragile communities (one unit only)",
                    with_names(graph, table[table["status"] == "fragile"]
                               [["id", "name", "street_name", "ties", "single_point"]],
                               "single_point")),
            Section("single_points", "单点依赖 Single points of failure", single, screen=False,
                    sheet="单点依赖"),
            Section("by_street", "按街道（孤立、脆弱占比高的在前）By street, weakest first",
                    worst_first(result.by_street, ["isolated_share", "fragile_share"],
                                [False, False]), screen=False, sheet="按街道"),
            Section("components", "共建连通分量 Co-building components", result.components,
                    screen=False),
            Section("communities", "全部社区（孤立、脆弱的在前）All communities, weakest first",
                    worst_first(with_names(graph, table, "single_point"), ["status"], [True],
                                key=lambda status: status.map(_STATUS_ORDER)), screen=False,
                    sheet="全部社区"),
        ],
        data=lambda: result.to_json() | {"components": len(result.components)},
    )
