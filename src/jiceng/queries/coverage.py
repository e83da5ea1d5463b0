"""Coverage audit: evaluate coverage rules over the edge table, roll up by district and street.

Every rule is a vectorized count (``numpy.bincount`` over the edges of one kind),
never a Python loop per node.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from jiceng.graphmodel import OrgGraph
from jiceng.queries._args import check_callable
from jiceng.queries._places import place_names
from jiceng.queries.rules import EdgeCount, Rule, as_rules
from jiceng.queries.sources import Source, answer_for, register_source

__all__ = ["AuditResult", "audit", "assemble_audit", "rule_counts", "ranking_json"]


@dataclass
class AuditResult:
    """What an audit found.

    Attributes
    ----------
    summary : DataFrame
        One row per rule: ``rule, title_zh, title_en, each, min, checked, passing,
        failing, coverage`` (coverage is passing/checked, NaN when nothing was checked).
    gaps : DataFrame
        One row per failing node per rule: ``rule, id, kind, name, count, min, community,
        community_name, street, street_name, district, district_name``, sorted by rule order
        then id. ``community`` is the community a grid, building or company lies in (a
        community itself is its own; ``""`` for a node above the communities).
    by_street, by_district : DataFrame
        Per rule and place: ``rule, street, street_name, district, district_name,
        checked, passing, failing, coverage`` (``by_district`` without the street columns).
    ranking : DataFrame
        Streets ranked by their score (得分, 排行榜): ``rank, street, street_name, district,
        district_name, score, rules, rules_failing, worst_rule, worst_coverage, checked,
        failing``. ``score`` is the mean, over the rules that check at least one node in the
        street, of that rule's coverage there (every rule weighs the same; summed exactly, so
        that equal coverages give equal scores); ties by street id.
    district_ranking : DataFrame
        The same for districts (``rank, district, district_name, score, ...``).
    """

    rules: list[Rule]
    summary: pd.DataFrame
    gaps: pd.DataFrame
    by_street: pd.DataFrame
    by_district: pd.DataFrame
    ranking: pd.DataFrame
    district_ranking: pd.DataFrame = field(default_factory=pd.DataFrame)

    def gap_ids(self, rule_id: str) -> list[str]:
        """Sorted ids of the nodes failing one rule."""
        return sorted(self.gaps.loc[self.gaps["rule"] == rule_id, "id"].tolist())

    def to_json(self, by: str | None = None) -> dict:
        """The machine-readable form of docs/design.md §6.

        ``by="street"`` adds ``streets`` and ``by="district"`` adds ``districts``: the ranking,
        ``{"id", "name", "district", "rank", "score", "coverage"}`` ordered by rank.
        """
        out = []
        for row in self.summary.itertuples(index=False):
            coverage = None if pd.isna(row.coverage) else float(row.coverage)
            out.append({
                "id": row.rule, "title": f"{row.title_zh} ({row.title_en})", "each": row.each,
                "checked": int(row.checked), "passing": int(row.passing),
                "failing": int(row.failing), "coverage": coverage, "gaps": self.gap_ids(row.rule),
            })
        data: dict = {"rules": out}
        if by == "street":
            data["streets"] = ranking_json(self.ranking, self.by_street, "street")
        elif by == "district":
            data["districts"] = ranking_json(self.district_ranking, self.by_district, "district")
        return data


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

    >>> from jiceng.loaders import read_sample
    >>> from jiceng.queries.rules import default_rules
    >>> codes, counts = rule_counts(read_sample(), default_rules()[0])
    >>> len(codes) == read_sample().count("grid")
    True
    """
    codes = np.flatnonzero(_checked(graph, rule))
    return codes, _edge_count(graph, rule.count)[codes]


