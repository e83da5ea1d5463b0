"""A street's or a district's own reports: the city-wide reports, restricted to the place.

The restriction itself is a query (:mod:`jiceng.queries.scope`); here the reports say which place
they show, and the audit lists the place's failures one row per failing node, each with its
community and what it fails (``兼职委员 1/3``: count/min), in every format.
"""

from __future__ import annotations

import pandas as pd

from jiceng.graphmodel import OrgGraph
from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS
from jiceng.present.audit import audit_report
from jiceng.present.isolation import isolation_report
from jiceng.present.model import Section
from jiceng.present.plan import plan_report
from jiceng.present.reach import reach_report
from jiceng.present.report import Report
from jiceng.queries.isolation import IsolationResult
from jiceng.queries.plan import PlanResult
from jiceng.queries.reach import ReachResult
from jiceng.queries.rules import Rule
from jiceng.queries.scope import Place, ScopedAudit

#: Communities failing nothing named in the notes (the rest are counted).
_CLEAN_NAMED = 12
_FAILING_SCREEN = ["name", "fails", "community_name", "kind", "id", "community", "street_name"]

__all__ = ["place_audit_report", "place_isolation_report", "place_reach_report",
           "place_plan_report", "rule_short_label", "fails_table", "in_place_title"]


def rule_short_label(rule: Rule) -> str:
    """What a rule counts, in a few Chinese characters: the Party organization that should
    cover the node (``网格党支部``), the station type it should be served by (``党群服务中心``),
    or the kind of tie (``兼职委员``, ``结对共建``)."""
    count = rule.count
    for attribute, values in count.other_attrs:
        for kind in count.other:
            enum = NODE_KINDS[kind].enums.get(attribute, {}) if kind in NODE_KINDS else {}
            if len(values) == 1 and values[0] in enum:
                return enum[values[0]][0]
    if count.edge == "covers" and len(count.other) == 1 and count.other[0] in NODE_KINDS:
        return NODE_KINDS[count.other[0]].zh
    return EDGE_KINDS[count.edge].zh if count.edge in EDGE_KINDS else rule.id


def in_place_title(title: str, place: Place) -> str:
    """A report's title with the place it shows after it."""
    return f"{title} — {place.name}（{place.id}）"


def fails_table(scoped: ScopedAudit) -> pd.DataFrame:
    """One row per failing node of the place (a community, or a grid, building or company
    with its community beside it; street-level nodes first): ``community, community_name, id,
    name, kind, fails, street_name``, ``fails`` saying each rule failed as ``兼职委员 1/3``
    (count/min)."""
    gaps = scoped.result.gaps
    columns = ["community", "community_name", "id", "name", "kind", "fails", "street_name"]
    if not len(gaps):
        return pd.DataFrame(columns=columns)
    labels = {rule.id: rule_short_label(rule) for rule in scoped.result.rules}
    order = {rule.id: at for at, rule in enumerate(scoped.result.rules)}
    rows = gaps.assign(why=[f"{labels.get(r, r)} {c}/{m}" for r, c, m in
                            zip(gaps["rule"], gaps["count"], gaps["min"])],
                       own=gaps["id"] != gaps["community"], rule_at=gaps["rule"].map(order))
    rows = rows.sort_values(["community", "own", "id", "rule_at"], kind="stable")
    # each node's first row with its failures in order; plain Python, as a groupby costs
    # ten times more and the site calls this once per place
    by_node: dict[str, list] = {}
    for row in zip(*(rows[c].tolist() for c in ["community", "community_name", "id", "name",
                                                 "kind", "why", "street_name"])):
        if row[2] in by_node:
            by_node[row[2]][5].append(row[5])
        else:
            by_node[row[2]] = [*row[:5], [row[5]], row[6]]
    table = [[*r[:5], "；".join(r[5]), r[6]] for r in by_node.values()]
    return pd.DataFrame(table, columns=columns)


def place_audit_report(scoped: ScopedAudit, *, dataset: str = "", by: str = "district",
                       rules_file: str | None = None, threshold: float | None = None) -> Report:
    """The audit of one street or district: the rules counted over its nodes, its failing
    nodes one row each (on screen), every community of it, and its streets' ranks; JSON adds
    ``communities`` (docs/design.md §6).

    >>> from jiceng import audit, read_sample
    >>> from jiceng.queries.scope import resolve_place, scope_audit
    >>> graph = read_sample()
    >>> place = resolve_place(graph, street="S0020")
    >>> report = place_audit_report(scope_audit(audit(graph), graph, place))
    >>> "communities" in report.json_data()
    True
    """
    place = scoped.place
    report = audit_report(scoped.result, dataset=dataset, by=by, rules_file=rules_file,
                          threshold=threshold)
    report.title = in_place_title(report.title, place)
    failing = int((scoped.communities["failing"] > 0).sum())
    clean = scoped.communities[scoped.communities["failing"] == 0]["name"].tolist()
    report.notes = [f"{place.name}：社区 {len(scoped.communities)} 个，有缺口的 {failing} 个"
                    f"（communities: {len(scoped.communities)}, {failing} with gaps）"]
    if clean:
        more = f" 等 {len(clean)} 个（{len(clean)} in all）" if len(clean) > _CLEAN_NAMED else ""
        report.notes.append(f"无缺口 no gaps: {'、'.join(clean[:_CLEAN_NAMED])}{more}")
    for section in report.sections:
        if section.key == "ranking":
            section.screen = True
        elif section.key in ("districts", "gaps"):  # the place's own list is shown instead
            section.screen = False
    report.sections[1:1] = [
        Section("failing", "问题清单（逐个对象）Gaps by node, with their community",
                fails_table(scoped), sheet="本地问题", cap=1000,
                screen_columns=_FAILING_SCREEN[:-1] if place.level == "street" else None),
        Section("communities", "社区一览 Communities of the place",
                scoped.communities[["id", "name", "street", "street_name", "failing"]],
                screen=False, sheet="社区一览"),
    ]
    report.data = lambda: scoped.to_json(by)
    return report


def place_isolation_report(result: IsolationResult, place: Place, *, graph: OrgGraph,
                           dataset: str = "") -> Report:
    """:func:`jiceng.present.isolation.isolation_report` of a result restricted to ``place``
    (:func:`jiceng.queries.scope.scope_isolation`), its title naming the place."""
    report = isolation_report(result, graph=graph, dataset=dataset)
    report.title = in_place_title(report.title, place)
    return report


def place_reach_report(result: ReachResult, place: Place, *, dataset: str = "",
                       units: bool = False) -> Report:
    """:func:`jiceng.present.reach.reach_report` of a result restricted to ``place``."""
    report = reach_report(result, dataset=dataset, units=units)
    report.title = in_place_title(report.title, place)
    return report


def place_plan_report(result: PlanResult, place: Place, *, dataset: str = "") -> Report:
    """:func:`jiceng.present.plan.plan_report` of a plan restricted to ``place``
    (:func:`jiceng.queries.scope.scope_plan`); its totals are counted over the place."""
    report = plan_report(result, dataset=dataset)
    report.title = in_place_title(report.title, place)
    return report
