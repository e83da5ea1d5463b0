"""How the generator draws: shares of a total, random subsets, serial ids, people's and places'
names, organizations covering runs of neighbours, and the tables it accumulates.

Each step of the generator (:mod:`~jiceng.loaders.synthetic.places`,
:mod:`~jiceng.loaders.synthetic.co_building`) is written with these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jiceng.loaders.synthetic.figures import GIVEN_NAMES, PLACE_FIRST, PLACE_LAST, SURNAMES

__all__ = ["apportion", "scaled", "random_subset", "Tables", "serial_ids", "people", "place_words",
           "rank_within", "random_member", "Runs", "cover_in_runs"]


def apportion(total: int, weights: np.ndarray, minimum: int = 1) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights``, each at least ``minimum``.

    Largest-remainder method: deterministic, and the parts sum to ``total`` exactly.

    >>> apportion(10, np.array([1.0, 1.0, 2.0])).tolist()
    [3, 3, 4]
    >>> apportion(10, np.array([1.0, 1.0, 2.0]), minimum=0).tolist()
    [3, 2, 5]
    """
    weights = np.asarray(weights, dtype=float)
    count = len(weights)
    rest = total - minimum * count
    if rest < 0:
        raise ValueError(f"cannot split {total} into {count} parts of at least {minimum}")
    share = weights / weights.sum() * rest
    parts = np.floor(share).astype(np.int64)
    short = rest - parts.sum()
    order = np.argsort(-(share - parts), kind="stable")
    parts[order[:short]] += 1
    return parts + minimum


def scaled(base: float, scale: float, minimum: int = 1) -> int:
    """A count of the article's ``base`` at ``scale``, at least ``minimum``."""
    return max(minimum, int(round(base * scale)))


def random_subset(rng: np.random.Generator, pool: np.ndarray, fraction: float,
                  scale_count: int | None = None, minimum: int = 1) -> np.ndarray:
    """A sorted random subset of ``pool``: ``fraction`` of it, at least ``minimum`` when possible."""
    count = scale_count if scale_count is not None else max(minimum, int(round(fraction * len(pool))))
    count = min(count, len(pool))
    return np.sort(rng.choice(pool, size=count, replace=False)) if count else pool[:0]


@dataclass
class Tables:
    """Accumulates node and edge columns as arrays, then makes the two tables."""

    nodes: list[pd.DataFrame] = field(default_factory=list)
    edges: list[pd.DataFrame] = field(default_factory=list)

    def node(self, kind: str, ids, names, **attrs) -> None:
        ids = np.asarray(ids, dtype=object)
        frame = {"id": ids, "kind": kind, "name": np.asarray(names, dtype=object)}
        frame.update({k: v for k, v in attrs.items()})
        self.nodes.append(pd.DataFrame(frame))

    def edge(self, kind: str, sources, targets, **attrs) -> None:
        sources = np.asarray(sources, dtype=object)
        if len(sources) == 0:
            return
        frame = {"source": sources, "target": np.asarray(targets, dtype=object), "kind": kind}
        frame.update(attrs)
        self.edges.append(pd.DataFrame(frame))

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        nodes = pd.concat(self.nodes, ignore_index=True)
        edges = pd.concat(self.edges, ignore_index=True)
        return _as_text(nodes), _as_text(edges)


def _as_text(table: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_float_dtype(values):
            values = values.astype("Int64")
        text = values.astype("str")
        out[column] = text.mask(values.isna())
    return pd.DataFrame(out)


def serial_ids(prefix: str, count: int, width: int | None = None) -> np.ndarray:
    """``count`` ids ``prefix`` + a number from 1, zero-padded to ``width`` digits."""
    width = width or max(4, len(str(count)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, count + 1)], dtype=object)


def people(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` people's names."""
    s = rng.integers(0, len(SURNAMES), count)
    g1 = rng.integers(0, len(GIVEN_NAMES), count)
    g2 = rng.integers(0, len(GIVEN_NAMES), count)
    two = rng.random(count) < 0.6
    return np.array([SURNAMES[a] + GIVEN_NAMES[b] + (GIVEN_NAMES[c] if t else "")
                     for a, b, c, t in zip(s, g1, g2, two)], dtype=object)


def place_words(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` place words, as communities, estates and firms are named."""
    a = rng.integers(0, len(PLACE_FIRST), count)
    b = rng.integers(0, len(PLACE_FIRST), count)
    c = rng.integers(0, len(PLACE_LAST), count)
    return np.array([PLACE_FIRST[x] + PLACE_FIRST[y] + PLACE_LAST[z] if x != y
                     else PLACE_FIRST[x] + PLACE_LAST[z] for x, y, z in zip(a, b, c)], dtype=object)


def _group_runs(keys: np.ndarray, join: np.ndarray) -> np.ndarray:
    """Group numbers for a sorted sequence: item i joins item i-1's group when ``join[i]``
    and both share a key (joint organizations cover neighbours in one area)."""
    same = np.zeros(len(keys), dtype=bool)
    same[1:] = keys[1:] == keys[:-1]
    return np.cumsum(~(join & same)) - 1


def rank_within(per_group: np.ndarray) -> np.ndarray:
    """Each item's place in its group, from 0, for items laid out group after group."""
    return np.arange(int(per_group.sum())) - np.repeat(np.cumsum(per_group) - per_group, per_group)


def random_member(rng: np.random.Generator, start: np.ndarray, size: np.ndarray,
                  groups: np.ndarray) -> np.ndarray:
    """For each entry ``g`` of ``groups``, a random one of the ``size[g]`` rows from ``start[g]``."""
    return start[groups] + (rng.random(len(groups)) * size[groups]).astype(int)


@dataclass
class Runs:
    """Organizations that each cover one item or a run of neighbours, some items left out."""

    missing: np.ndarray  # the rows left without one (a planted gap)
    covered: np.ndarray  # the other rows
    of: np.ndarray  # the organization (row of ``ids``) of each covered row
    ids: np.ndarray
    first: np.ndarray  # where in ``covered`` each organization's first row is


def cover_in_runs(rng: np.random.Generator, keys: np.ndarray, missing_share: float,
                  join_share: float, prefix: str, width: int) -> Runs:
    """Leave ``missing_share`` of the items uncovered and cover the rest one organization
    each, or one for a run of neighbours (``join_share`` of them) that share a key."""
    rows = np.arange(len(keys))
    missing = random_subset(rng, rows, missing_share)
    covered = np.setdiff1d(rows, missing)
    organization = _group_runs(keys[covered], rng.random(len(covered)) < join_share)
    count = int(organization.max()) + 1 if len(covered) else 0
    return Runs(missing=missing, covered=covered, of=organization,
                ids=serial_ids(prefix, count, width),
                first=np.unique(organization, return_index=True)[1])

