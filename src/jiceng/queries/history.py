"""A synthetic history: quarterly snapshots of one generated city in which the plan is taken up in
part (``jiceng generate --history N``; docs/design.md §9).

Each quarter the city's plan (:func:`jiceng.queries.plan.plan`) is made anew and a share of its
proposals is taken up (the edges become real ties, dated that year), while a few existing ties
lapse, as units move and pairings end; so coverage mostly rises, streets overtake each other,
and ``jiceng trend`` has something true to show. One street is renamed once, in the middle
quarter, to show that a renamed street stays one street. Deterministic by seed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jiceng.graphmodel import ArgumentError, OrgGraph
from jiceng.loaders import write_dataset
from jiceng.loaders.synthetic import generate
from jiceng.queries.plan import apply_plan, plan

__all__ = ["History", "history", "write_history", "quarter_labels", "MAX_QUARTERS"]

#: The most quarters one history holds (ten years).
MAX_QUARTERS = 40
#: The ties that lapse each quarter: this share of the pairings and part-time seats.
LAPSE = 0.005


@dataclass
class History:
    """The snapshots in order, their labels (``2025Q1`` ...), and the street renamed
    (``(id, old name, new name)``, None when there are fewer than three quarters)."""

    labels: list[str]
    graphs: list[OrgGraph]
    renamed: tuple[str, str, str] | None


def quarter_labels(count: int, start: str = "2025Q1") -> list[str]:
    """``count`` quarters from ``start``: ``2025Q1, 2025Q2, ...``.

    >>> quarter_labels(5, "2025Q3")
    ['2025Q3', '2025Q4', '2026Q1', '2026Q2', '2026Q3']
    """
    year, quarter = int(start[:4]), int(start[-1]) - 1
    return [f"{year + (quarter + i) // 4}Q{(quarter + i) % 4 + 1}" for i in range(count)]


def history(quarters: int, preset: str = "guiyang", *, seed: int = 1, scale: float = 1.0,
            uptake: float = 0.6) -> History:
    """``quarters`` snapshots of the city ``generate(preset, seed, scale)`` draws: the first as
    drawn; each next one takes up ``uptake`` of the previous one's plan (chosen at random) and
    loses :data:`LAPSE` of its pairings and part-time seats.

    >>> h = history(2, scale=0.05, seed=2)
    >>> h.labels, h.graphs[1].n_edges > h.graphs[0].n_edges
    (['2025Q1', '2025Q2'], True)
    """
    if not isinstance(quarters, int) or not 1 <= quarters <= MAX_QUARTERS:
        raise ArgumentError(f"季度数须在 1 到 {MAX_QUARTERS} 之间，而不是 {quarters!r}（the number "
                            f"of quarters must be from 1 to {MAX_QUARTERS}, not {quarters!r}）")
    if not 0 <= uptake <= 1:
        raise ArgumentError(f"采纳比例须在 0 到 1 之间，而不是 {uptake!r}（the uptake must be from "
                            f"0 to 1, not {uptake!r}）")
    labels = quarter_labels(quarters)
    graph, _ = generate(preset, seed=seed, scale=scale)
    graphs, renamed = [graph], None
    for at in range(1, quarters):
        rng = np.random.default_rng([seed, at])
        graph = _lapse(_take_up(graph, rng, uptake, labels[at][:4]), rng)
        if at == quarters // 2 and quarters >= 3:
            graph, renamed = _rename_street(graph, rng)
        graphs.append(graph)
    return History(labels, graphs, renamed)


def _take_up(graph: OrgGraph, rng: np.random.Generator, uptake: float, year: str) -> OrgGraph:
    """The graph with ``uptake`` of its plan's proposals made real ties, dated ``year``."""
    proposals = plan(graph).proposals
    taken = proposals.iloc[np.sort(rng.choice(len(proposals), size=round(len(proposals) * uptake),
                                              replace=False))] if len(proposals) else proposals
    had = set(graph.edges.columns)
    grown = apply_plan(graph, taken)
    edges = grown.edges.drop(columns=[c for c in ("status", "need") if c not in had])
    if "since" in edges.columns:
        new = np.arange(graph.n_edges, len(edges))
        since = edges["since"].astype("object")
        since.iloc[new] = year
        edges["since"] = since.astype(graph.edges["since"].dtype)
    return OrgGraph(grown.nodes, edges, name=graph.name)


def _lapse(graph: OrgGraph, rng: np.random.Generator) -> OrgGraph:
    """The graph without :data:`LAPSE` of its pairings and part-time seats, chosen at random."""
    ties = np.flatnonzero(graph.edges["kind"].isin(["pairs_with", "part_time"]).to_numpy())
    gone = rng.choice(ties, size=int(len(ties) * LAPSE), replace=False) if len(ties) else ties
    return graph.without(edges=gone)


def _rename_street(graph: OrgGraph, rng: np.random.Generator
                   ) -> tuple[OrgGraph, tuple[str, str, str]]:
    """The graph with one street (its committee, which names it) renamed: ``X街道党工委`` →
    ``X新城街道党工委``, as a street is renamed when a new town is built in it."""
    streets = np.flatnonzero((graph.nodes["kind"] == "street_committee").to_numpy())
    at = int(rng.choice(streets))
    old = str(graph.nodes["name"].iat[at])
    new = old.replace("街道", "新城街道", 1) if "街道" in old else f"{old}（新城）"
    nodes = graph.nodes.copy()
    names = nodes["name"].astype("object")
    names.iat[at] = new
    nodes["name"] = names.astype(graph.nodes["name"].dtype)
    return OrgGraph(nodes, graph.edges, name=graph.name), (str(nodes["id"].iat[at]), old, new)


def write_history(out: str | os.PathLike, quarters: int, preset: str = "guiyang", *,
                  seed: int = 1, scale: float = 1.0, uptake: float = 0.6) -> History:
    """Write :func:`history` to ``out/2025Q1``, ``out/2025Q2`` ... (each a dataset folder,
    written whole or not at all, with the existing dataset writer)."""
    made = history(quarters, preset, seed=seed, scale=scale, uptake=uptake)
    for label, graph in zip(made.labels, made.graphs):
        write_dataset(graph, Path(out) / label)
    return made
