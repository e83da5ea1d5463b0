"""Neo4j without a server: what is sent (Cypher and parameters), and what is made of the answers.

``FakeNeo4j`` records every statement. It also keeps what a push MERGEs (nodes by label
and id, relationships by type, ends and key) and answers the pull queries from it, so a
push → pull round trip and the idempotence of a second push are checked on what was
actually sent. Query statements get the rows a test registers for them.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from tests.helpers import TINY_EDGES, TINY_NODES, assert_same_graph, write_dataset_files

from jiceng.graphmodel import BackendUnavailableError, OrgGraph
from jiceng.graphmodel.schema import CO_BUILDING_KINDS, EDGE_KINDS, NODE_KINDS, neo4j_label, neo4j_type
from jiceng.loaders import read_dataset
from jiceng.loaders.neo4j import EDGES_QUERY, NODES_QUERY, Neo4jSource, pull_neo4j, push_neo4j
from jiceng.queries import audit, default_rules, isolation, reach
from jiceng.queries.coverage import rule_counts
from jiceng.queries.cypher import isolation_statements, reach_statements, rule_statement
from jiceng.queries.reach import reach_matrix
from jiceng.queries.rules import parse_rules

INJECTION = "x'}) DETACH DELETE n //"
SCHEMA_NAMES = {neo4j_label(k) for k in NODE_KINDS} | {neo4j_type(k) for k in EDGE_KINDS}
# `(n:Label`, `[r:TYPE|TYPE`, `n:Label` in WHERE: a colon directly followed by a name.
# Map literals (`{id: row.id}`) have a space after the colon and are not matched.
LABEL_OR_TYPE = re.compile(r"(?<=[\w(\[]):([A-Za-z_]\w*(?:\|[A-Za-z_]\w*)*)")
NODE_MERGE = re.compile(r"MERGE \(n:(\w+) \{id: row\.id\}\)")
EDGE_MERGE = re.compile(r"MATCH \(a:(\w+) .*MATCH \(b:(\w+) .*MERGE \(a\)-\[r:(\w+) \{key: row\.key\}\]")


def _key(cypher: str, params: dict) -> str:
    return cypher + "\n" + repr(sorted((params or {}).items()))


class FakeNeo4j:
    """A recording runner that stores what pushes MERGE and answers pulls from it."""

    def __init__(self):
        self.sent: list[tuple[str, dict]] = []
        self.nodes: dict[tuple[str, str], dict] = {}
        self.rels: dict[tuple[str, str, str, int], dict] = {}
        self.answers: dict[str, pd.DataFrame] = {}

    def answer(self, cypher: str, params: dict, rows: pd.DataFrame) -> None:
        self.answers[_key(cypher, params)] = rows

    def run(self, cypher: str, params: dict | None = None) -> pd.DataFrame:
        params = params or {}
        self.sent.append((cypher, params))
        if cypher.startswith("CREATE CONSTRAINT"):
            return pd.DataFrame()
        if match := NODE_MERGE.search(cypher):
            for row in params["rows"]:
                self.nodes.setdefault((match[1], row["id"]), {"id": row["id"]}).update(row["props"])
            return pd.DataFrame()
        if match := EDGE_MERGE.search(cypher):
            for row in params["rows"]:
                if (match[1], row["source"]) in self.nodes and (match[2], row["target"]) in self.nodes:
                    key = (match[3], row["source"], row["target"], row["key"])
                    self.rels.setdefault(key, {"key": row["key"]}).update(row["props"])
            return pd.DataFrame()
        if cypher == NODES_QUERY:
            rows = [(p["id"], dict(p)) for p in self.nodes.values() if p["kind"] in params["kinds"]]
            return pd.DataFrame(sorted(rows, key=lambda r: r[0]), columns=["id", "props"])
        if cypher == EDGES_QUERY:  # ORDER BY source, target, type, r.key
            rows = [(s, t, ty, k, dict(p)) for (ty, s, t, k), p in self.rels.items()
                    if ty in params["types"]]
            rows = [r[:3] + r[4:] for r in sorted(rows, key=lambda r: r[:4])]
            return pd.DataFrame(rows, columns=["source", "target", "type", "props"])
        return self.answers[_key(cypher, params)]


def _values(obj):
    """Every scalar inside nested parameters."""
    if isinstance(obj, dict):
        for value in obj.values():
            yield from _values(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _values(value)
    else:
        yield obj


@pytest.fixture(scope="module")
def tiny_injection(tmp_path_factory) -> OrgGraph:
    """A tiny city whose unit Party organization is named as a Cypher injection."""
    nodes = [(i, k, INJECTION if i == "UP1" else n, "" if k != "community_party" else "1200")
             for i, k, n in TINY_NODES]
    folder = write_dataset_files(tmp_path_factory.mktemp("inj"), nodes,
                                 TINY_EDGES + [("UP1", "C1", "part_time"), ("UP1", "C1", "part_time")],
                                 node_columns=("id", "kind", "name", "households"))
    return read_dataset(folder)


@pytest.fixture(scope="module")
def pushed_sample(sample):
    fake = FakeNeo4j()
    push_neo4j(sample, fake, batch_size=2000)
    return fake


# ---------------------------------------------------------------- push
def test_push_sends_only_schema_labels_and_types(pushed_sample):
    used = set()
    for cypher, _ in pushed_sample.sent:
        for names in LABEL_OR_TYPE.findall(cypher):
            used |= set(names.split("|"))
    assert used <= SCHEMA_NAMES


def test_nodes_are_merged_under_the_label_of_their_kind(pushed_sample, sample):
    kinds = dict(zip(sample.nodes["id"], sample.nodes["kind"].astype(str)))
    assert all(label == neo4j_label(kinds[node_id]) for label, node_id in pushed_sample.nodes)
    assert all(props["kind"] == kinds[node_id] for (_, node_id), props in pushed_sample.nodes.items())


def test_injection_name_travels_as_a_parameter_only(tiny_injection):
    fake = FakeNeo4j()
    push_neo4j(tiny_injection, fake)
    assert not any(INJECTION in cypher for cypher, _ in fake.sent)
    assert INJECTION in list(_values([p for _, p in fake.sent]))
    assert fake.nodes[("UnitParty", "UP1")]["name"] == INJECTION


def test_constraints_come_first_one_per_label(pushed_sample, sample):
    statements = [c for c, _ in pushed_sample.sent]
    constraints = [i for i, c in enumerate(statements) if c.startswith("CREATE CONSTRAINT")]
    assert constraints == list(range(len(constraints)))
    labels = {re.search(r"FOR \(n:(\w+)\)", statements[i])[1] for i in constraints}
    assert labels == {neo4j_label(k) for k in set(sample.nodes["kind"].astype(str))}
    assert all("IF NOT EXISTS" in statements[i] and "IS UNIQUE" in statements[i] for i in constraints)


def test_batches_cover_every_row_once(sample):
    fake = FakeNeo4j()
    sent = push_neo4j(sample, fake, batch_size=1000)
    batches = [p["rows"] for _, p in fake.sent if "rows" in p]
    assert max(len(b) for b in batches) == 1000
    assert sum(len(b) for b in batches) == sample.n_nodes + sample.n_edges
    assert sent == {"nodes": sample.n_nodes, "edges": sample.n_edges}
    assert len(fake.nodes) == sample.n_nodes and len(fake.rels) == sample.n_edges


def test_absent_values_are_absent_properties(pushed_sample, sample):
    for value in _values([p for _, p in pushed_sample.sent]):
        assert value is not None and value is not pd.NA and value != ""
        assert not (isinstance(value, float) and math.isnan(value))
        assert isinstance(value, (str, int, float, bool))  # driver-native, no numpy scalars
    nodes, _ = sample.to_tables()
    present = nodes.notna().to_numpy()
    columns = nodes.columns.to_numpy()
    stored = {node_id: set(props) for (_, node_id), props in pushed_sample.nodes.items()}
    for node_id, mask in zip(nodes["id"], present):
        assert stored[node_id] == set(columns[mask])


def test_second_push_is_idempotent(sample):
    fake = FakeNeo4j()
    push_neo4j(sample, fake)
    first = (dict(fake.nodes), dict(fake.rels))
    push_neo4j(sample, fake)
    assert (fake.nodes, fake.rels) == first
    assert all(" CREATE " not in f" {c} " for c, _ in fake.sent if not c.startswith("CREATE CONSTRAINT"))


def test_failed_batch_is_named(sample):
    class Failing(FakeNeo4j):
        def run(self, cypher, params=None):
            if "rows" in (params or {}) and len(self.sent) > 30:
                raise BackendUnavailableError("Neo4j at bolt://x failed: out of memory")
            return super().run(cypher, params)

    with pytest.raises(BackendUnavailableError) as error:
        push_neo4j(sample, Failing(), batch_size=500)
    message = str(error.value)
    assert re.search(r"push stopped at \w+ (nodes|edges).*rows \d+–\d+", message)
    assert "push again" in message


def test_push_then_pull_gives_the_same_graph(pushed_sample, sample):
    assert_same_graph(sample, pull_neo4j(pushed_sample))


# ---------------------------------------------------------------- query Cypher
def test_rule_cypher_uses_schema_names_and_parameters():
    rules = default_rules() + parse_rules({"rules": [{
        "id": "custom", "title_zh": "测试", "title_en": "test", "each": "service_station",
        "where": {"attrs": {"type": INJECTION}},
        "count": {"edge": "serves", "direction": "out", "other_attrs": {"name": INJECTION}}}]})
    for rule in rules:
        cypher, params = rule_statement(rule)
        assert INJECTION not in cypher
        for names in LABEL_OR_TYPE.findall(cypher):
            assert set(names.split("|")) <= SCHEMA_NAMES
        for value in _values(params):
            assert f"'{value}'" not in cypher and f'"{value}"' not in cypher
        assert set(re.findall(r"\$(\w+)", cypher)) == set(params)
    assert INJECTION in list(_values(params))


@pytest.mark.parametrize("hops", [0, -1, "1]->() DETACH DELETE n //", 1.5, True])
def test_reach_cypher_rejects_bad_hops(hops):
    with pytest.raises(ValueError):
        reach_statements(hops)


def test_reach_and_isolation_cypher_use_schema_names():
    texts = list(reach_statements(3).values()) + list(isolation_statements().values())
    for cypher in texts:
        for names in LABEL_OR_TYPE.findall(cypher):
            assert set(names.split("|")) <= SCHEMA_NAMES
    assert "*0..2]" in reach_statements(3)["units"]
    assert all(neo4j_type(k) in texts[0] for k in CO_BUILDING_KINDS)


# ---------------------------------------------------------------- answers
def _shuffled(frame: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def test_audit_from_server_rows_equals_in_process(pushed_sample, sample):
    ids = sample.nodes["id"].to_numpy(dtype=object)
    for rule in default_rules():
        codes, counts = rule_counts(sample, rule)
        pushed_sample.answer(*rule_statement(rule),
                             _shuffled(pd.DataFrame({"id": ids[codes], "count": counts})))
    ours, theirs = audit(sample), audit(Neo4jSource(pushed_sample))
    for name in ("summary", "gaps", "by_street", "by_district", "ranking"):
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(theirs, name), check_dtype=False)
    assert ours.to_json() == theirs.to_json()


def test_isolation_from_server_rows_equals_in_process(pushed_sample, sample):
    ours = isolation(sample)
    table = ours.communities
    statements = isolation_statements()
    pushed_sample.answer(statements["communities"], {}, _shuffled(pd.DataFrame({
        "id": table["id"], "ties": table["ties"], "units": table["units"],
        "only_unit": [sp if n == 1 else None for sp, n in
                      zip(_only_units(sample, table["id"]), table["units"])]})))
    nodes, edges = sample.to_tables()
    co = edges[edges["kind"].isin(CO_BUILDING_KINDS)]
    pushed_sample.answer(statements["edges"], {}, _shuffled(co[["source", "target"]]))
    theirs = isolation(Neo4jSource(pushed_sample))
    for name in ("communities", "components", "by_street"):
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(theirs, name), check_dtype=False)
    assert ours.to_json() == theirs.to_json()


def _only_units(graph: OrgGraph, community_ids) -> list[str | None]:
    _, edges = graph.to_tables()
    co = edges[edges["kind"].isin(CO_BUILDING_KINDS)]
    first = co.groupby("target")["source"].first()
    return [first.get(c) for c in community_ids]


@pytest.mark.parametrize("hops", [1, 2, 3])
def test_reach_from_server_rows_equals_in_process(pushed_sample, sample, hops):
    units, communities, matrix = reach_matrix(sample, hops)
    ids = sample.nodes["id"].to_numpy(dtype=object)
    households = sample.nodes["households"].fillna(0).to_numpy(dtype=np.int64)
    statements = reach_statements(hops)
    pushed_sample.answer(statements["units"], {}, _shuffled(pd.DataFrame({
        "id": ids[units], "communities": np.asarray(matrix.sum(axis=1)).ravel(),
        "households": matrix.astype(np.int64) @ households[communities]})))
    pushed_sample.answer(statements["inflow"], {}, _shuffled(pd.DataFrame({
        "id": ids[communities], "inflow": np.asarray(matrix.sum(axis=0)).ravel()})))
    ours, theirs = reach(sample, hops=hops), reach(Neo4jSource(pushed_sample), hops=hops)
    for name in ("units", "communities", "gini_by_street"):
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(theirs, name), check_dtype=False)
    assert ours.to_json() == theirs.to_json() and ours.gini == pytest.approx(theirs.gini)


def test_unknown_id_from_server_is_an_error_not_a_wrong_answer(pushed_sample, sample):
    rule = default_rules()[0]
    pushed_sample.answer(*rule_statement(rule), pd.DataFrame({"id": ["NOPE"], "count": [1]}))
    with pytest.raises(BackendUnavailableError, match="NOPE"):
        audit(Neo4jSource(pushed_sample), [rule])


# ---------------------------------------------------------------- CLI
SECRET = "s3cret-Pa55word"


def test_push_without_a_server_fails_fast_with_exit_2(tmp_path):
    env = {"PATH": "", "NEO4J_USER": "admin-user", "NEO4J_PASSWORD": SECRET, "HOME": str(tmp_path)}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "jiceng", "neo4j", "push", "--uri",
                           "bolt://127.0.0.1:1"], capture_output=True, text=True, env=env,
                          timeout=60)
    elapsed = time.monotonic() - start
    assert done.returncode == 2, done.stderr
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in done.stderr
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stderr + done.stdout
    assert elapsed < 30  # bounded by the 5 s connection timeout, not by reading the data


@pytest.mark.parametrize("args", [["audit", "--neo4j"], ["isolated", "--neo4j"],
                                  ["reach", "--neo4j"], ["neo4j", "pull", "out"]])
def test_no_server_configured_is_exit_2(cli, monkeypatch, args):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    result = cli(*args)
    assert result.exit_code == 2
    assert "NEO4J_URI" in result.stderr


def test_no_password_is_exit_2_and_names_only_the_variable(cli, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    result = cli("audit", "--neo4j", "bolt://127.0.0.1:1")
    assert result.exit_code == 2 and "NEO4J_PASSWORD" in result.stderr


def test_dataset_and_neo4j_together_is_a_usage_error(cli, monkeypatch, tmp_path):
    result = cli("isolated", str(tmp_path), "--neo4j", "bolt://127.0.0.1:1")
    assert result.exit_code == 2 and "not both" in result.stderr
