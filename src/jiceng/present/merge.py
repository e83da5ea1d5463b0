"""The merge report (``jiceng merge``): what each street's file changed, what was matched, what
a person must settle (docs/design.md §8).

The 合并核对 sheet of the xlsx report lists each pair of close names with an empty 结论 column;
filled in with 同一 or 不同, the workbook itself is the decisions file of the next run
(``jiceng merge ... --decisions 合并报告.xlsx``; :func:`jiceng.loaders.decisions.read_decisions`
finds the header below the title block).
"""

from __future__ import annotations

from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.queries.merge import MergeResult

__all__ = ["merge_report", "REVIEW_SHEET"]

#: The sheet a person works through; :func:`jiceng.loaders.decisions.read_decisions` reads it.
REVIEW_SHEET = "合并核对"

_WHY = {"contains": "一个名称包含另一个 one name contains the other",
        "edit": "名称相差一两个字 the names differ in one or two characters"}
_BY = {"uscc": "统一社会信用代码相同 same uscc", "name": "类型和名称相同 same kind and name",
       "decision": "人工核对为同一 decided the same"}
_TABLE = {"node": "节点", "edge": "关系"}


def merge_report(result: MergeResult, *, dataset: str = "", cap: int = 30) -> Report:
    """The merge as a report: each submission's counts first, the streets that sent nothing,
    the pairs to review (合并核对, with an empty 结论 to fill in), the conflicts, the nodes
    matched and every change line (capped at ``cap`` rows on screen, complete in JSON, CSV and
    xlsx).

    >>> from jiceng.loaders.synthetic import generate
    >>> from jiceng.queries.merge import merge
    >>> city, _ = generate(seed=3, scale=0.02)
    >>> report = merge_report(merge(city, []))
    >>> report.notes[0].startswith("报送 0 份")
    True
    """
    review = result.review.assign(
        why_zh=result.review["why"].map(_WHY), decision="")[
        ["a", "a_name", "b", "b_name", "kind", "why", "why_zh", "decision"]]
    conflicts = result.conflicts.assign(
        values=result.conflicts["values"].map(lambda v: " | ".join(map(str, v))))
    matched = result.matched.assign(by_zh=result.matched["by"].map(_BY),
                                    copies=result.matched["copies"].map(" | ".join))
    changes = result.changes.assign(table_zh=result.changes["table"].map(_TABLE))
    sections = [
        Section("submissions", "各街道报送 Submissions", result.submissions),
        Section("unsent", "未报送的街道（保留原有数据）Streets that sent nothing: their part kept",
                result.unsent, cap=cap, sheet="未报送街道"),
        Section("review", "合并核对：名称相近，未合并，请填写结论（同一 或 不同）Close names, not "
                "merged: fill in 结论", review, sheet=REVIEW_SHEET, cap=cap),
        Section("conflicts", "属性冲突 Conflicts (the value kept and why)", conflicts, cap=cap,
                sheet="属性冲突"),
        Section("matched", "合并为同一节点 Matched across files", matched, cap=cap, screen=False,
                sheet="合并节点"),
        Section("changes", "变更明细 Every change", changes[
            ["file", "street", "street_name", "table", "table_zh", "change", "id", "kind", "name",
             "source", "target", "attribute", "before", "after", "count"]],
            cap=cap, screen=False, sheet="变更明细"),
    ]
    if len(result.decided):
        sections.append(Section("decided", "已核对 Settled by the decisions file", result.decided,
                                screen=False, sheet="已核对"))
    return Report(title="合并 Merge", dataset=dataset, notes=[_summary(result)],
                  sections=sections, main="submissions", data=result.to_json)


def _summary(result: MergeResult) -> str:
    s = result.submissions
    return (f"报送 {len(s)} 份 submissions · 新增 added {int(s['added'].sum()):,} · 修改 changed "
            f"{int(s['changed'].sum()):,} · 删除 removed {int(s['removed'].sum()):,} · 待核对 to "
            f"review {len(result.review):,} · 冲突 conflicts {len(result.conflicts):,} · 未报送街道 "
            f"streets that sent nothing {len(result.unsent):,}（保留原有数据 their part kept）")
