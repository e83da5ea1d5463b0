"""Cypher servers, Neo4j and FalkorDB: a graph pushed in and pulled back, and a server as the
source of the queries.

A layer after :mod:`jiceng.queries`: importing it registers :class:`Neo4jSource` with the
queries' seam (:mod:`jiceng.queries.sources`), and the queries never import it.

- :mod:`jiceng.server.neo4j`: the runner (``run(cypher, params) -> DataFrame``), the dialects,
  addresses (:func:`redact_uri`), ``push_neo4j``, ``pull_neo4j`` and ``pull_skeleton``;
- :mod:`jiceng.server.falkordb`: FalkorDB's runner and dialect;
- :mod:`jiceng.server.statements`: the counting statements of audit, isolation and reach;
- :mod:`jiceng.server.source`: :class:`Neo4jSource` and how it answers each question.
"""

from jiceng.server.falkordb import FalkorDBRunner, is_falkordb_uri
from jiceng.server.neo4j import (
    Neo4jRunner,
    Runner,
    is_server_uri,
    pull_neo4j,
    pull_skeleton,
    push_neo4j,
    redact_uri,
)
from jiceng.server.source import Neo4jSource

__all__ = ["Neo4jSource", "Neo4jRunner", "FalkorDBRunner", "Runner", "push_neo4j", "pull_neo4j",
           "pull_skeleton", "redact_uri", "is_server_uri", "is_falkordb_uri"]
