"""jiceng plan: exact, valid, maximal proposals; --apply closes what the plan says it closes."""

from __future__ import annotations

import functools
import itertools
import json
from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiceng.graphmodel import ArgumentError, ArgumentTypeError, InvalidInputError, OrgGraph
from jiceng.loaders import read_dataset
from jiceng.queries.isolation import isolation
from jiceng.queries.plan import PLAN_KINDS, UnitSetting, apply_plan, plan

CO_BUILDING = ("pairs_with", "part_time", "reports_to")


# ------------------------------------------------------------------ hand-made cities
def city(streets: dict[str, tuple[str, int]], units: dict[str, str],
         ties: list[tuple[str, str, str]] = ()) -> OrgGraph:
    """A city: ``streets`` street id -> (district id, number of communities), ``units`` unit
    Party organization id -> its street, ``ties`` existing (unit, target, kind) edges.

    Communities are named ``<street>C<i>``; each unit Party organization covers a unit that
    lies within its street.
    """
    nodes = [("CITY", "city_committee", "市委")]
    edges = []
    for district in sorted({d for d, _ in streets.values()}):
        nodes.append((district, "district_committee", f"{district}区委"))
        edges.append(("CITY", district, "leads"))
    for street, (district, communities) in streets.items():
        nodes.append((street, "street_committee", f"{street}街道党工委"))
        edges.append((district, street, "leads"))
        for i in range(communities):
            nodes.append((f"{street}C{i}", "community_party", f"{street}第{i}社区党委"))
            edges.append((street, f"{street}C{i}", "leads"))
    for unit, street in units.items():
        nodes += [(unit, "unit_party", f"{unit}党支部"), (f"{unit}-U", "unit", f"{unit}单位")]
        edges += [(unit, f"{unit}-U", "covers"), (f"{unit}-U", street, "within")]
    edges += list(ties)
    return OrgGraph.from_tables(pd.DataFrame(nodes, columns=["id", "kind", "name"]),
                                pd.DataFrame(edges, columns=["source", "target", "kind"]))


def write_city(folder, graph: OrgGraph):
    from jiceng.loaders import write_dataset

    write_dataset(graph, folder)
    return folder


# ------------------------------------------------------------------ an independent model
MINIMA = {"community-part-time": 3, "street-part-time": 1, "street-pairing": 1,
          "community-pairing": 1}


