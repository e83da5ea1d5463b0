"""``jiceng audit``: the coverage audit, the main job."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import (
    bounded,
    emit_report,
    load_source,
    place_options,
    progress,
    say,
    source_options,
    tier_options,
)
from jiceng.present.audit import DEFAULT_RULES, audit_report, below_threshold
from jiceng.present.scope import place_audit_report
from jiceng.present.tiers import Tiers
from jiceng.queries.coverage import audit as run_audit
from jiceng.queries.rules import load_rules
from jiceng.queries.scope import resolve_place, scope_audit
from jiceng.queries.sources import places_of

__all__ = ["audit"]


@click.command()
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
@place_options
@tier_options
@source_options
def audit(dataset: Path | str | None, rules_file: Path | None, by: str, fail_under: float | None,
          street: str | None, district: str | None, tiers: Tiers, neo4j_uri: str | None,
          fmt: str, output: Path | None) -> None:
    """覆盖审计：逐条规则统计覆盖率、缺口，按区县/街道汇总 (Coverage audit by rule, district, street).

    检查每一条覆盖规则，列出缺口，按区(县)和街道汇总。不给 DATASET 时审计内置的贵阳样例；
    DATASET 也可以是 Neo4j 服务器（bolt://host:7687），规则在服务器上计数。给出 --fail-under
    且有规则覆盖率低于它时退出码为 1；输入或规则有误时为 2。

    Check every coverage rule on a dataset and roll the gaps up by district and street.
    Without DATASET, audits the bundled Guiyang sample. DATASET may also be a Neo4j
    server (bolt://host:7687), where the rules are counted. With --street or --district
    only that place's results are shown (counted city-wide): each failing community, grid,
    building or company with its community and what it fails. Exit code 1 when --fail-under
    is given and some rule's coverage (in the place, when one is given) is below it; 2 for
    bad input or bad rules.

    \b
    Example:
      jiceng audit
      jiceng audit mydata/ --by street --format xlsx --output ledger.xlsx
      jiceng audit mydata/ --format json --fail-under 95
      jiceng audit --by street --tier-ok 90 --tier-warn 80
      jiceng audit --street 太慈桥
      jiceng audit --neo4j bolt://localhost:7687
    """
    rules = load_rules(rules_file)
    source = load_source(dataset, neo4j_uri)
    place = resolve_place(source, street=street, district=district)
    with progress(f"正在审计 {len(rules)} 条规则 auditing {len(rules)} rules"):
        result = run_audit(source, rules)
    named = str(rules_file) if rules_file else DEFAULT_RULES
    threshold = None if fail_under is None else fail_under / 100
    if place is None:
        report = audit_report(result, dataset=source.name, by=by, rules_file=named,
                              threshold=threshold, tiers=tiers)
    else:
        scoped = scope_audit(result, places_of(source), place)
        result = scoped.result  # --fail-under: the rules' coverage in the place
        report = place_audit_report(scoped, dataset=source.name, by=by, rules_file=named,
                                    threshold=threshold)
    emit_report(report, fmt, output)
    if fail_under is not None:
        low = below_threshold(result, fail_under)
        if len(low):
            listed = "、".join(f"{r.title_zh} {r.rule} {r.coverage:.1%}" for r in low.itertuples())
            say(f"低于 {fail_under:g}% 的规则 (rules below {fail_under:g}%): {listed}")
            raise SystemExit(1)
