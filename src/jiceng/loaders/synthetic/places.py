"""The city's places and the bodies in each: districts, streets and communities (the spine), grids
and buildings with their households, and the Party organizations, committees, companies, cadres,
lawyers and service stations placed in them, with the gaps planted among them.

Each step adds its nodes and edges to the :class:`~jiceng.loaders.synthetic.draw.Tables` and its
planted gaps, by rule id, to ``gaps``. :func:`jiceng.loaders.synthetic.generate` calls them in
turn; the order of their draws from the one generator makes the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jiceng.loaders.synthetic.draw import (
    Tables,
    apportion,
    cover_in_runs,
    people,
    place_words,
    random_member,
    random_subset,
    rank_within,
    scaled,
    serial_ids,
)
from jiceng.loaders.synthetic.figures import (
    CADRE_TITLES,
    DISTRICTS,
    DIVISION_CODES,
    DUAL_ROLES,
    GUIYANG_TOTALS,
    SOCIAL_ORG_KINDS,
)
from jiceng.loaders.synthetic.names import Namer, expand

__all__ = ["Spine", "Housing", "draw_spine", "draw_housing", "streets_and_communities", "grids",
           "buildings", "liaison_cadres", "legal_advisers", "residents_committees",
           "property_companies", "property_parties", "owners_committees", "owners_parties",
           "social_orgs", "service_stations"]


@dataclass
class Spine:
    """Districts, streets and communities: what everything else is placed in."""

    district_ids: np.ndarray
    district_names: np.ndarray  # 云岩区, as its bodies are named
    district_division: np.ndarray  # its division code, as its bodies' codes begin
    street_ids: np.ndarray
    street_short: np.ndarray  # a street's name without 街道, as its bodies are named
    street_district: np.ndarray  # the row of each street's district
    comm_ids: np.ndarray
    comm_street: np.ndarray  # the row of each community's street
    comm_word: np.ndarray  # a community's name without street and 社区
    comm_names: np.ndarray
    n_streets: int
    n_comm: int


@dataclass
class Housing:
    """Grids in each community and buildings in each grid, with their households."""

    grid_ids: np.ndarray
    grid_comm: np.ndarray  # the row of each grid's community
    grid_names: np.ndarray
    grid_households: np.ndarray
    bld_ids: np.ndarray
    bld_grid: np.ndarray  # the row of each building's grid
    bld_names: np.ndarray
    bld_households: np.ndarray
    comm_households: np.ndarray
    street_households: np.ndarray

    @property
    def community_weight(self) -> np.ndarray:
        """The share of the city's households in each community."""
        return self.comm_households / self.comm_households.sum()


def draw_spine(rng: np.random.Generator, namer: Namer, t: Tables, scale: float) -> Spine:
    """The city and its districts (as nodes), its streets and the communities of each street.

    Streets and communities become nodes once their households are counted. No two communities
    of the city share a word (金碧苑), so neither do their grids and buildings.
    """
    n_cities = scaled(1, scale)
    n_districts = max(n_cities, scaled(len(DISTRICTS), scale))
    n_streets = max(n_districts, scaled(GUIYANG_TOTALS["street_committee"], scale))
    n_comm = max(n_streets, scaled(GUIYANG_TOTALS["community_party"], scale))

    city_ids = serial_ids("CITY", n_cities, 2)
    t.node("city_committee", city_ids,
           ["中共贵阳市委员会" if i == 0 else f"中共贵阳市委员会（{i + 1}）" for i in range(n_cities)])
    base = [DISTRICTS[d % len(DISTRICTS)] for d in range(n_districts)]
    district_ids = serial_ids("D", n_districts, 3)
    district_names = np.array([name if d < len(DISTRICTS) else f"{name}（{d // len(DISTRICTS) + 1}）"
                               for d, (name, _, _) in enumerate(base)], dtype=object)
    district_city = np.arange(n_districts) % n_cities
    t.node("district_committee", district_ids, [f"中共{n}委员会" if not n.endswith("新区")
                                                else f"中共{n}工作委员会" for n in district_names])
    t.edge("leads", city_ids[district_city], district_ids)

    street_district = np.repeat(np.arange(n_districts),
                                apportion(n_streets, np.array([b[1] for b in base], float)))
    street_short = _street_names(base, street_district)
    urban = np.array([b[1] for b in base], float)[street_district]
    street_weight = urban * rng.gamma(4.0, 0.25, n_streets)
    comm_per_street = apportion(n_comm, street_weight)
    comm_street = np.repeat(np.arange(n_streets), comm_per_street)
    comm_word = namer.distinct_words("community", place_words(rng, n_comm), [
        "{v}", "{w}", "{v}东", "{v}西", "{v}南", "{v}北", "{v}{n}"])
    comm_names = np.array([f"{s}街道{w}社区" for s, w in zip(street_short[comm_street], comm_word)],
                          dtype=object)
    return Spine(district_ids=district_ids, district_names=district_names,
                 district_division=np.array([DIVISION_CODES[b[0]] for b in base], dtype=object),
                 street_ids=serial_ids("S", n_streets),
                 street_short=street_short, street_district=street_district,
                 comm_ids=serial_ids("C", n_comm, 5), comm_street=comm_street,
                 comm_word=comm_word, comm_names=comm_names, n_streets=n_streets, n_comm=n_comm)


