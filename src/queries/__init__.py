"""Queries: coverage audit, isolation, reach, what-if and diff. Each takes a graph first."""

from queries.coverage import AuditResult, audit
from queries.diff import DiffResult, diff
from queries.isolation import IsolationResult, isolation
from queries.reach import ReachResult, reach, reach_from
from queries.rules import Rule, default_rules, load_rules
from queries.whatif import WhatIfResult, whatif

__all__ = ["audit", "AuditResult", "Rule", "load_rules", "default_rules", "isolation",
           "IsolationResult", "reach", "reach_from", "ReachResult", "whatif", "WhatIfResult",
           "diff", "DiffResult"]
