"""The reach of co-building resources as a report (``jiceng reach``)."""

from __future__ import annotations

import pandas as pd

from jiceng.present.frames import worst_first
from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.queries.reach import ReachResult

__all__ = ["reach_report", "units_section"]


def reach_report(result: ReachResult, *, dataset: str = "", units: bool = False) -> Report:
    """Resource deserts first, then streets and communities thinnest first, and the units.

    ``units`` says the result was asked for chosen units (``--unit``): their reach is then
    shown on screen and in the briefing instead of the widest-reaching units. The
    widest-reaching units are those that alone reach the most communities (独有覆盖社区: the
    communities no other unit reaches within k), not those paired with a whole street, whose
    communities other units reach too (docs/design.md §4).

    >>> from jiceng import reach, read_sample
    >>> report = reach_report(reach(read_sample(), hops=2))
    >>> report.title
    '共建资源覆盖 Reach of co-building resources (k = 2)'
    """
    deserts = result.communities[result.communities["inflow"] == 0]
    units_table = _exclusive_beside_communities(result.units)
    top = units_table[units_table["exclusive"] > 0].sort_values(
        ["exclusive", "communities", "households", "id"], ascending=[False, False, False, True],
        kind="stable").head(20)
    return Report(
        title=f"共建资源覆盖 Reach of co-building resources (k = {result.hops})",
        dataset=dataset,
        notes=[f"资源荒漠 deserts: {len(result.deserts)} · 流入基尼系数 inflow Gini: "
               f"{result.gini:.3f}",
               f"独自覆盖社区的单位 units that alone reach a community: "
               f"{int((units_table['exclusive'] > 0).sum())}（独有覆盖社区：没有其他单位在 "
               f"{result.hops} 步内到达的社区 communities no other unit reaches within "
               f"{result.hops}）"],
        sections=[  # the thinnest first, so that what a capped list leaves out is the healthy
            Section("deserts", "资源荒漠 Resource deserts", deserts[["id", "name", "street_name",
                                                                   "district_name", "households"]]),
            Section("by_street", "按街道（资源荒漠多、流入少的在前）By street, thinnest first",
                    worst_first(result.gini_by_street, ["deserts", "mean_inflow"],
                                [False, True]), screen=False, sheet="按街道"),
            Section("top_units", "覆盖最广的单位（按独有覆盖社区）Widest-reaching units, by the "
                    "communities they alone reach", top, screen=not units),
            Section("communities", "社区资源流入（少的在前）Inflow per community, least first",
                    worst_first(result.communities, ["inflow"], [True]), screen=False,
                    sheet="社区资源流入"),
            units_section(result, shown=units, table=units_table),
        ],
        data=result.to_json,
    )


def units_section(result: ReachResult, *, shown: bool = True,
                  table: pd.DataFrame | None = None) -> Section:
    """Each unit's reach (communities, those it alone reaches, households): on screen and in
    the briefing when ``shown`` (units asked for, a street's page of the site)."""
    if table is None:
        table = _exclusive_beside_communities(result.units)
    return Section("units", "单位覆盖 Reach per unit", table, screen=shown, html=shown)


def _exclusive_beside_communities(units: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in units.columns if c != "exclusive"]
    at = columns.index("communities") + 1 if "communities" in columns else len(columns)
    return units[columns[:at] + ["exclusive"] + columns[at:]]