def _coverage(passing, checked):
    checked = np.asarray(checked, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(checked > 0, np.asarray(passing, dtype=float) / checked, np.nan)


def audit(source: Source, rules: Sequence[Rule] | str | os.PathLike | None = None, *,
          on_rule: Callable[[Rule], None] | None = None) -> AuditResult:
    """Check every rule on every node it applies to, and roll the results up.

    Parameters
    ----------
    source : OrgGraph or another source (:mod:`jiceng.queries.sources`)
        On a Cypher server (``jiceng.server.Neo4jSource``) each rule is counted there by one
        statement, and the counts are rolled up here exactly as in process.
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
    >>> from jiceng.loaders import read_sample
    >>> result = audit(read_sample())
    >>> int(result.summary.set_index("rule").loc["grid-branch", "checked"]) == read_sample().count("grid")
    True
    """
    check_callable(on_rule, name="on_rule")
    answer = answer_for("audit", source)
    return answer(source, as_rules(rules), on_rule)


def _audit_in_process(graph: OrgGraph, rules: list[Rule],
                      on_rule: Callable[[Rule], None] | None) -> AuditResult:
    per_rule = []
    for rule in rules:
        if on_rule is not None:
            on_rule(rule)
        per_rule.append(rule_counts(graph, rule))
    return assemble_audit(graph, rules, per_rule)


register_source(OrgGraph, audit=_audit_in_process)


def assemble_audit(graph: OrgGraph, rules: Sequence[Rule],
                   per_rule: Sequence[tuple[np.ndarray, np.ndarray]]) -> AuditResult:
    """Build an :class:`AuditResult` from each rule's checked node codes and edge counts.

    Shared by the in-process engine and the Neo4j backend, which computes the counts
    in Cypher: ``graph`` need only hold the nodes and the edges that place them
    (``within``, ``leads``, ...), for names and the roll-ups. The roll-ups and rankings are
    computed over numpy arrays of place codes; each table becomes a DataFrame once, at the end.
    """
    places = graph.places
    street_of = places["street"].to_numpy()
    district_of = places["district"].to_numpy()
    roll_up = _RollUp(street_of, district_of,
                      np.flatnonzero(graph.is_kind("street_committee")),
                      np.flatnonzero(graph.is_kind("district_committee")))

    summary_rows, failing, failing_counts = [], [], []
    for at, (rule, (codes, counts)) in enumerate(zip(rules, per_rule)):
        codes, counts = np.asarray(codes, dtype=np.int64), np.asarray(counts, dtype=np.int64)
        passing = counts >= rule.min
        summary_rows.append((rule.id, rule.title_zh, rule.title_en, ",".join(rule.each), rule.min,
                             len(codes), int(passing.sum()), int((~passing).sum())))
        roll_up.add(at, codes, passing)
        failing.append(codes[~passing])
        failing_counts.append(counts[~passing])

    summary = pd.DataFrame(summary_rows, columns=["rule", "title_zh", "title_en", "each", "min",
                                                  "checked", "passing", "failing"])
    summary["coverage"] = _coverage(summary["passing"], summary["checked"])
    gaps = _gaps(graph, rules, failing, failing_counts, street_of, district_of,
                 places["community"].to_numpy())
    by_street = _roll_up_table(graph, rules, roll_up.by_street())
    by_district = _roll_up_table(graph, rules, roll_up.by_district())
    return AuditResult(list(rules), summary, gaps, _frame(by_street), _frame(by_district),
                       _ranking(by_street, "street"), _ranking(by_district, "district"))


def _gaps(graph: OrgGraph, rules: Sequence[Rule], failing: list[np.ndarray],
          counts: list[np.ndarray], street_of: np.ndarray, district_of: np.ndarray,
          community_of: np.ndarray) -> pd.DataFrame:
    """One row per failing node per rule, by rule order then id, with its places named."""
    rule_at = np.repeat(np.arange(len(rules)), [len(f) for f in failing])
    codes = np.concatenate(failing) if failing else np.zeros(0, dtype=np.int64)
    count = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
    ids = graph.node_values("id", codes)
    order = np.lexsort((ids.astype(str), rule_at))  # stable: by rule, then id
    codes, ids, count, rule_at = codes[order], ids[order], count[order], rule_at[order]
    kinds = np.asarray(graph.nodes["kind"].cat.categories, dtype=object)
    table = {"rule": np.array([r.id for r in rules], dtype=object)[rule_at], "id": ids,
             "kind": kinds[graph.kind_codes[codes]], "name": graph.node_values("name", codes),
             "count": count, "min": np.array([r.min for r in rules], dtype=np.int64)[rule_at]}
    community = community_of[codes]
    table["community"], names = place_names(graph, community)
    table["community_name"] = np.where(community >= 0, names, "")  # above the communities
    for level, place in (("street", street_of[codes]), ("district", district_of[codes])):
        table[level], table[f"{level}_name"] = place_names(graph, place)
    return pd.DataFrame(table)


class _RollUp:
    """Checked and passing counts per rule and (street, district), by counting over place slots.

    Places are renumbered 0..S-1 (streets) and 0..D-1 (districts), with one more slot for
    "none", so each rule is a ``bincount`` over its checked nodes, O(checked + S + D). A node
    whose district is not its street's district (possible only in odd graphs) is grouped
    by both codes, with ``numpy.unique`` over those few.
    """

    def __init__(self, street_of: np.ndarray, district_of: np.ndarray, streets: np.ndarray,
                 districts: np.ndarray):
        self.street_of, self.district_of = street_of, district_of
        n = len(street_of)
        self.streets, self.districts = streets, districts  # every code a place can have
        # slot lookups indexed by code, with code -1 reading the last entry ("none")
        self.street_slot = np.full(n + 1, len(self.streets), dtype=np.int64)
        self.street_slot[self.streets] = np.arange(len(self.streets))
        self.district_slot = np.full(n + 1, len(self.districts), dtype=np.int64)
        self.district_slot[self.districts] = np.arange(len(self.districts))
        self.street_district = np.append(district_of[self.streets], -1)  # by street slot
        self.street_district_slot = self.district_slot[self.street_district]
        self.parts: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self.district_parts: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, rule_at: int, codes: np.ndarray, passing: np.ndarray) -> None:
        street = self.street_of[codes]
        district = self.district_of[codes]
        slot = self.street_slot[street]
        regular = (street >= 0) & (self.street_district[slot] == district)
        size = len(self.streets)
        checked = np.bincount(slot[regular], minlength=size)
        passed = np.bincount(slot[regular], weights=passing[regular], minlength=size)
        seen = np.flatnonzero(checked)
        streets, districts = self.streets[seen], self.street_district[seen]
        checked, passed = checked[seen], passed[seen].astype(np.int64)
        # districts: the regular nodes through their street's counts, the others one by one
        d_size = len(self.districts) + 1
        d_of_seen = self.street_district_slot[seen]
        d_checked = np.bincount(d_of_seen, weights=checked, minlength=d_size).astype(np.int64)
        d_passed = np.bincount(d_of_seen, weights=passed, minlength=d_size).astype(np.int64)
        odd = ~regular
        if odd.any():
            pairs, inverse = np.unique(np.stack([street[odd], district[odd]]), axis=1,
                                       return_inverse=True)
            inverse = inverse.reshape(-1)
            streets = np.concatenate([streets, pairs[0]])
            districts = np.concatenate([districts, pairs[1]])
            checked = np.concatenate([checked, np.bincount(inverse, minlength=pairs.shape[1])])
            passed = np.concatenate([passed, np.bincount(
                inverse, weights=passing[odd], minlength=pairs.shape[1]).astype(np.int64)])
            d_slot = self.district_slot[district[odd]]
            d_checked += np.bincount(d_slot, minlength=d_size)
            d_passed += np.bincount(d_slot, weights=passing[odd], minlength=d_size).astype(np.int64)
        self.parts.append((rule_at, streets, districts, checked, passed))

        seen = np.flatnonzero(d_checked)
        d_codes = np.append(self.districts, -1)[seen]
        self.district_parts.append((rule_at, d_codes, d_checked[seen], d_passed[seen]))

    def by_street(self) -> dict[str, np.ndarray]:
        return _counts({"street": [p[1] for p in self.parts], "district": [p[2] for p in self.parts]},
                       [p[0] for p in self.parts], [p[3] for p in self.parts],
                       [p[4] for p in self.parts])

    def by_district(self) -> dict[str, np.ndarray]:
        parts = self.district_parts
        return _counts({"district": [p[1] for p in parts]}, [p[0] for p in parts],
                       [p[2] for p in parts], [p[3] for p in parts])


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)


