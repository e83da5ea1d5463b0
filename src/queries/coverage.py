"""Coverage audit: evaluate coverage rules over the edge table, roll up by district and street.

Every rule is a vectorized count (``numpy.bincount`` over the edges of one kind),
never a Python loop per node.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graphmodel import OrgGraph
from queries.rules import EdgeCount, Rule, load_rules

__all__ = ["AuditResult", "audit", "assemble_audit", "rule_counts", "evaluate_rule"]


@dataclass
class AuditResult:
    """What an audit found.

    Attributes
    ----------
    summary : DataFrame
        One row per rule: ``rule, title_zh, title_en, each, min, checked, passing,
        failing, coverage`` (coverage is passing/checked, NaN when nothing was checked).
    gaps : DataFrame
        One row per failing node per rule: ``rule, id, kind, name, count, min, street,
        street_name, district, district_name``, sorted by rule order then id.
    by_street, by_district : DataFrame
        Per rule and place: ``rule, street, street_name, district, district_name,
        checked, passing, failing, coverage`` (``by_district`` without the street columns).
    ranking : DataFrame
        Streets ranked across all rules (排行榜): ``rank, street, street_name,
        district_name, checked, failing, coverage, score, rules_failing`` where ``score`` is
        the mean of the street's per-rule coverage.
    """

    rules: list[Rule]
    summary: pd.DataFrame
    gaps: pd.DataFrame
    by_street: pd.DataFrame
    by_district: pd.DataFrame
    ranking: pd.DataFrame

    def gap_ids(self, rule_id: str) -> list[str]:
        """Sorted ids of the nodes failing one rule."""
        return sorted(self.gaps.loc[self.gaps["rule"] == rule_id, "id"].tolist())

    def to_json(self) -> dict:
        """The machine-readable form of DESIGN.md §6."""
        out = []
        for row in self.summary.itertuples(index=False):
            coverage = None if pd.isna(row.coverage) else float(row.coverage)
            out.append({
                "id": row.rule, "title": f"{row.title_zh} ({row.title_en})", "each": row.each,
                "checked": int(row.checked), "passing": int(row.passing),
                "failing": int(row.failing), "coverage": coverage, "gaps": self.gap_ids(row.rule),
            })
        return {"rules": out}


def _edge_count(graph: OrgGraph, spec: EdgeCount) -> np.ndarray:
    """For every node, the number of edges as ``spec`` describes (O(m_kind))."""
    src, dst, _ = graph.edge_arrays
    positions = graph.edge_positions(spec.edge)
    here, there = (dst, src) if spec.direction == "in" else (src, dst)
    here, there = here[positions], there[positions]
    keep = np.ones(len(positions), dtype=bool)
    if spec.other:
        keep &= graph.is_kind(*spec.other)[there]
    for attribute, values in spec.other_attrs:
        keep &= graph.node_attribute_is(attribute, values)[there]
    return np.bincount(here[keep], minlength=graph.n_nodes)


def _checked(graph: OrgGraph, rule: Rule) -> np.ndarray:
    mask = graph.is_kind(*rule.each)
    for attribute, values in rule.where_attrs:
        mask &= graph.node_attribute_is(attribute, values)
    if rule.where_edge is not None:
        mask &= _edge_count(graph, rule.where_edge) > 0
    return mask


def rule_counts(graph: OrgGraph, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
    """The codes of the nodes a rule checks, and each one's edge count.

    >>> from loaders import read_sample
    >>> from queries.rules import default_rules
    >>> codes, counts = rule_counts(read_sample(), default_rules()[0])
    >>> len(codes) == read_sample().count("grid")
    True
    """
    codes = np.flatnonzero(_checked(graph, rule))
    return codes, _edge_count(graph, rule.count)[codes]


def evaluate_rule(graph: OrgGraph, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the checked nodes and a boolean array: which pass."""
    codes, counts = rule_counts(graph, rule)
    return codes, counts >= rule.min


