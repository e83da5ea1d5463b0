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
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from jiceng.graphmodel import OrgGraph
from jiceng.loaders.atomic import write_text_atomic
from jiceng.loaders.disk import write_dataset

__all__ = ["PRESETS", "generate", "write_generated", "GUIYANG_TOTALS", "TRUTH_FILE"]

TRUTH_FILE = "truth.json"

#: The article's figures for Guiyang (scale 1).
GUIYANG_TOTALS = {
    "street_committee": 74,
    "community_party": 709,
    "unit_party": 1558,
    "part_time_street": 356,
    "part_time_community": 2245,
    "property_company": 525,
    "property_party": 273,
    "owners_party": 24,
    "red_station": 150,
    "driver_home": 18,
    "workers": 8011,
    "reported_members_at_least": 60000,
}

# Guiyang's districts and counties (and Gui'an) with how many of the 74 streets each holds.
_DISTRICTS = [
    ("云岩区", 16, ["中华北路", "普陀路", "延安中路", "黔东", "威清", "头桥", "三桥", "渔安", "贵乌",
                    "市西路", "金关", "东山", "中环", "北京路", "宅吉", "黔灵东路"]),
    ("南明区", 14, ["油榨", "中曹司", "兴关路", "二戈寨", "太慈桥", "遵义路", "新华路", "花果园",
                    "河滨", "沙冲路", "西湖路", "湘雅", "望城", "龙洞堡"]),
    ("观山湖区", 9, ["金阳", "观山", "世纪城", "宾阳", "长岭", "金华园", "会展", "朱昌", "百花湖"]),
    ("白云区", 7, ["大山洞", "艳山红", "大营路", "泉湖", "都拉", "沙文", "麦架"]),
    ("花溪区", 8, ["贵筑", "清溪", "溪北", "黔江", "阳光", "平桥", "小孟", "明珠"]),
    ("乌当区", 6, ["新天", "高新", "水田", "东风", "新添", "顺新"]),
    ("清镇市", 4, ["红枫湖", "巢凤", "百花", "青龙"]),
    ("修文县", 3, ["龙场", "阳明", "景阳"]),
    ("息烽县", 2, ["永靖", "新华"]),
    ("开阳县", 2, ["云开", "紫兴"]),
    ("贵安新区", 3, ["湖潮", "马场", "党武"]),
]

_FIRST = list("金碧海兴和平安康华新园林湖山花溪阳明宝福瑞祥丰乐泉松柏桂翠春锦荷枫云龙凤")
_SECOND = list("苑城庭湾府景苑岭坡湖园源坊居港苑桥塘坪")
_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林龙潘杜")
_GIVEN = list("建国华明丽敏伟芳军勇静强磊洋艳杰娟涛斌超霞平刚桂兰")
_UNIT_TYPES = ["人民医院", "第{n}中学", "税务局", "供电局", "自来水公司", "农村商业银行支行",
               "邮政分公司", "市场监督管理局", "交警大队", "消防救援站", "烟草专卖局",
               "职业技术学院", "科技有限公司", "建设集团有限公司", "社区卫生服务中心",
               "第{n}小学", "移动分公司", "公安分局", "人力资源和社会保障局", "检察院"]
_UNIT_ORG = ["党委", "党总支", "党支部"]
_PT_ROLES = ["兼职委员"]
_DUAL_ROLES = {
    "residents_committee": "社区党组织书记兼居委会主任",
    "owners_committee": "社区党组织委员任业委会成员",
    "property_company": "社区党组织委员任物业公司质量监督员",
}
_CONTENTS = ["组织共建", "实事联办", "难题联解"]
_CADRE_TITLES = ["街道党工委书记", "街道党工委副书记", "街道办事处主任", "街道党工委委员",
                 "街道办事处副主任", "街道武装部部长"]


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


def _scaled(base: float, scale: float, minimum: int = 1) -> int:
    return max(minimum, int(round(base * scale)))


