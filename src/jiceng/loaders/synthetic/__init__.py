"""A seeded synthetic city calibrated on the article's figures (the ``guiyang`` preset).

At scale 1 the totals equal the article's: 74 street Party working committees,
709 community Party organizations, 1,558 unit Party organizations that pair with
streets and communities, 356 street and 2,245 community part-time committee
members, 525 property companies with 273 Party organizations, 24 owners'
committee Party organizations, 150 red stations, 18 driver homes, 8,011
community workers and over 60,000 in-service Party members reporting to
communities. Grids, buildings, cadres, lawyers and committees are added at
realistic densities under Guiyang's real districts and counties. ``scale``
multiplies every count.

Coverage gaps, isolated and fragile communities and resource deserts are planted
on purpose, and :func:`generate` returns exactly which in a *truth* record that
is written beside the dataset as ``truth.json``.

The figures and names are data (:mod:`~jiceng.loaders.synthetic.figures`); the steps that place
the city's bodies (:mod:`~jiceng.loaders.synthetic.places`) and draw its co-building ties
(:mod:`~jiceng.loaders.synthetic.co_building`) are written with the drawing helpers of
:mod:`~jiceng.loaders.synthetic.draw`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from jiceng.graphmodel import OrgGraph
from jiceng.loaders.atomic import write_text_atomic
from jiceng.loaders.disk import write_dataset
from jiceng.loaders.synthetic import places
from jiceng.loaders.synthetic.co_building import units_and_ties
from jiceng.loaders.synthetic.draw import Tables
from jiceng.loaders.synthetic.figures import GUIYANG_TOTALS
from jiceng.loaders.synthetic.names import Namer

__all__ = ["PRESETS", "generate", "write_generated", "GUIYANG_TOTALS", "TRUTH_FILE"]

TRUTH_FILE = "truth.json"


def generate(preset: str = "guiyang", *, seed: int = 1, scale: float = 1.0
             ) -> tuple[OrgGraph, dict]:
    """Generate a synthetic city and the truth record of what was planted in it.

    Parameters
    ----------
    preset : str
        ``"guiyang"``, the article's city (the only preset so far).
    seed : int
        Seed of the random generator; the same seed and scale give the same dataset.
    scale : float
        Multiplies every count (about 150 is national).

    Returns
    -------
    graph : OrgGraph
    truth : dict
        ``totals``, and the planted ``gaps`` per default rule id, ``isolated``,
        ``fragile`` and ``single_points`` communities and ``deserts`` (at 2 hops).

    Examples
    --------
    >>> g, truth = generate(seed=7, scale=0.1)
    >>> g.count("community_party") == round(709 * 0.1)
    True
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r} (known: {', '.join(PRESETS)})")
    if not scale > 0:
        raise ValueError("scale must be greater than 0")
    rng = np.random.default_rng(seed)
    namer = Namer(seed)  # names and codes: a stream of their own, so they move no id or edge
    t = Tables()
    truth: dict = {"preset": preset, "seed": seed, "scale": scale, "hops": 2}
    gaps: dict[str, list[str]] = {}  # the steps plant their gaps here, by rule id

    # The steps draw from one generator in turn: their order makes the dataset, keep it.
    spine = places.draw_spine(rng, namer, t, scale)
    housing = places.draw_housing(rng, spine)
    places.streets_and_communities(rng, t, spine, housing, scale)
    branches = places.grids(rng, t, spine, housing, gaps)
    places.buildings(rng, t, housing, branches, gaps)
    places.liaison_cadres(rng, namer, t, spine, housing, gaps)
    places.legal_advisers(rng, namer, t, spine, gaps)
    no_dual_entry = places.residents_committees(rng, t, spine)
    companies, company_names, companies_no_dual_entry = places.property_companies(
        rng, namer, t, spine, housing, scale)
    places.property_parties(rng, t, companies, company_names, scale, gaps)
    owners, owner_words, owners_no_dual_entry = places.owners_committees(
        rng, namer, t, spine, housing, scale)
    gaps["dual-entry"] = sorted(no_dual_entry + companies_no_dual_entry + owners_no_dual_entry)
    places.owners_parties(rng, t, owners, owner_words, scale, gaps)
    places.social_orgs(rng, namer, t, spine, scale)
    places.service_stations(rng, namer, t, spine, housing, scale, gaps)
    cob = units_and_ties(rng, namer, t, spine, scale)
    gaps.update(cob.pop("gaps"))
    truth.update(cob)
    truth["gaps"] = {rule: sorted(ids) for rule, ids in gaps.items()}

    nodes, edges = t.frames()
    graph = OrgGraph.from_tables(nodes, edges, name=f"{preset}-seed{seed}-scale{scale:g}")
    return graph, truth


PRESETS = {"guiyang": "贵阳市 Guiyang, the article's city (docs/design.md §1)"}


def _totals(graph: OrgGraph) -> dict:
    nodes, edges = graph.nodes, graph.edges
    kinds = nodes["kind"].astype(str)
    target_kind = kinds.to_numpy()[edges["target"].to_numpy()]
    part = edges["kind"] == "part_time"
    return {
        **{k: int(v) for k, v in kinds.value_counts().sort_index().items()},
        "part_time_street": int((part & (target_kind == "street_committee")).sum()),
        "part_time_community": int((part & (target_kind == "community_party")).sum()),
        "red_station": int((nodes.get("type") == "red_station").sum()),
        "driver_home": int((nodes.get("type") == "driver_home").sum()),
        "workers": int(nodes["workers"].sum()),
        "reported_members": int(edges.loc[edges["kind"] == "reports_to", "members"].sum()),
        "paired_units": int(edges.loc[edges["kind"] == "pairs_with", "source"].nunique()),
    }


def write_generated(out: str | os.PathLike, preset: str = "guiyang", *, seed: int = 1,
                    scale: float = 1.0, excel: bool = False) -> tuple[OrgGraph, dict]:
    """Generate a dataset and write it to ``out`` with ``truth.json`` beside it."""
    graph, truth = generate(preset, seed=seed, scale=scale)
    truth["totals"] = _totals(graph)
    out = Path(out)
    write_dataset(graph, out)
    truth_path = (out.parent / f"{out.stem}.truth.json") if excel else out / TRUTH_FILE
    write_text_atomic(truth_path, json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True))
    return graph, truth
