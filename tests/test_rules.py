"""Rules as data: the default file, users' rule files, and clear errors for bad ones."""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml

from jiceng.graphmodel import RuleError
from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS
from jiceng.queries.coverage import audit
from jiceng.queries.rules import default_rules, load_rules

DEFAULT_IDS = ["grid-branch", "building-group", "grid-liaison", "street-part-time",
               "community-part-time", "street-pairing", "community-pairing", "property-party",
               "owners-party", "unit-party", "dual-entry", "legal-adviser", "service-center"]


def test_default_rules_are_the_article_s_thirteen():
    rules = default_rules()
    assert [r.id for r in rules] == DEFAULT_IDS
    for rule in rules:
        assert rule.title_zh and rule.title_en and rule.article
        assert set(rule.each) <= set(NODE_KINDS) and rule.count.edge in EDGE_KINDS
    assert {r.id: r.min for r in rules}["community-part-time"] == 3


def write(tmp_path, text: str):
    path = tmp_path / "rules.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_user_file_adds_changes_and_drops(tmp_path, sample):
    path = write(tmp_path, """
        extends: default
        drop: [owners-party]
        rules:
          - id: community-part-time
            title_zh: 社区党组织有至少5名兼职委员
            title_en: At least five part-time members
            each: community_party
            count: {edge: part_time, direction: in}
            min: 5
          - id: red-station
            title_zh: 街道有红色驿站
            title_en: Every street has a red station
            each: street_committee
            count: {edge: serves, other: [service_station], other_attrs: {type: red_station}}
    """)
    rules = load_rules(path)
    ids = [r.id for r in rules]
    assert "owners-party" not in ids and ids[-1] == "red-station" and len(ids) == 13
    result = audit(sample, rules)
    default = audit(sample)
    assert len(result.gap_ids("community-part-time")) > len(default.gap_ids("community-part-time"))


def test_file_without_extends_replaces_the_set(tmp_path):
    path = write(tmp_path, """
        rules:
          - {id: only, title_zh: 仅此, title_en: Only, each: grid, count: {edge: covers}}
    """)
    assert [r.id for r in load_rules(path)] == ["only"]


