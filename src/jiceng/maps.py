"""Interactive HTML network maps that work offline: overview, street and reach.

Each map answers a planner's question first, "where is it thin, and what is wrong
there?": communities are marked by their status (孤立 isolated, 脆弱 fragile, 资源荒漠
resource desert) and by how many community-level rules they fail; streets carry their
rank and score (得分, DESIGN §4). Every page has a search box (id or part of a Chinese
name), a legend whose entries hide and show what they describe (and list exactly the
styles drawn), a side panel for the clicked node, neighbour highlight and a
"只看问题 problems only" switch.

The page is one self-contained file: vis-network (shipped in ``jiceng/assets``) and
the styles are inlined, nothing is loaded from the network, every name is passed as
JSON data and shown with ``textContent`` (never parsed as HTML), and the file is UTF-8
whatever the system's locale. Positions are computed in Python (deterministic block
layouts, no physics), so maps of thousands of nodes draw at once.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from jiceng.graphmodel import EDGE_KINDS, NODE_KINDS, JicengError, OrgGraph
from jiceng.graphmodel.schema import CO_BUILDING_KINDS, kind_map, label
from jiceng.loaders.atomic import write_text_atomic
from jiceng.queries.coverage import AuditResult, audit
from jiceng.queries.isolation import IsolationResult, isolation
from jiceng.queries.reach import ReachResult, reach, reach_from

__all__ = ["NetworkMap", "overview_map", "street_map", "reach_map", "wrap", "street_scores"]

# live tables: they follow kinds registered in the schema
NODE_COLOURS = kind_map(NODE_KINDS, lambda k: k.color)
EDGE_STYLES = kind_map(EDGE_KINDS, lambda k: (  # colour, dashes
    k.color, list(k.dashes) if isinstance(k.dashes, tuple) else False))
PROPOSED = ("#d81b60", [3, 3])  # an edge a plan proposes (attribute status = proposed)
HOP_COLOURS = ["#d50000", "#ff6d00", "#ffd600", "#64dd17", "#00b8d4", "#2962ff", "#aa00ff"]
#: fill of a community by the number of community-level rules it fails (0, 1, 2, 3 or more)
FAIL_COLOURS = ["#c8e6c9", "#ffcc80", "#fb8c00", "#c62828"]
STATUS_SHAPES = {"isolated": "diamond", "fragile": "triangle"}
DESERT_BORDER = "#6a1b9a"
GAP_BORDER = "#d50000"
MAX_OVERVIEW_COMMUNITIES = 1500
WRAP = 8  # characters per line of a label
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"

#: every style a node or edge can carry: key -> (legend swatch, 中文, English)
STATUS_TEXT = {"isolated": ("孤立", "isolated: no co-building tie"),
               "fragile": ("脆弱", "fragile: one unit only"),
               "desert": ("资源荒漠", "resource desert: no unit reaches it")}


@dataclass
class NetworkMap:
    """A finished map: the self-contained HTML page and what it shows."""

    html: str
    title: str
    n_nodes: int
    n_edges: int

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page atomically, in UTF-8."""
        write_text_atomic(path, self.html, encoding="utf-8")
        return Path(path)

    def _repr_html_(self) -> str:
        """Inline display in Jupyter (and VS Code): the page itself in an iframe's srcdoc."""
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                'style="width:100%;height:720px;border:1px solid #ddd"></iframe>')


# ------------------------------------------------------------------ helpers
def wrap(text: str, width: int = WRAP) -> str:
    """Break a long (Chinese) name into lines of ``width`` characters.

    >>> wrap("观山湖区金阳街道碧海社区党委", 6)
    '观山湖区金阳\\n街道碧海社区\\n党委'
    """
    text = str(text)
    return "\n".join(text[i: i + width] for i in range(0, len(text), width)) or text


_SUFFIXES = re.compile(r"(社区党总支|社区党委|社区党支部|社区党组织|街道党工委|党工委|党总支|党委|党支部)$")


def short_name(name: str, street_name: str = "") -> str:
    """A community's or street's name without its street prefix and Party suffix, for labels.

    >>> short_name("中华北路街道翠安桥社区党总支", "中华北路街道党工委")
    '翠安桥'
    >>> short_name("中华北路街道党工委")
    '中华北路'
    """
    name = str(name)
    prefix = re.sub(r"(党工委|党委)$", "", str(street_name))
    if prefix and name.startswith(prefix) and len(name) > len(prefix) + 2:
        name = name[len(prefix):]
    return _SUFFIXES.sub("", name) or name


def street_scores(result: AuditResult) -> pd.DataFrame:
    """Rank and score (得分) of every street: the mean, over the rules that check at least
    one node in the street, of that rule's coverage there (DESIGN §4), from the audit's
    ranking. Returns ``street, rank, score, rules_failing``.

    >>> from jiceng.loaders import read_sample
    >>> table = street_scores(audit(read_sample()))
    >>> int(table["rank"].min()), bool(table["score"].between(0, 1).all())
    (1, True)
    """
    return result.ranking[["street", "rank", "score", "rules_failing"]].reset_index(drop=True)


@lru_cache(maxsize=1)
def _vis_script() -> str:
    text = (files("jiceng") / "assets" / "vis-network.min.js").read_text(encoding="utf-8")
    # no source map to fetch; and nothing in the script may close the <script> element
    text = re.sub(r"//[#@] sourceMappingURL=\S+", "", text)
    return text.replace("</script", "<\\/script")


