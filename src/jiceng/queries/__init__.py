"""Queries: coverage audit, isolation, reach, what-if, diff, plan and trend. Each takes a graph first."""

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

__all__ = ["audit", "AuditResult", "Rule", "load_rules", "default_rules", "isolation",
           "IsolationResult", "reach", "reach_from", "ReachResult", "whatif", "WhatIfResult",
           "diff", "DiffResult", "plan", "PlanResult", "apply_plan", "merge", "MergeResult",
           "trend", "TrendResult",
           "MAX_HOPS", "check_hops"]
