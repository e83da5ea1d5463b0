"""Shared helper: attach street and district ids and names to a table of node codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphmodel import OrgGraph

__all__ = ["describe_nodes"]

UNATTRIBUTED = "（未归属 unattributed）"


def describe_nodes(graph: OrgGraph, codes: np.ndarray) -> pd.DataFrame:
    """``id, name, street, street_name, district, district_name`` for the given node codes."""
    codes = np.asarray(codes, dtype=np.int64)
    ids = graph.nodes["id"].to_numpy(dtype=object)
    names = graph.nodes["name"].to_numpy(dtype=object)
    out = {"id": ids[codes], "name": names[codes]}
    for level in ("street", "district"):
        place = graph.places[level].to_numpy()[codes]
        known = place >= 0
        safe = np.where(known, place, 0)
        out[level] = np.where(known, ids[safe], "")
        out[f"{level}_name"] = np.where(known, names[safe], UNATTRIBUTED)
    return pd.DataFrame(out)
