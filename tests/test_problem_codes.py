"""Error codes: one error module, a code on every error class and every problem, each problem
code produced by an input here and listed in docs/design.md §7.7."""

from __future__ import annotations

import ast
import csv
import importlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from tests.helpers import TINY_EDGES, TINY_NODES, write_dataset_files
from tests.test_hostile_input import strict_workbook, tiny_workbook

import jiceng
import jiceng.graphmodel
import jiceng.loaders.dataset
from jiceng.graphmodel import InvalidInputError, JicengError, Problem, ProblemCode, errors
from jiceng.loaders import read_dataset
from jiceng.loaders.dataset import check_writable
from jiceng.loaders.limits import MAX_CELL_CHARS, MAX_COLUMNS
from jiceng.present.maps import overview_map
from jiceng.queries.plan import UnitSetting, plan, read_units

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jiceng"
DESIGN = ROOT / "docs" / "design.md"

ERROR_CLASSES = [c for c in vars(errors).values()
                 if isinstance(c, type) and issubclass(c, JicengError)]


def test_every_error_class_is_defined_in_the_error_module_only():
    defined = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    re.fullmatch(r"\w*Error|Exception", getattr(base, "id", getattr(base, "attr", "")))
                    for base in node.bases):
                defined[node.name] = path.relative_to(SRC).as_posix()
    assert set(defined.values()) == {"graphmodel/errors.py"}, defined
    assert {c.__name__ for c in ERROR_CLASSES} == set(defined)


@pytest.mark.parametrize("error", ERROR_CLASSES, ids=lambda c: c.__name__)
def test_every_error_class_is_exported_with_its_code(error):
    for module in (jiceng.graphmodel, jiceng):
        assert error.__name__ in module.__all__
        assert getattr(module, error.__name__) is error
    assert re.fullmatch(r"[a-z_]+", error.code)


def test_error_codes_are_distinct_but_the_type_error_shares_its_parent_s():
    codes = [c.code for c in ERROR_CLASSES if c is not errors.ArgumentTypeError]
    assert len(codes) == len(set(codes))
    assert errors.ArgumentTypeError.code == errors.ArgumentError.code == "argument"


def test_a_problem_must_be_given_a_known_code():
    with pytest.raises(TypeError):
        Problem("nodes.csv", 2, "id", "重复", "duplicate")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        Problem("nodes.csv", 2, "id", "重复", "duplicate", code="no_such_code")  # type: ignore[arg-type]
    made = Problem("nodes.csv", 2, "id", "重复", "duplicate", code="duplicate_id")  # type: ignore[arg-type]
    assert made.code is ProblemCode.DUPLICATE_ID and made.code == "duplicate_id"


def _table(section: str) -> list[list[str]]:
    rows = []
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[1:]


def _design_section() -> str:
    text = DESIGN.read_text(encoding="utf-8")
    return text[text.index("### 7.7 Error codes"):text.index("\n## 8.")]


def test_the_design_document_lists_exactly_the_problem_codes_and_error_codes():
    section = _design_section()
    classes, problems = section.split("\n| `code` | 含义 | Meaning |")
    listed = [row[0].strip("`") for row in _table("| `code` | 含义 | Meaning |" + problems)]
    assert listed == [code.value for code in ProblemCode]
    for row in _table("| `code` | 含义 | Meaning |" + problems):
        assert len(row) == 3 and re.search(r"[\u4e00-\u9fff]", row[1]) and row[2], row
    by_class = {}
    for row in _table(classes):
        for name in re.findall(r"`(\w+)`", row[0]):
            by_class[name] = row[1].strip("`")
    assert by_class == {c.__name__: c.code for c in ERROR_CLASSES}


# ---- every problem code comes from an input ---------------------------------------------

def _csv(tmp_path: Path, nodes: str, edges: str | None = None) -> Path:
    folder = write_dataset_files(tmp_path / "data", TINY_NODES, TINY_EDGES)
    (folder / "nodes.csv").write_text(nodes, encoding="utf-8")
    if edges is not None:
        (folder / "edges.csv").write_text(edges, encoding="utf-8")
    return folder


NODES = "id,kind,name\n" + "".join(f"{i},{k},{n}\n" for i, k, n in TINY_NODES)
EDGES = "source,target,kind\n" + "".join(f"{s},{t},{k}\n" for s, t, k in TINY_EDGES)


def _read(path: Path) -> Callable[[], object]:
    return lambda: read_dataset(path)


