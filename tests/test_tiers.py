"""Score tiers (docs/design.md §4.7): 达标 ≥ 95 %, 预警 85–95 %, 重点关注 < 85 %, in the boards,
the ledger, the JSON and the overview map, with their thresholds as options."""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.helpers import write_dataset_files

from jiceng.graphmodel import ArgumentError
from jiceng.loaders import read_dataset
from jiceng.present.tiers import Tiers

#: (street, communities, communities paired): scores of exactly 95 %, 90 % and 80 %
STREETS = [("S1", 20, 19), ("S2", 20, 18), ("S3", 20, 16)]
PAIRING_ONLY = """\
rules:
  - id: community-pairing
    title_zh: 社区党组织有结对共建单位
    title_en: Every community Party organization is paired with a unit
    each: community_party
    count: {edge: pairs_with, direction: in, other: [unit_party]}
    min: 1
"""


def tiered_city(folder: Path) -> tuple[Path, Path]:
    """A city of three streets whose score under one pairing rule is exactly 95 %, 90 % and
    80 % (written as real files); returns the dataset folder and the rules file."""
    nodes = [("CITY", "city_committee", "市委"), ("D1", "district_committee", "一区委"),
             ("U1", "unit", "第一单位"), ("UP1", "unit_party", "第一单位党委")]
    edges = [("CITY", "D1", "leads"), ("UP1", "U1", "covers"), ("U1", "S1", "within")]
    for street, size, paired in STREETS:
        nodes.append((street, "street_committee", f"{street}街道党工委"))
        edges.append(("D1", street, "leads"))
        for i in range(size):
            community = f"{street}C{i:02d}"
            nodes.append((community, "community_party", f"{street}第{i}社区党委"))
            edges.append((street, community, "leads"))
            if i < paired:
                edges.append(("UP1", community, "pairs_with"))
    data = write_dataset_files(folder / "city", nodes, edges)
    rules = folder / "pairing.yaml"
    rules.write_text(PAIRING_ONLY, encoding="utf-8")
    return data, rules


def expected_tier(score: float, ok: float = 0.95, warn: float = 0.85) -> str:
    return "ok" if score >= ok else "warn" if score >= warn else "focus"


@pytest.fixture
def city(tmp_path):
    return tiered_city(tmp_path)


# ------------------------------------------------------------------ the definition
def test_thresholds_are_inclusive_at_the_top_of_each_tier():
    tiers = Tiers()
    assert [tiers.of(s) for s in (1.0, 0.95, 0.9499, 0.85, 0.8499, 0.0)] == \
        ["ok", "ok", "warn", "warn", "focus", "focus"]
    assert tiers.of(float("nan")) is None and tiers.of(None) is None
    assert Tiers(ok=0.9, warn=0.9).of(0.9) == "ok"  # no amber band at all


@pytest.mark.parametrize(("ok", "warn"), [(0.8, 0.9), (1.5, 0.85), (0.95, -0.1),
                                          (math.nan, 0.85), (0.95, math.inf)])
def test_thresholds_out_of_order_or_range_are_refused(ok, warn):
    with pytest.raises(ArgumentError) as refused:
        Tiers(ok=ok, warn=warn)
    assert refused.value.code == "argument"
    assert re.match(r"^[\u4e00-\u9fff]", str(refused.value))  # Chinese first


# ------------------------------------------------------------------ the ranking board
def test_json_carries_each_streets_and_districts_tier(cli, city):
    data, rules = city
    result = cli("audit", data, "--rules", rules, "--by", "street", "--format", "json")
    assert result.exit_code == 0, result.stderr
    streets = json.loads(result.stdout)["streets"]
    assert {s["id"]: s["score"] for s in streets} == {s: p / n for s, n, p in STREETS}
    assert {s["id"]: s["tier"] for s in streets} == {"S1": "ok", "S2": "warn", "S3": "focus"}
    for item in streets:  # the keys of docs/design.md §6 are all still there
        assert {"id", "name", "district", "rank", "score", "coverage"} < set(item)
    districts = json.loads(cli("audit", data, "--rules", rules, "--by", "district",
                               "--format", "json").stdout)["districts"]
    assert [d["tier"] for d in districts] == [expected_tier(53 / 60)]


