"""Every Cypher statement jiceng sends passes Neo4j's own parser and semantic analysis.

No Neo4j server can run here, so the check is the next strongest thing: the npm package
``@neo4j-cypher/language-support`` (pinned in ``tests/cypher/package-lock.json``), whose
``lintCypherQuery`` runs Neo4j's Cypher front end (parser and semantic analysis, compiled
to JavaScript), with a database schema built from ours: the labels (``neo4j_label``), the
relationship types (``neo4j_type``), Neo4j 5's built-in functions and, per statement, the
parameters jiceng declares for it. A label, type, function, parameter or variable that
does not exist is a diagnostic; any error or warning fails.

The statements are collected by sending them: a recording runner takes a push of a
generated city (the bundled sample's generator at a twentieth), the pulls, and every query
on a :class:`~jiceng.server.Neo4jSource` (the default rules and a rule using every rule
feature, isolation, reach at k = 1, 2, 3, 5, reach_from, whatif, diff); the MERGE of every node kind and of every endpoint pair of
every edge kind, and every constraint, come from the schema, whether the city holds
them or not. Only a missing ``node`` skips these tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from tests.test_neo4j_unit import FakeNeo4j

from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS, neo4j_label, neo4j_type
from jiceng.queries import audit, default_rules, diff, isolation, reach, reach_from, whatif
from jiceng.queries.rules import parse_rules
from jiceng.server import Neo4jSource
from jiceng.server.neo4j import (
    EDGES_QUERY,
    NODES_QUERY,
    constraint_statements,
    edge_statement,
    node_statement,
    push_neo4j,
)
from jiceng.server.statements import isolation_statements, reach_statements, rule_statement

LINT = Path(__file__).resolve().parent / "cypher"
NODE = shutil.which("node")
HOPS = (1, 2, 3, 5)

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: Neo4j's Cypher "
                                                     "front end runs on node")

#: Every feature a rule has: several kinds in ``each``, ``where.attrs`` (one value and a
#: list), ``where.has_edge`` (direction out, ``other``, ``other_attrs``), ``count`` in
#: both directions with and without ``other``/``other_attrs``, ``min``.
CUSTOM_RULES = {"rules": [
    {"id": "every-feature", "title_zh": "全部规则要素", "title_en": "Every rule feature",
     "each": ["service_station", "community_party"],
     "where": {"attrs": {"type": ["red_station", "driver_home"], "households": 1200},
               "has_edge": {"edge": "serves", "direction": "out", "other": ["community_party"],
                            "other_attrs": {"name": "x'}) DETACH DELETE n //"}}},
     "count": {"edge": "pairs_with", "direction": "in", "other": ["unit_party"],
               "other_attrs": {"sector": ["education", "health"], "name": "a"}},
     "min": 2},
    {"id": "out-bare", "title_zh": "出边", "title_en": "Outgoing, no filter",
     "each": "unit_party", "count": {"edge": "pairs_with", "direction": "out"}},
    {"id": "in-other-only", "title_zh": "入边", "title_en": "Incoming, other kinds only",
     "each": "grid", "where": {"has_edge": {"edge": "within", "direction": "in"}},
     "count": {"edge": "liaison", "direction": "in", "other": ["cadre", "lawyer"]}, "min": 0},
]}


class Recorder(FakeNeo4j):
    """The recording fake; a query it has no rows for gets none."""

    def run(self, cypher, params=None):
        try:
            return super().run(cypher, params)
        except KeyError:
            return pd.DataFrame()


def _declared(params: dict | None) -> frozenset[str]:
    return frozenset(params or {})


@pytest.fixture(scope="module")
def city():
    from jiceng.loaders.synthetic import generate

    return generate(seed=6, scale=0.05)[0]


@pytest.fixture(scope="module")
def sent(city) -> dict[str, frozenset[str]]:
    """Each statement jiceng sent (or would send for a kind the city lacks) -> the
    names of the parameters sent with it."""
    recorder = Recorder()
    push_neo4j(city, recorder, batch_size=1_000_000)
    source = Neo4jSource(recorder)
    audit(source, default_rules() + parse_rules(CUSTOM_RULES))
    isolation(source)
    for hops in HOPS:
        reach(source, hops=hops)
    unit = str(city.nodes["id"][city.is_kind("unit_party")].iloc[0])
    reach_from(source, unit, hops=3)
    whatif(source, remove=[unit])
    diff(source, city)
    statements: dict[str, frozenset[str]] = {}
    for cypher, params in recorder.sent:
        assert statements.setdefault(cypher, _declared(params)) == _declared(params), cypher
    for statement in constraint_statements():
        statements.setdefault(statement, frozenset())
    for kind in NODE_KINDS:
        statements.setdefault(node_statement(kind), frozenset({"rows"}))
    for kind, edge in EDGE_KINDS.items():
        for source_kind, target_kind in edge.pairs():
            statements.setdefault(edge_statement(kind, source_kind, target_kind),
                                  frozenset({"rows"}))
    return statements


def _lint(statements: list[tuple[str, frozenset[str]]]) -> list[list[dict]]:
    """Per statement (cypher, parameter names) its diagnostics, from one run of the front end
    (starting it takes seconds)."""
    if not (LINT / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("tests/cypher/node_modules is missing and npm is not installed: "
                        "run `npm ci --prefix tests/cypher`")
        subprocess.run([npm, "ci", "--prefix", str(LINT), "--no-audit", "--no-fund", "--silent"],
                       check=True, timeout=600)
    request = {
        "labels": sorted(neo4j_label(k) for k in NODE_KINDS),
        "relationshipTypes": sorted(neo4j_type(k) for k in EDGE_KINDS),
        "statements": [{"query": q, "params": sorted(p)} for q, p in statements],
    }
    done = subprocess.run([NODE, str(LINT / "lint.mjs")], input=json.dumps(request),
                          capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert done.returncode == 0, done.stderr
    diagnostics = json.loads(done.stdout)
    assert len(diagnostics) == len(statements)
    return diagnostics


@pytest.fixture(scope="module")
def lint(sent):
    """``lint([(cypher, parameter names), ...])`` -> per statement its diagnostics. Every
    statement the tests ask about is linted in one run, when first asked."""
    asked = [*sorted(sent.items()), *((c, frozenset(p)) for c, p, _, _ in BROKEN)]
    cypher, params = rule_statement(parse_rules(CUSTOM_RULES)[0])
    asked += [(cypher, frozenset(params)), (cypher, frozenset())]
    found = dict(zip(asked, _lint(asked)))
    return lambda statements: [found[s] for s in statements]


def test_every_kind_of_statement_is_collected(sent):
    expected = {rule_statement(rule)[0] for rule in default_rules() + parse_rules(CUSTOM_RULES)}
    expected |= set(isolation_statements().values())
    expected |= {c for hops in HOPS for c in reach_statements(hops).values()}
    expected |= set(constraint_statements()) | {NODES_QUERY, EDGES_QUERY}
    expected |= {node_statement(k) for k in NODE_KINDS}
    assert expected <= set(sent)
    merges = [c for c in sent if "MERGE (a)-[r:" in c]
    assert len(merges) == sum(len(e.pairs()) for e in EDGE_KINDS.values())
    # the custom rule sends every kind of parameter a rule has
    params = sent[rule_statement(parse_rules(CUSTOM_RULES)[0])[0]]
    assert {"where_attr0", "where_values1", "has_attr0", "count_attr1", "count_values1"} <= params


def test_every_statement_passes_neo4j_front_end(sent, lint):
    statements = sorted(sent.items())
    assert len(statements) > len(default_rules()) + 2 * len(HOPS)  # never a pass on nothing
    found = [(cypher, params, d) for (cypher, params), d in zip(statements, lint(statements)) if d]
    # no error, and no warning either (none is expected: every label, type and
    # parameter is declared)
    assert not found, "\n\n".join(f"{c}\n  params {sorted(p)}\n  " + "\n  ".join(
        f"{x['severity']} at {x['line']}:{x['column']}: {x['message']}" for x in d)
        for c, p, d in found)


BROKEN = [
    # (statement, declared parameters, severity, what the front end must say)
    ("MATCH (n:Grid) RETUR n.id AS id", (), "error", "Invalid input 'RETUR'"),
    ("MATCH (n:Grid) RETURN m.id AS id", (), "error", "Variable `m` not defined"),
    ("MATCH (n:Grid) RETURN size((n)<-[:COVERS]-()) AS count", (), "error", "COUNT {}"),
    ("MATCH (n:Grid) RETURN toStrin(n.id) AS id", (), "error", "Function toStrin is not present"),
    ("MATCH (n:Grid) WHERE n.id IN $ids RETURN n.id AS id", (), "error",
     "Parameter $ids is not defined"),
    # unknown labels and types are warnings, which fail the test above as well
    ("MATCH (n:Grid)<-[:COVER]-(m) RETURN n.id AS id", (), "warning", "COVER is not present"),
    ("MATCH (n:Gird) RETURN n.id AS id", (), "warning", "Gird is not present"),
]


def test_the_front_end_rejects_broken_statements(lint):
    """The check can fail: each broken statement gets the diagnostic it deserves."""
    diagnostics = lint([(c, frozenset(p)) for c, p, _, _ in BROKEN])
    for (cypher, _, severity, wanted), found in zip(BROKEN, diagnostics):
        assert any(d["severity"] == severity and wanted in d["message"] for d in found), \
            (cypher, found)


def test_a_rule_statement_without_its_parameters_is_rejected(lint):
    cypher, params = rule_statement(parse_rules(CUSTOM_RULES)[0])
    [with_params, without] = lint([(cypher, frozenset(params)), (cypher, frozenset())])
    assert with_params == []
    undefined = {d["message"] for d in without if d["severity"] == "error"}
    assert undefined == {f"Parameter ${name} is not defined." for name in params}
