"""YAML files people write, rule files and the plan's units file, read by one reader with the
same limits (jiceng.loaders.yaml_file): no anchors or aliases, a bounded size, node count
and depth; and the units file's ids read as typed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jiceng.loaders.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES
from jiceng.queries.plan import read_units

#: 351 bytes that expand to 9^9 texts when built: every entry's id names the one above it.
ALIAS_BOMB = "".join(
    f"- id: &{name} [{','.join([f'*{above}'] * 9)}]\n"
    for above, name in zip("abcdefgh", "bcdefghi")).replace(
    "- id: &b", "- id: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n- id: &b", 1)

#: Where each kind of file is given, and a valid start for it.
OPTIONS = {"--units": ("plan", "units"), "--rules": ("audit", "rule")}


def run(*args, timeout=120) -> subprocess.CompletedProcess:
    """``jiceng ARGS`` in its own process, so a hang or a crashed parser fails the test."""
    return subprocess.run([sys.executable, "-m", "jiceng", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


def refused(path: Path, option: str, *expected: str) -> None:
    command, what = OPTIONS[option]
    done = run(command, option, path)
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.startswith("错误 error: ") and str(path) in done.stderr
    assert f"{what} file" in done.stderr and len(done.stderr) < 600
    for text in expected:
        assert text in done.stderr, done.stderr


def test_the_bomb_is_the_size_the_issue_says():
    assert len(ALIAS_BOMB.encode()) < 420 and ALIAS_BOMB.count("*") == 72


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_an_alias_bomb_is_refused_at_once(tmp_path, option):
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB if option == "--units" else
                    "extends: default\nx:\n  " + ALIAS_BOMB.replace("\n", "\n  "), encoding="utf-8")
    line = 1 if option == "--units" else 3  # the first anchor
    refused(path, option, "YAML 锚点和别名", "anchors and aliases are not allowed", f"line {line}")


@pytest.mark.parametrize("option", sorted(OPTIONS))
@pytest.mark.parametrize("brackets", [20_000, 49_000])
def test_deep_nesting_is_refused_not_a_crash(tmp_path, option, brackets):
    """20,000 nested brackets ended the units file in RecursionError (exit 3); 49,000 crashed
    the rule file's parser (a segmentation fault after 30 s)."""
    path = tmp_path / "deep.yaml"
    path.write_text("[" * brackets + "]" * brackets + "\n", encoding="utf-8")
    refused(path, option, f"嵌套超过 {MAX_YAML_DEPTH} 层",
            f"nests at most {MAX_YAML_DEPTH} levels deep; line 1")


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_too_many_nodes_are_refused(tmp_path, option):
    path = tmp_path / "many.yaml"
    path.write_text("[" + "1," * MAX_YAML_NODES + "1]\n", encoding="utf-8")
    refused(path, option, f"超过 {MAX_YAML_NODES:,} 个节点", f"at most {MAX_YAML_NODES:,} YAML nodes")


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_a_file_past_the_byte_limit_is_refused(tmp_path, option):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_YAML_BYTES + 1))
    refused(path, option, f"at most {MAX_YAML_BYTES // 1024:,} KB")


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_invalid_yaml_names_line_and_column_chinese_first(tmp_path, option):
    path = tmp_path / "broken.yaml"
    path.write_text("- id: [UP1\n", encoding="utf-8")
    refused(path, option, "不是有效的 YAML，第 2 行第 1 列", "file is not valid YAML", "not valid YAML at line 2, column 1")


# ---------------------------------------------------------------- ids as typed
UNITS = ["0101", "65", "007", "7", "1e3", "1000", "true", "0x1F", "31"]


def write_city(folder: Path) -> Path:
    """One street, one community, and units whose ids YAML 1.1 would read as numbers."""
    folder.mkdir()
    nodes = ["id,kind,name", "CITY,city_committee,市委", "D1,district_committee,一区委",
             "S1,street_committee,一街道党工委", "C1,community_party,一社区党委"]
    edges = ["source,target,kind", "CITY,D1,leads", "D1,S1,leads", "S1,C1,leads"]
    for unit in UNITS:
        nodes += [f"{unit},unit_party,{unit}党支部", f"U-{unit},unit,{unit}单位"]
        edges += [f"{unit},U-{unit},covers", f"U-{unit},S1,within"]
    (folder / "nodes.csv").write_text("\n".join(nodes) + "\n", encoding="utf-8")
    (folder / "edges.csv").write_text("\n".join(edges) + "\n", encoding="utf-8")
    return folder


def test_units_file_ids_are_read_as_typed(tmp_path):
    path = tmp_path / "units.yaml"
    path.write_text("units:\n" + "".join(f"  - id: {u}\n    exclude: yes\n" for u in UNITS[::2])
                    + "  - id: '65'\n    pair_capacity: 010\n", encoding="utf-8")
    settings = read_units(path)
    assert [s.id for s in settings] == ["0101", "007", "1e3", "true", "31", "65"]
    assert [s.exclude for s in settings] == [True] * 5 + [False]
    assert settings[-1].pair_capacity == 10  # a capacity is a number: 010 is ten


def test_plan_excludes_exactly_the_units_typed(tmp_path):
    """``- id: 0101`` excluded the unit 65 (YAML's octal) and planned 0101."""
    city = write_city(tmp_path / "city")
    excluded = ["0101", "007", "1e3", "true", "0x1F"]
    units = tmp_path / "units.yaml"
    units.write_text("".join(f"- id: {u}\n  exclude: true\n" for u in excluded), encoding="utf-8")
    done = run("plan", city, "--units", units, "--min-units", "9", "--format", "json")
    assert done.returncode == 0, done.stderr
    proposals = json.loads(done.stdout)["proposals"]
    to_community = {p["unit"] for p in proposals if p["target"] == "C1" and p["kind"] == "pairs_with"}
    assert to_community == set(UNITS) - set(excluded)
    assert not {p["unit"] for p in proposals} & set(excluded)
