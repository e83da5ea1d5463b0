"""The unified social credit code (统一社会信用代码, ``uscc``) read and checked: a wrong code is
refused with its file, row and column, every one of them at once; a right one is kept as typed."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from tests.helpers import TINY_EDGES, TINY_NODES, write_dataset_files

from jiceng.graphmodel import InvalidInputError, ProblemCode
from jiceng.graphmodel.uscc import USCC_ALPHABET, check_character, uscc_invalid, uscc_problem
from jiceng.loaders import read_dataset


def _code(first17: str) -> str:
    return first17 + check_character(first17)


def _wrong(code: str) -> str:
    """The code with another check character."""
    return code[:-1] + USCC_ALPHABET[(USCC_ALPHABET.index(code[-1]) + 1) % len(USCC_ALPHABET)]


GOOD = _code("91520102MA6DKQ1D9")
OTHER = _code("52520100MJ0000001")


def _folder(tmp_path, codes: dict[str, str]):
    """The tiny city with a social organisation and a property company, ``codes`` by node id."""
    nodes = [*TINY_NODES, ("SO1", "social_org", "市南路志愿者协会"),
             ("PC1", "property_company", "贵阳宏远物业服务有限公司")]
    edges = [*TINY_EDGES, ("SO1", "C1", "within"), ("PC1", "C1", "within")]
    return write_dataset_files(tmp_path / "d", [(*n, codes.get(n[0], "")) for n in nodes], edges,
                               node_columns=("id", "kind", "name", "uscc"))


def test_right_codes_are_kept_as_typed(tmp_path):
    graph = read_dataset(_folder(tmp_path, {"U1": GOOD, "SO1": OTHER, "PC1": "９" + GOOD[1:]}))
    codes = graph.nodes.set_index("id")["uscc"]
    assert (codes["U1"], codes["SO1"]) == (GOOD, OTHER)
    assert codes["PC1"] == GOOD  # Excel's full-width digit read as the digit
    assert codes.isna().sum() == graph.n_nodes - 3  # empty cells: absent, not checked


def test_every_wrong_code_is_refused_with_its_row_and_column(tmp_path):
    wrong = _wrong(GOOD)
    folder = _folder(tmp_path, {"U1": wrong, "SO1": "9152010", "PC1": "91520102MA6DKQ1DIM"})
    with pytest.raises(InvalidInputError) as raised:
        read_dataset(folder)
    problems = {p.row: p for p in raised.value.problems}
    rows = {node[0]: row for row, node in enumerate([*TINY_NODES, ("SO1",), ("PC1",)], start=2)}
    assert set(problems) == {rows["U1"], rows["SO1"], rows["PC1"]}
    for problem in problems.values():
        assert problem.code is ProblemCode.BAD_USCC and problem.column == "uscc"
        assert problem.file == str(folder / "nodes.csv")
        assert problem.message.startswith("统一社会信用代码") and "GB 32100" in problem.message_en
    assert f"校验位应为 {GOOD[-1]}，实为 {wrong[-1]}" in problems[rows["U1"]].message
    assert "应为 18 位，实为 7 位" in problems[rows["SO1"]].message
    assert "第 17 位 I" in problems[rows["PC1"]].message


def test_cli_refuses_a_wrong_check_character_naming_the_cell(cli, tmp_path):
    """A workbook with the Chinese heading: exit 2, file, row, column, what is wrong."""
    path = tmp_path / "街道.xlsx"
    workbook = Workbook()
    nodes = workbook.active
    nodes.title = "节点"
    nodes.append(["编号", "类型", "名称", "统一社会信用代码"])
    for node in TINY_NODES:
        nodes.append([*node, _wrong(GOOD) if node[0] == "U1" else None])
    edges = workbook.create_sheet("关系")
    edges.append(["起点", "终点", "关系"])
    for edge in TINY_EDGES:
        edges.append(list(edge))
    workbook.save(path)
    row = 2 + [n[0] for n in TINY_NODES].index("U1")

    result = cli("validate", path)
    assert result.exit_code == 2 and result.stdout == ""
    line = next(x for x in result.stderr.splitlines() if "uscc" in x)
    assert line.startswith(f"{path}[节点] 第 {row} 行 uscc 列：统一社会信用代码 '{_wrong(GOOD)}' 有误")
    assert line.index("校验位") < line.index(f"row {row}, column uscc")  # Chinese, then English
    assert "1 个问题" in result.stderr

    nodes.cell(row=row, column=4, value=GOOD)
    workbook.save(path)
    fixed = cli("validate", path)
    assert fixed.exit_code == 0, fixed.stderr
    assert read_dataset(path).nodes.set_index("id").at["U1", "uscc"] == GOOD


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet=USCC_ALPHABET + "IOZSVaé９", min_size=16, max_size=19),
    st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17).map(_code),
    st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17).map(lambda c: _wrong(_code(c)))),
    max_size=30))
def test_a_column_is_judged_as_each_code_alone(codes):
    """The column check (numpy over arrow's bytes) says what the check of one code says."""
    array = pa.array(codes, type=pa.string())
    expected = [uscc_problem(c) is not None for c in codes]
    assert uscc_invalid(array).tolist() == expected
    assert uscc_invalid(pa.chunked_array([array[:3], array[3:]], type=pa.string())).tolist() \
        == expected
    assert uscc_invalid(array[1:]).tolist() == expected[1:]  # a slice: offsets not at 0
