"""The merged city's nodes and edges, from the rows matched (docs/design.md §8).

A node's values are its owner's row: the file of the street it is placed in (a row placed in
the file's own street), else the base where its street sent nothing, else the first file
holding it. A column a file does not have at all says nothing: the base's value stays. Edges
are a multiset keyed by every column: the base's edges that touch no submitted street, and each
file's edges, each key kept as many times as the source holding it most.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jiceng.graphmodel import InvalidInputError, OrgGraph, Problem, ProblemCode
from jiceng.queries._merge_match import member, normalise_name, normalised

__all__ = ["MergeInput", "assemble_nodes", "assemble_edges", "node_changes", "texts"]

PROVENANCE = "submitted_by"
_SEP = "\x1f"


def texts(column: pd.Series | np.ndarray) -> np.ndarray:
    """A column as text: an object array of ``str``, ``None`` where absent or empty."""
    series = pd.Series(column, copy=False)
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        out = series.to_numpy(dtype=object, na_value=None)
        out[(series == "").to_numpy(dtype=bool, na_value=False)] = None
        return out
    values = series.to_numpy(dtype=object)
    missing = series.isna().to_numpy(dtype=bool)
    out = np.empty(len(values), dtype=object)
    present = ~missing
    out[present] = [v if type(v) is str else str(v) for v in values[present]]
    out[present & (out == "")] = None
    return out


def _placed_street(graph: OrgGraph) -> np.ndarray:
    """Every node's street id (``""`` for none)."""
    codes = graph.places["street"].to_numpy()
    ids = graph.nodes["id"].to_numpy(dtype=object)
    return np.where(codes >= 0, ids[np.maximum(codes, 0)], "").astype(object)


def _uscc(graph: OrgGraph) -> np.ndarray:
    if "uscc" not in graph.nodes.columns:
        return np.full(graph.n_nodes, "", dtype=object)
    values = texts(graph.nodes["uscc"])
    return np.array([normalise_name(v).upper() if v else "" for v in values], dtype=object)


@dataclass
class MergeInput:
    """The base and the submissions as the merge works on them.

    ``labels``: the base's then each file's name; ``rows``: each file's nodes (``id, kind,
    norm, uscc, own``); ``committees``: the row of each file's street committee; ``streets``:
    each file's street (the city's id once matched); ``matched``: the rows with their node.
    """

    labels: list[str]
    base: OrgGraph
    base_rows: pd.DataFrame
    graphs: list[OrgGraph]
    rows: list[pd.DataFrame]
    committees: list[int]
    streets: list[str]
    committee_names: list[str]
    street_names: dict[str, str]
    matched: list[pd.DataFrame] = field(default_factory=list)

    @classmethod
    def of(cls, base_label: str, base: OrgGraph, read: list[tuple[str, OrgGraph]]
           ) -> MergeInput:
        nodes = base.nodes
        base_rows = pd.DataFrame({"id": nodes["id"].astype(str).to_numpy(dtype=object),
                                  "kind": nodes["kind"].astype(str).to_numpy(dtype=object),
                                  "name": nodes["name"].to_numpy(dtype=object),
                                  "norm": normalised(nodes["name"]),
                                  "uscc": _uscc(base), "street": _placed_street(base)})
        committees = base_rows[base_rows["kind"] == "street_committee"]
        street_names = dict(zip(committees["id"], committees["name"]))
        by_norm = committees.drop_duplicates("norm", keep=False).set_index("norm")["id"]
        data = cls([base_label] + [label for label, _ in read], base, base_rows, [], [], [], [],
                   [], street_names)
        problems = []
        for label, graph in read:
            committee = _own_committee(graph)
            if committee is None:
                problems.append(Problem(label, None, None, "找不到街道党工委：每份报送是一个街道的数据",
                                        "no street committee: each submission is one street's part",
                                        code=ProblemCode.MISSING_VALUE))
                continue
            rows = pd.DataFrame({"id": graph.nodes["id"].astype(str).to_numpy(dtype=object),
                                 "kind": graph.nodes["kind"].astype(str).to_numpy(dtype=object),
                                 "norm": normalised(graph.nodes["name"]),
                                 "uscc": _uscc(graph)})
            rows["own"] = graph.places["street"].to_numpy() == committee
            own_id, own_norm = rows["id"].iat[committee], rows["norm"].iat[committee]
            street = own_id if own_id in street_names else str(by_norm.get(own_norm, ""))
            data.graphs.append(graph)
            data.rows.append(rows)
            data.committees.append(committee)
            data.streets.append(street)
            data.committee_names.append(str(graph.nodes["name"].iat[committee]))
        if problems:
            raise InvalidInputError(problems)
        return data


