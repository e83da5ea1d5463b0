"""Presentation: the report model and the formats it is written in.

This layer may import ``jiceng.graphmodel``, ``jiceng.loaders`` and ``jiceng.queries``, never
the CLI. Names are imported on first use, so that a command loads only what it writes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["Report", "Section"]

#: The module that defines each name of ``__all__``.
_MODULES = {"Report": "report", "Section": "model"}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from jiceng.present.model import Section
    from jiceng.present.report import Report


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module 'jiceng.present' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"jiceng.present.{_MODULES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