def model(graph: OrgGraph, *, min_units=2, capacity=5, part_time_capacity=3, scope="street",
          minima=None, G: nx.MultiDiGraph | None = None):
    """Needs, spare capacities and eligible pairs, recomputed from the networkx graph.

    Returns ``{kind: (units_wanted, edges_wanted, spare, arcs)}``: ``units_wanted`` target ->
    distinct new units wanted (isolated, fragile: met by a unit with no co-building tie to
    it, a *fresh* one), ``edges_wanted`` target -> edges of the kind wanted (the rules),
    ``spare`` unit -> number and ``arcs`` a sorted list of (unit, target, cross, fresh): every
    unit of the scope without an edge of the kind to the target.
    """
    minima = minima or MINIMA
    G = _networkx(graph) if G is None else G
    kind_of = nx.get_node_attributes(G, "kind")
    edges = [(u, v, d["kind"]) for u, v, d in G.edges(data=True)]
    street, district = {}, {}
    for u, v, k in edges:
        if k == "leads" and kind_of[u] == "street_committee":
            street[v] = u
        if k == "leads" and kind_of[u] == "district_committee":
            district[v] = u
    for s in [n for n, k in kind_of.items() if k == "street_committee"]:
        street[s] = s
    within = {u: v for u, v, k in edges if k == "within"}
    for u, v, k in edges:  # unit Party organization -> its unit -> the street it lies within
        if k == "covers" and kind_of[u] == "unit_party":
            street[u] = street[within[v]]
    for node, s in street.items():
        district[node] = district[s]
    tied = {(u, v) for u, v, k in edges if k in CO_BUILDING}
    units_of: dict[str, set] = {n: set() for n in kind_of}
    for u, v in tied:
        units_of[v].add(u)
    counts = {kind: Counter(v for u, v, k in edges if k == kind) for kind in PLAN_KINDS}
    units_wanted, edges_wanted = {}, {"pairs_with": {}, "part_time": {}}
    rule_of = {("community_party", "pairs_with"): "community-pairing",
               ("community_party", "part_time"): "community-part-time",
               ("street_committee", "pairs_with"): "street-pairing",
               ("street_committee", "part_time"): "street-part-time"}
    for node, kind in kind_of.items():
        if kind == "community_party" and len(units_of[node]) < min_units:
            units_wanted[node] = min_units - len(units_of[node])
        for edge_kind in PLAN_KINDS:
            rule = rule_of.get((kind, edge_kind))
            if rule in minima and counts[edge_kind][node] < minima[rule]:
                edges_wanted[edge_kind][node] = minima[rule] - counts[edge_kind][node]
    units = sorted(n for n, k in kind_of.items() if k == "unit_party")
    paired_with: dict[str, set] = {u: set() for u in units}
    for u, v, k in edges:
        if k == "pairs_with":
            paired_with[u].add(v)
    seats_from = Counter(u for u, v, k in edges if k == "part_time")
    spare = {"pairs_with": {u: max(0, capacity - len(paired_with[u])) for u in units},
             "part_time": {u: max(0, part_time_capacity - seats_from[u]) for u in units}}
    out = {}
    for kind in PLAN_KINDS:
        has = {(u, v) for u, v, k in edges if k == kind}
        wanted_units = units_wanted if kind == "pairs_with" else {}
        arcs = []
        for u in units:
            for t in sorted(set(wanted_units) | set(edges_wanted[kind])):
                same_street = street.get(u) == street[t]
                in_scope = same_street or (scope == "district" and district.get(u) == district[t])
                if in_scope and (u, t) not in has:
                    arcs.append((u, t, not same_street, (u, t) not in tied))
        out[kind] = (wanted_units, edges_wanted[kind], spare[kind], sorted(arcs))
    return out


@functools.lru_cache(maxsize=2)
def _networkx(graph: OrgGraph) -> nx.MultiDiGraph:
    return graph.to_networkx()


def met_by(chosen, units_wanted, edges_wanted) -> int:
    """Wants met by a set of (unit, target, cross, fresh) proposals of one kind: per target,
    fresh ones up to its unit need, and all up to its edge need."""
    fresh, every = Counter(t for _, t, _, f in chosen if f), Counter(t for _, t, _, _ in chosen)
    return (sum(min(fresh[t], n) for t, n in units_wanted.items())
            + sum(min(every[t], n) for t, n in edges_wanted.items()))


def brute_force(units_wanted, edges_wanted, spare, arcs) -> tuple[int, int]:
    """(most wants met, fewest cross-street proposals among those) over every subset of arcs
    that no unit's room forbids (each unit's arcs taken at most ``spare`` at a time)."""
    by_unit: dict[str, list] = {}
    for arc in arcs:
        by_unit.setdefault(arc[0], []).append(arc)
    choices = [[part for size in range(min(len(own), spare[u]) + 1)
                for part in itertools.combinations(own, size)] for u, own in by_unit.items()]
    best = (0, 0)
    for pick in itertools.product(*choices):
        subset = [arc for part in pick for arc in part]
        best = max(best, (met_by(subset, units_wanted, edges_wanted),
                          -sum(c for _, _, c, _ in subset)))
    return best[0], -best[1]


def met_and_cross(result, kind: str, wants) -> tuple[int, int]:
    """Wants met and cross-street proposals of the plan's proposals of one kind."""
    units_wanted, edges_wanted, _, arcs = wants
    fresh = {(u, t): f for u, t, _, f in arcs}
    chosen = result.proposals[result.proposals["kind"] == kind]
    rows = [(u, t, s == "district", fresh[(u, t)])
            for u, t, s in zip(chosen["unit"], chosen["target"], chosen["scope"])]
    return met_by(rows, units_wanted, edges_wanted), sum(c for _, _, c, _ in rows)


