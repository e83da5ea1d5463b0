"""jiceng 基层: graph analysis of a city's Party-building-led grassroots governance network.

The public API in one import, for notebooks and scripts::

    from jiceng import read_sample, audit, isolation, reach, trend

The layers are subpackages, each importing only those before it:
``jiceng.graphmodel`` (schema, graph, validation, errors) -> ``jiceng.loaders`` (datasets in and
out, the generator) -> ``jiceng.queries`` (one module per question, and the seam where a source
says how it answers) -> ``jiceng.server`` (Neo4j and FalkorDB: push, pull, a server as a source)
-> the presentation (``jiceng.present``: a report builder per question, the formats, the maps)
-> the CLI.

Names are imported on first use, so ``import jiceng`` (and ``jiceng --help``) stays fast.

>>> import jiceng
>>> jiceng.read_sample().count("community_party")
709
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    # graph model
    "OrgGraph", "NODE_KINDS", "EDGE_KINDS", "label", "JicengError", "InvalidInputError",
    "Problem", "ProblemCode", "RuleError", "UnknownNodeError", "AmbiguousNodeError",
    "ArgumentError", "ArgumentTypeError", "OutputError", "BackendUnavailableError",
    # loaders
    "read_dataset", "write_dataset", "read_excel", "write_excel", "read_sample", "sample_path",
    "Neo4jSource",
    # queries
    "audit", "AuditResult", "Rule", "load_rules", "default_rules", "isolation",
    "IsolationResult", "reach", "reach_from", "ReachResult", "whatif", "WhatIfResult", "diff",
    "DiffResult", "plan", "PlanResult", "apply_plan", "merge", "MergeResult", "trend",
    "TrendResult",
    # presentation
    "Report", "Section", "audit_report", "isolation_report", "reach_report", "whatif_report",
    "diff_report", "plan_report", "list_report", "info_report", "merge_report", "trend_report",
    "overview_map",
    "street_map",
    "reach_map",
]

#: The subpackage that defines each public name, in layer order.
_LAYERS = ("jiceng.graphmodel", "jiceng.loaders", "jiceng.queries", "jiceng.server",
           "jiceng.present")

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from jiceng.graphmodel import (
        EDGE_KINDS,
        NODE_KINDS,
        AmbiguousNodeError,
        ArgumentError,
        ArgumentTypeError,
        BackendUnavailableError,
        InvalidInputError,
        JicengError,
        OrgGraph,
        OutputError,
        Problem,
        ProblemCode,
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
    from jiceng.present import (
        Report,
        Section,
        audit_report,
        diff_report,
        info_report,
        isolation_report,
        list_report,
        merge_report,
        overview_map,
        plan_report,
        reach_map,
        reach_report,
        street_map,
        trend_report,
        whatif_report,
    )
    from jiceng.queries import (
        AuditResult,
        DiffResult,
        IsolationResult,
        MergeResult,
        PlanResult,
        ReachResult,
        Rule,
        TrendResult,
        WhatIfResult,
        apply_plan,
        audit,
        default_rules,
        diff,
        isolation,
        load_rules,
        merge,
        plan,
        reach,
        reach_from,
        trend,
        whatif,
    )
    from jiceng.server import Neo4jSource


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'jiceng' has no attribute {name!r}")
    for layer in _LAYERS:
        module = importlib.import_module(layer)
        if name in module.__all__:
            value = getattr(module, name)
            globals()[name] = value
            return value
    raise AttributeError(f"jiceng.{name} is listed but no layer exports it")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