def _counts(keys: dict[str, list[np.ndarray]], rule_at: list[int], checked: list[np.ndarray],
            passing: list[np.ndarray]) -> dict[str, np.ndarray]:
    """The roll-up's parts joined: rule positions, place codes, checked and passing counts."""
    out = {"rule_at": np.repeat(np.array(rule_at, dtype=np.int64), [len(c) for c in checked])}
    out.update({key: _joined(parts) for key, parts in keys.items()})
    out["checked"], out["passing"] = _joined(checked), _joined(passing)
    return out


def _text_order(texts: list[str]) -> np.ndarray:
    """Each text's position when the texts are sorted as Python compares them (stably): a sort
    key that orders rows by id as the ids' characters do."""
    position = np.empty(len(texts), dtype=np.int64)
    position[sorted(range(len(texts)), key=texts.__getitem__)] = np.arange(len(texts))
    return position


def _id_order(graph: OrgGraph, place: np.ndarray) -> np.ndarray:
    """For each place code, a sort key by the place's id ("" for none, first)."""
    distinct, inverse = np.unique(place, return_inverse=True)
    return _text_order(place_names(graph, distinct)[0].tolist())[inverse.reshape(-1)]


def _roll_up_table(graph: OrgGraph, rules: Sequence[Rule], counts: dict[str, np.ndarray]
                   ) -> dict[str, np.ndarray]:
    """Failing, coverage and place names added to the roll-up, ordered by rule, then district
    and street ids. Place codes stay beside the names (``street_code``...) for the ranking."""
    levels = [level for level in ("street", "district") if level in counts]
    order = np.lexsort((*[_id_order(graph, counts[level]) for level in levels],
                        counts["rule_at"]))  # stable: rule, district id, street id
    counts = {key: values[order] for key, values in counts.items()}
    table = {"rule": np.array([r.id for r in rules], dtype=object)[counts["rule_at"]]}
    for level in levels:
        table[level], table[f"{level}_name"] = place_names(graph, counts[level])
    table["checked"], table["passing"] = counts["checked"], counts["passing"]
    table["failing"] = counts["checked"] - counts["passing"]
    table["coverage"] = _coverage(counts["passing"], counts["checked"])
    table.update({f"{level}_code": counts[level] for level in levels})
    return table