def _coverage(passing, checked):
    checked = np.asarray(checked, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(checked > 0, np.asarray(passing, dtype=float) / checked, np.nan)


def audit(graph: OrgGraph, rules: Sequence[Rule] | str | os.PathLike | None = None, *,
          on_rule: Callable[[Rule], None] | None = None) -> AuditResult:
    """Check every rule on every node it applies to, and roll the results up.

    Parameters
    ----------
    graph : OrgGraph
    rules : list of Rule, or a path to a YAML rule file, or None for the article's rules
    on_rule : callable, optional
        Called with each rule before it is evaluated (for progress display).

    Returns
    -------
    AuditResult

    Notes
    -----
    O(n + m) per rule: one pass over the edges of the counted kind and one over the nodes.

    Examples
    --------
    >>> from loaders import read_sample
    >>> result = audit(read_sample())
    >>> int(result.summary.set_index("rule").loc["grid-branch", "checked"]) == read_sample().count("grid")
    True
    """
    if rules is None or isinstance(rules, (str, os.PathLike)):
        rules = load_rules(rules)
    rules = list(rules)
    per_rule = []
    for rule in rules:
        if on_rule is not None:
            on_rule(rule)
        per_rule.append(rule_counts(graph, rule))
    return assemble_audit(graph, rules, per_rule)


def assemble_audit(graph: OrgGraph, rules: Sequence[Rule],
                   per_rule: Sequence[tuple[np.ndarray, np.ndarray]]) -> AuditResult:
    """Build an :class:`AuditResult` from each rule's checked node codes and edge counts.

    Shared by the in-process engine and the Neo4j backend, which computes the counts
    in Cypher: ``graph`` need only hold the nodes and the edges that place them
    (``within``, ``leads``, ...), for names and the roll-ups.
    """
    places = graph.places
    street_of = places["street"].to_numpy()
    district_of = places["district"].to_numpy()
    ids = graph.nodes["id"].to_numpy(dtype=object)
    names = graph.nodes["name"].to_numpy(dtype=object)
    kinds = graph.nodes["kind"].astype(str).to_numpy(dtype=object)

    summary_rows, gap_frames, checked_frames = [], [], []
    for rule, (codes, counts) in zip(rules, per_rule):
        codes, counts = np.asarray(codes, dtype=np.int64), np.asarray(counts, dtype=np.int64)
        passing = counts >= rule.min
        summary_rows.append((rule.id, rule.title_zh, rule.title_en, ",".join(rule.each), rule.min,
                             len(codes), int(passing.sum()), int((~passing).sum())))
        checked_frames.append(pd.DataFrame({"rule": rule.id, "street": street_of[codes],
                                            "district": district_of[codes], "passing": passing}))
        fail = codes[~passing]
        order = np.argsort(ids[fail].astype(str), kind="stable")
        fail, fail_counts = fail[order], counts[~passing][order]
        gap_frames.append(pd.DataFrame({
            "rule": rule.id, "id": ids[fail], "kind": kinds[fail], "name": names[fail],
            "count": fail_counts, "min": rule.min, "street": street_of[fail],
            "district": district_of[fail]}))

    summary = pd.DataFrame(summary_rows, columns=["rule", "title_zh", "title_en", "each", "min",
                                                  "checked", "passing", "failing"])
    summary["coverage"] = _coverage(summary["passing"], summary["checked"])
    gaps = _named_places(pd.concat(gap_frames, ignore_index=True), ids, names)
    checked = pd.concat(checked_frames, ignore_index=True)
    by_street = _roll_up(checked, ["rule", "street", "district"], ids, names, rules)
    by_district = _roll_up(checked, ["rule", "district"], ids, names, rules)
    ranking = _ranking(by_street)
    return AuditResult(rules, summary, gaps, by_street, by_district, ranking)


def _place_names(codes: np.ndarray, ids: np.ndarray, names: np.ndarray):
    codes = np.asarray(codes, dtype=np.int64)
    known = codes >= 0
    safe = np.where(known, codes, 0)
    return (np.where(known, ids[safe], ""), np.where(known, names[safe], "（未归属 unattributed）"))


def _named_places(frame: pd.DataFrame, ids, names) -> pd.DataFrame:
    frame = frame.copy()
    for level in ("street", "district"):
        if level in frame.columns:
            codes = frame[level].to_numpy()
            frame[level], frame[f"{level}_name"] = _place_names(codes, ids, names)
    order = [c for c in ("rule", "id", "kind", "name", "count", "min", "street", "street_name",
                         "district", "district_name", "checked", "passing", "failing", "coverage")
             if c in frame.columns]
    return frame[order]


def _roll_up(checked: pd.DataFrame, keys: list[str], ids, names, rules) -> pd.DataFrame:
    grouped = (checked.groupby(keys, sort=False)["passing"]
               .agg(checked="size", passing="sum").reset_index())
    grouped["passing"] = grouped["passing"].astype(int)
    grouped["failing"] = grouped["checked"] - grouped["passing"]
    grouped["coverage"] = _coverage(grouped["passing"], grouped["checked"])
    rule_order = {r.id: i for i, r in enumerate(rules)}
    grouped["_order"] = grouped["rule"].map(rule_order)
    named = _named_places(grouped.drop(columns="_order"), ids, names)
    named["_order"] = grouped["_order"].to_numpy()
    sort = ["_order"] + [c for c in ("district", "street") if c in keys]
    return named.sort_values(sort, kind="stable").drop(columns="_order").reset_index(drop=True)


def _ranking(by_street: pd.DataFrame) -> pd.DataFrame:
    """Streets ranked by the mean of their per-rule coverage, then by fewest gaps."""
    placed = by_street[by_street["street"] != ""]
    if placed.empty:
        return pd.DataFrame(columns=["rank", "street", "street_name", "district_name", "checked",
                                     "failing", "coverage", "score", "rules_failing"])
    table = placed.groupby(["street", "street_name", "district_name"], sort=False).agg(
        checked=("checked", "sum"), failing=("failing", "sum"), score=("coverage", "mean"),
        rules_failing=("failing", lambda f: int((f > 0).sum()))).reset_index()
    table["coverage"] = _coverage(table["checked"] - table["failing"], table["checked"])
    table = table.sort_values(["score", "failing", "street"], ascending=[False, True, True],
                              kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table[["rank", "street", "street_name", "district_name", "checked", "failing",
                  "coverage", "score", "rules_failing"]]
