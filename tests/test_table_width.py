"""Screen tables at 80, 100 and 120 columns keep every name whole (docs/design.md §7.6).

Each table command's report is rendered at each width; every name its screen sections show
(street, district, community, unit names …) must appear whole in the output, and no line may be
wider than the screen.
"""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

import jiceng.present.report as report_module
from jiceng import audit, diff, info_report, isolation, plan, reach, whatif
from jiceng.loaders.synthetic import generate
from jiceng.present import (
    audit_report,
    diff_report,
    isolation_report,
    list_report,
    plan_report,
    reach_report,
    whatif_report,
)
from jiceng.present.cells import visible
from jiceng.present.formats.table import render_table
from jiceng.queries.lookup import LIST_KINDS, find_nodes

WIDTHS = (80, 100, 120)
COMMANDS = ("audit", "audit --by street", "isolated", "reach", "whatif --remove UP00553", "diff",
            "plan", "list communities", "info")


@pytest.fixture(scope="module")
def reports(sample):
    """Each table command's report, as the CLI builds it."""
    result = audit(sample)
    old, _ = generate(seed=1, scale=0.1)
    new, _ = generate(seed=2, scale=0.1)
    kind = LIST_KINDS["communities"]
    return {
        "audit": audit_report(result, dataset="sample"),
        "audit --by street": audit_report(result, dataset="sample", by="street"),
        "isolated": isolation_report(isolation(sample), graph=sample, dataset="sample"),
        "reach": reach_report(reach(sample), dataset="sample"),
        "whatif --remove UP00553": whatif_report(whatif(sample, remove=["UP00553"]), graph=sample,
                                                 dataset="sample", remove=["UP00553"]),
        "diff": diff_report(diff(old, new), what="seed 1 → seed 2"),
        "plan": plan_report(plan(sample), dataset="sample"),
        "list communities": list_report(find_nodes(sample, [kind], None), kind=kind,
                                        what="communities", dataset="sample"),
        "info": info_report(sample),
    }


def _names(report) -> list[str]:
    """Every name the report's screen sections show: the name columns of the rows on screen."""
    names = []
    for section in report.sections:
        if not section.screen:
            continue
        rows = section.people_rows()
        if section.screen_columns:
            rows = rows[section.screen_columns]
        rows = rows.head(section.cap or 40)
        for column in rows.columns:
            if str(column) == "name" or str(column).endswith("_name"):
                names += [visible(str(v)) for v in rows[column] if isinstance(v, str) and v]
    return names


def _render(report, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None,
                      soft_wrap=False)
    render_table(report, console)
    return console.export_text()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_name_is_shown_whole(reports, command, width):
    report = reports[command]
    names = _names(report)  # none for what-if UP00553, whose answer lists no community
    text = _render(report, width)
    missing = sorted({n for n in names if n not in text})
    assert not missing, f"{command} at {width} columns lost {len(missing)} names: {missing[:5]}"
    wide = [line for line in text.splitlines() if cell_len(line) > width]
    assert not wide, f"{command} at {width} columns: lines wider than the screen: {wide[:2]}"


def test_the_street_ranking_keeps_streets_and_districts_at_120(cli, sample, monkeypatch):
    """The reported case through the CLI: `jiceng audit --by street` at 120 columns shows each
    ranked street with its district, the headings in Chinese."""
    monkeypatch.setattr(report_module, "_PIPE_WIDTH", 120)
    result = cli("audit", "--by", "street")
    assert result.exit_code == 0
    ranking = audit_report(audit(sample), by="street").section("ranking")
    shown = ranking.people_rows().head(ranking.cap or 40)
    lines = result.stdout.splitlines()
    for street, district in zip(shown["street_name"], shown["district_name"]):
        assert any(street in line and district in line for line in lines), street
    assert all(cell_len(line) <= 120 for line in lines)
    assert "街道名称" in result.stdout and "区县名称" in result.stdout


def test_a_narrow_screen_says_which_numbers_it_left_out(sample):
    text = _render(audit_report(audit(sample), by="street"), 80)
    assert "屏幕较窄，未显示" in text and "--format xlsx" in text
    assert "未达标数" in text.split("屏幕较窄，未显示")[1].splitlines()[0]


def test_a_wide_screen_keeps_the_bilingual_headings(sample):
    text = _render(audit_report(audit(sample), dataset="sample"), 200)
    assert "覆盖率 (coverage)" in text and "屏幕较窄" not in text


def test_a_name_wider_than_the_screen_folds_whole(sample):
    """A name longer than any screen is folded onto several lines, never cut."""
    report = isolation_report(isolation(sample), graph=sample, dataset="sample")
    section = report.section("isolated")
    long_name = "长" * 45 + "社区党委"
    section.frame = section.frame.assign(name=[long_name] + list(section.frame["name"][1:]))
    for width in WIDTHS:
        text = _render(report, width)
        shown = text.count("长")  # in the table, and again in a continuation keyed by the name
        assert shown >= 45 and shown % 45 == 0 and "社区党委" in text
        assert all(cell_len(line) <= width for line in text.splitlines())
