"""Isolated and fragile communities: planted ones, hand-made cases, the networkx reference."""

from __future__ import annotations

from tests.helpers import write_dataset_files
from tests.reference_network import reference_isolation

from jiceng.loaders import read_dataset
from jiceng.queries.isolation import isolation

NODES = [
    ("S1", "street_committee", "街道"), ("C1", "community_party", "甲社区"),
    ("C2", "community_party", "乙社区"), ("C3", "community_party", "丙社区"),
    ("C4", "community_party", "丁社区"), ("UP1", "unit_party", "一中党委"),
    ("UP2", "unit_party", "供电局党委"), ("ST1", "service_station", "红色驿站"),
]
EDGES = [
    ("S1", "C1", "leads"), ("S1", "C2", "leads"), ("S1", "C3", "leads"), ("S1", "C4", "leads"),
    ("UP1", "C1", "part_time"), ("UP1", "C1", "part_time"), ("UP1", "C1", "part_time"),
    ("UP1", "C2", "pairs_with"), ("UP2", "C2", "reports_to"),
    ("ST1", "C3", "serves"),  # a red station is not a co-building tie
    ("UP2", "S1", "pairs_with"),
]


def test_planted_isolated_fragile_and_single_points(sample, sample_truth):
    result = isolation(sample)
    assert result.isolated == sample_truth["isolated"]
    assert result.fragile == sample_truth["fragile"]
    assert result.single_points == sample_truth["single_points"]


def test_agrees_with_networkx_reference(sample):
    result = isolation(sample)
    assert (result.isolated, result.fragile, result.single_points) == \
        reference_isolation(sample.to_networkx())


def test_hand_made_cases(tmp_path):
    result = isolation(read_dataset(write_dataset_files(tmp_path / "d", NODES, EDGES)))
    assert result.fragile == ["C1"]  # three part-time members, all from one unit
    assert result.single_points == {"UP1": ["C1"]}
    assert result.isolated == ["C3", "C4"]  # C3 only has a red station
    rows = result.communities.set_index("id")
    assert rows.loc["C1", "ties"] == 3 and rows.loc["C1", "units"] == 1
    assert rows.loc["C2", "status"] == "connected"
    assert result.to_json() == {"isolated": ["C3", "C4"], "fragile": ["C1"],
                                "single_points": {"UP1": ["C1"]}}


def test_components_and_street_shares(tmp_path):
    result = isolation(read_dataset(write_dataset_files(tmp_path / "d", NODES, EDGES)))
    first = result.components.iloc[0]
    # UP1-C1, UP1-C2, UP2-C2, UP2-S1: one component of two communities, two units, a street
    assert (first["communities"], first["units"], first["streets"]) == (2, 2, 1)
    assert result.components["communities"].sum() == 4
    street = result.by_street.iloc[0]
    assert (street["communities"], street["isolated"], street["fragile"]) == (4, 2, 1)
    assert street["isolated_share"] == 0.5
