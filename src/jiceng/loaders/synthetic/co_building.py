"""The co-building step: the units and their Party organizations, and every tie through which
they share resources with streets and communities (pairings, part-time committee members,
in-service members reporting), with the weaknesses planted among them: neglected streets,
isolated and fragile communities, too few part-time members, no pairing (docs/design.md §4.2).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jiceng.loaders.synthetic.draw import (
    Tables,
    apportion,
    people,
    random_member,
    random_subset,
    scaled,
    serial_ids,
)
from jiceng.loaders.synthetic.figures import (
    GUIYANG_TOTALS,
    PAIRING_CONTENTS,
    PART_TIME_ROLES,
    UNIT_KINDS,
    UNIT_ORGS,
)
from jiceng.loaders.synthetic.names import Namer, expand
from jiceng.loaders.synthetic.places import Spine

__all__ = ["units_and_ties"]


# What the co-building step plants in each community: isolated ones have no ties, fragile ones
# hang on one unit, and some lack a pairing or have too few part-time members.
_NORMAL, _ISOLATED, _FRAGILE, _NO_PAIR, _FEW_PT = range(5)
_OPEN = [_NORMAL, _NO_PAIR, _FEW_PT]  # ties from several units of their street
_PAIRABLE = [_NORMAL, _FEW_PT]


@dataclass
class _StreetStatus:
    """The streets planted without ties: neglected (none at all), no part-time members, no pairing."""

    neglected: np.ndarray
    part_time_ok: np.ndarray  # per street
    pairing_ok: np.ndarray  # per street


@dataclass
class _Units:
    """The units with a Party organization, street after street, and those without one."""

    party_ids: np.ndarray
    per_street: np.ndarray
    start: np.ndarray  # the row of each street's first unit
    plain: np.ndarray

    def of_street(self, street: int) -> np.ndarray:
        return self.party_ids[self.start[street]: self.start[street] + self.per_street[street]]


@dataclass
class _Plan:
    """What the co-building ties are drawn against."""

    spine: Spine
    status: np.ndarray  # per community
    deserts: list[int]  # community rows
    streets: _StreetStatus
    units: _Units
    part_time_need: np.ndarray  # per community
    street_part_time_need: np.ndarray
    pairable_by_district: dict[int, list[int]]  # community rows


@dataclass
class _Ties:
    """The co-building ties drawn so far, as (unit Party organization, target) pairs."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    part_street: list[tuple[str, str]] = field(default_factory=list)
    part_comm: list[tuple[str, str]] = field(default_factory=list)
    reports: list[tuple[str, str]] = field(default_factory=list)
    single_points: dict[str, list[str]] = field(default_factory=dict)  # unit -> communities


def units_and_ties(rng: np.random.Generator, namer: Namer, t: Tables, spine: Spine,
                   scale: float) -> dict:
    """Units, their Party organizations and every co-building tie, with planted weaknesses."""
    comm_per_street = np.bincount(spine.comm_street, minlength=spine.n_streets)
    streets = _street_statuses(rng, comm_per_street)
    status, deserts = _community_statuses(rng, spine, streets.neglected, scale)
    units = _units(rng, namer, t, spine, comm_per_street, scale)
    need, street_need = _part_time_needs(rng, status, streets.part_time_ok, comm_per_street, scale)
    plan = _Plan(spine, status, deserts, streets, units, need, street_need,
                 _pairable_by_district(spine, status))
    ties = _Ties()
    for s in range(spine.n_streets):
        _street_ties(rng, plan, s, ties)
    _second_reporting_units(plan, ties)
    _write_ties(rng, t, ties, scale)
    return _planted_weaknesses(plan, ties)


def _street_statuses(rng: np.random.Generator, comm_per_street: np.ndarray) -> _StreetStatus:
    """About 2.7% of the streets each: neglected, without part-time members, without a pairing."""
    n_streets = len(comm_per_street)
    streets = np.arange(n_streets)
    roomy = streets[comm_per_street >= 3]
    n_each = max(1, int(round(0.027 * n_streets)))
    neglected = random_subset(rng, roomy if len(roomy) >= n_each else streets, 0,
                              scale_count=n_each)
    rest = np.setdiff1d(streets, neglected)
    no_pt_street = random_subset(rng, rest, 0, scale_count=min(n_each, max(0, len(rest) - 1)))
    rest = np.setdiff1d(rest, no_pt_street)
    no_pair_street = random_subset(rng, rest, 0, scale_count=min(n_each, max(0, len(rest) - 1)))
    street_pt_ok = np.ones(n_streets, bool)
    street_pt_ok[neglected] = street_pt_ok[no_pt_street] = False
    street_pair_ok = np.ones(n_streets, bool)
    street_pair_ok[neglected] = street_pair_ok[no_pair_street] = False
    return _StreetStatus(neglected, street_pt_ok, street_pair_ok)


