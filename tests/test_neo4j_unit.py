"""Neo4j without a server: what is sent (Cypher and parameters), and what is made of given rows.

``FakeNeo4j`` records every statement. It also keeps what a push MERGEs (nodes by label
and id, relationships by type, ends and key) and answers the pull queries from it, so a
push → pull round trip and the idempotence of a second push are checked on what was
actually sent. Query statements get the rows a test gives for them: here the rows are
counted in process (``give_*_rows``), so what those tests check is the assembly of
results from a server's rows (ids mapped back, any row order, every frame and the CLI's
output as locally), never the Cypher's counting. That counting is executed on a real
openCypher engine in tests/test_falkordb.py.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from tests.helpers import TINY_EDGES, TINY_NODES, assert_same_graph, write_dataset_files

from jiceng.graphmodel import BackendUnavailableError, OrgGraph
from jiceng.graphmodel.schema import (
    CO_BUILDING_KINDS,
    EDGE_KINDS,
    NODE_KINDS,
    neo4j_label,
    neo4j_type,
)
from jiceng.loaders import read_dataset
from jiceng.queries import audit, default_rules, diff, isolation, reach, reach_from, whatif
from jiceng.queries.coverage import rule_counts
from jiceng.queries.reach import reach_matrix
from jiceng.queries.rules import parse_rules
from jiceng.server import Neo4jSource
from jiceng.server.neo4j import EDGES_QUERY, NODES_QUERY, pull_neo4j, push_neo4j
from jiceng.server.statements import isolation_statements, reach_statements, rule_statement

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
        self.given: dict[str, pd.DataFrame] = {}

    def give_rows(self, cypher: str, params: dict, rows: pd.DataFrame) -> None:
        self.given[_key(cypher, params)] = rows

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
        return self.given[_key(cypher, params)]


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
def city(small) -> OrgGraph:
    """The city of the push and assembly tests: the small generated one below."""
    return small[1]


@pytest.fixture(scope="module")
def pushed(city):
    fake = FakeNeo4j()
    push_neo4j(city, fake, batch_size=2000)
    return fake


# ---------------------------------------------------------------- push
def test_push_sends_only_schema_labels_and_types(pushed):
    used = set()
    for cypher, _ in pushed.sent:
        for names in LABEL_OR_TYPE.findall(cypher):
            used |= set(names.split("|"))
    assert used <= SCHEMA_NAMES


def test_nodes_are_merged_under_the_label_of_their_kind(pushed, city):
    kinds = dict(zip(city.nodes["id"], city.nodes["kind"].astype(str)))
    assert all(label == neo4j_label(kinds[node_id]) for label, node_id in pushed.nodes)
    assert all(props["kind"] == kinds[node_id] for (_, node_id), props in pushed.nodes.items())


def test_injection_name_travels_as_a_parameter_only(tiny_injection):
    fake = FakeNeo4j()
    push_neo4j(tiny_injection, fake)
    assert not any(INJECTION in cypher for cypher, _ in fake.sent)
    assert INJECTION in list(_values([p for _, p in fake.sent]))
    assert fake.nodes[("UnitParty", "UP1")]["name"] == INJECTION


def test_constraints_come_first_one_per_label(pushed, city):
    statements = [c for c, _ in pushed.sent]
    constraints = [i for i, c in enumerate(statements) if c.startswith("CREATE CONSTRAINT")]
    assert constraints == list(range(len(constraints)))
    labels = {re.search(r"FOR \(n:(\w+)\)", statements[i])[1] for i in constraints}
    assert labels == {neo4j_label(k) for k in set(city.nodes["kind"].astype(str))}
    assert all("IF NOT EXISTS" in statements[i] and "IS UNIQUE" in statements[i] for i in constraints)


def test_batches_cover_every_row_once(city):
    fake = FakeNeo4j()
    sent = push_neo4j(city, fake, batch_size=1000)
    batches = [p["rows"] for _, p in fake.sent if "rows" in p]
    assert max(len(b) for b in batches) == 1000
    assert sum(len(b) for b in batches) == city.n_nodes + city.n_edges
    assert sent == {"nodes": city.n_nodes, "edges": city.n_edges}
    assert len(fake.nodes) == city.n_nodes and len(fake.rels) == city.n_edges


def test_absent_values_are_absent_properties(pushed, city):
    for value in _values([p for _, p in pushed.sent]):
        assert value is not None and value is not pd.NA and value != ""
        assert not (isinstance(value, float) and math.isnan(value))
        assert isinstance(value, (str, int, float, bool))  # driver-native, no numpy scalars
    nodes, _ = city.to_tables()
    present = nodes.notna().to_numpy()
    columns = nodes.columns.to_numpy()
    stored = {node_id: set(props) for (_, node_id), props in pushed.nodes.items()}
    for node_id, mask in zip(nodes["id"], present):
        assert stored[node_id] == set(columns[mask])


def test_second_push_is_idempotent(city):
    fake = FakeNeo4j()
    push_neo4j(city, fake)
    first = (dict(fake.nodes), dict(fake.rels))
    push_neo4j(city, fake)
    assert (fake.nodes, fake.rels) == first
    assert all(" CREATE " not in f" {c} " for c, _ in fake.sent if not c.startswith("CREATE CONSTRAINT"))


def test_failed_batch_is_named(city):
    class Failing(FakeNeo4j):
        def run(self, cypher, params=None):
            if "rows" in (params or {}) and len(self.sent) > 30:
                raise BackendUnavailableError("Neo4j at bolt://x failed: out of memory")
            return super().run(cypher, params)

    with pytest.raises(BackendUnavailableError) as error:
        push_neo4j(city, Failing(), batch_size=500)
    message = str(error.value)
    assert re.search(r"push stopped at \w+ (nodes|edges).*rows \d+–\d+", message)
    assert "push again" in message


def test_push_then_pull_gives_the_same_graph(pushed, city):
    assert_same_graph(city, pull_neo4j(pushed))


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


# ---------------------------------------------------------------- results assembled from given rows
def _shuffled(frame: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def give_audit_rows(fake: FakeNeo4j, graph: OrgGraph, rules) -> None:
    """Give the fake, per rule, the rows a correct server returns: counted in process and
    shuffled (so only the assembly from rows is under test, not the Cypher)."""
    ids = graph.nodes["id"].to_numpy(dtype=object)
    for rule in rules:
        codes, counts = rule_counts(graph, rule)
        fake.give_rows(*rule_statement(rule), _shuffled(pd.DataFrame({"id": ids[codes],
                                                                   "count": counts})))


def give_isolation_rows(fake: FakeNeo4j, graph: OrgGraph) -> None:
    """As :func:`give_audit_rows`, for isolation."""
    table = isolation(graph).communities
    statements = isolation_statements()
    fake.give_rows(statements["communities"], {}, _shuffled(pd.DataFrame({
        "id": table["id"], "ties": table["ties"], "units": table["units"],
        "only_unit": [sp if n == 1 else None for sp, n in
                      zip(_only_units(graph, table["id"]), table["units"])]})))
    _, edges = graph.to_tables()
    co = edges[edges["kind"].isin(CO_BUILDING_KINDS)]
    fake.give_rows(statements["edges"], {}, _shuffled(co[["source", "target"]].assign(
        type=co["kind"].astype(str).map(neo4j_type))))


def give_reach_rows(fake: FakeNeo4j, graph: OrgGraph, hops: int) -> None:
    """As :func:`give_audit_rows`, for reach within ``hops``."""
    units, communities, matrix = reach_matrix(graph, hops)
    ids = graph.nodes["id"].to_numpy(dtype=object)
    households = graph.nodes["households"].fillna(0).to_numpy(dtype=np.int64)
    statements = reach_statements(hops)
    fake.give_rows(statements["units"], {}, _shuffled(pd.DataFrame({
        "id": ids[units], "communities": np.asarray(matrix.sum(axis=1)).ravel(),
        "households": matrix.astype(np.int64) @ households[communities]})))
    inflow = np.asarray(matrix.sum(axis=0)).ravel()
    fake.give_rows(statements["inflow"], {}, _shuffled(pd.DataFrame({
        "id": ids[communities], "inflow": inflow})))
    alone = np.asarray(matrix[:, inflow == 1].sum(axis=1)).ravel()
    fake.give_rows(statements["exclusive"], {}, _shuffled(pd.DataFrame({
        "id": ids[units][alone > 0], "exclusive": alone[alone > 0]})))


def _only_units(graph: OrgGraph, community_ids) -> list[str | None]:
    _, edges = graph.to_tables()
    co = edges[edges["kind"].isin(CO_BUILDING_KINDS)]
    first = co.groupby("target")["source"].first()
    return [first.get(c) for c in community_ids]


def _same(ours, theirs, names) -> None:
    for name in names:
        pd.testing.assert_frame_equal(getattr(ours, name), getattr(theirs, name), check_dtype=False)
    assert ours.to_json() == theirs.to_json()


def test_audit_is_assembled_from_given_rows_as_in_process(pushed, city):
    give_audit_rows(pushed, city, default_rules())
    _same(audit(city), audit(Neo4jSource(pushed)),
          ("summary", "gaps", "by_street", "by_district", "ranking"))


def test_isolation_is_assembled_from_given_rows_as_in_process(pushed, city):
    give_isolation_rows(pushed, city)
    _same(isolation(city), isolation(Neo4jSource(pushed)),
          ("communities", "components", "by_street"))


@pytest.mark.parametrize("hops", [1, 2, 3])
def test_reach_is_assembled_from_given_rows_as_in_process(pushed, city, hops):
    give_reach_rows(pushed, city, hops)
    ours, theirs = reach(city, hops=hops), reach(Neo4jSource(pushed), hops=hops)
    _same(ours, theirs, ("units", "communities", "gini_by_street"))
    assert ours.gini == pytest.approx(theirs.gini)


def test_whatif_diff_reach_from_on_a_server_equal_in_process(server_given_rows, small):
    """These read the server's graph once and count in process: the same answers."""
    _, graph = small
    source = Neo4jSource(server_given_rows)
    unit, _ = next(iter(isolation(graph).single_points.items()))
    ours, theirs = whatif(graph, remove=[unit]), whatif(source, remove=[unit])
    _same(ours, theirs, ("rules", "new_gaps"))
    assert theirs.newly_isolated  # the unit was a single point of failure
    pd.testing.assert_frame_equal(reach_from(graph, unit, hops=3),
                                  reach_from(source, unit, hops=3))
    changed = graph.without(nodes=[unit])
    _same(diff(graph, changed), diff(source, changed),
          ("nodes_added", "nodes_removed", "nodes_changed", "edges_added", "edges_removed",
           "coverage", "by_street", "status"))
    assert not diff(source, changed).unchanged and diff(source, graph).unchanged
    pulls = [c for c, _ in server_given_rows.sent if c == NODES_QUERY]
    diff(source, graph)
    assert [c for c, _ in server_given_rows.sent if c == NODES_QUERY] == pulls  # read once


