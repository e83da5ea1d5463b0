"""Interactive HTML network maps that work offline: overview, street and reach.

pyvis collects the nodes, edges and options; the page is then written by this
module as one self-contained file: vis-network's script (shipped inside the pyvis
package) and the styles are inlined, nothing is loaded from the network, every
name is passed as JSON data and shown with ``textContent`` (never as HTML), and
the file is UTF-8 whatever the system's locale. Positions are computed in Python
(a radial tree) and physics is switched off, so maps of thousands of nodes draw
at once.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
from pyvis.network import Network

from jiceng.graphmodel import EDGE_KINDS, NODE_KINDS, OrgGraph
from jiceng.graphmodel.schema import PLACING_EDGES, STATION_TYPES, kind_map, label
from jiceng.loaders.atomic import write_text_atomic
from jiceng.queries.coverage import AuditResult, audit
from jiceng.queries.isolation import IsolationResult, isolation
from jiceng.queries.reach import reach_from

__all__ = ["NetworkMap", "overview_map", "street_map", "reach_map"]

NODE_COLOURS = kind_map(NODE_KINDS, lambda k: k.color)
EDGE_STYLES = kind_map(EDGE_KINDS, lambda k: (k.color, list(k.dashes) if k.dashes else False))  # colour, dashes
GAP_BORDER = "#d50000"
HOP_COLOURS = ["#d50000", "#ff6d00", "#ffd600", "#64dd17", "#00b8d4", "#2962ff", "#aa00ff"]
COVERAGE_STOPS = [(0.0, (213, 0, 0)), (0.85, (255, 193, 7)), (1.0, (46, 125, 50))]
MAX_OVERVIEW_COMMUNITIES = 1500
WRAP = 8  # characters per line of a label


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


def _coverage_colour(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "#bdbdbd"
    value = min(max(float(value), 0.0), 1.0)
    for (a, ca), (b, cb) in zip(COVERAGE_STOPS, COVERAGE_STOPS[1:]):
        if value <= b:
            t = 0.0 if b == a else (value - a) / (b - a)
            rgb = [round(x + (y - x) * t) for x, y in zip(ca, cb)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#2e7d32"


def _tooltip(graph: OrgGraph, code: int, extra: list[str] = ()) -> str:
    """Plain text: name, kind, id and every attribute (shown with textContent, never as HTML)."""
    row = graph.nodes.iloc[code]
    kind = NODE_KINDS[row["kind"]]
    lines = [str(row["name"]), f"{label(kind.id)} · {row['id']}"]
    for column, value in row.items():
        if column in ("id", "kind", "name") or value is None or value is pd.NA:
            continue
        if isinstance(value, float) and math.isnan(value):
            continue
        if column == "type" and value in STATION_TYPES:
            value = f"{STATION_TYPES[value][0]} ({value})"
        lines.append(f"{column}: {value}")
    return "\n".join(lines + list(extra))


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


def _home_parent(graph: OrgGraph, codes: np.ndarray) -> dict[int, int]:
    """The node each node hangs from in a tree layout (its place, as OrgGraph.places resolves it)."""
    chosen = set(int(c) for c in codes)
    src, dst, _ = graph.edge_arrays
    parent: dict[int, int] = {}
    # the most preferred placing edge is applied last, so it wins
    for kind, direction in reversed(PLACING_EDGES):
        positions = graph.edge_positions(kind)
        child, up = (src, dst) if direction == "out" else (dst, src)
        for c, u in zip(child[positions].tolist(), up[positions].tolist()):
            if c in chosen and u in chosen and c != u:
                parent[c] = u
    # a Party organization sits beside what it covers, not under its leader, when both are shown
    return parent


def _legend_html(kinds: list[str], edge_kinds: list[str], extra: list[tuple[str, str, str]]) -> str:
    e = html.escape
    parts = ["<h2>节点 Nodes</h2>"]
    for kind in kinds:
        k = NODE_KINDS[kind]
        parts.append(f'<div class="row"><span class="swatch" style="background:{NODE_COLOURS[kind]}">'
                     f"</span>{e(k.zh)} {e(k.en)}</div>")
    if edge_kinds:
        parts.append("<h2>关系 Edges</h2>")
    for kind in edge_kinds:
        k = EDGE_KINDS[kind]
        colour, dashes = EDGE_STYLES[kind]
        style = "dashed" if dashes else "solid"
        parts.append(f'<div class="row"><span class="line" style="border-top:3px {style} {colour}">'
                     f"</span>{e(k.zh)} {e(k.en)}</div>")
    if extra:
        parts.append("<h2>标记 Marks</h2>")
    for colour, zh, en in extra:
        parts.append(f'<div class="row"><span class="swatch" style="background:#fff;border:3px solid '
                     f'{colour}"></span>{e(zh)} {e(en)}</div>')
    return "\n".join(parts)


@lru_cache(maxsize=1)
def _vis_script() -> str:
    import pyvis

    path = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    # no source map to fetch; and nothing in the script may close the <script> element
    text = re.sub(r"//[#@] sourceMappingURL=\S+", "", text)
    return text.replace("</script", "<\\/script")


def _json_for_script(value) -> str:
    """JSON that cannot end the <script> element it sits in, whatever the names contain."""
    text = json.dumps(value, ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


_PAGE_SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("jiceng-data").textContent);
  function tip(text) {            // names are data: shown as text, never parsed as HTML
    var div = document.createElement("div");
    div.textContent = text;
    return div;
  }
  data.nodes.forEach(function (n) { if (n.tip) { n.title = tip(n.tip); delete n.tip; } });
  data.edges.forEach(function (e) { if (e.tip) { e.title = tip(e.tip); delete e.tip; } });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("network"),
                                {nodes: nodes, edges: edges}, data.options);
  network.once("afterDrawing", function () { window.jicengDrawn = performance.now(); });
  window.jicengNetwork = network;
  window.jicengNodes = nodes;
  window.jicengEdges = edges;
})();
"""


