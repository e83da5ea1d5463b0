"""A node kind and an edge kind added through the schema alone reach every consumer.

``volunteer_team`` (志愿服务队) and ``volunteers_at`` (志愿服务, volunteer_team →
community_party, placing the team in the community it serves) are registered for the
test only; validation, the analysis commands, the street map, the template and the
Cypher that a push and a pull send all take them from the schema.
"""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from tests.helpers import TINY_EDGES, TINY_NODES, assert_same_graph, write_dataset_files
from tests.test_neo4j_unit import FakeNeo4j

import jiceng.present.maps  # noqa: F401 - imported before registering: what it read must follow
import jiceng.server.statements  # noqa: F401
from jiceng.graphmodel import InvalidInputError, schema
from jiceng.graphmodel.schema import EdgeKind, NodeKind
from jiceng.loaders import read_dataset
from jiceng.server.neo4j import pull_neo4j, push_neo4j

VOLUNTEER_TEAM = NodeKind("volunteer_team", "志愿服务队", "volunteer service team", color="#43a047",
                          shape="triangle")
VOLUNTEERS_AT = EdgeKind("volunteers_at", "志愿服务", "volunteers at",
                         ((("volunteer_team",), ("community_party",)),), color="#66bb6a",
                         dashes=(4, 2), places=(7, "out"), co_building=False)

NODES = TINY_NODES + [("V1", "volunteer_team", "市南路社区青年志愿服务队")]
EDGES = TINY_EDGES + [("V1", "C1", "volunteers_at")]


@pytest.fixture
def extended():
    """The schema with the two extra kinds for one test, undone afterwards."""
    before = (list(schema.NODE_KINDS), list(schema.EDGE_KINDS), tuple(schema.PLACING_EDGES))
    with schema.registered(VOLUNTEER_TEAM, VOLUNTEERS_AT):
        yield
    assert (list(schema.NODE_KINDS), list(schema.EDGE_KINDS),
            tuple(schema.PLACING_EDGES)) == before


@pytest.fixture
def dataset(tmp_path, extended):
    return write_dataset_files(tmp_path / "city", NODES, EDGES)


def test_registration_updates_every_derived_value(extended):
    assert schema.NODE_KINDS["volunteer_team"] is VOLUNTEER_TEAM
    assert schema.label("volunteers_at") == "志愿服务 (volunteers_at)"
    assert schema.PLACING_EDGES[-1] == ("volunteers_at", "out")
    assert "volunteers_at" not in schema.CO_BUILDING_KINDS
    assert "volunteer_team" not in schema.PARTY_KINDS
    assert schema.is_allowed("volunteers_at", "volunteer_team", "community_party")
    assert schema.neo4j_label("volunteer_team") == "VolunteerTeam"
    from jiceng.graphmodel.graph import HOME_EDGE_KINDS, node_kind_dtype
    assert "volunteers_at" in HOME_EDGE_KINDS
    assert list(node_kind_dtype().categories)[-1] == "volunteer_team"


def test_registration_refuses_what_would_break_the_schema(extended):
    with pytest.raises(ValueError, match="already"):
        schema.register_node_kind(VOLUNTEER_TEAM)
    with pytest.raises(ValueError, match="unknown node kinds"):
        schema.register_edge_kind(EdgeKind("helps", "帮助", "helps", ((("nobody",), ("grid",)),)))
    with pytest.raises(ValueError, match="used by edge kinds"):
        schema.unregister_kind("volunteer_team")


def test_the_new_kinds_load_and_are_placed(dataset):
    graph = read_dataset(dataset)
    assert graph.count("volunteer_team") == 1
    community = graph.places["community"].to_numpy()[graph.code("V1")]
    assert community == graph.code("C1")