def test_queries_on_a_server_read_its_places_once(pushed, city):
    source = Neo4jSource(pushed)
    give_audit_rows(pushed, city, default_rules())
    give_isolation_rows(pushed, city)
    before = len(pushed.sent)
    audit(source)
    isolation(source)
    sent = [c for c, _ in pushed.sent[before:]]
    assert sent.count(NODES_QUERY) == 1 and sent.count(EDGES_QUERY) == 1
    skeleton_types = [p["types"] for c, p in pushed.sent[before:] if c == EDGES_QUERY][0]
    assert set(skeleton_types) < SCHEMA_NAMES and not set(skeleton_types) & {
        neo4j_type(k) for k in CO_BUILDING_KINDS}
    source.refresh()
    audit(source)
    assert [c for c, _ in pushed.sent[before:]].count(NODES_QUERY) == 2


def test_unknown_id_from_server_is_an_error_not_a_wrong_answer(pushed, city):
    rule = default_rules()[0]
    pushed.give_rows(*rule_statement(rule), pd.DataFrame({"id": ["NOPE"], "count": [1]}))
    with pytest.raises(BackendUnavailableError, match="NOPE"):
        audit(Neo4jSource(pushed), [rule])


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


# ---------------------------------------------------------------- the CLI on a server
SERVER = "bolt://analyst:" + SECRET + "@db.example:7687"
SERVER_SHOWN = "bolt://analyst:***@db.example:7687"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A generated city at a tenth of Guiyang (the fake is slow to pull the full sample):
    (folder, graph)."""
    from jiceng.loaders.synthetic import write_generated

    folder = tmp_path_factory.mktemp("small") / "city"
    write_generated(folder, seed=7, scale=0.1)
    return folder, read_dataset(folder)


@pytest.fixture(scope="module")
def server_given_rows(small) -> FakeNeo4j:
    """The small city pushed into the fake, given the rows a correct server returns for
    the default audit, isolation and reach at k = 2 and 3 (counted in process)."""
    _, graph = small
    fake = FakeNeo4j()
    push_neo4j(graph, fake, batch_size=1_000_000)
    give_audit_rows(fake, graph, default_rules())
    give_isolation_rows(fake, graph)
    for hops in (2, 3):
        give_reach_rows(fake, graph, hops)
    return fake


@pytest.fixture
def connected(monkeypatch, server_given_rows):
    """Connections to any server reach the fake; returns the URIs connected to."""
    import jiceng.server.source as module

    uris: list[str] = []

    def connect(uri, user, password, **options):
        assert password == SECRET
        uris.append(uri)
        server_given_rows.uri = module.redact_uri(uri)
        return server_given_rows

    monkeypatch.setattr(module, "Neo4jRunner", connect)
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    monkeypatch.setenv("NEO4J_URI", SERVER)
    return uris


def _sheets(path) -> dict[str, pd.DataFrame]:
    return pd.read_excel(path, sheet_name=None, dtype=str)


def _first(graph: OrgGraph, kind: str) -> str:
    return str(graph.nodes["id"][graph.is_kind(kind)].iloc[0])


def _whatif_args(graph: OrgGraph) -> list[str]:
    """Remove a unit that is some community's single point of failure, and one edge."""
    unit, _ = next(iter(isolation(graph).single_points.items()))
    _, edges = graph.to_tables()
    edge = edges[edges["kind"] == "pairs_with"].iloc[0]
    return ["--remove", unit, "--remove-edge", edge["source"], edge["target"], "pairs_with"]