def _page(net: Network, title: str, dataset: str, legend: str) -> str:
    e = html.escape
    css = (files("jiceng") / "assets" / "map.css").read_text(encoding="utf-8")
    data = {"nodes": net.nodes, "edges": net.edges, "options": net.options}
    today = dt.date.today().isoformat()
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{css}</style>",
        "</head><body>",
        f'<div id="header"><h1>{e(title)}</h1><div class="meta">数据集 dataset: {e(dataset)}'
        f" · 生成于 generated {today} · 节点 nodes {len(net.nodes)} · 关系 edges {len(net.edges)}"
        "</div></div>",
        f'<div id="wrap"><div id="network"></div><div id="legend">{legend}</div></div>',
        f'<script type="application/json" id="jiceng-data">{_json_for_script(data)}</script>',
        f"<script>{_vis_script()}</script>",
        f"<script>{_PAGE_SCRIPT}</script>",
        "</body></html>",
    ])


def _network(physics: bool) -> Network:
    net = Network(directed=True, cdn_resources="in_line")
    net.options = {
        "physics": {"enabled": physics, "stabilization": {"iterations": 150}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True},
        "nodes": {"font": {"face": "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif",
                           "size": 14}, "borderWidth": 1},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "smooth": False, "width": 1},
    }
    return net


def _add_node(net: Network, graph: OrgGraph, code: int, *, label: str | None = None,
              colour: str | None = None, size: float = 12, position=None, border: str | None = None,
              extra_tip: list[str] = (), shape: str = "dot") -> None:
    row_kind = graph.nodes["kind"].iat[code]
    name = graph.nodes["name"].iat[code]
    options = {
        "label": wrap(label if label is not None else name), "shape": shape, "size": size,
        "color": {"background": colour or NODE_COLOURS[row_kind],
                  "border": border or "#555555",
                  "highlight": {"background": colour or NODE_COLOURS[row_kind], "border": "#000"}},
        "borderWidth": 5 if border else 1,
        "tip": _tooltip(graph, code, extra_tip),
        "kind": str(row_kind),
    }
    if position is not None:
        options.update(x=round(position[0], 1), y=round(position[1], 1), physics=False)
    # pyvis stores what it is given; the page script turns "tip" into a text-only tooltip
    net.add_node(graph.nodes["id"].iat[code], **options)


def _add_edge(net: Network, graph: OrgGraph, source: int, target: int, kind: str) -> None:
    colour, dashes = EDGE_STYLES[kind]
    ids = graph.nodes["id"]
    net.add_edge(ids.iat[source], ids.iat[target], color=colour, dashes=dashes,
                 tip=label(kind), kind=kind)


def _gaps_by_node(result: AuditResult) -> dict[str, list[str]]:
    titles = {r.id: r.title_zh for r in result.rules}
    out: dict[str, list[str]] = {}
    for rule, node in zip(result.gaps["rule"], result.gaps["id"]):
        out.setdefault(node, []).append(f"{rule} {titles[rule]}")
    return out


