"""``jiceng plan``: propose the pairings and part-time seats that close the gaps."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from jiceng.cli.options import (
    check_output,
    dataset_argument,
    emit_report,
    load_graph,
    output_options,
    progress,
    say,
)
from jiceng.loaders import sample_path, write_dataset
from jiceng.loaders.dataset import EXCEL_SUFFIXES
from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.queries.plan import PlanResult, apply_plan
from jiceng.queries.plan import plan as run_plan

__all__ = ["plan", "plan_report"]

_PROPOSAL_SCREEN = ["unit", "unit_name", "target", "target_name", "kind_zh", "need_zh",
                    "households", "scope_zh"]


def plan_report(result: PlanResult, *, dataset: str) -> Report:
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
        title="结对共建与兼职委员配置方案 Plan: pairings and part-time seats",
        dataset=dataset,
        notes=notes,
        sections=[
            Section("proposals", "拟建关系 Proposals", proposals, screen_columns=_PROPOSAL_SCREEN),
            Section("unmet", "未能满足的需求 Unmet needs", unmet,
                    screen_columns=["target", "target_name", "street_name", "need_zh", "missing",
                                    "reason"]),
            Section("totals", "方案前后对比 Before → after", counts,
                    screen_columns=["measure_zh", "before", "after"]),
            Section("coverage", "规则覆盖率前后对比 Rule coverage before → after", coverage,
                    screen_columns=["measure_zh", "before", "after", "delta"],
                    percent=("before", "after", "delta"), sheet="覆盖率前后对比"),
            Section("by_street", "按街道 By street", by_street, screen=False),
            Section("needs", "全部需求 All needs", result.needs, screen=False),
        ],
        definitions=["户数 (households)：拟建关系使该单位新到达（k = 2）的社区的户数 (households of "
                     "the communities the proposal newly brings within the unit's reach, k = 2)"],
        data=result.to_json,
    )


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


def _check_apply(out: Path, dataset: Path | None, force: bool) -> None:
    """Refuse to write the planned dataset over an input, or over a dataset without --force."""
    check_output(out, [dataset if dataset is not None else sample_path(), sample_path()],
                 force=force, folder=out.suffix.lower() not in EXCEL_SUFFIXES)


@click.command()
@dataset_argument
@click.option("--min-units", type=int, default=2, show_default=True, metavar="N",
              help="每个社区至少需要的共建单位数 (distinct co-building units each community "
                   "needs).")
@click.option("--capacity", type=int, default=5, show_default=True, metavar="N",
              help="每个单位最多结对的街道和社区数，含已有结对 (streets and communities a unit "
                   "may pair with in all, existing included).")
@click.option("--part-time-capacity", type=int, default=3, show_default=True, metavar="N",
              help="每个单位最多选派的兼职委员数，含已有 (part-time members a unit may supply "
                   "in all, existing included).")
@click.option("--scope", type=click.Choice(["street", "district"]), default="street",
              show_default=True,
              help="单位可配置到本街道，或（代价更高）本区县 (a unit's own street, or at a "
                   "cost its own district).")
@click.option("--units", "units_file", type=click.Path(path_type=Path), default=None,
              help="单位设置 YAML/CSV：id, exclude, pair_capacity, part_time_capacity "
                   "(units to exclude or with their own capacities).")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), default=None,
              help="规则文件，兼职委员与结对的最低要求取自其中 (a YAML rule file; the part-time "
                   "and pairing minima come from it).")
@click.option("--apply", "apply_to", type=click.Path(path_type=Path), default=None, metavar="OUT",
              help="写出加入拟建关系后的数据集（文件夹或 .xlsx）(write the dataset with the "
                   "proposed edges added: a folder or an .xlsx).")
@output_options
def plan(dataset: Path | None, min_units: int, capacity: int, part_time_capacity: int, scope: str,
         units_file: Path | None, rules_file: Path | None, apply_to: Path | None, force: bool,
         fmt: str, output: Path | None) -> None:
    """配置方案：提出补足缺口的结对共建与兼职委员，并证明最优 (Plan pairings and seats, optimally).

    为孤立、脆弱社区和兼职委员不足的社区、街道，提出结对共建和兼职委员人选。

    A community needs --min-units distinct co-building units and its rule's minimum of
    part-time members ("3+N"); a street its "1+N" part-time member and a pairing. Units
    take proposals up to their capacities, within their own street (or district). The plan
    meets as many needs as possible, then uses as few cross-street proposals as possible,
    then spreads the load; it is exact (min-cost flow), not greedy.

    \b
    示例 Example:
      jiceng plan
      jiceng plan mydata/ --scope district --units units.yaml --format xlsx --output plan.xlsx
      jiceng plan mydata/ --apply planned/ && jiceng diff mydata/ planned/
    """
    if apply_to is not None:
        _check_apply(apply_to, dataset, force)
    graph = load_graph(dataset)
    with progress("planning"):
        result = run_plan(graph, min_units=min_units, capacity=capacity,
                          part_time_capacity=part_time_capacity, scope=scope,
                          units=units_file, rules=rules_file)
    emit_report(plan_report(result, dataset=graph.name), fmt, output)
    if apply_to is not None:
        with progress(f"writing {apply_to}"):
            write_dataset(apply_plan(graph, result), apply_to)
        say(f"已写出 wrote {apply_to}（拟建关系 {len(result.proposals)} proposed edges, "
            f"status = proposed）")