def test_the_new_kinds_are_validated(tmp_path, extended):
    edges = EDGES + [("V1", "G1", "volunteers_at"), ("V2", "C1", "volunteers_at")]
    folder = write_dataset_files(tmp_path / "bad", NODES, edges)
    with pytest.raises(InvalidInputError) as caught:
        read_dataset(folder)
    messages = {p.row: str(p) for p in caught.value.problems}
    assert len(messages) == 2
    assert "志愿服务（volunteers_at）关系不能从志愿服务队 'V1' 指向网格 'G1'" in messages[len(EDGES) + 2]
    assert "allowed: volunteer_team→community_party" in messages[len(EDGES) + 2]
    assert "unknown node 'V2'" in messages[len(EDGES) + 3]


def test_every_command_runs_on_the_new_kinds(tmp_path, dataset, cli):
    def run(*args):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert "Traceback" not in result.stderr
        return result

    info = run("info", dataset).stdout
    assert "志愿服务队" in info and "volunteer_team" in info and "volunteers_at" in info
    run("validate", dataset)
    audit = json.loads(run("audit", dataset, "--format", "json").stdout)
    assert audit["rules"]
    run("isolated", dataset, "--format", "json")
    run("reach", dataset, "--format", "json")
    whatif = run("whatif", dataset, "--remove", "V1", "--format", "json").stdout
    assert json.loads(whatif)
    old = write_dataset_files(tmp_path / "old", TINY_NODES, TINY_EDGES)
    diff = run("diff", old, dataset, "--format", "json").stdout
    assert "V1" in diff and "volunteers_at" in diff

    page = tmp_path / "street.html"
    run("map", dataset, "--street", "S1", "-o", page)
    html = page.read_text(encoding="utf-8")
    assert "市南路社区青年志愿服务队" in html  # the team is placed in the street
    for kind in (VOLUNTEER_TEAM, VOLUNTEERS_AT):  # both kinds, labelled, in the legend
        assert f'data-style="{"edge" if kind is VOLUNTEERS_AT else "kind"}:{kind.id}"' in html
        assert f"<span>{kind.zh} {kind.en}</span>" in html
    assert "志愿服务" in html and VOLUNTEERS_AT.color in html and VOLUNTEER_TEAM.color in html
    data = json.loads(html.split('id="jiceng-data">', 1)[1].split("</script>", 1)[0])
    shapes = {n["id"]: n["shape"] for n in data["nodes"]}
    assert shapes["V1"] == VOLUNTEER_TEAM.shape == "triangle"  # the map reads it from the schema
    assert shapes["G1"] == schema.NODE_KINDS["grid"].shape

    workbook_path = tmp_path / "template.xlsx"
    run("template", workbook_path)
    rows = list(load_workbook(workbook_path)["类型"].iter_rows(min_row=2, values_only=True))
    assert ("节点", "志愿服务队", "volunteer_team", "volunteer service team") in [r[:4] for r in rows]
    edge_row = next(r for r in rows if r[0] == "关系" and r[2] == "volunteers_at")
    assert edge_row[1] == "志愿服务" and "volunteer_team → community_party" in edge_row[4]


def test_cypher_carries_the_new_labels_and_types(dataset):
    graph = read_dataset(dataset)
    fake = FakeNeo4j()
    push_neo4j(graph, fake)
    sent = "\n".join(cypher for cypher, _ in fake.sent)
    assert "(n:VolunteerTeam {id: row.id})" in sent
    assert ":VOLUNTEERS_AT" in sent
    assert ("VolunteerTeam", "V1") in fake.nodes
    assert any(key[0] == "VOLUNTEERS_AT" for key in fake.rels)
    assert_same_graph(graph, pull_neo4j(fake))


def test_a_registered_co_building_kind_reaches_the_cypher():
    from jiceng.server.statements import isolation_statements, reach_statements

    mentors = EdgeKind("mentors", "导师帮带", "mentors", ((("unit_party",), ("community_party",)),),
                       co_building=True)
    assert "MENTORS" not in isolation_statements()["edges"]
    with schema.registered(mentors):
        assert "MENTORS" in isolation_statements()["edges"]
        assert "MENTORS" in reach_statements(2)["units"]
    assert "MENTORS" not in reach_statements(2)["units"]