# --------------------------------------------------------------------- maps
def street_map(graph: OrgGraph, street_id: str, *, audit_result: AuditResult | None = None,
               isolation_result: IsolationResult | None = None) -> NetworkMap:
    """Every node of one street, edges styled by kind, gaps and isolated communities marked.

    Buildings and their Party groups are summarized per grid (one node each) so that a
    large street stays readable; the summary is marked when a building lacks a group.

    Examples
    --------
    >>> from jiceng.loaders import read_sample
    >>> page = street_map(read_sample(), "S0001")
    >>> import re
    >>> re.search(r"(?:src|href)=.?(?:https?:)?//", page.html) is None  # nothing loaded online
    True
    """
    street = graph.code(street_id, "street_committee")
    audit_result = audit_result if audit_result is not None else audit(graph)
    isolation_result = isolation_result if isolation_result is not None else isolation(graph)
    gaps = _gaps_by_node(audit_result)
    status = dict(zip(isolation_result.communities["id"], isolation_result.communities["status"]))
    single = dict(zip(isolation_result.communities["id"], isolation_result.communities["single_point"]))

    places = graph.places
    in_street = places["street"].to_numpy() == street
    is_building = graph.is_kind("building", "building_group")
    shown = np.flatnonzero(in_street & ~is_building)
    # units from elsewhere that send co-building resources into this street
    src, dst, kinds = graph.edge_arrays
    co = np.concatenate([graph.edge_positions(k) for k in ("pairs_with", "part_time", "reports_to")])
    into = co[in_street[dst[co]]]
    outsiders = np.setdiff1d(np.unique(src[into]), shown)
    # the units those Party organizations cover, so partners show what they are
    shown = np.union1d(shown, outsiders)
    chosen = set(shown.tolist())

    # building summaries per grid
    grids = shown[graph.is_kind("grid")[shown]]
    within = graph.edge_positions("within")
    bld_within = within[graph.is_kind("building")[src[within]] & np.isin(dst[within], grids)]
    covered = np.zeros(graph.n_nodes, dtype=bool)
    covers = graph.edge_positions("covers")
    covered[dst[covers][graph.is_kind("building_group")[src[covers]]]] = True
    buildings_of = pd.DataFrame({"grid": dst[bld_within], "building": src[bld_within],
                                 "covered": covered[src[bld_within]]})

    parent = _home_parent(graph, shown)
    parent.pop(street, None)
    for code in outsiders.tolist():
        parent.pop(code, None)
    order = [street] + [c for c in shown.tolist() if c != street and c not in set(outsiders.tolist())]
    positions = _radial_positions({c: parent.get(c) if c != street else None for c in order}, order)
    radius = max((math.hypot(*p) for p in positions.values()), default=100) + 250
    for i, code in enumerate(outsiders.tolist()):
        angle = 2 * math.pi * i / max(len(outsiders), 1)
        positions[code] = (radius * math.cos(angle), radius * math.sin(angle))

    net = _network(physics=False)
    households = graph.nodes["households"] if "households" in graph.nodes.columns else None
    ids = graph.nodes["id"].to_numpy(dtype=object)
    for code in shown.tolist():
        node_id = ids[code]
        kind = graph.nodes["kind"].iat[code]
        label, colour, extra, shape = None, None, [], "dot"
        size = 10
        if kind in ("street_committee", "community_party"):
            size = 28 if kind == "street_committee" else 18
            if households is not None and not pd.isna(households.iat[code]):
                size += min(20, int(households.iat[code]) / 400)
        if status.get(node_id) == "isolated":
            label, colour, shape = f"{graph.nodes['name'].iat[code]}【孤立】", "#9e9e9e", "diamond"
            extra.append("孤立社区 isolated: no pairing, part-time member or reporting members")
        elif status.get(node_id) == "fragile":
            label, shape = f"{graph.nodes['name'].iat[code]}【脆弱】", "triangle"
            extra.append(f"脆弱社区 fragile: depends on one unit only ({single.get(node_id)})")
        if code in set(outsiders.tolist()):
            extra.append("外部单位 a unit from another street")
        failing = gaps.get(node_id, [])
        if failing:
            extra = ["未达标 gaps:"] + [f"  {g}" for g in failing] + extra
        _add_node(net, graph, code, label=label, colour=colour, size=size,
                  position=positions.get(code), border=GAP_BORDER if failing else None,
                  extra_tip=extra, shape=shape)
    for grid, group in buildings_of.groupby("grid"):
        uncovered = group.loc[~group["covered"], "building"]
        node_id = f"{ids[grid]}#buildings"
        tip = [f"{len(group)} 栋楼 buildings in {ids[grid]}"]
        if len(uncovered):
            tip += ["无党小组 without a Party group:"] + [f"  {ids[b]}" for b in uncovered[:20]]
            if len(uncovered) > 20:
                tip.append(f"  … {len(uncovered) - 20} more")
        gx, gy = positions.get(int(grid), (0.0, 0.0))
        net.add_node(node_id, label=wrap(f"{len(group)}栋 ({len(uncovered)}无党小组)" if len(uncovered)
                                         else f"{len(group)}栋"),
                     shape="square", size=7, x=round(gx * 1.08, 1), y=round(gy * 1.08, 1),
                     physics=False,
                     color={"background": NODE_COLOURS["building"],
                            "border": GAP_BORDER if len(uncovered) else "#555555"},
                     borderWidth=4 if len(uncovered) else 1, tip="\n".join(tip), kind="building")
        net.add_edge(node_id, ids[grid], color=EDGE_STYLES["within"][0],
                     dashes=EDGE_STYLES["within"][1], tip="楼栋 buildings within", kind="within")
    edge_kinds = set()
    mask = np.isin(src, shown) & np.isin(dst, shown)
    kind_names = list(EDGE_KINDS)
    for s, t, k in zip(src[mask].tolist(), dst[mask].tolist(), kinds[mask].tolist()):
        if s in chosen and t in chosen:
            _add_edge(net, graph, s, t, kind_names[k])
            edge_kinds.add(kind_names[k])
    present = sorted({graph.nodes["kind"].iat[c] for c in shown.tolist()} | {"building"},
                     key=list(NODE_KINDS).index)
    legend = _legend_html(present, [k for k in EDGE_KINDS if k in edge_kinds],
                          [(GAP_BORDER, "红框：未达标", "red border: fails a rule"),
                           ("#9e9e9e", "◆ 孤立社区", "diamond: isolated community"),
                           ("#555555", "▲ 脆弱社区", "triangle: fragile community")])
    name = graph.nodes["name"].iat[street]
    title = f"{name} 街道组织网络 Street network map"
    return NetworkMap(_page(net, title, graph.name, legend), title, len(net.nodes), len(net.edges))


