"""``jiceng audit``: the coverage audit, the main job."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pandas as pd

from jiceng.cli.options import (
    bounded,
    emit_report,
    load_source,
    neo4j_option,
    output_options,
    progress,
    say,
    source_argument,
)
from jiceng.queries.coverage import AuditResult
from jiceng.queries.coverage import audit as run_audit
from jiceng.queries.rules import load_rules
from jiceng.report import Report, Section

__all__ = ["audit", "audit_report"]

_SUMMARY_COLUMNS = ["rule", "title_zh", "title_en", "each", "min", "checked", "passing", "failing",
                    "coverage"]


def audit_report(result: AuditResult, *, dataset: str, by: str = "district") -> Report:
    """The audit as a report: summary, roll-ups, ranking, and one gap list per rule."""
    level_zh = "区(县)" if by == "district" else "街道"
    sections = [
        Section("summary", "覆盖审计汇总 Coverage by rule", result.summary[_SUMMARY_COLUMNS],
                screen_columns=["rule", "title_zh", "checked", "failing", "coverage"]),
        Section(f"{by}_overview", f"{level_zh}总览（全部规则）All rules by {by}",
                _overview(result, by),
                screen_columns=[f"{by}_name", "checked", "failing", "coverage", "worst_rule"]),
        Section("ranking", "街道排行榜 Street ranking", result.ranking, screen=False),
        Section("by_district", "按区(县)、规则汇总 Coverage by district and rule",
                result.by_district, screen=False),
        Section("by_street", "按街道、规则汇总 Coverage by street and rule", result.by_street,
                screen=False),
    ]
    for rule in result.rules:
        gaps = result.gaps[result.gaps["rule"] == rule.id].drop(columns="rule")
        sections.append(Section(rule.id, f"{rule.id}: {rule.title_zh} ({rule.title_en})", gaps,
                                screen=False))
    ranking = result.ranking
    notes = []
    if len(ranking):
        top = ranking.head(5)["street_name"].tolist()
        bottom = ranking.tail(5)["street_name"].tolist()[::-1]
        notes = [f"排行榜前列 Top streets: {'、'.join(top)}",
                 f"排行榜末位 Bottom streets: {'、'.join(bottom)}"]
    return Report(title="党建引领基层治理覆盖审计 Coverage audit", sections=sections,
                  data=result.to_json(), dataset=dataset, notes=notes)


def _overview(result: AuditResult, by: str) -> pd.DataFrame:
    """One row per district (or street), all rules pooled, with its weakest rule."""
    keys = [by, f"{by}_name"] if by == "district" else ["street", "street_name", "district_name"]
    rows = result.by_district if by == "district" else result.by_street
    pooled = rows.groupby(keys, sort=False).agg(checked=("checked", "sum"),
                                                 failing=("failing", "sum")).reset_index()
    pooled["coverage"] = (pooled["checked"] - pooled["failing"]) / pooled["checked"]
    weakest = rows.sort_values("coverage", kind="stable").drop_duplicates(keys[0])
    pooled["worst_rule"] = pooled[by].map(dict(zip(weakest[by], weakest["rule"])))
    return pooled


def below_threshold(result: AuditResult, percent: float) -> pd.DataFrame:
    """Rules whose coverage (in percent) is below ``percent``; rules that checked nothing pass."""
    coverage = result.summary["coverage"].to_numpy(dtype=float) * 100
    failing = ~np.isnan(coverage) & (coverage < percent)
    return result.summary[failing]


@click.command()
@source_argument
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), default=None,
              help="YAML 规则文件，默认为文章中的 13 条规则（a YAML rule file; default: the "
                   "article's 13 rules）。")
@click.option("--by", type=click.Choice(["district", "street"]), default="district",
              show_default=True,
              help="按区(县)或按街道汇总（roll the results up by district or by street）。")
@click.option("--fail-under", type=float, default=None, metavar="PCT",
              callback=bounded(0, 100, "覆盖率是百分数", "coverage is a percentage", integer=False),
              help="任一规则覆盖率低于 PCT% 时以退出码 1 结束（exit with code 1 when any rule's "
                   "coverage is below PCT percent）。")
@neo4j_option
@output_options
def audit(dataset: Path | str | None, rules_file: Path | None, by: str, fail_under: float | None,
          neo4j_uri: str | None, fmt: str, output: Path | None) -> None:
    """覆盖审计：逐条规则统计覆盖率、缺口，按区县/街道汇总 (Coverage audit by rule, district, street).

    检查每一条覆盖规则，列出缺口，按区(县)和街道汇总。不给 DATASET 时审计内置的贵阳样例；
    DATASET 也可以是 Neo4j 服务器（bolt://host:7687），规则在服务器上计数。给出 --fail-under
    且有规则覆盖率低于它时退出码为 1；输入或规则有误时为 2。

    Check every coverage rule on a dataset and roll the gaps up by district and street.
    Without DATASET, audits the bundled Guiyang sample. DATASET may also be a Neo4j
    server (bolt://host:7687), where the rules are counted. Exit code 1 when --fail-under
    is given and some rule's coverage is below it; 2 for bad input or bad rules.

    \b
    Example:
      jiceng audit
      jiceng audit mydata/ --by street --format xlsx --output ledger.xlsx
      jiceng audit mydata/ --format json --fail-under 95
      jiceng audit --neo4j bolt://localhost:7687
    """
    rules = load_rules(rules_file)
    source = load_source(dataset, neo4j_uri)
    with progress(f"auditing {len(rules)} rules"):
        result = run_audit(source, rules)
    emit_report(audit_report(result, dataset=source.name, by=by), fmt, output)
    if fail_under is not None:
        low = below_threshold(result, fail_under)
        if len(low):
            listed = ", ".join(f"{r.rule} {r.coverage:.1%}" for r in low.itertuples())
            say(f"低于 below {fail_under:g}%: {listed}")
            raise SystemExit(1)
