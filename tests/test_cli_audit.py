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


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_audit_loads_only_what_it_uses(fmt):
    """An audit of CSV files imports neither scipy nor networkx nor openpyxl (each costs start-up
    time: ``benchmarks/startup.py``); validation's cycle check peels the hierarchy in numpy."""
    import subprocess
    import sys

    probe = ("import sys; from jiceng.cli import cli\n"
             f"try:\n    cli(['audit', '--format', '{fmt}'], prog_name='jiceng')\n"
             "except SystemExit as e:\n    code = e.code\n"
             "print(code, sorted({m.split('.')[0] for m in sys.modules} & "
             "{'scipy', 'networkx', 'openpyxl', 'pandas'}))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    *shown, last = done.stdout.strip().splitlines()
    assert last == "0 ['pandas']"
    assert "grid-branch" in "\n".join(shown)


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
    nodes.loc[nodes["id"] == "S0001", "name"] = XSS  # a street: in the ranking
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


def test_xlsx_ledger_has_summary_ranking_roll_ups_and_gaps(cli, tmp_path, sample_truth):
    out = tmp_path / "ledger.xlsx"
    result = cli("audit", "--format", "xlsx", "--output", out)
    assert result.exit_code == 0 and result.stdout == ""
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["汇总", "排行榜", "分区县", "分街道", "分区县分规则", "问题清单"]
    rows = list(book["问题清单"].iter_rows(values_only=True))
    book.close()
    at = next(i for i, r in enumerate(rows) if r and r[0] == "序号 (seq)")
    header = rows[at]
    assert "街道名称 (street_name)" in header and "区县名称 (district_name)" in header
    rule = header.index("规则 (rule)")
    assert sum(r[rule] == "grid-branch" for r in rows[at + 1:]) == len(
        sample_truth["gaps"]["grid-branch"])


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
    assert result.exit_code == 0 and "街道排行榜" in result.stdout and "排名 (rank)" in result.stdout