def overview_map(graph: OrgGraph, *, district: str | None = None,
                 audit_result: AuditResult | None = None,
                 max_communities: int = MAX_OVERVIEW_COMMUNITIES) -> NetworkMap:
    """Streets and communities of a district or the whole city, coloured by audit coverage.

    Coverage of a community or street is the share of all rule checks on nodes within it
    that pass. Sized by households. Beyond ``max_communities`` communities only the
    streets are drawn (with their community counts): a large city is aggregated, never
    dumped whole.

    >>> from jiceng.loaders import read_sample
    >>> page = overview_map(read_sample(), district="D003")
    >>> page.n_nodes > 1
    True
    """
    audit_result = audit_result if audit_result is not None else audit(graph)
    places = graph.places
    district_code = graph.code(district, "district_committee") if district else None
    streets = np.flatnonzero(graph.is_kind("street_committee"))
    communities = np.flatnonzero(graph.is_kind("community_party"))
    if district_code is not None:
        streets = streets[places["district"].to_numpy()[streets] == district_code]
        communities = communities[places["district"].to_numpy()[communities] == district_code]
    aggregate = len(communities) > max_communities
    districts = np.unique(places["district"].to_numpy()[streets])
    districts = districts[districts >= 0]
    cities = np.flatnonzero(graph.is_kind("city_committee")) if district_code is None else np.empty(0, int)

    # pooled coverage per community and per street: every checked node attributed to its place
    checks = _checks_by_place(graph, audit_result)
    households = graph.nodes["households"].to_numpy(dtype=float, na_value=np.nan) \
        if "households" in graph.nodes.columns else np.full(graph.n_nodes, np.nan)

    shown = np.concatenate([cities, districts, streets] + ([] if aggregate else [communities]))
    parent: dict[int, int | None] = {}
    leads = graph.edge_positions("leads")
    src, dst, _ = graph.edge_arrays
    chosen = set(shown.tolist())
    for s, t in zip(src[leads].tolist(), dst[leads].tolist()):
        if s in chosen and t in chosen:
            parent[t] = s
    order = shown.tolist()
    positions = _radial_positions({c: parent.get(c) for c in order}, order, scale=160)
    comm_count = pd.Series(places["street"].to_numpy()[communities]).value_counts()

    net = _network(physics=False)
    for code in order:
        kind = graph.nodes["kind"].iat[code]
        coverage = checks.get(code)
        extra = [f"覆盖率 coverage: {coverage:.1%}" if coverage is not None else "覆盖率 coverage: —"]
        size = 14
        if not math.isnan(households[code]):
            size = 8 + min(30, math.sqrt(households[code]) / 6)
        if kind in ("city_committee", "district_committee"):
            size, colour = 30 if kind == "city_committee" else 24, None
        else:
            colour = _coverage_colour(coverage)
        label = None
        if kind == "street_committee" and aggregate:
            label = f"{graph.nodes['name'].iat[code]} ({int(comm_count.get(code, 0))}社区)"
            extra.append(f"社区 communities: {int(comm_count.get(code, 0))}")
        _add_node(net, graph, code, label=label, colour=colour, size=size,
                  position=positions.get(code), extra_tip=extra)
    for s, t in zip(src[leads].tolist(), dst[leads].tolist()):
        if s in chosen and t in chosen:
            _add_edge(net, graph, s, t, "leads")
    kinds = ["city_committee", "district_committee", "street_committee"] + \
        ([] if aggregate else ["community_party"])
    legend = _legend_html(kinds if district_code is None else kinds[1:], ["leads"], [])
    legend += ("<h2>覆盖率 Coverage</h2>" + "".join(
        f'<div class="row"><span class="swatch" style="background:{_coverage_colour(v)}"></span>'
        f"{v:.0%}</div>" for v in (1.0, 0.95, 0.9, 0.85, 0.7, 0.5)))
    if aggregate:
        legend += (f"<p>{len(communities)} 个社区已按街道汇总 communities aggregated by street "
                   f"(more than {max_communities})</p>")
    where = graph.nodes["name"].iat[district_code] if district_code is not None else "全市 whole city"
    title = f"{where} 覆盖总览 Coverage overview"
    return NetworkMap(_page(net, title, graph.name, legend), title, len(net.nodes), len(net.edges))


