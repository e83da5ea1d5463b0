"""The city assembled from its street offices' files (docs/design.md §8).

Each submission (a workbook or a folder) is read and validated whole first; if any is invalid,
nothing is merged and every problem of every file is raised at once. Each submission then
replaces its street's part of the base: the nodes placed in the street (``OrgGraph.places``,
the notion of :mod:`jiceng.queries.scope`) and the edges touching them. Its street is the
street committee under which most of its nodes are placed.

Which rows are one organisation is :mod:`jiceng.queries._merge_match`'s answer (the city's id,
else ``uscc``, else kind and normalised name; close names listed for review). A node's values
are those of its *owner*: the file of the street it is placed in (the base where that street
sent nothing); any other value another file gives is a conflict, listed with the value kept.
Edges are a multiset: identical in every column, an edge in several files is one fact, kept as
many times as the file holding it most. Every node and edge records ``submitted_by``.

>>> from jiceng.loaders.synthetic import generate
>>> city, _ = generate(seed=3, scale=0.02)
>>> result = merge(city, [])
>>> (result.graph.n_nodes, result.graph.n_edges) == (city.n_nodes, city.n_edges)
True
>>> len(result.unsent) == city.count("street_committee")
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from jiceng.graphmodel import InvalidInputError, OrgGraph, Problem, ProblemCode
from jiceng.loaders.disk import read_dataset
from jiceng.queries._merge_match import (
    FileRows,
    match_rows,
    member,
    near_twins,
    settle,
)
from jiceng.queries._merge_parts import (
    MergeInput,
    assemble_edges,
    assemble_nodes,
    node_changes,
    texts,
)
from jiceng.queries.records import plain_records

__all__ = ["merge", "MergeResult", "PROVENANCE"]

#: The attribute naming the file each node and edge of a merged dataset came from.
PROVENANCE = "submitted_by"


@dataclass
class MergeResult:
    """What a merge made and what it says about it (docs/design.md §6, §8).

    Attributes
    ----------
    graph : OrgGraph
        The merged city, every node and edge with ``submitted_by``.
    submissions : DataFrame
        One row per submission: ``file, street, street_name, added, changed, removed`` (nodes and
        edges together) and the same split: ``nodes_added, nodes_changed, nodes_removed,
        edges_added, edges_removed``.
    matched : DataFrame
        ``id, kind, name, by, copies``: each node that rows of several files (or a file's row
        and the city's) became by ``uscc``, ``name`` or ``decision``; ``copies`` lists
        ``file:local id`` of every such row.
    review : DataFrame
        ``a, b, kind, a_name, b_name, why`` (``contains`` or ``edit``): close names left as two
        nodes for a person to settle.
    conflicts : DataFrame
        ``id, name, attribute, values, kept, file, why``: an attribute two files give
        differently, its values (in file order), the one kept, the file it was kept from and why.
    changes : DataFrame
        Every line counted: ``file, street, street_name, table, change, id, kind, name, source,
        target, attribute, before, after`` (``change``: added, changed, removed).
    unsent : DataFrame
        The streets that sent nothing, their part of the base kept: ``street, name, nodes``.
    decided : DataFrame
        The review pairs a decisions file settled: ``a, b, decision``.
    """

    graph: OrgGraph
    submissions: pd.DataFrame
    matched: pd.DataFrame
    review: pd.DataFrame
    conflicts: pd.DataFrame
    changes: pd.DataFrame
    unsent: pd.DataFrame
    decided: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["a", "b", "decision"]))

    def to_json(self) -> dict:
        """docs/design.md §6: ``submissions``, ``matched``, ``review`` and ``conflicts`` in
        their shapes, with ``changes``, ``unsent`` and ``decided`` beside them."""
        return {"submissions": plain_records(self.submissions),
                "matched": plain_records(self.matched),
                "review": plain_records(self.review),
                "conflicts": plain_records(self.conflicts),
                "changes": plain_records(self.changes),
                "unsent": plain_records(self.unsent),
                "decided": plain_records(self.decided)}


def _read(dataset: str | os.PathLike | OrgGraph) -> tuple[str, OrgGraph | list[Problem]]:
    """A dataset and its name, or the problems that make it invalid (picklable either way)."""
    if isinstance(dataset, OrgGraph):
        return dataset.name, dataset
    try:
        return str(dataset), read_dataset(dataset)
    except InvalidInputError as error:
        return str(dataset), error.problems


def read_all(base: str | os.PathLike | OrgGraph,
             submissions: Sequence[str | os.PathLike | OrgGraph], processes: int = 1
             ) -> tuple[tuple[str, OrgGraph], list[tuple[str, OrgGraph]]]:
    """The base and every submission, read and validated (in ``processes`` processes when
    more than one); every problem of every file at once (:class:`InvalidInputError`)."""
    datasets = [base, *submissions]
    if processes > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn: no copy of a parent's threads; the caller's main module must be guarded
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) \
                as pool:
            read = list(pool.map(_read, datasets))
    else:
        read = [_read(dataset) for dataset in datasets]
    problems = [p for _, got in read if isinstance(got, list) for p in got]
    if problems:
        raise InvalidInputError(problems)
    graphs = [(label, got) for label, got in read if isinstance(got, OrgGraph)]
    return graphs[0], graphs[1:]


def merge(base: str | os.PathLike | OrgGraph,
          submissions: Sequence[str | os.PathLike | OrgGraph], *,
          decisions: str | os.PathLike | pd.DataFrame | None = None,
          processes: int = 1) -> MergeResult:
    """Assemble the city: ``base`` with each submission replacing its street's part.

    Parameters
    ----------
    base, submissions : path or OrgGraph
        Datasets (folders or workbooks, read with :func:`jiceng.loaders.read_dataset`), or
        graphs (named by their ``name``). Files are named as given.
    decisions : path or DataFrame, optional
        Settled review pairs (columns 甲, 乙, 结论 = 同一 | 不同; see
        :func:`jiceng.loaders.decisions.read_decisions`), or a frame ``a, b, decision``.
    processes : int
        Read the files in this many processes (the command line uses every core for four
        files or more). A script asking for more than one must start its work under
        ``if __name__ == "__main__":``, as Python's process pools require.

    Raises
    ------
    InvalidInputError
        Every problem of every file, when any is invalid; a submission without a street
        committee, or two for one street.

    Notes
    -----
    O(n + m) over all files, with hash joins; the review compares each new organisation with
    those of its kind.
    """
    (base_label, city), read = read_all(base, submissions, processes)
    if decisions is not None and not isinstance(decisions, pd.DataFrame):
        from jiceng.loaders.decisions import read_decisions

        decisions = read_decisions(decisions)
    data = MergeInput.of(base_label, city, read)
    files = [FileRows(rows, street) for rows, street in zip(data.rows, data.streets)]
    matched = match_rows(data.base_rows, files)
    _check_streets(data, matched)
    merged_ids, review, decided = _review(data, matched, decisions)
    for rows in matched:
        hit = member(rows["final"], merged_ids)
        rows.loc[hit, "by"] = "decision"
        rows.loc[hit, "final"] = rows.loc[hit, "final"].map(merged_ids)
    data.matched = matched
    nodes, conflicts, owners = assemble_nodes(data)
    edges, edge_changes = assemble_edges(data, nodes)
    graph = _validated(nodes, edges)
    changes = pd.concat([node_changes(data, nodes, owners), edge_changes], ignore_index=True)
    names = dict(zip(nodes["id"], nodes["name"]))
    review = review.assign(a_name=review["a"].map(names), b_name=review["b"].map(names))[
        ["a", "b", "kind", "a_name", "b_name", "why"]]
    return MergeResult(graph=graph, submissions=_counts(data, changes),
                       matched=_matched(data, nodes), review=review, conflicts=conflicts,
                       changes=changes, unsent=_unsent(data), decided=decided)


def _check_streets(data: MergeInput, matched: list[pd.DataFrame]) -> None:
    """Each submission's street as the city knows it; two files for one street are refused."""
    seen: dict[str, str] = {}
    problems = []
    for at, rows in enumerate(matched):
        street = str(rows["final"].iat[data.committees[at]])
        data.streets[at] = street
        if street in seen:
            problems.append(Problem(
                data.labels[at + 1], None, None,
                f"与 {seen[street]} 是同一个街道的报送，每个街道只能有一份",
                f"sends the same street as {seen[street]}: one file per street",
                code=ProblemCode.DUPLICATE_ID))
        seen.setdefault(street, data.labels[at + 1])
    if problems:
        raise InvalidInputError(problems)


def _review(data: MergeInput, matched: list[pd.DataFrame], decisions: pd.DataFrame | None
            ) -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame]:
    """The close names among the result's organisations, settled by ``decisions``."""
    base = data.base_rows
    claimed = {node for rows in matched for node in rows["final"].to_numpy(dtype=object)}
    submitted = set(data.streets)
    kept = base[~member(base["street"], submitted) | member(base["id"], claimed)]
    new = pd.concat([rows[rows["by"] == "new"][["final", "kind", "norm"]] for rows in matched]
                    or [pd.DataFrame(columns=["final", "kind", "norm"])], ignore_index=True)
    new = new.drop_duplicates("final").rename(columns={"final": "id"})
    nodes = pd.concat([kept[["id", "kind", "norm"]], new], ignore_index=True)
    review = near_twins(nodes, new["id"])
    if decisions is None or not len(review):
        return {}, review, pd.DataFrame(columns=["a", "b", "decision"])
    names = dict(zip(nodes["id"], nodes["norm"]))
    return settle(review, decisions, names)


