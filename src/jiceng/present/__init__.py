"""Presentation: a report for each question, the formats it is written in, and the maps.

A builder takes a query's result and returns a :class:`Report`; ``report.write(path)`` writes
it in the format its suffix names, the same ledger (xlsx) and briefing (HTML) the CLI writes::

    from jiceng import audit, audit_report, read_sample
    audit_report(audit(read_sample()), dataset="sample").write("台账.xlsx")

This layer may import ``jiceng.graphmodel``, ``jiceng.loaders`` and ``jiceng.queries``, never
the CLI. The interactive network maps are :mod:`jiceng.present.maps`. Names are imported on
first use, so that a command loads only what it writes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["Report", "Section", "audit_report", "isolation_report", "reach_report",
           "whatif_report", "diff_report", "plan_report", "list_report", "info_report",
           "merge_report", "trend_report", "overview_map", "street_map",
           "reach_map"]

#: The module that defines each name of ``__all__``.
_MODULES = {"Report": "report", "Section": "model", "audit_report": "audit",
            "isolation_report": "isolation", "reach_report": "reach", "whatif_report": "whatif",
            "diff_report": "diff", "plan_report": "plan", "list_report": "listing",
            "info_report": "info", "merge_report": "merge", "trend_report": "trend",
            "overview_map": "maps",
            "street_map": "maps",
            "reach_map": "maps"}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from jiceng.present.audit import audit_report
    from jiceng.present.diff import diff_report
    from jiceng.present.info import info_report
    from jiceng.present.isolation import isolation_report
    from jiceng.present.listing import list_report
    from jiceng.present.maps import overview_map, reach_map, street_map
    from jiceng.present.merge import merge_report
    from jiceng.present.model import Section
    from jiceng.present.plan import plan_report
    from jiceng.present.reach import reach_report
    from jiceng.present.report import Report
    from jiceng.present.trend import trend_report
    from jiceng.present.whatif import whatif_report


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module 'jiceng.present' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"jiceng.present.{_MODULES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
