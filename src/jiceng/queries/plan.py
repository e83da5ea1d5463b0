"""Plan: the pairings and part-time seats that close the gaps, proposed optimally.

docs/design.md §4 "Plan". Two kinds of *needs*:

* A community Party organization with fewer than ``min_units`` distinct co-building units
  (units tied to it by any co-building edge: ``pairs_with``, ``part_time``, ``reports_to``)
  needs that many more units. Its need is ``isolated`` when it has no unit at all and
  ``fragile`` otherwise (with the default ``min_units=2``: exactly one unit). A unit need is
  met by a proposed pairing (``pairs_with``) from a unit not yet tied to it, so every met
  unit need adds a distinct unit.
* A node that the active rules ``community-part-time`` or ``street-part-time`` check and that
  has fewer part-time members than the rule's ``min`` needs that many more seats
  (``part_time``), each met by one proposed ``part_time`` edge (one person); a street that
  ``street-pairing`` checks and that is short of pairings needs ``pairing``, met by a proposed
  ``pairs_with``. The minima come from the rules, not from constants.

*Supply*: each unit Party organization may be paired with at most ``capacity`` streets and
communities in all (existing pairings count) and supply at most ``part_time_capacity``
part-time members in all (existing members count); a units file may exclude units or give
them their own capacities.

*What may meet what*: a unit is proposed only to a target of its own street (its place:
the street of the unit it covers), or with ``scope="district"`` of its own district at a
higher cost, never to a target it already ties by any co-building edge, and at most once per
target and kind: a unit may be proposed both as a pairing and as a part-time member of the
same target (the two draw on different capacities), but never gives one target two
part-time members, so that seats come from different units.

*Best*: the plan meets as many needs as possible; among those plans it makes as few
cross-street proposals as possible; then it spreads the load (each further proposal from a
unit costs more the less spare capacity the unit has left, so units with more spare
capacity are preferred and loads even out); remaining ties go to the unit with the smaller
id. Pairings and part-time seats draw on separate capacities, so they are two independent
problems; each splits into the connected components of its eligible (unit, target) pairs
(one street, or one district) and each component is solved exactly as a min-cost flow
(networkx ``network_simplex``, exact integer arithmetic) whose integer costs are weighted so
that each criterion strictly outweighs the sum of all those below it: a need left unmet
costs more than any plan, a cross-street proposal more than any load, and so on. No greedy
step anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
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
from jiceng.loaders.yaml_file import read_yaml
from jiceng.queries._places import place_names
from jiceng.queries.coverage import rule_counts
from jiceng.queries.isolation import co_building_edges, isolation
from jiceng.queries.reach import reach, reach_matrix
from jiceng.queries.rules import Rule, as_rules
from jiceng.queries.sources import as_graph

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
               "street-pairing": "pairing"}
_MAX_CAPACITY = 1000  # per unit: far above any real unit, small enough for exact costs
_MAX_MIN_UNITS = 100
_MAX_UNITS_FILE = 1 << 20  # bytes
#: Open (unit, target) pairs of one kind in one street (or district, with ``--scope
#: district``): about 10 s of exact solving. The largest in the sample's districts is 5,046.
MAX_PLAN_PAIRS = 50_000
_HOPS = 2  # deserts and households reached are counted at docs/design.md §4's default k

_REASONS = {
    "no_unit": "范围内没有尚未与其共建的单位（no untied unit in scope）",
    "no_capacity": "范围内的单位已无余量（no unit with spare capacity left in scope）",
}


@dataclass(frozen=True)
class UnitSetting:
    """A planner's setting for one unit Party organization (a row of ``--units``).

    ``None`` capacities keep the plan's defaults. ``row`` is where the setting was read
    (the CSV row, or the YAML entry number), for messages.
    """

    id: str
    exclude: bool = False
    pair_capacity: int | None = None
    part_time_capacity: int | None = None
    row: int | None = field(default=None, compare=False)


@dataclass
class PlanResult:
    """A plan and what it changes.

    Attributes
    ----------
    proposals : DataFrame
        One row per proposed edge: ``unit, unit_name, unit_street, unit_street_name, target,
        target_name, target_kind, target_street, target_street_name, kind, kind_zh, need,
        need_zh, households, scope, scope_zh``. ``households``: households of the
        communities the edge newly brings within the unit's reach (k = 2).
    unmet : DataFrame
        ``target, target_name, target_kind, street, street_name, district_name, need, need_zh,
        missing, reason``: needs no unit in scope can meet.
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
                              self.proposals["households"], self.proposals["scope"])],
            "unmet": [{"target": t, "need": n, "missing": int(m)}
                      for t, n, m in zip(self.unmet["target"], self.unmet["need"],
                                         self.unmet["missing"])],
            "totals": {when: {m: int(counts.at[m, when])
                              for m in ("isolated", "fragile", "deserts")}
                       for when in ("before", "after")},
        }


