"""The schema is the single source: derived values, caches and checks follow registrations."""

from __future__ import annotations

import pytest
from tests.helpers import TINY_EDGES, TINY_NODES, write_dataset_files

from jiceng.graphmodel import InvalidInputError, schema
from jiceng.graphmodel.graph import HOME_EDGE_KINDS, edge_kind_dtype, node_kind_dtype
from jiceng.graphmodel.schema import (
    CO_BUILDING_KINDS,
    EDGE_KINDS,
    NODE_KINDS,
    PARTY_KINDS,
    PLACING_EDGES,
    EdgeKind,
    NodeKind,
)
from jiceng.graphmodel.validate import checks
from jiceng.loaders import read_dataset

HALL = NodeKind("culture_hall", "文化活动室", "culture hall", enums={
    "size": {"small": ("小型", "small"), "large": ("大型", "large")}})
PARTY_TEAM = NodeKind("party_team", "党员先锋队", "Party vanguard team", party=True)
HOSTS = EdgeKind("hosts", "承办", "hosts", ((("culture_hall",), ("community_party",)),),
                 places=(0, "out"), acyclic=True, one_per_source=True, co_building=True)
TEAM_LEADS = EdgeKind("team_leads", "带领", "team leads", ((("party_team",), ("party_team",)),),
                      acyclic=True)


def test_derived_values_are_the_declared_facts():
    assert tuple(PARTY_KINDS) == tuple(k for k, v in NODE_KINDS.items() if v.party)
    assert tuple(CO_BUILDING_KINDS) == ("pairs_with", "part_time", "reports_to")
    assert [kind for kind, _ in PLACING_EDGES] == list(HOME_EDGE_KINDS)
    assert PLACING_EDGES[0] == ("within", "out") and ("leads", "in") in PLACING_EDGES
    assert list(node_kind_dtype().categories) == list(NODE_KINDS)


def test_imported_values_follow_a_registration_and_its_undoing():
    party, co, placing = tuple(PARTY_KINDS), tuple(CO_BUILDING_KINDS), tuple(PLACING_EDGES)
    nodes_dtype, edges_dtype = node_kind_dtype(), edge_kind_dtype()
    with schema.registered(HALL, PARTY_TEAM, HOSTS, TEAM_LEADS):
        assert tuple(PARTY_KINDS) == party + ("party_team",)
        assert tuple(CO_BUILDING_KINDS) == co + ("hosts",)
        # priority 0 ties with within: declaration order breaks the tie
        assert tuple(PLACING_EDGES) == placing[:1] + (("hosts", "out"),) + placing[1:]
        assert list(node_kind_dtype().categories)[-2:] == ["culture_hall", "party_team"]
        assert list(edge_kind_dtype().categories)[-2:] == ["hosts", "team_leads"]
        names = {c.name for c in checks(["size"], [])}
        assert {"enum:culture_hall.size", "acyclic:hosts", "acyclic:team_leads",
                "one-per-source:hosts"} <= names
    assert (tuple(PARTY_KINDS), tuple(CO_BUILDING_KINDS), tuple(PLACING_EDGES)) == (party, co, placing)
    assert node_kind_dtype() == nodes_dtype and edge_kind_dtype() == edges_dtype
    assert "culture_hall" not in NODE_KINDS and "hosts" not in EDGE_KINDS


def test_label_is_the_one_format():
    assert schema.label("grid_branch") == "网格党支部 (grid_branch)"
    assert schema.label("pairs_with") == "结对共建 (pairs_with)"
    assert schema.label("not_a_kind") == "not_a_kind"


def test_kind_map_is_live():
    colours = schema.kind_map(NODE_KINDS, lambda k: k.color)
    assert colours["grid"] == NODE_KINDS["grid"].color and len(colours) == len(NODE_KINDS)
    with schema.registered(HALL):
        assert colours["culture_hall"] == HALL.color and list(colours)[-1] == "culture_hall"
    with pytest.raises(KeyError):
        colours["culture_hall"]


def test_registered_kinds_get_every_generic_check(tmp_path):
    """Enumerated values, acyclic and one-per-source constraints come from the kind's flags."""
    nodes = [n + ("",) for n in TINY_NODES] + [
        ("H1", "culture_hall", "活动室一", "huge"), ("H2", "culture_hall", "活动室二", "small"),
        ("T1", "party_team", "先锋队一", ""), ("T2", "party_team", "先锋队二", "")]
    edges = TINY_EDGES + [("H1", "C1", "hosts"), ("H2", "C1", "hosts"), ("H2", "C1", "hosts"),
                          ("T1", "T2", "team_leads"), ("T2", "T1", "team_leads")]
    folder = write_dataset_files(tmp_path / "d", nodes, edges,
                                 node_columns=("id", "kind", "name", "size"))
    with schema.registered(HALL, PARTY_TEAM, HOSTS, TEAM_LEADS):
        with pytest.raises(InvalidInputError) as caught:
            read_dataset(folder)
        found = {(p.row, p.column): p for p in caught.value.problems}
        n = len(TINY_EDGES)
        assert {at: p.code for at, p in found.items()} == {
            (len(TINY_NODES) + 2, "size"): "bad_value", (n + 4, "source"): "one_per_source",
            (n + 5, "target"): "cycle", (n + 6, "target"): "cycle"}
        assert found[(len(TINY_NODES) + 2, "size")].message_en == (
            "unknown culture hall size 'huge' (expected one of small, large)")
        assert found[(len(TINY_NODES) + 2, "size")].message.startswith("文化活动室的 size 值 'huge' 未知")
        assert found[(n + 4, "source")].message_en.startswith("'H2' is the source of two hosts edges")
    with pytest.raises(InvalidInputError) as caught:  # unregistered: unknown kinds again
        read_dataset(folder)
    assert any(p.code == "bad_kind" and "'culture_hall'" in p.message
               for p in caught.value.problems)


def test_a_graph_loaded_before_a_registration_still_answers(tmp_path):
    graph = read_dataset(write_dataset_files(tmp_path / "d", TINY_NODES, TINY_EDGES))
    with schema.registered(HALL, HOSTS):
        assert not graph.is_kind("culture_hall").any()
        assert len(graph.edge_positions("hosts")) == 0
        assert graph.count("grid") == 1
        assert graph.places["community"].to_numpy()[graph.code("G1")] == graph.code("C1")
