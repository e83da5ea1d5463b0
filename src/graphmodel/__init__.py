"""The graph model: schema, the in-memory graph, validation and errors."""

from graphmodel.errors import (
    BackendUnavailableError,
    InvalidInputError,
    JicengError,
    Problem,
    RuleError,
    UnknownNodeError,
)
from graphmodel.graph import OrgGraph
from graphmodel.schema import EDGE_KINDS, NODE_KINDS, label

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
