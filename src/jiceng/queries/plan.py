"""Plan: the pairings and part-time seats that close the gaps, proposed optimally.

docs/design.md §4.5. The *needs* are every gap a proposed ``pairs_with`` or ``part_time`` edge
can close:

* A community Party organization with fewer than ``min_units`` distinct co-building units
  (units tied to it by any co-building edge: ``pairs_with``, ``part_time``, ``reports_to``)
  needs that many more units. Its need is ``isolated`` when it has no unit at all and
  ``fragile`` otherwise (with the default ``min_units=2``: exactly one unit). Only a unit not
  yet tied to it (a *fresh* one) meets it, by a pairing or a seat: each adds a distinct unit.
* A node that the active rules ``community-part-time`` or ``street-part-time`` check and that
  has fewer part-time members than the rule's ``min`` needs that many more seats
  (``part_time``), each met by one proposed ``part_time`` edge (one person); a community or
  street that ``community-pairing`` or ``street-pairing`` checks and that is short of
  pairings needs ``pairing``, met by a proposed ``pairs_with``. Any unit not yet holding such
  an edge to it may meet these: a unit whose members report to a community may pair with it.
  The minima come from the rules, not from constants.

*Supply*: each unit Party organization may be paired with at most ``capacity`` streets and
communities in all (existing pairings count) and supply at most ``part_time_capacity``
part-time members in all (existing members count); a units file
(:mod:`jiceng.queries.units`) may exclude units or give them their own capacities.

*What may meet what*: a unit is proposed only to a target of its own street (its place:
the street of the unit it covers), or with ``scope="district"`` of its own district at a
higher cost, and at most once per target and kind: a unit may be proposed both as a pairing
and as a part-time member of the same target (the two draw on different capacities), but
never gives one target a second part-time member, so that seats come from different units.

*Best*: the plan meets as many needs as possible; among those plans it makes as few
cross-street proposals as possible; then it spreads the load (each further proposal from a
unit costs more the less spare capacity the unit has left); remaining ties go to the unit
with the smaller id. Pairings and part-time seats draw on separate capacities, so they are
two independent problems, each solved exactly by min-cost flows
(:mod:`jiceng.queries._plan_flow`). No greedy step anywhere.

*Unmet*: every need left short is listed with its reason and what would meet it: ``--scope
district`` where the district's plan meets more of it (that plan is made to know), else a
higher capacity where the units that may meet it are full. So auditing the planned graph
fails exactly the gaps ``unmet`` lists.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jiceng.graphmodel import (
    EDGE_KINDS,
    ArgumentError,
    ArgumentTypeError,
    InvalidInputError,
    OrgGraph,
    Problem,
    ProblemCode,
    RuleError,
)
from jiceng.queries._places import place_names
from jiceng.queries._plan_flow import eligible_arcs, solve
from jiceng.queries.coverage import rule_counts
from jiceng.queries.isolation import co_building_edges, isolation
from jiceng.queries.reach import reach, reach_matrix
from jiceng.queries.rules import Rule, as_rules
from jiceng.queries.sources import as_graph
from jiceng.queries.units import MAX_CAPACITY, UnitSetting, as_settings, read_units, unit_limits

__all__ = ["PlanResult", "UnitSetting", "plan", "apply_plan", "read_units", "NEEDS", "SCOPES",
           "PLAN_KINDS", "MAX_PLAN_PAIRS"]

#: Need codes and their (Chinese, English) labels.
NEEDS: dict[str, tuple[str, str]] = {
    "isolated": ("孤立社区", "isolated community: units wanted"),
    "fragile": ("脆弱社区", "fragile community: more units wanted"),
    "part_time": ("兼职委员不足", "part-time members short (3+N / 1+N)"),
    "pairing": ("街道未结对", "street without a pairing"),
}
#: Scope codes and their (Chinese, English) labels.
SCOPES: dict[str, tuple[str, str]] = {
    "street": ("同街道", "same street"),
    "district": ("跨街道（同区县）", "across streets, same district"),
}
#: The edge kinds a plan proposes.
PLAN_KINDS: tuple[str, ...] = ("pairs_with", "part_time")

#: The rules whose gaps become needs: rule id -> need code (its counted edge kind decides
#: which proposals meet it).
_RULE_NEEDS = {"community-part-time": "part_time", "street-part-time": "part_time",
               "street-pairing": "pairing", "community-pairing": "pairing"}
#: The needs for distinct units, met only by units not tied to the target before.
_UNIT_NEEDS = ("isolated", "fragile")
_MAX_MIN_UNITS = 100
#: Open (unit, target) pairs of one kind in one street (or district, with ``--scope
#: district``): about 10 s of exact solving. The largest in the sample's districts is 5,046.
MAX_PLAN_PAIRS = 50_000
_HOPS = 2  # deserts and households reached are counted at docs/design.md §4's default k

_REASONS = {
    "no_unit": "范围内没有尚未与其建立此类关系的单位（no untied unit in scope: none, or all tied to it "
               "already）",
    "no_capacity": "范围内的单位已无余量（no unit with spare capacity left in scope）",
}


@dataclass
class PlanResult:
    """A plan and what it changes.

    Attributes
    ----------
    proposals : DataFrame
        One row per proposed edge: ``unit, unit_name, unit_street, unit_street_name, target,
        target_name, target_kind, target_street, target_street_name, kind, kind_zh, need,
        need_zh, new_households, scope, scope_zh``. ``new_households``: households of the
        communities the edge newly brings within the unit's reach (k = 2); 0 where the unit
        reaches them already (``households`` in JSON).
    unmet : DataFrame
        ``target, target_name, target_kind, street, street_name, district_name, need, need_zh,
        missing, reason, remedy, remedy_zh``: the needs the plan leaves short, why, and what
        would meet them (``remedy``: the options, such as ``--scope district``, or empty).
    needs : DataFrame
        Every need: ``target, target_name, target_kind, street, street_name, need, need_zh,
        wanted, met, missing``.
    totals : DataFrame
        ``measure, measure_zh, before, after``: isolated and fragile communities, resource
        deserts (k = 2), then the coverage of each active rule that counts pairings or
        part-time members (``rule:<id>``).
    settings : dict
        The options the plan was made with.
    """

    proposals: pd.DataFrame
    unmet: pd.DataFrame
    needs: pd.DataFrame
    totals: pd.DataFrame
    settings: dict[str, Any]

    def to_json(self) -> dict:
        """docs/design.md §6: ``proposals``, ``unmet`` and ``totals`` (``before``/``after``
        counts)."""
        counts = self.totals.set_index("measure")
        return {
            "proposals": [{"unit": u, "target": t, "kind": k, "need": n, "households": int(h),
                           "scope": s}
                          for u, t, k, n, h, s in zip(
                              self.proposals["unit"], self.proposals["target"],
                              self.proposals["kind"], self.proposals["need"],
                              self.proposals["new_households"], self.proposals["scope"])],
            "unmet": [{"target": t, "need": n, "missing": int(m)}
                      for t, n, m in zip(self.unmet["target"], self.unmet["need"],
                                         self.unmet["missing"])],
            "totals": {when: {m: int(counts.at[m, when])
                              for m in ("isolated", "fragile", "deserts")}
                       for when in ("before", "after")},
        }


def _check_count(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        number = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
        wrong = ArgumentError if number else ArgumentTypeError
        raise wrong(f"{name}：应为 {low} 到 {high} 的整数（must be a whole number from {low} to "
                    f"{high}, not {value!r}）")
    return int(value)


# ------------------------------------------------------------------ the plan
def plan(graph: OrgGraph, *, min_units: int = 2, capacity: int = 5, part_time_capacity: int = 3,
         scope: str = "street",
         units: Sequence[UnitSetting] | str | os.PathLike | None = None,
         rules: Sequence[Rule] | str | os.PathLike | None = None) -> PlanResult:
    """Propose the pairings and part-time seats that close the most gaps (see module doc).

    Parameters
    ----------
    graph : OrgGraph
    min_units : int, default 2
        Distinct co-building units every community should have (≥ 1).
    capacity : int, default 5
        Streets and communities a unit may be paired with in all, existing pairings included.
    part_time_capacity : int, default 3
        Part-time members a unit may supply in all, existing members included.
    scope : {"street", "district"}
        Where a unit may be proposed: its own street, or (at a cost) its own district.
    units : list of UnitSetting, or a path to a YAML/CSV units file, optional
        Excluded units and units with their own capacities.
    rules : list of Rule, or a path to a rule file, optional
        The active rules: their ``community-part-time``, ``street-part-time`` and
        ``street-pairing`` minima make the part-time and pairing needs.

    Raises
    ------
    ArgumentError
        For an argument out of its range (``min_units=0``, ``scope="city"``); an
        ``ArgumentTypeError`` for one of the wrong type (``units=["UP00001"]`` rather than
        UnitSettings).
    InvalidInputError
        For bad units, in a file or given (unknown unit, negative capacity, ...).

    Notes
    -----
    Exact: a min-cost flow per connected component of eligible (unit, target)
    pairs, one street (or one district) at a time; network simplex on a few hundred arcs
    each. The before/after totals cost one isolation, reach and rule count on each graph,
    O(n + m).

    Examples
    --------
    >>> from jiceng.loaders import read_sample
    >>> result = plan(read_sample())
    >>> totals = result.to_json()["totals"]
    >>> totals["after"]["isolated"] <= totals["before"]["isolated"]
    True
    >>> set(result.proposals["kind"]) <= {"pairs_with", "part_time"}
    True
    """
    graph = as_graph(graph)
    min_units = _check_count("min_units (--min-units)", min_units, 1, _MAX_MIN_UNITS)
    capacity = _check_count("capacity (--capacity)", capacity, 0, MAX_CAPACITY)
    part_time_capacity = _check_count("part_time_capacity (--part-time-capacity)",
                                      part_time_capacity, 0, MAX_CAPACITY)
    if not isinstance(scope, str) or scope not in SCOPES:
        raise ArgumentError(f"scope (--scope)：应为 street 或 district（must be street or "
                            f"district, not {scope!r}）")
    settings_list, units_file = as_settings(units)
    rules = as_rules(rules)
    supply = _supply(graph, settings_list, units_file, capacity, part_time_capacity)
    needs = _needs(graph, min_units, rules)
    chosen = _propose(graph, needs, supply, scope)
    needs["met"] = _met(needs, chosen)
    unmet = _unmet(graph, needs, chosen, supply, scope)
    settings = {"min_units": min_units, "capacity": capacity,
                "part_time_capacity": part_time_capacity, "scope": scope,
                "units": len(settings_list), "rules": [r.id for r in rules]}
    return _assemble(graph, chosen, needs, unmet, rules, settings)


@dataclass
class _Supply:
    """What units can give: the units not excluded, each node's spare capacity and use per
    kind, and the (unit, target) pairs already tied (keys ``unit * n_nodes + target``)."""

    units: np.ndarray
    spare: dict[str, np.ndarray]
    used: dict[str, np.ndarray]
    capacity: dict[str, np.ndarray]
    tied: np.ndarray  # by any co-building edge
    blocked: dict[str, np.ndarray]  # by an edge of the kind


def _supply(graph: OrgGraph, settings: Sequence[UnitSetting], units_file: str | None,
            capacity: int, part_time_capacity: int) -> _Supply:
    pair_cap, time_cap, excluded = unit_limits(graph, settings, units_file, capacity=capacity,
                                               part_time_capacity=part_time_capacity)
    n = graph.n_nodes
    e_src, e_dst, _ = graph.edge_arrays
    keys = {kind: np.unique(e_src[graph.edge_positions(kind)].astype(np.int64) * n
                            + e_dst[graph.edge_positions(kind)]) for kind in PLAN_KINDS}
    src, dst = co_building_edges(graph)
    # pairings count distinct targets, part-time members count edges (people)
    used = {"pairs_with": np.bincount(keys["pairs_with"] // n, minlength=n),
            "part_time": np.bincount(e_src[graph.edge_positions("part_time")], minlength=n)}
    caps = {"pairs_with": pair_cap, "part_time": time_cap}
    spare = {kind: np.where(excluded, 0, np.maximum(caps[kind] - used[kind], 0))
             for kind in PLAN_KINDS}
    units = np.flatnonzero(graph.is_kind("unit_party") & ~excluded)
    return _Supply(units, spare, used, caps, np.unique(src.astype(np.int64) * n + dst), keys)


def _propose(graph: OrgGraph, needs: pd.DataFrame, supply: _Supply, scope: str) -> pd.DataFrame:
    """The optimal proposals ``unit, target, cross, fresh, kind, need``, one exact solution
    per kind (the two draw on separate capacities)."""
    street = graph.places["street"].to_numpy()
    level = street if scope == "street" else graph.places["district"].to_numpy()
    arcs = {kind: eligible_arcs(graph, supply.units,
                                np.unique(needs.loc[needs["kind"] == kind, "target"].to_numpy(
                                    np.int64)), level, street, blocked=supply.blocked[kind],
                                tied=supply.tied) for kind in PLAN_KINDS}
    _check_size(graph, arcs, supply.spare, level, scope)
    for_units = needs["need"].isin(_UNIT_NEEDS)
    units_wanted = dict(zip(needs.loc[for_units, "target"], needs.loc[for_units, "wanted"]))
    unit_need = dict(zip(needs.loc[for_units, "target"], needs.loc[for_units, "need"]))
    chosen = []
    for kind in PLAN_KINDS:
        rule_need = ~for_units & (needs["kind"] == kind)
        edges_wanted = dict(zip(needs.loc[rule_need, "target"], needs.loc[rule_need, "wanted"]))
        wanted = units_wanted if kind == "pairs_with" else {}
        flow = solve(graph, arcs[kind], wanted, edges_wanted, supply.spare[kind])
        # the first fresh proposals to a target, up to its unit need, are for that need
        order = flow.groupby(["target", "fresh"]).cumcount().to_numpy()
        flow["kind"] = kind
        flow["need"] = [unit_need[t] if fresh and rank < wanted.get(t, 0)
                        else ("pairing" if kind == "pairs_with" else "part_time")
                        for t, fresh, rank in zip(flow["target"].tolist(),
                                                  flow["fresh"].tolist(), order.tolist())]
        chosen.append(flow)
    return pd.concat(chosen, ignore_index=True)


def _met(needs: pd.DataFrame, chosen: pd.DataFrame) -> list[int]:
    """Per need, how much of it the proposals meet: new distinct units for ``isolated`` and
    ``fragile`` (pairings and seats from units not tied to it before), edges of its kind for
    the rest."""
    fresh = chosen[chosen["fresh"]].groupby("target")["unit"].nunique()
    per_kind = chosen.groupby(["target", "kind"]).size()
    return [min(int(w), int(fresh.get(t, 0)) if need in _UNIT_NEEDS
                else int(per_kind.get((t, kind), 0)))
            for t, need, kind, w in zip(needs["target"], needs["need"], needs["kind"],
                                        needs["wanted"])]


def _unmet(graph: OrgGraph, needs: pd.DataFrame, chosen: pd.DataFrame, supply: _Supply,
           scope: str) -> pd.DataFrame:
    """The needs left short: ``target, need, kind, missing, reason, remedy, remedy_zh``.

    ``reason``: no unit in scope may take it (``no_unit``), or every one that may has no spare
    capacity left (``no_capacity``). ``remedy``: what would meet it. ``--scope district`` where
    the plan of the whole district meets more of it (that plan is made to know); else a
    higher capacity where units that may take it are full: the capacity at which enough of
    them would have room (the plan with it may place them otherwise); else nothing."""
    short = needs[needs["met"] < needs["wanted"]].reset_index(drop=True)
    columns = ["target", "need", "kind", "missing", "reason", "remedy", "remedy_zh"]
    if short.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("target", "missing") else object)
                             for c in columns})
    wider = None
    if scope == "street":
        try:
            district_plan = _propose(graph, needs, supply, "district")
            wider = dict(zip(zip(needs["target"], needs["need"]), _met(needs, district_plan)))
        except InvalidInputError:  # a district too large to plan exactly: not suggested
            wider = None
    used = {kind: supply.used[kind] + np.bincount(chosen.loc[chosen["kind"] == kind, "unit"]
                                                  .to_numpy(np.int64), minlength=graph.n_nodes)
            for kind in PLAN_KINDS}
    rows = []
    for row in short.itertuples(index=False):
        missing = int(row.wanted - row.met)
        here = _candidates(graph, row, chosen, supply, scope)
        reason = "no_capacity" if len(here) else "no_unit"
        remedy, remedy_zh = "", "无：区县内没有可配置的单位（no unit in the district can meet it）"
        if wider is not None and wider[(row.target, row.need)] > row.met:
            remedy, remedy_zh = "--scope district", "跨街道配置可满足（planning across the " \
                                                    "district meets it）"
        else:
            wide = here if len(here) or scope == "district" else \
                _candidates(graph, row, chosen, supply, "district")
            if len(wide):
                needed = np.sort(used[row.kind][wide] + 1)
                option = "--capacity" if row.kind == "pairs_with" else "--part-time-capacity"
                remedy = f"{option} {int(needed[min(missing, len(needed)) - 1])}"
                if not len(here):
                    remedy = f"--scope district {remedy}"
                remedy_zh = f"提高单位上限：{remedy}（a higher capacity: {remedy}）"
        rows.append((row.target, row.need, row.kind, missing, reason, remedy, remedy_zh))
    return pd.DataFrame(rows, columns=columns)


def _candidates(graph: OrgGraph, need, chosen: pd.DataFrame, supply: _Supply,
                scope: str) -> np.ndarray:
    """The units (not excluded) in ``scope`` that may be proposed to meet ``need`` and are not
    proposed to its target yet: without an edge of its kind there, and for ``isolated`` or
    ``fragile`` without any co-building tie there."""
    level = graph.places["street" if scope == "street" else "district"].to_numpy()
    units = supply.units[level[supply.units] == level[need.target]] \
        if level[need.target] >= 0 else supply.units[:0]
    keys = units.astype(np.int64) * graph.n_nodes + need.target
    keep = ~np.isin(keys, supply.blocked[need.kind])
    if need.need in _UNIT_NEEDS:
        keep &= ~np.isin(keys, supply.tied)
        taken = chosen.loc[(chosen["target"] == need.target) & chosen["fresh"], "unit"]
    else:
        taken = chosen.loc[(chosen["target"] == need.target) & (chosen["kind"] == need.kind),
                           "unit"]
    keep &= ~np.isin(units, taken.to_numpy(np.int64))
    return units[keep]


def _check_size(graph: OrgGraph, eligible: Mapping[str, pd.DataFrame],
                spare: Mapping[str, np.ndarray], place: np.ndarray, scope: str) -> None:
    """Refuse, before solving anything, a place where more than :data:`MAX_PLAN_PAIRS`
    (unit, target) pairs of one kind are open: the exact solution's time grows with the
    square of its pairs (480 communities and 1,000 units of one district: 480,000 pairs,
    two minutes)."""
    for kind, arcs in eligible.items():
        arcs = arcs[spare[kind][arcs["unit"].to_numpy()] > 0]
        if len(arcs) <= MAX_PLAN_PAIRS:
            continue
        counts = np.bincount(place[arcs["target"].to_numpy()])
        if counts.max() <= MAX_PLAN_PAIRS:
            continue
        where = int(counts.argmax())
        name, code = graph.nodes["name"].iloc[where], graph.nodes["id"].iloc[where]
        level_zh, level_en = ("街道", "street") if scope == "street" else ("区县", "district")
        advice_zh = ("请按街道配置（--scope street），或用 --units 排除部分单位" if scope == "district"
                     else "请用 --units 排除部分单位，或调低 --capacity / --part-time-capacity")
        advice_en = ("plan by street (--scope street), or exclude units with --units"
                     if scope == "district" else "exclude units with --units, or lower "
                     "--capacity / --part-time-capacity")
        raise InvalidInputError([Problem(
            f"scope (--scope {scope})", None, None,
            f"{level_zh} {name}（{code}）有 {int(counts[where]):,} 对可配置的{EDGE_KINDS[kind].zh}"
            f"（单位, 对象）组合，超过 {MAX_PLAN_PAIRS:,} 对的上限：精确求解的时间随组合数的平方增长。"
            f"{advice_zh}",
            f"{level_en} {name} ({code}) has {int(counts[where]):,} open (unit, target) pairs "
            f"for {kind}, above the limit of {MAX_PLAN_PAIRS:,}: the exact plan's time grows "
            f"with the square of the pairs. {advice_en[0].upper()}{advice_en[1:]}",
            code=ProblemCode.TOO_MANY_PAIRS)])


def _needs(graph: OrgGraph, min_units: int, rules: Sequence[Rule]) -> pd.DataFrame:
    """Every need: ``target`` (code), ``need``, ``kind`` (the edge kind that meets it),
    ``wanted`` (how many)."""
    frames = []
    src, dst = co_building_edges(graph)
    communities = np.flatnonzero(graph.is_kind("community_party"))
    distinct_pairs = np.unique(dst.astype(np.int64) * graph.n_nodes + src)
    per_target = np.bincount(distinct_pairs // graph.n_nodes, minlength=graph.n_nodes)
    units_now = per_target[communities]
    short = units_now < min_units
    frames.append(pd.DataFrame({
        "target": communities[short],
        "need": np.where(units_now[short] == 0, "isolated", "fragile"),
        "kind": "pairs_with", "wanted": (min_units - units_now[short]).astype(np.int64)}))
    targets_ok = graph.is_kind("community_party", "street_committee")
    for rule in rules:
        need = _RULE_NEEDS.get(rule.id)
        if need is None:
            continue
        kind = rule.count.edge
        if (kind not in PLAN_KINDS or rule.count.direction != "in"
                or (rule.count.other and "unit_party" not in rule.count.other)
                or rule.count.other_attrs):
            raise RuleError("配置方案用单位党组织的结对共建或兼职委员补足这条规则，规则须统计这些关系"
                            "（count.edge 为 pairs_with 或 part_time，direction in，other unit_party）",
                            "a plan meets this rule with proposed pairs_with or part_time edges "
                            "from unit Party organizations, so the rule must count those "
                            "(count.edge pairs_with or part_time, direction in, other unit_party)",
                            rule=rule.id, field="count")
        codes, counts = rule_counts(graph, rule)
        codes, counts = np.asarray(codes, dtype=np.int64), np.asarray(counts, dtype=np.int64)
        gap = (counts < rule.min) & targets_ok[codes]
        frames.append(pd.DataFrame({"target": codes[gap], "need": need, "kind": kind,
                                    "wanted": rule.min - counts[gap]}))
    needs = pd.concat(frames, ignore_index=True)
    # one need per (target, need): two rules of one need on one target (a user's rules) ask
    # for the larger number, not the sum; a unit need and a pairing need stay two, as the
    # audit fails them apart (a pairing from a unit already tied meets only the second)
    needs = needs.sort_values(["target", "need", "wanted"], ascending=[True, True, False],
                              kind="stable").drop_duplicates(["target", "need"])
    return needs.reset_index(drop=True)


# ------------------------------------------------------------------ after the plan
def apply_plan(graph: OrgGraph, result: PlanResult | pd.DataFrame) -> OrgGraph:
    """A copy of the graph with the proposed edges added, each with ``status`` =
    ``proposed`` and ``need`` = the need it meets (maps draw such edges dashed).

    ``result`` may be a proposal table edited by hand: an id of no node in the graph raises
    :class:`~jiceng.graphmodel.UnknownNodeError` naming every such id.

    >>> from jiceng.loaders import read_sample
    >>> g = read_sample()
    >>> result = plan(g)
    >>> apply_plan(g, result).n_edges == g.n_edges + len(result.proposals)
    True
    """
    graph = as_graph(graph)
    proposals = _proposal_table(result)
    edges = graph.edges
    dtype = edges["source"].dtype
    units, targets = graph.codes(proposals["unit"]), graph.codes(proposals["target"])
    unknown = [(column, node_id) for column, ids, codes in (("unit", proposals["unit"], units),
                                                           ("target", proposals["target"], targets))
               for node_id in dict.fromkeys(ids[codes < 0])]
    if unknown:  # an edited table: a code of -1 would silently be the last node
        from jiceng.graphmodel import UnknownNodeError  # here: this function's own concern

        error = UnknownNodeError(str(unknown[0][1]))
        zh = "、".join(f"{column} {node_id!r}" for column, node_id in unknown)
        error.args = (f"拟建关系表中有 {len(unknown)} 个编号在图中没有节点：{zh}（unknown node "
                      f"ids in the proposals: {', '.join(f'{c} {n!r}' for c, n in unknown)}）",)
        raise error
    added = pd.DataFrame({
        "source": units.astype(dtype),
        "target": targets.astype(dtype),
        "kind": pd.Categorical(proposals["kind"].tolist(), dtype=edges["kind"].dtype),
        "status": pd.array(["proposed"] * len(proposals), dtype="str"),
        "need": pd.array(proposals["need"].tolist(), dtype="str"),
    })
    for column in ("status", "need"):
        if column not in edges.columns:
            edges = edges.assign(**{column: pd.array([pd.NA] * len(edges), dtype="str")})
    combined = pd.concat([edges, added], ignore_index=True)
    for column in added.columns.drop(["source", "target", "kind"]):
        combined[column] = combined[column].astype("str")
    after = OrgGraph(graph.nodes, combined, name=graph.name)
    # co-building edges place nothing, so the places are those of the graph planned on
    after.__dict__["places"] = graph.places
    return after


_PROPOSAL_COLUMNS = ("unit", "target", "kind", "need")


def _proposal_table(result: object) -> pd.DataFrame:
    """The proposals :func:`apply_plan` adds: a PlanResult's, or a table with their columns."""
    if isinstance(result, PlanResult):
        return result.proposals
    if not isinstance(result, pd.DataFrame):
        raise ArgumentTypeError(
            f"result 须为 plan() 的结果（PlanResult）或含 {', '.join(_PROPOSAL_COLUMNS)} 列的表"
            f"（DataFrame），而不是 {type(result).__name__}（result must be a PlanResult from "
            f"plan() or a DataFrame with columns {', '.join(_PROPOSAL_COLUMNS)}, not "
            f"{type(result).__name__}）")
    missing = [c for c in _PROPOSAL_COLUMNS if c not in result.columns]
    if missing:
        raise ArgumentError(
            f"result 须为含 {', '.join(_PROPOSAL_COLUMNS)} 列的表，缺少 {', '.join(missing)}"
            f"（result must be a table with columns {', '.join(_PROPOSAL_COLUMNS)}; "
            f"missing: {', '.join(missing)}）")
    return result


