"""jiceng trend over generated quarterly snapshots, and what diff gained (docs/design.md §9)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest

from jiceng import trend
from jiceng.graphmodel import OrgGraph
from jiceng.loaders import read_dataset
from jiceng.present.report import emit
from jiceng.present.trend import choose_streets, trend_report
from jiceng.queries.history import quarter_labels

QUARTERS = quarter_labels(3)  # 2025Q1 .. 2025Q3
HOSTILE_HTML = "<img src=x onerror=alert(1)>"
HOSTILE_CELL = '=HYPERLINK("x")'
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Three quarters of a small city written by ``generate --history 3``, and the street it
    renamed in the middle quarter (read back from the snapshots)."""
    from click.testing import CliRunner

    from jiceng.cli import cli as command

    out = tmp_path_factory.mktemp("history")
    done = CliRunner().invoke(command, ["generate", "--history", "3", "--scale", "0.05",
                                        "--seed", "5", str(out)], catch_exceptions=False)
    assert done.exit_code == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == QUARTERS
    graphs = [read_dataset(out / q) for q in QUARTERS]
    names = [g.nodes.loc[g.nodes["kind"] == "street_committee"].set_index("id")["name"]
             for g in graphs]
    renamed = [s for s in names[0].index if names[0][s] != names[1][s]]
    assert len(renamed) == 1 and names[1][renamed[0]] == names[2][renamed[0]]
    return out, graphs, renamed[0], names


@pytest.fixture(scope="module")
def result(history):
    """The trend of the three quarters through the Python API (``from jiceng import trend``)."""
    return trend(history[1], labels=QUARTERS)


@pytest.fixture(scope="module")
def trend_json(history):
    from click.testing import CliRunner

    from jiceng.cli import cli as command

    out = history[0]
    done = CliRunner().invoke(command, ["trend", *[str(out / q) for q in QUARTERS],
                                        "--format", "json"], catch_exceptions=False)
    assert done.exit_code == 0, done.stderr
    return json.loads(done.stdout)


def test_each_score_and_rank_is_the_audit_by_street_of_its_snapshot(history, trend_json, cli):
    out = history[0]
    assert trend_json["snapshots"] == [{"label": q, "date": d} for q, d in
                                       zip(QUARTERS, ["2025-01-01", "2025-04-01", "2025-07-01"])]
    streets = {s["id"]: s for s in trend_json["streets"]}
    for at, quarter in enumerate(QUARTERS):
        audited = cli("audit", out / quarter, "--by", "street", "--format", "json")
        assert audited.exit_code == 0, audited.stderr
        data = json.loads(audited.stdout)
        assert {s["id"] for s in data["streets"]} == set(streets)
        for street in data["streets"]:
            assert streets[street["id"]]["score"][at] == street["score"]
            assert streets[street["id"]]["rank"][at] == street["rank"]
            assert streets[street["id"]]["tier"][at] == street["tier"]
        rules = {r["id"]: r["coverage"] for r in data["rules"]}
        assert {r["id"]: r["coverage"][at] for r in trend_json["rules"]} == rules
    moved = [s for s in trend_json["streets"] if len(set(s["rank"])) > 1]
    assert moved, "the history moves some street in the ranking"


def test_the_json_has_the_shape_of_design_section_6(trend_json):
    assert list(trend_json) == ["snapshots", "rules", "streets"]
    assert all(list(s) == ["label", "date"] for s in trend_json["snapshots"])
    assert all(list(r) == ["id", "title", "coverage"] and len(r["coverage"]) == 3
               for r in trend_json["rules"])
    for street in trend_json["streets"]:
        assert list(street) == ["id", "name", "district", "score", "rank", "tier"]
        assert all(len(street[k]) == 3 for k in ("score", "rank", "tier"))
    ranks = [s["rank"][-1] for s in trend_json["streets"]]
    assert ranks == sorted(ranks)  # by the latest rank


