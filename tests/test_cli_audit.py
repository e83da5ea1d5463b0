"""jiceng audit through the command line: formats, files, thresholds, exit codes."""

from __future__ import annotations

import json
import re

import pytest
from openpyxl import load_workbook

from jiceng.loaders import read_dataset, write_dataset
from jiceng.queries.rules import default_rules

XSS = "<img src=x onerror=alert(1)>"


def test_audit_without_dataset_audits_the_sample(cli):
    result = cli("audit")
    assert result.exit_code == 0
    assert "grid-branch" in result.stdout and "覆盖率" in result.stdout


def test_json_is_the_design_shape_and_stdout_is_clean(jiceng_process, sample_truth):
    done = jiceng_process("audit", "--format", "json")
    assert done.returncode == 0
    data = json.loads(done.stdout)  # nothing else on stdout
    assert [r["id"] for r in data["rules"]] == [r.id for r in default_rules()]
    for rule in data["rules"]:
        assert set(rule) == {"id", "title", "each", "checked", "passing", "failing", "coverage",
                             "gaps"}
        assert rule["gaps"] == sorted(rule["gaps"]) == sample_truth["gaps"][rule["id"]]
        assert rule["passing"] + rule["failing"] == rule["checked"]


@pytest.fixture(scope="module")
def xss_dataset(tmp_path_factory, sample):
    """The sample with one unit and one community renamed to an HTML payload."""
    nodes, edges = sample.to_tables()
    nodes = nodes.copy()
    nodes.loc[nodes["id"] == "C00017", "name"] = XSS  # an isolated community: a gap
    folder = tmp_path_factory.mktemp("xss") / "d"
    from jiceng.graphmodel import OrgGraph

    write_dataset(OrgGraph.from_tables(nodes.astype(str).where(nodes.notna()),
                                       edges.astype(str).where(edges.notna())), folder)
    assert read_dataset(folder).nodes.set_index("id").loc["C00017", "name"] == XSS
    return folder


def test_html_report_is_self_contained_and_escaped(cli, tmp_path, xss_dataset):
    out = tmp_path / "audit.html"
    assert cli("audit", xss_dataset, "--format", "html", "--output", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert XSS not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_xlsx_ledger_has_summary_rule_sheets_and_roll_ups(cli, tmp_path):
    out = tmp_path / "ledger.xlsx"
    result = cli("audit", "--format", "xlsx", "--output", out)
    assert result.exit_code == 0 and result.stdout == ""
    book = load_workbook(out, read_only=True)
    for sheet in ["summary", "ranking", "by_district", "by_street"] + [r.id for r in default_rules()]:
        assert sheet in book.sheetnames, sheet
    rows = list(book["grid-branch"].iter_rows(values_only=True))
    header = rows[0]
    assert "街道名称 (street_name)" in header and "区(县)名称 (district_name)" in header
    assert len(rows) - 1 == 83


def test_xlsx_needs_an_output_file(cli):
    result = cli("audit", "--format", "xlsx")
    assert result.exit_code == 2 and "--output" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "markdown", "table"])
def test_text_formats_to_a_file(cli, tmp_path, fmt):
    out = tmp_path / f"audit.{fmt}"
    assert cli("audit", "--format", fmt, "--output", out).exit_code == 0
    data = out.read_bytes()
    assert b"grid-branch" in data
    assert data.startswith(b"\xef\xbb\xbf") == (fmt == "csv")


def test_csv_to_stdout_is_the_summary(cli):
    lines = cli("audit", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("规则 (rule),") and len(lines) == 14


def test_fail_under(cli):
    failed = cli("audit", "--fail-under", "90", "--format", "json")
    assert failed.exit_code == 1 and "owners-party" in failed.stderr
    json.loads(failed.stdout)
    assert cli("audit", "--fail-under", "10").exit_code == 0


def test_by_street(cli):
    result = cli("audit", "--by", "street", "--format", "markdown")
    assert result.exit_code == 0 and "街道总览" in result.stdout