@pytest.mark.parametrize("command", [["audit", "--by", "street"], ["isolated"],
                                     ["reach", "--hops", "3"], ["whatif"]])
def test_commands_on_a_server_report_given_rows_as_locally(cli, connected, small, command,
                                                          tmp_path):
    """DATASET as a bolt:// URI: the same JSON, and every sheet of the workbook (each
    frame the command builds) the same but for the dataset's name."""
    folder, graph = small
    args = command + (_whatif_args(graph) if command == ["whatif"] else [])
    local = cli(*args[:1], folder, *args[1:], "--format", "json")
    remote = cli(*args[:1], SERVER, *args[1:], "--format", "json")
    assert local.exit_code == remote.exit_code == 0, local.stderr + remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    assert SECRET not in remote.stdout + remote.stderr
    assert connected == [SERVER]
    cli(*args[:1], folder, *args[1:], "--format", "xlsx", "--output", tmp_path / "local.xlsx")
    cli(*args[:1], SERVER, *args[1:], "--format", "xlsx", "--output", tmp_path / "server.xlsx")
    ours, theirs = _sheets(tmp_path / "local.xlsx"), _sheets(tmp_path / "server.xlsx")
    assert list(ours) == list(theirs) and len(ours) > 1
    for name in ours:
        a, b = ours[name], theirs[name]
        if not a.equals(b):  # only where the report names its dataset
            differ = (a.fillna("") != b.fillna("")).to_numpy().nonzero()
            assert all(graph.name in str(a.iat[r, c]) and SERVER_SHOWN in str(b.iat[r, c])
                       for r, c in zip(*differ)), name
    assert all(SECRET not in frame.to_csv() for frame in theirs.values())


