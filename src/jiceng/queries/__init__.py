"""Queries: coverage audit, isolation, reach, what-if, diff, plan and trend. Each takes a graph first.

Names are imported on first use, so that a command loads only the question it asks
(``jiceng audit`` never imports the planner or the diff).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["audit", "AuditResult", "Rule", "load_rules", "default_rules", "isolation",
           "IsolationResult", "reach", "reach_from", "ReachResult", "whatif", "WhatIfResult",
           "diff", "DiffResult", "plan", "PlanResult", "apply_plan", "merge", "MergeResult",
           "trend", "TrendResult",
           "MAX_HOPS", "check_hops"]

#: The module that defines each name of ``__all__``.
_MODULES = {"MAX_HOPS": "_args", "check_hops": "_args", "audit": "coverage",
            "AuditResult": "coverage", "diff": "diff", "DiffResult": "diff",
            "isolation": "isolation", "IsolationResult": "isolation", "merge": "merge",
            "MergeResult": "merge", "plan": "plan", "PlanResult": "plan", "apply_plan": "plan",
            "reach": "reach", "reach_from": "reach", "ReachResult": "reach", "Rule": "rules",
            "default_rules": "rules", "load_rules": "rules", "trend": "trend",
            "TrendResult": "trend", "whatif": "whatif", "WhatIfResult": "whatif"}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from jiceng.queries._args import MAX_HOPS, check_hops
    from jiceng.queries.coverage import AuditResult, audit
    from jiceng.queries.diff import DiffResult, diff
    from jiceng.queries.isolation import IsolationResult, isolation
    from jiceng.queries.merge import MergeResult, merge
    from jiceng.queries.plan import PlanResult, apply_plan, plan
    from jiceng.queries.reach import ReachResult, reach, reach_from
    from jiceng.queries.rules import Rule, default_rules, load_rules
    from jiceng.queries.trend import TrendResult, trend
    from jiceng.queries.whatif import WhatIfResult, whatif


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module 'jiceng.queries' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"jiceng.queries.{_MODULES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
