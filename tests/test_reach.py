"""Reach of co-building resources: bulk sparse reach against the networkx reference."""

from __future__ import annotations

import pytest
from tests.helpers import write_dataset_files
from tests.reference_network import reference_reach

from jiceng.loaders import read_dataset
from jiceng.queries.reach import gini, reach, reach_from

NODES = [
    ("S1", "street_committee", "街道", ""), ("S2", "street_committee", "乙街道", ""),
    ("C1", "community_party", "甲社区", "100"), ("C2", "community_party", "乙社区", "200"),
    ("C3", "community_party", "丙社区", "400"), ("UP1", "unit_party", "一中党委", ""),
    ("UP2", "unit_party", "供电局党委", ""), ("ST1", "service_station", "红色驿站", ""),
]
EDGES = [
    ("S1", "C1", "leads"), ("S1", "C2", "leads"), ("S2", "C3", "leads"),
    ("UP1", "S1", "pairs_with"),
    ("UP2", "C1", "pairs_with"), ("UP2", "C1", "part_time"), ("UP2", "S1", "part_time"),
    ("ST1", "C3", "serves"),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = write_dataset_files(tmp_path_factory.mktemp("r") / "d", NODES, EDGES,
                                 node_columns=("id", "kind", "name", "households"))
    return read_dataset(folder)


def test_a_street_partner_reaches_its_communities_at_two_hops_not_one(small):
    one = reach(small, hops=1).units.set_index("id")
    two = reach(small, hops=2).units.set_index("id")
    assert one.loc["UP1", "communities"] == 0
    assert two.loc["UP1", "communities"] == 2 and two.loc["UP1", "households"] == 300


def test_households_are_not_double_counted(small):
    # UP2 reaches C1 directly (twice) and again through S1: C1 counts once
    row = reach(small, hops=2).units.set_index("id").loc["UP2"]
    assert (row["communities"], row["households"]) == (2, 300)


def test_deserts_and_inflow(small):
    result = reach(small, hops=2)
    assert result.deserts == ["C3"]  # a red station is not a co-building tie
    inflow = result.communities.set_index("id")["inflow"]
    assert inflow.to_dict() == {"C1": 2, "C2": 2, "C3": 0}
    assert result.to_json() == {"hops": 2, "deserts": ["C3"], "units": [
        {"id": "UP1", "communities": 2, "households": 300},
        {"id": "UP2", "communities": 2, "households": 300}]}


@pytest.mark.parametrize("hops", [1, 2, 3])
def test_bulk_reach_agrees_with_networkx(sample, hops):
    expected = reference_reach(sample.to_networkx(), hops)
    result = reach(sample, hops=hops).units.set_index("id")
    assert set(result.index) == set(expected)
    counts = {u: len(c) for u, c in expected.items()}
    assert result["communities"].to_dict() == counts
    households = sample.nodes.set_index("id")["households"]
    for unit in list(expected)[:200]:
        assert result.loc[unit, "households"] == sum(int(households[c]) for c in expected[unit])


def test_planted_deserts(sample, sample_truth):
    assert reach(sample, hops=2).deserts == sample_truth["deserts"]


def test_reach_from_one_unit_by_hop(small):
    table = reach_from(small, "UP1", hops=2)
    assert dict(zip(table["id"], table["hop"])) == {"UP1": 0, "S1": 1, "C1": 2, "C2": 2}
    assert reach_from(small, "UP1", hops=1)["id"].tolist() == ["UP1", "S1"]


def test_units_option_and_unknown_unit(small):
    assert reach(small, units=["UP2"]).units["id"].tolist() == ["UP2"]
    from jiceng.graphmodel import UnknownNodeError

    with pytest.raises(UnknownNodeError, match="unknown unit_party node 'C1'"):
        reach(small, units=["C1"])


def test_gini():
    assert gini([2, 2, 2, 2]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
