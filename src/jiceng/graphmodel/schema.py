"""The vocabulary of the organizational graph, declared once.

Every other module (loaders, validation, rules, maps, Cypher, docs) reads the
node kinds, edge kinds, their Chinese and English labels and the allowed
endpoints from here. Adding a kind touches this file only, or, from a program or a
test, one call of :func:`register_node_kind` / :func:`register_edge_kind`: the
dictionaries and every derived value below are live views that follow.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

__all__ = [
    "NodeKind",
    "Derived",
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
    "is_allowed",
    "label",
    "register_node_kind",
    "register_edge_kind",
    "unregister_kind",
    "registered",
    "schema_version",
    "kind_map",
    "neo4j_label",
    "neo4j_type",
]


@dataclass(frozen=True)
class NodeKind:
    """A kind of node: every fact about it that the project uses, declared once.

    ``color`` and ``shape`` are its style on the maps (a vis-network shape name; the maps
    read both here, and draw otherwise only a community's status and a place that heads a
    block of their layout);
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
    ``co_building``: units share resources with streets and communities through it
    (docs/design.md §4).
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
    NodeKind("grid", "网格", "grid", color="#c5e1a5", shape="square"),
    NodeKind("building", "楼栋(单元)", "building (stairwell unit)", color="#e6ee9c",
             shape="square"),
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

#: The Party organizations from the city down, each leading the next (docs/design.md §1).
_PARTY_CHAIN = ("city_committee", "district_committee", "street_committee", "community_party",
                "grid_branch", "building_group")