def _own_committee(graph: OrgGraph) -> int | None:
    """The street committee under which most of the file's nodes are placed (the first of
    those tied), or None."""
    committees = np.flatnonzero(graph.is_kind("street_committee"))
    if not len(committees):
        return None
    streets = graph.places["street"].to_numpy()
    placed = np.bincount(streets[streets >= 0], minlength=graph.n_nodes)
    return int(committees[np.argmax(placed[committees])])


# -------------------------------------------------------------------------------- nodes
def _text_table(graph: OrgGraph) -> pd.DataFrame:
    return pd.DataFrame({c: texts(graph.nodes[c]) for c in graph.nodes.columns
                         if c not in ("id", PROVENANCE)} | {
                            "kind": graph.nodes["kind"].astype(str).to_numpy(dtype=object)})


def _all_rows(data: MergeInput) -> pd.DataFrame:
    """Every row that may give a node its values: the base's (``src`` -1) and each file's,
    with ``final``, ``p`` (the owner's priority, lowest first) and ``norm``."""
    submitted = set(data.streets)
    claimed = {node for r in data.matched for node in r["final"].to_numpy(dtype=object)}
    base = data.base_rows
    in_part = member(base["street"], submitted)
    keep = ~in_part | member(base["id"], claimed)
    table = _text_table(data.base)
    table = table.assign(final=base["id"].to_numpy(), src=-1, norm=base["norm"].to_numpy(),
                         p=np.where(in_part, 3, 1))[keep]
    if PROVENANCE in data.base.nodes.columns:
        table[PROVENANCE] = texts(data.base.nodes[PROVENANCE])[keep]
    parts = [table]
    for at, (graph, rows) in enumerate(zip(data.graphs, data.matched)):
        part = _text_table(graph).assign(final=rows["final"].to_numpy(), src=at,
                                         norm=rows["norm"].to_numpy(),
                                         p=np.where(rows["own"].to_numpy(), 0, 2))
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def assemble_nodes(data: MergeInput) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """The merged nodes (base order, then new ones), the conflicts, and each node's owner
    (``src``: -1 the base, else the file's position)."""
    rows = _all_rows(data)
    ranked = rows.sort_values(["p", "src"], kind="stable")
    owners_rows = ranked.drop_duplicates("final")
    order = rows.drop_duplicates("final")["final"]
    nodes = owners_rows.set_index("final").loc[order.to_numpy()].reset_index()
    nodes = nodes.rename(columns={"final": "id"})
    base_values = rows[rows["src"] == -1].set_index("final")
    for at, graph in enumerate(data.graphs):  # a column a file lacks says nothing
        mine = (nodes["src"] == at).to_numpy()
        for column in base_values.columns.difference(list(graph.nodes.columns)):
            if column in ("src", "p", "norm", PROVENANCE) or not mine.any():
                continue
            nodes.loc[mine, column] = nodes.loc[mine, "id"].map(base_values[column]).to_numpy()
    owners = pd.Series(nodes["src"].to_numpy(), index=nodes["id"].to_numpy())
    provenance = np.array([data.labels[s + 1] for s in nodes["src"]], dtype=object)
    if PROVENANCE in nodes.columns:
        provenance = np.where((nodes["src"] == -1) & nodes[PROVENANCE].notna(),
                              nodes[PROVENANCE], provenance)
    conflicts = _conflicts(data, rows, owners, pd.Series(nodes["p"].to_numpy(), index=owners.index))
    nodes = nodes.drop(columns=["src", "p", "norm"]).assign(**{PROVENANCE: provenance})
    return nodes, conflicts, owners


_WHY = {0: "所在街道的报送 the file of the street it is placed in",
        1: "所在街道未报送，保留全市数据 its street sent nothing: the city's value kept",
        2: "所在街道的报送中没有它，取第一份含有它的报送 not in its street's file: the first file holding it",
        3: "所在街道的报送中没有它，取第一份含有它的报送 not in its street's file: the first file holding it"}


