"""The graph model: schema, the in-memory graph, validation and errors."""

from jiceng.graphmodel.errors import (
    BackendUnavailableError,
    InvalidInputError,
    JicengError,
    Problem,
    RuleError,
    UnknownNodeError,
)
from jiceng.graphmodel.graph import OrgGraph
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
    "JicengError",
    "InvalidInputError",
    "Problem",
    "RuleError",
    "UnknownNodeError",
    "BackendUnavailableError",
]
