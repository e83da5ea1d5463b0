"""A Cypher server (Neo4j or FalkorDB) as the source of the queries, and how it answers them.

A :class:`Neo4jSource` is registered with the queries' seam (:mod:`jiceng.queries.sources`)
when this module is imported: ``audit``, ``isolation`` and ``reach`` count on the server with
the statements of :mod:`jiceng.server.statements` and hand the ids and counts to the same
assembly code as in process (:func:`~jiceng.queries.coverage.assemble_audit`,
:func:`~jiceng.queries.isolation.assemble_isolation`,
:func:`~jiceng.queries.reach.assemble_reach`), on a *skeleton* of the graph pulled once
(every node, and only the edges that place a node, for names and roll-ups). The questions
that need the whole graph in memory (``whatif``, ``diff``, ``plan``, ``reach_from``, lookups,
maps) get it from :meth:`Neo4jSource.graph`, read once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from jiceng.graphmodel import BackendUnavailableError, OrgGraph
from jiceng.queries.coverage import AuditResult, assemble_audit
from jiceng.queries.isolation import IsolationResult, assemble_isolation
from jiceng.queries.reach import ReachResult, assemble_reach
from jiceng.queries.rules import Rule
from jiceng.queries.sources import register_source
from jiceng.server import statements
from jiceng.server.falkordb import FalkorDBRunner, is_falkordb_uri
from jiceng.server.neo4j import (
    Neo4jRunner,
    Runner,
    dialect_of,
    pull_neo4j,
    pull_skeleton,
    redact_uri,
)

__all__ = ["Neo4jSource", "audit_on_server", "isolation_on_server", "reach_on_server"]


class Neo4jSource:
    """A Neo4j server as the source of the queries.

    Pass it wherever a graph goes: ``audit(source)``, ``isolation(source)``,
    ``reach(source, hops=3)`` count on the server (parameterized Cypher) and return the
    same results as in process; ``reach_from``, ``whatif`` and ``diff`` read the whole
    graph from the server once (:meth:`graph`) and count in process.

    The graph's places (every node, and the edges that place nodes) are read once, on
    first use, to name and roll up what the server counts (:meth:`skeleton`). A source
    is a snapshot in that sense: after the database changes, make a new source (or call
    :meth:`refresh`).

    ``runner`` is anything with ``run(cypher, params) -> DataFrame``; to connect to a
    server use :meth:`connect`. A source is itself a runner, so ``push_neo4j(graph,
    source)`` and ``pull_neo4j(source)`` work on it. Use it as a context manager (or call
    :meth:`close`) to close the connection.

    >>> class Empty:
    ...     uri = "bolt://analyst:SECRET@db:7687"
    ...     def run(self, cypher, params=None):
    ...         import pandas as pd
    ...         return pd.DataFrame()
    >>> Neo4jSource(Empty()).name
    'Neo4j bolt://analyst:***@db:7687'
    """

    def __init__(self, runner: Runner, *, name: str | None = None):
        self.runner = runner
        self.uri = redact_uri(getattr(runner, "uri", "") or "")
        self.dialect = dialect_of(runner)
        self.name = name if name is not None else f"{self.dialect.name} {self.uri}".strip()
        self._skeleton: OrgGraph | None = None
        self._graph: OrgGraph | None = None

    @classmethod
    def connect(cls, uri: str, user: str = "neo4j", password: str = "", *,
                database: str | None = None, timeout: float = 5.0) -> Neo4jSource:
        """Connect to a server (fails in seconds with :class:`BackendUnavailableError`).

        A ``falkordb://`` URI connects to FalkorDB instead (its password, if any, is in the
        URI; ``user``, ``password`` and ``database`` are Neo4j's)."""
        if is_falkordb_uri(uri):
            return cls(FalkorDBRunner(uri, timeout=timeout))
        return cls(Neo4jRunner(uri, user, password, database=database, timeout=timeout))

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run one parameterized statement on the server."""
        return self.runner.run(cypher, params)

    def skeleton(self) -> OrgGraph:
        """Every node and the edges that place nodes, read once."""
        if self._graph is not None:
            return self._graph
        if self._skeleton is None:
            self._skeleton = pull_skeleton(self.runner, name=self.name)
        return self._skeleton

    def graph(self) -> OrgGraph:
        """The whole graph, read once (:func:`pull_neo4j`), for the queries that count in
        process."""
        if self._graph is None:
            self._graph = pull_neo4j(self.runner, name=self.name)
        return self._graph

    def refresh(self) -> None:
        """Forget what was read, so the next query reads the server's current graph."""
        self._skeleton = self._graph = None

    def close(self) -> None:
        close = getattr(self.runner, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> Neo4jSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Neo4jSource({self.uri!r})"


def _codes(graph: OrgGraph, ids) -> np.ndarray:
    """Codes of the ids the server returned; every one must be in the skeleton."""
    ids = [str(i) for i in ids]
    codes = graph.codes(ids)
    if (codes < 0).any():
        missing = ids[int(np.flatnonzero(codes < 0)[0])]
        raise BackendUnavailableError(
            f"Neo4j 返回了之前读取的图中没有的节点 {missing!r}（Neo4j returned node {missing!r}, "
            "which the graph read before does not hold: was the database changed meanwhile? "
            "Run again, or call refresh() on the source）")
    return codes.astype(np.int64)


def audit_on_server(source: Neo4jSource, rules: Sequence[Rule],
                    on_rule: Callable[[Rule], None] | None = None) -> AuditResult:
    """:func:`jiceng.queries.audit` on a Cypher server: one statement per rule (``rules``
    and ``on_rule`` as ``audit`` checked them)."""
    graph = source.skeleton()
    per_rule = []
    for rule in rules:
        if on_rule is not None:
            on_rule(rule)
        rows = source.run(*statements.rule_statement(rule))
        codes = _codes(graph, rows.get("id", []))
        counts = np.asarray(rows.get("count", []), dtype=np.int64)
        order = np.argsort(codes, kind="stable")
        per_rule.append((codes[order], counts[order]))
    return assemble_audit(graph, rules, per_rule)


def isolation_on_server(source: Neo4jSource) -> IsolationResult:
    """:func:`jiceng.queries.isolation` on a Cypher server (components computed from the
    co-building edges the server returns: Neo4j community has no component procedure
    without plugins)."""
    graph = source.skeleton()
    asked = statements.isolation_statements()
    rows = source.run(asked["communities"], {})
    edges = source.run(asked["edges"], {})
    only = rows["only_unit"] if "only_unit" in rows else pd.Series([], dtype=object)
    only_codes = np.full(len(rows), -1, dtype=np.int64)
    has_one = only.notna().to_numpy()
    only_codes[has_one] = _codes(graph, only[has_one])
    return assemble_isolation(graph, _codes(graph, rows.get("id", [])),
                              np.asarray(rows.get("ties", []), dtype=np.int64),
                              np.asarray(rows.get("units", []), dtype=np.int64), only_codes,
                              _codes(graph, edges.get("source", [])),
                              _codes(graph, edges.get("target", [])))


def reach_on_server(source: Neo4jSource, hops: int, units: list[str] | None) -> ReachResult:
    """:func:`jiceng.queries.reach` on a Cypher server (``hops`` and ``units`` as ``reach``
    checked them)."""
    asked = statements.reach_statements(hops)
    graph = source.skeleton()
    per_unit = source.run(asked["units"], {})
    inflow = source.run(asked["inflow"], {})
    alone = source.run(asked["exclusive"], {})
    exclusive = pd.Series(np.asarray(alone.get("exclusive", []), dtype=np.int64),
                          index=pd.Index(alone.get("id", []), dtype=object))
    return assemble_reach(graph, hops, _codes(graph, per_unit.get("id", [])),
                          np.asarray(per_unit.get("communities", []), dtype=np.int64),
                          np.asarray(per_unit.get("households", []), dtype=np.int64),
                          _codes(graph, inflow.get("id", [])),
                          np.asarray(inflow.get("inflow", []), dtype=np.int64), units=units,
                          exclusive=exclusive.reindex(pd.Index(per_unit.get("id", []), dtype=object),
                                                      fill_value=0).to_numpy())


register_source(Neo4jSource, graph=Neo4jSource.graph, places=Neo4jSource.skeleton,
                audit=audit_on_server, isolation=isolation_on_server, reach=reach_on_server)