def _conflicts(data: MergeInput, rows: pd.DataFrame, owners: pd.Series, owner_p: pd.Series
               ) -> pd.DataFrame:
    """Attributes two files give differently: both values, the owner's kept, and why."""
    columns = ["id", "name", "attribute", "values", "kept", "file", "why"]
    owner_src = rows["final"].map(owners).to_numpy()
    speaking = (rows["src"] >= 0).to_numpy() | (owner_src == -1)
    rows = rows[speaking]
    shared = rows["final"].duplicated(keep=False).to_numpy()
    rows = rows[shared]
    if not len(rows):
        return pd.DataFrame(columns=columns)
    attributes = [c for c in rows.columns if c not in ("final", "src", "p", "norm", PROVENANCE)]
    long = rows.melt(id_vars=["final", "src", "p", "norm"], value_vars=attributes,
                     var_name="attribute", value_name="value").dropna(subset=["value"])
    long["same"] = np.where(long["attribute"] == "name", long["norm"], long["value"])
    spread = long.groupby(["final", "attribute"], sort=False)["same"].nunique()
    clashing = spread[spread > 1].index
    if not len(clashing):
        return pd.DataFrame(columns=columns)
    long = long.set_index(["final", "attribute"]).loc[clashing].reset_index()
    long = long.sort_values(["final", "attribute", "src"], kind="stable")
    long = long.drop_duplicates(["final", "attribute", "same"])
    values = long.groupby(["final", "attribute"], sort=False)["value"].agg(list)
    out = values.reset_index().rename(columns={"final": "id", "value": "values"})
    kept_rows = long[long["src"].to_numpy() == long["final"].map(owners).to_numpy()]
    kept = kept_rows.set_index(["final", "attribute"])["value"]
    out["kept"] = [kept.get((i, a)) for i, a in zip(out["id"], out["attribute"])]
    src = out["id"].map(owners)
    out["file"] = [data.labels[s + 1] for s in src]
    out["why"] = out["id"].map(owner_p).map(_WHY)
    names = rows.drop_duplicates("final").set_index("final")["name"]
    out["name"] = out["id"].map(names)
    return out[columns].sort_values(["id", "attribute"], kind="stable").reset_index(drop=True)


_CHANGE_COLUMNS = ["file", "street", "street_name", "table", "change", "id", "kind", "name",
                   "source", "target", "attribute", "before", "after", "count"]


def node_changes(data: MergeInput, nodes: pd.DataFrame, owners: pd.Series) -> pd.DataFrame:
    """One line per node added or removed and per attribute changed, under its street's file."""
    base = data.base_rows
    file_of = {street: at for at, street in enumerate(data.streets)}
    lines = []
    in_base = member(nodes["id"], set(base["id"].to_numpy(dtype=object)))
    new = nodes[~in_base]
    lines.append(pd.DataFrame({"src": new["id"].map(owners).to_numpy(), "change": "added",
                               "id": new["id"], "kind": new["kind"], "name": new["name"]}))
    kept_ids = set(nodes["id"].to_numpy(dtype=object))
    gone = base[member(base["street"], file_of) & ~member(base["id"], kept_ids)]
    lines.append(pd.DataFrame({"src": gone["street"].map(file_of).to_numpy(),
                               "change": "removed", "id": gone["id"], "kind": gone["kind"],
                               "name": gone["name"]}))
    kept = nodes[in_base & (nodes["id"].map(owners) >= 0).to_numpy()]
    before = _text_table(data.base).assign(id=base["id"].to_numpy()).set_index("id")
    after = kept.set_index("id")
    for column in sorted(set(before.columns) | set(after.columns)):
        if column == PROVENANCE:
            continue
        old = texts(before[column].reindex(after.index)) if column in before else \
            np.full(len(after), None, dtype=object)
        now = texts(after[column]) if column in after else np.full(len(after), None, dtype=object)
        differ = np.array([o != n for o, n in zip(old, now)], dtype=bool)
        if differ.any():
            lines.append(pd.DataFrame({
                "src": after.index[differ].map(owners).to_numpy(), "change": "changed",
                "id": after.index[differ], "kind": after["kind"].to_numpy()[differ],
                "name": after["name"].to_numpy()[differ], "attribute": column,
                "before": old[differ], "after": now[differ]}))
    return _lines(data, pd.concat(lines, ignore_index=True), "node")


