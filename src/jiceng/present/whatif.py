"""A what-if as a report (``jiceng whatif``): what breaks when units or ties are taken away."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from jiceng.graphmodel import OrgGraph
from jiceng.present.frames import named, names_of
from jiceng.present.labels import people_text
from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.queries.whatif import WhatIfResult

__all__ = ["whatif_report"]


def whatif_report(result: WhatIfResult, *, graph: OrgGraph, dataset: str = "",
                  remove: Sequence[str] = (),
                  remove_edges: Sequence[tuple[str, str, str]] = (),
                  withdraw: Sequence[str] = ()) -> Report:
    """What the communities lose (lost reach) first, then the communities that become
    isolated, fragile or deserts, then the rule gaps opened and closed (docs/design.md §4).
    The title names what was taken away: ``remove``, ``remove_edges`` and ``withdraw`` as
    given to :func:`~jiceng.queries.whatif.whatif`, named from ``graph``. Every count shown
    is the length of a list shown beside it.

    >>> from jiceng import read_sample, whatif
    >>> graph = read_sample()
    >>> whatif_report(whatif(graph, remove=["UP00553"]), graph=graph, remove=["UP00553"]).title
    '假设分析 What if: 兴关路街道社区卫生服务中心党委 UP00553'
    >>> report = whatif_report(whatif(graph, withdraw=["UP00553"]), graph=graph,
    ...                        withdraw=["UP00553"])
    >>> report.title, report.sections[0].key
    ('假设分析 What if: 兴关路街道社区卫生服务中心党委 UP00553 撤出共建（withdraws）', 'lost_reach')
    """
    lost_reach = result.lost_reach.copy()
    lost_reach.insert(6, "change", [f"{b} → {a}" for b, a in zip(lost_reach["inflow_before"],
                                                                   lost_reach["inflow_after"])])
    status = pd.DataFrame({"community": result.newly_isolated + result.newly_fragile
                           + result.new_deserts,
                           "status": ["isolated"] * len(result.newly_isolated)
                           + ["fragile"] * len(result.newly_fragile)
                           + ["desert"] * len(result.new_deserts)})
    status.insert(1, "community_name", names_of(graph, status["community"]))
    changed = (result.rules["new_gaps"] > 0) | (result.rules["closed_gaps"] > 0)
    rules = result.rules[changed].copy()
    rules.insert(4, "change", [f"{b:.1%} → {a:.1%}" for b, a in zip(rules["before"], rules["after"])])
    what = ([named(graph, n) for n in remove]
            + [f"{named(graph, s)} → {named(graph, t)}（{people_text('kind', k)} {k}）"
               for s, t, k in remove_edges]
            + [f"{named(graph, u)} 撤出共建（withdraws）" for u in withdraw])
    notes = [f"资源流入减少的社区 communities losing inflow: {len(lost_reach)} · 涉及户数 "
             f"households: {int(lost_reach['households'].sum()):,}",
             f"新增孤立社区 newly isolated: {len(result.newly_isolated)} · 新增脆弱社区 newly "
             f"fragile: {len(result.newly_fragile)} · 新增资源荒漠 new deserts: "
             f"{len(result.new_deserts)}",
             f"新增缺口 new gaps: {len(result.new_gaps)} · 消除缺口 closed gaps: "
             f"{len(result.closed_gaps)}"]
    if result.withdrawn:
        notes.append(f"撤出的单位党组织 units withdrawn: {'、'.join(result.withdrawn)} · 撤出的共建"
                     f"关系 co-building ties taken away: {result.withdrawn_edges}")
    return Report(
        title="假设分析 What if: " + "、".join(what),
        dataset=dataset,
        notes=notes,
        sections=[  # what the communities lose leads (docs/design.md §4)
            Section("lost_reach", "资源流入减少的社区（减少多的在前）Communities whose inflow "
                    "drops, worst first", lost_reach, sheet="资源流入减少",
                    screen_columns=["community", "name", "street_name", "change", "households"]),
            Section("communities", "新增孤立、脆弱社区和资源荒漠 Communities newly isolated, "
                    "fragile or deserts", status, sheet="受影响社区"),
            Section("rules", "规则变化 Rules before and after", rules,
                    percent=("before", "after")),
            Section("new_gaps", "新增缺口 New gaps", result.new_gaps, cap=50),
            Section("closed_gaps", "消除缺口 Closed gaps", result.closed_gaps, cap=50),
        ],
        data=result.to_json,
    )
