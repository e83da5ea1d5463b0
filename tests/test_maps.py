"""Maps: self-contained, escaped, atomic; and the CLI."""

from __future__ import annotations

import re

import pytest
from tests.conftest import XSS

from jiceng.present.maps import overview_map, reach_map, wrap

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.mark.parametrize("which", ["overview", "street", "reach"])
def test_pages_load_nothing_from_outside(pages, which):
    text = pages[which].html
    assert not EXTERNAL.search(text)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", text, re.I)
    assert "sourceMappingURL" not in text


@pytest.mark.parametrize("which", ["overview", "street", "reach"])
def test_names_are_data_never_markup(pages, which):
    text = pages[which].html
    assert "<img" not in text.split("<script>", 1)[0].split("jiceng-data")[0]
    assert XSS not in text  # in the JSON data every < is escaped


def test_street_map_marks_gaps_and_isolation(pages, sample):
    text = pages["street"].html
    assert "未达标 fails" in text and "孤立" in text
    assert pages["street"].n_nodes > 100


def test_overview_aggregates_a_large_city(xss_graph):
    full = overview_map(xss_graph)
    small = overview_map(xss_graph, max_communities=100)
    assert small.n_nodes < full.n_nodes
    assert small.n_nodes == 1 + 11 + 74
    assert "aggregated by street" in small.html
    communities = xss_graph.count("community_party")
    assert f"{communities} 个社区已按街道汇总 communities aggregated by street" in small.html


def test_reach_map_counts(xss_graph):
    from jiceng.queries.reach import reach_from

    page = reach_map(xss_graph, "UP00001", hops=2)
    assert page.n_nodes == len(reach_from(xss_graph, "UP00001", hops=2))


def test_wrap_breaks_long_names():
    assert wrap("一二三四五六七八九十", 4) == "一二三四\n五六七八\n九十"


def test_notebook_display_is_self_contained(pages):
    shown = pages["reach"]._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "file://" not in shown


def test_map_cli_writes_utf8_atomically(cli, tmp_path):
    out = tmp_path / "street.html"
    result = cli("map", "--street", "S0001", "--output", out)
    assert result.exit_code == 0
    assert out.read_bytes().decode("utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["street.html"]  # no temporary left


def test_map_cli_errors(cli):
    assert cli("map", "--street", "NOPE", "--output", "x.html").exit_code == 2
    assert cli("map", "--overview", "--street", "S0001").exit_code == 2
    result = cli("map", "--reach", "C00001")
    assert result.exit_code == 2 and "unknown unit_party node 'C00001'" in result.stderr


def test_proposed_edges_are_dashed_with_their_legend(sample, tmp_path):
    import json as _json

    from jiceng.graphmodel import OrgGraph
    from jiceng.present.maps import street_map

    nodes, edges = sample.to_tables()
    nodes = nodes.astype(str).where(nodes.notna())
    edges = edges.astype(str).where(edges.notna())
    edges["status"] = None
    proposal = {"source": "UP00001", "target": "C00002", "kind": "pairs_with", "status": "proposed"}
    edges = __import__("pandas").concat([edges, __import__("pandas").DataFrame([proposal])],
                                        ignore_index=True)
    graph = OrgGraph.from_tables(nodes, edges, name="planned")
    text = street_map(graph, "S0001").html
    data = _json.loads(text.split('id="jiceng-data">', 1)[1].split("</script>", 1)[0])
    proposed = [e for e in data["edges"] if "proposed" in e["styles"]]
    assert [(e["from"], e["to"]) for e in proposed] == [("UP00001", "C00002")]
    assert proposed[0]["dashes"]
    assert 'data-style="proposed"' in text and "拟建" in text
    assert "proposed" not in {s for e in data["edges"] if e not in proposed for s in e["styles"]}
    reach_text = reach_map(graph, "UP00001").html
    reach_data = _json.loads(reach_text.split('id="jiceng-data">', 1)[1].split("</script>", 1)[0])
    assert [(e["from"], e["to"]) for e in reach_data["edges"] if "proposed" in e["styles"]] == \
        [("UP00001", "C00002")]


def test_reach_map_shows_households_and_the_communities_it_alone_ties(sample):
    import json as _json

    from jiceng.queries.isolation import isolation
    from jiceng.queries.reach import reach

    unit, alone = sorted(isolation(sample).single_points.items())[0]
    page = reach_map(sample, unit, hops=2)
    households = int(reach(sample, hops=2, units=[unit]).units["households"].iat[0])
    assert f"{households} 户 households" in page.title
    data = _json.loads(page.html.split('id="jiceng-data">', 1)[1].split("</script>", 1)[0])
    ringed = {n["id"] for n in data["nodes"] if "only" in n["styles"]}
    assert ringed == set(alone) and all(n["problem"] == (n["id"] in ringed) for n in data["nodes"])


@pytest.mark.parametrize("district", [None, "D1"])
def test_overview_of_a_city_without_streets_says_there_is_nothing_to_draw(tmp_path, cli,
                                                                          district):
    from tests.helpers import write_dataset_files

    city = write_dataset_files(tmp_path / "city", [("CITY", "city_committee", "贵阳市委"),
                                                   ("D1", "district_committee", "南明区委")],
                               [("CITY", "D1", "leads")])
    out = tmp_path / "overview.html"
    where = ["--district", district] if district else []
    result = cli("map", city, "--overview", *where, "--output", out)
    assert result.exit_code == 2, result.stderr
    zh = "南明区委（D1）下没有街道党工委" if district else "city：没有街道党工委"
    assert zh in result.stderr and "一张图无可绘制" in result.stderr
    assert "nothing to draw" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["city"]  # no page, no temporary
    assert sorted(p.name for p in city.iterdir()) == ["edges.csv", "nodes.csv"]