@pytest.mark.parametrize("where", [["--neo4j"], ["--neo4j", SERVER]])
def test_neo4j_option_names_the_server_too(cli, connected, small, where):
    """``--neo4j`` alone takes NEO4J_URI; ``--neo4j URI`` that URI."""
    local = cli("isolated", small[0], "--format", "json")
    remote = cli("isolated", *where, "--format", "json")
    assert remote.exit_code == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    assert connected == [SERVER]


def test_diff_takes_a_server_on_either_side(cli, connected, small, tmp_path):
    from jiceng.loaders import write_dataset

    folder, graph = small
    changed = tmp_path / "changed"
    write_dataset(graph.without(nodes=[_first(graph, "unit_party")]), changed)
    local = cli("diff", folder, changed, "--format", "json")
    old_on_server = cli("diff", SERVER, changed, "--format", "json")
    new_on_server = cli("diff", changed, SERVER, "--format", "json")
    assert local.exit_code == old_on_server.exit_code == new_on_server.exit_code == 0
    assert json.loads(old_on_server.stdout) == json.loads(local.stdout)
    backwards = json.loads(cli("diff", changed, folder, "--format", "json").stdout)
    assert json.loads(new_on_server.stdout) == backwards
    assert json.loads(local.stdout) != backwards  # the comparison can tell them apart
    shown = cli("diff", SERVER, changed, "--format", "html")
    assert SERVER_SHOWN in shown.stdout and SECRET not in shown.stdout + shown.stderr


