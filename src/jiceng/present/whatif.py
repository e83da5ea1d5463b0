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
                  remove_edges: Sequence[tuple[str, str, str]] = ()) -> Report:
    """The communities affected, the rules before and after, and the new gaps; the title names
    what was taken away: ``remove`` and ``remove_edges`` as given to
    :func:`~jiceng.queries.whatif.whatif`, named from ``graph``.

    >>> from jiceng import read_sample, whatif
    >>> graph = read_sample()
    >>> whatif_report(whatif(graph, remove=["UP00553"]), graph=graph, remove=["UP00553"]).title
    '假设分析 What if: 兴关路农村商业银行支行党委 UP00553'
    """
    lost = pd.DataFrame({"community": result.newly_isolated + result.newly_fragile
                         + result.new_deserts,
                         "status": ["isolated"] * len(result.newly_isolated)
                         + ["fragile"] * len(result.newly_fragile)
                         + ["desert"] * len(result.new_deserts)})
    lost.insert(1, "community_name", names_of(graph, lost["community"]))
    rules = result.rules[result.rules["new_gaps"] > 0].copy()
    rules.insert(4, "change", [f"{b:.1%} → {a:.1%}" for b, a in zip(rules["before"], rules["after"])])
    return Report(
        title="假设分析 What if: " + "、".join(
            [named(graph, n) for n in remove]
            + [f"{named(graph, s)} → {named(graph, t)}（{people_text('kind', k)} {k}）"
               for s, t, k in remove_edges]),
        dataset=dataset,
        notes=[f"新增孤立社区 newly isolated: {len(result.newly_isolated)} · 新增脆弱社区 newly "
               f"fragile: {len(result.newly_fragile)} · 新增资源荒漠 new deserts: "
               f"{len(result.new_deserts)}"],
        sections=[
            Section("communities", "受影响社区 Communities affected", lost),
            Section("rules", "规则变化 Rules before and after", rules,
                    percent=("before", "after")),
            Section("new_gaps", "新增缺口 New gaps", result.new_gaps, screen=False),
        ],
        data=result.to_json,
    )