# ------------------------------------------------------------------ hand-made cases
HAND_MADE = {
    # one street: an isolated community, a fragile one, two units with little room
    "one street": (
        {"S1": ("D1", 2)}, {"UA": "S1", "UB": "S1"},
        [("UA", "S1C1", "pairs_with"), ("UB", "S1", "part_time")], {}),
    # the busy street has no unit of its own; its neighbour in the district has spare units
    "neighbour street": (
        {"S1": ("D1", 2), "S2": ("D1", 1), "S3": ("D2", 1)},
        {"UA": "S2", "UB": "S2", "UC": "S3"},
        [("UA", "S2C0", "pairs_with"), ("UB", "S2C0", "pairs_with"),
         ("UA", "S2", "pairs_with"), ("UB", "S2", "part_time")], {"scope": "district"}),
    # competition: a unit is needed in both streets, capacities force a choice
    "competition": (
        {"S1": ("D1", 2), "S2": ("D1", 1)}, {"UA": "S1", "UB": "S2", "UC": "S1"},
        [("UC", "S1", "pairs_with"), ("UB", "S2", "pairs_with"), ("UC", "S1", "part_time"),
         ("UB", "S2", "part_time")],
        {"scope": "district", "capacity": 2, "part_time_capacity": 2}),
}


@pytest.mark.parametrize("name", sorted(HAND_MADE))
def test_hand_made_cases_equal_brute_force(name):
    streets, units, ties, options = HAND_MADE[name]
    graph = city(streets, units, ties)
    result = plan(graph, **options)
    for kind, wants in model(graph, **options).items():
        assert len(wants[3]) <= 16, "keep the brute force small"
        assert met_and_cross(result, kind, wants) == brute_force(*wants), kind


def test_neighbour_street_needs_district_scope():
    streets, units, ties, _ = HAND_MADE["neighbour street"]
    graph = city(streets, units, ties)
    local = plan(graph)  # S1's communities have no unit in their street
    assert not local.proposals["target"].str.startswith("S1").any()
    reasons = set(local.unmet.loc[local.unmet["target"].str.startswith("S1"), "reason"])
    assert reasons and all("no untied unit in scope" in r for r in reasons)
    wide = plan(graph, scope="district")
    to_s1 = wide.proposals[wide.proposals["target"].str.startswith("S1")]
    assert len(to_s1) and set(to_s1["scope"]) == {"district"}
    assert set(to_s1["unit"]) <= {"UA", "UB"}  # never UC, of the other district


def test_units_with_more_spare_capacity_are_preferred_then_smaller_ids():
    graph = city({"S1": ("D1", 1)}, {"UA": "S1", "UB": "S1", "UC": "S1"},
                 [("UA", "S1C0", "reports_to"), ("UB", "S1", "pairs_with"),
                  ("UB", "S1", "part_time"), ("UA", "S1", "part_time")])
    # S1C0 has one unit (UA), so it needs one more: UB or UC. UC has more room.
    result = plan(graph, part_time_capacity=0)
    assert result.proposals[["unit", "target", "need"]].values.tolist() == [
        ["UC", "S1C0", "fragile"]]
    # with equal room, the smaller id wins
    same = plan(graph, part_time_capacity=0,
                units=[UnitSetting("UB", pair_capacity=4), UnitSetting("UC", pair_capacity=3)])
    assert same.proposals["unit"].tolist() == ["UB"]
    # an excluded unit is never proposed
    without = plan(graph, part_time_capacity=0, units=[UnitSetting("UC", exclude=True)])
    assert without.proposals["unit"].tolist() == ["UB"]


def test_minima_come_from_the_rules(tmp_path):
    graph = city({"S1": ("D1", 1)}, {"UA": "S1", "UB": "S1", "UC": "S1"})
    rules = tmp_path / "rules.yaml"
    rules.write_text("extends: default\ndrop: [street-pairing]\nrules:\n"
                     "  - id: community-part-time\n    title_zh: 社区兼职委员至少1名\n"
                     "    title_en: one part-time member\n    each: community_party\n"
                     "    count: {edge: part_time, direction: in, other: [unit_party]}\n"
                     "    min: 1\n", encoding="utf-8")
    result = plan(graph, rules=rules)
    needs = result.needs.set_index(["target", "need"])["wanted"].to_dict()
    assert needs[("S1C0", "part_time")] == 1
    assert ("S1", "pairing") not in needs
    assert needs[("S1", "part_time")] == 1


