"""jiceng 基层: graph analysis of a city's Party-building-led grassroots governance network.

The public API in one import, for notebooks and scripts::

    from jiceng import read_sample, audit, isolation, reach

The layers are subpackages, each importing only those before it:
``jiceng.graphmodel`` (schema, graph, validation, errors) -> ``jiceng.loaders`` (datasets in and
out, the generator, Neo4j) -> ``jiceng.queries`` (one module per question) -> the CLI and the
renderers (``jiceng.maps``, ``jiceng.report``).

Names are imported on first use, so ``import jiceng`` (and ``jiceng --help``) stays fast.

>>> import jiceng
>>> jiceng.read_sample().count("community_party")
709
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    # graph model
    "OrgGraph": "jiceng.graphmodel",
    "NODE_KINDS": "jiceng.graphmodel",
    "EDGE_KINDS": "jiceng.graphmodel",
    "label": "jiceng.graphmodel",
    "JicengError": "jiceng.graphmodel",
    "InvalidInputError": "jiceng.graphmodel",
    "Problem": "jiceng.graphmodel",
    "RuleError": "jiceng.graphmodel",
    "UnknownNodeError": "jiceng.graphmodel",
    "BackendUnavailableError": "jiceng.graphmodel",
    # loaders
    "read_dataset": "jiceng.loaders",
    "write_dataset": "jiceng.loaders",
    "read_excel": "jiceng.loaders",
    "write_excel": "jiceng.loaders",
    "read_sample": "jiceng.loaders",
    "sample_path": "jiceng.loaders",
    "Neo4jSource": "jiceng.loaders.neo4j",
    # queries
    "audit": "jiceng.queries",
    "AuditResult": "jiceng.queries",
    "Rule": "jiceng.queries",
    "load_rules": "jiceng.queries",
    "default_rules": "jiceng.queries",
    "isolation": "jiceng.queries",
    "IsolationResult": "jiceng.queries",
    "reach": "jiceng.queries",
    "reach_from": "jiceng.queries",
    "ReachResult": "jiceng.queries",
    "whatif": "jiceng.queries",
    "WhatIfResult": "jiceng.queries",
    "diff": "jiceng.queries",
    "DiffResult": "jiceng.queries",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from jiceng.graphmodel import (
        EDGE_KINDS,
        NODE_KINDS,
        BackendUnavailableError,
        InvalidInputError,
        JicengError,
        OrgGraph,
        Problem,
        RuleError,
        UnknownNodeError,
        label,
    )
    from jiceng.loaders import (
        read_dataset,
        read_excel,
        read_sample,
        sample_path,
        write_dataset,
        write_excel,
    )
    from jiceng.loaders.neo4j import Neo4jSource
    from jiceng.queries import (
        AuditResult,
        DiffResult,
        IsolationResult,
        ReachResult,
        Rule,
        WhatIfResult,
        audit,
        default_rules,
        diff,
        isolation,
        load_rules,
        reach,
        reach_from,
        whatif,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'jiceng' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
