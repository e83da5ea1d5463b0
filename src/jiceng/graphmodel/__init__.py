"""The graph model: schema, the in-memory graph, validation and errors.

The schema and the errors are light and imported at once; ``OrgGraph`` (pandas, numpy,
pyarrow) on first use, so that ``jiceng --help`` and the CLI's error handling start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jiceng.graphmodel import errors
from jiceng.graphmodel.errors import *  # noqa: F403 - the one error module, exported whole
from jiceng.graphmodel.schema import (
    EDGE_KINDS,
    NODE_KINDS,
    EdgeKind,
    NodeKind,
    label,
    register_edge_kind,
    register_node_kind,
    registered,
    unregister_kind,
)

__all__ = [
    "OrgGraph",
    "NODE_KINDS",
    "EDGE_KINDS",
    "label",
    "NodeKind",
    "EdgeKind",
    "register_node_kind",
    "register_edge_kind",
    "unregister_kind",
    "registered",
]
__all__ += errors.__all__  # every error and Problem, listed once (docs/design.md §5.4)

if TYPE_CHECKING:  # pragma: no cover
    from jiceng.graphmodel.graph import OrgGraph


def __getattr__(name: str) -> Any:
    if name == "OrgGraph":
        from jiceng.graphmodel.graph import OrgGraph

        globals()["OrgGraph"] = OrgGraph
        return OrgGraph
    raise AttributeError(f"module 'jiceng.graphmodel' has no attribute {name!r}")
