"""A plan of pairings and part-time seats as a report (``jiceng plan``)."""

from __future__ import annotations

import pandas as pd

from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.queries.plan import PlanResult

__all__ = ["plan_report", "proposal_sections", "NEW_HOUSEHOLDS", "PLAN_TITLE"]

_PROPOSAL_SCREEN = ["unit", "unit_name", "target", "target_name", "kind_zh", "need_zh",
                    "new_households", "scope_zh"]
#: What ``new_households`` counts: not the target's households, but those the proposal adds
#: to the unit's reach (docs/design.md §4.5); JSON calls it ``households`` (docs/design.md §6).
NEW_HOUSEHOLDS = ("新增覆盖户数 (new_households)：这条拟建关系使该单位新到达（k = 2）的社区的户数；"
                  "单位原已到达这些社区时为 0（例如已与其街道结对），不是说社区没有住户 (households of "
                  "the communities the proposal newly brings within the unit's reach, k = 2; 0 "
                  "where the unit reaches them already, e.g. through a pairing with their street, "
                  "not a community without households)")


#: The plan's title, wherever it is shown.
PLAN_TITLE = "结对共建与兼职委员配置方案 Plan: pairings and part-time seats"


def plan_report(result: PlanResult, *, dataset: str = "") -> Report:
    """The plan as a report: proposals first (the CSV output), then unmet needs and totals.

    People read each need, kind and scope once, in Chinese (``*_zh``: see
    :meth:`Section.people_rows`); CSV and JSON keep the codes beside them. Counts and rule
    coverages before and after are two tables, each of numbers of one kind (coverages as
    percentages)."""
    proposals, unmet = result.proposals, result.unmet
    totals = result.totals
    rules = totals["measure"].str.startswith("rule:").to_numpy(dtype=bool)
    counts = totals[~rules].astype({"before": "int64", "after": "int64"}).reset_index(drop=True)
    coverage = totals[rules].reset_index(drop=True)
    coverage = coverage.assign(delta=coverage["after"] - coverage["before"])
    by_street = _by_street(result)
    cross = int((proposals["scope"] == "district").sum())
    met = int(result.needs["met"].sum())
    wanted = int(result.needs["wanted"].sum())
    notes = [f"拟建 proposals: {len(proposals)}（结对共建 pairings "
             f"{int((proposals['kind'] == 'pairs_with').sum())}，兼职委员 part-time seats "
             f"{int((proposals['kind'] == 'part_time').sum())}，跨街道 across streets {cross}）"
             f" · 满足需求 needs met: {met}/{wanted} · 未满足 unmet: {int(unmet['missing'].sum())}",
             "最优：先满足最多需求，再尽量少跨街道，再均衡各单位负担，最后按编号 "
             "(optimal: most needs met, then fewest cross-street proposals, then the load spread, "
             "then by id)"]
    return Report(
        title=PLAN_TITLE,
        dataset=dataset,
        notes=notes,
        sections=[
            *proposal_sections(result),
            Section("totals", "方案前后对比 Before → after", counts,
                    screen_columns=["measure_zh", "before", "after"]),
            Section("coverage", "规则覆盖率前后对比 Rule coverage before → after", coverage,
                    screen_columns=["measure_zh", "before", "after", "delta"],
                    percent=("before", "after", "delta"), sheet="覆盖率前后对比"),
            Section("by_street", "按街道 By street", by_street, screen=False),
            Section("needs", "全部需求 All needs", result.needs, screen=False),
        ],
        definitions=[NEW_HOUSEHOLDS],
        data=result.to_json,
    )


def proposal_sections(result: PlanResult) -> list[Section]:
    """The plan's first two sections: the proposals and the needs left unmet (what the site's
    pages show of a plan restricted to their place)."""
    return [Section("proposals", "拟建关系 Proposals", result.proposals,
                    screen_columns=_PROPOSAL_SCREEN),
            Section("unmet", "未能满足的需求 Unmet needs", result.unmet,
                    screen_columns=["target", "target_name", "street_name", "need_zh", "missing",
                                    "reason", "remedy_zh"])]


def _by_street(result: PlanResult) -> pd.DataFrame:
    """Per street of the targets: proposals by kind and needs left unmet (one line each)."""
    proposals = result.proposals.assign(
        pairings=result.proposals["kind"] == "pairs_with",
        seats=result.proposals["kind"] == "part_time")
    made = proposals.groupby(["target_street", "target_street_name"], sort=True).agg(
        proposals=("unit", "size"), pairings=("pairings", "sum"), seats=("seats", "sum"))
    made.index = made.index.set_names(["street", "street_name"])
    left = result.unmet.groupby(["street", "street_name"], sort=True)["missing"].sum()
    table = made.join(left, how="outer").fillna(0).astype("int64").reset_index()
    return table.rename(columns={"missing": "unmet"})
