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
