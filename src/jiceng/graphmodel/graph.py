"""The in-memory organizational graph: nodes and edges as typed pandas tables.

Node ids are coded once as integers (the row position in ``nodes``); kinds are
categoricals. Queries count over these columns and traverse scipy sparse
matrices built from the codes. The ``networkx.MultiDiGraph`` is built on demand
for exploration and as the reference the tests compare against.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jiceng.graphmodel.endpoints import placing_parents
from jiceng.graphmodel.errors import InvalidInputError, UnknownNodeError
from jiceng.graphmodel.schema import (
    EDGE_KINDS,
    NODE_KINDS,
    PLACING_EDGES,
    Derived,
    schema_version,
)
from jiceng.graphmodel.validate import CheckedTables, check_tables

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    from scipy.sparse import csr_matrix

__all__ = ["OrgGraph", "node_kind_dtype", "edge_kind_dtype"]

_DTYPES: dict[str, tuple[int, pd.CategoricalDtype]] = {}


def _kind_dtype(table: str, kinds: dict) -> pd.CategoricalDtype:
    cached = _DTYPES.get(table)
    if cached is None or cached[0] != schema_version():
        cached = _DTYPES[table] = (schema_version(), pd.CategoricalDtype(list(kinds)))
    return cached[1]


def node_kind_dtype() -> pd.CategoricalDtype:
    """The categorical dtype of node kinds: the schema's kinds in order (follows registrations)."""
    return _kind_dtype("node", NODE_KINDS)


def edge_kind_dtype() -> pd.CategoricalDtype:
    """The categorical dtype of edge kinds: the schema's kinds in order (follows registrations)."""
    return _kind_dtype("edge", EDGE_KINDS)


#: The edge kinds that place a node under a community, street and district.
HOME_EDGE_KINDS = Derived(lambda: tuple(kind for kind, _ in PLACING_EDGES),
                           "The edge kinds that place a node under a community, street and district.")