def _need_labels(needs, target_kinds) -> list[str]:
    """Chinese need labels; a part-time need says whose formula it misses (3+N or 1+N)."""
    out = []
    for need, kind in zip(needs, target_kinds):
        text = NEEDS[need][0]
        if need == "part_time":
            text += "（3+N）" if kind == "community_party" else "（1+N）"
        out.append(text)
    return out


def _assemble(graph: OrgGraph, chosen: pd.DataFrame, needs: pd.DataFrame,
              short: pd.DataFrame, rules: Sequence[Rule], settings: dict) -> PlanResult:
    street = graph.places["street"].to_numpy()
    kinds = graph.nodes["kind"].astype(str)

    def describe(codes: np.ndarray, prefix: str) -> dict[str, Any]:
        codes = np.asarray(codes, dtype=np.int64)
        place_ids, place_names_ = place_names(graph, street[codes])
        return {prefix: graph.node_values("id", codes),
                f"{prefix}_name": graph.node_values("name", codes),
                f"{prefix}_kind": kinds.take(codes).to_numpy(dtype=object),
                f"{prefix}_street": place_ids, f"{prefix}_street_name": place_names_}

    u_codes = chosen["unit"].to_numpy(np.int64)
    t_codes = chosen["target"].to_numpy(np.int64)
    table = pd.DataFrame({**describe(u_codes, "unit"), **describe(t_codes, "target")})
    table = table.drop(columns="unit_kind")
    table["kind"] = chosen["kind"].to_numpy(dtype=object)
    table["kind_zh"] = [EDGE_KINDS[k].zh for k in table["kind"]]
    table["need"] = chosen["need"].to_numpy(dtype=object)
    table["need_zh"] = _need_labels(table["need"], table["target_kind"])
    table["new_households"] = _households_reached(graph, u_codes, t_codes)
    scope = np.where(chosen["cross"].to_numpy(dtype=bool), "district", "street")
    table["scope"] = scope
    table["scope_zh"] = [SCOPES[s][0] for s in scope]
    table = table.sort_values(["target_street", "target", "kind", "unit"], kind="stable")
    table = table.reset_index(drop=True)

    need_table = pd.DataFrame(describe(needs["target"].to_numpy(np.int64), "target"))
    need_table = need_table.rename(columns={"target_street": "street",
                                            "target_street_name": "street_name"})
    need_table["need"] = needs["need"].to_numpy(dtype=object)
    need_table["need_zh"] = _need_labels(need_table["need"], need_table["target_kind"])
    need_table["wanted"] = needs["wanted"].to_numpy(np.int64)
    need_table["met"] = needs["met"].to_numpy(np.int64)
    need_table["missing"] = need_table["wanted"] - need_table["met"]
    need_table = need_table.sort_values(["street", "target", "need"], kind="stable")
    need_table = need_table.reset_index(drop=True)

    unmet_codes = short["target"].to_numpy(np.int64)
    unmet = pd.DataFrame(describe(unmet_codes, "target")).rename(
        columns={"target_street": "street", "target_street_name": "street_name"})
    unmet["district_name"] = place_names(graph, graph.places["district"].to_numpy()[unmet_codes])[1]
    unmet["need"] = short["need"].to_numpy(dtype=object)
    unmet["need_zh"] = _need_labels(unmet["need"], unmet["target_kind"])
    unmet["missing"] = short["missing"].to_numpy(np.int64)
    unmet["reason"] = [_REASONS[r] for r in short["reason"]]
    unmet["remedy"] = short["remedy"].to_numpy(dtype=object)
    unmet["remedy_zh"] = short["remedy_zh"].to_numpy(dtype=object)
    unmet = unmet.sort_values(["street", "target", "need"], kind="stable").reset_index(drop=True)

    after = apply_plan(graph, table)
    totals = _totals(graph, after, rules)
    return PlanResult(table, unmet, need_table, totals, settings)