def _checks_by_place(graph: OrgGraph, result: AuditResult) -> dict[int, float]:
    """Share of passing checks per community and per street (all rules pooled)."""
    from jiceng.queries.coverage import rule_counts

    places = graph.places
    community = places["community"].to_numpy()
    street = places["street"].to_numpy()
    passed = np.zeros(graph.n_nodes)
    checked = np.zeros(graph.n_nodes)
    for rule in result.rules:
        codes, counts = rule_counts(graph, rule)
        ok = (counts >= rule.min).astype(float)
        for place in (community[codes], street[codes]):
            keep = place >= 0
            np.add.at(passed, place[keep], ok[keep])
            np.add.at(checked, place[keep], 1)
    return {int(c): float(passed[c] / checked[c]) for c in np.flatnonzero(checked)}


def reach_map(graph: OrgGraph, unit_id: str, *, hops: int = 2) -> NetworkMap:
    """One unit and everything its co-building resources reach within ``hops``, coloured by hop.

    >>> from jiceng.loaders import read_sample
    >>> reach_map(read_sample(), "UP00001").n_nodes > 1
    True
    """
    table = reach_from(graph, unit_id, hops=hops)
    codes = graph.codes(table["id"]).tolist()
    hop = dict(zip(codes, table["hop"].tolist()))
    src, dst, kinds = graph.edge_arrays
    kind_names = list(EDGE_KINDS)
    flow = {"pairs_with", "part_time", "reports_to", "leads"}
    parent: dict[int, int | None] = {codes[0]: None}
    edges = []
    for position in np.flatnonzero(np.isin(src, codes) & np.isin(dst, codes)).tolist():
        s, t, k = int(src[position]), int(dst[position]), kind_names[kinds[position]]
        if k in flow and hop[t] == hop[s] + 1:
            edges.append((s, t, k))
            parent.setdefault(t, s)
    positions = _radial_positions(parent, codes, scale=170)
    net = _network(physics=False)
    for code in codes:
        extra = [f"跳数 hop: {hop[code]}"]
        _add_node(net, graph, code, colour=HOP_COLOURS[min(hop[code], len(HOP_COLOURS) - 1)],
                  size=26 if hop[code] == 0 else 14, position=positions.get(code), extra_tip=extra)
    for s, t, k in edges:
        _add_edge(net, graph, s, t, k)
    legend = ("<h2>跳数 Hops</h2>" + "".join(
        f'<div class="row"><span class="swatch" style="background:{HOP_COLOURS[min(h, 6)]}"></span>'
        f"{h} {'单位 the unit' if h == 0 else ''}</div>" for h in range(hops + 1)))
    legend += _legend_html([], sorted({k for _, _, k in edges}, key=list(EDGE_KINDS).index), [])
    reached = int((table["kind"] == "community_party").sum())
    name = graph.nodes["name"].iat[codes[0]]
    title = f"{name} 共建资源覆盖 Reach within {hops} hops: {reached} 个社区 communities"
    return NetworkMap(_page(net, title, graph.name, legend), title, len(net.nodes), len(net.edges))
