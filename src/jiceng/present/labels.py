"""Labels people read: bilingual column headings, status values and kinds in Chinese.

People's formats (table, Markdown, HTML, the Excel ledger 台账) lead with Chinese: column
headings ``覆盖率 (coverage)`` from :data:`COLUMN_LABELS`, status values and kinds in Chinese
(:data:`VALUE_LABELS`, the schema's labels). Programs' formats (JSON, CSV) keep the codes.
"""

from __future__ import annotations

from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS
from jiceng.present.tiers import tier_label

__all__ = ["COLUMN_LABELS", "VALUE_LABELS", "STATUS_COLUMNS", "PERCENT_COLUMNS", "GRADED_COLUMNS",
           "POINTS_COLUMNS", "CHANGE_COLUMNS", "ID_COLUMNS", "SCORE_DEFINITION", "heading", "kind_label", "relabelled", "people_text"]

#: What 得分 means, said wherever a score is shown (docs/design.md §4).
SCORE_DEFINITION = ("得分 = 该街道（区县）内至少检查了一个对象的各条规则覆盖率的平均值，每条规则权重相同；"
                    "按得分排名，得分相同按编号。 Score = the mean, over the rules that check at least "
                    "one node in the street (district), of that rule's coverage there; every rule "
                    "weighs the same; ranked by score, ties by id.")

#: Chinese labels of column ids used in reports. Unknown ids are shown as they are.
COLUMN_LABELS: dict[str, str] = {
    "id": "编号",
    "name": "名称",
    "kind": "类型",
    "rule": "规则",
    "title": "标题",
    "title_zh": "规则名称",
    "title_en": "英文名称",
    "each": "检查对象",
    "checked": "检查数",
    "passing": "达标数",
    "failing": "未达标数",
    "coverage": "覆盖率",
    "count": "数量",
    "min": "最低要求",
    "street": "街道",
    "street_name": "街道名称",
    "district": "区县",
    "district_name": "区县名称",
    "rank": "排名",
    "rules": "适用规则数",
    "rules_failing": "未达标规则数",
    "score": "得分",
    "tier": "等级",
    "source": "起点",
    "source_name": "起点名称",
    "target": "终点",
    "target_name": "终点名称",
    "table": "表",
    "community": "社区",
    "community_name": "社区名称",
    "fails": "未达标项（数量/最低要求）",
    "communities": "社区数",
    "streets": "街道数",
    "units": "单位数",
    "unit": "单位",
    "unit_name": "单位名称",
    "households": "户数",
    "inflow": "资源流入单位数",
    "inflow_before": "之前流入单位数",
    "inflow_after": "之后流入单位数",
    "exclusive": "独有覆盖社区",
    "isolated": "孤立社区",
    "fragile": "脆弱社区",
    "isolated_share": "孤立占比",
    "fragile_share": "脆弱占比",
    "mean_inflow": "平均流入单位数",
    "deserts": "资源荒漠数",
    "ties": "共建关系数",
    "single_point": "单点依赖单位",
    "single_point_name": "单点依赖单位名称",
    "new_gaps": "新增缺口",
    "closed_gaps": "消除缺口",
    "component": "连通分量",
    "size": "规模",
    "hops": "跳数",
    "gini": "基尼系数",
    "status": "状态",
    "change": "变化",
    "before": "之前",
    "after": "之后",
    "delta": "变化量",
    "value": "值",
    "what": "项目",
    "article": "文章依据",
    "worst_rule": "最弱规则",
    # jiceng plan
    "unit_street": "单位所在街道",
    "unit_street_name": "单位所在街道名称",
    "target_kind": "目标类型",
    "target_street": "目标所在街道",
    "target_street_name": "目标所在街道名称",
    "kind_zh": "关系类型",
    "need": "需求",
    "need_zh": "需求说明",
    "scope": "范围",
    "scope_zh": "范围说明",
    "wanted": "需要数",
    "met": "已满足",
    "missing": "缺口",
    "unmet": "未满足",
    "reason": "原因",
    "remedy": "可满足的办法",
    "remedy_zh": "可满足的办法",
    "new_households": "新增覆盖户数",
    "measure": "指标",
    "measure_zh": "指标说明",
    "proposals": "拟建数",
    "pairings": "结对共建",
    "seats": "兼职委员",
    "worst_rule_title": "最弱规则名称",
    "worst_coverage": "最弱规则覆盖率",
    "seq": "序号",
    # jiceng merge
    "a": "甲",
    "a_name": "甲名称",
    "b": "乙",
    "b_name": "乙名称",
    "why": "原因",
    "why_zh": "原因说明",
    "decision": "结论",
    "file": "报送文件",
    "added": "新增",
    "changed": "修改",
    "removed": "删除",
    "nodes_added": "新增节点",
    "nodes_changed": "修改节点",
    "nodes_removed": "删除节点",
    "edges_added": "新增关系",
    "edges_removed": "删除关系",
    "nodes": "节点数",
    "attribute": "属性",
    "values": "各文件的值",
    "kept": "保留的值",
    "by": "依据",
    "by_zh": "合并依据",
    "copies": "来源行（文件:编号）",
    "table_zh": "表",
    # jiceng trend, and the streets of jiceng diff
    "snapshot": "期次",
    "date": "日期",
    "rank_change": "排名变化",
    "rank_change_total": "排名变化（较首期）",
    "score_delta": "得分变化",
    "delta_total": "变化（较首期）",
    "score_before": "之前得分",
    "score_after": "之后得分",
    "rank_before": "之前排名",
    "rank_after": "之后排名",
}

