"""A list of districts, streets, communities or units as a report (``jiceng list``)."""

from __future__ import annotations

from typing import cast

import pandas as pd

from jiceng.graphmodel.schema import NODE_KINDS
from jiceng.present.model import Section
from jiceng.present.report import Report

__all__ = ["list_report"]


def list_report(found: pd.DataFrame, *, kind: str, what: str | None = None,
                keyword: str | None = None, dataset: str = "") -> Report:
    """The nodes ``found`` by :func:`~jiceng.queries.lookup.find_nodes` (one ``kind``), with
    their district and street. ``what`` names the list (``communities``; default: the kind),
    ``keyword`` what they were found by. Its JSON is a list (docs/design.md §6), not an object.

    >>> from jiceng import read_sample
    >>> from jiceng.queries.lookup import find_nodes
    >>> found = find_nodes(read_sample(), ["district_committee"])
    >>> list_report(found, kind="district_committee").title
    '区(县)委 district (county) Party committee: 11'
    """
    what = what or kind
    rows = [{"id": i, "name": n, "kind": k, "district": d, "street": s}
            for i, n, k, d, s in zip(found["id"], found["name"], found["kind"], found["district"],
                                     found["street"])]
    shown = found[["id", "name", "district", "district_name", "street", "street_name"]]
    if kind in ("district_committee", "street_committee"):
        shown = shown.drop(columns=["street", "street_name"])
    if kind == "district_committee":
        shown = shown.drop(columns=["district", "district_name"])
    zh = NODE_KINDS[kind].zh
    title = f"{zh} {NODE_KINDS[kind].en}: {len(found)}"
    if keyword:
        title += f" · 含 containing '{keyword}'"
    return Report(title=title, dataset=dataset,
                  sections=[Section(what, f"{zh} {what}", shown)],
                  # docs/design.md §6: the JSON of `list` is a list, not an object
                  data=cast(dict, rows))