def test_a_street_renamed_in_the_middle_snapshot_is_one_row(history, trend_json):
    _, _, renamed, names = history
    rows = [s for s in trend_json["streets"] if s["id"] == renamed]
    assert len(rows) == 1 and rows[0]["name"] == names[2][renamed] != names[0][renamed]
    assert None not in rows[0]["score"]
    assert len(trend_json["streets"]) == len(names[0])
    assert not any(s["name"] == names[0][renamed] for s in trend_json["streets"])


def test_a_street_missing_from_a_snapshot_is_a_gap_not_a_zero(history, tmp_path):
    """The middle snapshot without one street: null in JSON, — on screen, empty in the
    workbook and the CSV; the Python API gives DataFrames with NaN there."""
    _, graphs, _, _ = history
    gone = str(graphs[0].nodes.loc[graphs[0].nodes["kind"] == "street_committee", "id"].iloc[0])
    result = trend([graphs[0], graphs[1].without(nodes=[gone]), graphs[2]], labels=QUARTERS)
    assert result.streets.loc[result.streets["street"] == gone, "score"].isna().tolist() == [
        False, True, False]
    report = trend_report(result)
    data = report.data()
    row = next(s for s in data["streets"] if s["id"] == gone)
    assert row["score"][1] is None and row["rank"][1] is None and row["tier"][1] is None
    assert 0 not in row["score"]
    emit(report, "xlsx", tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["街道得分"]
    line = next(r for r in sheet.iter_rows(values_only=True) if r[1] == gone)
    assert line[4] is not None and line[5] is None and line[6] is not None
    emit(report, "csv", tmp_path / "t.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text("utf-8-sig"))))
    gap = next(r for r in rows if r[0] == gone and r[3] == QUARTERS[1])
    assert gap[5:8] == ["", "", ""]


def _chart_parts(path) -> list[ElementTree.Element]:
    with zipfile.ZipFile(path) as book:
        return [ElementTree.fromstring(book.read(name)) for name in sorted(book.namelist())
                if re.fullmatch(r"xl/charts/chart\d+\.xml", name)]


def _title(chart: ElementTree.Element) -> str:
    return "".join(t.text or "" for t in chart.iter(f"{DRAWING}t"))


def test_the_workbook_has_a_line_chart_per_chosen_street_and_one_of_the_rules(history, result,
                                                                             cli, tmp_path):
    out, _, _, names = history
    book = tmp_path / "趋势.xlsx"
    done = cli("trend", *[out / q for q in QUARTERS], "--street", "S0001", "--format", "xlsx",
               "-o", book)
    assert done.exit_code == 0, done.stderr
    charts = _chart_parts(book)
    assert all(c.find(f".//{CHART}lineChart") is not None for c in charts)
    chosen = choose_streets(result, ["S0001"])
    assert chosen[0] == "S0001" and len(chosen) == min(len(names[0]), 9)
    titles = [_title(c) for c in charts]
    for street in chosen:
        assert sum(names[2][street] in t for t in titles) == 1, street
    rules = [c for c in charts if "覆盖率" in _title(c)]  # every rule; those that moved
    assert 1 <= len(rules) <= 2 and len(charts) == len(chosen) + len(rules)
    assert len(rules[0].findall(f".//{CHART}ser")) == result.rules["rule"].nunique()
    with zipfile.ZipFile(book) as zipped:
        sheet = zipped.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<conditionalFormatting") >= 2  # the tiers on the scores, the changes


def test_the_html_draws_inline_svg_and_loads_nothing(result):
    page = _page(trend_report(result), "html")
    assert page.count("<svg") >= 3 and "<script" not in page
    assert not re.search(r"https?://|src=|href=\"(?!#)", page)
    assert "个百分点" in page and re.search(r"[↑↓]\d", page)


def _page(report, fmt: str) -> str:
    buffer = io.StringIO()
    from contextlib import redirect_stdout

    with redirect_stdout(buffer):
        emit(report, fmt, None)
    return buffer.getvalue()


def test_a_hostile_street_name_stays_text(history, tmp_path):
    _, graphs, _, _ = history
    hostile = []
    for graph in graphs:
        nodes, edges = graph.to_tables()
        nodes = nodes.astype(str).where(nodes.notna())
        streets = nodes.index[nodes["kind"] == "street_committee"]
        nodes.loc[streets[0], "name"] = HOSTILE_HTML
        nodes.loc[streets[1], "name"] = HOSTILE_CELL
        hostile.append(OrgGraph.from_tables(nodes, edges.astype(str).where(edges.notna())))
    result = trend(hostile, labels=QUARTERS)
    report = trend_report(result, streets=[str(nodes.at[streets[0], "id"]),
                                           str(nodes.at[streets[1], "id"])])
    page = _page(report, "html")
    assert HOSTILE_HTML not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    text = _page(report, "csv")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    emit(report, "xlsx", tmp_path / "h.xlsx")
    book = openpyxl.load_workbook(tmp_path / "h.xlsx")
    cells = [c for s in book for row in s.iter_rows() for c in row if c.value == HOSTILE_CELL]
    assert cells and all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(tmp_path / "h.xlsx") as zipped:
        assert not any("<f>" in zipped.read(n).decode() for n in zipped.namelist()
                       if n.startswith("xl/worksheets/"))
    assert any(HOSTILE_HTML in _title(c) for c in _chart_parts(tmp_path / "h.xlsx"))


def test_labels_that_do_not_fit_are_refused(history, cli, tmp_path):
    out = history[0]
    wrong = cli("trend", out / QUARTERS[0], out / QUARTERS[1], "--labels", "2025Q1")
    assert wrong.exit_code == 2 and "1 个标签，但有 2 期" in wrong.stderr and not wrong.stdout
    twice = cli("trend", out / QUARTERS[0], out / QUARTERS[1], "--labels", "a,a")
    assert twice.exit_code == 2 and "'a' 出现了两次" in twice.stderr
    into = cli("trend", out / QUARTERS[0], "--format", "csv", "-o", out / QUARTERS[0] / "nodes.csv")
    assert into.exit_code == 2 and read_dataset(out / QUARTERS[0]).n_nodes > 0


def test_diff_shows_each_street_and_changes_in_percentage_points(history, trend_json, cli,
                                                                  monkeypatch):
    out, _, renamed, names = history
    old, new = out / QUARTERS[0], out / QUARTERS[2]
    screen = cli("diff", old, new)
    assert screen.exit_code == 0, screen.stderr
    assert "个百分点" in screen.stdout and re.search(r"[+-]\d+\.\d%", screen.stdout) is None
    assert re.search(r"[↑↓]\d", screen.stdout)
    data = json.loads(cli("diff", old, new, "--format", "json").stdout)
    assert {"unchanged", "nodes_added", "coverage", "by_street", "status"} <= set(data)
    row = next(s for s in data["streets"] if s["street"] == renamed)
    assert row["street_name"] == names[2][renamed]
    for street in trend_json["streets"]:  # each rank is the audit's (the first test)
        change = next(s for s in data["streets"] if s["street"] == street["id"])
        assert change["rank_change"] == street["rank"][0] - street["rank"][2]
        assert change["score_after"] == street["score"][2]
    # the title names each snapshot by its folder name, the bundled sample as such: never
    # a whole path (the sample's lies in site-packages); the sample stands in for itself here
    monkeypatch.setattr("jiceng.cli.options.sample_path", lambda: old)
    page = cli("diff", old, new, "--format", "html").stdout
    assert re.search(r'class="num (up|down)">[+-]\d+\.\d 个百分点', page)
    title = re.search(r"<title>(.*)</title>", page).group(1)
    assert title == f"变化对比 Changes: 内置样例 (bundled sample) → {QUARTERS[2]}"