# ------------------------------------------------------------------ the units file
def read_units(path: str | os.PathLike) -> list[UnitSetting]:
    """Read a planner's unit settings: YAML or CSV with ``id, exclude, pair_capacity,
    part_time_capacity`` (only ``id`` required).

    YAML is a list of mappings, or a mapping with key ``units`` holding that list, read with
    the rule files' limits (:func:`jiceng.loaders.yaml_file.read_yaml`); every value is read
    as typed, so ids are text: ``0101`` is the unit ``0101``, never the octal 65.

    Raises
    ------
    InvalidInputError
        Naming the file, the row (the CSV row, or the entry number in YAML) and the field.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise InvalidInputError([Problem(name, None, None, "文件不存在（file not found）",
                                         code=ProblemCode.FILE_NOT_FOUND)])
    if path.suffix.lower() == ".csv":
        if path.stat().st_size > _MAX_UNITS_FILE:
            raise InvalidInputError([Problem(name, None, None,
                                             f"文件过大（larger than {_MAX_UNITS_FILE} bytes）",
                                             code=ProblemCode.TOO_LARGE)])
        from jiceng.graphmodel.validate import ROW
        from jiceng.loaders.dataset import read_csv_table

        table = read_csv_table(path)
        if "id" not in table.columns:
            raise InvalidInputError([Problem(name, 1, "id", "缺少 id 列（missing column id）",
                                             code=ProblemCode.MISSING_COLUMN)])
        rows = table.pop(ROW).tolist() if ROW in table.columns else range(2, len(table) + 2)
        records = [(int(r), {k: v for k, v in row.items() if str(v).strip() != ""})
                   for r, row in zip(rows, table.to_dict("records"))]
    else:  # every scalar as typed: the id 0101 stays 0101 (YAML 1.1 reads the octal 65)
        document = read_yaml(path, what=("单位文件", "units file"), text=True,
                             fail=lambda zh, en: InvalidInputError([Problem(
                                 name, None, None, zh, en, code=ProblemCode.BAD_YAML)]))
        if isinstance(document, dict) and set(document) == {"units"}:
            document = document["units"]
        if not isinstance(document, list):
            raise InvalidInputError([Problem(name, None, None,
                                             "应为单位列表（a list of units, or 'units:' with a "
                                             "list）", code=ProblemCode.BAD_STRUCTURE)])
        records = [(i + 1, {k: v for k, v in entry.items() if v != ""}
                    if isinstance(entry, dict) else entry) for i, entry in enumerate(document)]
    settings, problems, seen = [], [], set()
    for row, entry in records:
        if not isinstance(entry, dict):
            problems.append(Problem(name, row, None, "应为映射（must be a mapping）",
                                    code=ProblemCode.BAD_STRUCTURE))
            continue
        unknown = sorted(set(map(str, entry)) - {"id", "exclude", "pair_capacity",
                                                  "part_time_capacity"})
        if unknown:
            problems.append(Problem(name, row, unknown[0],
                                    "未知字段（unknown field; expected id, exclude, "
                                    "pair_capacity, part_time_capacity）",
                                    code=ProblemCode.UNKNOWN_FIELD))
            continue
        nested = sorted(str(k) for k, v in entry.items() if isinstance(v, (dict, list)))
        if nested:
            problems.append(Problem(name, row, nested[0], "应为单个值（must be a single value, "
                                                          "not a list or mapping）",
                                    code=ProblemCode.BAD_VALUE))
            continue
        unit_id = str(entry.get("id", "")).strip()
        if not unit_id:
            problems.append(Problem(name, row, "id", "缺少单位编号（missing unit id）",
                                    code=ProblemCode.MISSING_VALUE))
            continue
        if unit_id in seen:
            problems.append(Problem(name, row, "id", f"单位重复（unit {unit_id!r} listed twice）",
                                    code=ProblemCode.DUPLICATE_ID))
            continue
        seen.add(unit_id)
        exclude = _flag(entry.get("exclude", False))
        if exclude is None:
            problems.append(Problem(name, row, "exclude",
                                    f"应为 true/false（must be true or false, not "
                                    f"{entry.get('exclude')!r}）", code=ProblemCode.BAD_VALUE))
            continue
        capacities = {}
        for field_name in ("pair_capacity", "part_time_capacity"):
            value = entry.get(field_name)
            number = _whole(value)
            if value is not None and (number is None or not 0 <= number <= _MAX_CAPACITY):
                problems.append(Problem(name, row, field_name,
                                        f"应为 0 到 {_MAX_CAPACITY} 的整数（must be a whole number "
                                        f"from 0 to {_MAX_CAPACITY}, not {value!r}）",
                                        code=ProblemCode.BAD_NUMBER))
            capacities[field_name] = number
        settings.append(UnitSetting(unit_id, exclude, capacities["pair_capacity"],
                                    capacities["part_time_capacity"], row=row))
    if problems:
        raise InvalidInputError(problems)
    return settings


def _flag(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "是", "x"):
        return True
    if text in ("0", "false", "no", "n", "否", ""):
        return False
    return None


def _whole(value) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return None


def _check_count(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        number = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
        wrong = ArgumentError if number else ArgumentTypeError
        raise wrong(f"{name}：应为 {low} 到 {high} 的整数（must be a whole number from {low} to "
                    f"{high}, not {value!r}）")
    return int(value)


def _check_settings(units: object) -> None:
    """``units`` as :func:`plan` takes it once a file is read: None or a list of UnitSetting."""
    if units is None:
        return
    listed = list(units) if isinstance(units, (list, tuple)) else None
    if listed is None or not all(isinstance(u, UnitSetting) for u in listed):
        wrong = units if listed is None else next(u for u in listed if not isinstance(u, UnitSetting))
        raise ArgumentTypeError(
            f"units 须为 UnitSetting 的列表（如 UnitSetting('UP00001', exclude=True)）、单位设置文件"
            f"的路径或 None，而不是 {type(wrong).__name__} {wrong!r:.40}（units must be a list of "
            f"UnitSetting, e.g. UnitSetting('UP00001', exclude=True), a units file's path or None, "
            f"not {type(wrong).__name__}）")


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
    capacity = _check_count("capacity (--capacity)", capacity, 0, _MAX_CAPACITY)
    part_time_capacity = _check_count("part_time_capacity (--part-time-capacity)",
                                      part_time_capacity, 0, _MAX_CAPACITY)
    if not isinstance(scope, str) or scope not in SCOPES:
        raise ArgumentError(f"scope (--scope)：应为 street 或 district（must be street or "
                            f"district, not {scope!r}）")
    units_file = None
    if isinstance(units, (str, os.PathLike)):
        units_file = str(units)
        units = read_units(units)
    _check_settings(units)
    rules = as_rules(rules)

    unit_codes = np.flatnonzero(graph.is_kind("unit_party"))
    pair_cap = np.full(graph.n_nodes, capacity, dtype=np.int64)
    time_cap = np.full(graph.n_nodes, part_time_capacity, dtype=np.int64)
    excluded = np.zeros(graph.n_nodes, dtype=bool)
    _apply_settings(graph, units or (), units_file, pair_cap, time_cap, excluded)

    src, dst = co_building_edges(graph)
    tied = np.unique(src.astype(np.int64) * graph.n_nodes + dst)
    needs = _needs(graph, min_units, rules, src, dst)

    # spare capacity: pairings count distinct targets, part-time members count edges (people)
    pairs = graph.edge_positions("pairs_with")
    e_src, e_dst, _ = graph.edge_arrays
    paired = np.unique(e_src[pairs].astype(np.int64) * graph.n_nodes + e_dst[pairs]) // graph.n_nodes
    used_pairs = np.bincount(paired, minlength=graph.n_nodes)
    used_seats = np.bincount(e_src[graph.edge_positions("part_time")], minlength=graph.n_nodes)
    spare = {"pairs_with": np.where(excluded, 0, np.maximum(pair_cap - used_pairs, 0)),
             "part_time": np.where(excluded, 0, np.maximum(time_cap - used_seats, 0))}

    street = graph.places["street"].to_numpy()
    district = graph.places["district"].to_numpy()
    eligible = {kind: _eligible(graph, unit_codes[~excluded[unit_codes]],
                                needs[needs["kind"] == kind], scope, tied, street, district)
                for kind in PLAN_KINDS}
    _check_size(graph, eligible, spare, street if scope == "street" else district, scope)
    proposals, unmet_rows = [], []
    for kind in PLAN_KINDS:
        wanted = needs[needs["kind"] == kind]
        arcs = eligible[kind]
        spare_here = spare[kind]
        flow = _solve(arcs[spare_here[arcs["unit"].to_numpy()] > 0], wanted, spare_here, graph)
        proposals.append(flow.assign(kind=kind))
        met = flow.groupby("target").size()
        short = wanted.assign(met=wanted["target"].map(met).fillna(0).astype(np.int64))
        short = short[short["met"] < short["wanted"]]
        candidates = set(arcs["target"].tolist())
        for row in short.itertuples(index=False):
            reason = "no_capacity" if row.target in candidates else "no_unit"
            unmet_rows.append((row.target, row.need, row.wanted - row.met, reason))

    chosen = pd.concat(proposals, ignore_index=True)
    met_counts = chosen.groupby(["target", "kind"]).size()
    needs["met"] = [int(met_counts.get((t, k), 0)) for t, k in zip(needs["target"], needs["kind"])]
    settings = {"min_units": min_units, "capacity": capacity,
                "part_time_capacity": part_time_capacity, "scope": scope,
                "units": len(units or ()), "rules": [r.id for r in rules]}
    return _assemble(graph, chosen, needs, unmet_rows, rules, street, settings)


def _apply_settings(graph: OrgGraph, units: Sequence[UnitSetting], units_file: str | None,
                    pair_cap: np.ndarray, time_cap: np.ndarray, excluded: np.ndarray) -> None:
    codes = graph.codes([u.id for u in units])
    kinds = graph.nodes["kind"].to_numpy(dtype=object)
    problems = []
    for position, (setting, code) in enumerate(zip(units, codes), start=1):
        row = setting.row if setting.row is not None else position
        if code < 0:
            problems.append(Problem(units_file or "units", row, "id",
                                    f"未知单位党组织 {setting.id!r}（unknown unit Party "
                                    f"organization {setting.id!r}）",
                                    code=ProblemCode.UNKNOWN_NODE))
            continue
        if kinds[code] != "unit_party":
            problems.append(Problem(units_file or "units", row, "id",
                                    f"{setting.id!r} 不是单位党组织（is a {kinds[code]}, not a "
                                    "unit Party organization）", code=ProblemCode.WRONG_KIND))
            continue
        for value, field_name, target in ((setting.pair_capacity, "pair_capacity", pair_cap),
                                          (setting.part_time_capacity, "part_time_capacity",
                                           time_cap)):
            if value is None:
                continue
            if isinstance(value, bool) or not 0 <= value <= _MAX_CAPACITY:
                problems.append(Problem(units_file or "units", row, field_name,
                                        f"应为 0 到 {_MAX_CAPACITY} 的整数（must be a whole "
                                        f"number from 0 to {_MAX_CAPACITY}, not {value!r}）",
                                        code=ProblemCode.BAD_NUMBER))
                continue
            target[code] = value
        excluded[code] = setting.exclude
    if problems:
        raise InvalidInputError(problems)


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


def _needs(graph: OrgGraph, min_units: int, rules: Sequence[Rule], src: np.ndarray,
           dst: np.ndarray) -> pd.DataFrame:
    """Every need: ``target`` (code), ``need``, ``kind`` (the edge kind that meets it),
    ``wanted`` (how many)."""
    frames = []
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
    # one need per (target, kind): the unit need and a rule need of the same kind on the
    # same target (a user rule on communities) ask for the larger number, not the sum
    needs = needs.sort_values(["target", "kind", "wanted"], ascending=[True, True, False],
                              kind="stable").drop_duplicates(["target", "kind"])
    return needs.reset_index(drop=True)


def _eligible(graph: OrgGraph, units: np.ndarray, needs: pd.DataFrame, scope: str,
              tied: np.ndarray, street: np.ndarray, district: np.ndarray) -> pd.DataFrame:
    """Every (unit, target) pair that may be proposed: ``unit, target, cross``."""
    level = street if scope == "street" else district
    unit_table = pd.DataFrame({"unit": units, "place": level[units]})
    unit_table = unit_table[unit_table["place"] >= 0]
    targets = needs["target"].to_numpy()
    target_table = pd.DataFrame({"target": targets, "place": level[targets]})
    arcs = target_table[target_table["place"] >= 0].merge(unit_table, on="place")
    u, t = arcs["unit"].to_numpy(np.int64), arcs["target"].to_numpy(np.int64)
    keys = u * graph.n_nodes + t
    keep = ~np.isin(keys, tied)
    cross = street[u] != street[t]
    return pd.DataFrame({"unit": u[keep], "target": t[keep], "cross": cross[keep]})


def _solve(arcs: pd.DataFrame, needs: pd.DataFrame, spare: np.ndarray,
           graph: OrgGraph) -> pd.DataFrame:
    """The optimal proposals ``unit, target, cross, need`` for one kind, component by component."""
    columns = ["unit", "target", "cross", "need"]
    if arcs.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("unit", "target") else
                                          (bool if c == "cross" else object)) for c in columns})
    wanted = dict(zip(needs["target"].tolist(), needs["wanted"].tolist()))
    need_of = dict(zip(needs["target"].tolist(), needs["need"].tolist()))
    # order by id, so that the solver sees the same problem whatever the node order
    ids = graph.nodes["id"]
    unit_ids = ids.take(arcs["unit"].to_numpy()).to_numpy(dtype=object)
    target_ids = ids.take(arcs["target"].to_numpy()).to_numpy(dtype=object)
    order = np.lexsort((target_ids, unit_ids))
    arcs = arcs.iloc[order].reset_index(drop=True)
    unit_ids, target_ids = unit_ids[order], target_ids[order]

    nodes, local = np.unique(np.concatenate([arcs["unit"], arcs["target"]]), return_inverse=True)
    m = len(arcs)
    from scipy.sparse import coo_matrix  # scipy is slow to import: only the queries load it
    from scipy.sparse.csgraph import connected_components

    graph_matrix = coo_matrix((np.ones(m), (local[:m], local[m:])), shape=(len(nodes),) * 2)
    _, label = connected_components(graph_matrix, directed=False)
    component = label[local[:m]]
    chosen = []
    for _, part in arcs.groupby(component, sort=True):
        chosen += _solve_component(part, unit_ids[part.index.to_numpy()], wanted, spare)
    result = pd.DataFrame(chosen, columns=["unit", "target", "cross"])
    result["need"] = result["target"].map(need_of)
    return result


def _solve_component(arcs: pd.DataFrame, unit_ids: np.ndarray, wanted: Mapping[int, int],
                     spare: np.ndarray) -> list[tuple[int, int, bool]]:
    """Min-cost flow on one component: source → unit (one arc per unit of spare
    capacity, costlier as the spare runs out) → target (capacity 1 per pair) → sink."""
    unit_list = arcs["unit"].tolist()
    first = dict(zip(reversed(unit_list), reversed(range(len(unit_list)))))
    units = sorted(first, key=lambda u: unit_ids[first[u]])  # by id
    rank = {u: r for r, u in enumerate(units)}
    degree = arcs["unit"].value_counts()
    targets = sorted(set(arcs["target"].tolist()))
    # a unit can take at most one proposal per target, so its degree bounds its pieces
    pieces = {u: int(min(spare[u], degree[u])) for u in units}
    flow_max = min(sum(pieces.values()), sum(wanted[t] for t in targets))
    if flow_max == 0:
        return []
    top = max(int(spare[u]) for u in units)
    # weights: every criterion strictly outweighs the sum of everything below it
    w_tie = 1
    w_load = flow_max * len(units) * w_tie + 1
    w_cross = flow_max * (w_load * top + len(units) * w_tie) + 1
    # a bypass arc carries the needs left unmet, at a cost above any plan's whole cost: the
    # cheapest flow of ``flow_max`` units is then a maximum flow through the units first
    w_unmet = flow_max * (w_cross + w_load * top + len(units) * w_tie) + 1
    import networkx as nx  # loaded only when a plan is solved

    network = nx.DiGraph()
    network.add_node("source", demand=-flow_max)
    network.add_node("sink", demand=flow_max)
    network.add_edge("source", "sink", capacity=flow_max, weight=w_unmet)
    for u in units:
        for step in range(pieces[u]):  # costlier as u's spare capacity runs out
            piece = ("piece", u, step)
            network.add_edge("source", piece, capacity=1,
                             weight=w_load * (step + top - int(spare[u])))
            network.add_edge(piece, ("unit", u), capacity=1, weight=0)
    for u, t, cross in zip(arcs["unit"].tolist(), arcs["target"].tolist(),
                           arcs["cross"].tolist()):
        network.add_edge(("unit", u), ("target", t), capacity=1,
                         weight=w_cross * int(cross) + w_tie * rank[u])
    for t in targets:
        network.add_edge(("target", t), "sink", capacity=int(wanted[t]), weight=0)
    _, flow = nx.network_simplex(network)
    chosen = []
    for u, t, cross in zip(arcs["unit"].tolist(), arcs["target"].tolist(),
                           arcs["cross"].tolist()):
        if flow[("unit", u)].get(("target", t), 0) > 0:
            chosen.append((u, t, bool(cross)))
    return chosen


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
              unmet_rows: list, rules: Sequence[Rule], street: np.ndarray,
              settings: dict) -> PlanResult:
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
    table["households"] = _households_reached(graph, u_codes, t_codes)
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

    unmet_codes = np.array([r[0] for r in unmet_rows], dtype=np.int64)
    unmet = pd.DataFrame(describe(unmet_codes, "target")).rename(
        columns={"target_street": "street", "target_street_name": "street_name"})
    unmet["district_name"] = place_names(graph, graph.places["district"].to_numpy()[unmet_codes])[1]
    unmet["need"] = [r[1] for r in unmet_rows]
    unmet["need_zh"] = _need_labels(unmet["need"], unmet["target_kind"])
    unmet["missing"] = np.array([r[2] for r in unmet_rows], dtype=np.int64)
    unmet["reason"] = [_REASONS[r[3]] for r in unmet_rows]
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