# ------------------------------------------------------------------ random cities
@st.composite
def random_cities(draw):
    n_streets = draw(st.integers(1, 3))
    streets = {f"S{i}": (f"D{draw(st.integers(0, 1))}", draw(st.integers(0, 2)))
               for i in range(n_streets)}
    units = {f"U{i}": draw(st.sampled_from(sorted(streets))) for i in range(draw(st.integers(0, 4)))}
    targets = sorted(streets) + [f"{s}C{i}" for s, (_, n) in streets.items() for i in range(n)]
    ties = []
    if units:
        ties = draw(st.lists(st.tuples(st.sampled_from(sorted(units)), st.sampled_from(targets),
                                       st.sampled_from(CO_BUILDING)), max_size=6))
        ties = [t for t in ties if not (t[2] == "reports_to" and "C" not in t[1][1:])]
    options = {"min_units": draw(st.integers(1, 2)), "capacity": draw(st.integers(0, 3)),
               "part_time_capacity": draw(st.integers(0, 2)),
               "scope": draw(st.sampled_from(["street", "district"]))}
    return streets, units, ties, options


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_cities())
def test_random_plans_are_valid_maximal_and_optimal(case):
    streets, units, ties, options = case
    graph = city(streets, units, ties)
    result = plan(graph, **options)
    tied = {(u, t) for u, t, k in ties}
    proposals = result.proposals
    assert not proposals.duplicated(["unit", "target", "kind"]).any()
    needs = result.needs
    assert (needs["met"] + needs["missing"] == needs["wanted"]).all()
    short = needs[needs["missing"] > 0]
    assert sorted(zip(result.unmet["target"], result.unmet["need"], result.unmet["missing"])) \
        == sorted(zip(short["target"], short["need"], short["missing"]))
    new_units = Counter()  # distinct new units per community, pairings and seats together
    for t, units_there in proposals.groupby("target")["unit"]:
        new_units[t] = len({u for u in units_there if (u, t) not in tied})
    met = dict(zip(zip(needs["target"], needs["need"]), needs["met"]))
    for kind, (units_wanted, edges_wanted, spare, arcs) in model(graph, **options).items():
        chosen = proposals[proposals["kind"] == kind]
        eligible = {(u, t): (c, f) for u, t, c, f in arcs}
        for u, t, scope in zip(chosen["unit"], chosen["target"], chosen["scope"]):
            assert (u, t) in eligible and (u, t, kind) not in ties  # eligible, no second edge
            assert (scope == "district") == eligible[(u, t)][0]
        per_unit, per_target = Counter(chosen["unit"]), Counter(chosen["target"])
        assert all(per_unit[u] <= spare[u] for u in per_unit)  # capacities respected
        assert all(n <= max(units_wanted.get(t, 0), edges_wanted.get(t, 0))
                   for t, n in per_target.items())  # no need over-filled
        fresh = Counter(t for u, t in zip(chosen["unit"], chosen["target"])
                        if eligible[(u, t)][1])
        for t, n in units_wanted.items():  # a community's new units, however they come
            need = "isolated" if n == options["min_units"] else "fragile"
            assert met[(t, need)] == min(n, new_units[t])
        for t, n in edges_wanted.items():
            assert met[(t, "pairing" if kind == "pairs_with" else "part_time")] == \
                min(n, per_target[t])
        for u, t, _, f in arcs:  # maximal: no unit with room left could still meet a want
            if per_unit[u] < spare[u] and u not in set(chosen.loc[chosen["target"] == t, "unit"]):
                assert per_target[t] >= edges_wanted.get(t, 0)
                assert not f or fresh[t] >= units_wanted.get(t, 0)
        if len(arcs) <= 14:
            assert met_and_cross(result, kind, (units_wanted, edges_wanted, spare, arcs)) \
                == brute_force(units_wanted, edges_wanted, spare, arcs)


