"""What looks wrong in a valid dataset: warnings ``jiceng validate`` says (exit 0), Chinese first.

- **example rows** (``example_row``): rows of the template whose names end in （示例）, left in
  the file; they would be audited and ranked as if they were real (docs/design.md §8);
- **one name twice in a street** (``duplicate_name``): two nodes of one kind with the same name
  placed in the same street (by the places of docs/design.md §5.2), which an edge cannot name
  by its name and which the city's merge cannot tell apart.

Each warning is a :class:`jiceng.graphmodel.Problem` with a
:class:`jiceng.graphmodel.WarningCode`, naming the file and row when the graph was read from one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jiceng.graphmodel import NODE_KINDS, OrgGraph, Problem, WarningCode
from jiceng.loaders.template import EXAMPLE_MARK
from jiceng.queries._places import place_names

__all__ = ["dataset_warnings", "example_rows"]

#: The mark of an example row, in either bracket width (NFKC reads （示例） as (示例)).
_EXAMPLE = EXAMPLE_MARK.replace("（", "[（(]").replace("）", "[）)]") + "$"


def example_rows(graph: OrgGraph) -> np.ndarray:
    """Codes of the nodes whose name marks them as the template's examples (O(n)).

    >>> from jiceng import read_sample
    >>> len(example_rows(read_sample()))
    0
    """
    names = graph.nodes["name"]
    return np.flatnonzero(names.str.contains(_EXAMPLE, regex=True, na=False).to_numpy(dtype=bool))


def dataset_warnings(graph: OrgGraph) -> list[Problem]:
    """Every warning about ``graph``, in row order: example rows, then names given twice in a
    street. O(n log n) for the names; messages only for the rows found.

    >>> from jiceng.loaders import read_excel, sample_path
    >>> from jiceng.loaders.template import write_template
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "模板.xlsx"
    ...     write_template(path)
    ...     found = dataset_warnings(read_excel(path))
    >>> sorted({str(w.code) for w in found}), len(found)
    (['example_row'], 7)
    """
    file, rows = graph.node_rows or (graph.name, np.arange(2, graph.n_nodes + 2))
    found = []
    for code in example_rows(graph):
        name = graph.nodes["name"].iat[code]
        found.append(Problem(file, int(rows[code]), "name",
                             f"示例行 {name!r} 仍在表中：报送前请删除（其关系一并删除）",
                             f"the template's example row {name!r} is still here: delete it "
                             "(and its edges) before sending the file",
                             code=WarningCode.EXAMPLE_ROW))
    return found + _names_twice(graph, file, rows)


def _names_twice(graph: OrgGraph, file: str, rows: np.ndarray) -> list[Problem]:
    """A warning on every node whose kind and name an earlier node of its street has."""
    street = graph.places["street"].to_numpy()
    table = pd.DataFrame({"kind": graph.kind_codes, "name": graph.nodes["name"], "street": street})
    placed = street >= 0
    later = placed & table.duplicated(["kind", "name", "street"], keep="first").to_numpy()
    if not later.any():
        return []
    first = table[placed].drop_duplicates(["kind", "name", "street"], keep="first")
    first_code = pd.Series(first.index.to_numpy(), index=pd.MultiIndex.from_frame(
        first[["kind", "name", "street"]]))
    at = np.flatnonzero(later)
    earlier = first_code.reindex(pd.MultiIndex.from_frame(table.iloc[at])).to_numpy(dtype=np.int64)
    _, street_names = place_names(graph, street[at])
    kinds = graph.nodes["kind"].to_numpy()[at]
    found = []
    for code, before, kind, place in zip(at, earlier, kinds, street_names):
        name, zh = graph.nodes["name"].iat[code], NODE_KINDS[str(kind)].zh
        first_id, node_id = graph.nodes["id"].iat[before], graph.nodes["id"].iat[code]
        found.append(Problem(
            file, int(rows[code]), "name",
            f"{place}中有两个{zh}都叫 {name!r}：编号 {first_id}（第 {int(rows[before])} 行）和 "
            f"{node_id}；若是两个组织，请写全名以区分（如 分公司、第二…），关系表中请用编号指代",
            f"two {kind} nodes named {name!r} in one street: {first_id} (row "
            f"{int(rows[before])}) and {node_id}; if they are two, tell them apart by their full "
            "names, and use their ids in edges", code=WarningCode.DUPLICATE_NAME))
    return found