def _too_many_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(jiceng.loaders.dataset, "MAX_ROWS", 3)
    return _read(_csv(tmp_path, NODES))


def _bad_csv(tmp_path, monkeypatch):
    """Python's reader raises csv.Error only beyond its field size limit, which the loader
    lifts to the text's length; here the limit is held at 20 characters."""
    real = csv.field_size_limit
    old = real()
    monkeypatch.setattr(csv, "field_size_limit", lambda *new: real(20))
    path = _csv(tmp_path, NODES.replace("南明区委", "南明区委" * 10))

    def run():
        try:
            read_dataset(path)
        finally:
            real(old)
    return run


def _strict(tmp_path, monkeypatch):
    return _read(strict_workbook(tmp_path / "strict.xlsx"))


def _formula(tmp_path, monkeypatch):
    def change(nodes, edges):
        nodes["D1"], nodes["D4"] = "households", "=3000+200"
    return _read(tiny_workbook(tmp_path / "formula.xlsx", change=change))


def _sheets(names: list[str]):
    def make(tmp_path, monkeypatch):
        workbook = Workbook()
        workbook.active.title = names[0]
        for name in names[1:]:
            workbook.create_sheet(name)
        workbook.save(tmp_path / "sheets.xlsx")
        return _read(tmp_path / "sheets.xlsx")
    return make


def _units(name: str, text: str):
    def make(tmp_path, monkeypatch):
        (tmp_path / name).write_text(text, encoding="utf-8")
        return lambda: read_units(tmp_path / name)
    return make


def _plan_units(unit: str):
    def make(tmp_path, monkeypatch):
        graph = read_dataset(_csv(tmp_path, NODES))
        return lambda: plan(graph, units=[UnitSetting(unit)])
    return make


def _line_break(tmp_path, monkeypatch):
    graph = read_dataset(_csv(tmp_path, NODES))
    graph.nodes.loc[0, "name"] = "南明\r区委"
    return lambda: check_writable(graph, tmp_path / "out")


def _nothing_to_draw(tmp_path, monkeypatch):
    graph = read_dataset(write_dataset_files(tmp_path / "one", [("D1", "district_committee", "区")],
                                             []))
    return lambda: overview_map(graph)


def _too_many_pairs(tmp_path, monkeypatch):
    monkeypatch.setattr(importlib.import_module("jiceng.queries.plan"), "MAX_PLAN_PAIRS", 0)
    return lambda: plan(jiceng.read_sample())


def _edges(edges: str):
    return lambda tmp_path, monkeypatch: _read(_csv(tmp_path, NODES, "source,target,kind\n" + edges))


def _nodes(text: str):
    return lambda tmp_path, monkeypatch: _read(_csv(tmp_path, text))


def _bytes(data: bytes, name: str = "nodes.csv"):
    def make(tmp_path, monkeypatch):
        folder = _csv(tmp_path, NODES)
        (folder / name).write_bytes(data)
        return _read(folder)
    return make


def _path(make_path: Callable[[Path], Path]):
    return lambda tmp_path, monkeypatch: _read(make_path(tmp_path))


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