def _frame(table: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({k: v for k, v in table.items() if not k.endswith("_code")})


RANKING_COLUMNS = ["rank", "score", "rules", "rules_failing", "worst_rule", "worst_coverage",
                   "checked", "failing"]


def _exact_means(label: np.ndarray, passing: np.ndarray, checked: np.ndarray, groups: int
                 ) -> np.ndarray:
    """The mean of ``passing / checked`` per group, as the float nearest its exact value: equal
    means are equal floats, so places with equal coverage tie and their ids decide
    (docs/design.md §4).

    Coverages are summed as floats (``math.fsum``); a group whose sum may be off by a rounding
    (a coverage that is not a binary fraction, such as 1/3) and that lands within rounding of
    another group's mean is summed again in fractions.
    """
    order = np.argsort(label, kind="stable")
    bounds = np.searchsorted(label[order], np.arange(groups + 1))
    sizes = np.diff(bounds)
    values = (passing / checked)[order].tolist()
    means = np.array([math.fsum(values[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]) / sizes
    denominator = checked // np.gcd(passing, checked)
    rounded = np.bincount(label, weights=(denominator & (denominator - 1)) != 0,
                          minlength=groups) > 0
    by_mean = np.argsort(means, kind="stable")
    close = np.diff(means[by_mean]) <= 1e-12
    near = np.zeros(groups, dtype=bool)
    near[by_mean[:-1][close]] = near[by_mean[1:][close]] = True
    for g in np.flatnonzero(near & rounded):
        rows = order[bounds[g]:bounds[g + 1]]
        exact = sum(map(Fraction, passing[rows].tolist(), checked[rows].tolist()), Fraction(0))
        means[g] = float(exact / int(sizes[g]))
    return means


def _ranking(table: dict[str, np.ndarray], level: str) -> pd.DataFrame:
    """Places ranked by their score (得分): the mean of their per-rule coverage
    (docs/design.md §4).

    Every rule that checks at least one node in the place weighs the same, whatever its number
    of checks; ties are broken by the place's id. Columns: ``rank, street, street_name,
    district, district_name, score, rules, rules_failing, worst_rule, worst_coverage, checked,
    failing`` (``rank, district, district_name, ...`` for districts), ``rules`` being how many
    rules checked something there and ``worst_rule`` the one with the lowest coverage (ties:
    rule order).
    """
    keys = ["street", "street_name", "district", "district_name"] if level == "street" else \
        ["district", "district_name"]
    place = table[f"{level}_code"]
    placed = np.flatnonzero((place >= 0) & (table["checked"] > 0))
    if not len(placed):
        return pd.DataFrame(columns=["rank"] + keys + RANKING_COLUMNS[1:])
    # a group is a street with its district (a street in two districts ranks twice)
    key = place[placed]
    if level == "street":
        span = int(table["district_code"].max()) + 2  # district codes from -1
        key = key * span + table["district_code"][placed] + 1
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    appearance = np.argsort(first, kind="stable")  # groups in order of first appearance
    label = np.empty(len(first), dtype=np.int64)
    label[appearance] = np.arange(len(first))
    label = label[inverse.reshape(-1)]
    groups = len(first)
    coverage, failing = table["coverage"][placed], table["failing"][placed]
    # the weakest rule of each place: lowest coverage, ties by row (rule) order
    weakest = placed[np.lexsort((np.arange(len(placed)), coverage))]
    codes, first_weak = np.unique(place[weakest], return_index=True)
    representative = placed[first[appearance]]
    worst = weakest[first_weak][np.searchsorted(codes, place[representative])]
    ranked = {key: table[key][representative] for key in keys}
    ranked.update({
        "score": _exact_means(label, table["passing"][placed], table["checked"][placed], groups),
        "rules": np.bincount(label, minlength=groups).astype(np.int64),
        "rules_failing": np.bincount(label, weights=failing > 0, minlength=groups).astype(np.int64),
        "worst_rule": table["rule"][worst],
        "worst_coverage": table["coverage"][worst].astype(float),
        "checked": np.bincount(label, weights=table["checked"][placed],
                               minlength=groups).astype(np.int64),
        "failing": np.bincount(label, weights=failing, minlength=groups).astype(np.int64)})
    order = np.lexsort((_text_order(ranked[level].tolist()), -ranked["score"]))  # stable
    out = {"rank": np.arange(1, groups + 1, dtype=np.int64)}
    out.update({key: values[order] for key, values in ranked.items()})
    return pd.DataFrame(out)


def ranking_json(ranking: pd.DataFrame, rolled: pd.DataFrame, level: str) -> list[dict]:
    """The ``streets``/``districts`` list of docs/design.md §6, ordered by rank."""
    placed = rolled[(rolled[level] != "") & (rolled["checked"] > 0)]
    coverage: dict[str, dict[str, float]] = {}
    for place, rule, value in zip(placed[level], placed["rule"], placed["coverage"]):
        coverage.setdefault(place, {})[rule] = float(value)
    out = []
    for row in ranking.itertuples(index=False):
        place = getattr(row, level)
        out.append({"id": place, "name": getattr(row, f"{level}_name"),
                    "district": row.district if level == "street" else None,
                    "rank": int(row.rank), "score": float(row.score),
                    "coverage": coverage.get(place, {})})
    if level == "district":
        for item in out:
            del item["district"]
    return out
