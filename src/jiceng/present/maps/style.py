"""The look of the maps: what each colour, shape and border means, declared once.

A kind's colour and shape come from the schema (live tables: they follow kinds registered
there); the marks below are the maps' own: a community's status, its rules failed, a hop.
"""

from __future__ import annotations

from jiceng.graphmodel import EDGE_KINDS, NODE_KINDS
from jiceng.graphmodel.schema import kind_map
from jiceng.present.tiers import NO_SCORE, TIERS

__all__ = ["NODE_COLOURS", "NODE_SHAPES", "EDGE_STYLES", "PROPOSED", "HOP_COLOURS", "FAIL_COLOURS",
           "STATUS_SHAPES", "STATUS_TEXT", "DESERT_BORDER", "GAP_BORDER", "HEADING_SHAPE",
           "FONT", "TIER_FILLS", "CITY_FILL", "DISTRICT_FILL"]

NODE_COLOURS = kind_map(NODE_KINDS, lambda k: k.color)
NODE_SHAPES = kind_map(NODE_KINDS, lambda k: k.shape)
EDGE_STYLES = kind_map(EDGE_KINDS, lambda k: (  # colour, dashes
    k.color, list(k.dashes) if isinstance(k.dashes, tuple) else False))
PROPOSED = ("#d81b60", [3, 3])  # an edge a plan proposes (attribute status = proposed)
HOP_COLOURS = ["#d50000", "#ff6d00", "#ffd600", "#64dd17", "#00b8d4", "#2962ff", "#aa00ff"]
#: fill of a community by the number of community-level rules it fails (0, 1, 2, 3 or more)
FAIL_COLOURS = ["#c8e6c9", "#ffcc80", "#fb8c00", "#c62828"]
#: fill of a street's box by the tier of its score (docs/design.md §4.7; "" when it has none):
#: the tiers' own colours, as the ledger and the briefing fill them
TIER_FILLS = {code: tier.fill for code, tier in TIERS.items()} | {NO_SCORE.code: NO_SCORE.fill}
#: a community's shape when its status says more than its kind
STATUS_SHAPES = {"isolated": "diamond", "fragile": "triangle"}
DESERT_BORDER = "#6a1b9a"
GAP_BORDER = "#d50000"
#: a place that heads a block of the layout (the city, a district, the street of a street
#: map) is drawn as a box holding its name, whatever its kind's own shape
HEADING_SHAPE = "box"
#: the overview's city and district headings: greys, so that colour on the overview is the
#: streets' tiers and the communities' marks alone
CITY_FILL, DISTRICT_FILL = "#b0bec5", "#eceff1"
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"

#: every status a community can carry: key -> (中文, English)
STATUS_TEXT = {"isolated": ("孤立", "isolated: no co-building tie"),
               "fragile": ("脆弱", "fragile: one unit only"),
               "desert": ("资源荒漠", "resource desert: no unit reaches it")}
