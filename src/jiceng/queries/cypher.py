"""The same queries on a Neo4j server: audit, isolation and reach as parameterized Cypher.

These functions are internal: call :func:`jiceng.queries.audit`, ``isolation`` and
``reach`` with a :class:`~jiceng.loaders.neo4j.Neo4jSource` and they run here.

Each query counts on the server and returns ids and numbers; the results are then
assembled by the same code as in process (:func:`~jiceng.queries.coverage.assemble_audit`,
:func:`~jiceng.queries.isolation.assemble_isolation`,
:func:`~jiceng.queries.reach.assemble_reach`),
on a *skeleton* of the graph pulled once: every node, and only the edges that place a
node in its community, street and district (for names and roll-ups).

Cypher is generated from the rule definitions. Node labels and relationship types
come from the schema (``neo4j_label``/``neo4j_type``); the number of hops is checked to
be an integer; every other value (kinds, attribute names and values, ids) is a
parameter. Only standard Cypher (pattern comprehensions, variable-length paths),
no plugins.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from jiceng.graphmodel import BackendUnavailableError, OrgGraph
from jiceng.graphmodel.schema import CO_BUILDING_KINDS, neo4j_label, neo4j_type
from jiceng.loaders.neo4j import Neo4jSource, Runner, pull_skeleton
from jiceng.queries._args import as_ids, check_hops
from jiceng.queries.coverage import AuditResult, assemble_audit
from jiceng.queries.isolation import IsolationResult, assemble_isolation
from jiceng.queries.reach import ReachResult, assemble_reach
from jiceng.queries.rules import EdgeCount, Rule, as_rules

__all__ = ["rule_statement", "isolation_statements", "reach_statements", "skeleton",
           "audit_on_server", "isolation_on_server", "reach_on_server"]


def _co_building() -> str:
    """The co-building relationship types as a pattern (read when a statement is built, so
    kinds registered at run time are in it)."""
    return "|".join(neo4j_type(k) for k in CO_BUILDING_KINDS)


def _labels(var: str, kinds: Sequence[str]) -> str:
    """``(n:A OR n:B)``: label tests from the schema (never from input)."""
    return "(" + " OR ".join(f"{var}:{neo4j_label(k)}" for k in kinds) + ")"


def _attr_tests(var: str, attrs, prefix: str, params: dict) -> list[str]:
    """``toString(n[$a0]) IN $v0`` per attribute: names and values are parameters."""
    tests = []
    for i, (attribute, values) in enumerate(attrs):
        params[f"{prefix}_attr{i}"] = attribute
        params[f"{prefix}_values{i}"] = list(values)
        tests.append(f"toString({var}[${prefix}_attr{i}]) IN ${prefix}_values{i}")
    return tests


def _edge_pattern(spec: EdgeCount, prefix: str, params: dict) -> str:
    """A pattern comprehension listing one entry per matching edge at ``n``."""
    rel = f"[:{neo4j_type(spec.edge)}]"
    pattern = f"(n)<-{rel}-(m)" if spec.direction == "in" else f"(n)-{rel}->(m)"
    tests = [_labels("m", spec.other)] if spec.other else []
    tests += _attr_tests("m", spec.other_attrs, prefix, params)
    where = f" WHERE {' AND '.join(tests)}" if tests else ""
    return f"[{pattern}{where} | 1]"


def rule_statement(rule: Rule) -> tuple[str, dict]:
    """The Cypher and parameters counting one rule: ``id, count`` per checked node.

    Edges are counted, not neighbours (a pattern comprehension yields one entry per
    relationship), as in process.

    >>> from jiceng.queries.rules import default_rules
    >>> cypher, params = rule_statement(default_rules()[0])
    >>> print(cypher)
    MATCH (n) WHERE (n:Grid) RETURN n.id AS id, size([(n)<-[:COVERS]-(m) WHERE (m:GridBranch) | 1]) AS count
    """
    params: dict = {}
    tests = [_labels("n", rule.each)]
    tests += _attr_tests("n", rule.where_attrs, "where", params)
    has_edge = ""
    if rule.where_edge is not None:
        # projected, then filtered: FalkorDB cannot evaluate a pattern comprehension
        # inside a WHERE, and this form means the same to Neo4j
        has_edge = (f"WITH n, size({_edge_pattern(rule.where_edge, 'has', params)}) AS edges "
                    "WHERE edges > 0 ")
    cypher = (f"MATCH (n) WHERE {' AND '.join(tests)} {has_edge}"
              f"RETURN n.id AS id, size({_edge_pattern(rule.count, 'count', params)}) AS count")
    return cypher, params


def isolation_statements() -> dict[str, str]:
    """Per community its co-building edges, distinct units and (when one) that unit; and
    every co-building edge, for the components."""
    return {
        "communities": (f"MATCH (c:{neo4j_label('community_party')}) "
                        f"OPTIONAL MATCH (c)<-[r:{_co_building()}]-(u) "
                        "WITH c, count(r) AS ties, collect(DISTINCT u.id) AS units "
                        "RETURN c.id AS id, ties, size(units) AS units, "
                        "CASE WHEN size(units) = 1 THEN units[0] END AS only_unit"),
        # one row per relationship: FalkorDB walks a pair of nodes once however many
        # relationships join them unless the relationship itself is returned
        "edges": (f"MATCH (a)-[r:{_co_building()}]->(b) "
                  "RETURN a.id AS source, b.id AS target, type(r) AS type"),
    }


def _hops(hops: int) -> int:
    if isinstance(hops, bool) or not isinstance(hops, (int, np.integer)) or hops < 1:
        raise ValueError(f"hops must be a whole number ≥ 1, not {hops!r}")
    return int(hops)


def reach_statements(hops: int = 2) -> dict[str, str]:
    """Per unit the communities reached within ``hops`` and their households; per
    community the distinct units reaching it.

    A path is one co-building edge then up to ``hops - 1`` ``leads`` edges. The bound
    of a variable-length pattern cannot be a parameter; it is an integer checked here.

    >>> print(reach_statements(2)["inflow"])  # doctest: +NORMALIZE_WHITESPACE
    MATCH (c:CommunityParty) OPTIONAL MATCH
    (u:UnitParty)-[:PAIRS_WITH|PART_TIME|REPORTS_TO]->()-[:LEADS*0..1]->(c:CommunityParty)
    RETURN c.id AS id, count(DISTINCT u) AS inflow
    """
    path = (f"(u:{neo4j_label('unit_party')})-[:{_co_building()}]->()"
            f"-[:{neo4j_type('leads')}*0..{_hops(hops) - 1}]->(c:{neo4j_label('community_party')})")
    return {
        "units": (f"MATCH (u:{neo4j_label('unit_party')}) OPTIONAL MATCH {path} "
                  "WITH u, collect(DISTINCT c) AS reached "
                  "RETURN u.id AS id, size(reached) AS communities, "
                  "reduce(total = 0, c IN reached | total + coalesce(toInteger(c.households), 0)) "
                  "AS households"),
        "inflow": (f"MATCH (c:{neo4j_label('community_party')}) OPTIONAL MATCH {path} "
                   "RETURN c.id AS id, count(DISTINCT u) AS inflow"),
    }


def skeleton(runner: Runner) -> OrgGraph:
    """Every node with its attributes, and only the edges that place nodes (``within``,
    ``leads``, ``covers``, ...): enough to name results and roll them up by place."""
    return pull_skeleton(runner)


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


def audit_on_server(source: Neo4jSource, rules: Sequence[Rule] | str | os.PathLike | None = None,
                    *, on_rule: Callable[[Rule], None] | None = None) -> AuditResult:
    """:func:`jiceng.queries.audit` on a Neo4j server: one Cypher statement per rule.

    Called by ``audit`` when its source is a :class:`~jiceng.loaders.neo4j.Neo4jSource`.
    """
    rules = as_rules(rules)
    graph = source.skeleton()
    per_rule = []
    for rule in rules:
        if on_rule is not None:
            on_rule(rule)
        rows = source.run(*rule_statement(rule))
        codes = _codes(graph, rows.get("id", []))
        counts = np.asarray(rows.get("count", []), dtype=np.int64)
        order = np.argsort(codes, kind="stable")
        per_rule.append((codes[order], counts[order]))
    return assemble_audit(graph, rules, per_rule)


def isolation_on_server(source: Neo4jSource) -> IsolationResult:
    """:func:`jiceng.queries.isolation` on a Neo4j server (components computed from the
    co-building edges the server returns: Neo4j community has no component procedure
    without plugins)."""
    graph = source.skeleton()
    statements = isolation_statements()
    rows = source.run(statements["communities"], {})
    edges = source.run(statements["edges"], {})
    only = rows["only_unit"] if "only_unit" in rows else pd.Series([], dtype=object)
    only_codes = np.full(len(rows), -1, dtype=np.int64)
    has_one = only.notna().to_numpy()
    only_codes[has_one] = _codes(graph, only[has_one])
    return assemble_isolation(graph, _codes(graph, rows.get("id", [])),
                              np.asarray(rows.get("ties", []), dtype=np.int64),
                              np.asarray(rows.get("units", []), dtype=np.int64), only_codes,
                              _codes(graph, edges.get("source", [])),
                              _codes(graph, edges.get("target", [])))


def reach_on_server(source: Neo4jSource, *, hops: int = 2,
                    units: list[str] | None = None) -> ReachResult:
    """:func:`jiceng.queries.reach` on a Neo4j server."""
    hops, units = check_hops(hops), as_ids(units)
    statements = reach_statements(hops)  # a bad hops fails before anything is read
    graph = source.skeleton()
    per_unit = source.run(statements["units"], {})
    inflow = source.run(statements["inflow"], {})
    return assemble_reach(graph, _hops(hops), _codes(graph, per_unit.get("id", [])),
                          np.asarray(per_unit.get("communities", []), dtype=np.int64),
                          np.asarray(per_unit.get("households", []), dtype=np.int64),
                          _codes(graph, inflow.get("id", [])),
                          np.asarray(inflow.get("inflow", []), dtype=np.int64), units=units)