def test_thresholds_are_options_of_audit(cli, city):
    data, rules = city
    result = cli("audit", data, "--rules", rules, "--by", "street", "--format", "json",
                 "--tier-ok", "90", "--tier-warn", "80")
    assert result.exit_code == 0, result.stderr
    tiers = {s["id"]: s["tier"] for s in json.loads(result.stdout)["streets"]}
    assert tiers == {"S1": "ok", "S2": "ok", "S3": "warn"}


@pytest.mark.parametrize(("args", "said"), [
    (["--tier-ok", "80", "--tier-warn", "90"], "--tier-warn 90 高于 --tier-ok 80"),
    (["--tier-ok", "101"], "--tier-ok"), (["--tier-warn", "-5"], "--tier-warn"),
    (["--tier-ok", "nan"], "--tier-ok")])
@pytest.mark.parametrize("command", [["audit", "--format", "json"], ["map", "--overview"]])
def test_bad_thresholds_exit_2_with_a_chinese_message(cli, tmp_path, command, args, said):
    out = tmp_path / "out.html"
    result = cli(*command, *args, *(["--output", out] if command[0] == "map" else []))
    assert result.exit_code == 2
    assert result.stdout == "" and not out.exists()
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("错误 error: ") and said in error and "Traceback" not in result.stderr
    assert re.search(r"[\u4e00-\u9fff]", error.split("（")[0].removeprefix("错误 error: "))


def test_table_markdown_and_csv_show_the_tier(cli, city):
    data, rules = city
    base = ("audit", data, "--rules", rules, "--by", "street")
    table = cli(*base).stdout
    assert re.search(r"[┃│]\s*等级", table) and "等级 tiers: 达标 ≥ 95% · 预警 85%–95% · 重点关注 < 85%" in table
    rows = {line.split("│")[2].strip(): line for line in table.splitlines()
            if re.match(r"│\s+\d", line)}
    assert "达标" in rows["S1街道党工委"] and "预警" in rows["S2街道党工委"] \
        and "重点关注" in rows["S3街道党工委"]
    markdown = cli(*base, "--format", "markdown").stdout
    assert "等级 (tier)" in markdown and "| 重点关注 |" in markdown
    csv_rows = cli(*base, "--format", "csv").stdout.splitlines()
    at = csv_rows[0].split(",").index("等级 (tier)")
    assert [r.split(",")[at] for r in csv_rows[1:]] == ["ok", "warn", "focus"]  # codes


def _green_amber_red(colour: str) -> str:
    """Which of green, amber and red a #rrggbb colour is, by its hue."""
    rgb = colour[-6:]  # "#81c784" or openpyxl's "0081C784"
    r, g, b = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    if g > r and g > b:
        return "green"
    if r > b and g > b and g >= 0.6 * r:
        return "amber"
    return "red" if r > g and r > b else "other"


def test_ledger_fills_tier_and_score_cells_and_says_the_thresholds(cli, city, tmp_path):
    data, rules = city
    out = tmp_path / "台账.xlsx"
    result = cli("audit", data, "--rules", rules, "--by", "street", "--format", "xlsx",
                 "--output", out, "--tier-ok", "92.5")
    assert result.exit_code == 0, result.stderr
    sheet = load_workbook(out)["排行榜"]
    rows = list(sheet.iter_rows())
    at = next(i for i, r in enumerate(rows) if r[0].value == "序号 (seq)")
    above = [str(r[0].value) for r in rows[:at]]
    assert any(t.startswith("等级 tiers: 达标 ≥ 92.5% · 预警 85%–92.5% · 重点关注 < 85%")
               for t in above)
    headings = [c.value for c in rows[at]]
    tier, score = headings.index("等级 (tier)"), headings.index("得分 (score)")
    seen = {}
    for row in rows[at + 1:]:
        assert row[tier].fill.fgColor.rgb == row[score].fill.fgColor.rgb
        seen[row[tier].value] = (_green_amber_red(row[tier].fill.fgColor.rgb),
                                 expected_tier(row[score].value, ok=0.925))
    assert seen == {"达标": ("green", "ok"), "预警": ("amber", "warn"),
                    "重点关注": ("red", "focus")}


