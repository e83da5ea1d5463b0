"""Queries: coverage audit, isolation, reach, what-if, diff and plan. Each takes a source
(a graph in memory, or a Neo4j server) first.

Each name is imported from its module on first use, so that a command loads only the
query it runs (the plan's solver and the components' sparse graph routines cost time).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> the module of this package that defines it
_MODULES = {
    "audit": "coverage", "AuditResult": "coverage",
    "diff": "diff", "DiffResult": "diff",
    "isolation": "isolation", "IsolationResult": "isolation",
    "plan": "plan", "PlanResult": "plan", "apply_plan": "plan",
    "reach": "reach", "reach_from": "reach", "ReachResult": "reach",
    "Rule": "rules", "default_rules": "rules", "load_rules": "rules",
    "whatif": "whatif", "WhatIfResult": "whatif",
}

__all__ = ["audit", "AuditResult", "Rule", "load_rules", "default_rules", "isolation",
           "IsolationResult", "reach", "reach_from", "ReachResult", "whatif", "WhatIfResult",
           "diff", "DiffResult", "plan", "PlanResult", "apply_plan"]

if TYPE_CHECKING:  # pragma: no cover
    from jiceng.queries.coverage import AuditResult, audit
    from jiceng.queries.diff import DiffResult, diff
    from jiceng.queries.isolation import IsolationResult, isolation
    from jiceng.queries.plan import PlanResult, apply_plan, plan
    from jiceng.queries.reach import ReachResult, reach, reach_from
    from jiceng.queries.rules import Rule, default_rules, load_rules
    from jiceng.queries.whatif import WhatIfResult, whatif


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'jiceng.queries' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"jiceng.queries.{module}"), name)
    globals()[name] = value
    return value