#: Status values shown to people in Chinese (the codes stay in JSON and CSV).
VALUE_LABELS: dict[str, str] = {
    "isolated": "孤立", "fragile": "脆弱", "desert": "资源荒漠", "ok": "正常", "linked": "正常",
    "pass": "达标", "fail": "未达标", "absent": "不存在", "added": "新增", "removed": "删除",
    "changed": "修改", "street": "本街道", "district": "跨街道", "connected": "正常",
}

#: Columns whose values are status codes (translated through VALUE_LABELS for people).
STATUS_COLUMNS = ("status", "before_status", "after_status", "change", "scope")
#: Columns holding fractions (shown as percentages).
PERCENT_COLUMNS = ("coverage", "score", "worst_coverage", "share")
#: Columns compared with the threshold (red in the ledger, coloured bars in HTML).
GRADED_COLUMNS = ("coverage", "score", "worst_coverage")
#: Changes of a percentage (differences of fractions): shown in 个百分点 (percentage points).
POINTS_COLUMNS = ("delta", "score_delta", "delta_total")
#: Changes people see coloured: up green, down red (a rank change counts places moved up).
CHANGE_COLUMNS = (*POINTS_COLUMNS, "rank_change", "rank_change_total")
#: Columns holding ids or codes: always text.
ID_COLUMNS = ("id", "source", "target", "street", "district", "community", "unit", "rule",
              "worst_rule", "single_point")


def heading(column: str) -> str:
    """A bilingual column heading: ``覆盖率 (coverage)``."""
    zh = COLUMN_LABELS.get(column)
    return f"{zh} ({column})" if zh else column


def kind_label(value: str) -> str:
    """A node or edge kind's Chinese label (other text as it is)."""
    kind = NODE_KINDS.get(value) or EDGE_KINDS.get(value)
    return kind.zh if kind is not None else value


def relabelled(column: str) -> bool:
    """Whether :func:`people_text` may show a cell of ``column`` otherwise than it is."""
    return (column in ("kind", "each", "what", "before", "after", "tier")
            or column.endswith("_kind") or column in STATUS_COLUMNS)


def people_text(column: str, text: str) -> str:
    """A text cell of ``column`` as people read it: kinds by their Chinese labels, status codes
    by :data:`VALUE_LABELS`, the attribute a diff names (``what``) by its heading, a score
    tier by its label (达标, 预警, 重点关注)."""
    if column in ("kind", "each") or column.endswith("_kind"):
        return "、".join(kind_label(k) for k in text.split(","))
    if column in STATUS_COLUMNS or (column in ("before", "after") and text in VALUE_LABELS):
        return VALUE_LABELS.get(text, text)
    if column == "what":
        return heading(text)
    if column == "tier":  # a score tier (docs/design.md §4.7)
        return tier_label(text)
    return text
