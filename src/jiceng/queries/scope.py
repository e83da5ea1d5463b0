"""A street's or a district's own view: a city-wide result restricted to the nodes placed there.

Counting is never redone for the place: a community keeps the co-building ties it has from units
of other streets, a unit keeps every community it reaches. Only which rows are shown is
restricted, by the places of docs/design.md §5.2 (``OrgGraph.places``, or a server's skeleton
through :func:`jiceng.queries.sources.places_of`). ``resolve_place`` turns what a clerk typed
(an id, a name, part of a name) into a :class:`Place`, as ``jiceng map --street`` does.

>>> from jiceng import audit, read_sample
>>> graph = read_sample()
>>> place = resolve_place(graph, street="太慈桥")
>>> place.id, place.level
('S0020', 'street')
>>> scoped = scope_audit(audit(graph), graph, place)
>>> set(scoped.result.gaps["street"]) <= {"S0020"}
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from jiceng.graphmodel import ArgumentError, OrgGraph
from jiceng.queries._places import place_names
from jiceng.queries.coverage import AuditResult, rule_counts
from jiceng.queries.isolation import IsolationResult, isolation
from jiceng.queries.lookup import resolve_node
from jiceng.queries.plan import PlanResult, apply_plan
from jiceng.queries.reach import ReachResult, gini, reach
from jiceng.queries.rules import Rule, as_rules
from jiceng.queries.sources import places_of

__all__ = ["Place", "ScopedAudit", "StreetPart", "resolve_place", "place_mask", "scope_audit",
           "scope_isolation", "scope_reach", "scope_plan", "street_part", "PLACE_KINDS"]

#: The node kind standing for each level of place.
PLACE_KINDS = {"street": "street_committee", "district": "district_committee"}


@dataclass(frozen=True)
class Place:
    """A street or a district: its id, its name, its ``level`` (``street`` or ``district``), the
    ids of its streets (a street's own id) and the id of its district (``""`` for none)."""

    id: str
    name: str
    level: str
    streets: frozenset[str]
    district: str

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "level": self.level}


def resolve_place(source: object, *, street: str | None = None, district: str | None = None
                  ) -> Place | None:
    """The place a person named by ``street`` or ``district`` (id, full name or part of it), or
    None when neither is given.

    Raises :class:`jiceng.graphmodel.UnknownNodeError` with the closest names ("did you mean")
    when nothing matches, :class:`jiceng.graphmodel.AmbiguousNodeError` listing the candidates
    when several do, and :class:`ArgumentError` when both are given.
    """
    if street is not None and district is not None:
        raise ArgumentError("--street 与 --district 只能给一个（give either --street or --district, "
                            "not both）")
    if street is None and district is None:
        return None
    level = "street" if street is not None else "district"
    graph = places_of(source)
    place_id = resolve_node(graph, str(street if street is not None else district),
                            [PLACE_KINDS[level]])
    code = graph.code(place_id)
    places = graph.places
    if level == "street":
        streets = frozenset([place_id])
    else:
        inside = np.flatnonzero(graph.is_kind("street_committee")
                                & (places["district"].to_numpy() == code))
        streets = frozenset(str(i) for i in graph.node_values("id", inside))
    district_code = int(places["district"].iat[code])
    district_id = str(graph.nodes["id"].iat[district_code]) if district_code >= 0 else ""
    return Place(place_id, str(graph.nodes["name"].iat[code]), level, streets, district_id)


def place_mask(graph: OrgGraph, place: Place) -> np.ndarray:
    """For every node code, whether the node is placed in ``place`` (O(n))."""
    return graph.places[place.level].to_numpy() == graph.code(place.id)


def _in_place(frame: pd.DataFrame, place: Place, column: str = "") -> pd.DataFrame:
    """The rows of ``frame`` whose place is ``place``: by its own level's id column when it has
    one (``street`` or ``district``, or ``<column>_street``...), else by its street."""
    own = f"{column}_{place.level}" if column else place.level
    street = f"{column}_street" if column else "street"
    if own in frame.columns:  # numpy's text, not pandas': a site does this for every place
        keep = np.asarray(frame[own], dtype=object).astype(str) == place.id
    else:
        keep = np.isin(np.asarray(frame[street], dtype=object).astype(str),
                       sorted(place.streets))
    return frame[keep].reset_index(drop=True)


