"""The Cypher executed: every statement jiceng sends to Neo4j runs on FalkorDB, a real
openCypher engine started by the tests (``falkordb_server`` in conftest.py), and its
answers equal the in-process engine's.

The same statement text goes to both servers (``test_the_same_statements_go_to_neo4j_and_
falkordb``); only the dialect's key statements differ (:data:`jiceng.server.falkordb.
FALKORDB`), and the Neo4j form of every statement is checked by Neo4j's own front end in
tests/test_cypher_lint.py.

Every expected answer comes from the in-process engine (pandas tables and sparse
matrices: :func:`~jiceng.queries.coverage.rule_counts`, ``isolation``, ``reach`` on an
:class:`~jiceng.graphmodel.OrgGraph`), code that shares nothing with the Cypher path but
the assembly of results from per-node counts; the raw rows of each statement are
compared first, then the assembled results. Dataset: a city made by the generator of the
bundled sample with another seed, at a fifth of Guiyang's size (every node and edge kind,
every rule checking something); the command line on a city at a twentieth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from tests.helpers import assert_same_graph

import jiceng.server.statements as cypher
from jiceng.graphmodel import OrgGraph
from jiceng.graphmodel.schema import (
    CO_BUILDING_KINDS,
    EDGE_KINDS,
    NODE_KINDS,
    neo4j_label,
    neo4j_type,
)
from jiceng.queries import audit, default_rules, isolation, reach
from jiceng.queries.coverage import rule_counts
from jiceng.queries.rules import Rule, parse_rules
from jiceng.server import Neo4jSource
from jiceng.server.falkordb import INDEXES_QUERY, FalkorDBRunner
from jiceng.server.neo4j import (
    EDGES_QUERY,
    NODES_QUERY,
    constraint_statements,
    edge_statement,
    node_statement,
    push_neo4j,
)

pytestmark = pytest.mark.falkordb

HOPS = (1, 2, 3, 5)
GENERATED = {"seed": 11, "scale": 0.2}


class Recording:
    """A FalkorDB runner that keeps the text of every statement it ran."""

    def __init__(self, runner: FalkorDBRunner):
        self.runner, self.dialect, self.uri = runner, runner.dialect, runner.uri
        self.sent: list[str] = []

    def run(self, statement: str, params: dict | None = None) -> pd.DataFrame:
        self.sent.append(statement)
        return self.runner.run(statement, params)

    def close(self) -> None:
        self.runner.close()


def _connect(address: str, graph_name: str) -> Recording:
    """A runner on an emptied graph of the server."""
    runner = Recording(FalkorDBRunner(f"{address}/{graph_name}"))
    runner.run("MATCH (n) DETACH DELETE n")
    return runner


def custom_rules(graph: OrgGraph) -> list[Rule]:
    """Rules using every rule feature, with values taken from the data so that each checks
    nodes and finds edges: several kinds in ``each``; ``where.attrs`` with one value (a
    Chinese title) and with a list; ``where.has_edge`` with ``other`` and ``other_attrs``;
    ``count`` in and out, with and without ``other`` and ``other_attrs``, on a text and a
    number attribute; ``min`` 0, 1 and above."""
    nodes = graph.nodes
    grids = nodes[graph.is_kind("grid")]
    households = sorted({str(v) for v in grids["households"].dropna().head(40)})
    firm = str(nodes["firm"][graph.is_kind("lawyer")].dropna().iloc[0])
    title = str(nodes["title"][graph.is_kind("cadre")].dropna().iloc[0])
    return parse_rules({"rules": [
        {"id": "stations-by-type", "title_zh": "驿站", "title_en": "Stations by type",
         "each": ["service_station", "grid"],
         "where": {"attrs": {"type": ["red_station", "driver_home"]},
                   "has_edge": {"edge": "serves", "direction": "out",
                                "other": ["community_party", "street_committee"]}},
         "count": {"edge": "within", "direction": "out", "other": ["community_party"]}},
        {"id": "cadre-grids", "title_zh": "干部包保", "title_en": "A cadre's grids",
         "each": "cadre", "where": {"attrs": {"title": title}},
         "count": {"edge": "liaison", "direction": "out", "other": ["grid"],
                   "other_attrs": {"households": households}}, "min": 2},
        {"id": "advised-by-firm", "title_zh": "律所", "title_en": "Advised by one firm",
         "each": ["community_party", "street_committee"],
         "where": {"has_edge": {"edge": "advises", "direction": "in", "other": ["lawyer"],
                                "other_attrs": {"firm": firm}}},
         "count": {"edge": "part_time", "direction": "in"}, "min": 3},
        {"id": "grids-within", "title_zh": "网格户数", "title_en": "Grids by households",
         "each": "community_party",
         "count": {"edge": "within", "direction": "in", "other_attrs": {"households": households}},
         "min": 0},
        {"id": "pairs-out", "title_zh": "结对", "title_en": "Pairings made",
         "each": "unit_party", "count": {"edge": "pairs_with", "direction": "out"}},
    ]})


@dataclass
class Loaded:
    graph: OrgGraph  # as read from the files: the expected answers are counted on it
    runner: Recording
    source: Neo4jSource
    sent: dict[str, int]


@pytest.fixture(scope="module")
def generated() -> OrgGraph:
    from jiceng.loaders.synthetic import generate

    graph, _ = generate(**GENERATED)
    return graph


@pytest.fixture(scope="module")
def loaded(falkordb_server, generated):
    """The dataset pushed into its own graph of the server, and a source on it whose whole
    graph is read once (its places too)."""
    runner = _connect(falkordb_server, "generated")
    sent = push_neo4j(generated, runner)
    source = Neo4jSource(runner)
    source.graph()
    yield Loaded(generated, runner, source, sent)
    runner.close()


# ---------------------------------------------------------------- comparisons
def compare_rule(runner, graph: OrgGraph, rule: Rule) -> None:
    """The statement's rows (id, count) equal the in-process count of every checked node."""
    rows = runner.run(*cypher.rule_statement(rule))
    codes, counts = rule_counts(graph, rule)
    expected = dict(zip(graph.nodes["id"].to_numpy(dtype=object)[codes], counts.tolist()))
    found = dict(zip(rows.get("id", []), map(int, rows.get("count", []))))
    assert len(found) == len(rows), f"{rule.id}: a node returned twice"
    wrong = {i: (found.get(i), expected.get(i)) for i in set(found) | set(expected)
             if found.get(i) != expected.get(i)}
    assert not wrong, (f"{rule.id}: {len(wrong)} nodes counted differently "
                       f"(id: (FalkorDB, in process)): {dict(sorted(wrong.items())[:5])}")


