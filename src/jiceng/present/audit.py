"""The coverage audit as a report: the ledger (台账) and the briefing of ``jiceng audit``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jiceng.present.formats.html import render_section_html
from jiceng.present.labels import SCORE_DEFINITION
from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.present.tiers import DEFAULT_TIERS, Tiers
from jiceng.queries.coverage import AuditResult
from jiceng.queries.rules import default_rules

__all__ = ["audit_report", "below_threshold", "summary_section", "DEFAULT_RULES"]

#: How the meta line names the rules when they are the article's default set.
DEFAULT_RULES = "默认规则 default rules"

#: The head of the gap list shown on screen (the rest: --format xlsx), and its columns.
_GAPS_ON_SCREEN = 20
_GAPS_SCREEN = ["title_zh", "id", "name", "kind", "count", "min", "community_name", "street_name"]

_SUMMARY_COLUMNS = ["rule", "title_zh", "title_en", "each", "min", "checked", "passing", "failing",
                    "coverage"]


def audit_report(result: AuditResult, *, dataset: str = "", by: str = "district",
                 rules_file: str | None = None, threshold: float | None = None,
                 tiers: Tiers = DEFAULT_TIERS) -> Report:
    """The audit as a report: summary, the ranking by 得分, roll-ups and the list of gaps.

    ``by`` (``district`` or ``street``) chooses the ranking shown on screen and printed as CSV;
    ``rules_file`` names the rules in the title block (default: :data:`DEFAULT_RULES` when the
    result's rules are the default set); ``threshold`` is a fraction (``--fail-under`` / 100):
    below it coverage is marked red; ``tiers`` give each street and district its tier (等级,
    docs/design.md §4.7), a column of the rankings and a key ``tier`` of the JSON.

    >>> from jiceng import audit, read_sample
    >>> report = audit_report(audit(read_sample()), dataset="sample", by="street")
    >>> report.main, report.rules_file
    ('ranking', '默认规则 default rules')
    """
    titles = {r.id: r.title_zh for r in result.rules}
    report = Report(title="党建引领基层治理覆盖审计 Coverage audit",
                    sections=_sections(result, titles, by, tiers),
                    data=lambda: _tiered_json(result.to_json(by), tiers), dataset=dataset,
                    notes=_notes(result) + [tiers.legend()], tiers=tiers,
                    rules_file=_rules_named(result) if rules_file is None else rules_file,
                    definitions=[SCORE_DEFINITION], main="ranking" if by == "street" else "summary")
    if threshold is not None:
        report.threshold = threshold
    report.extra_html = lambda: _weakest_streets_html(result, titles, report.threshold)
    return report


def _rules_named(result: AuditResult) -> str:
    return DEFAULT_RULES if list(result.rules) == default_rules() else ""


def _notes(result: AuditResult) -> list[str]:
    if not len(result.ranking):
        return []
    top = result.ranking.head(5)["street_name"].tolist()
    bottom = result.ranking.tail(5)["street_name"].tolist()[::-1]
    return [f"得分前五 Top five streets: {'、'.join(top)}",
            f"得分后五 Bottom five streets: {'、'.join(bottom)}"]


def _tiered_json(data: dict, tiers: Tiers) -> dict:
    """The audit's JSON with the tier code of each street and district (docs/design.md §6:
    a key added)."""
    for key in ("streets", "districts"):
        for place in data.get(key, []):
            place["tier"] = tiers.of(place["score"])
    return data


def _with_tiers(frame: pd.DataFrame, tiers: Tiers) -> pd.DataFrame:
    """A ranking with the tier code of each place beside its score."""
    if "score" not in frame.columns:
        return frame
    out = frame.copy()
    out.insert(list(out.columns).index("score") + 1, "tier", tiers.codes(out["score"]))
    return out


def _sections(result: AuditResult, titles: dict[str, str], by: str,
              tiers: Tiers = DEFAULT_TIERS) -> list[Section]:
    streets = _with_tiers(_with_titles(result.ranking, titles), tiers)
    districts = _with_tiers(_with_titles(result.district_ranking, titles), tiers)
    ranking_screen = ["rank", "street_name", "district_name", "score", "tier", "worst_rule_title",
                      "worst_coverage", "rules_failing", "failing"]
    return [
        summary_section(result),
        Section("ranking", "街道排行榜（按得分）Street ranking by score", streets, sheet="排行榜",
                screen=by == "street", cap=1000,
                screen_columns=ranking_screen),
        Section("districts", "区县排行（按得分）Districts by score", districts, sheet="分区县",
                screen=by == "district",
                screen_columns=["rank", "district_name", "score", "tier", "worst_rule_title",
                                "worst_coverage", "rules_failing", "failing"]),
        Section("by_street", "分街道分规则 Coverage by street and rule",
                _with_titles(result.by_street, titles, "rule"), sheet="分街道", screen=False,
                html=False),
        Section("by_district", "分区县分规则 Coverage by district and rule",
                _with_titles(result.by_district, titles, "rule"), sheet="分区县分规则",
                screen=False, html=False),
        Section("gaps", "问题清单 Gaps (every failing node)",
                _with_titles(result.gaps, titles, "rule"), sheet="问题清单", html=False,
                cap=_GAPS_ON_SCREEN, screen_columns=_GAPS_SCREEN),
    ]


def summary_section(result: AuditResult) -> Section:
    """The audit's first section: each rule's checks, failures and coverage (a street's or
    district's own when ``result`` is restricted to it, as the site's pages show it)."""
    return Section("summary", "覆盖审计汇总 Coverage by rule", result.summary[_SUMMARY_COLUMNS],
                   sheet="汇总", screen_columns=["rule", "title_zh", "checked", "failing",
                                                 "coverage"])


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
