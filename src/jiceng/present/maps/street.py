"""The street map: every node of one street, the spine on the left, the co-building side right."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jiceng.graphmodel import EDGE_KINDS, OrgGraph
from jiceng.graphmodel.schema import CO_BUILDING_KINDS
from jiceng.present.maps.canvas import Canvas
from jiceng.present.maps.facts import Facts, street_scores
from jiceng.present.maps.labels import short_name, wrap
from jiceng.present.maps.layout import pack_to_aspect
from jiceng.present.maps.page import NetworkMap, render_page
from jiceng.present.maps.style import (
    GAP_BORDER,
    HEADING_SHAPE,
    NODE_COLOURS,
    NODE_SHAPES,
    STATUS_TEXT,
)
from jiceng.present.tiers import DEFAULT_TIERS, Tiers
from jiceng.queries.coverage import AuditResult
from jiceng.queries.isolation import IsolationResult
from jiceng.queries.reach import ReachResult

__all__ = ["street_map", "street_file_name", "place_file_name", "SIDE_KINDS",
           "STREET_EDGES_OFF"]

#: the kinds that stand on the co-building side, right of the spine (named on the map)
SIDE_KINDS = ("unit_party", "unit", "property_party", "property_company", "cadre")
#: edge kinds a street map opens with switched off (its layout shows them); the legend turns them on
STREET_EDGES_OFF = ("leads", "within", "covers", "member_of", "liaison", "serves", "manages")

_COL, _ROW = 64.0, 44.0  # a cell of a community's block
_PER_ROW = 6  # grids (and other members) across a community's block
_TOP = 110.0  # the spine and the side start below the street's name
_SIDE_ROW, _SIDE_COLUMN = 52.0, 330.0  # a unit's place on the side


_UNSAFE = re.compile(r"[^\w.-]")  # what a file name (on Windows too) may not hold


def street_file_name(street_id: str) -> str:
    """The file a street's map is written to beside the overview, ``street-<ID>.html``: what
    ``jiceng map --street ID --output DIR`` writes and the overview links to (a character
    a file name may not hold becomes ``_``).

    >>> street_file_name("S0001"), street_file_name("a/b")
    ('street-S0001.html', 'street-a_b.html')
    """
    return place_file_name("street", street_id)


def place_file_name(level: str, place_id: str) -> str:
    """The file of a place's page: ``<level>-<ID>.html`` (``district-D001.html``), a character
    a file name may not hold becoming ``_``; :func:`street_file_name` for a street."""
    return f"{level}-" + _UNSAFE.sub("_", place_id) + ".html"


@dataclass
class _Layout:
    """Where the street's nodes stand, and the size of the spine."""

    positions: dict[int, tuple[float, float]] = field(default_factory=dict)
    grid_offset: dict[int, tuple[float, float]] = field(default_factory=dict)  # building summaries
    width: float = 0.0
    height: float = 0.0


def street_map(graph: OrgGraph, street_id: str, *, audit_result: AuditResult | None = None,
               isolation_result: IsolationResult | None = None,
               reach_result: ReachResult | None = None,
               tiers: Tiers = DEFAULT_TIERS, facts: Facts | None = None) -> NetworkMap:
    """Every node of one street: the four-level spine on the left, the co-building side right.

    The spine is one block per community (problem communities first): the community,
    then per grid a column of grid, grid Party branch and its buildings (summarized
    as one node per grid, marked when a building lacks a Party group), then the
    committees and stations it leads. Units (with units from other streets that tie
    into this one), property companies and cadres stand to the right, each unit at
    the height of the communities it ties. Nodes failing a rule have a red border.
    ``facts`` (worked out once for several maps of ``graph``) stand for the three results.

    Examples
    --------
    >>> from jiceng.loaders import read_sample
    >>> page = street_map(read_sample(), "S0001")
    >>> import re
    >>> re.search(r"(?:src|href)=.?(?:https?:)?//", page.html) is None  # nothing loaded online
    True
    """
    street = graph.code(street_id, "street_committee")
    if facts is None:  # the maps of one site share theirs
        facts = Facts(graph, audit_result, isolation_result, reach_result)
    canvas = Canvas(facts)
    shown, outsiders = _nodes_shown(graph, street)
    buildings_of, branch_of = _buildings(graph, shown, facts.kinds)
    side = [c for c in shown.tolist() if facts.kinds[c] in SIDE_KINDS]
    layout = _spine(facts, street, shown, side, branch_of)
    _place_side(facts, side, layout)
    outsider_set = set(outsiders.tolist())
    for code in shown.tolist():
        x, y = layout.positions.get(code, (0.0, 0.0))
        if facts.kinds[code] == "community_party":
            _draw_community(canvas, code, street, x, y)
        elif code == street:
            _draw_street(canvas, code, x, y, tiers)
        else:
            _draw_member(canvas, code, x, y, outsider=code in outsider_set)
    # the layout already draws the spine and who sits where: those edges open switched off
    canvas.hidden = {f"edge:{k}" for k in STREET_EDGES_OFF}
    _draw_building_summaries(canvas, buildings_of, layout)
    # co-building ties fade behind the spine until a node is selected
    chosen = {c: str(facts.ids[c]) for c in shown.tolist()}
    canvas.add_graph_edges(chosen, [k for k in EDGE_KINDS if k not in CO_BUILDING_KINDS])
    canvas.add_graph_edges(chosen, CO_BUILDING_KINDS, opacity=0.35)
    n_problem = sum(1 for n in canvas.nodes if n["problem"])
    title = f"{facts.names[street]} 街道组织网络 Street network map"
    return render_page(canvas, title, graph.name, f"问题节点 problem nodes {n_problem}")


