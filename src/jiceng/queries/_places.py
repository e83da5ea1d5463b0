"""Shared helper: attach street and district ids and names to a table of node codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jiceng.graphmodel import OrgGraph

__all__ = ["describe_nodes", "place_names"]

UNATTRIBUTED = "（未归属 unattributed）"


def describe_nodes(graph: OrgGraph, codes: np.ndarray) -> pd.DataFrame:
    """``id, name, street, street_name, district, district_name`` for the given node codes."""
    codes = np.asarray(codes, dtype=np.int64)
    out = {"id": graph.node_values("id", codes), "name": graph.node_values("name", codes)}
    for level in ("street", "district"):
        place = graph.places[level].to_numpy()[codes]
        out[level], out[f"{level}_name"] = place_names(graph, place)
    return pd.DataFrame(out)


def place_names(graph: OrgGraph, place: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ids and names (object arrays) of place codes; "" and UNATTRIBUTED where a code is -1.

    Looks up each distinct place once, so it costs O(len(place)) plus the few places.
    """
    place = np.asarray(place, dtype=np.int64)
    distinct, inverse = np.unique(place, return_inverse=True)
    known = distinct >= 0
    ids = np.full(len(distinct), "", dtype=object)
    names = np.full(len(distinct), UNATTRIBUTED, dtype=object)
    ids[known] = graph.node_values("id", distinct[known])
    names[known] = graph.node_values("name", distinct[known])
    return ids[inverse.reshape(-1)], names[inverse.reshape(-1)]