def _lines(data: MergeInput, frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Change lines with their file and street in place of ``src``."""
    src = frame["src"].astype("int64").to_numpy()
    frame = frame.assign(file=[data.labels[s + 1] for s in src],
                         street=[data.streets[s] if s >= 0 else "" for s in src],
                         table=table).drop(columns="src")
    frame["street_name"] = frame["street"].map(data.street_names).fillna("")
    if "count" not in frame.columns:
        frame["count"] = 1
    return frame.reindex(columns=_CHANGE_COLUMNS)


# -------------------------------------------------------------------------------- edges
def _edge_table(graph: OrgGraph, ids: np.ndarray) -> pd.DataFrame:
    edges = graph.edges
    table = {"source": ids[edges["source"].to_numpy()], "target": ids[edges["target"].to_numpy()],
             "kind": edges["kind"].astype(str).to_numpy(dtype=object)}
    table |= {c: texts(edges[c]) for c in edges.columns
              if c not in ("source", "target", "kind")}
    return pd.DataFrame(table)


def _keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    key = frame["source"].astype(str)
    for column in ["target", "kind", *columns]:
        values = frame[column] if column in frame.columns else pd.Series(None, index=frame.index)
        key = key + _SEP + values.fillna("").astype(str)
    return key


def assemble_edges(data: MergeInput, nodes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The merged edges (the base's kept ones first) and one line per edge key added or removed
    (with its ``count``)."""
    base_ids = data.base_rows["id"].to_numpy(dtype=object)
    street = data.base_rows["street"].to_numpy(dtype=object)
    base = _edge_table(data.base, base_ids)
    src_code, dst_code = data.base.edges["source"].to_numpy(), data.base.edges["target"].to_numpy()
    file_of = {s: at for at, s in enumerate(data.streets)}
    owner = pd.Series(street[src_code]).map(file_of).fillna(
        pd.Series(street[dst_code]).map(file_of)).fillna(-1).astype("int64").to_numpy()
    parts = [base.assign(src=-1)[owner < 0]]
    for at, (graph, rows) in enumerate(zip(data.graphs, data.matched)):
        parts.append(_edge_table(graph, rows["final"].to_numpy(dtype=object)).assign(src=at))
    edges = pd.concat(parts, ignore_index=True)
    columns = sorted(set(edges.columns) - {"source", "target", "kind", "src", PROVENANCE})
    edges["key"] = _keys(edges, columns)
    counts = edges.groupby(["key", "src"], sort=False).size().rename("n").reset_index()
    chosen = counts.sort_values(["key", "n", "src"], ascending=[True, False, True],
                                kind="stable").drop_duplicates("key")
    edges = edges.merge(chosen[["key", "src", "n"]], on=["key", "src"], how="inner", sort=False)
    labels = np.array(data.labels[1:] + [data.labels[0]], dtype=object)  # src -1 is last
    provenance = labels[edges["src"].to_numpy()]
    if PROVENANCE in edges.columns:
        provenance = np.where((edges["src"] == -1) & edges[PROVENANCE].notna(),
                              edges[PROVENANCE], provenance)
    edges[PROVENANCE] = provenance
    base_key = _keys(base, columns)
    lines = _edge_lines(data, nodes, chosen, base_key, owner)
    kept = edges.drop(columns=["key", "src", "n"])
    return kept[["source", "target", "kind", *[c for c in kept.columns
                                                if c not in ("source", "target", "kind")]]], lines


def _edge_lines(data: MergeInput, nodes: pd.DataFrame, chosen: pd.DataFrame,
                base_key: pd.Series, owner: np.ndarray) -> pd.DataFrame:
    """Edge keys whose count grew (added, under the file holding most) or shrank (removed,
    under the file of the street it touched)."""
    before = base_key.value_counts()
    now = chosen.set_index("key")
    delta = now["n"].sub(before.reindex(now.index).fillna(0), fill_value=0)
    gained = delta[delta > 0]
    lost = before - now["n"].reindex(before.index).fillna(0)
    lost = lost[lost > 0]
    first_owner = pd.Series(owner, index=base_key.to_numpy()).groupby(level=0).first()
    names = dict(zip(nodes["id"], nodes["name"]))
    names |= dict(zip(data.base_rows["id"], data.base_rows["name"]))
    frames = []
    for keys, change, src in ((gained.index, "added", now["src"].reindex(gained.index)),
                              (lost.index, "removed", first_owner.reindex(lost.index))):
        parts = pd.Series(keys, dtype=object).str.split(_SEP)
        source = parts.str[0]
        target = parts.str[1]
        frames.append(pd.DataFrame({
            "src": src.to_numpy(), "change": change, "kind": parts.str[2].to_numpy(),
            "source": source.to_numpy(), "target": target.to_numpy(),
            "name": (source.map(names).fillna("") + " → " + target.map(names).fillna("")),
            "count": (gained if change == "added" else lost).to_numpy().astype("int64")}))
    lines = pd.concat(frames, ignore_index=True)
    return _lines(data, lines[lines["src"] >= 0], "edge")
