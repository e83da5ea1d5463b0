"""The coverage engine: planted gaps, each rule's edge cases, the networkx reference, roll-ups."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from tests.helpers import write_dataset_files
from tests.reference_coverage import reference_audit

from jiceng.loaders import read_dataset
from jiceng.loaders.synthetic import generate
from jiceng.queries.coverage import audit
from jiceng.queries.rules import default_rules


def test_planted_gaps_are_found_and_nothing_else(sample, sample_truth):
    result = audit(sample)
    for rule in result.rules:
        assert result.gap_ids(rule.id) == sample_truth["gaps"][rule.id], rule.id


# A hand-made street holding one case for every rule's edge.
NODES = [
    ("D1", "district_committee", "南明区委", ""),
    ("S1", "street_committee", "油榨街道党工委", ""),
    ("S2", "street_committee", "兴关路街道党工委", ""),
    ("C1", "community_party", "市南路社区党委", ""),
    ("C2", "community_party", "青山社区党总支", ""),
    ("G1", "grid", "第一网格", ""),
    ("G2", "grid", "第二网格", ""),
    ("G3", "grid", "第三网格", ""),
    ("GB1", "grid_branch", "第一、二网格联合党支部", ""),
    ("B1", "building", "1栋", ""),
    ("B2", "building", "2栋", ""),
    ("BG1", "building_group", "1栋党小组", ""),
    ("K1", "cadre", "王建国", ""),
    ("U1", "unit", "贵阳一中", ""),
    ("U2", "unit", "南明供电局", ""),
    ("UP1", "unit_party", "贵阳一中党委", ""),
    ("PC1", "property_company", "碧海物业", ""),
    ("PC2", "property_company", "无主物业", ""),
    ("PP1", "property_party", "碧海物业党支部", ""),
    ("OC1", "owners_committee", "碧海小区业委会", ""),
    ("OP1", "owners_party", "碧海小区业委会党支部", ""),
    ("RC1", "residents_committee", "市南路社区居委会", ""),
    ("RC2", "residents_committee", "青山社区居委会", ""),
    ("L1", "lawyer", "李律师", ""),
    ("ST1", "service_station", "市南路党群服务中心", "service_center"),
    ("ST2", "service_station", "青山红色驿站", "red_station"),
]
EDGES = [
    ("D1", "S1", "leads"), ("D1", "S2", "leads"), ("S1", "C1", "leads"), ("S1", "C2", "leads"),
    ("G1", "C1", "within"), ("G2", "C1", "within"), ("G3", "C2", "within"),
    ("GB1", "G1", "covers"), ("GB1", "G2", "covers"),  # a joint branch covers two grids
    ("C1", "GB1", "leads"),
    ("B1", "G1", "within"), ("B2", "G1", "within"), ("BG1", "B1", "covers"), ("GB1", "BG1", "leads"),
    ("K1", "S1", "member_of"), ("K1", "G1", "liaison"), ("K1", "G2", "liaison"),
    ("U1", "S1", "within"), ("U2", "S1", "within"), ("UP1", "U1", "covers"),
    ("UP1", "S1", "part_time"),
    ("UP1", "C1", "part_time"), ("UP1", "C1", "part_time"), ("UP1", "C1", "part_time"),
    ("UP1", "C2", "part_time"), ("UP1", "C2", "part_time"),
    ("UP1", "C1", "pairs_with"),
    ("PC1", "C1", "within"), ("PC2", "C2", "within"), ("C1", "PC1", "leads"),
    ("PP1", "PC1", "covers"), ("C1", "PC1", "dual_entry"),
    ("OC1", "C1", "within"), ("C1", "OC1", "leads"), ("OP1", "OC1", "covers"),
    ("RC1", "C1", "within"), ("RC2", "C2", "within"), ("C1", "RC1", "leads"),
    ("C2", "RC2", "leads"), ("C1", "RC1", "dual_entry"),
    ("L1", "C1", "advises"),
    ("ST1", "C1", "within"), ("ST1", "C1", "serves"), ("ST2", "C2", "within"), ("ST2", "C2", "serves"),
]
EXPECTED_GAPS = {
    "grid-branch": ["G3"],  # G1 and G2 share one joint branch: both covered
    "building-group": ["B2"],
    "grid-liaison": ["G3"],
    "street-part-time": ["S2"],
    "community-part-time": ["C2"],  # C1 has three members from one unit: that counts three
    "street-pairing": ["S1", "S2"],
    "community-pairing": ["C2"],
    "property-party": ["PC2"],
    "owners-party": [],
    "unit-party": ["U2"],
    "dual-entry": ["OC1", "RC2"],  # PC2 is led by no community: not checked
    "legal-adviser": ["C2"],
    "service-center": ["C2"],  # a red station is not a service centre
}


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):
    folder = write_dataset_files(tmp_path_factory.mktemp("hand") / "d", NODES,
                                 [e + ("",) for e in EDGES],
                                 node_columns=("id", "kind", "name", "type"),
                                 edge_columns=("source", "target", "kind", "person"))
    return read_dataset(folder)


@pytest.mark.parametrize("rule_id", list(EXPECTED_GAPS))
def test_each_rule_edge_cases(handmade, rule_id):
    assert audit(handmade).gap_ids(rule_id) == EXPECTED_GAPS[rule_id]


def test_dual_entry_checks_only_what_a_community_leads(handmade):
    summary = audit(handmade).summary.set_index("rule")
    assert summary.loc["dual-entry", "checked"] == 4  # PC1, OC1, RC1, RC2; not PC2


def test_json_has_the_design_shape(handmade):
    data = audit(handmade).to_json()
    assert list(data) == ["rules"]
    first = data["rules"][0]
    assert list(first) == ["id", "title", "each", "checked", "passing", "failing", "coverage", "gaps"]
    cp = next(r for r in data["rules"] if r["id"] == "community-part-time")
    assert (cp["checked"], cp["passing"], cp["failing"], cp["coverage"]) == (2, 1, 1, 0.5)


def _agree(graph):
    rules = default_rules()
    reference = reference_audit(graph.to_networkx(), rules)
    result = audit(graph, rules)
    for rule in rules:
        checked, gaps = reference[rule.id]
        row = result.summary.set_index("rule").loc[rule.id]
        assert row["checked"] == len(checked), rule.id
        assert result.gap_ids(rule.id) == gaps, rule.id


def test_engine_agrees_with_networkx_reference_on_the_sample(sample):
    _agree(sample)


def test_engine_agrees_with_networkx_reference_on_handmade(handmade):
    _agree(handmade)


@pytest.mark.slow
def test_engine_agrees_with_networkx_reference_at_scale_3(guiyang_3):
    _agree(guiyang_3[1])


def test_roll_ups_add_up_to_the_summary(sample):
    result = audit(sample)
    for table in (result.by_street, result.by_district):
        sums = table.groupby("rule", sort=False)[["checked", "passing", "failing"]].sum()
        summary = result.summary.set_index("rule")[["checked", "passing", "failing"]]
        assert (sums.loc[summary.index] == summary).all().all()


def test_nodes_without_a_place_roll_up_as_unattributed(handmade):
    result = audit(handmade)
    s2 = result.by_street[(result.by_street["rule"] == "street-pairing")]
    assert set(s2["street"]) == {"S1", "S2"}
    unit = result.gaps[result.gaps["rule"] == "unit-party"].iloc[0]
    assert (unit["street"], unit["district"]) == ("S1", "D1")


def test_unattributed_nodes(tmp_path):
    folder = write_dataset_files(tmp_path / "d", [("G9", "grid", "孤网格")], [])
    result = audit(read_dataset(folder))
    row = result.by_street[result.by_street["rule"] == "grid-branch"].iloc[0]
    assert row["street"] == "" and "unattributed" in row["street_name"]


def test_ranking_orders_streets_by_score(sample):
    ranking = audit(sample).ranking
    assert ranking["rank"].tolist() == list(range(1, len(ranking) + 1))
    assert np.all(np.diff(ranking["score"].to_numpy()) <= 1e-12)
    assert len(ranking) == sample.count("street_committee")


def _ranking_by_definition(rolled, level):
    """docs/design.md §4's ranking written plainly: per place, the mean of its rules' coverage
    (every rule that checks something there weighs the same), the weakest rule (ties: rule
    order), ordered by score, then id."""
    keys = ["street", "street_name", "district", "district_name"] if level == "street" else \
        ["district", "district_name"]
    groups: dict[tuple, list] = {}
    for row in rolled[rolled[level] != ""].itertuples(index=False):
        groups.setdefault(tuple(getattr(row, k) for k in keys), []).append(row)
    rows = []
    for key, members in groups.items():
        worst = min(members, key=lambda r: r.coverage)  # the first of the lowest
        exact = sum((Fraction(r.passing, r.checked) for r in members), Fraction(0)) / len(members)
        rows.append(dict(zip(keys, key), score=exact,
                         rules=len(members), rules_failing=sum(r.failing > 0 for r in members),
                         worst_rule=worst.rule, worst_coverage=worst.coverage,
                         checked=sum(r.checked for r in members),
                         failing=sum(r.failing for r in members)))
    rows.sort(key=lambda r: (-r["score"], r[level]))
    return [dict(rank=i, **r) for i, r in enumerate(rows, start=1)]


@pytest.mark.parametrize("seed", [1, 5])
def test_rankings_are_their_definition(seed):
    graph = generate(seed=seed, scale=0.2)[0]
    if seed == 5:  # places left out: unattributed rows, which no ranking holds
        within = np.flatnonzero(graph.edges["kind"].astype(str).to_numpy() == "within")
        graph = graph.without(edges=within[::7])
    result = audit(graph)
    for ranking, rolled, level in ((result.ranking, result.by_street, "street"),
                                   (result.district_ranking, result.by_district, "district")):
        got, expected = ranking.to_dict("records"), _ranking_by_definition(rolled, level)
        assert [{**r, "score": None} for r in got] == [{**r, "score": None} for r in expected]
        for mine, theirs in zip(got, expected):  # the float nearest the exact mean, or next to it
            assert math.isclose(mine["score"], theirs["score"], rel_tol=1e-15, abs_tol=1e-15)
        scores = {}  # equal means are equal floats
        for mine, theirs in zip(got, expected):
            assert scores.setdefault(theirs["score"], mine["score"]) == mine["score"]


def test_equal_coverages_give_equal_scores_in_any_order():
    """Places whose coverages have the same exact mean get the same score, however the floats
    of their coverages round: 0.1+0.2+0.3 != 0.3+0.2+0.1, and 1/3+1+1 = 2/3+1+2/3."""
    from jiceng.queries.coverage import _exact_means

    passing, checked = np.array([1, 2, 3, 3, 2, 1]), np.array([10] * 6)
    means = _exact_means(np.array([0, 0, 0, 1, 1, 1]), passing, checked, 2)
    assert means[0] == means[1] == 0.2
    passing, checked = np.array([1, 5, 7, 2, 1, 2]), np.array([3, 5, 7, 3, 1, 3])
    means = _exact_means(np.array([0, 0, 0, 1, 1, 1]), passing, checked, 2)
    assert means[0] == means[1] == 7 / 9
