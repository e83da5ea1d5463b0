"""The drawing of one map: vis-network nodes and edges, and the legend entries they use.

Every node and edge carries the keys of the styles it is drawn with, so the legend lists
exactly what is drawn and its entries hide and show what they describe.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import numpy as np

from jiceng.graphmodel import EDGE_KINDS, NODE_KINDS
from jiceng.graphmodel.schema import label
from jiceng.present.maps.facts import Facts
from jiceng.present.maps.style import (
    DESERT_BORDER,
    EDGE_STYLES,
    FAIL_COLOURS,
    FONT,
    NODE_COLOURS,
    NODE_SHAPES,
    PROPOSED,
    STATUS_SHAPES,
    STATUS_TEXT,
    TIER_FILLS,
)
from jiceng.present.tiers import NO_SCORE, TIER_CODES, TIERS, Tiers

__all__ = ["Canvas"]

_LEGEND_HEADS = {"tier": "街道得分等级 Street score tiers", "status": "社区状况 Community status",
                 "fails": "未达标社区规则 Community rules failed", "mark": "标记 Marks",
                 "kind": "节点 Nodes", "hop": "跳数 Hops", "edge": "关系 Edges"}


class Canvas:
    """Nodes, edges and the legend entries they use, collected for one page."""

    def __init__(self, facts: Facts):
        self.facts = facts
        self.nodes: list[dict] = []
        self.edges: list[dict] = []
        self.styles: dict[str, dict] = {}  # key -> legend entry, in order of first use
        self.hidden: set[str] = set()  # styles switched off when the page opens

    def style(self, key: str, group: str, zh: str, en: str, **swatch) -> str:
        if key not in self.styles:
            self.styles[key] = {"group": group, "zh": zh, "en": en, **swatch}
        return key

    def tier_style(self, code: str | None, tiers: Tiers) -> str:
        """The legend entry of a score tier (docs/design.md §4.7): its label and thresholds."""
        if code is None:
            return self.style("tier:none", "tier", NO_SCORE.zh, NO_SCORE.en + " (no rule checks "
                              "anything there)", colour=TIER_FILLS[NO_SCORE.code])
        tier = TIERS[code]
        return self.style(f"tier:{code}", "tier", f"{tier.zh} {tiers.range_text(code)}", tier.en,
                          colour=TIER_FILLS[code])

    def kind_style(self, kind: str, colour: str | None = None) -> str:
        k = NODE_KINDS[kind]
        return self.style(f"kind:{kind}", "kind", k.zh, k.en, colour=colour or NODE_COLOURS[kind])

    def fail_style(self, count: int) -> str:
        n = min(count, len(FAIL_COLOURS) - 1)
        zh = ("社区规则全部达标", "未达标 1 项社区规则", "未达标 2 项社区规则",
              f"未达标 {n} 项及以上社区规则")[n]
        en = ("passes every community rule", "fails 1 community rule", "fails 2 community rules",
              f"fails {n} or more community rules")[n]
        return self.style(f"fails:{n}", "fails", zh, en, colour=FAIL_COLOURS[n])

    def community_look(self, code: int) -> dict:
        """Shape, fill, border and styles of a community: status first, then rules failed.

        ``marked`` says whether the shape is a status's rather than the kind's own.
        """
        facts = self.facts
        node_id = str(facts.ids[code])
        status = facts.status.get(node_id, [])
        styles = [self.fail_style(facts.community_fails.get(node_id, 0))]
        shape, border, width = NODE_SHAPES["community_party"], "#555555", 1.0
        marked = False
        for s, symbol in (("isolated", "◆"), ("fragile", "▲")):
            if s in status:
                shape, marked = STATUS_SHAPES[s], True
                styles.append(self.style(f"status:{s}", "status", *STATUS_TEXT[s], symbol=symbol,
                                         colour="#333333"))
                break
        if "desert" in status:
            border, width = DESERT_BORDER, 4.0
            styles.append(self.style("status:desert", "status", *STATUS_TEXT["desert"],
                                     border=DESERT_BORDER))
        fill = self.styles[styles[0]]["colour"]
        return {"shape": shape, "marked": marked, "fill": fill, "border": border,
                "border_width": width, "styles": styles, "problem": facts.is_problem(node_id)}

    def add_node(self, code: int, *, x: float, y: float, label: str | None = None,
                 shape: str | None = None, size: float = 10, fill: str, styles: list[str],
                 border: str = "#555555", border_width: float = 1, font_size: float = 14,
                 problem: bool = False, anchor: bool = False, extra: Iterable[str] = (),
                 node_id: str | None = None, info: dict | None = None,
                 kind: str | None = None) -> None:
        """Draw graph node ``code`` (or, with ``node_id``, ``info`` and ``kind``, a node that
        stands for others). Its shape is its kind's, from the schema, unless given."""
        facts = self.facts
        info = info if info is not None else facts.info(code, extra)
        tip = [info["name"], f"{info['kind']} · {info['id']}"]
        if info.get("place"):
            tip.append(info["place"])
        tip += info["status"] + [f"未达标 fails: {t}" for t in info["fails"]] + info["extra"]
        kind = kind if kind is not None else str(facts.kinds[code])
        node = {"id": node_id or info["id"], "label": label if label is not None else "",
                "x": round(x, 1), "y": round(y, 1),
                "shape": shape if shape is not None else NODE_SHAPES[kind], "size": size,
                "color": {"background": fill, "border": border,
                          "highlight": {"background": fill, "border": "#000000"}},
                "borderWidth": border_width,
                "font": {"size": font_size, "face": FONT},
                "kind": kind, "styles": styles, "info": info, "tip": "\n".join(tip),
                "problem": problem, "anchor": anchor}
        self.nodes.append(node)

    def add_edge(self, source: str, target: str, kind: str, *, proposed: bool = False,
                 width: float = 1, opacity: float = 1.0) -> None:
        colour, dashes = EDGE_STYLES[kind]
        k = EDGE_KINDS[kind]
        styles = [self.style(f"edge:{kind}", "edge", k.zh, k.en, colour=colour,
                             dashes=bool(dashes))]
        tip = label(kind)
        if proposed:
            colour, dashes = PROPOSED
            styles.append(self.style("proposed", "edge", "拟建", "proposed (a plan's proposal)",
                                     colour=colour, dashes=True))
            tip = f"拟建 proposed · {tip}"
        self.edges.append({"from": source, "to": target, "dashes": dashes,
                           "color": {"color": colour, "highlight": colour, "hover": colour,
                                     "opacity": 1.0 if proposed else opacity},
                           "width": width, "kind": kind, "styles": styles, "tip": tip,
                           "hidden": any(s in self.hidden for s in styles)})

    def add_graph_edges(self, chosen: dict[int, str], kinds: Iterable[str] | None = None,
                        width: float = 1, opacity: float = 1.0) -> None:
        """Every edge of ``kinds`` between drawn nodes (``chosen``: code -> node id on the page)."""
        graph = self.facts.graph
        src, dst, edge_kind = graph.edge_arrays
        names = list(EDGE_KINDS)
        wanted = [names.index(k) for k in (kinds if kinds is not None else names)]
        codes = np.fromiter(chosen, dtype=np.int64, count=len(chosen))
        mask = np.isin(src, codes) & np.isin(dst, codes) & np.isin(edge_kind, wanted)
        status = (graph.edges["status"].astype(str).to_numpy(dtype=object)
                  if "status" in graph.edges.columns else None)
        seen = set()
        for position in np.flatnonzero(mask).tolist():
            s, t, k = int(src[position]), int(dst[position]), names[int(edge_kind[position])]
            proposed = status is not None and status[position] == "proposed"
            if (s, t, k, proposed) in seen:
                continue
            seen.add((s, t, k, proposed))
            self.add_edge(chosen[s], chosen[t], k, proposed=proposed, width=width,
                          opacity=opacity)

    def legend(self) -> str:
        """The legend as HTML: one toggling row per style drawn, grouped, every text escaped."""
        parts = []
        for group in ("tier", "status", "fails", "mark", "kind", "hop", "edge"):
            rows = [(k, s) for k, s in self.styles.items() if s["group"] == group]
            if group in ("fails", "hop"):
                rows.sort()
            elif group == "tier":  # best first, then the places without a score
                order = {f"tier:{code}": i for i, code in enumerate(TIER_CODES)}
                rows.sort(key=lambda row: order.get(row[0], len(order)))
            elif group in ("kind", "edge"):  # the schema's order, whatever was drawn first
                order = {f"{group}:{kind}": i for i, kind in
                         enumerate(NODE_KINDS if group == "kind" else EDGE_KINDS)}
                rows.sort(key=lambda row: order.get(row[0], len(order)))
            if not rows:
                continue
            parts.append(f"<h2>{html.escape(_LEGEND_HEADS[group])}</h2>")
            parts.extend(self._legend_row(key, s, group) for key, s in rows)
        return "\n".join(parts)

    def _legend_row(self, key: str, s: dict, group: str) -> str:
        e = html.escape
        if group == "edge":
            line = "dashed" if s.get("dashes") else "solid"
            swatch = f'<span class="line" style="border-top:3px {line} {s["colour"]}"></span>'
        elif "symbol" in s:
            swatch = (f'<span class="symbol" style="color:{s.get("colour", "#333")}">'
                      f'{e(s["symbol"])}</span>')
        elif "border" in s:
            swatch = (f'<span class="swatch" style="background:#fff;border:3px solid '
                      f'{s["border"]}"></span>')
        else:
            swatch = f'<span class="swatch" style="background:{s["colour"]}"></span>'
        colour = s.get("colour", s.get("border", ""))
        off = " off" if key in self.hidden else ""
        return (f'<div class="row toggle{off}" data-style="{e(key)}" '
                f'data-colour="{e(colour)}" title="点击隐藏/显示 click to hide/show">'
                f'{swatch}<span>{e(s["zh"])} {e(s["en"])}</span></div>')
