"""What the template workbook tells the person filling it in (:mod:`jiceng.loaders.template`):
each column's note (中文, then English on a second line) and the lines of its 说明 sheet."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["COLUMN_NOTES", "about_lines"]

#: What each column holds: shown as a comment on its heading and in the 说明 sheet.
COLUMN_NOTES = {
    "id": "编号，必填，全表唯一；按文本保存，007 仍是 007。已有编号请勿改动。\n"
          "Id, required, unique; kept as text. Do not change an existing id.",
    "kind": "类型，必填，从下拉列表选择中文名称（见“类型”表；英文代码如 community_party 也可）。\n"
            "Kind, required: pick the Chinese label (sheet 类型); the code is read too.",
    "name": "名称，必填，写全称；同一街道内同类组织不要重名（关系表可用名称指代它）。\n"
            "Name, required, in full; unique per kind within the street (edges may use it).",
    "households": "户数（整数 ≥ 0），社区、网格、楼栋填写。\nHouseholds (whole number ≥ 0).",
    "population": "人口（整数 ≥ 0）。\nPopulation (whole number ≥ 0).",
    "members": "党员人数（整数 ≥ 0）；在关系表中为“在职党员报到”的报到人数。\n"
               "Party members (whole number ≥ 0); on edges: members reporting (reports_to).",
    "workers": "社区工作者人数（整数 ≥ 0），社区党组织填写。\nCommunity workers (whole number ≥ 0).",
    "uscc": "统一社会信用代码，18 位，单位、物业服务企业、社会组织填写；校验位会被核对。"
            "城市据此识别各街道表中的同一组织。\n"
            "Unified social credit code (18 characters, check character verified), for units, "
            "property companies and social organizations.",
    "type": "服务阵地类型，仅服务阵地填写：从下拉列表选（红色驿站、司机之家、党群服务中心），代码也可。\n"
            "Service station type (service_station only): pick the label; the code is read too.",
    "title": "职务（如街道领导干部的职务）。\nTitle (e.g. of a cadre).",
    "firm": "所在单位（如法律顾问的律师事务所）。\nFirm (e.g. of a legal adviser).",
    "source": "起点：节点表中的编号，或从下拉列表选名称（名称须在本表中唯一，否则填编号）。\n"
              "Source: an id of sheet 节点, or a name picked from the list (unique in the file).",
    "target": "终点：节点表中的编号，或从下拉列表选名称（名称须在本表中唯一，否则填编号）。\n"
              "Target: an id of sheet 节点, or a name picked from the list (unique in the file).",
    "person": "人员姓名：兼职委员、双向进入各一人一行。\n"
              "Person: one row per part-time member or dual-entry appointment.",
    "role": "担任的职务，用于双向进入、兼职委员（如 居委会主任）。\nRole, for dual_entry and part_time.",
    "contents": "共建内容，用于结对共建。\nWhat the pairing covers (pairs_with).",
    "since": "开始时间，用于结对共建（如 2021-06）。\nSince when (pairs_with), e.g. 2021-06.",
}


def about_lines(example: bool, *, street: str, city: str, counts: tuple[int, int, int],
                sheets: Mapping[str, str], mark: str) -> tuple[str, list[str]]:
    """The title and the lines of the 说明 sheet: the empty template's (``example``) or a
    street's part's; ``counts`` are its nodes, edges and nodes of other places."""
    nodes, edges, kinds = sheets["nodes"], sheets["edges"], sheets["kinds"]
    if example:
        title = "基层党建组织网络 数据表 填表说明"
        first = [f"1. 本工作簿的“{nodes}”“{edges}”两张表是数据，“{kinds}”表列出全部节点和关系类型。",
                 f"2. 名称以“{mark}”结尾的行是示例，请参照填写后删除；"
                 "jiceng validate 会提示未删除的示例行。"]
    else:
        title = f"{street} 数据表 填表说明（取自 {city}）"
        first = [f"1. 本表是 {city} 中 {street} 的部分：{counts[0]:,} 个节点、{counts[1]:,} 条关系，"
                 "编号都是全市编号，请勿改动。",
                 f"2. 灰底斜体的 {counts[2]:,} 行是与本街道有关系的其他街道（或区、市级）的组织，"
                 "由其所属单位维护，请勿修改或删除；鼠标停在编号上可见它属于哪里。"
                 "只需修改、增删本街道的行和关系。"]
    return title, first + [
        f"3. “{nodes}”表每个组织、网格、楼栋、单位等占一行；编号全表唯一，新增的行可自编编号"
        "（如 本街道简称-序号）。",
        f"4. “{edges}”表每条关系占一行；起点、终点填编号，或从下拉列表选名称"
        "（名称须在本表中唯一，否则填编号）。",
        "5. 类型、关系两列从下拉列表选中文名称；表头可用中文，也可用英文代码（id、kind、name 等）。",
        "6. 填好后运行 jiceng validate 本文件.xlsx 检查：每个问题写明工作表、行号和列；"
        "警告（示例行、同一街道内同类组织重名）不影响报送，但请核对。",
        "7. 报送后，市里用 jiceng merge 合并各街道的表，再把结果（jiceng audit --street）发回街道。",
        "",
        "Sheets 节点 (nodes) and 关系 (edges) hold the data; 类型 lists every kind. Check the file "
        "with `jiceng validate FILE.xlsx`.",
    ]