def _validated(nodes: pd.DataFrame, edges: pd.DataFrame) -> OrgGraph:
    """The merged tables as a graph, validated as every dataset is."""
    node_table = pd.DataFrame({c: pd.array(texts(nodes[c]), dtype="str") for c in nodes.columns})
    edge_table = pd.DataFrame({c: pd.array(texts(edges[c]), dtype="str") for c in edges.columns})
    return OrgGraph.from_tables(node_table, edge_table, name="merged",
                                nodes_file="合并结果 merged nodes",
                                edges_file="合并结果 merged edges").build_indexes()


def _counts(data: MergeInput, changes: pd.DataFrame) -> pd.DataFrame:
    """Per submission: added, changed and removed nodes and edges."""
    rows = []
    for at, street in enumerate(data.streets):
        mine = changes[changes["file"] == data.labels[at + 1]]
        count = {(t, c): int(((mine["table"] == t) & (mine["change"] == c)).sum())
                 for t in ("node", "edge") for c in ("added", "changed", "removed")}
        rows.append({
            "file": data.labels[at + 1], "street": street,
            "street_name": data.street_names.get(street, data.committee_names[at]),
            "added": count["node", "added"] + count["edge", "added"],
            "changed": count["node", "changed"] + count["edge", "changed"],
            "removed": count["node", "removed"] + count["edge", "removed"],
            "nodes_added": count["node", "added"], "nodes_changed": count["node", "changed"],
            "nodes_removed": count["node", "removed"], "edges_added": count["edge", "added"],
            "edges_removed": count["edge", "removed"]})
    columns = ["file", "street", "street_name", "added", "changed", "removed", "nodes_added",
               "nodes_changed", "nodes_removed", "edges_added", "edges_removed"]
    return pd.DataFrame(rows, columns=columns)