def _pick(rng: np.random.Generator, pool: np.ndarray, fraction: float, scale_count: int | None = None,
          minimum: int = 1) -> np.ndarray:
    """A sorted random subset of ``pool``: ``fraction`` of it, at least ``minimum`` when possible."""
    count = scale_count if scale_count is not None else max(minimum, int(round(fraction * len(pool))))
    count = min(count, len(pool))
    return np.sort(rng.choice(pool, size=count, replace=False)) if count else pool[:0]


@dataclass
class _Tables:
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


def _ids(prefix: str, count: int, width: int | None = None) -> np.ndarray:
    width = width or max(4, len(str(count)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, count + 1)], dtype=object)


def _people(rng: np.random.Generator, count: int) -> np.ndarray:
    s = rng.integers(0, len(_SURNAMES), count)
    g1 = rng.integers(0, len(_GIVEN), count)
    g2 = rng.integers(0, len(_GIVEN), count)
    two = rng.random(count) < 0.6
    return np.array([_SURNAMES[a] + _GIVEN[b] + (_GIVEN[c] if t else "")
                     for a, b, c, t in zip(s, g1, g2, two)], dtype=object)


def _place_words(rng: np.random.Generator, count: int) -> np.ndarray:
    a = rng.integers(0, len(_FIRST), count)
    b = rng.integers(0, len(_FIRST), count)
    c = rng.integers(0, len(_SECOND), count)
    return np.array([_FIRST[x] + _FIRST[y] + _SECOND[z] if x != y else _FIRST[x] + _SECOND[z]
                     for x, y, z in zip(a, b, c)], dtype=object)


def _group_runs(keys: np.ndarray, join: np.ndarray) -> np.ndarray:
    """Group numbers for a sorted sequence: item i joins item i-1's group when ``join[i]``
    and both share a key (joint organizations cover neighbours in one area)."""
    same = np.zeros(len(keys), dtype=bool)
    same[1:] = keys[1:] == keys[:-1]
    return np.cumsum(~(join & same)) - 1


def _rank_within(per_group: np.ndarray) -> np.ndarray:
    """Each item's place in its group, from 0, for items laid out group after group."""
    return np.arange(int(per_group.sum())) - np.repeat(np.cumsum(per_group) - per_group, per_group)


def _random_member(rng: np.random.Generator, start: np.ndarray, size: np.ndarray,
                   groups: np.ndarray) -> np.ndarray:
    """For each entry ``g`` of ``groups``, a random one of the ``size[g]`` rows from ``start[g]``."""
    return start[groups] + (rng.random(len(groups)) * size[groups]).astype(int)


@dataclass
class _Runs:
    """Organizations that each cover one item or a run of neighbours, some items left out."""

    missing: np.ndarray  # the rows left without one (a planted gap)
    covered: np.ndarray  # the other rows
    of: np.ndarray  # the organization (row of ``ids``) of each covered row
    ids: np.ndarray
    first: np.ndarray  # where in ``covered`` each organization's first row is


