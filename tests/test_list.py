"""``jiceng list`` and name look-ups (``--street 中华北路``, ``whatif --remove NAME``)."""

from __future__ import annotations

import json

import pytest

from jiceng.graphmodel import UnknownNodeError
from jiceng.queries.lookup import AmbiguousNodeError, find_nodes, resolve_node


def test_resolve_by_id_name_and_fragment(sample):
    assert resolve_node(sample, "S0001", ["street_committee"]) == "S0001"
    assert resolve_node(sample, "中华北路街道党工委", ["street_committee"]) == "S0001"
    assert resolve_node(sample, "中华北路", ["street_committee"]) == "S0001"


def test_ambiguous_fragment_lists_every_candidate(sample):
    with pytest.raises(AmbiguousNodeError) as caught:
        resolve_node(sample, "桥", ["street_committee"])
    expected = find_nodes(sample, ["street_committee"], "桥")["id"].tolist()
    assert len(expected) > 1
    assert all(i in str(caught.value) for i in expected)


def test_unknown_name_suggests_close_ones(sample):
    with pytest.raises(UnknownNodeError) as caught:
        resolve_node(sample, "中华北陆街道", ["street_committee"])
    assert "did you mean" in str(caught.value) and "S0001" in str(caught.value)


def test_map_by_name_and_ambiguous_exit_2(cli, tmp_path):
    out = tmp_path / "s.html"
    assert cli("map", "--street", "中华北路", "--output", out).exit_code == 0
    assert "中华北路街道党工委" in out.read_text(encoding="utf-8")
    result = cli("map", "--street", "桥", "--output", tmp_path / "t.html")
    assert result.exit_code == 2 and "S0006" in result.stderr and "S0007" in result.stderr
    assert not (tmp_path / "t.html").exists()


def test_whatif_remove_by_name(cli, sample):
    counts = sample.nodes["name"].value_counts()
    units = sample.nodes[sample.is_kind("unit_party")]
    unique = units[units["name"].map(counts) == 1].iloc[0]
    by_name = json.loads(cli("whatif", "--remove", unique["name"], "--format", "json").stdout)
    by_id = json.loads(cli("whatif", "--remove", unique["id"], "--format", "json").stdout)
    assert by_name == by_id


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown", "html", "xlsx"])
def test_list_every_format(cli, tmp_path, fmt, sample):
    out = tmp_path / f"streets.{fmt}"
    result = cli("list", "streets", "--format", fmt, "--output", out)
    assert result.exit_code == 0
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(out).worksheets[0]
        values = {c.value for row in sheet.iter_rows() for c in row}
        assert "S0001" in values and "中华北路街道党工委" in values
        return
    text = out.read_text(encoding="utf-8-sig")
    assert "S0001" in text and "中华北路街道党工委" in text


def test_list_json_shape_and_keyword(cli, sample):
    rows = json.loads(cli("list", "communities", "翠安", "--format", "json").stdout)
    names = dict(zip(sample.nodes["id"], sample.nodes["name"]))
    assert rows and all(set(r) == {"id", "name", "kind", "district", "street"} for r in rows)
    assert all("翠安" in names[r["id"]] and r["kind"] == "community_party" for r in rows)
    everything = json.loads(cli("list", "communities", "--format", "json").stdout)
    assert len(everything) == sample.count("community_party")
    streets = {r["id"]: r for r in json.loads(cli("list", "streets", "--format", "json").stdout)}
    assert all(streets[r["street"]]["district"] == r["district"] for r in everything)


def test_overview_of_a_district_by_name(cli, tmp_path, sample):
    out = tmp_path / "d.html"
    result = cli("map", "--overview", "--district", "云岩", "--output", out)
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "中共云岩区委员会" in text and "中共南明区委员会" not in text
    assert cli("map", "--overview", "--district", "不存在的区").exit_code == 2


# ---------------------------------------------------------------- list KIND [KEYWORD] [DATASET]
@pytest.fixture(scope="module")
def small_city(tmp_path_factory):
    """A generated city in a workbook and in a folder, with its graph."""
    from jiceng.loaders.synthetic import write_generated

    folder = tmp_path_factory.mktemp("small-city")
    graph, _ = write_generated(folder / "city.xlsx", seed=5, scale=0.03, excel=True)
    write_generated(folder / "city", seed=5, scale=0.03)
    return folder, graph


def _ids(result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return sorted(r["id"] for r in json.loads(result.stdout))


@pytest.mark.parametrize("name", ["city.xlsx", "city"])
def test_list_takes_a_dataset_as_its_argument(cli, small_city, sample, monkeypatch, name):
    folder, graph = small_city
    monkeypatch.chdir(folder)
    expected = sorted(graph.nodes.loc[graph.is_kind("community_party"), "id"])
    assert expected != sorted(sample.nodes.loc[sample.is_kind("community_party"), "id"])
    assert _ids(cli("list", "communities", name, "--format", "json")) == expected
    assert _ids(cli("list", "communities", folder / name, "--format", "json")) == expected
    names = dict(zip(graph.nodes["id"], graph.nodes["name"]))
    keyword = names[expected[0]][:2]
    with_keyword = _ids(cli("list", "communities", keyword, name, "--format", "json"))
    assert with_keyword == sorted(i for i in expected if keyword in names[i] or keyword in i)
    assert _ids(cli("list", "communities", keyword, "--dataset", name, "--format", "json")
                ) == with_keyword


def test_a_missing_workbook_is_refused_not_searched_for(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("list", "communities", "filled.xlsx")
    assert result.exit_code == 2
    assert "filled.xlsx" in result.stderr and "文件不存在" in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_that_is_no_dataset_is_ambiguous(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "中华").mkdir()
    result = cli("list", "communities", "中华")
    assert result.exit_code == 2 and result.stdout == ""
    assert "不是数据集" in result.stderr and "--dataset 中华" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["中华"]


@pytest.mark.parametrize("args, said", [
    (("city.xlsx", "中华"), "KIND KEYWORD DATASET"),
    (("中", "city.xlsx", "--dataset", "city.xlsx"), "--dataset"),
    (("a", "b", "c"), "KEYWORD DATASET"),
])
def test_ambiguous_words_are_refused(cli, small_city, monkeypatch, args, said):
    monkeypatch.chdir(small_city[0])
    result = cli("list", "communities", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert said in result.stderr and "错误 error:" in result.stderr


def test_the_output_is_never_the_dataset_given_as_argument(cli, small_city, tmp_path):
    folder, _ = small_city
    copy = tmp_path / "city.xlsx"
    copy.write_bytes((folder / "city.xlsx").read_bytes())
    before = copy.read_bytes()
    result = cli("list", "communities", copy, "--format", "csv", "--output", copy, "--force")
    assert result.exit_code == 2 and "输入" in result.stderr
    assert copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city.xlsx"]