def test_briefing_colours_the_tier_cells(cli, city):
    data, rules = city
    page = cli("audit", data, "--rules", rules, "--by", "street", "--format", "html").stdout
    assert "等级 tiers: 达标 ≥ 95%" in page
    cells = re.findall(r'<td class="tier" style="background:(#[0-9a-f]{6});color:#[0-9a-f]{6}">'
                       r"([^<]+)</td>", page)
    assert [(label, _green_amber_red(colour)) for colour, label in cells[:3]] == \
        [("达标", "green"), ("预警", "amber"), ("重点关注", "red")]


# ------------------------------------------------------------------ the overview map
def _nodes(page_html: str) -> dict[str, dict]:
    data = re.search(r'<script type="application/json" id="jiceng-data">(.*?)</script>',
                     page_html, re.S).group(1)
    return {n["id"]: n for n in json.loads(data)["nodes"]}


def test_overview_links_only_the_street_maps_written_beside_it(cli, city, tmp_path):
    data, _ = city
    site = tmp_path / "site"
    site.mkdir()
    written = cli("map", data, "--street", "S2", "--output", site)
    assert written.exit_code == 0, written.stderr
    assert sorted(p.name for p in site.iterdir()) == ["street-S2.html"]
    overview = cli("map", data, "--overview", "--output", site)
    assert overview.exit_code == 0, overview.stderr
    assert sorted(p.name for p in site.iterdir()) == ["overview.html", "street-S2.html"]
    nodes = _nodes((site / "overview.html").read_text(encoding="utf-8"))
    assert {i: n["link"] for i, n in nodes.items() if "link" in n} == {"S2": "street-S2.html"}
    every = cli("map", data, "--overview", "--link-streets", "--output", site / "all.html")
    assert every.exit_code == 0
    nodes = _nodes((site / "all.html").read_text(encoding="utf-8"))
    assert {i: n["link"] for i, n in nodes.items() if "link" in n} == \
        {s: f"street-{s}.html" for s, _, _ in STREETS}


def test_overview_tiers_follow_the_options(cli, city, tmp_path):
    data, rules = city
    graph = read_dataset(data)
    assert graph.count("street_committee") == 3
    out = tmp_path / "o.html"
    assert cli("map", data, "--overview", "--tier-ok", "90", "--tier-warn", "85",
               "--output", out).exit_code == 0
    nodes = _nodes(out.read_text(encoding="utf-8"))
    # the map audits with the default rules; its tiers are those of its own scores
    scores = {s["id"]: s["score"] for s in json.loads(cli(
        "audit", data, "--by", "street", "--format", "json").stdout)["streets"]}
    for street, score in scores.items():
        assert nodes[street]["styles"] == [f"tier:{expected_tier(score, 0.9, 0.85)}"]
    drawn = {expected_tier(score, 0.9, 0.85) for score in scores.values()}
    counted = [f"{label} {sum(expected_tier(v, 0.9, 0.85) == code for v in scores.values())}"
               for code, label in (("ok", "达标"), ("warn", "预警"), ("focus", "重点关注"))
               if code in drawn]
    assert f'<div class="meta">街道 streets: {" · ".join(counted)} · ' in \
        out.read_text(encoding="utf-8")
    legend = [(code, html.unescape(text)) for code, text in re.findall(
        r'data-style="tier:(\w+)"[^>]*>.*?<span>([^<]+)</span>', out.read_text(encoding="utf-8"))]
    ranges = {"ok": "达标 ≥ 90%", "warn": "预警 85%–90%", "focus": "重点关注 < 85%"}
    assert sorted(legend) == sorted((code, f"{ranges[code]} {english}") for code, english in
                                    [("ok", "on target"), ("warn", "warning"),
                                     ("focus", "needs attention")] if code in drawn)


def test_street_map_heading_in_its_tier(cli, city, tmp_path):
    data, _ = city
    scores = {s["id"]: s["score"] for s in json.loads(cli(
        "audit", data, "--by", "street", "--format", "json", "--tier-warn", "0").stdout)["streets"]}
    out = tmp_path / "s.html"
    assert cli("map", data, "--street", "S3", "--tier-warn", "0", "--output", out).exit_code == 0
    heading = _nodes(out.read_text(encoding="utf-8"))["S3"]
    code = expected_tier(scores["S3"], warn=0.0)
    assert heading["styles"][0] == f"tier:{code}"
    assert heading["label"].endswith({"ok": "达标", "warn": "预警", "focus": "重点关注"}[code])
    assert _green_amber_red(heading["color"]["background"]) == \
        {"ok": "green", "warn": "amber", "focus": "red"}[code]
