"""Queries: coverage audit, isolation, reach, what-if and diff. Each takes a graph first."""

from queries.coverage import AuditResult, audit
from queries.rules import Rule, default_rules, load_rules

__all__ = ["audit", "AuditResult", "Rule", "load_rules", "default_rules"]