def _nodes_shown(graph: OrgGraph, street: int) -> tuple[np.ndarray, np.ndarray]:
    """The street's nodes but its buildings and building groups (drawn as summaries), and
    the units of other streets that tie into it (the outsiders, also returned alone)."""
    in_street = graph.places["street"].to_numpy() == street
    is_building = graph.is_kind("building", "building_group")
    shown = np.flatnonzero(in_street & ~is_building)
    src, dst, _ = graph.edge_arrays
    co = np.concatenate([graph.edge_positions(k) for k in CO_BUILDING_KINDS])
    into = co[in_street[dst[co]]]
    outsiders = np.setdiff1d(np.unique(src[into]), shown)
    return np.union1d(shown, outsiders), outsiders


def _buildings(graph: OrgGraph, shown: np.ndarray, kinds: np.ndarray
               ) -> tuple[pd.DataFrame, dict[int, int]]:
    """The buildings of each grid drawn (``grid, building, covered`` by a Party group), and
    the grid Party branch of each grid."""
    src, dst, _ = graph.edge_arrays
    grids = shown[graph.is_kind("grid")[shown]]
    within = graph.edge_positions("within")
    bld_within = within[graph.is_kind("building")[src[within]] & np.isin(dst[within], grids)]
    covered = np.zeros(graph.n_nodes, dtype=bool)
    covers = graph.edge_positions("covers")
    covered[dst[covers][graph.is_kind("building_group")[src[covers]]]] = True
    buildings_of = pd.DataFrame({"grid": dst[bld_within], "building": src[bld_within],
                                 "covered": covered[src[bld_within]]})
    branch_of: dict[int, int] = {}
    near = covers[np.isin(src[covers], shown) | np.isin(dst[covers], grids)]  # not the city's
    for s, t in zip(src[near].tolist(), dst[near].tolist()):
        if kinds[s] == "grid_branch":
            branch_of[t] = s
    return buildings_of, branch_of


