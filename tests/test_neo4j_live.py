"""Neo4j for real: push the Guiyang sample, query it as Cypher, pull it back.

Runs whenever NEO4J_URI is set (with NEO4J_USER, default ``neo4j``, and NEO4J_PASSWORD),
e.g. against the project's docker-compose.yml. The server must be a disposable one:
the tests delete every node that carries a jiceng ``kind`` before they start.
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest
from tests.helpers import assert_same_graph

from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS, neo4j_type
from jiceng.queries import audit, diff, isolation, reach, reach_from, whatif
from jiceng.server import Neo4jSource
from jiceng.server.neo4j import Neo4jRunner, pull_neo4j, pull_skeleton, push_neo4j

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                       reason="NEO4J_URI not set: no Neo4j server to test against"),
]

INJECTION = "x'}) DETACH DELETE n //"


def _clear(runner) -> None:
    while True:
        done = runner.run("MATCH (n) WHERE n.kind IN $kinds WITH n LIMIT 10000 DETACH DELETE n "
                          "RETURN count(*) AS deleted", {"kinds": list(NODE_KINDS)})
        if int(done["deleted"].iloc[0]) == 0:
            return


@pytest.fixture(scope="module")
def server(sample):
    runner = Neo4jRunner(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                         os.environ.get("NEO4J_PASSWORD", ""))
    _clear(runner)
    push_neo4j(sample, runner)
    yield runner
    runner.close()


def _counts(runner) -> tuple[dict, dict]:
    nodes = runner.run("MATCH (n) WHERE n.kind IN $kinds RETURN n.kind AS kind, count(*) AS n",
                       {"kinds": list(NODE_KINDS)})
    edges = runner.run("MATCH ()-[r]->() WHERE type(r) IN $types RETURN type(r) AS type, "
                       "count(*) AS n", {"types": [neo4j_type(k) for k in EDGE_KINDS]})
    return dict(zip(nodes["kind"], nodes["n"])), dict(zip(edges["type"], edges["n"]))


def _expected_counts(graph) -> tuple[dict, dict]:
    nodes = graph.nodes["kind"].astype(str).value_counts()
    edges = graph.edges["kind"].astype(str).value_counts()
    return ({k: int(v) for k, v in nodes.items() if v},
            {neo4j_type(k): int(v) for k, v in edges.items() if v})


def test_push_loads_every_node_and_edge(server, sample):
    assert _counts(server) == _expected_counts(sample)


def test_constraints_exist(server, sample):
    names = set(server.run("SHOW CONSTRAINTS YIELD name RETURN name")["name"])
    assert {f"jiceng_{k}_id" for k in set(sample.nodes["kind"].astype(str))} <= names


def test_second_push_changes_nothing(server, sample):
    push_neo4j(sample, server)
    assert _counts(server) == _expected_counts(sample)


def _same(ours, theirs, names) -> None:
    for name in names:
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(theirs, name), check_dtype=False)
    assert ours.to_json() == theirs.to_json()


@pytest.fixture(scope="module")
def source(server):
    """The server as a source: its places read once for every query below."""
    return Neo4jSource(server)


def test_audit_same_as_in_process(source, sample):
    _same(audit(sample), audit(source), ("summary", "gaps", "by_street", "by_district",
                                         "ranking"))


def test_isolation_same_as_in_process(source, sample):
    _same(isolation(sample), isolation(source), ("communities", "components", "by_street"))


@pytest.mark.parametrize("hops", [1, 2, 3, 5])
def test_reach_same_as_in_process(source, sample, hops):
    ours, theirs = reach(sample, hops=hops), reach(source, hops=hops)
    _same(ours, theirs, ("units", "communities", "gini_by_street"))


def test_whatif_diff_reach_from_same_as_in_process(source, sample):
    unit, _ = next(iter(isolation(sample).single_points.items()))
    _same(whatif(sample, remove=[unit]), whatif(source, remove=[unit]), ("rules", "new_gaps"))
    pd.testing.assert_frame_equal(reach_from(sample, unit, hops=3), reach_from(source, unit, hops=3))
    assert diff(source, sample).unchanged


def test_connect_names_the_server_without_the_password(sample):
    password = os.environ.get("NEO4J_PASSWORD", "")
    with Neo4jSource.connect(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                             password) as connected:
        assert not password or password not in connected.name + connected.uri
        assert int(audit(connected).summary["checked"].sum()) == int(
            audit(sample).summary["checked"].sum())


def test_skeleton_places_nodes_as_in_process(server, sample):
    bones = pull_skeleton(server)
    ids = sample.nodes["id"].to_numpy(dtype=object)
    for level in ("community", "street", "district"):
        ours = pd.Series(sample.places[level].to_numpy(), index=ids)
        theirs = pd.Series(bones.places[level].to_numpy(), index=bones.nodes["id"].to_numpy())
        as_ids = lambda s, g: s.map(lambda c: g.nodes["id"].iat[c] if c >= 0 else "")  # noqa: E731
        pd.testing.assert_series_equal(as_ids(ours, sample).sort_index(),
                                       as_ids(theirs, bones).sort_index())


def test_pull_gives_back_the_same_graph(server, sample):
    assert_same_graph(sample, pull_neo4j(server))


@pytest.mark.parametrize("args", [["audit"], ["isolated"], ["reach", "--hops", "3"],
                                  ["whatif", "--remove", "UP00155"]])
def test_cli_on_the_server_matches(server, jiceng_process, args):
    local = jiceng_process(*args, "--format", "json", check=True)
    remote = jiceng_process(*args, "--neo4j", "--format", "json", check=True)
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    by_uri = jiceng_process(*args, os.environ["NEO4J_URI"], "--format", "json", check=True)
    assert json.loads(by_uri.stdout) == json.loads(local.stdout)


def test_cli_diff_and_map_on_the_server(server, jiceng_process, tmp_path):
    from jiceng.loaders import sample_path

    done = jiceng_process("diff", os.environ["NEO4J_URI"], sample_path(), "--format", "json",
                          check=True)
    assert json.loads(done.stdout)["unchanged"] is True
    page = tmp_path / "street.html"
    jiceng_process("map", "--neo4j", "--street", "S0001", "--output", page, check=True)
    assert page.stat().st_size > 0


def test_injection_is_stored_as_text(server, sample):
    """Last: adds a node, checks it, removes it."""
    from jiceng.graphmodel import OrgGraph

    nodes = pd.DataFrame({"id": ["INJ1"], "kind": ["unit_party"], "name": [INJECTION]})
    edges = pd.DataFrame({"source": pd.Series([], dtype=object),
                          "target": pd.Series([], dtype=object),
                          "kind": pd.Series([], dtype=object)})
    push_neo4j(OrgGraph.from_tables(nodes, edges), server)
    stored = server.run("MATCH (n:UnitParty {id: $id}) RETURN n.name AS name", {"id": "INJ1"})
    assert stored["name"].tolist() == [INJECTION]
    total = sum(_counts(server)[0].values())
    assert total == sample.n_nodes + 1  # nothing deleted
    server.run("MATCH (n:UnitParty {id: $id}) DETACH DELETE n", {"id": "INJ1"})