def _json_for_script(value) -> str:
    """JSON that cannot end the <script> element it sits in, whatever the names contain."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _radial_positions(parent: dict[int, int | None], order: list[int], scale: float = 110.0,
                      spacing: float = 46.0) -> dict[int, tuple[float, float]]:
    """A radial tree layout: each subtree gets an angle range in proportion to its leaves,
    and each ring is wide enough for the nodes on it (``spacing`` apart)."""
    children: dict[int | None, list[int]] = {}
    for node in order:
        children.setdefault(parent.get(node), []).append(node)
    roots = children.get(None, [])
    depth: dict[int, int] = {}
    walk = [(r, 0 if len(roots) == 1 else 1) for r in roots]
    post: list[int] = []
    while walk:
        node, d = walk.pop()
        depth[node] = d
        post.append(node)
        walk.extend((c, d + 1) for c in children.get(node, []))
    leaves: dict[int, int] = {}
    for node in reversed(post):
        leaves[node] = max(1, sum(leaves[c] for c in children.get(node, [])))
    per_depth = np.bincount(list(depth.values())) if depth else np.zeros(1, int)
    radius = [0.0]
    for d in range(1, len(per_depth)):
        radius.append(max(radius[-1] + scale, per_depth[d] * spacing / (2 * math.pi)))
    total = sum(leaves[r] for r in roots) or 1
    positions: dict[int, tuple[float, float]] = {}
    stack = []
    start = 0.0
    for root in roots:
        span = 2 * math.pi * leaves[root] / total
        stack.append((root, start, start + span))
        start += span
    while stack:
        node, a, b = stack.pop()
        angle = (a + b) / 2
        r = radius[depth[node]]
        positions[node] = (r * math.cos(angle), r * math.sin(angle))
        inner = a
        for kid in children.get(node, []):
            span = (b - a) * leaves[kid] / leaves[node]
            stack.append((kid, inner, inner + span))
            inner += span
    return positions


def _pack(sizes: list[tuple[float, float]], width: float, gap: float = 30.0
          ) -> tuple[list[tuple[float, float]], float, float]:
    """Shelf packing: place boxes left to right in rows no wider than ``width``.
    Returns the top-left corner of each box and the total width and height."""
    corners, x, y, row_height, total_width = [], 0.0, 0.0, 0.0, 0.0
    for w, h in sizes:
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        corners.append((x, y))
        x += w + gap
        row_height = max(row_height, h)
        total_width = max(total_width, x - gap)
    return corners, total_width, y + row_height


def _pack_to_aspect(sizes: list[tuple[float, float]], aspect: float, gap: float = 30.0
                    ) -> tuple[list[tuple[float, float]], float, float]:
    """Shelf packing whose width is chosen so the whole is about ``aspect`` wide per high."""
    area = sum((w + gap) * (h + gap) for w, h in sizes)
    widest = max((w for w, _ in sizes), default=0.0)
    best = None
    for factor in (0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6):
        width = max(widest, math.sqrt(area * aspect) * factor)
        corners, w, h = _pack(sizes, width, gap)
        score = abs(math.log(max(w, 1) / max(h, 1) / aspect)) + 0.3 * math.log(max(w * h, 1) / area)
        if best is None or score < best[0]:
            best = (score, corners, w, h)
    assert best is not None
    return best[1], best[2], best[3]


class _Facts:
    """What is wrong where, computed once per map: gaps, statuses, ties, reach, places."""

    def __init__(self, graph: OrgGraph, audit_result: AuditResult | None,
                 isolation_result: IsolationResult | None, reach_result: ReachResult | None):
        self.graph = graph
        self.audit = audit_result if audit_result is not None else audit(graph)
        self.isolation = isolation_result if isolation_result is not None else isolation(graph)
        self.reach = reach_result if reach_result is not None else reach(graph)
        titles = {r.id: r.title_zh for r in self.audit.rules}
        community_rules = {r.id for r in self.audit.rules if "community_party" in r.each}
        self.fails: dict[str, list[str]] = {}
        self.community_fails: dict[str, int] = {}
        for rule, node in zip(self.audit.gaps["rule"], self.audit.gaps["id"]):
            self.fails.setdefault(node, []).append(titles[rule])
            if rule in community_rules:
                self.community_fails[node] = self.community_fails.get(node, 0) + 1
        self.status: dict[str, list[str]] = {}
        for community in self.isolation.isolated:
            self.status.setdefault(community, []).append("isolated")
        for community in self.isolation.fragile:
            self.status.setdefault(community, []).append("fragile")
        for community in self.reach.deserts:
            self.status.setdefault(community, []).append("desert")
        self.single_points = self.isolation.single_points
        ids = graph.nodes["id"].to_numpy(dtype=object)
        self.ids = ids
        self.names = graph.nodes["name"].to_numpy(dtype=object)
        self.kinds = graph.nodes["kind"].astype(str).to_numpy(dtype=object)
        self.households = (graph.nodes["households"].to_numpy(dtype=float, na_value=np.nan)
                           if "households" in graph.nodes.columns else np.full(graph.n_nodes, np.nan))
        src, dst, kinds = graph.edge_arrays
        co = np.concatenate([graph.edge_positions(k) for k in CO_BUILDING_KINDS])
        self.ties: dict[int, set[int]] = {}
        for s, t in zip(src[co].tolist(), dst[co].tolist()):
            self.ties.setdefault(t, set()).add(s)
        inflow = self.reach.communities
        self.inflow = dict(zip(inflow["id"], inflow["inflow"]))
        places = graph.places
        self.place = {level: places[level].to_numpy() for level in ("district", "street",
                                                                    "community")}

    def is_problem(self, node_id: str) -> bool:
        return bool(self.status.get(node_id)) or node_id in self.fails

    def info(self, code: int, extra: Iterable[str] = ()) -> dict:
        """The side panel's facts about one node (all plain text)."""
        node_id = str(self.ids[code])
        kind = NODE_KINDS[self.kinds[code]]
        place = []
        for level in ("district", "street", "community"):
            at = int(self.place[level][code])
            if at >= 0 and at != code:
                place.append(str(self.names[at]))
        info: dict = {"id": node_id, "name": str(self.names[code]), "kind": f"{kind.zh} {kind.en}",
                      "place": " · ".join(place)}
        if not math.isnan(self.households[code]):
            info["households"] = int(self.households[code])
        info["fails"] = self.fails.get(node_id, [])
        info["status"] = [f"{STATUS_TEXT[s][0]} {STATUS_TEXT[s][1]}"
                          for s in self.status.get(node_id, [])]
        single = self.isolation.communities
        if node_id in self.status and "fragile" in self.status[node_id]:
            unit = single.loc[single["id"] == node_id, "single_point"]
            if len(unit) and isinstance(unit.iat[0], str):
                info["status"].append(f"单点依赖 single point: {unit.iat[0]} "
                                      f"{self.names[self.graph.code(unit.iat[0])]}")
        if node_id in self.single_points:
            info["only_tie"] = [f"{c} {self.names[self.graph.code(c)]}"
                                for c in self.single_points[node_id]]
        if code in self.ties:
            info["ties"] = [f"{self.ids[u]} {self.names[u]}" for u in sorted(self.ties[code])]
        if node_id in self.inflow:
            info["inflow"] = int(self.inflow[node_id])
        info["extra"] = list(extra)
        return info


