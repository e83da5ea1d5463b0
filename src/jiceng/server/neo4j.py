"""Neo4j in and out: the runner, the dialects, and pushing a graph into a server and pulling it back.

Everything goes through a *runner*: any object with ``run(cypher, params) ->
DataFrame``. :class:`Neo4jRunner` is the real one (the official ``neo4j`` driver);
tests use a recording fake. Node labels and relationship types come only from the
schema (``neo4j_label``/``neo4j_type``), never from input text; every value is a
query parameter.

A server as the *source* of the queries is a :class:`~jiceng.server.source.Neo4jSource`.
Server addresses shown to people pass through :func:`redact_uri`, so a password written
into a URI is never printed.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from jiceng.graphmodel import BackendUnavailableError, OrgGraph
from jiceng.graphmodel.graph import HOME_EDGE_KINDS
from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS, neo4j_label, neo4j_type

__all__ = ["Runner", "Neo4jRunner", "is_server_uri",
           "Dialect", "NEO4J", "dialect_of",
           "redact_uri", "split_credentials", "push_neo4j", "pull_neo4j", "pull_skeleton", "constraint_statements",
           "node_statement", "edge_statement", "NODES_QUERY", "EDGES_QUERY"]

DEFAULT_BATCH = 5000

# A scheme-like prefix (``bolt://``, ``http:/``, ``bolt+routing:``; taken whole, never split
# to find a password in it), the user up to the first ":", then everything up to the last "@":
# a user with "/", "?" or "@" in it and a password with "@", "/" or ":" in it are both covered.
_USER_INFO = re.compile(r"^(\s*(?>(?:[A-Za-z][A-Za-z0-9+.-]*:/*)?)[^:]*):.*@", re.DOTALL)
# no scheme at all (``u:PW@host``): the "scheme" is the user, unless a "/" follows its ":"
_BARE_USER_INFO = re.compile(r"^(\s*[^:/]*):(?!/).*@", re.DOTALL)
_SERVER_URI = re.compile(r"^((bolt|neo4j)(\+s|\+ssc)?|falkordb)://", re.IGNORECASE)


def redact_uri(uri: object) -> str:
    """The URI as people may see it: a password in it becomes ``***``.

    Every text that may hold a server address or a DATASET argument passes through here
    before it is shown ("connecting to", "cannot reach Neo4j at", "no such dataset", graph
    names), whatever its spelling: any scheme (``http://``, ``bolt+routing://``), one slash
    or none (``bolt:/``), no scheme at all, spaces around it. Whatever lies between the
    user's first ``:`` and the last ``@`` is hidden.

    >>> redact_uri("bolt://user:SECRET@db.example:7687")
    'bolt://user:***@db.example:7687'
    >>> redact_uri("neo4j+s://:p@ss/w@host")
    'neo4j+s://:***@host'
    >>> redact_uri(" bolt:/us/er?x:SECRET@host")
    ' bolt:/us/er?x:***@host'
    >>> redact_uri("user:SECRET@host"), redact_uri("bolt://user@localhost:7687")
    ('user:***@host', 'bolt://user@localhost:7687')
    """
    text = str(uri)
    for pattern in (_USER_INFO, _BARE_USER_INFO):
        redacted, found = pattern.subn(r"\1:***@", text)
        if found:
            return redacted
    return text


# the scheme, the user up to its first ":", the password up to the last "@", the address
_CREDENTIALS = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*://)([^:]*):(.*)@(.*?)\s*$", re.DOTALL)


def split_credentials(uri: str) -> tuple[str, str | None, str | None]:
    """``bolt://user:password@host`` -> (``bolt://host``, user, password); the driver
    takes credentials apart from the address. Without a password in it: (uri, None, None).
    The user and password are read as :func:`redact_uri` hides them.

    >>> split_credentials("bolt://analyst:p%40ss@db:7687")
    ('bolt://db:7687', 'analyst', 'p@ss')
    >>> split_credentials("bolt://db:7687")
    ('bolt://db:7687', None, None)
    """
    from urllib.parse import unquote

    match = _CREDENTIALS.match(uri)
    if match is None:
        return uri.strip(), None, None
    scheme, user, password, rest = match.groups()
    return scheme + rest, unquote(user) or None, unquote(password)


def is_server_uri(text: object) -> bool:
    """Whether a source argument names a Neo4j server (``bolt://``, ``neo4j://``, ``+s``/``+ssc``),
    or a FalkorDB server (``falkordb://``, :mod:`jiceng.server.falkordb`); spaces around it are
    ignored.

    >>> is_server_uri("bolt://localhost:7687"), is_server_uri("neo4j+s://x"), is_server_uri("data/")
    (True, True, False)
    >>> is_server_uri("falkordb://localhost:6379")
    True
    """
    return isinstance(text, str) and bool(_SERVER_URI.match(text.strip()))


class Runner(Protocol):
    """The narrow seam to a Neo4j server: run one parameterized statement."""

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Dialect:
    """What a Cypher server says differently. Everything else jiceng sends (every MERGE,
    pull and counting statement) is the same text on every server; a runner carries its
    dialect as ``runner.dialect`` (:data:`NEO4J` when it carries none).

    ``key_statements(runner, kinds)``: the statements a push runs first so that each
    kind's nodes are found by ``id`` fast (Neo4j: a uniqueness constraint per label; it
    may ask the server what exists).
    """

    name: str
    key_statements: Callable[[Runner, list[str]], list[str]]


#: Neo4j 5: these statements are checked by Neo4j's own front end (tests/test_cypher_lint.py).
NEO4J = Dialect(name="Neo4j", key_statements=lambda runner, kinds: constraint_statements(kinds))


def dialect_of(runner: Runner) -> Dialect:
    """The runner's dialect: FalkorDB's runner says so, anything else is Neo4j."""
    dialect = getattr(runner, "dialect", NEO4J)
    return dialect if isinstance(dialect, Dialect) else NEO4J


class Neo4jRunner:
    """A runner on the official ``neo4j`` driver.

    Connects at once (``verify_connectivity``) so an unreachable server or a wrong
    password fails in seconds with :class:`BackendUnavailableError`. The message
    names the server, never the credentials: ``uri`` is the redacted address.
    """

    def __init__(self, uri: str, user: str, password: str, *, database: str | None = None,
                 timeout: float = 5.0):
        import neo4j

        # the driver logs connection failures itself; the error raised here says it once
        logging.getLogger("neo4j").addHandler(logging.NullHandler())
        from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

        self.uri = redact_uri(uri)
        self.database = database
        uri, in_uri_user, in_uri_password = split_credentials(uri)
        if in_uri_password is not None:  # written into the URI: those win
            user, password = in_uri_user or user, in_uri_password
        self._errors = (ServiceUnavailable, AuthError, DriverError, Neo4jError, OSError, ValueError)
        self.driver: Any = None
        try:
            self.driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                                     connection_timeout=timeout,
                                                     max_transaction_retry_time=timeout)
            self.driver.verify_connectivity()
        except AuthError:
            self.close()
            raise BackendUnavailableError(
                f"Neo4j 服务器 {self.uri} 拒绝了用户名或密码（Neo4j at {self.uri} refused the "
                "user name or password: set NEO4J_USER and NEO4J_PASSWORD）") from None
        except self._errors as error:
            self.close()  # a driver that never connected still holds resources
            raise BackendUnavailableError(
                f"无法连接 Neo4j 服务器 {self.uri}（cannot reach Neo4j at {self.uri} "
                f"({type(error).__name__}): is the server running? docker compose up -d）") from None

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        try:
            records, _, keys = self.driver.execute_query(cypher, params or {},
                                                         database_=self.database)
        except self._errors as error:
            raise BackendUnavailableError(
                f"Neo4j 服务器出错（Neo4j at {self.uri} failed: {error}）") from None
        return pd.DataFrame([r.values() for r in records], columns=list(keys))

    def close(self) -> None:
        if self.driver is not None:
            self.driver.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ------------------------------------------------------------------- statements
def constraint_statements(kinds=None) -> list[str]:
    """One uniqueness constraint on ``id`` per node label (from the schema)."""
    return [f"CREATE CONSTRAINT jiceng_{kind}_id IF NOT EXISTS "
            f"FOR (n:{neo4j_label(kind)}) REQUIRE n.id IS UNIQUE"
            for kind in (kinds or NODE_KINDS)]


def node_statement(kind: str) -> str:
    """MERGE a batch of nodes of one kind: ``$rows`` = [{id, props}]."""
    return (f"UNWIND $rows AS row MERGE (n:{neo4j_label(kind)} {{id: row.id}}) "
            "SET n += row.props")


def edge_statement(kind: str, source_kind: str, target_kind: str) -> str:
    """MERGE a batch of edges: ``$rows`` = [{source, target, key, props}].

    Edges form a multigraph (three part-time members from one unit are three edges),
    so each carries ``key``, its rank among the edges with the same source, target and
    kind; merging on it makes a second push add nothing.
    """
    if (source_kind, target_kind) not in EDGE_KINDS[kind].pairs():
        raise ValueError(f"the schema has no {kind} edge from {source_kind} to {target_kind}")
    return (f"UNWIND $rows AS row "
            f"MATCH (a:{neo4j_label(source_kind)} {{id: row.source}}) "
            f"MATCH (b:{neo4j_label(target_kind)} {{id: row.target}}) "
            f"MERGE (a)-[r:{neo4j_type(kind)} {{key: row.key}}]->(b) SET r += row.props")


def _clean(value):
    """A property value Neo4j accepts, or None for absent (NaN, <NA>, empty)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str) and value == "":
        return None
    return value


def _props(table: pd.DataFrame, skip: tuple[str, ...]) -> list[dict]:
    columns = [c for c in table.columns if c not in skip]
    out = []
    for values in table[columns].itertuples(index=False, name=None):
        out.append({c: v for c, v in zip(columns, map(_clean, values)) if v is not None})
    return out


def _batches(rows: list, size: int) -> Iterator[tuple[int, list]]:
    for start in range(0, len(rows), size):
        yield start, rows[start: start + size]


def push_neo4j(graph: OrgGraph, runner: Runner, *, batch_size: int = DEFAULT_BATCH,
               on_batch: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Load a graph into Neo4j: constraints first, then nodes, then edges, in batches.

    Idempotent (MERGE on ids and edge keys): pushing twice leaves one copy. A failing
    batch raises :class:`BackendUnavailableError` naming the kind and the rows; the
    batches before it are in the database, and pushing again completes the load.

    Returns the number of nodes and edges sent.
    """
    kinds = sorted(set(graph.nodes["kind"].astype(str)))
    for statement in dialect_of(runner).key_statements(runner, kinds):
        _run(runner, statement, {}, "constraints")
    nodes, edges = graph.to_tables()
    sent = {"nodes": 0, "edges": 0}
    for kind, table in nodes.groupby("kind", sort=False, observed=True):
        props = _props(table.drop(columns=["id"]), ())
        rows = [{"id": i, "props": p} for i, p in zip(table["id"], props)]
        for start, batch in _batches(rows, batch_size):
            _run(runner, node_statement(str(kind)), {"rows": batch},
                 f"{kind} nodes, rows {start + 1}–{start + len(batch)}")
            sent["nodes"] += len(batch)
            if on_batch:
                on_batch(str(kind), start + len(batch), len(rows))
    kind_of = dict(zip(nodes["id"], nodes["kind"].astype(str)))
    edges = edges.assign(
        _sk=edges["source"].map(kind_of), _tk=edges["target"].map(kind_of),
        key=edges.groupby(["source", "target", "kind"], sort=False).cumcount())
    for (kind, sk, tk), table in edges.groupby(["kind", "_sk", "_tk"], sort=False, observed=True):
        props = _props(table, ("source", "target", "_sk", "_tk", "key"))
        rows = [{"source": s, "target": t, "key": int(k), "props": p}
                for s, t, k, p in zip(table["source"], table["target"], table["key"], props)]
        statement = edge_statement(str(kind), sk, tk)
        for start, batch in _batches(rows, batch_size):
            _run(runner, statement, {"rows": batch},
                 f"{kind} edges {sk}→{tk}, rows {start + 1}–{start + len(batch)}")
            sent["edges"] += len(batch)
            if on_batch:
                on_batch(f"{kind} ({sk}→{tk})", start + len(batch), len(rows))
    return sent


def _run(runner: Runner, cypher: str, params: dict, what: str) -> pd.DataFrame:
    try:
        return runner.run(cypher, params)
    except BackendUnavailableError as error:
        raise BackendUnavailableError(f"push stopped at {what}: {error}. The batches before "
                                      "it are loaded; push again to complete.") from None


NODES_QUERY = ("MATCH (n) WHERE n.kind IN $kinds AND n.id IS NOT NULL "
               "RETURN n.id AS id, properties(n) AS props ORDER BY id")
EDGES_QUERY = ("MATCH (a)-[r]->(b) WHERE type(r) IN $types AND a.kind IN $kinds AND b.kind IN $kinds "
               "RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props "
               "ORDER BY source, target, type, r.key")


def pull_neo4j(runner: Runner, *, edge_kinds: Iterable[str] | None = None,
               name: str = "neo4j") -> OrgGraph:
    """Read the organizational graph back from Neo4j (validated like any dataset).

    ``edge_kinds`` limits the edges read (all kinds by default).
    """
    nodes = runner.run(NODES_QUERY, {"kinds": list(NODE_KINDS)})
    type_to_kind = {neo4j_type(k): k for k in (EDGE_KINDS if edge_kinds is None else edge_kinds)}
    edges = runner.run(EDGES_QUERY, {"types": list(type_to_kind), "kinds": list(NODE_KINDS)})
    node_rows = [{"id": i, **{k: v for k, v in p.items() if k != "id"}}
                 for i, p in zip(nodes.get("id", []), nodes.get("props", []))]
    edge_rows = [{"source": s, "target": t, "kind": type_to_kind[ty],
                  **{k: v for k, v in p.items() if k not in ("key", "kind")}}
                 for s, t, ty, p in zip(edges.get("source", []), edges.get("target", []),
                                        edges.get("type", []), edges.get("props", []))]
    node_table = pd.DataFrame(node_rows, columns=None if node_rows else ["id", "kind", "name"])
    edge_table = pd.DataFrame(edge_rows, columns=None if edge_rows else ["source", "target", "kind"])
    as_text = lambda t: t.astype("str").where(t.notna())  # noqa: E731
    return OrgGraph.from_tables(as_text(node_table), as_text(edge_table), name=name,
                                nodes_file="neo4j nodes", edges_file="neo4j relationships")


def pull_skeleton(runner: Runner, *, name: str = "neo4j") -> OrgGraph:
    """Every node with its attributes, and only the edges that place nodes (``within``,
    ``leads``, ``covers``, ...): enough to name results and roll them up by place."""
    return pull_neo4j(runner, edge_kinds=HOME_EDGE_KINDS, name=name)