def _street_names(base: list, street_district: np.ndarray) -> np.ndarray:
    """The streets' short names, from their district's real ones, numbered once those run out."""
    shorts: list[str] = []
    seen: dict[int, int] = {}
    for d in street_district.tolist():
        k = seen.get(d, 0)
        seen[d] = k + 1
        names = base[d][2]
        shorts.append(names[k % len(names)] + ("" if k < len(names) else str(k // len(names) + 1)))
    return np.array(shorts, dtype=object)


def draw_housing(rng: np.random.Generator, spine: Spine) -> Housing:
    """Grids in each community, buildings in each grid, and the households in each building."""
    n_comm, comm_word = spine.n_comm, spine.comm_word
    grids_per_comm = 3 + rng.poisson(3.0, n_comm)
    n_grids = int(grids_per_comm.sum())
    grid_comm = np.repeat(np.arange(n_comm), grids_per_comm)
    grid_rank = rank_within(grids_per_comm) + 1
    grid_names = np.array([f"{c}第{k}网格" for c, k in zip(comm_word[grid_comm], grid_rank)],
                          dtype=object)
    bld_per_grid = 2 + rng.poisson(4.0, n_grids)
    n_bld = int(bld_per_grid.sum())
    bld_grid = np.repeat(np.arange(n_grids), bld_per_grid)
    bld_rank = rank_within(bld_per_grid) + 1
    bld_households = 12 + rng.poisson(38.0, n_bld)
    bld_names = np.array([f"{c}{g}网格{k}栋" for c, g, k in zip(
        comm_word[grid_comm[bld_grid]], grid_rank[bld_grid], bld_rank)], dtype=object)
    grid_households = np.bincount(bld_grid, weights=bld_households, minlength=n_grids).astype(int)
    comm_households = np.bincount(grid_comm, weights=grid_households, minlength=n_comm).astype(int)
    street_households = np.bincount(spine.comm_street, weights=comm_households,
                                    minlength=spine.n_streets).astype(int)
    return Housing(grid_ids=serial_ids("G", n_grids, 6), grid_comm=grid_comm,
                   grid_names=grid_names, grid_households=grid_households,
                   bld_ids=serial_ids("B", n_bld, 7), bld_grid=bld_grid,
                   bld_names=bld_names, bld_households=bld_households,
                   comm_households=comm_households, street_households=street_households)


def streets_and_communities(rng: np.random.Generator, t: Tables, spine: Spine,
                            housing: Housing, scale: float) -> None:
    """The street Party working committees and the community Party organizations, with their
    households, people, community workers and members."""
    n_comm, comm_households = spine.n_comm, housing.comm_households
    street_households = housing.street_households
    workers = apportion(scaled(GUIYANG_TOTALS["workers"], scale), comm_households.astype(float),
                        minimum=min(5, scaled(GUIYANG_TOTALS["workers"], scale) // n_comm))
    t.node("street_committee", spine.street_ids, [f"{s}街道党工委" for s in spine.street_short],
           households=street_households, population=np.round(street_households * 2.7).astype(int))
    t.edge("leads", spine.district_ids[spine.street_district], spine.street_ids)
    t.node("community_party", spine.comm_ids, [f"{n}党委" if h > 3000 else f"{n}党总支"
                                               for n, h in zip(spine.comm_names, comm_households)],
           households=comm_households, population=np.round(comm_households * 2.7).astype(int),
           workers=workers, members=(comm_households // 12 + rng.integers(20, 80, n_comm)))
    t.edge("leads", spine.street_ids[spine.comm_street], spine.comm_ids)


def grids(rng: np.random.Generator, t: Tables, spine: Spine, housing: Housing,
          gaps: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """The grids and their Party branches, one for a grid or a joint one for neighbours.

    Returns the branch ids and the row of each grid's branch (-1 for none).
    """
    grid_ids, grid_comm, grid_names = housing.grid_ids, housing.grid_comm, housing.grid_names
    t.node("grid", grid_ids, grid_names, households=housing.grid_households)
    t.edge("within", grid_ids, spine.comm_ids[grid_comm])
    branches = cover_in_runs(rng, grid_comm, 0.02, 0.05, "GB", 6)
    gaps["grid-branch"] = grid_ids[branches.missing].tolist()
    covered, n_branches = branches.covered, len(branches.ids)
    joint = np.bincount(branches.of, minlength=n_branches) > 1
    t.node("grid_branch", branches.ids, [f"{grid_names[covered[f]]}{'联合' if j else ''}党支部"
                                         for f, j in zip(branches.first, joint)],
           members=rng.integers(5, 40, n_branches))
    t.edge("covers", branches.ids[branches.of], grid_ids[covered])
    t.edge("leads", spine.comm_ids[grid_comm[covered[branches.first]]], branches.ids)
    grid_branch = np.full(len(grid_ids), -1)
    grid_branch[covered] = branches.of
    return branches.ids, grid_branch


def buildings(rng: np.random.Generator, t: Tables, housing: Housing,
              branches: tuple[np.ndarray, np.ndarray], gaps: dict[str, list[str]]) -> None:
    """The buildings and their Party groups, led by their grid's branch."""
    branch_ids, grid_branch = branches
    bld_ids, bld_grid, bld_names = housing.bld_ids, housing.bld_grid, housing.bld_names
    t.node("building", bld_ids, bld_names, households=housing.bld_households)
    t.edge("within", bld_ids, housing.grid_ids[bld_grid])
    groups = cover_in_runs(rng, bld_grid, 0.03, 0.03, "BG", 7)
    gaps["building-group"] = bld_ids[groups.missing].tolist()
    first_building = groups.covered[groups.first]
    t.node("building_group", groups.ids, [f"{bld_names[b]}党小组" for b in first_building])
    t.edge("covers", groups.ids[groups.of], bld_ids[groups.covered])
    leader = grid_branch[bld_grid[first_building]]
    led = leader >= 0  # groups in a grid without a branch have no one to lead them
    t.edge("leads", branch_ids[leader[led]], groups.ids[led])


def liaison_cadres(rng: np.random.Generator, namer: Namer, t: Tables, spine: Spine,
                   housing: Housing, gaps: dict[str, list[str]]) -> None:
    """The street cadres, no two of a district of one name, and the one or two of them in
    liaison with each grid."""
    n_streets, grid_ids = spine.n_streets, housing.grid_ids
    cadres_per_street = 4 + rng.poisson(2.0, n_streets)
    n_cadres = int(cadres_per_street.sum())
    cadre_street = np.repeat(np.arange(n_streets), cadres_per_street)
    cadre_ids = serial_ids("K", n_cadres, 5)
    cadre_rank = rank_within(cadres_per_street)
    names = namer.distinct_people("cadre", people(rng, n_cadres),
                                  spine.street_district[cadre_street])
    t.node("cadre", cadre_ids, names,
           title=[CADRE_TITLES[min(r, len(CADRE_TITLES) - 1)] for r in cadre_rank])
    t.edge("member_of", cadre_ids, spine.street_ids[cadre_street])
    grid_rows = np.arange(len(grid_ids))
    no_liaison = random_subset(rng, grid_rows, 0.015)
    gaps["grid-liaison"] = grid_ids[no_liaison].tolist()
    liaised = np.setdiff1d(grid_rows, no_liaison)
    start = np.cumsum(cadres_per_street) - cadres_per_street
    grid_street = spine.comm_street[housing.grid_comm]
    pick = random_member(rng, start, cadres_per_street, grid_street[liaised])
    t.edge("liaison", cadre_ids[pick], grid_ids[liaised])
    second = liaised[rng.random(len(liaised)) < 0.2]
    pick2 = random_member(rng, start, cadres_per_street, grid_street[second])
    t.edge("liaison", cadre_ids[pick2], grid_ids[second])


def legal_advisers(rng: np.random.Generator, namer: Namer, t: Tables, spine: Spine,
                   gaps: dict[str, list[str]]) -> None:
    """The legal advisers, no two of a district of one name: one for a community, or one for
    neighbours in a street."""
    lawyers = cover_in_runs(rng, spine.comm_street, 0.02, 0.45, "L", 5)
    gaps["legal-adviser"] = spine.comm_ids[lawyers.missing].tolist()
    n_lawyers = len(lawyers.ids)
    district = spine.street_district[spine.comm_street[lawyers.covered[lawyers.first]]]
    names = namer.distinct_people("lawyer", people(rng, n_lawyers), district)
    t.node("lawyer", lawyers.ids, [f"{p}律师" for p in names],
           firm=[f"贵州{w}律师事务所" for w in place_words(rng, n_lawyers)])
    t.edge("advises", lawyers.ids[lawyers.of], spine.comm_ids[lawyers.covered])


def _dual_entries(rng: np.random.Generator, t: Tables, spine: Spine, role: str,
                  org_ids: np.ndarray, org_comm: np.ndarray, led: np.ndarray,
                  missing_share: float) -> list[str]:
    """The community Party organization leads the bodies in it marked ``led`` (``org_comm``
    gives each body's community row), and one of its members sits in each as ``role``, but in
    ``missing_share`` of them; returns the ids of those planted without."""
    t.edge("leads", spine.comm_ids[org_comm[led]], org_ids[led])
    led_rows = np.flatnonzero(led)
    no_dual = random_subset(rng, led_rows, missing_share)
    dual = np.setdiff1d(led_rows, no_dual)
    t.edge("dual_entry", spine.comm_ids[org_comm[dual]], org_ids[dual],
           person=people(rng, len(dual)), role=DUAL_ROLES[role])
    return org_ids[no_dual].tolist()


def residents_committees(rng: np.random.Generator, t: Tables, spine: Spine) -> list[str]:
    """A residents' committee in each community; returns those without a dual entry."""
    rc_ids = serial_ids("RC", spine.n_comm, 5)
    t.node("residents_committee", rc_ids, [f"{n}居民委员会" for n in spine.comm_names])
    t.edge("within", rc_ids, spine.comm_ids)
    everywhere = np.arange(spine.n_comm)
    return _dual_entries(rng, t, spine, "residents_committee", rc_ids, everywhere,
                         np.ones(spine.n_comm, dtype=bool), 0.03)


def property_companies(rng: np.random.Generator, namer: Namer, t: Tables, spine: Spine,
                       housing: Housing, scale: float
                       ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Property companies where the households are, most led by their community; returns their
    ids, their names and those without a dual entry. A firm's name met again is its branch
    (分公司)."""
    n_pc = scaled(GUIYANG_TOTALS["property_company"], scale)
    pc_comm = np.sort(rng.choice(spine.n_comm, size=n_pc, p=housing.community_weight))
    pc_ids = serial_ids("PC", n_pc, 5)
    firm = "贵州{v}物业管理有限公司"
    names = np.array([namer.first_free("property_company", expand(
        [firm, firm + "{s}分公司", firm + "{c}分公司", firm + "第{n}分公司"],
        {"v": w, "s": spine.street_short[spine.comm_street[c]], "c": spine.comm_word[c]}, namer.word))
        for w, c in zip(place_words(rng, n_pc), pc_comm)], dtype=object)
    t.node("property_company", pc_ids, names, uscc=namer.codes(
        ["91"] * n_pc, spine.district_division[spine.street_district[spine.comm_street[pc_comm]]]))
    t.edge("within", pc_ids, spine.comm_ids[pc_comm])
    t.edge("manages", pc_ids, spine.comm_ids[pc_comm])
    pc_led = rng.random(n_pc) < 0.85
    return pc_ids, names, _dual_entries(rng, t, spine, "property_company", pc_ids, pc_comm, pc_led,
                                        0.08)


def property_parties(rng: np.random.Generator, t: Tables, pc_ids: np.ndarray,
                     pc_names: np.ndarray, scale: float, gaps: dict[str, list[str]]) -> None:
    """The property companies' Party organizations, joint ones covering several companies,
    each named after its first company."""
    n_pc = len(pc_ids)
    n_pp = scaled(GUIYANG_TOTALS["property_party"], scale)
    pc_uncovered = random_subset(rng, np.arange(n_pc), 0.06)
    pc_uncovered = pc_uncovered[: max(0, n_pc - n_pp)]
    gaps["property-party"] = pc_ids[pc_uncovered].tolist()
    pc_covered = np.setdiff1d(np.arange(n_pc), pc_uncovered)
    pp_sizes = apportion(len(pc_covered), rng.gamma(1.0, 1.0, n_pp) + 0.3)
    pp_of = np.repeat(np.arange(n_pp), pp_sizes)
    pp_ids = serial_ids("PP", n_pp, 5)
    first = pc_names[pc_covered[np.cumsum(pp_sizes) - pp_sizes]]
    short = [f.replace("贵州", "", 1).replace("物业管理有限公司", "物业") for f in first]
    t.node("property_party", pp_ids, [f"{b}等{s}家企业联合党支部" if s > 1 else f"{f}党支部"
                                       for f, b, s in zip(first, short, pp_sizes)],
           members=rng.integers(3, 30, n_pp))
    t.edge("covers", pp_ids[pp_of], pc_ids[pc_covered])


def owners_committees(rng: np.random.Generator, namer: Namer, t: Tables, spine: Spine,
                      housing: Housing, scale: float) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Owners' committees where the households are, most led by their community; returns their
    ids, their estates' names and those without a dual entry."""
    n_oc = scaled(0.25 * GUIYANG_TOTALS["community_party"], scale)
    oc_comm = np.sort(rng.choice(spine.n_comm, size=n_oc, p=housing.community_weight))
    oc_ids = serial_ids("OC", n_oc, 5)
    oc_words = namer.distinct_words("estate", place_words(rng, n_oc), ["{v}", "{v}{n}期"])
    t.node("owners_committee", oc_ids, [f"{w}小区业主委员会" for w in oc_words])
    t.edge("within", oc_ids, spine.comm_ids[oc_comm])
    oc_led = rng.random(n_oc) < 0.9
    return oc_ids, oc_words, _dual_entries(rng, t, spine, "owners_committee", oc_ids, oc_comm,
                                           oc_led, 0.1)


def owners_parties(rng: np.random.Generator, t: Tables, oc_ids: np.ndarray,
                   oc_words: np.ndarray, scale: float, gaps: dict[str, list[str]]) -> None:
    """The owners' committees' Party organizations, each covering one or two committees."""
    n_oc = len(oc_ids)
    n_op = min(n_oc, scaled(GUIYANG_TOTALS["owners_party"], scale))
    oc_covered = random_subset(rng, np.arange(n_oc), 0,
                               scale_count=min(n_oc, int(round(n_op * 1.3))))
    oc_covered = np.sort(oc_covered)
    op_of = np.repeat(np.arange(n_op), apportion(len(oc_covered), np.ones(n_op)))
    op_ids = serial_ids("OP", n_op, 4)
    t.node("owners_party", op_ids, [f"{oc_words[oc_covered[np.flatnonzero(op_of == i)[0]]]}小区业委会党支部"
                                     for i in range(n_op)])
    t.edge("covers", op_ids[op_of], oc_ids[oc_covered])
    gaps["owners-party"] = oc_ids[np.setdiff1d(np.arange(n_oc), oc_covered)].tolist()


def social_orgs(rng: np.random.Generator, namer: Namer, t: Tables, spine: Spine,
                scale: float) -> None:
    """Social organizations, each in and led by a community."""
    n_so = scaled(0.5 * GUIYANG_TOTALS["community_party"], scale)
    so_comm = np.sort(rng.choice(spine.n_comm, size=n_so))
    so_ids = serial_ids("SO", n_so, 5)
    kinds = rng.integers(0, len(SOCIAL_ORG_KINDS), n_so)
    names = [namer.first_free("social_org", expand(
        SOCIAL_ORG_KINDS[k][0], {"c": spine.comm_word[c]}, namer.word))
        for c, k in zip(so_comm, kinds)]
    t.node("social_org", so_ids, names, uscc=namer.codes(
        [SOCIAL_ORG_KINDS[k][1] for k in kinds],
        spine.district_division[spine.street_district[spine.comm_street[so_comm]]]))
    t.edge("within", so_ids, spine.comm_ids[so_comm])
    t.edge("leads", spine.comm_ids[so_comm], so_ids)


def service_stations(rng: np.random.Generator, namer: Namer, t: Tables, spine: Spine,
                     housing: Housing, scale: float, gaps: dict[str, list[str]]) -> None:
    """Service centres of communities and streets, red stations and driver homes."""
    comm_ids, street_ids, street_short = spine.comm_ids, spine.street_ids, spine.street_short
    street_households = housing.street_households
    no_center = random_subset(rng, np.arange(spine.n_comm), 0.02)
    gaps["service-center"] = comm_ids[no_center].tolist()
    centered = np.setdiff1d(np.arange(spine.n_comm), no_center)
    station_parts = []
    station_parts.append(("service_center", [f"{n}党群服务中心" for n in spine.comm_names[centered]],
                          comm_ids[centered], comm_ids[centered]))
    station_parts.append(("service_center", [f"{s}街道党群服务中心" for s in street_short],
                          street_ids, street_ids))
    n_red = scaled(GUIYANG_TOTALS["red_station"], scale)
    red_street = np.sort(rng.choice(spine.n_streets, size=n_red,
                                    p=street_households / street_households.sum()))
    red_served = street_ids[red_street].astype(object)
    red_where = red_served.copy()
    # half of the communities without a service centre have a red station instead: it
    # serves them, yet it is not a service centre
    trap = no_center[: min(len(no_center) // 2 + 1, n_red, len(no_center))]
    red_served[: len(trap)] = comm_ids[trap]
    red_where[: len(trap)] = comm_ids[trap]
    station_parts.append(("red_station", [f"{street_short[s]}红色驿站{i + 1}号"
                                          for i, s in enumerate(red_street)], red_served, red_where))
    n_driver = scaled(GUIYANG_TOTALS["driver_home"], scale)
    driver_street = np.sort(rng.choice(spine.n_streets, size=n_driver))
    driver_names = [namer.first_free("driver_home", expand(
        ["{s}司机之家", "{s}第{n}司机之家"], {"s": street_short[s]}, namer.word))
        for s in driver_street]
    station_parts.append(("driver_home", driver_names,
                          street_ids[driver_street], street_ids[driver_street]))
    n_stations = sum(len(p[1]) for p in station_parts)
    station_ids = serial_ids("ST", n_stations, 5)
    offset = 0
    for station_type, names, served, where in station_parts:
        ids = station_ids[offset: offset + len(names)]
        offset += len(names)
        t.node("service_station", ids, names, type=station_type)
        t.edge("within", ids, where)
        t.edge("serves", ids, served)