def _community_statuses(rng: np.random.Generator, spine: Spine, neglected: np.ndarray,
                        scale: float) -> tuple[np.ndarray, list[int]]:
    """Each community's status, and the deserts: isolated communities of neglected streets."""
    comm_street = spine.comm_street
    status = np.full(spine.n_comm, _NORMAL)
    deserts = []
    for s in neglected:
        members = np.flatnonzero(comm_street == s)
        deserts += rng.choice(members, size=min(2, len(members) - 1), replace=False).tolist()
    status[deserts] = _ISOLATED
    for kind, base in ((_ISOLATED, 8), (_FRAGILE, 10), (_NO_PAIR, 10), (_FEW_PT, 10)):
        pool = np.flatnonzero((status == _NORMAL) & ~np.isin(comm_street, neglected))
        status[random_subset(rng, pool, 0, scale_count=scaled(base, scale))] = kind
    return status, deserts


def _units(rng: np.random.Generator, namer: Namer, t: Tables, spine: Spine,
           comm_per_street: np.ndarray, scale: float) -> _Units:
    """The units, each within its street or a community of it, and their Party organizations.

    A street has at least two units per community plus one, the rest by its size; a few
    units have no Party organization. Each unit has a name of its own in the city and a
    unified social credit code.
    """
    n_streets = spine.n_streets
    n_up = scaled(GUIYANG_TOTALS["unit_party"], scale)
    weights = comm_per_street.astype(float)
    floor = 2 * comm_per_street + 1
    if floor.sum() > n_up:
        floor = np.maximum(1, (comm_per_street * n_up) // comm_per_street.sum())
    extra = apportion(n_up - int(floor.sum()), weights, minimum=0) if n_up > floor.sum() else 0
    units_per_street = floor + extra
    unit_street = np.repeat(np.arange(n_streets), units_per_street)
    up_ids = serial_ids("UP", n_up, 5)
    n_units_plain = max(1, int(round(0.04 * n_up)))  # units without a Party organization
    unit_ids = serial_ids("U", n_up + n_units_plain, 5)
    plain_street = rng.choice(n_streets, size=n_units_plain)
    all_unit_street = np.concatenate([unit_street, plain_street])
    # The units' kinds were drawn here from the structure's stream before they named units of
    # their own; that draw stays, so every later draw (and so the structure) is unchanged.
    rng.integers(0, 20, len(unit_ids))
    types = namer.unit_kinds(len(unit_ids))
    # a unit is within its street, or within a community of it
    in_comm = rng.random(len(unit_ids)) < 0.7
    starts = np.cumsum(comm_per_street) - comm_per_street
    comm_pick = random_member(rng, starts, comm_per_street, all_unit_street)
    unit_names = _unit_names(namer, spine, types, all_unit_street, np.where(
        in_comm, comm_pick, random_member(namer.rng, starts, comm_per_street, all_unit_street)))
    district = spine.street_district[all_unit_street]
    t.node("unit", unit_ids, unit_names, uscc=namer.codes(
        [UNIT_KINDS[k][1] for k in types], spine.district_division[district]))
    where = np.where(in_comm, spine.comm_ids[comm_pick], spine.street_ids[all_unit_street])
    t.edge("within", unit_ids, where)
    org = rng.integers(0, len(UNIT_ORGS), n_up)
    t.node("unit_party", up_ids, [f"{unit_names[i]}{UNIT_ORGS[o]}" for i, o in enumerate(org)],
           members=rng.integers(8, 300, n_up))
    t.edge("covers", up_ids, unit_ids[:n_up])
    return _Units(party_ids=up_ids, per_street=units_per_street,
                  start=np.cumsum(units_per_street) - units_per_street, plain=unit_ids[n_up:])


def _unit_names(namer: Namer, spine: Spine, types: np.ndarray, street: np.ndarray,
                community: np.ndarray) -> np.ndarray:
    """Each unit's name, the first free of its kind's (a street-level unit is named after a
    community of its street where its kind names one)."""
    district = spine.district_names[spine.street_district[street]]
    return np.array([namer.first_free("unit", expand(UNIT_KINDS[k][0], {
        "s": spine.street_short[s], "c": spine.comm_word[c], "d": d}, namer.word))
        for k, s, c, d in zip(types, street, community, district)], dtype=object)


def _part_time_needs(rng: np.random.Generator, status: np.ndarray, street_ok: np.ndarray,
                     comm_per_street: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """How many part-time members each community and each street gets.

    Three for a community that needs them, none for an isolated one, one or two for FEW_PT,
    and the spare ones spread over the open communities; the streets' by their size.
    """
    n_comm, n_streets = len(status), len(comm_per_street)
    pt_comm_total = scaled(GUIYANG_TOTALS["part_time_community"], scale)
    pt_street_total = scaled(GUIYANG_TOTALS["part_time_street"], scale)
    pt_need = np.where(np.isin(status, [_NORMAL, _NO_PAIR, _FRAGILE]), 3, 0)
    few = np.flatnonzero(status == _FEW_PT)
    pt_need[few] = rng.integers(1, 3, len(few))
    spare = pt_comm_total - int(pt_need.sum())
    open_normal = np.flatnonzero(np.isin(status, [_NORMAL, _NO_PAIR]))
    if spare < 0 or len(open_normal) == 0:
        raise ValueError(f"scale {scale} is too small for the guiyang preset")
    pt_need[open_normal] += np.bincount(rng.choice(open_normal, size=spare), minlength=n_comm)[open_normal]
    pt_street_ok_ids = np.flatnonzero(street_ok)
    pt_street_need = np.zeros(n_streets, int)
    pt_street_need[pt_street_ok_ids] = apportion(pt_street_total, comm_per_street[pt_street_ok_ids] + 1.0)
    return pt_need, pt_street_need


def _pairable_by_district(spine: Spine, status: np.ndarray) -> dict[int, list[int]]:
    """The pairable communities of each district, for units that pair beyond their street."""
    by_district: dict[int, list[int]] = {}
    for c in np.flatnonzero(np.isin(status, _PAIRABLE)):
        by_district.setdefault(int(spine.street_district[spine.comm_street[c]]), []).append(int(c))
    return by_district


def _street_ties(rng: np.random.Generator, plan: _Plan, s: int, ties: _Ties) -> None:
    """The ties of one street's units: pairings, part-time members and reporting members."""
    units = plan.units.of_street(s).copy()
    rng.shuffle(units)
    turns = itertools.cycle(units)  # a tie that needs a unit takes the street's next one
    comms = np.flatnonzero(plan.spine.comm_street == s)
    _pairings(rng, plan, s, comms, units, turns, ties)
    _part_time_members(plan, s, comms, turns, ties)
    _reporting_members(rng, plan, comms, units, ties)


def _pairings(rng: np.random.Generator, plan: _Plan, s: int, comms: np.ndarray,
              units: np.ndarray, turns: Iterator[str], ties: _Ties) -> None:
    """Every pairable community of the street, and the street when it should, gets a partner;
    fragile communities hang on one unit; then every unit pairs at least once."""
    spine, status = plan.spine, plan.status
    pairable = comms[np.isin(status[comms], _PAIRABLE)]
    paired: set[str] = set()
    for c in pairable:
        unit = next(turns)
        ties.pairs.append((unit, spine.comm_ids[c]))
        paired.add(unit)
    if plan.streets.pairing_ok[s]:
        unit = next(turns)
        ties.pairs.append((unit, spine.street_ids[s]))
        paired.add(unit)
    # fragile communities depend on one unit only: a pairing, three part-time members
    # and its reporting members, all from that unit
    for c in comms[status[comms] == _FRAGILE]:
        unit = next(turns)
        ties.pairs.append((unit, spine.comm_ids[c]))
        paired.add(unit)
        ties.part_comm += [(unit, spine.comm_ids[c])] * int(plan.part_time_need[c])
        ties.reports.append((unit, spine.comm_ids[c]))
        ties.single_points.setdefault(unit, []).append(spine.comm_ids[c])
    # every other unit pairs too, and about a quarter of all once more
    for unit in units:
        if unit not in paired:
            ties.pairs.append((unit, _partner(rng, plan, s, pairable)))
        if rng.random() <= 0.25:
            ties.pairs.append((unit, _partner(rng, plan, s, pairable)))


def _partner(rng: np.random.Generator, plan: _Plan, s: int, pairable: np.ndarray) -> str:
    """A partner for a unit of street ``s``: mostly in its street, sometimes in its district."""
    spine, pairing_ok = plan.spine, plan.streets.pairing_ok
    roll = rng.random()
    nearby = plan.pairable_by_district.get(int(spine.street_district[s]), [])
    if pairing_ok[s] and roll < 0.15:
        return spine.street_ids[s]
    if len(pairable) and roll < 0.9:
        return spine.comm_ids[rng.choice(pairable)]
    if nearby:
        return spine.comm_ids[nearby[rng.integers(len(nearby))]]
    if pairing_ok[s]:
        return spine.street_ids[s]
    other = np.flatnonzero(pairing_ok)
    return spine.street_ids[rng.choice(other)] if len(other) else spine.comm_ids[
        rng.choice(np.flatnonzero(np.isin(plan.status, _PAIRABLE)))]


def _part_time_members(plan: _Plan, s: int, comms: np.ndarray, turns: Iterator[str],
                       ties: _Ties) -> None:
    """Part-time members of the open communities and of the street, from its units in turn
    (so from at least two different units for each open community)."""
    for c in comms[np.isin(plan.status[comms], _OPEN)]:
        for _ in range(int(plan.part_time_need[c])):
            ties.part_comm.append((next(turns), plan.spine.comm_ids[c]))
    for _ in range(int(plan.street_part_time_need[s])):
        ties.part_street.append((next(turns), plan.spine.street_ids[s]))


def _reporting_members(rng: np.random.Generator, plan: _Plan, comms: np.ndarray,
                       units: np.ndarray, ties: _Ties) -> None:
    """In-service members of each unit report to one or two open communities around them."""
    reportable = comms[np.isin(plan.status[comms], _OPEN)]
    if len(reportable):
        for unit in units:
            for c in rng.choice(reportable, size=min(len(reportable), 1 + int(rng.random() < 0.4)),
                                replace=False):
                ties.reports.append((unit, plan.spine.comm_ids[c]))


def _second_reporting_units(plan: _Plan, ties: _Ties) -> None:
    """No open community may hang on one unit by accident: add a second reporting unit."""
    comm_ids = plan.spine.comm_ids
    community_level = pd.DataFrame(ties.pairs + ties.part_comm + ties.reports,
                                   columns=["unit", "community"])
    community_level = community_level[community_level["community"].isin(comm_ids)]
    distinct = community_level.groupby("community")["unit"].nunique()
    open_ids = comm_ids[np.isin(plan.status, _OPEN)]
    for cid in open_ids:
        if distinct.get(cid, 0) >= 2:
            continue
        row = int(np.searchsorted(comm_ids, cid))
        street = int(plan.spine.comm_street[row])
        have = set(community_level.loc[community_level["community"] == cid, "unit"])
        for unit in plan.units.of_street(street):
            if unit not in have:
                ties.reports.append((unit, cid))
                have.add(unit)
                if len(have) >= 2:
                    break


def _write_ties(rng: np.random.Generator, t: Tables, ties: _Ties, scale: float) -> None:
    """The ties as edges: pairings with their contents and year, part-time members by name,
    reporting members by number (at least the article's 60,000 at scale 1)."""
    pairs_df = pd.DataFrame(ties.pairs, columns=["source", "target"])
    since = rng.integers(2017, 2025, len(pairs_df))
    contents = [";".join(PAIRING_CONTENTS[: 1 + k]) for k in rng.integers(0, 3, len(pairs_df))]
    t.edge("pairs_with", pairs_df["source"], pairs_df["target"], contents=contents,
           since=since.astype(str))
    for part_time in (ties.part_street, ties.part_comm):
        frame = pd.DataFrame(part_time, columns=["source", "target"])
        t.edge("part_time", frame["source"], frame["target"], person=people(rng, len(frame)),
               role=PART_TIME_ROLES[0])
    rep = pd.DataFrame(ties.reports, columns=["source", "target"])
    members = rng.integers(15, 70, len(rep))
    floor_members = int(GUIYANG_TOTALS["reported_members_at_least"] * scale)
    if members.sum() < floor_members:
        members = np.ceil(members * floor_members / members.sum()).astype(int)
    t.edge("reports_to", rep["source"], rep["target"], members=members)


def _planted_weaknesses(plan: _Plan, ties: _Ties) -> dict:
    """The truth record of the co-building step: its gaps by rule, and the planted communities."""
    spine, status, streets = plan.spine, plan.status, plan.streets
    comm_ids, street_ids = spine.comm_ids, spine.street_ids
    isolated = comm_ids[status == _ISOLATED]
    fragile = comm_ids[status == _FRAGILE]
    no_pair = comm_ids[status == _NO_PAIR]
    few_pt = comm_ids[status == _FEW_PT]
    return {
        "gaps": {
            "street-part-time": street_ids[~streets.part_time_ok].tolist(),
            "street-pairing": street_ids[~streets.pairing_ok].tolist(),
            "community-part-time": sorted([*isolated, *few_pt]),
            "community-pairing": sorted([*isolated, *no_pair]),
            "unit-party": sorted(plan.units.plain.tolist()),
        },
        "isolated": sorted(isolated.tolist()),
        "fragile": sorted(fragile.tolist()),
        "single_points": {u: sorted(c) for u, c in sorted(ties.single_points.items())},
        "deserts": sorted(comm_ids[plan.deserts].tolist()),
    }