class OrgGraph:
    """A validated organizational graph.

    Parameters
    ----------
    nodes : DataFrame
        ``id`` (str), ``kind`` (categorical), ``name`` (str) and attribute columns;
        the row position is the node's integer code.
    edges : DataFrame
        ``source`` and ``target`` (integer codes), ``kind`` (categorical) and
        attribute columns.
    name : str
        What the dataset is called in titles and messages.

    Use :meth:`from_tables` (or a loader) to build one from raw tables; it validates.

    Examples
    --------
    >>> from jiceng.loaders import read_sample
    >>> g = read_sample()
    >>> g.count("street_committee") > 0
    True
    """

    def __init__(self, nodes: pd.DataFrame, edges: pd.DataFrame, *, name: str = "dataset"):
        self.nodes = nodes
        self.edges = edges
        self.name = name
        #: wholly empty rows the files had: no data, but ``validate`` says how many it skipped
        self.blank_rows = 0
        #: the file the nodes were read from and each node's row in it as a spreadsheet shows it
        #: (set by the loaders; None for a graph made otherwise), for warnings naming the row
        self.node_rows: tuple[str, np.ndarray] | None = None
        self._adjacency: dict[tuple, csr_matrix] = {}
        self._kind_masks: dict[tuple, np.ndarray] = {}

    # ----------------------------------------------------------------- building
    @classmethod
    def from_tables(cls, nodes: pd.DataFrame, edges: pd.DataFrame, *, name: str = "dataset",
                    nodes_file: str = "nodes", edges_file: str = "edges") -> OrgGraph:
        """Normalize, validate and code raw tables of strings.

        Raises
        ------
        InvalidInputError
            With every problem found, each naming file, row and column.
        """
        return cls.from_checked(check_tables(nodes, edges, nodes_file=nodes_file,
                                             edges_file=edges_file), name=name)

    @classmethod
    def from_checked(cls, checked: CheckedTables, *, name: str = "dataset") -> OrgGraph:
        """The graph of tables :func:`~jiceng.graphmodel.validate.check_tables` checked.

        Raises
        ------
        InvalidInputError
            With every problem found, each naming file, row and column.
        """
        if checked.problems:
            raise InvalidInputError(checked.problems)
        if not checked.told:
            raise ValueError("tables with problems not told: check them again, read anew")
        code_dtype = np.int32 if checked.n_nodes < 2**31 - 1 else np.int64
        node_table = {"id": checked.node_columns["id"],
                      "kind": pd.Categorical.from_codes(checked.node_kind, dtype=node_kind_dtype()),
                      "name": checked.node_columns["name"]}
        node_table.update({c: v for c, v in checked.node_columns.items() if c not in node_table})
        edge_table = {"source": checked.source.astype(code_dtype, copy=False),
                      "target": checked.target.astype(code_dtype, copy=False),
                      "kind": pd.Categorical.from_codes(checked.edge_kind, dtype=edge_kind_dtype())}
        edge_table.update({c: v for c, v in checked.edge_columns.items() if c not in edge_table})
        return cls(pd.DataFrame(node_table, copy=False), pd.DataFrame(edge_table, copy=False),
                   name=name)

    def build_indexes(self) -> OrgGraph:
        """Build the indexes queries share: each node's places and the edge rows by kind.

        The loaders call it once the input tables are freed, so that a loaded graph is
        ready for queries rather than the first query paying for it.
        """
        self.places  # noqa: B018 - cached properties: computing them is the point
        self._edge_groups  # noqa: B018
        return self

    def to_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The nodes and edges as tables with string ids, as a dataset stores them."""
        ids = self.nodes["id"].to_numpy(dtype=object)
        nodes = self.nodes.assign(kind=self.nodes["kind"].astype("str"))
        edges = self.edges.assign(
            source=pd.array(ids[self.edges["source"].to_numpy()], dtype="str"),
            target=pd.array(ids[self.edges["target"].to_numpy()], dtype="str"),
            kind=self.edges["kind"].astype("str"),
        )
        return nodes, edges

    # ------------------------------------------------------------------ lookups
    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        return len(self.edges)

    @cached_property
    def _index(self) -> pd.Index:
        return pd.Index(self.nodes["id"])

    def code(self, node_id: str, kind: str | None = None) -> int:
        """The integer code of a node id; ``kind`` checks the node is of that kind.

        Raises
        ------
        UnknownNodeError
        """
        position = self._index.get_indexer([node_id])[0]
        if position < 0 or (kind is not None and self.nodes["kind"].iat[position] != kind):
            raise UnknownNodeError(node_id, kind)
        return int(position)

    def codes(self, node_ids: Iterable[str]) -> np.ndarray:
        """Integer codes of many ids (-1 where unknown)."""
        if not isinstance(node_ids, (pd.Series, pd.Index, np.ndarray)):
            node_ids = list(node_ids)  # a column is looked up whole, not value by value
        return self._index.get_indexer(node_ids)

    @cached_property
    def _node_categories(self) -> pd.Index:
        return self.nodes["kind"].cat.categories

    @cached_property
    def kind_codes(self) -> np.ndarray:
        """The node kinds as small integers (categorical codes), one per node."""
        return self.nodes["kind"].cat.codes.to_numpy()

    def is_kind(self, *kinds: str) -> np.ndarray:
        """Boolean mask over nodes: which are of one of ``kinds``."""
        key = tuple(sorted(set(kinds)))
        if key not in self._kind_masks:  # a handful of kind sets per graph: keep them
            mask = np.zeros(self.n_nodes, dtype=bool)
            for kind in key:  # one comparison of small integers per kind
                if kind in self._node_categories:  # a kind registered after loading: none
                    mask |= self.kind_codes == self._node_categories.get_loc(kind)
            self._kind_masks[key] = mask
        return self._kind_masks[key].copy()  # callers may change theirs

    def count(self, kind: str) -> int:
        """Number of nodes of a kind."""
        return int(self.is_kind(kind).sum())

    @cached_property
    def edge_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Source codes, target codes and kind codes of every edge, as numpy arrays."""
        return (self.edges["source"].to_numpy(), self.edges["target"].to_numpy(),
                self.edges["kind"].cat.codes.to_numpy())

    @cached_property
    def _edge_groups(self) -> dict[str, np.ndarray]:
        kinds = self.edge_arrays[2]
        order = np.argsort(kinds, kind="stable")
        categories = self.edges["kind"].cat.categories
        bounds = np.searchsorted(kinds[order], np.arange(len(categories) + 1))
        return {k: order[bounds[i]: bounds[i + 1]] for i, k in enumerate(categories)}

    def edge_positions(self, kind: str) -> np.ndarray:
        """Row positions of the edges of one kind (sorted), computed once for all kinds."""
        found = self._edge_groups.get(kind)
        return found if found is not None else np.zeros(0, dtype=np.intp)

    def node_attribute_is(self, attribute: str, values: tuple[str, ...]) -> np.ndarray:
        """Boolean mask over nodes: attribute present and equal to one of ``values`` (as text)."""
        if attribute not in self.nodes.columns:
            return np.zeros(self.n_nodes, dtype=bool)
        column = self.nodes[attribute]
        text = column.astype("str") if not pd.api.types.is_string_dtype(column) else column
        return text.isin(list(values)).fillna(False).to_numpy(dtype=bool)

    def edges_of(self, *kinds: str) -> pd.DataFrame:
        """The rows of the edge table of the given kinds."""
        return self.edges[self.edges["kind"].isin(kinds)]

    def adjacency(self, kinds: Iterable[str]) -> csr_matrix:
        """Sparse n×n matrix counting the edges of ``kinds`` from row node to column node.

        Built once per set of kinds and cached; O(m log m).
        """
        key = tuple(sorted(kinds))
        if key not in self._adjacency:
            from scipy.sparse import csr_matrix  # only the traversals need it

            src, dst, _ = self.edge_arrays
            positions = np.sort(np.concatenate([self.edge_positions(k) for k in key]))
            n = self.n_nodes
            self._adjacency[key] = csr_matrix(
                (np.ones(len(positions), dtype=np.int32), (src[positions], dst[positions])),
                shape=(n, n))
        return self._adjacency[key]

    # ---------------------------------------------------------------- places
    @cached_property
    def places(self) -> pd.DataFrame:
        """For every node, the code of its community, street and district (-1 where none).

        A node belongs where its ``within`` edge points; Party organizations belong
        under whoever ``leads`` them; a unit's Party organization where the unit is;
        a cadre to the street they serve on; a lawyer to the community they advise.
        Resolved by pointer jumping over all nodes at once, O(n + m).
        """
        src, dst, _ = self.edge_arrays
        parent = placing_parents(self.n_nodes, src, dst, self.edge_positions)
        return self._climb(parent, {"community": "community_party", "street": "street_committee",
                                    "district": "district_committee"})

    def _climb(self, parent: np.ndarray, levels: dict[str, str]) -> pd.DataFrame:
        """For each level, the first node of its kind on the way up from each node (itself
        included), at most 16 steps up.

        Only nodes that are someone's parent (a small share: grids, branches, communities
        ...) walk up, all levels in one walk; every other node then reads its parent's
        answer, unless that answer lay 16 steps up (one too far for the child).
        """
        n = self.n_nodes
        kind_codes = self.kind_codes
        wanted = [self._node_categories.get_loc(kind) for kind in levels.values()]
        is_parent = np.zeros(n, dtype=bool)
        is_parent[parent[parent >= 0]] = True
        inner = np.flatnonzero(is_parent)
        # one slot more than there are nodes, so that code -1 reads "none"
        found = [np.full(n + 1, -1, dtype=np.int64) for _ in wanted]
        steps = [np.zeros(n, dtype=np.int8) for _ in wanted]  # how far up the answer was
        inner_kind = kind_codes[inner]
        for k, level in zip(wanted, found):
            mine = inner[inner_kind == k]
            level[mine] = mine
        climbing = inner[parent[inner] >= 0]
        current = parent[climbing]
        for step in range(1, 17):  # the deepest chain (building → city) is far shorter
            if not len(climbing):
                break
            current_kind = kind_codes[current]
            looking = np.zeros(len(climbing), dtype=bool)
            for k, level, far in zip(wanted, found, steps):
                open_ = level[climbing] < 0
                hit = open_ & (current_kind == k)
                level[climbing[hit]] = current[hit]
                far[climbing[hit]] = step
                looking |= open_ & ~hit
            climbing, current = climbing[looking], parent[current[looking]]
            placed = current >= 0
            climbing, current = climbing[placed], current[placed]
        leaves = np.flatnonzero(~is_parent)
        up = parent[leaves]
        leaf_kind = kind_codes[leaves]
        for k, level, far in zip(wanted, found, steps):
            usable = level  # an answer 16 steps up is one too far for a child
            if (far >= 16).any():
                usable = np.append(np.where(far < 16, level[:n], -1), -1)
            inherited = usable[up]
            mine = leaf_kind == k
            inherited[mine] = leaves[mine]
            level[leaves] = inherited
        return pd.DataFrame({name: level[:n] for name, level in zip(levels, found)}, copy=False)

    def node_values(self, column: str, codes: np.ndarray) -> np.ndarray:
        """The values of one node column at the given codes, as an object array.

        Takes only those rows (O(len(codes))), where ``nodes[column].to_numpy()`` would
        convert the whole column.

        >>> from jiceng.loaders import read_sample
        >>> read_sample().node_values("id", np.array([0])).tolist()
        ['CITY01']
        """
        return self.nodes[column].take(np.asarray(codes, dtype=np.int64)).to_numpy(dtype=object)

    def street_of(self, codes: np.ndarray) -> np.ndarray:
        """Street codes of the given nodes (-1 where none)."""
        return self.places["street"].to_numpy()[codes]

    # ------------------------------------------------------------- networkx
    def to_networkx(self) -> nx.MultiDiGraph:  # networkx loads here only
        """A ``networkx.MultiDiGraph`` with one node per node and one edge per edge.

        Nodes are keyed by id and carry ``kind``, ``name`` and their attributes;
        edges carry ``kind`` and their attributes. O(n + m), and memory-hungry:
        meant for exploration of a city, not a country.

        >>> from jiceng.loaders import read_sample
        >>> g = read_sample()
        >>> G = g.to_networkx()
        >>> (G.number_of_nodes(), G.number_of_edges()) == (g.n_nodes, g.n_edges)
        True
        """
        nodes, edges = self.to_tables()
        import networkx as nx

        graph = nx.MultiDiGraph(name=self.name)
        graph.add_nodes_from(zip(nodes["id"], _records(nodes.drop(columns="id"))))
        graph.add_edges_from(zip(edges["source"], edges["target"],
                                 _records(edges.drop(columns=["source", "target"]))))
        return graph

    # --------------------------------------------------------------- editing
    def without(self, *, nodes: Iterable[str] = (), edges: np.ndarray | None = None) -> OrgGraph:
        """A copy without the given node ids (and their edges) and edge rows (positions).

        Used by what-if analysis. Raises :class:`UnknownNodeError` for an unknown id.
        """
        drop_codes = np.array([self.code(i) for i in nodes], dtype=np.int64)
        keep_nodes = np.ones(self.n_nodes, dtype=bool)
        keep_nodes[drop_codes] = False
        keep_edges = np.ones(self.n_edges, dtype=bool)
        if edges is not None:
            keep_edges[np.asarray(edges, dtype=np.int64)] = False
        return self.subgraph(keep_nodes, keep_edges)

    def subgraph(self, nodes: np.ndarray, edges: np.ndarray | None = None) -> OrgGraph:
        """A copy with the nodes of the boolean mask ``nodes`` (in their order) and the edges of
        the mask ``edges`` (every edge by default) among them. O(n + m).

        >>> from jiceng.loaders import read_sample
        >>> g = read_sample()
        >>> g.subgraph(g.is_kind("street_committee", "district_committee")).n_edges > 0
        True
        """
        keep_nodes = np.asarray(nodes, dtype=bool)
        src = self.edges["source"].to_numpy()
        dst = self.edges["target"].to_numpy()
        keep_edges = keep_nodes[src] & keep_nodes[dst]
        if edges is not None:
            keep_edges &= np.asarray(edges, dtype=bool)
        recode = np.cumsum(keep_nodes) - 1
        new_nodes = self.nodes[keep_nodes].reset_index(drop=True)
        new_edges = self.edges[keep_edges].reset_index(drop=True)
        new_edges["source"] = recode[new_edges["source"].to_numpy()].astype(src.dtype)
        new_edges["target"] = recode[new_edges["target"].to_numpy()].astype(dst.dtype)
        return OrgGraph(new_nodes, new_edges, name=self.name)

    def summary(self) -> pd.DataFrame:
        """Counts of nodes and edges by kind (kinds with none are listed with 0)."""
        node_counts = self.nodes["kind"].value_counts(sort=False)
        edge_counts = self.edges["kind"].value_counts(sort=False)
        rows = [("node", k, int(node_counts.get(k, 0))) for k in NODE_KINDS]
        rows += [("edge", k, int(edge_counts.get(k, 0))) for k in EDGE_KINDS]
        return pd.DataFrame(rows, columns=["table", "kind", "count"])

    def __repr__(self) -> str:
        return f"<OrgGraph {self.name!r}: {self.n_nodes} nodes, {self.n_edges} edges>"


def _records(table: pd.DataFrame):
    """Rows as dicts without missing values."""
    columns = list(table.columns)
    for values in table.itertuples(index=False, name=None):
        yield {c: (v.item() if hasattr(v, "item") else v)
               for c, v in zip(columns, values) if not (v is pd.NA or v is None or v != v)}