def _households_reached(graph: OrgGraph, units: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per proposal: households of the communities its edge brings newly within the
    unit's reach (the target community, or a street's communities), as before the plan."""
    out = np.zeros(len(units), dtype=np.int64)
    if not len(units):
        return out
    households = (graph.nodes["households"].fillna(0).to_numpy(dtype=np.int64)
                  if "households" in graph.nodes.columns else np.zeros(graph.n_nodes, np.int64))
    distinct = np.unique(units)
    _, communities, matrix = reach_matrix(graph, _HOPS, units=distinct)
    row_of = {u: i for i, u in enumerate(distinct.tolist())}
    column_of = {c: i for i, c in enumerate(communities.tolist())}
    leads = graph.adjacency(["leads"]).tocsr()
    is_community = graph.is_kind("community_party")
    for i, (u, t) in enumerate(zip(units.tolist(), targets.tolist())):
        # the edge's own hop, then leads edges for the remaining hops
        frontier, reached = {t}, {t}
        for _ in range(_HOPS - 1):
            frontier = {int(c) for f in frontier for c in leads[f].indices} - reached
            reached |= frontier
        before = matrix[row_of[u]]
        already = set(before.indices.tolist())
        new = [c for c in reached if is_community[c] and column_of[c] not in already]
        out[i] = int(households[new].sum()) if new else 0
    return out


def _totals(before: OrgGraph, after: OrgGraph, rules: Sequence[Rule]) -> pd.DataFrame:
    rows: list[tuple[str, str, float, float]] = []
    iso = (isolation(before), isolation(after))
    deserts = (reach(before, hops=_HOPS), reach(after, hops=_HOPS))
    rows.append(("isolated", "孤立社区数", len(iso[0].isolated), len(iso[1].isolated)))
    rows.append(("fragile", "脆弱社区数", len(iso[0].fragile), len(iso[1].fragile)))
    rows.append(("deserts", f"资源荒漠社区数（k = {_HOPS}）", len(deserts[0].deserts),
                 len(deserts[1].deserts)))
    for rule in rules:
        if rule.count.edge not in PLAN_KINDS:
            continue
        coverage = []
        for graph in (before, after):
            _, counts = rule_counts(graph, rule)
            counts = np.asarray(counts)
            coverage.append(float((counts >= rule.min).mean()) if len(counts) else float("nan"))
        rows.append((f"rule:{rule.id}", f"覆盖率：{rule.title_zh}", coverage[0], coverage[1]))
    return pd.DataFrame(rows, columns=["measure", "measure_zh", "before", "after"])
