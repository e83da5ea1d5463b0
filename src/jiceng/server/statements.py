"""The counting statements: audit, isolation and reach as parameterized Cypher.

They are run by a :class:`~jiceng.server.source.Neo4jSource`, which the queries' seam
hands ``audit``, ``isolation`` and ``reach`` (:mod:`jiceng.queries.sources`); call those
with the source and they run here. The same text goes to Neo4j and FalkorDB.

Cypher is generated from the rule definitions. Node labels and relationship types
come from the schema (``neo4j_label``/``neo4j_type``); the number of hops is checked as
every query checks it (:func:`jiceng.queries.check_hops`); every other value (kinds,
attribute names and values, ids) is a parameter. Only standard Cypher (pattern
comprehensions, variable-length paths), no plugins.
"""

from __future__ import annotations

from collections.abc import Sequence

from jiceng.graphmodel.schema import CO_BUILDING_KINDS, neo4j_label, neo4j_type
from jiceng.queries import check_hops
from jiceng.queries.rules import EdgeCount, Rule

__all__ = ["rule_statement", "isolation_statements", "reach_statements"]


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


def reach_statements(hops: int = 2) -> dict[str, str]:
    """Per unit the communities reached within ``hops`` and their households; per
    community the distinct units reaching it.

    A path is one co-building edge then up to ``hops - 1`` ``leads`` edges. The bound
    of a variable-length pattern cannot be a parameter; it is checked to be an integer
    from 1 to :data:`~jiceng.queries.MAX_HOPS` (:func:`~jiceng.queries.check_hops`).

    >>> print(reach_statements(2)["inflow"])  # doctest: +NORMALIZE_WHITESPACE
    MATCH (c:CommunityParty) OPTIONAL MATCH
    (u:UnitParty)-[:PAIRS_WITH|PART_TIME|REPORTS_TO]->()-[:LEADS*0..1]->(c:CommunityParty)
    RETURN c.id AS id, count(DISTINCT u) AS inflow
    """
    path = (f"(u:{neo4j_label('unit_party')})-[:{_co_building()}]->()"
            f"-[:{neo4j_type('leads')}*0..{check_hops(hops) - 1}]->(c:{neo4j_label('community_party')})")
    return {
        "units": (f"MATCH (u:{neo4j_label('unit_party')}) OPTIONAL MATCH {path} "
                  "WITH u, collect(DISTINCT c) AS reached "
                  "RETURN u.id AS id, size(reached) AS communities, "
                  "reduce(total = 0, c IN reached | total + coalesce(toInteger(c.households), 0)) "
                  "AS households"),
        "inflow": (f"MATCH (c:{neo4j_label('community_party')}) OPTIONAL MATCH {path} "
                   "RETURN c.id AS id, count(DISTINCT u) AS inflow"),
        "exclusive": (f"MATCH {path} WITH c, collect(DISTINCT u.id) AS reaching "
                      "WHERE size(reaching) = 1 "
                      "RETURN reaching[0] AS id, count(c) AS exclusive"),
    }