def _same(ours, theirs, names) -> None:
    for name in names:
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(theirs, name), check_dtype=False)


AUDIT_FRAMES = ("summary", "gaps", "by_street", "by_district", "ranking")


# ---------------------------------------------------------------- push and pull
def test_push_loads_every_node_and_edge(loaded):
    graph = loaded.graph
    assert loaded.sent == {"nodes": graph.n_nodes, "edges": graph.n_edges}
    nodes = loaded.runner.run("MATCH (n) RETURN n.kind AS kind, count(*) AS n")
    edges = loaded.runner.run("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
    expected_nodes = graph.nodes["kind"].astype(str).value_counts()
    expected_edges = graph.edges["kind"].astype(str).value_counts()
    assert dict(zip(nodes["kind"], nodes["n"])) == {k: v for k, v in expected_nodes.items() if v}
    assert dict(zip(edges["type"], edges["n"])) == {neo4j_type(k): v
                                                    for k, v in expected_edges.items() if v}


def test_pull_gives_back_the_pushed_graph(loaded):
    assert_same_graph(loaded.graph, loaded.source.graph())


def test_push_made_an_id_index_per_label(loaded):
    indexes = loaded.runner.run(INDEXES_QUERY, {})
    indexed = {label for label, properties in zip(indexes["label"], indexes["properties"])
               if "id" in properties}
    assert indexed == {neo4j_label(k) for k in set(loaded.graph.nodes["kind"].astype(str))}


def test_second_push_changes_nothing(falkordb_server, generated):
    runner = _connect(falkordb_server, "twice")
    push_neo4j(generated, runner, batch_size=700)
    first = len(runner.sent)
    push_neo4j(generated, runner, batch_size=700)
    second = runner.sent[first:]
    assert second[0] == INDEXES_QUERY and not any("CREATE INDEX" in s for s in second)
    counts = runner.run("MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() "
                        "RETURN nodes, count(r) AS edges")
    assert counts.iloc[0].tolist() == [generated.n_nodes, generated.n_edges]
    assert_same_graph(generated, Neo4jSource(runner).graph())
    runner.close()


# ---------------------------------------------------------------- audit
def test_every_default_rule_counts_as_in_process(loaded):
    for rule in default_rules():
        compare_rule(loaded.runner, loaded.graph, rule)


def test_every_rule_feature_counts_as_in_process(loaded):
    rules = custom_rules(loaded.graph)
    for rule in rules:
        compare_rule(loaded.runner, loaded.graph, rule)
    summary = audit(loaded.graph, rules).summary.set_index("rule")
    # each rule checks nodes, and its edges are found: a comparison of nothing proves nothing
    assert (summary["checked"] > 0).all(), summary
    for rule in rules:
        assert rule_counts(loaded.graph, rule)[1].sum() > 0, rule.id
    assert (summary["failing"] > 0).any() and (summary["passing"] > 0).all()


def test_audit_on_falkordb_equals_in_process(loaded):
    rules = default_rules() + custom_rules(loaded.graph)
    ours, theirs = audit(loaded.graph, rules), audit(loaded.source, rules)
    _same(ours, theirs, AUDIT_FRAMES)


# ---------------------------------------------------------------- isolation
def test_isolation_rows_and_result_equal_in_process(loaded):
    graph, statements = loaded.graph, cypher.isolation_statements()
    expected = isolation(graph)
    rows = loaded.runner.run(statements["communities"], {}).set_index("id").sort_index()
    table = expected.communities.set_index("id").sort_index()
    assert rows.index.tolist() == table.index.tolist()
    assert rows["ties"].tolist() == table["ties"].tolist()
    assert rows["units"].tolist() == table["units"].tolist()
    single = table["units"] == 1
    assert rows["only_unit"][single].tolist() == table["single_point"][single].tolist()
    assert rows["only_unit"][~single].isna().all()
    assert set(expected.single_points) == set(rows["only_unit"].dropna())
    _, edges = graph.to_tables()
    co = edges[edges["kind"].isin(CO_BUILDING_KINDS)]
    found = loaded.runner.run(statements["edges"], {})
    assert sorted(zip(found["source"], found["target"], found["type"])) == sorted(
        zip(co["source"], co["target"], co["kind"].astype(str).map(neo4j_type)))
    assert co.duplicated(["source", "target", "kind"]).any()  # parallel edges, each a row
    _same(expected, isolation(loaded.source), ("communities", "components", "by_street"))
    assert (table["status"] == "isolated").any() and single.any()  # both kinds of answer occur


# ---------------------------------------------------------------- reach
@pytest.mark.parametrize("hops", HOPS)
def test_reach_rows_and_result_equal_in_process(loaded, hops):
    statements = cypher.reach_statements(hops)
    expected = reach(loaded.graph, hops=hops)
    units = loaded.runner.run(statements["units"], {}).set_index("id").sort_index()
    table = expected.units.set_index("id").sort_index()
    assert units.index.tolist() == table.index.tolist()
    assert units["communities"].tolist() == table["communities"].tolist()
    assert units["households"].tolist() == table["households"].tolist()
    inflow = loaded.runner.run(statements["inflow"], {}).set_index("id").sort_index()
    communities = expected.communities.set_index("id").sort_index()
    assert inflow.index.tolist() == communities.index.tolist()
    assert inflow["inflow"].tolist() == communities["inflow"].tolist()
    theirs = reach(loaded.source, hops=hops)
    _same(expected, theirs, ("units", "communities", "gini_by_street"))
    assert theirs.gini == pytest.approx(expected.gini)


def test_reach_grows_with_hops(loaded):
    """The hop counts compared above are not all one answer (past k = 2 nothing more is
    reached: a unit pairs with a street or a community, and leads go on to grid branches)."""
    inflow = [int(reach(loaded.graph, hops=h).communities["inflow"].sum()) for h in HOPS]
    assert inflow[0] < inflow[1] == inflow[-1]


# ---------------------------------------------------------------- the seam
def neo4j_statements(graph: OrgGraph, rules: list[Rule]) -> set[str]:
    """Every statement text jiceng sends to Neo4j for a push, a pull and the queries (those
    tests/test_cypher_lint.py checks with Neo4j's front end)."""
    from tests.test_cypher_lint import Recorder

    recorder = Recorder()
    send_every_statement(recorder, graph, rules)
    return {statement for statement, _ in recorder.sent}


def send_every_statement(runner, graph: OrgGraph, rules: list[Rule]) -> None:
    """A push, a pull and every query, through ``runner``."""
    push_neo4j(graph, runner)
    source = Neo4jSource(runner)
    source.graph()
    audit(source, rules)
    isolation(source)
    for hops in HOPS:
        reach(source, hops=hops)


def test_the_same_statements_go_to_neo4j_and_falkordb(falkordb_server, generated):
    """Sent to FalkorDB: exactly what is sent to Neo4j, but for the dialect's key
    statements (Neo4j's constraints, FalkorDB's indexes); and every kind of statement is
    among them (each rule, isolation, reach at every k, every MERGE, both pulls)."""
    rules = default_rules() + custom_rules(generated)
    runner = _connect(falkordb_server, "same")
    send_every_statement(runner, generated, rules)
    runner.close()
    sent = set(runner.sent[1:])  # (the first emptied the graph)
    to_neo4j = neo4j_statements(generated, rules)
    keys = set(constraint_statements())
    falkordb_keys = {s for s in sent if s == INDEXES_QUERY or s.startswith("CREATE INDEX FOR")}
    assert sent - falkordb_keys == to_neo4j - keys
    expected = {cypher.rule_statement(rule)[0] for rule in rules}
    expected |= set(cypher.isolation_statements().values())
    expected |= {s for hops in HOPS for s in cypher.reach_statements(hops).values()}
    expected |= {NODES_QUERY, EDGES_QUERY}
    expected |= {node_statement(k) for k in set(generated.nodes["kind"].astype(str))}
    kinds = dict(zip(generated.nodes["id"], generated.nodes["kind"].astype(str)))
    _, edges = generated.to_tables()
    expected |= {edge_statement(k, kinds[s], kinds[t])
                 for s, t, k in set(zip(edges["source"], edges["target"], edges["kind"]))}
    assert sent - falkordb_keys == expected
    assert len(expected) > len(rules) + 2 * len(HOPS) + len(EDGE_KINDS)
    print(f"\n{len(expected)} distinct statements executed on FalkorDB and compared "
          f"({len(rules)} rules, {len(NODE_KINDS)} node kinds in the schema)")


# ---------------------------------------------------------------- the check can fail
def test_a_wrong_statement_is_caught(loaded, monkeypatch):
    """A rule counting the wrong edge kind (pairings where part-time members are meant)
    fails the comparison of its rows and of the audit."""
    right = cypher.rule_statement
    rule = next(r for r in default_rules() if r.id == "community-part-time")

    def wrong(r: Rule):
        statement, params = right(r)
        if r.id == rule.id:
            statement = statement.replace(f":{neo4j_type('part_time')}]",
                                          f":{neo4j_type('pairs_with')}]")
            assert statement != right(r)[0]
        return statement, params

    monkeypatch.setattr(cypher, "rule_statement", wrong)
    with pytest.raises(AssertionError, match="community-part-time: .* nodes counted differently"):
        compare_rule(loaded.runner, loaded.graph, rule)
    with pytest.raises(AssertionError):
        _same(audit(loaded.graph, [rule]), audit(loaded.source, [rule]), AUDIT_FRAMES)
    assert np.isfinite(audit(loaded.source, [rule]).summary["coverage"]).all()  # it ran, wrongly


# ---------------------------------------------------------------- falkordb:// on the command line
def test_the_cli_takes_a_falkordb_server(cli, falkordb_server, tmp_path, monkeypatch):
    """``falkordb://host:port/graph`` goes wherever a bolt:// URI goes: push, the analyses
    (as DATASET or --neo4j), pull; no Neo4j password is asked for."""
    from jiceng.loaders import read_dataset, write_dataset
    from jiceng.loaders.synthetic import generate

    generated, _ = generate(seed=12, scale=0.05)
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "city"
    write_dataset(generated, folder)
    uri = f"{falkordb_server}/cli"
    _connect(falkordb_server, "cli").close()
    pushed = cli("neo4j", "push", folder, "--uri", uri)
    assert pushed.exit_code == 0, pushed.stderr
    assert f"pushed {generated.n_nodes:,} nodes and {generated.n_edges:,} edges to {uri}" \
        in pushed.stderr
    for args in (["audit", "--by", "street"], ["reach", "--hops", "3"]):
        local = cli(args[0], folder, *args[1:], "--format", "json")
        remote = cli(args[0], uri, *args[1:], "--format", "json")
        assert local.exit_code == remote.exit_code == 0, remote.stderr
        assert remote.stdout == local.stdout, args
    option = cli("isolated", "--neo4j", uri, "--format", "json")
    assert option.exit_code == 0 and option.stdout == cli("isolated", folder, "--format",
                                                           "json").stdout
    pulled = cli("neo4j", "pull", tmp_path / "back", "--uri", uri)
    assert pulled.exit_code == 0, pulled.stderr
    assert_same_graph(generated, read_dataset(tmp_path / "back"))


def test_an_unreachable_falkordb_server_is_exit_2(cli, monkeypatch, falkordb_server):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    result = cli("audit", "falkordb://:SECRET@127.0.0.1:1/city")
    assert result.exit_code == 2
    assert "cannot reach FalkorDB at falkordb://:***@127.0.0.1:1/city" in result.stderr
    assert "SECRET" not in result.stderr + result.stdout and "Traceback" not in result.stderr
