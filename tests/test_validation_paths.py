"""Validation gives the same answer whichever internal path runs, and the answer of a plain
per-row reference.

Valid hand-made datasets are corrupted (hypothesis) in every way validation knows, written
as CSV files and read. Each is read once per path: the usual one, and with each fast part
switched off (arrow normalization, digit-only numbers, ids packed into integers) or made to
fail half-way (a hash collision between an unknown reference and a known id, long ids of 30+
bytes). What is accepted (the graph's tables) and every message (file, row, column, Chinese
and English) must be the same on every path, and equal to :func:`reference`: written here
row by row from the schema, sharing no code with ``jiceng.graphmodel.validate``.
"""

from __future__ import annotations

import difflib
import math
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiceng.graphmodel import InvalidInputError, ProblemCode, arrowtext, idtable, validate
from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS, NUMERIC_ATTRIBUTES
from jiceng.loaders import dataset, read_dataset

NODE_COLUMNS = ["id", "kind", "name", "households", "type"]
EDGE_COLUMNS = ["source", "target", "kind", "members"]
BASE_NODES = [
    ["D1", "district_committee", "南明区委", None, None],
    ["S1", "street_committee", "油榨街道党工委", None, None],
    ["C1", "community_party", "市南路社区党委", "3200", None],
    ["C2", "community_party", "花果园社区党委", "1800", None],
    ["G1", "grid", "第一网格", "420", None],
    ["GB1", "grid_branch", "第一网格党支部", None, None],
    ["B1", "building", "1栋", "36", None],
    ["U1", "unit", "贵阳市第一中学", None, None],
    ["UP1", "unit_party", "贵阳市第一中学党委", None, None],
    ["ST1", "service_station", "红色驿站", None, "red_station"],
]
BASE_EDGES = [
    ["D1", "S1", "leads", None],
    ["S1", "C1", "leads", None],
    ["S1", "C2", "leads", None],
    ["C1", "GB1", "leads", None],
    ["G1", "C1", "within", None],
    ["B1", "G1", "within", None],
    ["GB1", "G1", "covers", None],
    ["U1", "S1", "within", None],
    ["UP1", "U1", "covers", None],
    ["UP1", "C1", "pairs_with", None],
    ["UP1", "C1", "reports_to", "20"],
    ["ST1", "C1", "within", None],
    ["ST1", "C1", "serves", None],
]
LONG_IDS = ["0f8fad5b-d9cb-469f-a165-70867728950e", "市南路社区第一网格党支部委员会", "ＬＯＮＧ－ID－１２３４５６７８９０１２３４５"]


# ------------------------------------------------------------------ corruptions
def _unknown_node_kind(nodes, edges, i, value):
    nodes[i % len(nodes)][1] = value or "gird"


def _unknown_edge_kind(nodes, edges, i, value):
    edges[i % len(edges)][2] = value or "pairs"


def _dangling(nodes, edges, i, value):
    edges[i % len(edges)][i % 2] = "X" + str(i)


def _wrong_direction(nodes, edges, i, value):
    edge = edges[i % len(edges)]
    edge[0], edge[1] = edge[1], edge[0]


def _duplicate_id(nodes, edges, i, value):
    nodes.append([nodes[i % len(nodes)][0], "grid", "重复网格", None, None])


def _cycle_in_leads(nodes, edges, i, value):
    edges.append(["S1", "S1", "leads", None] if i % 2 else ["C1", "S1", "leads", None])


def _cycle_in_within(nodes, edges, i, value):
    edges.append(["G1", "B1", "within", None])


def _second_within(nodes, edges, i, value):
    edges.append(["G1", "C2", "within", None] if i % 2 else ["U1", "C1", "within", None])


def _number(nodes, edges, i, value):
    if i % 3:
        nodes[i % len(nodes)][3] = value
    else:
        edges[i % len(edges)][3] = value