#: For each code, an input that gives a problem with it.
INPUTS: dict[ProblemCode, Callable] = {
    ProblemCode.FILE_NOT_FOUND: _path(lambda tmp: tmp / "nowhere"),
    ProblemCode.NOT_A_DATASET: _path(lambda tmp: _written(tmp / "nodes.xls", b"x")),
    ProblemCode.EMPTY_FILE: _bytes(b""),
    ProblemCode.TOO_LARGE: _units("units.csv", "id\n" + "UP1\n" * 300_000),
    ProblemCode.ENCODING: _bytes("id,kind,name\nD1,district_committee,Müller Zoë\n".encode("latin-1")),
    ProblemCode.BAD_CSV: _bad_csv,
    ProblemCode.BAD_WORKBOOK: _path(lambda tmp: _written(tmp / "broken.xlsx", b"not a zip")),
    ProblemCode.STRICT_OOXML: _strict,
    ProblemCode.BAD_YAML: _units("units.yaml", "- id: [UP1\n"),
    ProblemCode.BAD_STRUCTURE: _units("units.yaml", "id: UP1\n"),
    ProblemCode.MISSING_SHEET: _sheets(["nodes"]),
    ProblemCode.AMBIGUOUS_SHEET: _sheets(["nodes", "节点", "edges"]),
    ProblemCode.NO_HEADER: _bytes(b"\n" + NODES.encode()),
    ProblemCode.MISSING_COLUMN: _nodes("id,kind\nD1,district_committee\n"),
    ProblemCode.BAD_HEADING: _nodes("id,kind,name,no\x01te\n"),
    ProblemCode.DUPLICATE_COLUMN: _nodes("id,kind,name,Name\n"),
    ProblemCode.UNNAMED_COLUMN: _nodes(NODES.replace("name\n", "name,\n").replace("区委\n", "区委,x\n")),
    ProblemCode.UNKNOWN_FIELD: _units("units.csv", "id,colour\nUP1,red\n"),
    ProblemCode.TOO_MANY_COLUMNS: _nodes("id,kind,name," + ",".join(f"c{i}" for i in range(MAX_COLUMNS)) + "\n"),
    ProblemCode.TOO_MANY_ROWS: _too_many_rows,
    ProblemCode.TOO_LONG: _nodes(NODES.replace("南明区委", "长" * (MAX_CELL_CHARS + 1))),
    ProblemCode.OPEN_QUOTE: _nodes(NODES.replace("南明区委", '"南明区委')),
    ProblemCode.EXTRA_CELLS: _nodes(NODES.replace("南明区委", "南明区委,多余")),
    ProblemCode.LINE_BREAK: _line_break,
    ProblemCode.FORMULA_ERROR: lambda tmp_path, monkeypatch: _read(tiny_workbook(
        tmp_path / "na.xlsx", change=lambda nodes, edges: nodes.__setitem__("C4", "#N/A"))),
    ProblemCode.FORMULA_NOT_CALCULATED: _formula,
    ProblemCode.MISSING_VALUE: _nodes(NODES.replace("南明区委", "")),
    ProblemCode.BAD_KIND: _nodes(NODES.replace("district_committee", "district")),
    ProblemCode.BAD_VALUE: _nodes("id,kind,name,type\n" + "".join(
        f"{i},{k},{n},\n" for i, k, n in TINY_NODES) + "SS1,service_station,驿站,blue_station\n"),
    ProblemCode.BAD_NUMBER: _nodes("id,kind,name,households\n" + "".join(
        f"{i},{k},{n},{'-3' if i == 'C1' else ''}\n" for i, k, n in TINY_NODES)),
    ProblemCode.NUMBER_TOO_LARGE: _nodes("id,kind,name,households\n" + "".join(
        f"{i},{k},{n},{'9' * 20 if i == 'C1' else ''}\n" for i, k, n in TINY_NODES)),
    ProblemCode.BAD_USCC: _nodes("id,kind,name,uscc\n" + "".join(
        f"{i},{k},{n},{'91520102MA6DKQ1D9X' if i == 'U1' else ''}\n" for i, k, n in TINY_NODES)),
    ProblemCode.DUPLICATE_ID: _nodes(NODES + "D1,district_committee,又一个区委\n"),
    ProblemCode.UNKNOWN_ENDPOINT: _edges("D1,S9,leads\n"),
    ProblemCode.AMBIGUOUS_ENDPOINT: lambda tmp_path, monkeypatch: _read(_csv(
        tmp_path, NODES + "G2,grid,第一网格\n", "source,target,kind\n第一网格,C1,within\n")),
    ProblemCode.BAD_ENDPOINT: _edges("GB1,D1,pairs_with\n"),
    ProblemCode.ONE_PER_SOURCE: _edges("G1,C1,within\nG1,S1,within\n"),
    ProblemCode.CYCLE: _edges("D1,S1,leads\nS1,D1,leads\n"),
    ProblemCode.UNKNOWN_NODE: _plan_units("UP99"),
    ProblemCode.WRONG_KIND: _plan_units("C1"),
    ProblemCode.NOTHING_TO_DRAW: _nothing_to_draw,
    ProblemCode.TOO_MANY_PAIRS: _too_many_pairs,
}


def test_every_problem_code_has_an_input_here():
    assert list(INPUTS) == list(ProblemCode)


@pytest.mark.parametrize("code", list(ProblemCode), ids=str)
def test_every_problem_code_is_produced_by_an_input(code, tmp_path, monkeypatch):
    run = INPUTS[code](tmp_path, monkeypatch)
    with pytest.raises(InvalidInputError) as raised:
        run()
    codes = {p.code for p in raised.value.problems}
    assert code in codes, [str(p) for p in raised.value.problems]
    assert raised.value.code == "invalid_input"
