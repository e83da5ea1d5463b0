"""--street and --district: a place's own view of audit, isolated, reach and plan, counted city-wide
and checked here against the city-wide results filtered by the places the graph gives."""

from __future__ import annotations

import json

import numpy as np
import pytest
from openpyxl import load_workbook

from jiceng.loaders import write_dataset
from jiceng.loaders.synthetic import generate
from jiceng.queries.coverage import audit
from jiceng.queries.rules import default_rules

STREET = "S0020"  # 太慈桥街道党工委 in the sample
DISTRICT = "D002"  # 中共南明区委员会


def _ids(graph, codes) -> list[str]:
    return [str(i) for i in graph.node_values("id", np.asarray(codes, dtype=np.int64))]


def _placed(graph, level: str, place: str) -> np.ndarray:
    """Codes of the nodes placed in the place, straight from the graph's places."""
    return np.flatnonzero(graph.places[level].to_numpy() == graph.code(place))


def _json(result) -> dict:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _expected_communities(graph, level: str, place: str) -> dict[str, list[tuple]]:
    """Every community of the place -> its failures and those of the nodes under it, as
    (rule, node, count, min), from the city-wide audit's gaps and the graph's places."""
    inside = set(_ids(graph, _placed(graph, level, place)))
    communities = [c for c in _ids(graph, np.flatnonzero(graph.is_kind("community_party")))
                   if c in inside]
    expected: dict[str, list[tuple]] = {c: [] for c in communities}
    community_of = graph.places["community"].to_numpy()
    mins = {rule.id: rule.min for rule in default_rules()}
    for row in audit(graph).gaps.itertuples(index=False):
        if row.id not in inside:
            continue
        above = community_of[graph.code(row.id)]
        if above >= 0:
            assert int(row.min) == mins[row.rule]
            expected[_ids(graph, [above])[0]].append((row.rule, row.id, int(row.count),
                                                      int(row.min)))
    return expected


@pytest.mark.parametrize(("option", "typed", "level", "place"), [
    ("--street", "太慈桥", "street", STREET),
    ("--street", STREET, "street", STREET),
    ("--district", "南明", "district", DISTRICT),
])
def test_audit_place_json_lists_every_community_with_the_gaps_under_it(cli, sample, option,
                                                                      typed, level, place):
    data = _json(cli("audit", option, typed, "--format", "json"))
    expected = _expected_communities(sample, level, place)
    assert [c["id"] for c in data["communities"]] == sorted(expected)
    got = {c["id"]: sorted((f["rule"], f["node"], f["count"], f["min"]) for f in c["fails"])
           for c in data["communities"]}
    assert got == {c: sorted(fails) for c, fails in expected.items()}
    assert any(not fails for fails in got.values()) or level == "street"  # clean ones kept
    assert any(kind != "community_party" for c in data["communities"]
               for kind in (f["kind"] for f in c["fails"]))  # grids, buildings... counted under
    names = dict(zip(sample.nodes["id"].astype(str), sample.nodes["name"]))
    assert all(c["name"] == names[c["id"]] for c in data["communities"])
    assert data["place"] == {"id": place, "name": names[place], "level": level}

    # each rule's gaps: the city-wide gaps of the nodes placed there; counts over the place
    inside = set(_ids(sample, _placed(sample, level, place)))
    city = _json(cli("audit", "--format", "json"))
    for scoped, whole in zip(data["rules"], city["rules"]):
        assert scoped["id"] == whole["id"]
        assert scoped["gaps"] == [g for g in whole["gaps"] if g in inside]
        assert scoped["failing"] == len(scoped["gaps"])
    # the street committee's own gap is in the rules, under no community
    if level == "street":
        assert STREET in next(r for r in data["rules"] if r["id"] == "street-part-time")["gaps"]


