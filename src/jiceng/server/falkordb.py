"""FalkorDB, a second Cypher server: the statements jiceng sends to Neo4j, run on FalkorDB.

:class:`FalkorDBRunner` has the runner's one method, ``run(cypher, params) ->
DataFrame``, so :func:`~jiceng.server.neo4j.push_neo4j`,
:func:`~jiceng.server.neo4j.pull_neo4j` and a
:class:`~jiceng.server.source.Neo4jSource` (``audit``, ``isolation``, ``reach``) work on
it unchanged: the same statement text goes to both servers. The one thing the two
dialects say differently, how a push makes ``id`` fast to find per label, is
:data:`FALKORDB` (Neo4j's is :data:`~jiceng.server.neo4j.NEO4J`); the runner carries it.

A server is named ``falkordb://[:password@]host:port[/graph]`` (graph ``jiceng`` when
none is given). The ``falkordb`` client is imported when a runner is made.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd

from jiceng.graphmodel import BackendUnavailableError
from jiceng.graphmodel.schema import neo4j_label
from jiceng.server.neo4j import Dialect, Runner, redact_uri, split_credentials

__all__ = ["FalkorDBRunner", "FALKORDB", "is_falkordb_uri", "index_statements", "INDEXES_QUERY", "DEFAULT_GRAPH",
           "DEFAULT_PORT"]

DEFAULT_GRAPH = "jiceng"
DEFAULT_PORT = 6379
#: The labels whose nodes have an index on ``id`` (FalkorDB's ``db.indexes`` procedure).
INDEXES_QUERY = "CALL db.indexes() YIELD label, properties RETURN label, properties"


def index_statements(runner: Runner, kinds: list[str]) -> list[str]:
    """FalkorDB's form of Neo4j's uniqueness constraints: an index on ``id`` per label that
    has none yet (FalkorDB has no ``IF NOT EXISTS``, and creating an index twice is an
    error). The index is what keeps the ``MERGE``/``MATCH`` on ids of a push fast; that
    an id is unique per label is kept by the ``MERGE`` itself."""
    indexes = runner.run(INDEXES_QUERY, {})
    have = {str(label) for label, properties in zip(indexes.get("label", []),
                                                     indexes.get("properties", []))
            if "id" in properties}
    return [f"CREATE INDEX FOR (n:{neo4j_label(kind)}) ON (n.id)"
            for kind in kinds if neo4j_label(kind) not in have]


#: What FalkorDB says differently from Neo4j (see :class:`~jiceng.server.neo4j.Dialect`).
FALKORDB = Dialect(name="FalkorDB", key_statements=index_statements)


def is_falkordb_uri(text: object) -> bool:
    """Whether a source argument names a FalkorDB server.

    >>> is_falkordb_uri("falkordb://localhost:6379/city"), is_falkordb_uri("bolt://localhost")
    (True, False)
    """
    return isinstance(text, str) and text.lower().startswith("falkordb://")


def _address(uri: str) -> tuple[str, int, str | None, str]:
    """``falkordb://:pw@host:6380/city`` -> (host, port, password, graph)."""
    bare, _, password = split_credentials(uri)
    parts = urlsplit(bare)
    if parts.scheme.lower() != "falkordb" or not parts.hostname:
        raise ValueError(f"not a FalkorDB address: {redact_uri(uri)}")
    graph = unquote(parts.path.strip("/")) or DEFAULT_GRAPH
    return parts.hostname, parts.port or DEFAULT_PORT, password, graph


class FalkorDBRunner:
    """A runner on a FalkorDB server (the ``falkordb`` client), one graph of it.

    Connects at once (a ``PING``), so an unreachable server fails in seconds with
    :class:`BackendUnavailableError`; messages name the server by its redacted ``uri``.

    >>> FalkorDBRunner.dialect.name
    'FalkorDB'
    """

    dialect = FALKORDB

    def __init__(self, uri: str, *, timeout: float = 5.0):
        try:
            import falkordb
            import redis.exceptions
        except ImportError:
            raise BackendUnavailableError(
                "未安装 FalkorDB 客户端（the FalkorDB client is not installed: "
                "pip install falkordb）") from None
        self.uri = redact_uri(uri)
        try:
            host, port, password, graph = _address(uri)
        except ValueError:
            raise BackendUnavailableError(
                f"FalkorDB 地址有误 {self.uri}（not a FalkorDB address: {self.uri}; expected "
                "falkordb://host:6379 or falkordb://host:6379/graph）") from None
        self._errors = (redis.exceptions.RedisError, OSError)
        self.client: Any = None
        try:
            # the timeout bounds connecting, not statements: a long count is not a lost server
            self.client = falkordb.FalkorDB(host=host, port=port, password=password,
                                            socket_connect_timeout=timeout)
            self.client.connection.ping()
        except self._errors as error:
            self.close()
            raise BackendUnavailableError(
                f"无法连接 FalkorDB 服务器 {self.uri}（cannot reach FalkorDB at {self.uri} "
                f"({type(error).__name__}): is the server running?）") from None
        self.graph = self.client.select_graph(graph)

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        try:
            result = self.graph.query(cypher, params or None)
        except (*self._errors, ValueError) as error:  # ValueError: a map key the client refuses
            raise BackendUnavailableError(
                f"FalkorDB 服务器出错（FalkorDB at {self.uri} failed: {error}）") from None
        columns = [name.decode() if isinstance(name, bytes) else str(name)
                   for _, name in result.header]
        rows = [[dict(v) if isinstance(v, dict) else v for v in row] for row in result.result_set]
        return pd.DataFrame(rows, columns=columns)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def __enter__(self) -> FalkorDBRunner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