# ------------------------------------------------------------------------------------ audit
@dataclass
class ScopedAudit:
    """An audit restricted to a place.

    Attributes
    ----------
    place : Place
    result : AuditResult
        ``summary`` counted over the nodes of the place (from the roll-ups), ``gaps``,
        ``by_street`` and ``ranking`` only the place's rows (ranks stay city-wide);
        ``by_district`` and ``district_ranking`` the row of the place's district.
    communities : DataFrame
        Every community of the place: ``id, name, street, street_name, failing`` (how many
        failures count under it), by id.
    fails : DataFrame
        Each failure counted under a community: the community's own and its grids',
        buildings' and companies' (``community, community_name, rule, id, kind, name, count,
        min``), by community, then the community's own first, then node id, then rule order.
    """

    place: Place
    result: AuditResult
    communities: pd.DataFrame
    fails: pd.DataFrame

    def to_json(self, by: str | None = None) -> dict:
        """docs/design.md §6: the audit's object for the place, with ``place`` and
        ``communities``: ``[{"id", "name", "fails": [{"rule", "count", "min", "node",
        "kind"}]}]``, ``node`` being the failing node (the community or one under it)."""
        grouped: dict[str, list[dict]] = {c: [] for c in self.communities["id"]}
        for row in self.fails.itertuples(index=False):
            grouped.setdefault(row.community, []).append(
                {"rule": row.rule, "count": int(row.count), "min": int(row.min),
                 "node": row.id, "kind": row.kind})
        communities = [{"id": i, "name": n, "fails": grouped[i]}
                       for i, n in zip(self.communities["id"], self.communities["name"])]
        return self.result.to_json(by) | {"place": self.place.to_json(),
                                          "communities": communities}


