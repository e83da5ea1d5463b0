"""Where nodes stand: radial trees and shelf packing, computed before the page opens.

Positions are worked out in Python (deterministic, no physics), so a map of thousands of
nodes draws at once and draws the same every time.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["radial_positions", "pack", "pack_to_aspect"]


def radial_positions(parent: dict[int, int | None], order: list[int], scale: float = 110.0,
                     spacing: float = 46.0) -> dict[int, tuple[float, float]]:
    """A radial tree layout: each subtree gets an angle range in proportion to its leaves,
    and each ring is wide enough for the nodes on it (``spacing`` apart).

    >>> positions = radial_positions({1: None, 2: 1, 3: 1}, [1, 2, 3])
    >>> [round(math.hypot(*positions[k])) for k in (1, 2, 3)]  # the root, then its ring
    [0, 110, 110]
    """
    children: dict[int | None, list[int]] = {}
    for node in order:
        children.setdefault(parent.get(node), []).append(node)
    roots = children.get(None, [])
    depth: dict[int, int] = {}
    walk = [(r, 0 if len(roots) == 1 else 1) for r in roots]
    post: list[int] = []
    while walk:
        node, d = walk.pop()
        depth[node] = d
        post.append(node)
        walk.extend((c, d + 1) for c in children.get(node, []))
    leaves: dict[int, int] = {}
    for node in reversed(post):
        leaves[node] = max(1, sum(leaves[c] for c in children.get(node, [])))
    per_depth = np.bincount(list(depth.values())) if depth else np.zeros(1, int)
    radius = [0.0]
    for d in range(1, len(per_depth)):
        radius.append(max(radius[-1] + scale, per_depth[d] * spacing / (2 * math.pi)))
    total = sum(leaves[r] for r in roots) or 1
    positions: dict[int, tuple[float, float]] = {}
    stack = []
    start = 0.0
    for root in roots:
        span = 2 * math.pi * leaves[root] / total
        stack.append((root, start, start + span))
        start += span
    while stack:
        node, a, b = stack.pop()
        angle = (a + b) / 2
        r = radius[depth[node]]
        positions[node] = (r * math.cos(angle), r * math.sin(angle))
        inner = a
        for kid in children.get(node, []):
            span = (b - a) * leaves[kid] / leaves[node]
            stack.append((kid, inner, inner + span))
            inner += span
    return positions


def pack(sizes: list[tuple[float, float]], width: float, gap: float = 30.0
         ) -> tuple[list[tuple[float, float]], float, float]:
    """Shelf packing: place boxes left to right in rows no wider than ``width``.
    Returns the top-left corner of each box and the total width and height.

    >>> pack([(10, 5), (10, 8), (10, 5)], width=25, gap=2)
    ([(0.0, 0.0), (12.0, 0.0), (0.0, 10.0)], 22.0, 15.0)
    """
    corners, x, y, row_height, total_width = [], 0.0, 0.0, 0.0, 0.0
    for w, h in sizes:
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        corners.append((x, y))
        x += w + gap
        row_height = max(row_height, h)
        total_width = max(total_width, x - gap)
    return corners, total_width, y + row_height


def pack_to_aspect(sizes: list[tuple[float, float]], aspect: float, gap: float = 30.0
                   ) -> tuple[list[tuple[float, float]], float, float]:
    """Shelf packing whose width is chosen so the whole is about ``aspect`` wide per high.

    ``sizes`` may not be empty: an empty picture has no aspect.
    """
    area = sum((w + gap) * (h + gap) for w, h in sizes)
    widest = max((w for w, _ in sizes), default=0.0)
    best = None
    for factor in (0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6):
        width = max(widest, math.sqrt(area * aspect) * factor)
        corners, w, h = pack(sizes, width, gap)
        score = abs(math.log(max(w, 1) / max(h, 1) / aspect)) + 0.3 * math.log(max(w * h, 1) / area)
        if best is None or score < best[0]:
            best = (score, corners, w, h)
    assert best is not None
    return best[1], best[2], best[3]
