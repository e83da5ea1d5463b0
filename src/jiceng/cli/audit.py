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
from jiceng.present.labels import SCORE_DEFINITION
from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.queries.coverage import AuditResult
from jiceng.queries.coverage import audit as run_audit
from jiceng.queries.rules import load_rules

__all__ = ["audit", "audit_report"]

_SUMMARY_COLUMNS = ["rule", "title_zh", "title_en", "each", "min", "checked", "passing", "failing",
                    "coverage"]


def audit_report(result: AuditResult, *, dataset: str, by: str = "district",
                 rules_file: str = "", threshold: float | None = None) -> Report:
    """The audit as a report: summary, the ranking by 得分, roll-ups and the list of gaps.

    ``threshold`` is a fraction (``--fail-under`` / 100); below it coverage is marked red.
    """
    titles = {r.id: r.title_zh for r in result.rules}
    streets = _with_titles(result.ranking, titles)
    districts = _with_titles(result.district_ranking, titles)
    ranking_screen = ["rank", "street_name", "district_name", "score", "worst_rule_title",
                      "worst_coverage", "rules_failing", "failing"]
    sections = [
        Section("summary", "覆盖审计汇总 Coverage by rule", result.summary[_SUMMARY_COLUMNS],
                sheet="汇总", screen_columns=["rule", "title_zh", "checked", "failing", "coverage"]),
        Section("ranking", "街道排行榜（按得分）Street ranking by score", streets, sheet="排行榜",
                screen=by == "street", cap=1000,
                screen_columns=ranking_screen),
        Section("districts", "区县排行（按得分）Districts by score", districts, sheet="分区县",
                screen=by == "district",
                screen_columns=["rank", "district_name", "score", "worst_rule_title",
                                "worst_coverage", "rules_failing", "failing"]),
        Section("by_street", "分街道分规则 Coverage by street and rule",
                _with_titles(result.by_street, titles, "rule"), sheet="分街道", screen=False,
                html=False),
        Section("by_district", "分区县分规则 Coverage by district and rule",
                _with_titles(result.by_district, titles, "rule"), sheet="分区县分规则",
                screen=False, html=False),
        Section("gaps", "问题清单 Gaps (every failing node)",
                _with_titles(result.gaps, titles, "rule"), sheet="问题清单", screen=False,
                html=False),
    ]
    notes = []
    if len(result.ranking):
        top = result.ranking.head(5)["street_name"].tolist()
        bottom = result.ranking.tail(5)["street_name"].tolist()[::-1]
        notes = [f"得分前五 Top five streets: {'、'.join(top)}",
                 f"得分后五 Bottom five streets: {'、'.join(bottom)}"]
    report = Report(title="党建引领基层治理覆盖审计 Coverage audit", sections=sections,
                    data=lambda: result.to_json(by), dataset=dataset, notes=notes, rules_file=rules_file,
                    definitions=[SCORE_DEFINITION], main="ranking" if by == "street" else "summary")
    if threshold is not None:
        report.threshold = threshold
    report.extra_html = lambda: _weakest_streets_html(result, titles, report.threshold)
    return report


def _with_titles(frame: pd.DataFrame, titles: dict[str, str], column: str = "worst_rule"
                 ) -> pd.DataFrame:
    """``frame`` with the Chinese title of its rule column beside it."""
    if column not in frame.columns:
        return frame
    out = frame.copy()
    at = list(out.columns).index(column) + 1
    out.insert(at, f"{column}_title" if column == "worst_rule" else "title_zh",
               out[column].map(titles))
    return out


def _weakest_streets_html(result: AuditResult, titles: dict[str, str], threshold: float,
                          count: int = 10) -> str:
    """The briefing's per-street part: the weakest streets, each with its rules and gaps."""
    from jiceng.present.formats.html import render_section_html

    if not len(result.ranking):
        return ""
    weakest = result.ranking.tail(count).iloc[::-1]
    parts = [f'<h2 id="weakest">得分最低的 {len(weakest)} 个街道 The {len(weakest)} weakest '
             "streets</h2>"]
    for row in weakest.itertuples(index=False):
        rules = result.by_street[result.by_street["street"] == row.street]
        rules = _with_titles(rules, titles, "rule")[["rule", "title_zh", "checked", "failing",
                                                     "coverage"]]
        rules = rules.sort_values("coverage", kind="stable")
        gaps = result.gaps[result.gaps["street"] == row.street][
            ["rule", "id", "name", "kind", "count", "min"]]
        title = (f"第 {row.rank} 名 {row.street_name}（{row.district_name}）得分 {row.score:.1%} "
                 f"Rank {row.rank}, {row.street}")
        parts.append(render_section_html(Section("street", title, rules), threshold, level=3))
        parts.append(render_section_html(Section("street_gaps", "问题清单 Gaps", gaps, cap=15),
                                         threshold, level=4))
    return "\n".join(parts)


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
    emit_report(audit_report(result, dataset=source.name, by=by,
                             rules_file=str(rules_file) if rules_file else "默认规则 default rules",
                             threshold=None if fail_under is None else fail_under / 100),
                fmt, output)
    if fail_under is not None:
        low = below_threshold(result, fail_under)
        if len(low):
            listed = "、".join(f"{r.title_zh} {r.rule} {r.coverage:.1%}" for r in low.itertuples())
            say(f"低于 {fail_under:g}% 的规则 (rules below {fail_under:g}%): {listed}")
            raise SystemExit(1)