def test_audit_street_on_screen_one_row_per_failing_node_with_why(cli, sample):
    result = cli("audit", "--street", "太慈桥")
    assert result.exit_code == 0, result.stderr
    screen = result.stdout
    data = _json(cli("audit", "--street", "太慈桥", "--format", "json"))
    failing = [c for c in data["communities"] if c["fails"]]
    assert failing
    for community in failing:
        assert community["id"] in screen
        for fail in community["fails"]:
            assert fail["node"] in screen
            assert f"{fail['count']}/{fail['min']}" in screen
    own = [f for c in failing for f in c["fails"] if f["rule"] == "community-part-time"]
    assert own and all(f"兼职委员 {f['count']}/{f['min']}" in screen for f in own)
    assert "太慈桥街道党工委" in screen.splitlines()[0]


def test_audit_without_a_place_shows_the_head_of_the_gap_list(cli, sample):
    result = cli("audit")
    assert result.exit_code == 0
    total = len(audit(sample).gaps)
    assert total > 20
    assert "问题清单" in result.stdout
    assert f"… 另有 {total - 20:,} 条；完整清单请用 --format xlsx（… {total - 20:,} more; " \
           "--format xlsx for all）" in result.stdout


@pytest.mark.slow
def test_ledger_gap_rows_name_their_community(cli, sample, tmp_path):
    out = tmp_path / "ledger.xlsx"
    assert cli("audit", "--format", "xlsx", "--output", out).exit_code == 0
    book = load_workbook(out, read_only=True)
    rows = [list(r) for r in book["问题清单"].iter_rows(values_only=True)]
    book.close()
    header_at = next(i for i, r in enumerate(rows) if r and "编号 (id)" in r)
    header = rows[header_at]
    body = [dict(zip(header, r)) for r in rows[header_at + 1:] if any(r)]
    assert "社区 (community)" in header and "社区名称 (community_name)" in header
    community_of = sample.places["community"].to_numpy()
    kinds = {"网格", "楼栋(单元)", "物业服务企业"}
    under = [r for r in body if r["类型 (kind)"] in kinds]
    assert len(under) > 100
    for row in under:
        above = community_of[sample.code(row["编号 (id)"])]
        if above >= 0:
            assert row["社区 (community)"] == _ids(sample, [above])[0]
            assert row["社区名称 (community_name)"] == sample.nodes["name"].iat[above]


def test_audit_street_ledger_and_briefing_carry_the_place(cli, tmp_path):
    ledger, page = tmp_path / "street.xlsx", tmp_path / "street.html"
    assert cli("audit", "--street", "太慈桥", "--format", "xlsx", "-o", ledger).exit_code == 0
    assert cli("audit", "--street", "太慈桥", "--format", "html", "-o", page).exit_code == 0
    book = load_workbook(ledger, read_only=True)
    assert {"本地问题", "社区一览", "问题清单"} <= set(book.sheetnames)
    listed = [r for r in book["社区一览"].iter_rows(values_only=True) if r and r[0]]
    book.close()
    assert any("C00313" in r for r in listed)
    text = page.read_text(encoding="utf-8")
    assert "太慈桥街道党工委" in text and "Gaps by node" in text and "兼职委员 0/3" in text


