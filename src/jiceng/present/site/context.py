"""What every page of the site reads, worked out once: the queries' results and the places.

The audit, isolation, reach and plan are run once for the whole city; a district's or a
street's page shows them restricted to the place (:mod:`jiceng.queries.scope`), as
``jiceng audit --street`` and ``jiceng plan --street`` do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

import numpy as np
import pandas as pd

from jiceng.graphmodel import OrgGraph
from jiceng.present.audit import audit_report
from jiceng.present.labels import VALUE_LABELS
from jiceng.present.maps.facts import Facts
from jiceng.present.maps.street import place_file_name
from jiceng.present.report import Report
from jiceng.present.tiers import DEFAULT_TIERS, Tiers
from jiceng.queries.coverage import AuditResult, audit
from jiceng.queries.isolation import IsolationResult, isolation
from jiceng.queries.plan import PlanResult, plan
from jiceng.queries.reach import ReachResult, reach
from jiceng.queries.scope import Place

__all__ = ["SiteContext", "page_of", "row_anchor", "community_status"]


def page_of(level: str, place_id: str) -> str:
    """The address of a place's page relative to the site's folder: ``index.html`` for the
    city, ``district-<ID>.html``, ``street-<ID>.html`` (the file the overview map links to)."""
    return "index.html" if level == "city" else quote(place_file_name(level, place_id))


def row_anchor(kind: str, node_id: str) -> str:
    """The ``id`` of a node's row on its page: ``c-<ID>`` for a community, ``u-<ID>`` for a
    unit Party organization."""
    return ("c-" if kind == "community_party" else "u-") + node_id


@dataclass
class SiteContext:
    """The results every page reads, the places, and the crumbs up from each place."""

    graph: OrgGraph
    tiers: Tiers = DEFAULT_TIERS
    audit: AuditResult = field(init=False)
    isolation: IsolationResult = field(init=False)
    reach: ReachResult = field(init=False)
    plan: PlanResult = field(init=False)
    facts: Facts = field(init=False)
    city_report: Report = field(init=False)
    streets: list[Place] = field(init=False)
    districts: list[Place] = field(init=False)

    def __post_init__(self) -> None:
        graph = self.graph
        self.audit = audit(graph)
        self.isolation = isolation(graph)
        self.reach = reach(graph)
        self.plan = plan(graph)
        self.facts = Facts(graph, self.audit, self.isolation, self.reach)
        self.city_report = audit_report(self.audit, dataset=graph.name, by="street",
                                        tiers=self.tiers)
        self.districts, self.streets = _places(graph)

    @property
    def city_name(self) -> str:
        cities = np.flatnonzero(self.graph.is_kind("city_committee"))
        return str(self.graph.nodes["name"].iat[cities[0]]) if len(cities) else "全市 City"

    def district_of(self, street: Place) -> Place | None:
        return next((d for d in self.districts if d.id == street.district), None)

    def crumbs(self, place: Place | None) -> list[tuple[str, str]]:
        """The way up from ``place``: (name, address) of the city, its district, itself."""
        out = [(self.city_name, page_of("city", ""))]
        if place is None:
            return out
        district = self.district_of(place) if place.level == "street" else place
        if district is not None:
            out.append((district.name, page_of("district", district.id)))
        if place.level == "street":
            out.append((place.name, page_of("street", place.id)))
        return out

    def headline(self, mask: np.ndarray | None = None) -> dict[str, int]:
        """Communities (in ``mask``, a node mask; all without) with a problem, isolated,
        fragile, resource deserts, and how many there are."""
        facts, graph = self.facts, self.graph
        chosen = graph.is_kind("community_party")
        if mask is not None:
            chosen = chosen & mask
        ids = [str(i) for i in facts.ids[np.flatnonzero(chosen)]]
        status = [facts.status.get(i, []) for i in ids]
        return {"communities": len(ids), "problem": sum(facts.is_problem(i) for i in ids),
                "isolated": sum("isolated" in s for s in status),
                "fragile": sum("fragile" in s for s in status),
                "deserts": sum("desert" in s for s in status)}


def _places(graph: OrgGraph) -> tuple[list[Place], list[Place]]:
    """Every district and every street as a :class:`Place`, by id."""
    ids = graph.nodes["id"].to_numpy(dtype=object)
    names = graph.nodes["name"].to_numpy(dtype=object)
    district_of = graph.places["district"].to_numpy()
    streets_codes = np.flatnonzero(graph.is_kind("street_committee"))
    by_district: dict[int, list[str]] = {}
    for s in streets_codes.tolist():
        by_district.setdefault(int(district_of[s]), []).append(str(ids[s]))
    districts = [Place(str(ids[d]), str(names[d]), "district",
                       frozenset(by_district.get(d, [])), str(ids[d]))
                 for d in np.flatnonzero(graph.is_kind("district_committee")).tolist()]
    streets = [Place(str(ids[s]), str(names[s]), "street", frozenset([str(ids[s])]),
                     str(ids[district_of[s]]) if district_of[s] >= 0 else "")
               for s in streets_codes.tolist()]
    return (sorted(districts, key=lambda p: p.id), sorted(streets, key=lambda p: p.id))


def community_status(facts: Facts, ids: pd.Series) -> list[str]:
    """Each community's status as people read it: 孤立、脆弱、资源荒漠, or empty."""
    return ["、".join(VALUE_LABELS[s] for s in facts.status.get(str(i), [])) for i in ids]