def _cover_in_runs(rng: np.random.Generator, keys: np.ndarray, missing_share: float,
                   join_share: float, prefix: str, width: int) -> _Runs:
    """Leave ``missing_share`` of the items uncovered and cover the rest one organization
    each, or one for a run of neighbours (``join_share`` of them) that share a key."""
    rows = np.arange(len(keys))
    missing = _pick(rng, rows, missing_share)
    covered = np.setdiff1d(rows, missing)
    organization = _group_runs(keys[covered], rng.random(len(covered)) < join_share)
    count = int(organization.max()) + 1 if len(covered) else 0
    return _Runs(missing=missing, covered=covered, of=organization, ids=_ids(prefix, count, width),
                 first=np.unique(organization, return_index=True)[1])


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
    t = _Tables()
    truth: dict = {"preset": preset, "seed": seed, "scale": scale, "hops": 2}
    gaps: dict[str, list[str]] = {}  # the steps plant their gaps here, by rule id

    # The steps draw from one generator in turn: their order makes the dataset, keep it.
    spine = _spine(rng, t, scale)
    housing = _housing(rng, spine)
    _streets_and_communities(rng, t, spine, housing, scale)
    branches = _grids(rng, t, spine, housing, gaps)
    _buildings(rng, t, housing, branches, gaps)
    _liaison_cadres(rng, t, spine, housing, gaps)
    _lawyers(rng, t, spine, gaps)
    no_dual_entry = _residents_committees(rng, t, spine)
    companies, companies_no_dual_entry = _property_companies(rng, t, spine, housing, scale)
    _property_parties(rng, t, companies, scale, gaps)
    owners, owner_words, owners_no_dual_entry = _owners_committees(rng, t, spine, housing, scale)
    gaps["dual-entry"] = sorted(no_dual_entry + companies_no_dual_entry + owners_no_dual_entry)
    _owners_parties(rng, t, owners, owner_words, scale, gaps)
    _social_orgs(rng, t, spine, scale)
    _service_stations(rng, t, spine, housing, scale, gaps)
    cob = _co_building(rng, t, spine, scale)
    gaps.update(cob.pop("gaps"))
    truth.update(cob)
    truth["gaps"] = {rule: sorted(ids) for rule, ids in gaps.items()}

    nodes, edges = t.frames()
    graph = OrgGraph.from_tables(nodes, edges, name=f"{preset}-seed{seed}-scale{scale:g}")
    return graph, truth


@dataclass
class _Spine:
    """Districts, streets and communities: what everything else is placed in."""

    district_ids: np.ndarray
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
class _Housing:
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