@pytest.mark.parametrize("view", ["--street", "--reach", "--overview"])
def test_map_from_a_server_is_the_same_map(cli, connected, small, view):
    from html import escape

    folder, graph = small
    args = {"--street": ["--street", _first(graph, "street_committee")],
            "--reach": ["--reach", _first(graph, "unit_party"), "--hops", "3"],
            "--overview": ["--overview"]}[view]
    local = cli("map", folder, *args)
    remote = cli("map", SERVER, *args)
    assert local.exit_code == remote.exit_code == 0, remote.stderr
    assert SECRET not in remote.stdout + remote.stderr
    ours, theirs = escape(graph.name), f"Neo4j {SERVER_SHOWN}"
    # (booleans: pytest would spend minutes explaining a difference of two large pages)
    named = f"dataset: {ours} " in local.stdout and f"dataset: {theirs} " in remote.stdout
    assert named
    page, data = _map_parts(local.stdout)
    remote_page, remote_data = _map_parts(remote.stdout.replace(theirs, ours))
    same_page = remote_page == page
    assert same_page
    assert remote_data["options"] == data["options"]
    # the same nodes (every attribute but the position) and the same edges; the radial
    # layout places leaves in the order of the graph's rows, which a server does not keep
    for part, drop in (("nodes", {"x", "y"}), ("edges", set())):
        assert _records(remote_data[part], drop) == _records(data[part], drop)
    assert len(data["nodes"]) > 1  # (the overview draws no edges without --units)


_DATA = re.compile(r'(<script type="application/json" id="jiceng-data">)(.*?)(</script>)', re.S)


def _map_parts(html: str) -> tuple[str, dict]:
    """The page without its data, and the data (nodes, edges, options)."""
    return _DATA.sub("", html), json.loads(_DATA.search(html)[2])


def _records(items: list[dict], drop: set[str]) -> list[str]:
    return sorted(json.dumps({k: v for k, v in x.items() if k not in drop}, sort_keys=True)
                  for x in items)