def _pairs(*pairs: tuple[str, str]) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Endpoints that allow each (source kind, target kind) pair named, and no other."""
    return tuple(((source,), (target,)) for source, target in pairs)


_EDGE_KINDS = [
    EdgeKind(
        "leads", "领导", "leads",
        color="#616161", places=(1, "in"), acyclic=True,
        endpoints=_pairs(*zip(_PARTY_CHAIN, _PARTY_CHAIN[1:]))
        + ((("community_party",), _COMMUNITY_LED),),
    ),
    EdgeKind(
        "covers", "覆盖", "covers",
        color="#9e9e9e", places=(2, "out"),
        endpoints=_pairs(("grid_branch", "grid"), ("building_group", "building"),
                         ("unit_party", "unit"), ("property_party", "property_company"),
                         ("owners_party", "owners_committee")),
    ),
    EdgeKind(
        "within", "属地", "within",
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
        "manages", "物业服务", "manages (property service)",
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
        "dual_entry", "双向进入", "dual entry (cross-appointment)",
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
        "serves", "服务", "serves",
        ((("service_station",), ("street_committee", "community_party", "grid")),),
        color="#f06292", dashes=(5, 5), places=(5, "out"),
    ),
]

NODE_KINDS: dict[str, NodeKind] = {k.id: k for k in _NODE_KINDS}
EDGE_KINDS: dict[str, EdgeKind] = {k.id: k for k in _EDGE_KINDS}
del _NODE_KINDS, _EDGE_KINDS  # from here on the dictionaries are the schema

_version = 0


def schema_version() -> int:
    """A number that changes whenever a kind is registered or unregistered (for caches)."""
    return _version


T = TypeVar("T")


class Derived(Sequence[T]):
    """A tuple computed from the schema, recomputed when the schema changes.

    Modules import it once (``from ... import CO_BUILDING_KINDS``) and still see kinds
    registered later: it iterates, indexes, compares and counts like the tuple it stands for.
    """

    def __init__(self, compute: Callable[[], tuple[T, ...]], doc: str):
        self._compute = compute
        self._cache: tuple[int, tuple[T, ...]] | None = None
        self.__doc__ = doc

    def _value(self) -> tuple[T, ...]:
        if self._cache is None or self._cache[0] != _version:
            self._cache = (_version, tuple(self._compute()))
        return self._cache[1]

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: Any) -> Any:
        return self._value()[index]

    def __len__(self) -> int:
        return len(self._value())

    def __iter__(self) -> Iterator[T]:
        return iter(self._value())

    def __contains__(self, value: object) -> bool:
        return value in self._value()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Derived):
            other = other._value()
        return self._value() == other

    def __hash__(self) -> int:
        return hash(self._value())

    def __add__(self, other: Any) -> tuple[T, ...]:
        return self._value() + tuple(other)

    def __repr__(self) -> str:
        return repr(self._value())


PARTY_KINDS: Sequence[str] = Derived(
    lambda: tuple(k.id for k in NODE_KINDS.values() if k.party),
    "The node kinds that are Party organizations.")

#: Values of the ``type`` attribute of a ``service_station``.
STATION_TYPES: dict[str, tuple[str, str]] = NODE_KINDS["service_station"].enums["type"]

#: Attributes that are whole numbers >= 0 wherever they appear (nodes or edges).
NUMERIC_ATTRIBUTES: tuple[str, ...] = ("households", "population", "members", "workers")

REQUIRED_NODE_COLUMNS: tuple[str, ...] = ("id", "kind", "name")
REQUIRED_EDGE_COLUMNS: tuple[str, ...] = ("source", "target", "kind")

#: Edge kinds through which units share resources with streets and communities
#: (docs/design.md §4).
CO_BUILDING_KINDS: Sequence[str] = Derived(
    lambda: tuple(k.id for k in EDGE_KINDS.values() if k.co_building),
    "Edge kinds through which units share resources with streets and communities "
    "(docs/design.md §4).")

#: How a node finds the place it belongs to, in order of preference: (edge kind, direction).
def _placing_edges() -> tuple[tuple[str, str], ...]:
    placing = [(k.places[0], k.id, k.places[1]) for k in EDGE_KINDS.values() if k.places is not None]
    placing.sort(key=lambda p: p[0])  # stable: equal priorities keep the order of declaration
    return tuple((kind, direction) for _, kind, direction in placing)


PLACING_EDGES: Sequence[tuple[str, str]] = Derived(
    _placing_edges,
    "How a node finds the place it belongs to, in order of preference: (edge kind, direction).")


V = TypeVar("V")


class _KindMap(Mapping[str, V]):
    """A read-only mapping kind id -> a fact of that kind, read from the schema on each access."""

    def __init__(self, kinds: dict[str, Any], fact: Callable[[Any], V]):
        self._kinds, self._fact = kinds, fact

    def __getitem__(self, kind: str) -> V:
        return self._fact(self._kinds[kind])

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)


def kind_map(kinds: dict[str, Any], fact: Callable[[Any], V]) -> Mapping[str, V]:
    """A live mapping from each kind of ``kinds`` (NODE_KINDS or EDGE_KINDS) to ``fact(kind)``,
    for modules that keep a table of one fact per kind: it follows registrations.

    >>> colours = kind_map(NODE_KINDS, lambda k: k.color)
    >>> with registered(NodeKind("volunteer_team", "志愿服务队", "volunteer team", color="#43a047")):
    ...     colours["volunteer_team"]
    '#43a047'
    """
    return _KindMap(kinds, fact)


def register_node_kind(kind: NodeKind) -> NodeKind:
    """Add a node kind to the schema (after the declared ones); every reader follows.

    Raises ``ValueError`` when the id is taken or is not a lower-case identifier.
    """
    _check_new_id(kind.id)
    global _version
    NODE_KINDS[kind.id] = kind
    _version += 1
    return kind


def register_edge_kind(kind: EdgeKind) -> EdgeKind:
    """Add an edge kind to the schema; its endpoints must name node kinds already declared."""
    _check_new_id(kind.id)
    unknown = sorted({k for pair in kind.pairs() for k in pair} - set(NODE_KINDS))
    if unknown:
        raise ValueError(f"edge kind {kind.id!r} names unknown node kinds {unknown}")
    if kind.places is not None and kind.places[1] not in ("in", "out"):
        raise ValueError(f"edge kind {kind.id!r}: places direction must be 'in' or 'out'")
    global _version
    EDGE_KINDS[kind.id] = kind
    _version += 1
    return kind


def unregister_kind(kind_id: str) -> None:
    """Remove a registered node or edge kind (a node kind only when no edge kind names it)."""
    global _version
    if kind_id in EDGE_KINDS:
        del EDGE_KINDS[kind_id]
    elif kind_id in NODE_KINDS:
        users = [e.id for e in EDGE_KINDS.values() if any(kind_id in p for p in e.pairs())]
        if users:
            raise ValueError(f"node kind {kind_id!r} is used by edge kinds {users}")
        del NODE_KINDS[kind_id]
    else:
        raise KeyError(kind_id)
    _version += 1


@contextlib.contextmanager
def registered(*kinds: NodeKind | EdgeKind) -> Iterator[None]:
    """Register ``kinds`` (node kinds first, in the order given) for the ``with`` block only.

    >>> with registered(NodeKind("volunteer_team", "志愿服务队", "volunteer team")):
    ...     label("volunteer_team")
    '志愿服务队 (volunteer_team)'
    >>> "volunteer_team" in NODE_KINDS
    False
    """
    done: list[str] = []
    try:
        for kind in sorted(kinds, key=lambda k: isinstance(k, EdgeKind)):
            if isinstance(kind, NodeKind):
                register_node_kind(kind)
            else:
                register_edge_kind(kind)
            done.append(kind.id)
        yield
    finally:
        for kind_id in reversed(done):
            unregister_kind(kind_id)


def _check_new_id(kind_id: str) -> None:
    if kind_id in NODE_KINDS or kind_id in EDGE_KINDS:
        raise ValueError(f"kind {kind_id!r} is already in the schema")
    if not (kind_id.isascii() and kind_id.replace("_", "a").isalnum() and kind_id[:1].isalpha()
            and kind_id == kind_id.lower()):
        raise ValueError(f"kind id {kind_id!r} must be a lower-case identifier (a-z, 0-9, _)")


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