def test_plan_does_not_depend_on_node_order(sample):
    nodes, edges = sample.to_tables()
    shuffled = OrgGraph.from_tables(
        nodes.sample(frac=1, random_state=7).astype(str).where(nodes.notna()),
        edges.sample(frac=1, random_state=7).astype(str).where(edges.notna()))
    columns = ["unit", "target", "kind", "need"]
    first = plan(sample, scope="district").proposals[columns]
    second = plan(shuffled, scope="district").proposals[columns]
    key = lambda t: t.sort_values(columns).reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(key(first), key(second))


# ------------------------------------------------------------------ the sample
def reference_plan(sample, kind: str, scope: str, capacity=5, part_time_capacity=3, G=None,
                   wants=None):
    """Most wants met and fewest cross-street proposals among those, by an integer program
    (scipy's milp) on the whole city at once (no decomposition, no flow). ``wants`` is the
    kind's part of :func:`model` when it is at hand.

    Also the benchmark's reference for the plan (benchmarks/run.py)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    if wants is None:
        wants = model(sample, scope=scope, capacity=capacity,
                      part_time_capacity=part_time_capacity, G=G)[kind]
    units_wanted, edges_wanted, spare, arcs = wants
    wanted = [(t, True, n) for t, n in units_wanted.items()] + \
        [(t, False, n) for t, n in edges_wanted.items()]
    units = {u: i for i, u in enumerate(sorted(spare))}
    of_target: dict[str, list[tuple[int, bool]]] = {}
    for j, (t, for_units, _) in enumerate(wanted):
        of_target.setdefault(t, []).append((j, for_units))
    # variables: one 0/1 per arc, then per want how much of it is met (0 .. wanted)
    a, w, n = len(arcs), len(wanted), len(units)
    cells: list[tuple[int, int, int]] = []  # (row, column, value)
    for i, (u, t, _, fresh) in enumerate(arcs):
        cells.append((units[u], i, 1))
        cells += [(n + j, i, -1) for j, for_units in of_target.get(t, ()) if fresh or not for_units]
    cells += [(n + j, a + j, 1) for j in range(w)]  # met ≤ the proposals that count for it
    row, column, value = zip(*cells)
    rows = coo_matrix((value, (row, column)), shape=(n + w, a + w)).tocsr()
    upper = [spare[u] for u in units] + [0] * w
    cost = [int(c) for _, _, c, _ in arcs] + [-(a + 1)] * w  # a want outweighs every crossing
    solution = milp(cost, constraints=LinearConstraint(rows, -np.inf, upper),
                    integrality=np.ones(a + w),
                    bounds=Bounds(0, [1] * a + [m for _, _, m in wanted]))
    chosen = solution.x[:a].round().astype(bool)
    return (int(solution.x[a:].round().sum()),
            sum(int(c) for (_, _, c, _), x in zip(arcs, chosen) if x))


@pytest.mark.slow
@pytest.mark.parametrize("scope,capacity,part_time_capacity",
                         [("street", 5, 3), ("district", 5, 3), ("district", 2, 1)])
def test_sample_equals_an_integer_program(sample, scope, capacity, part_time_capacity):
    result = plan(sample, scope=scope, capacity=capacity, part_time_capacity=part_time_capacity)
    for kind, wants in model(sample, scope=scope, capacity=capacity,
                             part_time_capacity=part_time_capacity).items():
        expected = reference_plan(sample, kind, scope, wants=wants)
        assert met_and_cross(result, kind, wants) == expected


def test_totals_are_the_queries_before_and_after(sample):
    result = plan(sample, capacity=2, part_time_capacity=1)
    after = apply_plan(sample, result)
    totals = result.to_json()["totals"]
    for graph, when in ((sample, "before"), (after, "after")):
        iso = isolation(graph)
        assert totals[when]["isolated"] == len(iso.isolated)
        assert totals[when]["fragile"] == len(iso.fragile)
    assert totals["after"]["isolated"] < totals["before"]["isolated"]


# ------------------------------------------------------------------ the command
@pytest.mark.parametrize("extra", [[], ["--capacity", "1", "--part-time-capacity", "1", "--min-units", "4"]])
def test_apply_closes_exactly_what_the_plan_says(cli, tmp_path, extra):
    out = tmp_path / "planned"
    run = cli("plan", "--apply", out, "--format", "json", *extra)
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == {"proposals", "unmet", "totals"}
    assert data["proposals"] and set(data["proposals"][0]) == {
        "unit", "target", "kind", "need", "households", "scope"}
    unmet_units = {u["target"] for u in data["unmet"] if u["need"] in ("isolated", "fragile")}
    unmet_seats = sorted(u["target"] for u in data["unmet"]
                         if u["need"] == "part_time" and "C" in u["target"])
    isolated = json.loads(cli("isolated", out, "--format", "json").stdout)
    assert set(isolated["isolated"]) | set(isolated["fragile"]) <= unmet_units
    audit = {r["id"]: r["gaps"] for r in
             json.loads(cli("audit", out, "--format", "json").stdout)["rules"]}
    assert audit["community-part-time"] == unmet_seats
    assert data["totals"]["after"]["isolated"] == len(isolated["isolated"])
    if extra:
        assert unmet_units, "tight capacities leave some communities short"
    edges = read_dataset(out).edges
    proposed = edges[edges["status"] == "proposed"]
    assert len(proposed) == len(data["proposals"])
    assert set(proposed["need"]) == {p["need"] for p in data["proposals"]}


def test_apply_to_xlsx_and_report_sheets(cli, tmp_path):
    streets, units, ties, _ = HAND_MADE["one street"]
    data = write_city(tmp_path / "city", city(streets, units, ties))
    run = cli("plan", data, "--apply", tmp_path / "planned.xlsx", "--format", "xlsx",
              "--output", tmp_path / "plan.xlsx")
    assert run.exit_code == 0, run.stderr
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "plan.xlsx", read_only=True)
    sheets = book.sheetnames
    book.close()
    assert sheets[:3] == ["拟建关系", "未能满足的需求", "方案前后对比"]
    planned = read_dataset(tmp_path / "planned.xlsx")
    assert int((planned.edges["status"] == "proposed").sum()) > 0


def test_table_leads_with_chinese_and_names(cli, tmp_path):
    streets, units, ties, _ = HAND_MADE["one street"]
    data = write_city(tmp_path / "city", city(streets, units, ties))
    run = cli("plan", data)
    assert run.exit_code == 0
    assert run.stdout.startswith("结对共建与兼职委员配置方案")
    markdown = cli("plan", data, "--format", "markdown").stdout
    proposals = plan(read_dataset(data)).proposals
    assert len(proposals)
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert r"单位名称 (unit\_name)" in rows[0] and r"需求说明 (need\_zh)" in rows[0]
    for unit, name, target, target_name in proposals[
            ["unit", "unit_name", "target", "target_name"]].itertuples(index=False):
        assert any(all(x in row for x in (unit, name, target, target_name)) for row in rows)


def test_help_is_chinese_first_with_an_example(cli):
    text = cli("plan", "--help").stdout
    assert "配置方案" in text.split("\n")[2] and "Example" in text


@pytest.mark.parametrize("args,message", [
    (["--min-units", "0"], "min_units (--min-units)：应为 1 到 100 的整数"),
    (["--capacity", "-1"], "capacity (--capacity)：应为 0 到 1000 的整数"),
    (["--part-time-capacity", "-3"], "part_time_capacity (--part-time-capacity)"),
])
def test_bad_arguments_exit_2(cli, args, message):
    run = cli("plan", *args)
    assert run.exit_code == 2
    assert message in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""


@pytest.mark.parametrize("name,text,message", [
    ("units.yaml", "- id: UP99999\n  exclude: true\n",
     "units.yaml 第 1 行 id 列（row 1, column id）：未知单位党组织 'UP99999'"),
    ("units.yaml", "units:\n  - id: UP00001\n  - id: UP00002\n    pair_capacity: -2\n",
     "units.yaml 第 2 行 pair_capacity 列（row 2, column pair_capacity）：应为 0 到 1000 的整数"),
    ("units.csv", "id,exclude,part_time_capacity\nUP00001,no,2\nUP00002,yes,-1\n",
     "units.csv 第 3 行 part_time_capacity 列"),
    ("units.csv", "id,pair_capacity\nC00001,1\n", "units.csv 第 2 行 id 列（row 2, column id）：'C00001' 不是单位党组织"),
    ("units.yaml", "- id: UP00001\n  colour: red\n", "第 1 行 colour 列（row 1, column colour）：未知字段"),
])
def test_bad_units_file_exits_2(cli, tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run = cli("plan", "--units", path)
    assert run.exit_code == 2, run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr


def test_units_file_changes_the_plan(cli, tmp_path):
    base = json.loads(cli("plan", "--format", "json").stdout)
    busy = sorted({p["unit"] for p in base["proposals"]})
    units = tmp_path / "units.csv"
    units.write_text("id,exclude\n" + "".join(f"{u},yes\n" for u in busy), encoding="utf-8")
    again = json.loads(cli("plan", "--units", units, "--format", "json").stdout)
    assert not {p["unit"] for p in again["proposals"]} & set(busy)


def test_apply_refuses_input_and_existing_dataset(cli, tmp_path, sample):
    data = write_city(tmp_path / "city", city({"S1": ("D1", 1)}, {"UA": "S1"}))
    before = (data / "edges.csv").read_bytes()
    run = cli("plan", data, "--apply", data, "--force")
    assert run.exit_code == 2 and "这是本次运行的输入" in run.stderr
    assert (data / "edges.csv").read_bytes() == before
    out = tmp_path / "out"
    assert cli("plan", data, "--apply", out).exit_code == 0
    again = cli("plan", data, "--apply", out)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert cli("plan", data, "--apply", out, "--force").exit_code == 0


def test_library_rejects_bad_arguments(sample):
    """A bad argument is an ArgumentError, as in the other queries (also a ValueError; of the
    wrong type an ArgumentTypeError, also a TypeError); bad units are invalid input."""
    for arguments, name in (({"min_units": 0}, "min_units"), ({"capacity": -1}, "capacity"),
                            ({"part_time_capacity": 1001}, "part_time_capacity"),
                            ({"scope": "city"}, "scope")):
        with pytest.raises(ArgumentError, match=name) as raised:
            plan(sample, **arguments)
        assert not isinstance(raised.value, ArgumentTypeError)
        assert isinstance(raised.value, ValueError) and raised.value.code == "argument"
    for arguments in ({"min_units": "2"}, {"capacity": True}, {"part_time_capacity": 1.5}):
        with pytest.raises(ArgumentTypeError) as raised:
            plan(sample, **arguments)
        assert isinstance(raised.value, TypeError) and raised.value.code == "argument"
    with pytest.raises(InvalidInputError) as raised:
        plan(sample, units=[UnitSetting("UP99999"), UnitSetting("C00001")])
    assert [p.code for p in raised.value.problems] == ["unknown_node", "wrong_kind"]
    assert "UP99999" in str(raised.value)
    assert np.isfinite(plan(sample).totals["after"]).all()


def test_households_are_those_newly_reached(sample):
    from jiceng.queries.reach import reach_from

    proposals = plan(sample).proposals
    households = sample.nodes.set_index("id")["households"].fillna(0).astype(int)
    leads = sample.edges_of("leads")
    ids = sample.nodes["id"]
    below = pd.DataFrame({"up": ids.take(leads["source"]).to_numpy(),
                          "down": ids.take(leads["target"]).to_numpy()})
    newly_reached_some, reach_of = False, {}
    for unit, target, kind_of_target, got in proposals[
            ["unit", "target", "target_kind", "new_households"]].itertuples(index=False):
        if unit not in reach_of:
            reach_of[unit] = set(reach_from(sample, unit, hops=2)["id"])
        before = reach_of[unit]
        reached = [target] if kind_of_target == "community_party" else \
            below.loc[below["up"] == target, "down"].tolist()
        expected = sum(int(households[c]) for c in reached if c not in before)
        assert got == expected, (unit, target)
        newly_reached_some |= expected > 0
    assert newly_reached_some
