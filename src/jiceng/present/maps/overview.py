"""The overview map (全市一张图): districts, streets and communities, marked by what is wrong."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jiceng.graphmodel import InvalidInputError, OrgGraph, Problem, ProblemCode
from jiceng.graphmodel.schema import CO_BUILDING_KINDS
from jiceng.present.maps.canvas import Canvas
from jiceng.present.maps.facts import Facts, street_scores
from jiceng.present.maps.labels import short_name, wrap
from jiceng.present.maps.layout import pack_to_aspect
from jiceng.present.maps.page import NetworkMap, render_page
from jiceng.present.maps.style import CITY_FILL, DISTRICT_FILL, HEADING_SHAPE, NODE_COLOURS
from jiceng.present.tiers import DEFAULT_TIERS, TIER_CODES, Tiers
from jiceng.queries.coverage import AuditResult
from jiceng.queries.isolation import IsolationResult
from jiceng.queries.reach import ReachResult

__all__ = ["overview_map", "MAX_OVERVIEW_COMMUNITIES"]

MAX_OVERVIEW_COMMUNITIES = 1500

# world units; the first view of the whole city shows them at about a third of their size
_F_STREET, _F_COMMUNITY, _F_DISTRICT = 34, 32, 46
_HEADER = 2 * _F_STREET * 1.2 + 16  # a street's name box atop its block
_WIDTH = 236.0  # of a street's block
_CELL = (_WIDTH / 2, 2 * 14 + _F_COMMUNITY * 1.25 + 22)  # a problem community, named
_TIGHT, _UNIT_CELL = 19.0, 16.0  # a community without problems (unnamed), a unit
_DISTRICT_HEAD = _F_DISTRICT * 1.3 + 30  # a district's name above its streets

#: what a street's block holds: (code, x, y, "problem" | "fine" | "unit") from its top left
Members = list[tuple[int, float, float, str]]


@dataclass
class _Selection:
    """What the overview draws: the streets, the communities and units in them."""

    district: int | None  # the one district drawn, or None for the whole city
    streets: np.ndarray
    communities: np.ndarray
    units: np.ndarray
    aggregate: bool  # too many communities: only the streets are drawn, with their counts
    n_communities: int  # in the city or district, drawn or not


def overview_map(graph: OrgGraph, *, district: str | None = None,
                 audit_result: AuditResult | None = None,
                 isolation_result: IsolationResult | None = None,
                 reach_result: ReachResult | None = None, units: bool = False,
                 max_communities: int = MAX_OVERVIEW_COMMUNITIES, tiers: Tiers = DEFAULT_TIERS,
                 street_links: Mapping[str, str] | None = None,
                 facts: Facts | None = None) -> NetworkMap:
    """全市一张图: districts → streets → communities, each community marked by its status.

    A community's shape says whether it is isolated (◆) or fragile (▲), a purple ring
    that it is a resource desert, its fill how many community-level rules it fails.
    Streets carry their rank and score (得分: the mean over the rules that check something
    there of the rule's coverage there), their box filled in the colour of the score's tier
    (``tiers``: 达标 green, 预警 amber, 重点关注 red; docs/design.md §4.7). A street whose id is
    in ``street_links`` opens that address (its street map, relative to the page) when its box
    is clicked. Each street is a block: its problem communities
    first, named, then the others as small unnamed dots; blocks are grouped by district.
    With ``units`` the co-building units of each street and their ties are drawn too.
    Beyond ``max_communities`` communities only the streets are drawn. ``facts`` (worked
    out once for several maps of ``graph``) stand for the three results. A city (or
    district) without streets has nothing to draw: :class:`InvalidInputError`.

    >>> from jiceng.loaders import read_sample
    >>> page = overview_map(read_sample(), district="D003")
    >>> page.n_nodes > 1
    True
    """
    chosen = _select(graph, district, units, max_communities)
    if facts is None:  # the maps of one site share theirs
        facts = Facts(graph, audit_result, isolation_result, reach_result)
    street_of = graph.places["street"].to_numpy()
    by_street = _by_street(chosen.communities, street_of)
    units_by_street = _by_street(chosen.units, street_of)
    blocks = {s: _street_block(facts, by_street.get(s, []), units_by_street.get(s, []))
              for s in chosen.streets.tolist()}
    canvas = Canvas(facts)
    drawn = _draw(canvas, chosen, blocks, by_street, tiers, dict(street_links or {}))
    if units:  # the hierarchy is drawn by the grouping; edges only for the ties
        canvas.add_graph_edges(drawn, CO_BUILDING_KINDS, width=0.6, opacity=0.5)
    where = str(facts.names[chosen.district]) if chosen.district is not None else "全市 whole city"
    title = f"{where} 一张图 Overview: where is it thin?"
    return render_page(canvas, title, graph.name,
                       _tier_counts(canvas, chosen) + _summary(facts, chosen, max_communities))


def _select(graph: OrgGraph, district: str | None, units: bool,
            max_communities: int) -> _Selection:
    """The streets, communities and units to draw; refused when there is no street."""
    district_code = graph.code(district, "district_committee") if district else None
    streets = np.flatnonzero(graph.is_kind("street_committee"))
    communities = np.flatnonzero(graph.is_kind("community_party"))
    unit_codes = np.flatnonzero(graph.is_kind("unit_party")) if units else np.empty(0, int)
    if district_code is not None:
        in_district = graph.places["district"].to_numpy() == district_code
        streets, communities = streets[in_district[streets]], communities[in_district[communities]]
        unit_codes = unit_codes[in_district[unit_codes]]
    if not len(streets):
        if district_code is None:
            zh, en = "没有街道党工委", "no street Party working committee"
        else:
            name = graph.nodes["name"].iat[district_code]
            zh = f"{name}（{district}）下没有街道党工委"
            en = f"no street Party working committee in {district}"
        raise InvalidInputError([Problem(graph.name or "数据集 dataset", None, None,
                                         f"{zh}，一张图无可绘制",
                                         f"{en}: the overview has nothing to draw",
                                         code=ProblemCode.NOTHING_TO_DRAW)])
    n_communities = len(communities)
    aggregate = n_communities > max_communities
    if aggregate:
        communities, unit_codes = communities[:0], unit_codes[:0]
    return _Selection(district_code, streets, communities, unit_codes, aggregate, n_communities)


def _by_street(codes: np.ndarray, street_of: np.ndarray) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for code in codes.tolist():
        grouped.setdefault(int(street_of[code]), []).append(code)
    return grouped


def _street_block(facts: Facts, communities: list[int], units: list[int]
                  ) -> tuple[float, float, Members]:
    """One street's block, below its name: problem communities (named), the others, units.
    Returns its width, height and members."""
    problems = [c for c in communities if facts.is_problem(str(facts.ids[c]))]
    fine = [c for c in communities if not facts.is_problem(str(facts.ids[c]))]
    cols = max(1, int(_WIDTH // _CELL[0]))
    place: Members = []
    y = _HEADER + 8
    for i, c in enumerate(problems):
        place.append((c, (i % cols + 0.5) * _CELL[0], y + (i // cols) * _CELL[1] + 14, "problem"))
    if problems:
        y += math.ceil(len(problems) / cols) * _CELL[1]
    tcols = int(_WIDTH // _TIGHT)
    for i, c in enumerate(fine):
        place.append((c, (i % tcols + 0.5) * _TIGHT, y + (i // tcols) * _TIGHT + 13, "fine"))
    if fine:
        y += math.ceil(len(fine) / tcols) * _TIGHT + 4
    ucols = int(_WIDTH // _UNIT_CELL)
    for i, u in enumerate(units):
        place.append((u, (i % ucols + 0.5) * _UNIT_CELL, y + (i // ucols) * _UNIT_CELL + 10,
                      "unit"))
    if units:
        y += math.ceil(len(units) / ucols) * _UNIT_CELL + 4
    return _WIDTH, y + 6, place


def _pack_districts(graph: OrgGraph, streets: np.ndarray,
                    blocks: dict[int, tuple[float, float, Members]]
                    ) -> tuple[list[tuple[int, float, float, dict]], float]:
    """Streets packed per district, districts packed over the city, the largest first.
    Returns each district's code, top left corner and its streets' corners inside it, and
    the total width."""
    district_of = graph.places["district"].to_numpy()
    district_streets: dict[int, list[int]] = {}
    for s in streets.tolist():
        district_streets.setdefault(int(district_of[s]), []).append(s)
    boxes = {}
    for d, members in district_streets.items():
        corners, w, h = pack_to_aspect([blocks[s][:2] for s in members], 1.2, gap=22)
        label_width = len(str(graph.nodes["name"].iat[d])) * _F_DISTRICT + 20 if d >= 0 else 0
        boxes[d] = (max(w, label_width), h + _DISTRICT_HEAD, dict(zip(members, corners)))
    order = sorted(boxes, key=lambda d: (-boxes[d][1] * boxes[d][0], d))
    corners, total_w, _ = pack_to_aspect([boxes[d][:2] for d in order], 1.34, gap=44)
    return [(d, x, y, boxes[d][2]) for d, (x, y) in zip(order, corners)], total_w


def _draw(canvas: Canvas, chosen: _Selection, blocks: dict[int, tuple[float, float, Members]],
          by_street: dict[int, list[int]], tiers: Tiers, links: dict[str, str]
          ) -> dict[int, str]:
    """Draw the city, each district's name and each street's block; returns the nodes
    drawn (code -> id)."""
    facts = canvas.facts
    graph, names, ids = facts.graph, facts.names, facts.ids
    districts, total_w = _pack_districts(graph, chosen.streets, blocks)
    top = _F_DISTRICT * 1.4 + 30 if chosen.district is None else 0.0
    drawn: dict[int, str] = {}
    if chosen.district is None:
        for c in np.flatnonzero(graph.is_kind("city_committee")).tolist():
            canvas.add_node(c, x=total_w / 2, y=_F_DISTRICT * 0.7, shape=HEADING_SHAPE,
                            label=str(names[c]), fill=CITY_FILL, font_size=_F_DISTRICT,
                            anchor=True, styles=[canvas.kind_style("city_committee", CITY_FILL)])
            drawn[c] = str(ids[c])
    scores = street_scores(facts.audit).set_index("street")
    street_of = graph.places["street"].to_numpy()
    comm_count = pd.Series(street_of[np.flatnonzero(graph.is_kind("community_party"))]
                           ).value_counts()
    for d, x0, y0, street_corners in districts:
        y0 += top
        if d >= 0:
            canvas.add_node(d, x=x0 + (len(str(names[d])) * _F_DISTRICT + 20) / 2,
                            y=y0 + _F_DISTRICT * 0.7, shape=HEADING_SHAPE, label=str(names[d]),
                            fill=DISTRICT_FILL, font_size=_F_DISTRICT, anchor=True,
                            styles=[canvas.kind_style("district_committee", DISTRICT_FILL)])
            drawn[d] = str(ids[d])
        for s, (sx, sy) in street_corners.items():
            sx, sy = x0 + sx, y0 + _DISTRICT_HEAD + sy
            problem = any(facts.is_problem(str(ids[c])) for c in by_street.get(s, []))
            _draw_street(canvas, s, sx, sy, scores, int(comm_count.get(s, 0)), problem,
                         chosen.aggregate, tiers, links.get(str(ids[s])))
            drawn[s] = str(ids[s])
            drawn.update(_draw_members(canvas, s, sx, sy, blocks[s][2]))
    return drawn


def _draw_street(canvas: Canvas, street: int, x: float, y: float, scores: pd.DataFrame,
                 n_communities: int, problem: bool, aggregate: bool, tiers: Tiers,
                 link: str | None) -> None:
    """A street's name box: its rank and score, filled in the colour of the score's tier;
    ``link`` (its street map) opens when the box is clicked."""
    facts = canvas.facts
    street_id = str(facts.ids[street])
    known = street_id in scores.index
    score = float(scores.at[street_id, "score"]) if known else None
    rank = int(scores.at[street_id, "rank"]) if known else 0
    label = re.sub(r"街道$", "", short_name(str(facts.names[street])))
    code = tiers.of(score)
    extra = []
    if score is not None:
        tier = tiers.tier(score)
        label += f"\n#{int(rank)} {score:.1%}"  # rank and score (得分, as on the board)
        extra.append(f"排名 rank {int(rank)} / {len(scores)} · 得分 score {score:.1%} "
                     "(各规则覆盖率均值 mean of per-rule coverage)")
        extra.append(f"等级 tier: {tier.zh} {tier.en} ({tiers.range_text(str(code))})")
    if aggregate:
        label += f"\n{n_communities} 个社区"
    extra.append(f"社区 communities: {n_communities}"
                 + (" · 有问题社区 has problem communities" if problem else ""))
    style = canvas.tier_style(code, tiers)
    if link is not None:
        extra.append("点击打开街道地图 click to open its street map")
    canvas.add_node(street, x=x + _WIDTH / 2, y=y + _HEADER / 2, shape=HEADING_SHAPE, label=label,
                    fill=canvas.styles[style]["colour"], border="#757575", border_width=1,
                    font_size=_F_STREET, anchor=True, extra=extra, styles=[style])
    if link is not None:
        canvas.nodes[-1]["link"] = link


def _draw_members(canvas: Canvas, street: int, x: float, y: float,
                  members: Members) -> dict[int, str]:
    """The communities and units of a street's block, at its top left corner (x, y)."""
    facts = canvas.facts
    drawn: dict[int, str] = {}
    for code, cx, cy, what in members:
        if what == "unit":
            canvas.add_node(code, x=x + cx, y=y + cy, size=5, fill=NODE_COLOURS["unit_party"],
                            border="#1565c0", styles=[canvas.kind_style("unit_party")],
                            problem=str(facts.ids[code]) in facts.single_points)
        else:
            look = canvas.community_look(code)
            named = what == "problem"
            label = wrap(short_name(str(facts.names[code]), str(facts.names[street])), 3) \
                if named else ""
            canvas.add_node(code, x=x + cx, y=y + cy, label=label, shape=look["shape"],
                            size=(19 if look["marked"] else 14) if named else 8, fill=look["fill"],
                            border=look["border"], border_width=look["border_width"],
                            font_size=_F_COMMUNITY, styles=look["styles"],
                            problem=look["problem"])
        drawn[code] = str(facts.ids[code])
    return drawn


def _tier_counts(canvas: Canvas, chosen: _Selection) -> str:
    """The header's count of streets in each tier drawn, as the legend names them."""
    drawn = {str(canvas.facts.ids[s]) for s in chosen.streets.tolist()}
    counts: dict[str, int] = {}
    for node in canvas.nodes:
        if node["id"] in drawn and node["kind"] == "street_committee":
            counts[node["styles"][0]] = counts.get(node["styles"][0], 0) + 1
    order = [f"tier:{code}" for code in TIER_CODES] + ["tier:none"]
    parts = [f"{canvas.styles[key]['zh'].split()[0]} {counts[key]}"
             for key in order if key in counts]
    return f"街道 streets: {' · '.join(parts)} · " if parts else ""


def _summary(facts: Facts, chosen: _Selection, max_communities: int) -> str:
    """The header's line: problem communities and each status, or that they are aggregated."""
    communities = chosen.communities
    if chosen.aggregate:
        return (f"{chosen.n_communities} 个社区已按街道汇总 communities aggregated by street "
                f"(more than {max_communities})")
    status = [facts.status.get(str(facts.ids[c]), []) for c in communities.tolist()]
    n_problem = sum(1 for c in communities.tolist() if facts.is_problem(str(facts.ids[c])))
    return (f"问题社区 problem communities {n_problem} / {len(communities)} · 孤立 isolated "
            f"{sum('isolated' in s for s in status)} · 脆弱 fragile "
            f"{sum('fragile' in s for s in status)} · 资源荒漠 deserts "
            f"{sum('desert' in s for s in status)}")