def _spine(rng: np.random.Generator, t: _Tables, scale: float) -> _Spine:
    """The city and its districts (as nodes), its streets and the communities of each street.

    Streets and communities become nodes once their households are counted.
    """
    n_cities = _scaled(1, scale)
    n_districts = max(n_cities, _scaled(len(_DISTRICTS), scale))
    n_streets = max(n_districts, _scaled(GUIYANG_TOTALS["street_committee"], scale))
    n_comm = max(n_streets, _scaled(GUIYANG_TOTALS["community_party"], scale))

    city_ids = _ids("CITY", n_cities, 2)
    t.node("city_committee", city_ids,
           ["中共贵阳市委员会" if i == 0 else f"中共贵阳市委员会（{i + 1}）" for i in range(n_cities)])
    base = [_DISTRICTS[d % len(_DISTRICTS)] for d in range(n_districts)]
    district_ids = _ids("D", n_districts, 3)
    district_names = np.array([name if d < len(_DISTRICTS) else f"{name}（{d // len(_DISTRICTS) + 1}）"
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
    comm_word = _place_words(rng, n_comm)
    comm_names = np.array([f"{s}街道{w}社区" for s, w in zip(street_short[comm_street], comm_word)],
                          dtype=object)
    return _Spine(district_ids=district_ids, street_ids=_ids("S", n_streets),
                  street_short=street_short, street_district=street_district,
                  comm_ids=_ids("C", n_comm, 5), comm_street=comm_street, comm_word=comm_word,
                  comm_names=comm_names, n_streets=n_streets, n_comm=n_comm)


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


def _housing(rng: np.random.Generator, spine: _Spine) -> _Housing:
    """Grids in each community, buildings in each grid, and the households in each building."""
    n_comm, comm_word = spine.n_comm, spine.comm_word
    grids_per_comm = 3 + rng.poisson(3.0, n_comm)
    n_grids = int(grids_per_comm.sum())
    grid_comm = np.repeat(np.arange(n_comm), grids_per_comm)
    grid_rank = _rank_within(grids_per_comm) + 1
    grid_names = np.array([f"{c}第{k}网格" for c, k in zip(comm_word[grid_comm], grid_rank)],
                          dtype=object)
    bld_per_grid = 2 + rng.poisson(4.0, n_grids)
    n_bld = int(bld_per_grid.sum())
    bld_grid = np.repeat(np.arange(n_grids), bld_per_grid)
    bld_rank = _rank_within(bld_per_grid) + 1
    bld_households = 12 + rng.poisson(38.0, n_bld)
    bld_names = np.array([f"{c}{g}网格{k}栋" for c, g, k in zip(
        comm_word[grid_comm[bld_grid]], grid_rank[bld_grid], bld_rank)], dtype=object)
    grid_households = np.bincount(bld_grid, weights=bld_households, minlength=n_grids).astype(int)
    comm_households = np.bincount(grid_comm, weights=grid_households, minlength=n_comm).astype(int)
    street_households = np.bincount(spine.comm_street, weights=comm_households,
                                    minlength=spine.n_streets).astype(int)
    return _Housing(grid_ids=_ids("G", n_grids, 6), grid_comm=grid_comm, grid_names=grid_names,
                    grid_households=grid_households, bld_ids=_ids("B", n_bld, 7), bld_grid=bld_grid,
                    bld_names=bld_names, bld_households=bld_households,
                    comm_households=comm_households, street_households=street_households)


def _streets_and_communities(rng: np.random.Generator, t: _Tables, spine: _Spine,
                             housing: _Housing, scale: float) -> None:
    """The street Party working committees and the community Party organizations, with their
    households, people, community workers and members."""
    n_comm, comm_households = spine.n_comm, housing.comm_households
    street_households = housing.street_households
    workers = apportion(_scaled(GUIYANG_TOTALS["workers"], scale), comm_households.astype(float),
                        minimum=min(5, _scaled(GUIYANG_TOTALS["workers"], scale) // n_comm))
    t.node("street_committee", spine.street_ids, [f"{s}街道党工委" for s in spine.street_short],
           households=street_households, population=np.round(street_households * 2.7).astype(int))
    t.edge("leads", spine.district_ids[spine.street_district], spine.street_ids)
    t.node("community_party", spine.comm_ids, [f"{n}党委" if h > 3000 else f"{n}党总支"
                                               for n, h in zip(spine.comm_names, comm_households)],
           households=comm_households, population=np.round(comm_households * 2.7).astype(int),
           workers=workers, members=(comm_households // 12 + rng.integers(20, 80, n_comm)))
    t.edge("leads", spine.street_ids[spine.comm_street], spine.comm_ids)


def _grids(rng: np.random.Generator, t: _Tables, spine: _Spine, housing: _Housing,
           gaps: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """The grids and their Party branches, one for a grid or a joint one for neighbours.

    Returns the branch ids and the row of each grid's branch (-1 for none).
    """
    grid_ids, grid_comm, grid_names = housing.grid_ids, housing.grid_comm, housing.grid_names
    t.node("grid", grid_ids, grid_names, households=housing.grid_households)
    t.edge("within", grid_ids, spine.comm_ids[grid_comm])
    branches = _cover_in_runs(rng, grid_comm, 0.02, 0.05, "GB", 6)
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


def _buildings(rng: np.random.Generator, t: _Tables, housing: _Housing,
               branches: tuple[np.ndarray, np.ndarray], gaps: dict[str, list[str]]) -> None:
    """The buildings and their Party groups, led by their grid's branch."""
    branch_ids, grid_branch = branches
    bld_ids, bld_grid, bld_names = housing.bld_ids, housing.bld_grid, housing.bld_names
    t.node("building", bld_ids, bld_names, households=housing.bld_households)
    t.edge("within", bld_ids, housing.grid_ids[bld_grid])
    groups = _cover_in_runs(rng, bld_grid, 0.03, 0.03, "BG", 7)
    gaps["building-group"] = bld_ids[groups.missing].tolist()
    first_building = groups.covered[groups.first]
    t.node("building_group", groups.ids, [f"{bld_names[b]}党小组" for b in first_building])
    t.edge("covers", groups.ids[groups.of], bld_ids[groups.covered])
    leader = grid_branch[bld_grid[first_building]]
    led = leader >= 0  # groups in a grid without a branch have no one to lead them
    t.edge("leads", branch_ids[leader[led]], groups.ids[led])


def _liaison_cadres(rng: np.random.Generator, t: _Tables, spine: _Spine, housing: _Housing,
                    gaps: dict[str, list[str]]) -> None:
    """The street cadres, and the one or two of them in liaison with each grid."""
    n_streets, grid_ids = spine.n_streets, housing.grid_ids
    cadres_per_street = 4 + rng.poisson(2.0, n_streets)
    n_cadres = int(cadres_per_street.sum())
    cadre_street = np.repeat(np.arange(n_streets), cadres_per_street)
    cadre_ids = _ids("K", n_cadres, 5)
    cadre_rank = _rank_within(cadres_per_street)
    t.node("cadre", cadre_ids, _people(rng, n_cadres),
           title=[_CADRE_TITLES[min(r, len(_CADRE_TITLES) - 1)] for r in cadre_rank])
    t.edge("member_of", cadre_ids, spine.street_ids[cadre_street])
    grid_rows = np.arange(len(grid_ids))
    no_liaison = _pick(rng, grid_rows, 0.015)
    gaps["grid-liaison"] = grid_ids[no_liaison].tolist()
    liaised = np.setdiff1d(grid_rows, no_liaison)
    start = np.cumsum(cadres_per_street) - cadres_per_street
    grid_street = spine.comm_street[housing.grid_comm]
    pick = _random_member(rng, start, cadres_per_street, grid_street[liaised])
    t.edge("liaison", cadre_ids[pick], grid_ids[liaised])
    second = liaised[rng.random(len(liaised)) < 0.2]
    pick2 = _random_member(rng, start, cadres_per_street, grid_street[second])
    t.edge("liaison", cadre_ids[pick2], grid_ids[second])


def _lawyers(rng: np.random.Generator, t: _Tables, spine: _Spine,
             gaps: dict[str, list[str]]) -> None:
    """The legal advisers: one for a community, or one for neighbours in a street."""
    lawyers = _cover_in_runs(rng, spine.comm_street, 0.02, 0.45, "L", 5)
    gaps["legal-adviser"] = spine.comm_ids[lawyers.missing].tolist()
    n_lawyers = len(lawyers.ids)
    t.node("lawyer", lawyers.ids, [f"{p}律师" for p in _people(rng, n_lawyers)],
           firm=[f"贵州{w}律师事务所" for w in _place_words(rng, n_lawyers)])
    t.edge("advises", lawyers.ids[lawyers.of], spine.comm_ids[lawyers.covered])


def _dual_entries(rng: np.random.Generator, t: _Tables, spine: _Spine, role: str,
                  org_ids: np.ndarray, org_comm: np.ndarray, led: np.ndarray,
                  missing_share: float) -> list[str]:
    """The community Party organization leads the bodies in it marked ``led`` (``org_comm``
    gives each body's community row), and one of its members sits in each as ``role``, but in
    ``missing_share`` of them; returns the ids of those planted without."""
    t.edge("leads", spine.comm_ids[org_comm[led]], org_ids[led])
    led_rows = np.flatnonzero(led)
    no_dual = _pick(rng, led_rows, missing_share)
    dual = np.setdiff1d(led_rows, no_dual)
    t.edge("dual_entry", spine.comm_ids[org_comm[dual]], org_ids[dual],
           person=_people(rng, len(dual)), role=_DUAL_ROLES[role])
    return org_ids[no_dual].tolist()


def _residents_committees(rng: np.random.Generator, t: _Tables, spine: _Spine) -> list[str]:
    """A residents' committee in each community; returns those without a dual entry."""
    rc_ids = _ids("RC", spine.n_comm, 5)
    t.node("residents_committee", rc_ids, [f"{n}居民委员会" for n in spine.comm_names])
    t.edge("within", rc_ids, spine.comm_ids)
    everywhere = np.arange(spine.n_comm)
    return _dual_entries(rng, t, spine, "residents_committee", rc_ids, everywhere,
                         np.ones(spine.n_comm, dtype=bool), 0.03)


def _property_companies(rng: np.random.Generator, t: _Tables, spine: _Spine, housing: _Housing,
                        scale: float) -> tuple[np.ndarray, list[str]]:
    """Property companies where the households are, most led by their community; returns their
    ids and those without a dual entry."""
    n_pc = _scaled(GUIYANG_TOTALS["property_company"], scale)
    pc_comm = np.sort(rng.choice(spine.n_comm, size=n_pc, p=housing.community_weight))
    pc_ids = _ids("PC", n_pc, 5)
    t.node("property_company", pc_ids, [f"贵州{w}物业管理有限公司" for w in _place_words(rng, n_pc)])
    t.edge("within", pc_ids, spine.comm_ids[pc_comm])
    t.edge("manages", pc_ids, spine.comm_ids[pc_comm])
    pc_led = rng.random(n_pc) < 0.85
    return pc_ids, _dual_entries(rng, t, spine, "property_company", pc_ids, pc_comm, pc_led, 0.08)


def _property_parties(rng: np.random.Generator, t: _Tables, pc_ids: np.ndarray, scale: float,
                      gaps: dict[str, list[str]]) -> None:
    """The property companies' Party organizations, joint ones covering several companies."""
    n_pc = len(pc_ids)
    n_pp = _scaled(GUIYANG_TOTALS["property_party"], scale)
    pc_uncovered = _pick(rng, np.arange(n_pc), 0.06)
    pc_uncovered = pc_uncovered[: max(0, n_pc - n_pp)]
    gaps["property-party"] = pc_ids[pc_uncovered].tolist()
    pc_covered = np.setdiff1d(np.arange(n_pc), pc_uncovered)
    pp_sizes = apportion(len(pc_covered), rng.gamma(1.0, 1.0, n_pp) + 0.3)
    pp_of = np.repeat(np.arange(n_pp), pp_sizes)
    pp_ids = _ids("PP", n_pp, 5)
    t.node("property_party", pp_ids, [f"{'物业联合' if s > 1 else ''}党支部（{i}）"
                                       for i, s in zip(pp_ids, pp_sizes)],
           members=rng.integers(3, 30, n_pp))
    t.edge("covers", pp_ids[pp_of], pc_ids[pc_covered])


def _owners_committees(rng: np.random.Generator, t: _Tables, spine: _Spine, housing: _Housing,
                       scale: float) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Owners' committees where the households are, most led by their community; returns their
    ids, their estates' names and those without a dual entry."""
    n_oc = _scaled(0.25 * GUIYANG_TOTALS["community_party"], scale)
    oc_comm = np.sort(rng.choice(spine.n_comm, size=n_oc, p=housing.community_weight))
    oc_ids = _ids("OC", n_oc, 5)
    oc_words = _place_words(rng, n_oc)
    t.node("owners_committee", oc_ids, [f"{w}小区业主委员会" for w in oc_words])
    t.edge("within", oc_ids, spine.comm_ids[oc_comm])
    oc_led = rng.random(n_oc) < 0.9
    return oc_ids, oc_words, _dual_entries(rng, t, spine, "owners_committee", oc_ids, oc_comm,
                                           oc_led, 0.1)


def _owners_parties(rng: np.random.Generator, t: _Tables, oc_ids: np.ndarray,
                    oc_words: np.ndarray, scale: float, gaps: dict[str, list[str]]) -> None:
    """The owners' committees' Party organizations, each covering one or two committees."""
    n_oc = len(oc_ids)
    n_op = min(n_oc, _scaled(GUIYANG_TOTALS["owners_party"], scale))
    oc_covered = _pick(rng, np.arange(n_oc), 0, scale_count=min(n_oc, int(round(n_op * 1.3))))
    oc_covered = np.sort(oc_covered)
    op_of = np.repeat(np.arange(n_op), apportion(len(oc_covered), np.ones(n_op)))
    op_ids = _ids("OP", n_op, 4)
    t.node("owners_party", op_ids, [f"{oc_words[oc_covered[np.flatnonzero(op_of == i)[0]]]}小区业委会党支部"
                                     for i in range(n_op)])
    t.edge("covers", op_ids[op_of], oc_ids[oc_covered])
    gaps["owners-party"] = oc_ids[np.setdiff1d(np.arange(n_oc), oc_covered)].tolist()


def _social_orgs(rng: np.random.Generator, t: _Tables, spine: _Spine, scale: float) -> None:
    """Social organizations, each in and led by a community."""
    n_so = _scaled(0.5 * GUIYANG_TOTALS["community_party"], scale)
    so_comm = np.sort(rng.choice(spine.n_comm, size=n_so))
    so_ids = _ids("SO", n_so, 5)
    kinds = np.array(["社会工作服务中心", "志愿者协会", "邻里互助会", "老年协会"], dtype=object)
    t.node("social_org", so_ids, [f"{w}{k}" for w, k in zip(
        spine.comm_word[so_comm], kinds[rng.integers(0, len(kinds), n_so)])])
    t.edge("within", so_ids, spine.comm_ids[so_comm])
    t.edge("leads", spine.comm_ids[so_comm], so_ids)


def _service_stations(rng: np.random.Generator, t: _Tables, spine: _Spine, housing: _Housing,
                      scale: float, gaps: dict[str, list[str]]) -> None:
    """Service centres of communities and streets, red stations and driver homes."""
    comm_ids, street_ids, street_short = spine.comm_ids, spine.street_ids, spine.street_short
    street_households = housing.street_households
    no_center = _pick(rng, np.arange(spine.n_comm), 0.02)
    gaps["service-center"] = comm_ids[no_center].tolist()
    centered = np.setdiff1d(np.arange(spine.n_comm), no_center)
    station_parts = []
    station_parts.append(("service_center", [f"{n}党群服务中心" for n in spine.comm_names[centered]],
                          comm_ids[centered], comm_ids[centered]))
    station_parts.append(("service_center", [f"{s}街道党群服务中心" for s in street_short],
                          street_ids, street_ids))
    n_red = _scaled(GUIYANG_TOTALS["red_station"], scale)
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
    n_driver = _scaled(GUIYANG_TOTALS["driver_home"], scale)
    driver_street = np.sort(rng.choice(spine.n_streets, size=n_driver))
    station_parts.append(("driver_home", [f"{street_short[s]}司机之家" for s in driver_street],
                          street_ids[driver_street], street_ids[driver_street]))
    n_stations = sum(len(p[1]) for p in station_parts)
    station_ids = _ids("ST", n_stations, 5)
    offset = 0
    for station_type, names, served, where in station_parts:
        ids = station_ids[offset: offset + len(names)]
        offset += len(names)
        t.node("service_station", ids, names, type=station_type)
        t.edge("within", ids, where)
        t.edge("serves", ids, served)


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

    spine: _Spine
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


def _co_building(rng: np.random.Generator, t: _Tables, spine: _Spine, scale: float) -> dict:
    """Units, their Party organizations and every co-building tie, with planted weaknesses."""
    comm_per_street = np.bincount(spine.comm_street, minlength=spine.n_streets)
    streets = _street_statuses(rng, comm_per_street)
    status, deserts = _community_statuses(rng, spine, streets.neglected, scale)
    units = _units(rng, t, spine, comm_per_street, scale)
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
    neglected = _pick(rng, roomy if len(roomy) >= n_each else streets, 0, scale_count=n_each)
    rest = np.setdiff1d(streets, neglected)
    no_pt_street = _pick(rng, rest, 0, scale_count=min(n_each, max(0, len(rest) - 1)))
    rest = np.setdiff1d(rest, no_pt_street)
    no_pair_street = _pick(rng, rest, 0, scale_count=min(n_each, max(0, len(rest) - 1)))
    street_pt_ok = np.ones(n_streets, bool)
    street_pt_ok[neglected] = street_pt_ok[no_pt_street] = False
    street_pair_ok = np.ones(n_streets, bool)
    street_pair_ok[neglected] = street_pair_ok[no_pair_street] = False
    return _StreetStatus(neglected, street_pt_ok, street_pair_ok)


def _community_statuses(rng: np.random.Generator, spine: _Spine, neglected: np.ndarray,
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
        status[_pick(rng, pool, 0, scale_count=_scaled(base, scale))] = kind
    return status, deserts


def _units(rng: np.random.Generator, t: _Tables, spine: _Spine, comm_per_street: np.ndarray,
           scale: float) -> _Units:
    """The units, each within its street or a community of it, and their Party organizations.

    A street has at least two units per community plus one, the rest by its size; a few
    units have no Party organization.
    """
    n_streets, street_short = spine.n_streets, spine.street_short
    n_up = _scaled(GUIYANG_TOTALS["unit_party"], scale)
    weights = comm_per_street.astype(float)
    floor = 2 * comm_per_street + 1
    if floor.sum() > n_up:
        floor = np.maximum(1, (comm_per_street * n_up) // comm_per_street.sum())
    extra = apportion(n_up - int(floor.sum()), weights, minimum=0) if n_up > floor.sum() else 0
    units_per_street = floor + extra
    unit_street = np.repeat(np.arange(n_streets), units_per_street)
    up_ids = _ids("UP", n_up, 5)
    n_units_plain = max(1, int(round(0.04 * n_up)))  # units without a Party organization
    unit_ids = _ids("U", n_up + n_units_plain, 5)
    plain_street = rng.choice(n_streets, size=n_units_plain)
    all_unit_street = np.concatenate([unit_street, plain_street])
    types = rng.integers(0, len(_UNIT_TYPES), len(unit_ids))
    unit_names = np.array([f"{street_short[s]}{_UNIT_TYPES[k].format(n=i % 30 + 1)}"
                           for i, (s, k) in enumerate(zip(all_unit_street, types))], dtype=object)
    t.node("unit", unit_ids, unit_names)
    # a unit is within its street, or within a community of it
    in_comm = rng.random(len(unit_ids)) < 0.7
    starts = np.cumsum(comm_per_street) - comm_per_street
    comm_pick = _random_member(rng, starts, comm_per_street, all_unit_street)
    where = np.where(in_comm, spine.comm_ids[comm_pick], spine.street_ids[all_unit_street])
    t.edge("within", unit_ids, where)
    org = rng.integers(0, len(_UNIT_ORG), n_up)
    t.node("unit_party", up_ids, [f"{unit_names[i]}{_UNIT_ORG[o]}" for i, o in enumerate(org)],
           members=rng.integers(8, 300, n_up))
    t.edge("covers", up_ids, unit_ids[:n_up])
    return _Units(party_ids=up_ids, per_street=units_per_street,
                  start=np.cumsum(units_per_street) - units_per_street, plain=unit_ids[n_up:])


def _part_time_needs(rng: np.random.Generator, status: np.ndarray, street_ok: np.ndarray,
                     comm_per_street: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """How many part-time members each community and each street gets.

    Three for a community that needs them, none for an isolated one, one or two for FEW_PT,
    and the spare ones spread over the open communities; the streets' by their size.
    """
    n_comm, n_streets = len(status), len(comm_per_street)
    pt_comm_total = _scaled(GUIYANG_TOTALS["part_time_community"], scale)
    pt_street_total = _scaled(GUIYANG_TOTALS["part_time_street"], scale)
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


def _pairable_by_district(spine: _Spine, status: np.ndarray) -> dict[int, list[int]]:
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


def _write_ties(rng: np.random.Generator, t: _Tables, ties: _Ties, scale: float) -> None:
    """The ties as edges: pairings with their contents and year, part-time members by name,
    reporting members by number (at least the article's 60,000 at scale 1)."""
    pairs_df = pd.DataFrame(ties.pairs, columns=["source", "target"])
    since = rng.integers(2017, 2025, len(pairs_df))
    contents = [";".join(_CONTENTS[: 1 + k]) for k in rng.integers(0, 3, len(pairs_df))]
    t.edge("pairs_with", pairs_df["source"], pairs_df["target"], contents=contents,
           since=since.astype(str))
    for part_time in (ties.part_street, ties.part_comm):
        frame = pd.DataFrame(part_time, columns=["source", "target"])
        t.edge("part_time", frame["source"], frame["target"], person=_people(rng, len(frame)),
               role=_PT_ROLES[0])
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