def _spine(facts: Facts, street: int, shown: np.ndarray, side: list[int],
           branch_of: dict[int, int]) -> _Layout:
    """The street's name on top, below it one block per community (problem communities
    first): per grid a column of grid, branch and building summary, then the rest it holds.
    What belongs to no community stands right of the street's name."""
    ids, kinds = facts.ids, facts.kinds
    communities = [c for c in shown.tolist() if kinds[c] == "community_party"]
    communities.sort(key=lambda c: (not facts.is_problem(str(ids[c])), str(ids[c])))
    members: dict[int, list[int]] = {c: [] for c in communities}
    loose: list[int] = []
    skip = set(side) | set(branch_of.values()) | {street}
    community_of = facts.graph.places["community"].to_numpy()
    for c in shown.tolist():
        if c not in skip and c not in members:
            members.get(int(community_of[c]), loose).append(c)
    blocks = [_community_block(c, members[c], kinds, branch_of) for c in communities]
    corners, width, height = pack_to_aspect([size for size, _, _ in blocks], 1.1, gap=40) \
        if blocks else ([], 0.0, 0.0)
    layout = _Layout(width=width, height=height)
    for (bx, by), (_, place, summaries) in zip(corners, blocks):
        for code, x, y in place:
            layout.positions[code] = (bx + x, _TOP + by + y)
        for g, x, y in summaries:
            layout.grid_offset[g] = (bx + x, _TOP + by + y)
    layout.positions[street] = (width / 2, 20.0)
    for i, c in enumerate(loose):
        layout.positions[c] = (width / 2 + 320 + (i % 12) * _COL, 20.0 + (i // 12) * _ROW)
    return layout


def _community_block(community: int, members: list[int], kinds: np.ndarray,
                     branch_of: dict[int, int]
                     ) -> tuple[tuple[float, float], list[tuple[int, float, float]],
                                list[tuple[int, float, float]]]:
    """One community's block: its size, where each node stands in it, and where each grid's
    building summary stands."""
    place: list[tuple[int, float, float]] = [(community, 60.0, 30.0)]
    summaries: list[tuple[int, float, float]] = []
    grid_list = [m for m in members if kinds[m] == "grid"]
    others = [m for m in members if kinds[m] != "grid"]
    for i, g in enumerate(grid_list):
        gx, gy = (i % _PER_ROW + 0.5) * _COL, 140 + (i // _PER_ROW) * 3 * _ROW
        place.append((g, gx, gy))
        if g in branch_of:
            place.append((branch_of[g], gx, gy + _ROW))
        summaries.append((g, gx, gy + 2 * _ROW))
    y = 140 + math.ceil(len(grid_list) / _PER_ROW) * 3 * _ROW
    for i, m in enumerate(others):
        place.append((m, (i % _PER_ROW + 0.5) * _COL, y + (i // _PER_ROW) * _ROW))
    y += math.ceil(len(others) / _PER_ROW) * _ROW
    return (_PER_ROW * _COL, y), place, summaries


def _place_side(facts: Facts, side: list[int], layout: _Layout) -> None:
    """The co-building side: each unit at the height of what it ties (its unit beside it),
    then property Party organizations and cadres, in columns as high as the spine."""
    graph, ids, kinds = facts.graph, facts.ids, facts.kinds
    positions = layout.positions
    src, dst, _ = graph.edge_arrays
    co = np.concatenate([graph.edge_positions(k) for k in CO_BUILDING_KINDS])
    co = co[np.isin(dst[co], np.fromiter(positions, dtype=np.int64, count=len(positions)))]
    target_y: dict[int, list[float]] = {}
    for s, t in zip(src[co].tolist(), dst[co].tolist()):
        if t in positions:
            target_y.setdefault(s, []).append(positions[t][1])
    units = sorted((c for c in side if kinds[c] == "unit_party"),
                   key=lambda c: (np.mean(target_y.get(c, [1e9])), str(ids[c])))
    covers = graph.edge_positions("covers")
    on_side = set(side)
    covered_unit: dict[int, int] = {}
    covers = covers[np.isin(dst[covers], np.asarray(side, dtype=np.int64))]
    for s, t in zip(src[covers].tolist(), dst[covers].tolist()):
        if kinds[s] in ("unit_party", "property_party") and t in on_side:
            covered_unit[s] = t
    rest = [c for c in side if kinds[c] in ("property_party", "cadre")]
    side_x = layout.width + 260
    per_column = max(8, int(max(layout.height, 1.0) // _SIDE_ROW))
    for i, u in enumerate(units + rest):
        x = side_x + (i // per_column) * _SIDE_COLUMN
        y = _TOP + (i % per_column) * _SIDE_ROW
        positions[u] = (x, y)
        if u in covered_unit:
            positions[covered_unit[u]] = (x + 150, y)
    for c in side:
        if c not in positions:
            positions[c] = (side_x - 150, _TOP + len(positions) % per_column * _SIDE_ROW)


def _gap_style(canvas: Canvas) -> str:
    return canvas.style("gap", "mark", "红框：未达标", "red border: fails a rule", border=GAP_BORDER)


def _draw_community(canvas: Canvas, code: int, street: int, x: float, y: float) -> None:
    """A community: its short name and status, sized by its households."""
    facts = canvas.facts
    look = canvas.community_look(code)
    label = wrap(short_name(str(facts.names[code]), str(facts.names[street])), 6)
    status = facts.status.get(str(facts.ids[code]), [])
    if status:
        label += "\n【" + "·".join(STATUS_TEXT[s][0] for s in status) + "】"
    hh = facts.households[code]
    size = 16 + (0 if math.isnan(hh) else min(12, hh / 400))
    canvas.add_node(code, x=x, y=y, label=label, shape=look["shape"],
                    size=size + (8 if look["problem"] else 0),
                    fill=look["fill"], border=look["border"],
                    border_width=look["border_width"], font_size=28,
                    styles=look["styles"], problem=look["problem"])


def _draw_street(canvas: Canvas, code: int, x: float, y: float, tiers: Tiers) -> None:
    """The street's name on top, with its rank, score and tier, filled in the tier's colour
    (docs/design.md §4.7) as on the overview."""
    facts = canvas.facts
    node_id = str(facts.ids[code])
    failing = node_id in facts.fails
    score = street_scores(facts.audit).set_index("street")
    label = str(facts.names[code])
    value = float(score.at[node_id, "score"]) if node_id in score.index else None
    if value is not None:
        label += (f"\n第{int(score.at[node_id, 'rank'])}名 · 得分 {value:.1%} · "
                  f"{tiers.tier(value).zh}")
    styles = [canvas.tier_style(tiers.of(value), tiers)]
    if failing:
        styles.append(_gap_style(canvas))
    canvas.add_node(code, x=x, y=y, label=label, shape=HEADING_SHAPE,
                    fill=canvas.styles[styles[0]]["colour"],
                    border=GAP_BORDER if failing else "#555555", border_width=4.0 if failing else 2,
                    font_size=36, styles=styles, anchor=True, problem=failing)


def _draw_member(canvas: Canvas, code: int, x: float, y: float, *, outsider: bool) -> None:
    """Any other node, in its kind's colour and shape: named on the co-building side or when
    it fails a rule, ringed when it is a community's only co-building unit."""
    facts = canvas.facts
    node_id, kind = str(facts.ids[code]), str(facts.kinds[code])
    failing = node_id in facts.fails
    styles = [canvas.kind_style(kind)]
    border, width = "#555555", 1.0
    if failing:
        border, width = GAP_BORDER, 4.0
        styles.append(_gap_style(canvas))
    label = wrap(str(facts.names[code]), 9) if kind in SIDE_KINDS or failing else ""
    single = node_id in facts.single_points
    if single:
        styles.append(canvas.style("single", "mark", "唯一共建单位", "the only tie of a community",
                                   border="#6a1b9a"))
        border, width = "#6a1b9a", 4.0
    extra = ["外部单位 a unit from another street"] if outsider else []
    canvas.add_node(code, x=x, y=y, label=label, size=9, fill=NODE_COLOURS[kind], border=border,
                    border_width=width, font_size=12, styles=styles, problem=failing or single,
                    extra=extra)


def _draw_building_summaries(canvas: Canvas, buildings_of: pd.DataFrame, layout: _Layout) -> None:
    """One node per grid for its buildings, marked when one lacks a Party group."""
    facts = canvas.facts
    ids, names = facts.ids, facts.names
    grids = buildings_of["grid"].to_numpy()
    order = np.argsort(grids, kind="stable")  # by grid, each grid's buildings as they came
    grids, buildings = grids[order], buildings_of["building"].to_numpy()[order]
    covered = buildings_of["covered"].to_numpy(dtype=bool)[order]
    starts = np.flatnonzero(np.r_[True, grids[1:] != grids[:-1]]) if len(grids) else grids
    for start, end in zip(starts.tolist(), [*starts[1:].tolist(), len(grids)]):
        grid, group = int(grids[start]), buildings[start:end]
        uncovered = group[~covered[start:end]]
        gx, gy = layout.grid_offset.get(grid, layout.positions.get(grid, (0.0, 0.0)))
        extra = [f"{len(group)} 栋楼 buildings in {ids[grid]} {names[grid]}"]
        styles = [canvas.kind_style("building")]
        if len(uncovered):
            extra += ["无党小组 without a Party group:"] + [f"  {ids[b]} {names[b]}"
                                                       for b in uncovered[:20].tolist()]
            if len(uncovered) > 20:
                extra.append(f"  … {len(uncovered) - 20} more")
            styles.append(_gap_style(canvas))
        info: dict = {"id": f"{ids[grid]}#buildings", "name": f"{names[grid]} 楼栋 buildings",
                      "kind": "楼栋(单元) buildings (summary)", "place": "", "fails":
                      ([f"{len(uncovered)} 栋无党小组 without a Party group"]
                       if len(uncovered) else []),
                      "status": [], "extra": extra}
        canvas.add_node(int(grid), node_id=info["id"], info=info, kind="building", x=gx, y=gy,
                        label=f"{len(group)}栋" + (f"\n{len(uncovered)}无党小组" if len(uncovered)
                                                   else ""),
                        shape=NODE_SHAPES["building"], size=7, fill=NODE_COLOURS["building"],
                        border=GAP_BORDER if len(uncovered) else "#555555",
                        border_width=4 if len(uncovered) else 1, font_size=11, styles=styles,
                        problem=bool(len(uncovered)))
        canvas.add_edge(info["id"], str(ids[grid]), "within")
