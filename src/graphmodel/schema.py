"""The vocabulary of the organizational graph, declared once.

Every other module (loaders, validation, rules, maps, Cypher, docs) reads the
node kinds, edge kinds, their Chinese and English labels and the allowed
endpoints from here. Adding a kind touches this file only.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    "allowed_endpoints",
    "is_allowed",
    "label",
    "neo4j_label",
    "neo4j_type",
]


@dataclass(frozen=True)
class NodeKind:
    """A kind of node: its id, Chinese and English labels, and whether it is a Party organization."""

    id: str
    zh: str
    en: str
    party: bool = False


@dataclass(frozen=True)
class EdgeKind:
    """A kind of edge and the (source kinds, target kinds) pairs it may join."""

    id: str
    zh: str
    en: str
    endpoints: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]

    def pairs(self) -> list[tuple[str, str]]:
        """Every allowed (source kind, target kind) pair."""
        return [(s, t) for sources, targets in self.endpoints for s in sources for t in targets]


_NODE_KINDS = [
    NodeKind("city_committee", "市委", "city Party committee", party=True),
    NodeKind("district_committee", "区(县)委", "district (county) Party committee", party=True),
    NodeKind("street_committee", "街道党工委", "street Party working committee", party=True),
    NodeKind("community_party", "社区党组织", "community Party organization", party=True),
    NodeKind("grid_branch", "网格党支部", "grid Party branch", party=True),
    NodeKind("building_group", "楼栋(单元)党小组", "building Party group", party=True),
    NodeKind("unit_party", "单位党组织", "unit Party organization", party=True),
    NodeKind("property_party", "物业企业党组织", "property company Party organization", party=True),
    NodeKind("owners_party", "业委会党组织", "owners' committee Party organization", party=True),
    NodeKind("grid", "网格", "grid"),
    NodeKind("building", "楼栋(单元)", "building (stairwell unit)"),
    NodeKind("unit", "机关企事业单位", "institution or enterprise"),
    NodeKind("property_company", "物业服务企业", "property service company"),
    NodeKind("owners_committee", "业主委员会", "owners' committee"),
    NodeKind("residents_committee", "居民委员会", "residents' committee"),
    NodeKind("social_org", "社会组织", "social organization"),
    NodeKind("service_station", "服务阵地", "service station"),
    NodeKind("cadre", "街道领导干部", "street leading cadre"),
    NodeKind("lawyer", "法律顾问", "legal adviser"),
]

_STREET_OR_COMMUNITY = ("street_committee", "community_party")
_COMMUNITY_LED = ("residents_committee", "owners_committee", "property_company", "social_org")

_EDGE_KINDS = [
    EdgeKind(
        "leads",
        "领导",
        "leads",
        (
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
        (
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
        (
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
    ),
    EdgeKind("pairs_with", "结对共建", "pairs with (co-building)",
             ((("unit_party",), _STREET_OR_COMMUNITY),)),
    EdgeKind("part_time", "兼职委员", "part-time committee member",
             ((("unit_party",), _STREET_OR_COMMUNITY),)),
    EdgeKind("reports_to", "在职党员报到", "in-service members report to",
             ((("unit_party",), ("community_party",)),)),
    EdgeKind(
        "dual_entry",
        "双向进入",
        "dual entry (cross-appointment)",
        ((("community_party",), ("residents_committee", "owners_committee", "property_company")),),
    ),
    EdgeKind("liaison", "包保联系", "grid liaison", ((("cadre",), ("grid",)),)),
    EdgeKind("member_of", "任职", "member of", ((("cadre",), ("street_committee",)),)),
    EdgeKind("advises", "法律顾问", "legal adviser to", ((("lawyer",), ("community_party",)),)),
    EdgeKind(
        "serves",
        "服务",
        "serves",
        ((("service_station",), ("street_committee", "community_party", "grid")),),
    ),
]

NODE_KINDS: dict[str, NodeKind] = {k.id: k for k in _NODE_KINDS}
EDGE_KINDS: dict[str, EdgeKind] = {k.id: k for k in _EDGE_KINDS}
PARTY_KINDS: tuple[str, ...] = tuple(k.id for k in _NODE_KINDS if k.party)

#: Values of the ``type`` attribute of a ``service_station``.
STATION_TYPES: dict[str, tuple[str, str]] = {
    "red_station": ("红色驿站", "red station"),
    "driver_home": ("司机之家", "driver home"),
    "service_center": ("党群服务中心", "Party-mass service centre"),
}

#: Attributes that are whole numbers >= 0 wherever they appear (nodes or edges).
NUMERIC_ATTRIBUTES: tuple[str, ...] = ("households", "population", "members", "workers")

REQUIRED_NODE_COLUMNS: tuple[str, ...] = ("id", "kind", "name")
REQUIRED_EDGE_COLUMNS: tuple[str, ...] = ("source", "target", "kind")

#: Edge kinds through which units share resources with streets and communities (DESIGN §4).
CO_BUILDING_KINDS: tuple[str, ...] = ("pairs_with", "part_time", "reports_to")


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