@pytest.mark.parametrize(("args", "shown"), [
    (["--street", "太兹桥"], ["是否要找 did you mean", "S0020", "太慈桥街道党工委"]),
    (["--district", "南名"], ["是否要找 did you mean", "D002"]),
    (["--district", "云"], ["D001", "D004"]),  # ambiguous: both candidates
    (["--street", "太慈桥", "--district", "南明"], ["只能给一个", "not both"]),
])
@pytest.mark.parametrize("command", ["audit", "isolated", "reach", "plan"])
def test_a_place_not_found_is_refused_with_candidates(cli, command, args, shown):
    result = cli(command, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert all(s in result.stderr for s in shown), result.stderr
    first = result.stderr.strip().splitlines()[0]
    assert "\u4e00" <= first.split()[-1][0] <= "\u9fff" or "错误" in first  # Chinese first
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- isolated, reach, plan
@pytest.fixture(scope="module")
def small_city(tmp_path_factory):
    graph, _ = generate(seed=5, scale=0.1)
    out = tmp_path_factory.mktemp("scope") / "city"
    write_dataset(graph, out)
    return out, graph


def _streets(graph) -> list[str]:
    return _ids(graph, np.flatnonzero(graph.is_kind("street_committee")))


def test_isolated_street_is_the_city_wide_list_filtered(cli, small_city):
    path, graph = small_city
    city = _json(cli("isolated", path, "--format", "json"))
    seen = 0
    for street in _streets(graph):
        inside = set(_ids(graph, _placed(graph, "street", street)))
        data = _json(cli("isolated", path, "--street", street, "--format", "json"))
        assert data["isolated"] == [c for c in city["isolated"] if c in inside]
        assert data["fragile"] == [c for c in city["fragile"] if c in inside]
        assert data["single_points"] == {
            u: [c for c in cs if c in inside] for u, cs in city["single_points"].items()
            if any(c in inside for c in cs)}
        seen += len(data["isolated"]) + len(data["fragile"])
    assert seen == len(city["isolated"]) + len(city["fragile"]) > 0


def test_reach_street_keeps_its_units_whole_reach_and_its_deserts(cli, small_city):
    path, graph = small_city
    city = _json(cli("reach", path, "--format", "json"))
    street = _streets(graph)[0]
    inside = set(_ids(graph, _placed(graph, "street", street)))
    data = _json(cli("reach", path, "--street", street, "--format", "json"))
    expected = [u for u in city["units"] if u["id"] in inside]
    assert data["units"] == expected  # counts city-wide: the same figures
    assert 0 < len(expected) < len(city["units"])
    assert data["deserts"] == [c for c in city["deserts"] if c in inside]
    district = _json(cli("reach", path, "--district", "D001", "--format", "json"))
    assert district["units"] == [u for u in city["units"]
                                 if u["id"] in set(_ids(graph, _placed(graph, "district",
                                                                       "D001")))]


def test_plan_street_shows_the_proposals_and_needs_of_the_street(cli, small_city):
    path, graph = small_city
    city = _json(cli("plan", path, "--format", "json"))
    street_of = graph.places["street"].to_numpy()
    targets = {p["target"] for p in city["proposals"]} | {u["target"] for u in city["unmet"]}
    by_street = {t: _ids(graph, [street_of[graph.code(t)]])[0] for t in targets}
    busy = max(_streets(graph), key=lambda s: sum(v == s for v in by_street.values()))
    data = _json(cli("plan", path, "--street", busy, "--format", "json"))
    assert data["proposals"] == [p for p in city["proposals"] if by_street[p["target"]] == busy]
    assert data["unmet"] == [u for u in city["unmet"] if by_street[u["target"]] == busy]
    assert 0 < len(data["proposals"]) < len(city["proposals"])
    isolated = _json(cli("isolated", path, "--street", busy, "--format", "json"))
    assert data["totals"]["before"]["isolated"] == len(isolated["isolated"])
    assert data["totals"]["before"]["fragile"] == len(isolated["fragile"])
    deserts = _json(cli("reach", path, "--street", busy, "--format", "json"))["deserts"]
    assert data["totals"]["before"]["deserts"] == len(deserts)


def test_fail_under_with_a_place_reads_the_places_coverage(cli, sample):
    scoped = _json(cli("audit", "--street", "太慈桥", "--format", "json"))
    low = min(r["coverage"] for r in scoped["rules"] if r["coverage"] is not None)
    result = cli("audit", "--street", "太慈桥", "--fail-under", f"{low * 100 + 1:g}")
    assert result.exit_code == 1
    worst = [r["id"] for r in scoped["rules"] if r["coverage"] == low]
    assert all(rule in result.stderr for rule in worst)
    assert result.stderr.lstrip().startswith("低于")