def _station_type(nodes, edges, i, value):
    nodes[-1 if i % 2 else 0][4] = "red_staton" if i % 3 else "driver_home"


def _empty(nodes, edges, i, value):
    if i % 2:
        nodes[i % len(nodes)][i % 3] = value
    else:
        edges[i % len(edges)][i % 3] = value


def _name(nodes, edges, i, value):
    nodes[i % len(nodes)][2] = value


def _rename(nodes, edges, i, value):
    """Rename one node everywhere (a long id, full-width forms, spaces around it)."""
    old = nodes[i % len(nodes)][0]
    for row in nodes:
        if row[0] == old:
            row[0] = value
    for row in edges:
        row[:2] = [value if v == old else v for v in row[:2]]


def _end_text(nodes, edges, i, value):
    """One end of one edge written as a person might type its node's id (blanks around it,
    full-width blanks): the same node; NFKC sends that end's column alone through Python."""
    edge = edges[i % len(edges)]
    edge[i % 2] = value.format(edge[i % 2])


CORRUPTIONS = {
    "unknown node kind": (_unknown_node_kind, ["gird", "nonsense", "社区", "GRID"]),
    "unknown edge kind": (_unknown_edge_kind, ["pairs", "lead", "属地关系"]),
    "dangling edge": (_dangling, [None]),
    "wrong direction": (_wrong_direction, [None]),
    "duplicate id": (_duplicate_id, [None]),
    "cycle in leads": (_cycle_in_leads, [None]),
    "cycle in within": (_cycle_in_within, [None]),
    "second within": (_second_within, [None]),
    "bad number": (_number, ["-3", "2.5", "many", "1e30", "inf", "-0.5", " 12 ", "１２", "007", "1.0"]),
    "station type": (_station_type, [None]),
    "empty cell": (_empty, ["", "   ", "\u3000"]),
    "name text": (_name, ["（南校区）", "\u3000①号楼 ", "Ｇ８", "ｶﾀｶﾅ", "e\u0301"]),
    "rename": (_rename, [*LONG_IDS, " G7 ", "Ｇ８", "C1"]),
    "end text": (_end_text, ["\u3000{} ", " {}", "{}\u3000"]),
}

corruption = st.sampled_from(sorted(CORRUPTIONS)).flatmap(
    lambda name: st.tuples(st.just(name), st.integers(0, 60), st.sampled_from(CORRUPTIONS[name][1])))


def corrupted(steps) -> tuple[list[list], list[list]]:
    nodes = [list(r) for r in BASE_NODES]
    edges = [list(r) for r in BASE_EDGES]
    for name, i, value in steps:
        CORRUPTIONS[name][0](nodes, edges, i, value)
    return nodes, edges


def write(folder: Path, nodes, edges) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(nodes, columns=NODE_COLUMNS).to_csv(folder / "nodes.csv", index=False)
    pd.DataFrame(edges, columns=EDGE_COLUMNS).to_csv(folder / "edges.csv", index=False)
    return folder


# ------------------------------------------------------------------ the reference
#: what is matched or read, where full-width "００７" means 007; names keep "（南校区）"
NFKC_COLUMNS = {"id", "kind", "source", "target", "households", "members", "type"}


def _clean(column, value):
    if value is None:
        return None
    value = (unicodedata.normalize("NFKC", value) if column in NFKC_COLUMNS else value).strip()
    return value or None