def test_command_modules_never_branch_on_the_backend():
    """The CLI turns DATASET/--neo4j into a source in one helper (options.load_source);
    no command module tests which backend it got, or calls server-only code."""
    import ast
    from pathlib import Path

    import jiceng.cli

    suspicious = {"runner", "server", "neo4j_uri", "source", "Neo4jSource", "OrgGraph",
                  "is_server_uri", "Neo4jRunner"}
    folder = Path(jiceng.cli.__file__).parent
    modules = [p for p in sorted(folder.glob("*.py")) if p.name not in ("options.py",
                                                                        "__init__.py")]
    assert {"audit.py", "analysis.py", "maps.py"} <= {p.name for p in modules}
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Match)):
                test = node.subject if isinstance(node, ast.Match) else node.test
                names = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
                names |= {n.attr for n in ast.walk(test) if isinstance(n, ast.Attribute)}
                assert not names & (suspicious | {"isinstance"}), \
                    f"{path.name}:{node.lineno} branches on {sorted(names & suspicious)}"
            if isinstance(node, ast.ImportFrom) and node.module == "jiceng.server.statements":
                raise AssertionError(f"{path.name}:{node.lineno} imports server-only code")
            if isinstance(node, ast.alias):
                assert not node.name.endswith("_neo4j") or node.name in (
                    "push_neo4j", "pull_neo4j", "connect_neo4j"), f"{path.name}: {node.name}"


# ---------------------------------------------------------------- credentials
@pytest.mark.parametrize("uri, shown", [
    ("bolt://user:SECRET@host:7687", "bolt://user:***@host:7687"),
    ("neo4j+s://admin:p@ss:w/rd@db.example.org", "neo4j+s://admin:***@db.example.org"),
    ("neo4j://:SECRET@host", "neo4j://:***@host"),
    ("bolt://host:7687", "bolt://host:7687"),
    ("bolt://user@host:7687", "bolt://user@host:7687"),
    ("bolt://a.b@example.org:SECRET@host", "bolt://a.b@example.org:***@host"),
    ("bolt://user:SEC@RET/x?y#z@host", "bolt://user:***@host"),
])
def test_redact_uri(uri, shown):
    from jiceng.server.neo4j import redact_uri

    assert redact_uri(uri) == shown
    assert "SECRET" not in redact_uri(uri)


def test_unreachable_server_message_hides_the_password(tmp_path):
    env = {"PATH": "", "NEO4J_PASSWORD": "x", "HOME": str(tmp_path),
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
    done = subprocess.run([sys.executable, "-m", "jiceng", "audit",
                           f"bolt://admin:{SECRET}@127.0.0.1:1"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "cannot reach Neo4j at bolt://admin:***@127.0.0.1:1" in done.stderr
    assert SECRET not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_a_password_in_the_uri_is_used_and_hidden(cli, monkeypatch):
    """No NEO4J_PASSWORD and no prompt needed: the URI's password is tried, never shown."""
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    result = cli("isolated", f"bolt://admin:{SECRET}@127.0.0.1:1")
    assert result.exit_code == 2
    assert "cannot reach Neo4j at bolt://admin:***@127.0.0.1:1" in result.stderr
    assert SECRET not in result.stderr and "NEO4J_PASSWORD" not in result.stderr


def test_source_names_the_server_without_the_password():
    fake = FakeNeo4j()
    fake.uri = f"bolt://admin:{SECRET}@db:7687"  # a runner that kept the raw address
    source = Neo4jSource(fake)
    assert SECRET not in source.name + source.uri + repr(source)
    assert source.name == "Neo4j bolt://admin:***@db:7687"


def test_credentials_written_into_the_uri_reach_the_driver_not_the_screen(monkeypatch):
    """``bolt://user:password@host``: the driver gets the bare address and the credentials
    apart; every message shows the address with ``***``."""
    import neo4j

    seen = {}

    def driver(uri, auth, **options):
        seen.update(uri=uri, auth=auth)
        raise neo4j.exceptions.ServiceUnavailable("no route")

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", driver)
    from jiceng.server.neo4j import Neo4jRunner

    with pytest.raises(BackendUnavailableError) as error:
        Neo4jRunner(f"bolt://admin:{SECRET}%40x@db.example:7687", "neo4j", "")
    assert seen == {"uri": "bolt://db.example:7687", "auth": ("admin", SECRET + "@x")}
    assert "bolt://admin:***@db.example:7687" in str(error.value)
    assert SECRET not in str(error.value)
