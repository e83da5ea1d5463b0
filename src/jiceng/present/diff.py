"""Two snapshots compared, as a report (``jiceng diff``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jiceng.present.labels import people_text
from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.queries.diff import DiffResult

__all__ = ["diff_report"]


def diff_report(result: DiffResult, *, what: str = "", cap: int = 20) -> Report:
    """The diff, summary first: rules and streets, then pass/fail changes, then the long lists
    (capped at ``cap`` rows in people's formats; complete in JSON, CSV and xlsx). ``what`` names
    the two snapshots in the title (``old/ → new/``).

    >>> from jiceng import diff, read_sample
    >>> graph = read_sample()
    >>> diff_report(diff(graph, graph), what="sample → sample").notes[0]
    '无变化 no change'
    """
    change = ("before", "after", "delta")
    titles = dict(zip(result.coverage["rule"], result.coverage["title_zh"]))

    def titled(frame: pd.DataFrame) -> pd.DataFrame:  # the rule's title beside its id
        return frame.assign(title_zh=frame["rule"].map(titles))[
            ["rule", "title_zh", *frame.columns.drop("rule")]]

    streets = titled(result.by_street)
    streets = streets.assign(_size=streets["delta"].abs().fillna(1.0)).sort_values(
        ["_size", "rule", "street"], ascending=[False, True, True], kind="stable").drop(
        columns="_size").reset_index(drop=True)
    return Report(
        title=f"变化对比 Changes: {what}",
        notes=[_counts(result), _POINTS_NOTE],
        sections=[
            Section("streets", "街道得分与排名变化 Street score and rank", result.streets,
                    people=_ranks_arrowed(result.streets),
                    percent=("score_before", "score_after", "score_delta"), sheet="街道得分"),
            Section("coverage", "规则覆盖率变化 Coverage per rule", result.coverage,
                    percent=change, sheet="规则变化"),
            Section("by_street", "街道覆盖率变化（变化最大在前）Coverage moved by street", streets,
                    percent=change, cap=cap, sheet="街道变化"),
            Section("status", "达标状态变化 Pass/fail changes", titled(result.status), cap=cap,
                    sheet="状态变化"),
            Section("nodes_added", "新增节点 Nodes added", result.nodes_added, cap=cap),
            Section("nodes_removed", "删除节点 Nodes removed", result.nodes_removed, cap=cap),
            Section("nodes_changed", "修改节点 Nodes changed", result.nodes_changed, cap=cap,
                    people=_kinds_labelled(result.nodes_changed)),
            Section("edges_added", "新增关系 Edges added", result.edges_added, cap=cap),
            Section("edges_removed", "删除关系 Edges removed", result.edges_removed, cap=cap),
        ],
        data=lambda: result.to_json(frames=True),
    )


_POINTS_NOTE = ("覆盖率与得分的变化以“个百分点”计，排名变化 ↑ 为上升、↓ 为下降（changes of a "
                "percentage are in percentage points; rank changes: ↑ up, ↓ down）")


def _ranks_arrowed(streets: pd.DataFrame) -> pd.DataFrame:
    """The streets as people read them: a rank change as ↑3 / ↓2."""
    from jiceng.present.trend import rank_change_text

    return streets.assign(rank_change=[rank_change_text(None if pd.isna(v) else v)
                                       for v in streets["rank_change"]])


def _counts(result: DiffResult) -> str:
    """The note under the title: how much changed, or that nothing did."""
    if result.unchanged:
        return "无变化 no change"
    n_changed = result.nodes_changed["id"].nunique() if len(result.nodes_changed) else 0
    return (f"节点 nodes 新增 +{len(result.nodes_added):,} 删除 −{len(result.nodes_removed):,} "
            f"修改 ~{n_changed:,} · 关系 edges 新增 +{int(result.edges_added['count'].sum()):,} "
            f"删除 −{int(result.edges_removed['count'].sum()):,} · 达标状态变化 pass/fail changes "
            f"{len(result.status):,}")


def _kinds_labelled(changed: pd.DataFrame) -> pd.DataFrame:
    """A diff's changed attributes with a changed kind's codes by their Chinese labels."""
    kinds = (changed["what"] == "kind").to_numpy(dtype=bool)
    if not kinds.any():
        return changed
    out = changed.copy()
    for column in ("before", "after"):
        values = np.array(out[column], dtype=object)
        values[kinds] = [people_text("kind", str(v)) for v in values[kinds]]
        out[column] = values
    return out
