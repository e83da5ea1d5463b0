"""A dataset's counts of nodes and edges by kind, as a report (``jiceng info``)."""

from __future__ import annotations

import pandas as pd

from jiceng.graphmodel import OrgGraph
from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS
from jiceng.present.model import Section
from jiceng.present.report import Report

__all__ = ["info_report"]


def info_report(graph: OrgGraph) -> Report:
    """The graph's nodes and edges counted by kind (:meth:`OrgGraph.summary`), with Chinese
    labels.

    >>> from jiceng import read_sample
    >>> info_report(read_sample()).json_data()["edges"]["leads"] > 0
    True
    """
    summary = graph.summary()
    labels = {**{k: v.zh for k, v in NODE_KINDS.items()}, **{k: v.zh for k, v in EDGE_KINDS.items()}}
    frame = pd.DataFrame({
        "table": summary["table"],
        "kind": summary["kind"],
        "name": summary["kind"].map(labels),
        "count": summary["count"],
    })
    nodes, edges = frame[frame["table"] == "node"], frame[frame["table"] == "edge"]
    return Report(
        title="数据集概况 Dataset summary",  # the dataset is named beside it
        dataset=graph.name,
        sections=[Section("nodes", "节点 Nodes", nodes.drop(columns="table"), keep_codes=("kind",)),
                  Section("edges", "关系 Edges", edges.drop(columns="table"), keep_codes=("kind",))],
        data={"dataset": graph.name, "nodes": dict(zip(nodes["kind"], nodes["count"])),
              "edges": dict(zip(edges["kind"], edges["count"])),
              "total_nodes": graph.n_nodes, "total_edges": graph.n_edges},
    )