class _Canvas:
    """Nodes, edges and the legend entries they use, collected for one page."""

    def __init__(self, facts: _Facts):
        self.facts = facts
        self.nodes: list[dict] = []
        self.edges: list[dict] = []
        self.styles: dict[str, dict] = {}  # key -> legend entry, in order of first use
        self.hidden: set[str] = set()  # styles switched off when the page opens

    def style(self, key: str, group: str, zh: str, en: str, **swatch) -> str:
        if key not in self.styles:
            self.styles[key] = {"group": group, "zh": zh, "en": en, **swatch}
        return key

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

    def add_node(self, code: int, *, x: float, y: float, label: str | None = None,
                 shape: str = "dot", size: float = 10, fill: str, styles: list[str],
                 border: str = "#555555", border_width: float = 1, font_size: float = 14,
                 problem: bool = False, anchor: bool = False, extra: Iterable[str] = (),
                 node_id: str | None = None, info: dict | None = None) -> None:
        facts = self.facts
        info = info if info is not None else facts.info(code, extra)
        tip = [info["name"], f"{info['kind']} · {info['id']}"]
        if info.get("place"):
            tip.append(info["place"])
        tip += info["status"] + [f"未达标 fails: {t}" for t in info["fails"]] + info["extra"]
        node = {"id": node_id or info["id"], "label": label if label is not None else "",
                "x": round(x, 1), "y": round(y, 1), "shape": shape, "size": size,
                "color": {"background": fill, "border": border,
                          "highlight": {"background": fill, "border": "#000000"}},
                "borderWidth": border_width,
                "font": {"size": font_size, "face": FONT},
                "kind": str(facts.kinds[code]) if code >= 0 else info.get("kind_id", ""),
                "styles": styles, "info": info, "tip": "\n".join(tip),
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
        e = html.escape
        heads = {"status": "社区状况 Community status", "fails": "未达标社区规则 Community rules failed",
                 "mark": "标记 Marks", "kind": "节点 Nodes", "hop": "跳数 Hops",
                 "edge": "关系 Edges"}
        parts = []
        for group in ("status", "fails", "mark", "kind", "hop", "edge"):
            rows = [(k, s) for k, s in self.styles.items() if s["group"] == group]
            if group in ("fails", "hop"):
                rows.sort()
            elif group in ("kind", "edge"):  # the schema's order, whatever was drawn first
                order = {f"{group}:{kind}": i for i, kind in
                         enumerate(NODE_KINDS if group == "kind" else EDGE_KINDS)}
                rows.sort(key=lambda row: order.get(row[0], len(order)))
            if not rows:
                continue
            parts.append(f"<h2>{e(heads[group])}</h2>")
            for key, s in rows:
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
                parts.append(f'<div class="row toggle{off}" data-style="{e(key)}" '
                             f'data-colour="{e(colour)}" title="点击隐藏/显示 click to hide/show">'
                             f'{swatch}<span>{e(s["zh"])} {e(s["en"])}</span></div>')
        return "\n".join(parts)


_PAGE_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("jiceng-data").textContent);
  function tip(text) {            // names are data: shown as text, never parsed as HTML
    var div = document.createElement("div");
    div.textContent = text;
    return div;
  }
  var byId = {};
  data.nodes.forEach(function (n) {
    byId[n.id] = {info: n.info, styles: n.styles, problem: n.problem, anchor: n.anchor,
                  kind: n.kind, name: n.info.name, key: (n.info.name + " " + n.id).toLowerCase()};
    n.title = tip(n.tip); delete n.tip; delete n.info;
  });
  data.edges.forEach(function (e, i) { e.id = "e" + i; e.title = tip(e.tip); delete e.tip; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("network"),
                                {nodes: nodes, edges: edges}, data.options);
  network.once("afterDrawing", function () {
    network.fit({animation: false});  // the whole map in view, now that the canvas is laid out,
    network.moveTo({scale: network.getScale() * 0.92});  // with a margin for the labels
    window.jicengDrawn = performance.now();
  });

  // ---- hiding: a legend entry hides what carries its style; "problems only" the rest
  var hiddenStyles = {};
  Array.prototype.forEach.call(document.querySelectorAll("#legend .toggle.off"), function (row) {
    hiddenStyles[row.getAttribute("data-style")] = true;
  });
  var problemsOnly = false;
  function nodeHidden(n) {
    var meta = byId[n.id];
    if (problemsOnly && !meta.problem && !meta.anchor) { return true; }
    for (var i = 0; i < meta.styles.length; i++) { if (hiddenStyles[meta.styles[i]]) { return true; } }
    return false;
  }
  function refresh() {
    var nodeUpdates = [], edgeUpdates = [];
    nodes.forEach(function (n) {
      var h = nodeHidden(n);
      if (!!n.hidden !== h) { nodeUpdates.push({id: n.id, hidden: h}); }
    });
    nodes.update(nodeUpdates);
    edges.forEach(function (e) {
      var h = e.styles.some(function (s) { return hiddenStyles[s]; });
      if (!!e.hidden !== h) { edgeUpdates.push({id: e.id, hidden: h}); }
    });
    edges.update(edgeUpdates);
  }
  Array.prototype.forEach.call(document.querySelectorAll("#legend .toggle"), function (row) {
    row.addEventListener("click", function () {
      var key = row.getAttribute("data-style");
      hiddenStyles[key] = !hiddenStyles[key];
      row.classList.toggle("off", hiddenStyles[key]);
      refresh();
    });
  });
  var problemsBox = document.getElementById("problems-only");
  problemsBox.addEventListener("change", function () { problemsOnly = problemsBox.checked; refresh(); });

  // ---- the side panel: every value set with textContent
  var panel = document.getElementById("panel");
  function line(label, value) {
    var row = document.createElement("div"); row.className = "field";
    var b = document.createElement("b"); b.textContent = label; row.appendChild(b);
    var span = document.createElement("span"); span.textContent = value; row.appendChild(span);
    panel.appendChild(row);
  }
  function list(label, values, cls) {
    if (!values || !values.length) { return; }
    var head = document.createElement("div"); head.className = "field";
    var b = document.createElement("b"); b.textContent = label; head.appendChild(b);
    panel.appendChild(head);
    var ul = document.createElement("ul"); if (cls) { ul.className = cls; }
    values.forEach(function (v) { var li = document.createElement("li"); li.textContent = v; ul.appendChild(li); });
    panel.appendChild(ul);
  }
  function show(id) {
    var meta = byId[id];
    panel.textContent = "";
    if (!meta) { panel.hidden = true; return; }
    var info = meta.info;
    panel.hidden = false;
    var h = document.createElement("h2"); h.textContent = info.name; panel.appendChild(h);
    line("编号 id", info.id);
    line("类型 kind", info.kind);
    if (info.place) { line("位置 place", info.place); }
    if (info.households !== undefined) { line("户数 households", String(info.households)); }
    if (info.inflow !== undefined) { line("资源流入 inflow (units)", String(info.inflow)); }
    list("状况 status", info.status, "status");
    list("未达标规则 rules failed", info.fails, "fails");
    list("共建单位 tied units", info.ties);
    list("唯一共建单位的社区 only tie of", info.only_tie, "status");
    list("说明 notes", info.extra);
  }
  function select(id, centre) {
    var neighbours = network.getConnectedNodes(id);
    network.selectNodes([id].concat(neighbours), true);
    if (centre) {
      network.focus(id, {scale: Math.max(network.getScale(), 1.0), animation: false});
    }
    window.jicengFocused = id;
    show(id);
  }
  network.on("click", function (params) {
    var id = network.getNodeAt(params.pointer.DOM);
    if (id !== undefined) { select(id, false); }
    else { panel.hidden = true; window.jicengFocused = undefined; }
  });

  // ---- search by id or part of a name
  var input = document.getElementById("search");
  var results = document.getElementById("results");
  var ids = Object.keys(byId);
  function search() {
    var q = input.value.trim().toLowerCase();
    results.textContent = "";
    if (!q) { return []; }
    var found = ids.filter(function (id) { return byId[id].key.indexOf(q) >= 0; });
    found.slice(0, 30).forEach(function (id) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = byId[id].name + " · " + id;
      b.addEventListener("click", function () { select(id, true); });
      results.appendChild(b);
    });
    if (found.length > 30) {
      var more = document.createElement("div"); more.className = "more";
      more.textContent = "… " + (found.length - 30) + " more"; results.appendChild(more);
    }
    return found;
  }
  input.addEventListener("input", search);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { var found = search(); if (found.length) { select(found[0], true); } }
  });
  window.jicengNetwork = network;
  window.jicengNodes = nodes;
  window.jicengEdges = edges;
  window.jicengMeta = byId;
  window.jicengSelect = select;
})();
"""


def _page(canvas: _Canvas, title: str, dataset: str, summary: str = "") -> str:
    e = html.escape
    css = (files("jiceng") / "assets" / "map.css").read_text(encoding="utf-8")
    options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True,
                        "multiselect": False},
        "nodes": {"font": {"face": FONT, "size": 14}, "borderWidth": 1},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
                  "smooth": False, "width": 1, "selectionWidth": 2},
    }
    data = {"nodes": canvas.nodes, "edges": canvas.edges, "options": options}
    today = dt.date.today().isoformat()
    n_problems = sum(1 for n in canvas.nodes if n["problem"])
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{css}</style>",
        "</head><body>",
        f'<div id="header"><h1>{e(title)}</h1><div class="meta">{e(summary)}'
        f"{' · ' if summary else ''}数据集 dataset: {e(dataset)} · 生成于 generated {today} · "
        f"节点 nodes {len(canvas.nodes)} · 关系 edges {len(canvas.edges)}</div></div>",
        '<div id="wrap"><div id="network"></div><div id="side">',
        '<input id="search" type="search" autocomplete="off" '
        'placeholder="搜索名称或编号 search name or id">',
        '<div id="results"></div>',
        f'<label class="problems"><input type="checkbox" id="problems-only"> 只看问题 problems only '
        f"({n_problems})</label>",
        '<div id="panel" hidden></div>',
        f'<div id="legend">{canvas.legend()}</div>',
        "</div></div>",
        f'<script type="application/json" id="jiceng-data">{_json_for_script(data)}</script>',
        f"<script>{_vis_script()}</script>",
        f"<script>{_PAGE_SCRIPT}</script>",
        "</body></html>",
    ])


# --------------------------------------------------------------------- maps
def _community_look(canvas: _Canvas, code: int) -> dict:
    """Shape, fill, border and styles of a community: status first, then rules failed."""
    facts = canvas.facts
    node_id = str(facts.ids[code])
    status = facts.status.get(node_id, [])
    styles = [canvas.fail_style(facts.community_fails.get(node_id, 0))]
    shape, border, width = "dot", "#555555", 1.0
    for s, symbol in (("isolated", "◆"), ("fragile", "▲")):
        if s in status:
            shape = STATUS_SHAPES[s]
            styles.append(canvas.style(f"status:{s}", "status", *STATUS_TEXT[s], symbol=symbol,
                                       colour="#333333"))
            break
    if "desert" in status:
        border, width = DESERT_BORDER, 4.0
        styles.append(canvas.style("status:desert", "status", *STATUS_TEXT["desert"],
                                   border=DESERT_BORDER))
    fill = canvas.styles[styles[0]]["colour"]
    return {"shape": shape, "fill": fill, "border": border, "border_width": width,
            "styles": styles, "problem": facts.is_problem(node_id)}


def overview_map(graph: OrgGraph, *, district: str | None = None,
                 audit_result: AuditResult | None = None,
                 isolation_result: IsolationResult | None = None,
                 reach_result: ReachResult | None = None, units: bool = False,
                 max_communities: int = MAX_OVERVIEW_COMMUNITIES) -> NetworkMap:
    """全市一张图: districts → streets → communities, each community marked by its status.

    A community's shape says whether it is isolated (◆) or fragile (▲), a purple ring
    that it is a resource desert, its fill how many community-level rules it fails.
    Streets carry their rank and score (得分: the mean over the rules that check something
    there of the rule's coverage there). Each street is a block: its problem communities
    first, named, then the others as small unnamed dots; blocks are grouped by district.
    With ``units`` the co-building units of each street and their ties are drawn too.
    Beyond ``max_communities`` communities only the streets are drawn.

    >>> from jiceng.loaders import read_sample
    >>> page = overview_map(read_sample(), district="D003")
    >>> page.n_nodes > 1
    True
    """
    facts = _Facts(graph, audit_result, isolation_result, reach_result)
    canvas = _Canvas(facts)
    places = graph.places
    district_code = graph.code(district, "district_committee") if district else None
    streets = np.flatnonzero(graph.is_kind("street_committee"))
    communities = np.flatnonzero(graph.is_kind("community_party"))
    unit_codes = np.flatnonzero(graph.is_kind("unit_party")) if units else np.empty(0, int)
    if district_code is not None:
        in_district = places["district"].to_numpy() == district_code
        streets, communities = streets[in_district[streets]], communities[in_district[communities]]
        unit_codes = unit_codes[in_district[unit_codes]]
    if not len(streets):
        where, where_en = (f"区县 {district} ", f"district {district}") if district \
            else ("", "the data")
        raise JicengError(f"{where}没有街道党工委，总览图无可画之处（nothing to draw: the overview "
                          f"draws streets and their communities, and {where_en} has no street）")
    aggregate = len(communities) > max_communities
    if aggregate:
        communities, unit_codes = communities[:0], unit_codes[:0]
    street_of = places["street"].to_numpy()
    districts = np.unique(places["district"].to_numpy()[streets])
    districts = districts[districts >= 0]
    scores = street_scores(facts.audit).set_index("street")
    comm_count = pd.Series(street_of[np.flatnonzero(graph.is_kind("community_party"))]).value_counts()
    names, ids = facts.names, facts.ids

    # world units; the first view of the whole city shows them at about a third of their size
    f_street, f_community, f_district = 34, 32, 46
    header = 2 * f_street * 1.2 + 16
    width = 236.0
    cell, tight, unit_cell = (width / 2, 2 * 14 + f_community * 1.25 + 22), 19.0, 16.0
    by_street: dict[int, list[int]] = {}
    for c in communities.tolist():
        by_street.setdefault(int(street_of[c]), []).append(c)
    units_by_street: dict[int, list[int]] = {}
    for u in unit_codes.tolist():
        units_by_street.setdefault(int(street_of[u]), []).append(u)

    # one block per street: header, problem communities (named), the others, units
    blocks: dict[int, tuple[float, float, list[tuple[int, float, float, str]]]] = {}
    for s in streets.tolist():
        members = by_street.get(s, [])
        problems = [c for c in members if facts.is_problem(str(ids[c]))]
        fine = [c for c in members if not facts.is_problem(str(ids[c]))]
        cols = max(1, int(width // cell[0]))
        place: list[tuple[int, float, float, str]] = []
        y = header + 8
        for i, c in enumerate(problems):
            place.append((c, (i % cols + 0.5) * cell[0], y + (i // cols) * cell[1] + 14, "problem"))
        if problems:
            y += math.ceil(len(problems) / cols) * cell[1]
        tcols = int(width // tight)
        for i, c in enumerate(fine):
            place.append((c, (i % tcols + 0.5) * tight, y + (i // tcols) * tight + 13, "fine"))
        if fine:
            y += math.ceil(len(fine) / tcols) * tight + 4
        ucols = int(width // unit_cell)
        street_units = units_by_street.get(s, [])
        for i, u in enumerate(street_units):
            place.append((u, (i % ucols + 0.5) * unit_cell, y + (i // ucols) * unit_cell + 10, "unit"))
        if street_units:
            y += math.ceil(len(street_units) / ucols) * unit_cell + 4
        blocks[s] = (width, y + 6, place)

    # streets packed per district, districts packed over the city
    district_streets: dict[int, list[int]] = {}
    for s in streets.tolist():
        district_streets.setdefault(int(places["district"].to_numpy()[s]), []).append(s)
    district_boxes = {}
    for d, members in district_streets.items():
        corners, w, h = _pack_to_aspect([blocks[s][:2] for s in members], 1.2, gap=22)
        label_width = len(str(names[d])) * f_district + 20 if d >= 0 else 0
        district_boxes[d] = (max(w, label_width), h + f_district * 1.3 + 30,
                             dict(zip(members, corners)))
    order = sorted(district_boxes, key=lambda d: (-district_boxes[d][1] * district_boxes[d][0], d))
    corners, total_w, total_h = _pack_to_aspect([district_boxes[d][:2] for d in order], 1.34, gap=44)
    top = f_district * 1.4 + 30 if district_code is None else 0.0

    chosen: dict[int, str] = {}
    if district_code is None:
        for c in np.flatnonzero(graph.is_kind("city_committee")).tolist():
            canvas.add_node(c, x=total_w / 2, y=f_district * 0.7, shape="box", label=str(names[c]),
                            fill="#ef9a9a", font_size=f_district, anchor=True,
                            styles=[canvas.kind_style("city_committee", "#ef9a9a")])
            chosen[c] = str(ids[c])
    for d, (x0, y0) in zip(order, corners):
        w, h, street_corners = district_boxes[d]
        y0 += top
        if d >= 0:
            canvas.add_node(d, x=x0 + (len(str(names[d])) * f_district + 20) / 2,
                            y=y0 + f_district * 0.7, shape="box", label=str(names[d]),
                            fill="#ffe0b2", font_size=f_district, anchor=True,
                            styles=[canvas.kind_style("district_committee", "#ffe0b2")])
            chosen[d] = str(ids[d])
        for s, (sx, sy) in street_corners.items():
            sx, sy = x0 + sx, y0 + f_district * 1.3 + 30 + sy
            known = str(ids[s]) in scores.index
            score = float(scores.at[str(ids[s]), "score"]) if known else None
            rank = int(scores.at[str(ids[s]), "rank"]) if known else 0
            label = re.sub(r"街道$", "", short_name(str(names[s])))
            extra = []
            if score is not None:
                label += f"\n#{int(rank)} 得分{score:.0%}"
                extra.append(f"排名 rank {int(rank)} / {len(scores)} · 得分 score {score:.1%} "
                             "(各规则覆盖率均值 mean of per-rule coverage)")
            n_comm = int(comm_count.get(s, 0))
            if aggregate:
                label += f"\n{n_comm} 个社区"
            extra.append(f"社区 communities: {n_comm}")
            problem = any(facts.is_problem(str(ids[c])) for c in by_street.get(s, []))
            tint = (canvas.style("street:problem", "kind", "街道党工委（有问题社区）",
                                 "street with problem communities", colour="#ffcdd2")
                    if problem else canvas.style("street:ok", "kind", "街道党工委（无问题社区）",
                                                 "street without problem communities",
                                                 colour="#eceff1"))
            canvas.add_node(s, x=sx + width / 2, y=sy + header / 2, shape="box", label=label,
                            fill=canvas.styles[tint]["colour"], border="#757575", border_width=1,
                            font_size=f_street, anchor=True, extra=extra, styles=[tint])
            chosen[s] = str(ids[s])
            for code, cx, cy, what in blocks[s][2]:
                if what == "unit":
                    canvas.add_node(code, x=sx + cx, y=sy + cy, size=5,
                                    fill=NODE_COLOURS["unit_party"], border="#1565c0",
                                    styles=[canvas.kind_style("unit_party")],
                                    problem=str(ids[code]) in facts.single_points)
                else:
                    look = _community_look(canvas, code)
                    label = wrap(short_name(str(names[code]), str(names[s])), 3) \
                        if what == "problem" else ""
                    canvas.add_node(code, x=sx + cx, y=sy + cy, label=label, shape=look["shape"],
                                    size=(19 if look["shape"] != "dot" else 14) if what == "problem" else 8, fill=look["fill"],
                                    border=look["border"], border_width=look["border_width"],
                                    font_size=f_community, styles=look["styles"],
                                    problem=look["problem"])
                chosen[code] = str(ids[code])
    if units:  # the hierarchy is drawn by the grouping; edges only for the ties
        canvas.add_graph_edges(chosen, CO_BUILDING_KINDS, width=0.6, opacity=0.5)
    where = str(names[district_code]) if district_code is not None else "全市 whole city"
    n_problem = sum(1 for c in communities.tolist() if facts.is_problem(str(ids[c])))
    summary = (f"问题社区 problem communities {n_problem} / {len(communities)} · 孤立 isolated "
               f"{sum('isolated' in facts.status.get(str(ids[c]), []) for c in communities)} · "
               f"脆弱 fragile {sum('fragile' in facts.status.get(str(ids[c]), []) for c in communities)}"
               f" · 资源荒漠 deserts "
               f"{sum('desert' in facts.status.get(str(ids[c]), []) for c in communities)}")
    if aggregate:
        summary = (f"{len(communities)} 个社区已按街道汇总 communities aggregated by street "
                   f"(more than {max_communities})")
    title = f"{where} 一张图 Overview: where is it thin?"
    return NetworkMap(_page(canvas, title, graph.name, summary), title, len(canvas.nodes),
                      len(canvas.edges))


SIDE_KINDS = ("unit_party", "unit", "property_party", "property_company", "cadre")
#: edge kinds a street map opens with switched off (its layout shows them); the legend turns them on
STREET_EDGES_OFF = ("leads", "within", "covers", "member_of", "liaison", "serves", "manages")


def street_map(graph: OrgGraph, street_id: str, *, audit_result: AuditResult | None = None,
               isolation_result: IsolationResult | None = None,
               reach_result: ReachResult | None = None) -> NetworkMap:
    """Every node of one street: the four-level spine on the left, the co-building side right.

    The spine is one block per community (problem communities first): the community,
    then per grid a column of grid, grid Party branch and its buildings (summarized
    as one node per grid, marked when a building lacks a Party group), then the
    committees and stations it leads. Units (with units from other streets that tie
    into this one), property companies and cadres stand to the right, each unit at
    the height of the communities it ties. Nodes failing a rule have a red border.

    Examples
    --------
    >>> from jiceng.loaders import read_sample
    >>> page = street_map(read_sample(), "S0001")
    >>> import re
    >>> re.search(r"(?:src|href)=.?(?:https?:)?//", page.html) is None  # nothing loaded online
    True
    """
    street = graph.code(street_id, "street_committee")
    facts = _Facts(graph, audit_result, isolation_result, reach_result)
    canvas = _Canvas(facts)
    ids, names, kinds = facts.ids, facts.names, facts.kinds
    places = graph.places
    street_of = places["street"].to_numpy()
    community_of = places["community"].to_numpy()
    in_street = street_of == street
    is_building = graph.is_kind("building", "building_group")
    shown = np.flatnonzero(in_street & ~is_building)
    src, dst, _ = graph.edge_arrays
    co = np.concatenate([graph.edge_positions(k) for k in CO_BUILDING_KINDS])
    into = co[in_street[dst[co]]]
    outsiders = np.setdiff1d(np.unique(src[into]), shown)
    shown = np.union1d(shown, outsiders)

    # building summaries per grid
    grids = shown[graph.is_kind("grid")[shown]]
    within = graph.edge_positions("within")
    bld_within = within[graph.is_kind("building")[src[within]] & np.isin(dst[within], grids)]
    covered = np.zeros(graph.n_nodes, dtype=bool)
    covers = graph.edge_positions("covers")
    covered[dst[covers][graph.is_kind("building_group")[src[covers]]]] = True
    buildings_of = pd.DataFrame({"grid": dst[bld_within], "building": src[bld_within],
                                 "covered": covered[src[bld_within]]})
    branch_of: dict[int, int] = {}
    for s, t in zip(src[covers].tolist(), dst[covers].tolist()):
        if kinds[s] == "grid_branch":
            branch_of[t] = s

    communities = [c for c in shown.tolist() if kinds[c] == "community_party"]
    communities.sort(key=lambda c: (not facts.is_problem(str(ids[c])), str(ids[c])))
    side = [c for c in shown.tolist() if kinds[c] in SIDE_KINDS]
    members: dict[int, list[int]] = {c: [] for c in communities}
    loose: list[int] = []
    branches = set(branch_of.values())
    for c in shown.tolist():
        if c == street or c in members or c in side or c in branches:
            continue
        home = int(community_of[c])
        (members.get(home, loose)).append(c)

    col, row = 64.0, 44.0
    positions: dict[int, tuple[float, float]] = {}
    summaries: list[list[tuple[int, float, float]]] = []
    block_sizes, block_places = [], []
    for c in communities:
        place: list[tuple[int, float, float]] = [(c, 60.0, 30.0)]
        summaries.append([])
        grid_list = [m for m in members[c] if kinds[m] == "grid"]
        others = [m for m in members[c] if kinds[m] != "grid"]
        per_row = 6
        for i, g in enumerate(grid_list):
            gx, gy = (i % per_row + 0.5) * col, 140 + (i // per_row) * 3 * row
            place.append((g, gx, gy))
            if g in branch_of:
                place.append((branch_of[g], gx, gy + row))
            summaries[-1].append((g, gx, gy + 2 * row))
        y = 140 + math.ceil(len(grid_list) / per_row) * 3 * row
        for i, m in enumerate(others):
            place.append((m, (i % per_row + 0.5) * col, y + (i // per_row) * row))
        y += math.ceil(len(others) / per_row) * row
        block_sizes.append((per_row * col, y))
        block_places.append(place)
    corners, spine_w, spine_h = _pack_to_aspect(block_sizes, 1.1, gap=40) if block_sizes \
        else ([], 0.0, 0.0)
    top = 110.0
    grid_offset: dict[int, tuple[float, float]] = {}
    for (bx, by), place, block_summaries in zip(corners, block_places, summaries):
        for code, x, y in place:
            positions[code] = (bx + x, top + by + y)
        for g, x, y in block_summaries:
            grid_offset[g] = (bx + x, top + by + y)
    positions[street] = (spine_w / 2, 20.0)
    for i, c in enumerate(loose):
        positions[c] = (spine_w / 2 + 320 + (i % 12) * col, 20.0 + (i // 12) * row)

    # the co-building side: each unit at the height of what it ties, then the rest
    target_y: dict[int, list[float]] = {}
    for s, t in zip(src[co].tolist(), dst[co].tolist()):
        if t in positions:
            target_y.setdefault(s, []).append(positions[t][1])
    units = sorted((c for c in side if kinds[c] == "unit_party"),
                   key=lambda c: (np.mean(target_y.get(c, [1e9])), str(ids[c])))
    covered_unit: dict[int, int] = {}
    for s, t in zip(src[covers].tolist(), dst[covers].tolist()):
        if kinds[s] in ("unit_party", "property_party") and t in set(side):
            covered_unit[s] = t
    rest = [c for c in side if kinds[c] in ("property_party", "cadre")]
    side_x = spine_w + 260
    span = max(spine_h, 1.0)
    per_column = max(8, int(span // 52))
    for i, u in enumerate(units + rest):
        x = side_x + (i // per_column) * 330
        y = top + (i % per_column) * 52
        positions[u] = (x, y)
        if u in covered_unit:
            positions[covered_unit[u]] = (x + 150, y)
    for c in side:
        if c not in positions:
            positions[c] = (side_x - 150, top + len(positions) % per_column * 52)

    outsider_set = set(outsiders.tolist())
    for code in shown.tolist():
        node_id = str(ids[code])
        kind = str(kinds[code])
        x, y = positions.get(code, (0.0, 0.0))
        failing = node_id in facts.fails
        extra = ["外部单位 a unit from another street"] if code in outsider_set else []
        if kind == "community_party":
            look = _community_look(canvas, code)
            label = short_name(str(names[code]), str(names[street]))
            status = facts.status.get(node_id, [])
            label = wrap(label, 6)
            if status:
                label += "\n【" + "·".join(STATUS_TEXT[s][0] for s in status) + "】"
            hh = facts.households[code]
            size = 16 + (0 if math.isnan(hh) else min(12, hh / 400))
            canvas.add_node(code, x=x, y=y, label=label, shape=look["shape"],
                            size=size + (8 if look["problem"] else 0),
                            fill=look["fill"], border=look["border"],
                            border_width=look["border_width"], font_size=28,
                            styles=look["styles"], problem=look["problem"])
            continue
        styles = [canvas.kind_style(kind)]
        border, width = "#555555", 1.0
        if failing:
            border, width = GAP_BORDER, 4.0
            styles.append(canvas.style("gap", "mark", "红框：未达标", "red border: fails a rule",
                                       border=GAP_BORDER))
        single = node_id in facts.single_points
        if code == street:
            score = street_scores(facts.audit).set_index("street")
            label = str(names[code])
            if node_id in score.index:
                label += (f"\n第{int(score.at[node_id, 'rank'])}名 · 得分 "
                          f"{score.at[node_id, 'score']:.0%}")
            canvas.add_node(code, x=x, y=y, label=label, shape="box", fill="#ffebee",
                            border=border, border_width=max(width, 2), font_size=36,
                            styles=styles, anchor=True, problem=failing)
            continue
        label = ""
        if kind in ("unit_party", "unit", "property_party", "property_company", "cadre") or failing:
            label = wrap(str(names[code]), 9)
        if single:
            styles.append(canvas.style("single", "mark", "唯一共建单位", "the only tie of a community",
                                       border="#6a1b9a"))
            border, width = "#6a1b9a", 4.0
        canvas.add_node(code, x=x, y=y, label=label, shape="square" if kind == "grid" else "dot",
                        size=9, fill=NODE_COLOURS[kind], border=border, border_width=width,
                        font_size=12, styles=styles, problem=failing or single, extra=extra)
    chosen = {c: str(ids[c]) for c in shown.tolist()}
    # the layout already draws the spine and who sits where: those edges open switched off
    canvas.hidden = {f"edge:{k}" for k in STREET_EDGES_OFF}
    for grid, group in buildings_of.groupby("grid"):
        uncovered = group.loc[~group["covered"], "building"]
        gx, gy = grid_offset.get(int(grid), positions.get(int(grid), (0.0, 0.0)))
        extra = [f"{len(group)} 栋楼 buildings in {ids[grid]} {names[grid]}"]
        styles = [canvas.kind_style("building")]
        if len(uncovered):
            extra += ["无党小组 without a Party group:"] + [f"  {ids[b]} {names[b]}"
                                                       for b in uncovered[:20]]
            if len(uncovered) > 20:
                extra.append(f"  … {len(uncovered) - 20} more")
            styles.append(canvas.style("gap", "mark", "红框：未达标", "red border: fails a rule",
                                       border=GAP_BORDER))
        info: dict = {"id": f"{ids[grid]}#buildings", "name": f"{names[grid]} 楼栋 buildings",
                "kind": "楼栋(单元) buildings (summary)", "place": "", "fails":
                ([f"{len(uncovered)} 栋无党小组 without a Party group"] if len(uncovered) else []),
                "status": [], "extra": extra}
        canvas.add_node(int(grid), node_id=info["id"], info=info, x=gx, y=gy,
                        label=f"{len(group)}栋" + (f"\n{len(uncovered)}无党小组" if len(uncovered)
                                                   else ""),
                        shape="square", size=7, fill=NODE_COLOURS["building"],
                        border=GAP_BORDER if len(uncovered) else "#555555",
                        border_width=4 if len(uncovered) else 1, font_size=11, styles=styles,
                        problem=bool(len(uncovered)))
        canvas.nodes[-1]["kind"] = "building"
        canvas.add_edge(info["id"], str(ids[grid]), "within")
    # co-building ties fade behind the spine until a node is selected
    canvas.add_graph_edges(chosen, [k for k in EDGE_KINDS if k not in CO_BUILDING_KINDS])
    canvas.add_graph_edges(chosen, CO_BUILDING_KINDS, opacity=0.35)
    name = str(names[street])
    n_problem = sum(1 for n in canvas.nodes if n["problem"])
    summary = f"问题节点 problem nodes {n_problem}"
    title = f"{name} 街道组织网络 Street network map"
    return NetworkMap(_page(canvas, title, graph.name, summary), title, len(canvas.nodes),
                      len(canvas.edges))


def reach_map(graph: OrgGraph, unit_id: str, *, hops: int = 2,
              audit_result: AuditResult | None = None,
              isolation_result: IsolationResult | None = None,
              reach_result: ReachResult | None = None) -> NetworkMap:
    """One unit and everything its co-building resources reach within ``hops``, coloured by
    hop; the households reached, and the communities for which the unit is the only tie
    (ringed) are shown.

    >>> from jiceng.loaders import read_sample
    >>> reach_map(read_sample(), "UP00001").n_nodes > 1
    True
    """
    table = reach_from(graph, unit_id, hops=hops)
    codes = graph.codes(table["id"]).tolist()
    hop = dict(zip(codes, table["hop"].tolist()))
    facts = _Facts(graph, audit_result, isolation_result, reach_result)
    only = set(facts.single_points.get(unit_id, []))
    src, dst, kinds = graph.edge_arrays
    kind_names = list(EDGE_KINDS)
    flow = set(CO_BUILDING_KINDS) | {"leads"}
    parent: dict[int, int | None] = {codes[0]: None}
    edges = []
    status = (graph.edges["status"].astype(str).to_numpy(dtype=object)
              if "status" in graph.edges.columns else None)
    for position in np.flatnonzero(np.isin(src, codes) & np.isin(dst, codes)).tolist():
        s, t, k = int(src[position]), int(dst[position]), kind_names[kinds[position]]
        if k in flow and hop[t] == hop[s] + 1:
            edges.append((s, t, k, status is not None and status[position] == "proposed"))
            parent.setdefault(t, s)
    positions = _radial_positions(parent, codes, scale=200, spacing=120)
    households = (graph.nodes["households"].to_numpy(dtype=float, na_value=np.nan)
                  if "households" in graph.nodes.columns else np.full(graph.n_nodes, np.nan))
    communities = [c for c in codes if graph.nodes["kind"].iat[c] == "community_party"]
    reached_households = int(np.nansum(households[communities])) if communities else 0
    canvas = _Canvas(facts)
    ids = graph.nodes["id"].to_numpy(dtype=object)
    for code in codes:
        h = hop[code]
        colour = HOP_COLOURS[min(h, len(HOP_COLOURS) - 1)]
        styles = [canvas.style(f"hop:{min(h, 6)}", "hop", f"第 {h} 跳" if h else "该单位",
                               f"hop {h}" if h else "the unit", colour=colour)]
        border, width, problem = "#555555", 1.0, False
        extra = [f"跳数 hop: {h}"]
        if ids[code] in only:
            border, width, problem = "#6a1b9a", 5.0, True
            styles.append(canvas.style("only", "mark", "该单位是唯一共建单位",
                                       "this unit is its only tie", border="#6a1b9a"))
            extra.append("该单位是其唯一共建单位 this unit is its only co-building tie")
        if h == 0:
            extra.append(f"覆盖户数 households reached: {reached_households}")
        label = wrap(str(graph.nodes["name"].iat[code]))
        x, y = positions.get(code, (0.0, 0.0))
        community = graph.nodes["kind"].iat[code] == "community_party"
        canvas.add_node(code, x=x, y=y, label=label, fill=colour, border=border,
                        border_width=width, size=26 if h == 0 else 18 if community else 10,
                        font_size=30 if h == 0 else 24 if community else 13, styles=styles,
                        problem=problem, anchor=h == 0, extra=extra)
    for s, t, k, proposed in edges:
        canvas.add_edge(str(ids[s]), str(ids[t]), k, proposed=proposed)
    name = graph.nodes["name"].iat[codes[0]]
    title = (f"{name} 共建资源覆盖 Reach within {hops} hops: {len(communities)} 个社区 "
             f"communities · {reached_households} 户 households")
    summary = f"唯一共建单位的社区 communities it is the only tie of: {len(only)}"
    return NetworkMap(_page(canvas, title, graph.name, summary), title, len(canvas.nodes),
                      len(canvas.edges))