def _hint(value, choices) -> str:
    close = [c for c in choices if c.lower() == value.lower()][:1] or \
        difflib.get_close_matches(value, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _number_problem(column, value):
    try:
        number = float(value)
    except ValueError:
        return f"{column} {value!r} is not a number (expected a whole number ≥ 0)"
    if not math.isfinite(number) or abs(number) >= 2.0**63:
        return f"{column} {value!r} is not a number (expected a whole number ≥ 0)"
    if number < 0:
        return f"{column} {value!r} is negative (expected a whole number ≥ 0)"
    if number != math.floor(number):
        return f"{column} {value!r} is not a whole number (expected a whole number ≥ 0)"
    return None


def _reaches(adjacent: dict, start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(adjacent.get(node, ()))
    return False


def reference(nodes_file: str, edges_file: str, raw_nodes, raw_edges):
    """Problems as {(file, row, column, English message)}, and the accepted tables (or None)."""
    nodes = [dict(zip(NODE_COLUMNS, map(_clean, NODE_COLUMNS, r))) for r in raw_nodes]
    edges = [dict(zip(EDGE_COLUMNS, map(_clean, EDGE_COLUMNS, r))) for r in raw_edges]
    problems = set()

    def add(file, row, column, message):
        problems.add((file, row, column, message))

    first_row, kind_of = {}, {}
    for row, node in enumerate(nodes, start=2):
        for column in ("id", "kind", "name"):
            if node[column] is None:
                add(nodes_file, row, column, f"{column} is empty")
        kind = node["kind"]
        if kind is not None and kind not in NODE_KINDS:
            add(nodes_file, row, "kind", f"unknown node kind {kind!r}{_hint(kind, NODE_KINDS)}")
        for column in NUMERIC_ATTRIBUTES:
            if node.get(column) is not None and (why := _number_problem(column, node[column])):
                add(nodes_file, row, column, why)
        if kind in NODE_KINDS:
            for attribute, values in NODE_KINDS[kind].enums.items():
                value = node.get(attribute)
                if value is not None and value not in values:
                    add(nodes_file, row, attribute,
                        f"unknown {NODE_KINDS[kind].en} {attribute} {value!r} (expected one of "
                        f"{', '.join(values)}){_hint(value, values)}")
        if node["id"] is not None:
            if node["id"] in first_row:
                add(nodes_file, row, "id",
                    f"duplicate node id {node['id']!r} (first on row {first_row[node['id']]})")
            else:
                first_row[node["id"]] = row
                kind_of[node["id"]] = kind if kind in NODE_KINDS else None

    first_of: dict[tuple, tuple] = {}
    adjacent: dict[str, dict] = {}
    for row, edge in enumerate(edges, start=2):
        for column in ("source", "target", "kind"):
            if edge[column] is None:
                add(edges_file, row, column, f"{column} is empty")
        kind, source, target = edge["kind"], edge["source"], edge["target"]
        if kind is not None and kind not in EDGE_KINDS:
            add(edges_file, row, "kind", f"unknown edge kind {kind!r}{_hint(kind, EDGE_KINDS)}")
        for column in NUMERIC_ATTRIBUTES:
            if edge.get(column) is not None and (why := _number_problem(column, edge[column])):
                add(edges_file, row, column, why)
        for column, node_id in (("source", source), ("target", target)):
            if node_id is not None and node_id not in first_row:
                add(edges_file, row, column, f"unknown node {node_id!r} (not in {nodes_file})")
        if kind not in EDGE_KINDS:
            continue
        pairs = EDGE_KINDS[kind].pairs()
        sk, tk = kind_of.get(source), kind_of.get(target)
        if sk and tk and (sk, tk) not in pairs:
            add(edges_file, row, "kind", f"a {kind} edge may not go from {sk} {source!r} to {tk} "
                f"{target!r} (allowed: {', '.join(f'{a}→{b}' for a, b in pairs)})")
        if sk and target not in first_row and sk not in [a for a, _ in pairs]:
            add(edges_file, row, "kind", f"a {kind} edge may not start at {sk} {source!r} "
                f"(allowed sources: {', '.join(dict.fromkeys(a for a, _ in pairs))})")
        if tk and source not in first_row and tk not in [b for _, b in pairs]:
            add(edges_file, row, "kind", f"a {kind} edge may not end at {tk} {target!r} "
                f"(allowed targets: {', '.join(dict.fromkeys(b for _, b in pairs))})")
        if EDGE_KINDS[kind].one_per_source and source in first_row:
            if (kind, source) in first_of:
                first_target, first = first_of[(kind, source)]
                add(edges_file, row, "source",
                    f"{source!r} is the source of two {kind} edges: to {first_target!r} "
                    f"(row {first}) and to {target!r}; a node may have one only")
            else:
                first_of[(kind, source)] = (target, row)
        if EDGE_KINDS[kind].acyclic and source in first_row and target in first_row:
            adjacent.setdefault(kind, {}).setdefault(source, []).append(target)
    for row, edge in enumerate(edges, start=2):
        kind, source, target = edge["kind"], edge["source"], edge["target"]
        known = kind in adjacent and source in first_row and target in first_row
        if known and (source == target or _reaches(adjacent[kind], target, source)):
            add(edges_file, row, "target",
                f"this {kind} edge {source} → {target} is part of a cycle of {kind} edges")
    if problems:
        return problems, None
    code = {node["id"]: position for position, node in enumerate(nodes)}
    node_rows = sorted((n["id"], n["kind"], n["name"],
                        None if n["households"] is None else int(float(n["households"])), n["type"])
                       for n in nodes)
    edge_rows = sorted((e["source"], e["target"], e["kind"],
                        None if e["members"] is None else int(float(e["members"])))
                       for e in edges if code[e["source"]] >= 0)
    return problems, (node_rows, edge_rows)


# ------------------------------------------------------------------ the paths
def _two_slots(words, homes):
    """Every id's probe starts at slot 0 or 1: chains as long as the table, a race for a slot in
    every round of the build."""
    return (words[0] % np.uint64(2)).astype(np.int64)


def _last_home(words, homes):
    """Every id's probe starts on the last home slot of the first region: with a short tail
    (``_TAIL`` 2), the third id would run off the region, and the build gives up."""
    return np.full(len(words[0]), homes - 1, dtype=np.int64)


PATHS = {
    "usual": {},
    "no packed ids": {"_packed_codes": lambda ids, references: None},
    "hash collision": {"_home": _two_slots},
    "probes past the table": {"_home": _last_home, "_TAIL": 2},
    "arrow's reader": {"_PROBE": 64},  # every file past its header line parsed by arrow
    "no arrow normalization": {"_normalized_chunk": lambda chunk, nfkc: None},
    "no digit-only numbers": {"whole_numbers": lambda array: None},
    "every slow part": {"_packed_codes": lambda ids, references: None,
                        "_normalized_chunk": lambda chunk, nfkc: None,
                        "whole_numbers": lambda array: None},
    # validation not handed the tables: it holds every column and tells problems at once
    "tables kept whole": {"check_tables": lambda *tables, consume, **files:
                          validate.check_tables(*tables, **files)},
}
MODULES = {"_home": idtable, "_TAIL": idtable, "_PROBE": dataset, "check_tables": dataset,
           "whole_numbers": arrowtext}


def _value(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return int(v) if isinstance(v, (int, np.integer)) else str(v)


def outcome(folder: Path):
    """(problems as (file, row, column, message, English message, code), accepted tables or
    None)."""
    try:
        graph = read_dataset(folder)
    except InvalidInputError as error:
        return sorted((p.file, p.row, p.column, p.message, p.message_en, p.code)
                      for p in error.problems), None
    nodes, edges = graph.to_tables()
    node_rows = sorted(tuple(_value(v) for v in row) for row in
                       nodes.reindex(columns=NODE_COLUMNS).itertuples(index=False, name=None))
    edge_rows = sorted(tuple(_value(v) for v in row) for row in
                       edges.reindex(columns=EDGE_COLUMNS).itertuples(index=False, name=None))
    return [], (node_rows, edge_rows)


def outcomes_by_path(folder: Path) -> dict:
    out = {}
    for path, replacements in PATHS.items():
        with pytest.MonkeyPatch.context() as patch:
            for name, function in replacements.items():
                patch.setattr(MODULES.get(name, validate), name, function)
            out[path] = outcome(folder)
    return out


def check(nodes, edges):
    with tempfile.TemporaryDirectory() as temporary:
        folder = write(Path(temporary) / "city", nodes, edges)
        results = outcomes_by_path(folder)
        nodes_file, edges_file = str(folder / "nodes.csv"), str(folder / "edges.csv")
    usual = results["usual"]
    for path, result in results.items():
        assert result == usual, f"path {path!r} differs from the usual one"
    expected_problems, expected_tables = reference(nodes_file, edges_file, nodes, edges)
    problems, tables = usual
    assert {p[:3] + (p[4],) for p in problems} == expected_problems
    assert len(problems) == len(expected_problems)  # one message per problem, none twice
    assert all(p[3] and p[4] for p in problems)  # Chinese and English, always both
    assert all(p[5] in ProblemCode for p in problems)
    assert tables == expected_tables
    return usual


def test_the_base_dataset_is_valid_on_every_path():
    problems, tables = check(BASE_NODES, BASE_EDGES)
    assert problems == [] and len(tables[0]) == len(BASE_NODES)


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_each_corruption_alone(name):
    function, values = CORRUPTIONS[name]
    for i, value in enumerate(values[:4]):
        check(*corrupted([(name, i * 7 + 1, value)]))


def test_colliding_ids_are_coded_by_the_table_itself(monkeypatch):
    """With every probe starting on one of two slots, the table still answers exactly: a
    dangling end is reported and a repeated id refused, the string path never asked."""
    monkeypatch.setattr(idtable, "_home", _two_slots)
    monkeypatch.setattr(validate, "_string_codes", lambda *a: pytest.fail("strings asked"))
    with tempfile.TemporaryDirectory() as temporary:
        folder = write(Path(temporary) / "c", *corrupted([("dangling edge", 4, None)]))
        with pytest.raises(InvalidInputError) as caught:
            read_dataset(folder, cache=False)
    assert any(p.code == "unknown_endpoint" and "'X4'" in p.message
               for p in caught.value.problems)
    ids = pa.chunked_array([[f"N{i}" for i in range(50)] + ["N7"]])
    assert idtable.IdTable.build(ids) is None
    table = idtable.IdTable.build(ids[:50])
    assert table.codes(pa.chunked_array([["N49", "N7", "N50", "N0"]])).tolist() == [49, 7, -1, 0]
    monkeypatch.setattr(idtable, "_TAIL", 2)
    monkeypatch.setattr(idtable, "_home", _last_home)
    assert idtable.IdTable.build(pa.chunked_array([["A", "B"]])) is not None
    assert idtable.IdTable.build(pa.chunked_array([["A", "B", "C"]])) is None  # off the region


def test_an_end_typed_with_blanks_beside_an_unknown_end_on_every_path():
    """One end column through Python's NFKC, the other not, and an end to resolve by name:
    the two columns then differ in arrow type on arrow's reader (string and large_string)."""
    for i in range(4):
        check(*corrupted([("end text", i, "\u3000{} "), ("dangling edge", 2 * i + 2, None),
                          ("dangling edge", 2 * i + 5, None)]))  # an unknown end in each column


def test_long_ids_take_the_string_path(monkeypatch):
    calls = []
    original = validate._string_codes
    monkeypatch.setattr(validate, "_string_codes", lambda *a: calls.append(1) or original(*a))
    problems, tables = check(*corrupted([("rename", 4, LONG_IDS[0])]))
    assert calls and not problems and LONG_IDS[0] in {row[0] for row in tables[0]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(corruption, min_size=1, max_size=4))
def test_corrupted_datasets_get_the_same_answer_on_every_path(steps):
    check(*corrupted(steps))