def scope_audit(result: AuditResult, graph: OrgGraph, place: Place) -> ScopedAudit:
    """``result`` restricted to ``place`` (see :class:`ScopedAudit`). ``graph`` gives the
    communities of the place: any graph with every node and its place (a server's skeleton
    will do). O(gaps + roll-up rows + n)."""
    rolled = _in_place(result.by_street if place.level == "street" else result.by_district,
                       place)
    counted = rolled.groupby("rule", sort=False)[["checked", "passing"]].sum()
    summary = result.summary.copy()
    for column in ("checked", "passing"):
        summary[column] = summary["rule"].map(counted[column]).fillna(0).astype("int64")
    summary["failing"] = summary["checked"] - summary["passing"]
    checked = summary["checked"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        summary["coverage"] = np.where(checked > 0, summary["passing"] / checked, np.nan)
    gaps = _in_place(result.gaps, place)
    by_district = result.by_district[result.by_district["district"] == place.district]
    district_ranking = result.district_ranking
    if len(district_ranking):
        district_ranking = district_ranking[district_ranking["district"] == place.district]
    restricted = replace(result, summary=summary, gaps=gaps,
                         by_street=_in_place(result.by_street, place),
                         by_district=by_district.reset_index(drop=True),
                         ranking=_in_place(result.ranking, place),
                         district_ranking=district_ranking.reset_index(drop=True))

    codes = np.flatnonzero(graph.is_kind("community_party") & place_mask(graph, place))
    communities = pd.DataFrame({"id": graph.node_values("id", codes).astype(str),
                                "name": graph.node_values("name", codes)})
    communities["street"], communities["street_name"] = place_names(
        graph, graph.places["street"].to_numpy()[codes])
    communities = communities.sort_values("id", kind="stable").reset_index(drop=True)
    order = {rule.id: at for at, rule in enumerate(result.rules)}
    fails = gaps[gaps["community"].isin(set(communities["id"]))]
    fails = fails.assign(own=fails["id"] != fails["community"],
                         rule_at=fails["rule"].map(order))
    fails = fails.sort_values(["community", "own", "id", "rule_at"], kind="stable")
    fails = fails[["community", "community_name", "rule", "id", "kind", "name", "count",
                   "min"]].reset_index(drop=True)
    communities["failing"] = communities["id"].map(fails.groupby("community").size()) \
        .fillna(0).astype("int64")
    return ScopedAudit(place, restricted, communities, fails)


# ------------------------------------------------------------------------------- isolation
def scope_isolation(result: IsolationResult, place: Place) -> IsolationResult:
    """``result`` restricted to the communities of ``place``: their rows, the isolated and
    fragile among them, the single points they hang on (each with only the place's
    communities), the components holding them and the place's streets. O(communities)."""
    communities = _in_place(result.communities, place)
    ids = set(communities["id"])
    single = {unit: kept for unit, cs in result.single_points.items()
              if (kept := [c for c in cs if c in ids])}
    components = result.components[result.components["component"].isin(
        set(communities["component"]))].reset_index(drop=True)
    return IsolationResult(
        communities=communities,
        isolated=[c for c in result.isolated if c in ids],
        fragile=[c for c in result.fragile if c in ids],
        single_points=single, components=components,
        by_street=_in_place(result.by_street, place))


# ----------------------------------------------------------------------------------- reach
def scope_reach(result: ReachResult, place: Place) -> ReachResult:
    """``result`` restricted to ``place``: the units placed there (each with its whole reach,
    counted city-wide), the place's communities and deserts, and the Gini coefficient of their
    inflow. O(units + communities)."""
    communities = _in_place(result.communities, place)
    ids = set(communities["id"])
    return ReachResult(hops=result.hops, units=_in_place(result.units, place),
                       communities=communities,
                       deserts=[c for c in result.deserts if c in ids],
                       gini=gini(communities["inflow"].to_numpy()) if len(communities) else 0.0,
                       gini_by_street=_in_place(result.gini_by_street, place))


# ------------------------------------------------------------------------------------ plan
def scope_plan(result: PlanResult, graph: OrgGraph, place: Place,
               rules: Sequence[Rule] | str | os.PathLike | None = None, *,
               totals: bool = True) -> PlanResult:
    """``result`` (a plan made for the whole city) restricted to ``place``: the proposals whose
    target lies there, its needs and unmet needs, and the totals before → after counted over
    the place's nodes (isolated, fragile, deserts; each rule's coverage). ``rules`` are the
    plan's rules (default: the article's). Costs one isolation, reach and rule count on the
    graph and on the planned graph, O(n + m); without ``totals`` (the site's many pages show
    only the proposals and unmet needs) the totals are left empty and it costs O(proposals)."""
    return replace(result, proposals=_in_place(result.proposals, place, "target"),
                   unmet=_in_place(result.unmet, place),
                   needs=_in_place(result.needs, place),
                   totals=_place_totals(result, graph, place, as_rules(rules)) if totals
                   else result.totals.iloc[:0])


def _place_totals(result: PlanResult, graph: OrgGraph, place: Place, rules: list[Rule]
                  ) -> pd.DataFrame:
    hops = int(result.settings.get("hops", 2))
    by_id = {rule.id: rule for rule in rules}
    totals = result.totals.copy().astype({"before": float, "after": float})
    for at, planned in (("before", graph), ("after", apply_plan(graph, result))):
        iso = scope_isolation(isolation(planned), place)
        deserts = scope_reach(reach(planned, hops=hops), place).deserts
        inside = place_mask(planned, place)
        counts = {"isolated": len(iso.isolated), "fragile": len(iso.fragile),
                  "deserts": len(deserts)}
        for row, measure in enumerate(totals["measure"]):
            if measure in counts:
                totals.at[row, at] = counts[measure]
            elif measure.startswith("rule:") and measure[5:] in by_id:
                rule = by_id[measure[5:]]
                codes, found = rule_counts(planned, rule)
                here = inside[codes]
                totals.at[row, at] = (float((np.asarray(found)[here] >= rule.min).mean())
                                      if here.any() else float("nan"))
    return totals


# ----------------------------------------------------------------------- a street's own part
@dataclass
class StreetPart:
    """A street's part of a city, as its office keeps it (docs/design.md §8).

    Attributes
    ----------
    place : Place
    graph : OrgGraph
        The street committee, every node placed in the street, the nodes of other places tied
        to them by an edge, and every edge touching the street (city ids, attributes, order).
    elsewhere : DataFrame
        The nodes of ``graph`` not placed in the street: ``id, street, street_name`` (the
        place they belong to; ``""`` and 未归属 for a node of no street, such as the district
        committee), in the order of ``graph``.
    """

    place: Place
    graph: OrgGraph
    elsewhere: pd.DataFrame


def street_part(graph: OrgGraph, place: Place) -> StreetPart:
    """The part of ``graph`` a street office keeps: see :class:`StreetPart`. O(n + m).

    >>> from jiceng import read_sample
    >>> graph = read_sample()
    >>> part = street_part(graph, resolve_place(graph, street="太慈桥"))
    >>> part.graph.count("street_committee"), bool(part.elsewhere["id"].isin(part.graph.nodes["id"]).all())
    (1, True)
    """
    if place.level != "street":
        raise ArgumentError("只能取一个街道的部分（a street's part only, not a district's）")
    inside = place_mask(graph, place)
    source, target, _ = graph.edge_arrays
    touching = inside[source] | inside[target]
    keep = inside.copy()
    keep[source[touching]] = True
    keep[target[touching]] = True
    part = graph.subgraph(keep, touching)
    others = np.flatnonzero(keep & ~inside)
    elsewhere = pd.DataFrame({"id": graph.node_values("id", others).astype(str)})
    elsewhere["street"], elsewhere["street_name"] = place_names(
        graph, graph.places["street"].to_numpy()[others])
    return StreetPart(place, part, elsewhere)
