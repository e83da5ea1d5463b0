"""The vocabulary of the organizational graph, declared once.

Every other module (loaders, validation, rules, maps, Cypher, docs) reads the
node kinds, edge kinds, their Chinese and English labels and the allowed
endpoints from here. Adding a kind touches this file only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "NodeKind",
    "EdgeKind",
    "NODE_KINDS",
    "EDGE_KINDS",
    "PARTY_KINDS",
    "STATION_TYPES",
    "NUMERIC_ATTRIBUTES",
    "REQUIRED_NODE_COLUMNS",
    "REQUIRED_EDGE_COLUMNS",
    "CO_BUILDING_KINDS",
    "PLACING_EDGES",
    "allowed_endpoints",
    "is_allowed",
    "label",
    "neo4j_label",
    "neo4j_type",
]


@dataclass(frozen=True)
class NodeKind:
    """A kind of node: every fact about it that the project uses, declared once.

    ``color`` and ``shape`` are its style on the maps (a vis-network shape name);
    ``enums`` maps an attribute that takes a closed set of values to those values and
    their (Chinese, English) labels (a ``service_station``'s ``type``).
    """

    id: str
    zh: str
    en: str
    party: bool = False
    color: str = "#b0bec5"
    shape: str = "dot"
    enums: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class EdgeKind:
    """A kind of edge and every fact about it that the project uses, declared once.

    ``endpoints`` are the (source kinds, target kinds) pairs it may join. ``color`` and
    ``dashes`` (``False`` or a vis-network dash pattern) are its style on the maps.
    ``places`` is ``None`` or ``(priority, direction)``: the edge says where a node belongs,
    ``"out"`` placing its source under its target and ``"in"`` its target under its source;
    a lower priority wins. ``acyclic``: the edges of this kind may not form a cycle.
    ``one_per_source``: a node is the source of at most one edge of this kind.
    ``co_building``: units share resources with streets and communities through it (DESIGN §4).
    """

    id: str
    zh: str
    en: str
    endpoints: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    color: str = "#9e9e9e"
    dashes: bool | tuple[int, ...] = False
    places: tuple[int, str] | None = None
    acyclic: bool = False
    one_per_source: bool = False
    co_building: bool = False

    def pairs(self) -> list[tuple[str, str]]:
        """Every allowed (source kind, target kind) pair."""
        return [(s, t) for sources, targets in self.endpoints for s in sources for t in targets]


_STATION_TYPES = {
    "red_station": ("红色驿站", "red station"),
    "driver_home": ("司机之家", "driver home"),
    "service_center": ("党群服务中心", "Party-mass service centre"),
}

_NODE_KINDS = [
    NodeKind("city_committee", "市委", "city Party committee", party=True, color="#b71c1c"),
    NodeKind("district_committee", "区(县)委", "district (county) Party committee", party=True,
             color="#d32f2f"),
    NodeKind("street_committee", "街道党工委", "street Party working committee", party=True,
             color="#e53935"),
    NodeKind("community_party", "社区党组织", "community Party organization", party=True,
             color="#fb8c00"),
    NodeKind("grid_branch", "网格党支部", "grid Party branch", party=True, color="#fdd835"),
    NodeKind("building_group", "楼栋(单元)党小组", "building Party group", party=True,
             color="#fff176"),
    NodeKind("unit_party", "单位党组织", "unit Party organization", party=True, color="#1e88e5"),
    NodeKind("property_party", "物业企业党组织", "property company Party organization", party=True,
             color="#8e24aa"),
    NodeKind("owners_party", "业委会党组织", "owners' committee Party organization", party=True,
             color="#ab47bc"),
    NodeKind("grid", "网格", "grid", color="#c5e1a5"),
    NodeKind("building", "楼栋(单元)", "building (stairwell unit)", color="#e6ee9c"),
    NodeKind("unit", "机关企事业单位", "institution or enterprise", color="#90caf9"),
    NodeKind("property_company", "物业服务企业", "property service company", color="#ce93d8"),
    NodeKind("owners_committee", "业主委员会", "owners' committee", color="#e1bee7"),
    NodeKind("residents_committee", "居民委员会", "residents' committee", color="#ffcc80"),
    NodeKind("social_org", "社会组织", "social organization", color="#b0bec5"),
    NodeKind("service_station", "服务阵地", "service station", color="#80cbc4",
             enums={"type": _STATION_TYPES}),
    NodeKind("cadre", "街道领导干部", "street leading cadre", color="#8d6e63"),
    NodeKind("lawyer", "法律顾问", "legal adviser", color="#4db6ac"),
]

_STREET_OR_COMMUNITY = ("street_committee", "community_party")
_COMMUNITY_LED = ("residents_committee", "owners_committee", "property_company", "social_org")

_EDGE_KINDS = [
    EdgeKind(
        "leads",
        "领导",
        "leads",
        color="#616161", places=(1, "in"), acyclic=True,
        endpoints=(
            (("city_committee",), ("district_committee",)),
            (("district_committee",), ("street_committee",)),
            (("street_committee",), ("community_party",)),
            (("community_party",), ("grid_branch",)),
            (("grid_branch",), ("building_group",)),
            (("community_party",), _COMMUNITY_LED),
        ),
    ),
    EdgeKind(
        "covers",
        "覆盖",
        "covers",
        color="#9e9e9e", places=(2, "out"),
        endpoints=(
            (("grid_branch",), ("grid",)),
            (("building_group",), ("building",)),
            (("unit_party",), ("unit",)),
            (("property_party",), ("property_company",)),
            (("owners_party",), ("owners_committee",)),
        ),
    ),
    EdgeKind(
        "within",
        "属地",
        "within",
        color="#cfcfcf", dashes=(2, 4), places=(0, "out"), acyclic=True, one_per_source=True,
        endpoints=(
            (("grid",), ("community_party",)),
            (("building",), ("grid",)),
            (
                ("unit", "property_company", "owners_committee", "residents_committee",
                 "social_org", "service_station"),
                _STREET_OR_COMMUNITY,
            ),
        ),
    ),
    EdgeKind(
        "manages",
        "物业服务",
        "manages (property service)",
        ((("property_company",), ("community_party", "grid", "building")),),
        color="#9c27b0", dashes=(6, 4), places=(6, "out"),
    ),
    EdgeKind("pairs_with", "结对共建", "pairs with (co-building)",
             ((("unit_party",), _STREET_OR_COMMUNITY),), color="#2e7d32", co_building=True),
    EdgeKind("part_time", "兼职委员", "part-time committee member",
             ((("unit_party",), _STREET_OR_COMMUNITY),), color="#1565c0", dashes=(8, 4),
             co_building=True),
    EdgeKind("reports_to", "在职党员报到", "in-service members report to",
             ((("unit_party",), ("community_party",)),), color="#00838f", dashes=(2, 3),
             co_building=True),
    EdgeKind(
        "dual_entry",
        "双向进入",
        "dual entry (cross-appointment)",
        ((("community_party",), ("residents_committee", "owners_committee", "property_company")),),
        color="#ef6c00", dashes=(10, 3),
    ),
    EdgeKind("liaison", "包保联系", "grid liaison", ((("cadre",), ("grid",)),), color="#6d4c41",
             dashes=(4, 4)),
    EdgeKind("member_of", "任职", "member of", ((("cadre",), ("street_committee",)),),
             color="#a1887f", places=(3, "out")),
    EdgeKind("advises", "法律顾问", "legal adviser to", ((("lawyer",), ("community_party",)),),
             color="#00897b", dashes=(3, 6), places=(4, "out")),
    EdgeKind(
        "serves",
        "服务",
        "serves",
        ((("service_station",), ("street_committee", "community_party", "grid")),),
        color="#f06292", dashes=(5, 5), places=(5, "out"),
    ),
]

NODE_KINDS: dict[str, NodeKind] = {k.id: k for k in _NODE_KINDS}
EDGE_KINDS: dict[str, EdgeKind] = {k.id: k for k in _EDGE_KINDS}
PARTY_KINDS: tuple[str, ...] = tuple(k.id for k in _NODE_KINDS if k.party)

#: Values of the ``type`` attribute of a ``service_station``.
STATION_TYPES: dict[str, tuple[str, str]] = NODE_KINDS["service_station"].enums["type"]

#: Attributes that are whole numbers >= 0 wherever they appear (nodes or edges).
NUMERIC_ATTRIBUTES: tuple[str, ...] = ("households", "population", "members", "workers")

REQUIRED_NODE_COLUMNS: tuple[str, ...] = ("id", "kind", "name")
REQUIRED_EDGE_COLUMNS: tuple[str, ...] = ("source", "target", "kind")

#: Edge kinds through which units share resources with streets and communities (DESIGN §4).
CO_BUILDING_KINDS: tuple[str, ...] = tuple(k.id for k in _EDGE_KINDS if k.co_building)

#: How a node finds the place it belongs to, in order of preference: (edge kind, direction).
PLACING_EDGES: tuple[tuple[str, str], ...] = tuple(
    (k.id, k.places[1]) for k in sorted((k for k in _EDGE_KINDS if k.places),
                                        key=lambda k: k.places[0]))  # type: ignore[index]


def allowed_endpoints() -> pd.DataFrame:
    """One row per allowed (edge kind, source kind, target kind) triple.

    Validation merges the edge table against it, so endpoint checks are one join.

    Examples
    --------
    >>> table = allowed_endpoints()
    >>> bool(((table.kind == "liaison") & (table.source_kind == "cadre")).any())
    True
    """
    rows = [(e.id, s, t) for e in _EDGE_KINDS for s, t in e.pairs()]
    return pd.DataFrame(rows, columns=["kind", "source_kind", "target_kind"])


def is_allowed(edge_kind: str, source_kind: str, target_kind: str) -> bool:
    """Whether the schema allows an edge of ``edge_kind`` from ``source_kind`` to ``target_kind``.

    >>> is_allowed("covers", "grid_branch", "grid"), is_allowed("covers", "grid", "grid_branch")
    (True, False)
    """
    kind = EDGE_KINDS.get(edge_kind)
    return kind is not None and (source_kind, target_kind) in kind.pairs()


def label(kind: str) -> str:
    """The bilingual label used in output: Chinese label with the English id.

    >>> label("grid_branch")
    '网格党支部 (grid_branch)'
    """
    entry = NODE_KINDS.get(kind) or EDGE_KINDS.get(kind)
    if entry is None:
        return kind
    return f"{entry.zh} ({entry.id})"


def neo4j_label(kind: str) -> str:
    """The Neo4j node label for a node kind (``grid_branch`` -> ``GridBranch``), whitelisted."""
    if kind not in NODE_KINDS:
        raise KeyError(f"not a node kind: {kind!r}")
    return "".join(part.capitalize() for part in kind.split("_"))


def neo4j_type(kind: str) -> str:
    """The Neo4j relationship type for an edge kind (``pairs_with`` -> ``PAIRS_WITH``), whitelisted."""
    if kind not in EDGE_KINDS:
        raise KeyError(f"not an edge kind: {kind!r}")
    return kind.upper()



def kind_code(text: str, edges: bool = False) -> str | None:
    """The kind code for a cell holding the code or the Chinese label; None if neither.

    Reads the kinds as they are now, so a kind registered at run time is found too.

    >>> kind_code("社区党组织"), kind_code("grid"), kind_code("结对共建", edges=True), kind_code("x")
    ('community_party', 'grid', 'pairs_with', None)
    """
    kinds = EDGE_KINDS if edges else NODE_KINDS
    if text in kinds:
        return text
    return next((k.id for k in kinds.values() if k.zh == text), None)
