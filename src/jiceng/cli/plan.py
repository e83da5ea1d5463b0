"""``jiceng plan``: propose the pairings and part-time seats that close the gaps."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import (
    check_output,
    dataset_options,
    emit_report,
    load_graph,
    place_options,
    progress,
    say,
)
from jiceng.loaders import sample_path, write_dataset
from jiceng.loaders.dataset import EXCEL_SUFFIXES, check_writable
from jiceng.loaders.disk import dataset_language
from jiceng.present.plan import plan_report
from jiceng.present.scope import place_plan_report
from jiceng.queries.plan import apply_plan
from jiceng.queries.plan import plan as run_plan
from jiceng.queries.scope import resolve_place, scope_plan

__all__ = ["plan"]

def _check_apply(out: Path, dataset: Path | None, force: bool) -> None:
    """Refuse to write the planned dataset over an input, or over a dataset without --force."""
    check_output(out, [dataset if dataset is not None else sample_path(), sample_path()],
                 force=force, folder=out.suffix.lower() not in EXCEL_SUFFIXES)


@click.command()
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
              show_default=True, help="单位可配置到本街道，或（代价更高）本区县 (a unit's own "
                                      "street, or at a cost its own district).")
@click.option("--units", "units_file", type=click.Path(path_type=Path), default=None,
              help="单位设置 YAML/CSV：id, exclude, pair_capacity, part_time_capacity "
                   "(units to exclude or with their own capacities).")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), default=None,
              help="规则文件，兼职委员与结对的最低要求取自其中 (a YAML rule file; the part-time "
                   "and pairing minima come from it).")
@click.option("--apply", "apply_to", type=click.Path(path_type=Path), default=None, metavar="OUT",
              help="写出加入拟建关系后的数据集（文件夹或 .xlsx）(write the dataset with the "
                   "proposed edges added: a folder or an .xlsx).")
@place_options
@dataset_options
def plan(dataset: Path | None, min_units: int, capacity: int, part_time_capacity: int, scope: str,
         units_file: Path | None, rules_file: Path | None, apply_to: Path | None,
         street: str | None, district: str | None, force: bool, fmt: str,
         output: Path | None) -> None:
    """配置方案：提出补足缺口的结对共建与兼职委员，并证明最优 (Plan pairings and seats, optimally).

    为孤立、脆弱社区和兼职委员不足的社区、街道，提出结对共建和兼职委员人选。

    A community needs --min-units distinct co-building units and its rule's minimum of
    part-time members ("3+N"); a street its "1+N" part-time member and a pairing. Units
    take proposals up to their capacities, within their own street (or district). The plan
    meets as many needs as possible, then uses as few cross-street proposals as possible,
    then spreads the load; it is exact (min-cost flow), not greedy. With --street or
    --district the plan is made for the whole city and only the proposals and needs of
    that place are shown, with its totals before and after (--apply writes the whole plan).

    \b
    示例 Example:
      jiceng plan
      jiceng plan mydata/ --scope district --units units.yaml --format xlsx --output plan.xlsx
      jiceng plan mydata/ --apply planned/ && jiceng diff mydata/ planned/
      jiceng plan --street 太慈桥
    """
    if apply_to is not None:
        _check_apply(apply_to, dataset, force)
    graph = load_graph(dataset)
    place = resolve_place(graph, street=street, district=district)
    with progress("正在制定方案 planning"):
        result = run_plan(graph, min_units=min_units, capacity=capacity,
                          part_time_capacity=part_time_capacity, scope=scope,
                          units=units_file, rules=rules_file)
    if apply_to is not None:  # written before the report: a reader of stdout gone stops nothing
        planned = apply_plan(graph, result)
        source = dataset if dataset is not None else sample_path()
        check_writable(planned, apply_to, before=graph, source=source)
        with progress(f"正在写出 writing {apply_to}"):  # in the input's own language (编号/类型/名称)
            write_dataset(planned, apply_to, chinese=dataset_language(source))
        say(f"已写出 wrote {apply_to}（拟建关系 {len(result.proposals)} proposed edges, "
            f"status = proposed）")
    if place is None:
        report = plan_report(result, dataset=graph.name)
    else:
        report = place_plan_report(scope_plan(result, graph, place, rules=rules_file), place,
                                   dataset=graph.name)
    emit_report(report, fmt, output)
