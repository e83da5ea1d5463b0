"""Rules as data: the default file, users' rule files, and clear errors for bad ones."""

from __future__ import annotations

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


def test_bad_rules_through_the_cli_exit_2(tmp_path, jiceng_process):
    path = write(tmp_path, "rules:\n  - {id: r, title_zh: 规, title_en: R, each: grid, count: {edge: pairs}}\n")
    done = jiceng_process("audit", "--rules", path, "--format", "json")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == (f"错误 error: {path}, rule 'r', field 'count.edge': "
                                   "unknown or missing edge kind 'pairs'")


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