def _matched(data: MergeInput, nodes: pd.DataFrame) -> pd.DataFrame:
    """The nodes rows became by uscc, name or a decision, with every row that became them."""
    rows = pd.concat([r.assign(file=data.labels[at + 1]) for at, r in enumerate(data.matched)]
                     or [pd.DataFrame(columns=["final", "by", "id", "file"])], ignore_index=True)
    chosen = set(rows["final"][member(rows["by"], {"uscc", "name", "decision"})])
    rows = rows[member(rows["final"], chosen)]
    if not len(rows):
        return pd.DataFrame(columns=["id", "kind", "name", "by", "copies"])
    rank = {"decision": 0, "uscc": 1, "name": 2}
    copies: dict[str, list[str]] = {}
    strongest: dict[str, int] = {}
    for final, by, file, local in zip(rows["final"].to_numpy(dtype=object),
                                      rows["by"].to_numpy(dtype=object),
                                      rows["file"].to_numpy(dtype=object),
                                      rows["id"].to_numpy(dtype=object)):
        copies.setdefault(final, []).append(f"{file}:{local}")
        strongest[final] = min(strongest.get(final, 9), rank.get(by, 9))
    base_ids = set(data.base_rows["id"].to_numpy(dtype=object))
    out = pd.DataFrame({"id": list(copies)})
    out["copies"] = [([f"{data.labels[0]}:{i}"] if i in base_ids else []) + c
                     for i, c in copies.items()]
    out["by"] = [("decision", "uscc", "name")[strongest[i]] for i in copies]
    names = nodes.set_index("id")
    out["kind"] = out["id"].map(names["kind"]).astype(str)
    out["name"] = out["id"].map(names["name"])
    return out[["id", "kind", "name", "by", "copies"]].reset_index(drop=True)


def _unsent(data: MergeInput) -> pd.DataFrame:
    """The city's streets no file was sent for, with how many nodes their kept part holds."""
    base = data.base_rows
    committees = base[base["kind"] == "street_committee"]
    unsent = committees[~member(committees["id"], set(data.streets))]
    sizes = base["street"].value_counts()
    return pd.DataFrame({"street": unsent["id"].to_numpy(), "name": unsent["name"].to_numpy(),
                         "nodes": unsent["id"].map(sizes).fillna(0).astype("int64").to_numpy()})
