"""Compare two snapshots of the same city: what was added and removed, how coverage moved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jiceng.graphmodel import OrgGraph
from jiceng.queries.coverage import audit
from jiceng.queries.records import plain_records
from jiceng.queries.rules import Rule, as_rules
from jiceng.queries.sources import Source, as_graph

__all__ = ["DiffResult", "diff", "match_streets"]


@dataclass
class DiffResult:
    """Differences between an ``old`` and a ``new`` snapshot.

    Attributes
    ----------
    nodes_added, nodes_removed : DataFrame
        ``id, kind, name``.
    nodes_changed : DataFrame
        ``id, name, what, before, after`` for nodes present in both whose kind, name or an
        attribute changed: ``name`` as in ``new``; numbers stay numbers, text stays text.
    edges_added, edges_removed : DataFrame
        ``source, source_name, target, target_name, kind, count`` (edges are a multiset:
        parallel edges count; names as in the snapshot that holds the edge).
    coverage : DataFrame
        Per rule: ``rule, title_zh, before, after, delta`` (coverage fractions).
    by_street : DataFrame
        Per rule and street whose coverage moved: ``rule, street, street_name, before,
        after, delta``.
    status : DataFrame
        Nodes whose result under a rule changed: ``rule, id, name, street, street_name,
        before, after`` with ``pass``/``fail``/``absent``.
    streets : DataFrame
        Every street of either snapshot, by its rank in ``new``: ``street, street_name,
        district, district_name, score_before, score_after, score_delta, rank_before, rank_after,
        rank_change`` (the score of docs/design.md §4.4; ``rank_change`` the places moved up,
        ``rank_before - rank_after``; missing where the street is in one snapshot only).
    """

    nodes_added: pd.DataFrame
    nodes_removed: pd.DataFrame
    nodes_changed: pd.DataFrame
    edges_added: pd.DataFrame
    edges_removed: pd.DataFrame
    coverage: pd.DataFrame
    by_street: pd.DataFrame
    status: pd.DataFrame
    streets: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def unchanged(self) -> bool:
        return all(len(t) == 0 for t in (self.nodes_added, self.nodes_removed, self.nodes_changed,
                                         self.edges_added, self.edges_removed, self.status))

    def to_json(self, *, frames: bool = False) -> dict:
        """docs/design.md §6's diff object. With ``frames``, its lists of records stay tables
        (for a writer that serializes them column by column:
        ``jiceng.present.formats.json.to_json``)."""
        records = (lambda frame: frame) if frames else plain_records
        return {
            "unchanged": self.unchanged,
            "nodes_added": sorted(self.nodes_added["id"]),
            "nodes_removed": sorted(self.nodes_removed["id"]),
            "nodes_changed": records(self.nodes_changed),
            "edges_added": records(self.edges_added),
            "edges_removed": records(self.edges_removed),
            "coverage": records(self.coverage),
            "by_street": records(self.by_street),
            "status": records(self.status),
            "streets": records(self.streets),
        }


def _edge_multiset(graph: OrgGraph) -> pd.DataFrame:
    _, edges = graph.to_tables()
    return edges.groupby(["source", "target", "kind"], sort=True).size().rename("count").reset_index()


def _changed_nodes(old_nodes: pd.DataFrame, new_nodes: pd.DataFrame) -> pd.DataFrame:
    def suffixed(nodes: pd.DataFrame, suffix: str) -> pd.DataFrame:
        return nodes.rename(columns={c: f"{c}{suffix}" for c in nodes.columns if c != "id"})

    common = suffixed(old_nodes, "_old").merge(suffixed(new_nodes, "_new"), on="id")
    columns = sorted((set(old_nodes.columns) | set(new_nodes.columns)) - {"id"})
    missing = pd.Series(pd.NA, index=common.index)
    parts = []
    for column in columns:
        before = common.get(f"{column}_old", missing)
        after = common.get(f"{column}_new", missing)
        b, a = before.astype("str"), after.astype("str")  # 120 and "120" are no change
        moved = np.flatnonzero(~((b == a).fillna(False) | (b.isna() & a.isna())))
        if len(moved):
            parts.append(pd.DataFrame({
                "id": _values(common["id"], moved), "name": _values(common["name_new"], moved),
                "what": column, "before": _values(before, moved),
                "after": _values(after, moved)}))
    if not parts:
        return pd.DataFrame(columns=["id", "name", "what", "before", "after"])
    return pd.concat(parts, ignore_index=True).sort_values(
        ["id", "what"], kind="stable").reset_index(drop=True)


def _values(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """The values of ``rows`` as Python objects (None where missing)."""
    return column.iloc[rows].to_numpy(dtype=object, na_value=None)


def _named(edges: pd.DataFrame, graph: OrgGraph) -> pd.DataFrame:
    """``edges`` with the names of their endpoints in ``graph`` beside the ids."""
    names = graph.nodes["name"].array
    out = edges.reset_index(drop=True)
    for column in ("target", "source"):
        out.insert(list(out.columns).index(column) + 1, f"{column}_name",
                   names.take(graph.codes(out[column])))
    return out


def match_streets(tables: Sequence[pd.DataFrame], *, key: str = "street",
                  columns: Sequence[str] = ("street_name",)) -> pd.DataFrame:
    """The streets of several snapshots (in date order) matched by id: one row per ``key``,
    each of ``columns`` (its name, its district) as in the latest table that has the street.
    A street renamed between snapshots is one street under its latest name (docs/design.md §4.6);
    ``diff`` and ``trend`` both match streets so. Streets in the order they first appear.

    >>> old = pd.DataFrame({"street": ["S1", "S2"], "street_name": ["甲街道", "乙街道"]})
    >>> new = pd.DataFrame({"street": ["S1", "S3"], "street_name": ["甲新街道", "丙街道"]})
    >>> match_streets([old, new]).values.tolist()
    [['S1', '甲新街道'], ['S2', '乙街道'], ['S3', '丙街道']]
    """
    keep = [key, *columns]
    stacked = pd.concat([t[keep].assign(_at=i) for i, t in enumerate(tables)], ignore_index=True)
    first = stacked.drop_duplicates(key)[key]
    latest = stacked.drop_duplicates(key, keep="last").set_index(key)
    return latest.loc[first.to_numpy(), list(columns)].reset_index()


def diff(old: Source, new: Source, *, rules: Sequence[Rule] | None = None) -> DiffResult:
    """What changed from ``old`` to ``new``: nodes, edges, and coverage per rule and street.

    Either side may be an OrgGraph or a Neo4jSource; a server's graph is read once and
    compared in process.

    Examples
    --------
    >>> from jiceng.loaders import read_sample
    >>> diff(read_sample(), read_sample()).unchanged
    True
    """
    old, new = as_graph(old, name="old"), as_graph(new, name="new")
    rules = as_rules(rules)
    old_nodes, _ = old.to_tables()
    new_nodes, _ = new.to_tables()
    old_ids = pd.Index(old_nodes["id"].to_numpy(dtype=object), dtype=object)
    new_ids = pd.Index(new_nodes["id"].to_numpy(dtype=object), dtype=object)
    nodes_added = new_nodes.loc[~new_ids.isin(old_ids), ["id", "kind", "name"]]
    nodes_removed = old_nodes.loc[~old_ids.isin(new_ids), ["id", "kind", "name"]]
    changed = _changed_nodes(old_nodes, new_nodes)

    edges = _edge_multiset(old).merge(_edge_multiset(new), on=["source", "target", "kind"],
                                      how="outer", suffixes=("_old", "_new")).fillna(
        {"count_old": 0, "count_new": 0})
    delta = (edges["count_new"] - edges["count_old"]).astype(int)
    keys = ["source", "target", "kind"]
    edges_added = edges.loc[delta > 0, keys].assign(count=delta[delta > 0].to_numpy())
    edges_removed = edges.loc[delta < 0, keys].assign(count=-delta[delta < 0].to_numpy())

    before, after = audit(old, rules), audit(new, rules)
    coverage = before.summary[["rule", "title_zh", "coverage"]].merge(
        after.summary[["rule", "coverage"]], on="rule", how="outer", suffixes=("_before", "_after"))
    coverage = coverage.rename(columns={"coverage_before": "before", "coverage_after": "after"})
    coverage["delta"] = coverage["after"] - coverage["before"]
    first: dict[str, int] = {}
    for i, r in enumerate(list(before.summary["rule"]) + list(after.summary["rule"])):
        first.setdefault(r, i)
    coverage = coverage.iloc[np.argsort(coverage["rule"].map(first).to_numpy(), kind="stable")
                             ].reset_index(drop=True)

    street_keys = ["rule", "street"]  # a street renamed between the snapshots is one street
    streets = before.by_street[street_keys + ["street_name", "coverage"]].merge(
        after.by_street[street_keys + ["street_name", "coverage"]], on=street_keys, how="outer",
        suffixes=("_before", "_after"))
    names = match_streets([before.by_street, after.by_street]).set_index("street")["street_name"]
    streets = pd.DataFrame({
        "rule": streets["rule"], "street": streets["street"],
        "street_name": streets["street"].map(names),
        "before": streets["coverage_before"], "after": streets["coverage_after"],
        "delta": streets["coverage_after"] - streets["coverage_before"]})
    moved = ~np.isclose(streets["before"].fillna(-1), streets["after"].fillna(-1))
    streets = streets[moved].reset_index(drop=True)

    status = _status_changes(before, after, old_ids, new_ids)
    return DiffResult(nodes_added.reset_index(drop=True), nodes_removed.reset_index(drop=True),
                      changed, _named(edges_added, new), _named(edges_removed, old), coverage,
                      streets, status, _street_scores(before.ranking, after.ranking))


def _street_scores(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Each street's score and rank before and after, the streets matched as
    :func:`match_streets` matches them; by the rank after, then the rank before."""
    before, after = before.drop_duplicates("street"), after.drop_duplicates("street")
    streets = match_streets([before, after], columns=("street_name", "district", "district_name"))
    both = streets.merge(before[["street", "score", "rank"]], on="street", how="left").merge(
        after[["street", "score", "rank"]], on="street", how="left", suffixes=("_before", "_after"))
    rank_before = both["rank_before"].astype("Int64")
    rank_after = both["rank_after"].astype("Int64")
    out = pd.DataFrame({
        "street": both["street"], "street_name": both["street_name"],
        "district": both["district"], "district_name": both["district_name"],
        "score_before": both["score_before"].astype(float),
        "score_after": both["score_after"].astype(float),
        "score_delta": both["score_after"].astype(float) - both["score_before"].astype(float),
        "rank_before": rank_before, "rank_after": rank_after,
        "rank_change": rank_before - rank_after})
    return out.sort_values(["rank_after", "rank_before", "street"], na_position="last",
                           kind="stable").reset_index(drop=True)


def _status_changes(before, after, old_ids: pd.Index, new_ids: pd.Index) -> pd.DataFrame:
    """Nodes that newly fail or newly pass a rule (gaps that appeared or closed).

    A gap that closed because its node was removed says ``absent`` rather than ``pass``.
    """
    keys = ["rule", "id"]
    shown = ["name", "street", "street_name"]
    b, a = before.gaps[keys + shown], after.gaps[keys + shown]
    both = b.merge(a, on=keys, how="outer", indicator=True, suffixes=("_b", "_a"))
    both = both[both["_merge"] != "both"]
    closed = (both["_merge"] == "left_only").to_numpy()
    ids = pd.Index(both["id"].to_numpy(dtype=object), dtype=object)
    was, is_ = ids.isin(old_ids), ids.isin(new_ids)
    return pd.DataFrame({
        "rule": both["rule"], "id": both["id"],
        **{column: both[f"{column}_a"].fillna(both[f"{column}_b"]) for column in shown},
        "before": np.where(closed, "fail", np.where(was, "pass", "absent")),
        "after": np.where(closed, np.where(is_, "pass", "absent"), "fail"),
    }).sort_values(keys, kind="stable").reset_index(drop=True)