BAD = {
    "unknown edge kind": ({"count": {"edge": "pairs"}},
                          "rule 'r', field 'count.edge': unknown or missing edge kind 'pairs'"),
    "unknown node kind": ({"each": "gird"}, "rule 'r', field 'each': unknown node kind 'gird'"),
    "negative min": ({"min": -1},
                     "rule 'r', field 'min': must be a whole number from 0 to 1,000,000, not -1"),
    "min past int64": ({"min": 2**64},
                       "rule 'r', field 'min': must be a whole number from 0 to 1,000,000, not "
                       "18446744073709551616"),
    "bad direction": ({"count": {"edge": "covers", "direction": "up"}},
                      "rule 'r', field 'count.direction': must be 'in' or 'out'"),
    "unknown field": ({"colour": "red"}, "rule 'r', field 'colour': unknown field"),
    "unknown other kind": ({"count": {"edge": "covers", "other": ["branch"]}},
                           "rule 'r', field 'count.other': unknown node kind 'branch'"),
    "missing title": ({"title_en": None}, "rule 'r', field 'title_en': is required"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_rule_names_the_rule_and_field(tmp_path, case):
    change, message = BAD[case]
    rule = {"id": "r", "title_zh": "规则", "title_en": "Rule", "each": "grid",
            "count": {"edge": "covers"}, **change}
    path = write(tmp_path, yaml.safe_dump({"rules": [rule]}, allow_unicode=True))
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_duplicate_rule_id(tmp_path):
    rule = "{id: r, title_zh: 规则, title_en: Rule, each: grid, count: {edge: covers}}"
    path = write(tmp_path, f"rules:\n  - {rule}\n  - {rule}\n")
    with pytest.raises(RuleError, match="rule 'r', field 'id': duplicate rule id"):
        load_rules(path)


def test_not_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "rules: [\n  - id: x\n")
    with pytest.raises(RuleError, match="not valid YAML at line"):
        load_rules(path)


def test_missing_rule_file(tmp_path):
    with pytest.raises(RuleError, match="rule file not found"):
        load_rules(tmp_path / "none.yaml")


def test_dropping_an_unknown_rule(tmp_path):
    path = write(tmp_path, "extends: default\ndrop: [nope]\n")
    with pytest.raises(RuleError, match="cannot drop unknown rule 'nope'"):
        load_rules(path)


def test_bad_rules_through_the_cli_exit_2(tmp_path, cli):
    path = write(tmp_path, "rules:\n  - {id: r, title_zh: 规, title_en: R, each: grid, count: {edge: pairs}}\n")
    done = cli("audit", "--rules", path, "--format", "json")
    assert done.exit_code == 2 and done.stdout == ""
    assert done.stderr.strip() == (f"错误 error: {path} 规则 'r' 字段 count.edge：未知或缺少关系类型 "
                                   "'pairs'（rule 'r', field 'count.edge': unknown or missing "
                                   "edge kind 'pairs'）")


def test_rule_values_match_cells_as_typed(tmp_path):
    """A rule's value matches the cell holding the same text: full-width text in a firm's name
    as it is, YAML's true as the text true, a station type in its plain form."""
    from tests.helpers import write_dataset_files

    from jiceng.loaders import read_dataset

    nodes = [("S1", "street_committee", "街道", "", ""), ("C1", "community_party", "一社区", "", ""),
             ("C2", "community_party", "二社区", "", ""), ("L1", "lawyer", "律师", "Ｘ律所", "true")]
    edges = [("S1", "C1", "leads"), ("S1", "C2", "leads"), ("L1", "C1", "advises")]
    graph = read_dataset(write_dataset_files(tmp_path / "d", nodes, edges,
                                             node_columns=("id", "kind", "name", "firm", "duty")))
    path = write(tmp_path, """
        rules:
          - {id: firm, title_zh: 律所, title_en: Firm, each: community_party,
             count: {edge: advises, other_attrs: {firm: Ｘ律所}}}
          - {id: duty, title_zh: 在岗, title_en: On duty, each: community_party,
             count: {edge: advises, other_attrs: {duty: true}}}
    """)
    gaps = audit(graph, load_rules(path)).gaps
    assert sorted(zip(gaps["rule"], gaps["id"])) == [("duty", "C2"), ("firm", "C2")]


RULE = "{id: r, title_zh: 规则, title_en: Rule, each: grid, count: {edge: covers}}"


@pytest.mark.parametrize("text, rule, field, line", [
    ("rules:\n  - id: r\n    title_zh: 规则\n    title_en: Rule\n    each: grid\n"
     "    count: {edge: covers}\n    min: 1\n    min: 3\n", "r", "min", 8),
    ("rules:\n  - {id: r, title_zh: 规则, title_en: Rule, each: grid,\n"
     "     count: {edge: covers, direction: in, edge: pairs_with}}\n", "r", "count.edge", 3),
    (f"rules:\n  - {RULE}\nrules: []\n", None, "rules", 3),
])
def test_a_key_given_twice_is_refused_naming_rule_and_field(tmp_path, cli, text, rule, field,
                                                             line):
    """YAML keeps the last of two equal keys: a rule with min twice was checked with one of
    them, silently. Both are refused, naming the rule, the field and the lines."""
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    assert (caught.value.rule, caught.value.field) == (rule, field)
    message = str(caught.value)
    assert message.startswith(str(path)) and f"第 {line} 行" in message and f"line {line}" in message
    assert "两次" in message and "twice" in message
    result = cli("audit", "--rules", path, "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"错误 error: {message}\n"
    if rule:
        assert f"规则 '{rule}'" in message and f"rule '{rule}', field '{field}'" in message


BAD_FILES = {
    "each not a kind": f"rules:\n  - {RULE.replace('each: grid', 'each: 5')}\n",
    "unknown kind": f"rules:\n  - {RULE.replace('each: grid', 'each: gird')}\n",
    "attrs not a mapping": f"rules:\n  - {RULE[:-1]}, where: {{attrs: 5}}}}\n",
    "attr without value": f"rules:\n  - {RULE[:-1]}, where: {{attrs: {{type: null}}}}}}\n",
    "count not a mapping": f"rules:\n  - {RULE.replace('{edge: covers}', '5')}\n",
    "count unknown key": f"rules:\n  - {RULE.replace('{edge: covers}', '{edge: covers, x: 1}')}\n",
    "unknown edge": f"rules:\n  - {RULE.replace('covers', 'pairs')}\n",
    "bad direction": f"rules:\n  - {RULE.replace('covers}', 'covers, direction: up}')}\n",
    "rule not a mapping": "rules: [5]\n",
    "no id": f"rules:\n  - {RULE.replace('id: r, ', '')}\n",
    "unknown field": f"rules:\n  - {RULE[:-1]}, colour: red}}\n",
    "missing title": f"rules:\n  - {RULE.replace('title_en: Rule, ', '')}\n",
    "title not text": f"rules:\n  - {RULE.replace('title_en: Rule', 'title_en: [R]')}\n",
    "bad min": f"rules:\n  - {RULE[:-1]}, min: -1}}\n",
    "bad where": f"rules:\n  - {RULE[:-1]}, where: 5}}\n",
    "not a mapping": "[]\n",
    "unknown top-level key": "colour: red\nrules: []\n",
    "rules not a list": "rules: 5\n",
    "duplicate rule id": f"rules:\n  - {RULE}\n  - {RULE}\n",
    "drop without extends": f"drop: [grid-branch]\nrules:\n  - {RULE}\n",
    "no rules": "rules: []\n",
    "extends not default": "extends: mine\n",
    "drop not a list": "extends: default\ndrop: 5\n",
    "drop unknown": "extends: default\ndrop: [nope]\n",
    "not YAML": "rules: [\n  - id: x\n",
    "alias": "a: &x 1\nb: *x\n",
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_every_rule_file_error_is_chinese_first(tmp_path, case):
    path = write(tmp_path, BAD_FILES[case])
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    chinese, _, english = message[len(str(path)):].partition("（")
    assert re.search(r"[\u4e00-\u9fff]", chinese), f"Chinese first: {message}"
    assert re.search(r"[A-Za-z]{3}", english) and message.endswith("）"), message


def test_missing_and_unreadable_rule_files_are_chinese_first(tmp_path):
    for path in (tmp_path / "none.yaml", tmp_path):
        with pytest.raises(RuleError) as caught:
            load_rules(path)
        chinese = str(caught.value)[len(str(path)):].partition("（")[0]
        assert re.search(r"[\u4e00-\u9fff]", chinese), str(caught.value)


def test_a_rule_a_plan_cannot_meet_is_refused_chinese_first(tmp_path, cli):
    path = write(tmp_path, """
        extends: default
        rules:
          - {id: street-pairing, title_zh: 结对, title_en: Paired, each: street_committee,
             count: {edge: advises}}
    """)
    result = cli("plan", "--rules", path, "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("错误 error: 规则 'street-pairing' 字段 count：配置方案")
    assert "（rule 'street-pairing', field 'count': a plan meets this rule" in result.stderr
