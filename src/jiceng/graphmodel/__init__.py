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
from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS, label

__all__ = [
    "OrgGraph",
    "NODE_KINDS",
    "EDGE_KINDS",
    "label",
    "JicengError",
    "InvalidInputError",
    "Problem",
    "RuleError",
    "UnknownNodeError",
    "BackendUnavailableError",
]
