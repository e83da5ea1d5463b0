"""jiceng isolated and reach: JSON shapes of docs/design.md §6 and exit codes."""

from __future__ import annotations

import json


def test_isolated_json(jiceng_process, sample_truth):
    done = jiceng_process("isolated", "--format", "json")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert data["isolated"] == sample_truth["isolated"]
    assert data["fragile"] == sample_truth["fragile"]
    assert data["single_points"] == sample_truth["single_points"]


def test_reach_json(cli, sample, sample_truth):
    data = json.loads(cli("reach", "--hops", "2", "--format", "json").stdout)
    assert data["deserts"] == sample_truth["deserts"]
    assert len(data["units"]) == sample.count("unit_party")
    assert set(data["units"][0]) == {"id", "communities", "households"}
    assert [u["id"] for u in data["units"]] == sorted(u["id"] for u in data["units"])


def test_reach_one_unit(cli):
    data = json.loads(cli("reach", "--unit", "UP00001", "--format", "json").stdout)
    assert [u["id"] for u in data["units"]] == ["UP00001"]


def test_reach_unknown_unit_exits_2(cli):
    result = cli("reach", "--unit", "C00001")
    assert result.exit_code == 2
    assert result.stderr.startswith("错误 error: 没有编号为 'C00001' 的单位党组织（unknown unit_party node 'C00001'")


def test_isolated_table_and_markdown(cli, tmp_path):
    assert "孤立社区" in cli("isolated").stdout
    out = tmp_path / "iso.md"
    assert cli("isolated", "--format", "markdown", "--output", out).exit_code == 0
    assert "单点依赖" in out.read_text(encoding="utf-8")


def _sheet_rows(path, sheet):
    """The data rows of a ledger sheet under its header row (the row that starts with 序号)."""
    from openpyxl import load_workbook

    rows = list(load_workbook(path)[sheet].iter_rows())
    at = next(i for i, row in enumerate(rows) if str(row[0].value).startswith("序号"))
    return [c.value for c in rows[at]], rows[at + 1:]


def _first_row(markdown: str, title: str) -> str:
    """The first data row of the Markdown table under the heading holding ``title``."""
    lines = markdown[markdown.index(title):].splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("|---")) + 1]


def test_street_tables_put_the_thinnest_streets_first(cli, sample):
    """The by-street tables of isolated and reach, capped in Markdown and HTML, start with the
    streets that need work: highest isolated share, most deserts; nothing is left out."""
    from jiceng.queries.isolation import isolation
    from jiceng.queries.reach import reach

    by_street = isolation(sample).by_street
    worst = by_street.sort_values(["isolated_share", "street"], ascending=[False, True])
    assert worst["street"].iat[0] in _first_row(cli("isolated", "--format", "markdown").stdout,
                                                "By street")
    deserts = reach(sample).gini_by_street.sort_values(["deserts", "mean_inflow"],
                                                       ascending=[False, True])
    text = cli("reach", "--format", "markdown").stdout
    assert text.index("资源荒漠 Resource deserts") < text.index("By street")
    assert deserts["street"].iat[0] in _first_row(text, "By street")


def test_people_read_codes_once_and_in_chinese(cli, tmp_path):
    """Every status, kind and need reads in Chinese, a code with a Chinese twin is not shown
    twice, counts and coverages keep their number formats, the threshold line appears only
    where something is coloured by it; CSV keeps the codes."""
    from jiceng.graphmodel.schema import NODE_KINDS
    from jiceng.present.labels import COLUMN_LABELS, VALUE_LABELS

    cli("isolated", "--format", "xlsx", "--output", tmp_path / "i.xlsx")
    header, rows = _sheet_rows(tmp_path / "i.xlsx", "全部社区")
    status = header.index("状态 (status)")
    assert {r[status].value for r in rows} == {VALUE_LABELS[s] for s in
                                               ("isolated", "fragile", "connected")}
    header, _ = _sheet_rows(tmp_path / "i.xlsx", "共建连通分量")
    assert f"{COLUMN_LABELS['streets']} (streets)" in header

    cli("plan", "--format", "xlsx", "--output", tmp_path / "p.xlsx")
    header, rows = _sheet_rows(tmp_path / "p.xlsx", "拟建关系")
    assert "关系类型 (kind_zh)" in header and "类型 (kind)" not in header
    kinds = {r[header.index("目标类型 (target_kind)")].value for r in rows}
    assert kinds <= {k.zh for k in NODE_KINDS.values()} and kinds
    header, rows = _sheet_rows(tmp_path / "p.xlsx", "覆盖率前后对比")
    before = rows[0][header.index("之前 (before)")]
    assert isinstance(before.value, float) and before.number_format == "0.0%"
    csv = cli("plan", "--format", "csv", "--section", "coverage").stdout
    assert "rule:" in csv and "%" not in csv

    cli("reach", "--format", "xlsx", "--output", tmp_path / "r.xlsx")
    header, rows = _sheet_rows(tmp_path / "r.xlsx", "按街道")
    assert rows[0][header.index("基尼系数 (gini)")].number_format == "#,##0.0##"

    assert "达标线 threshold" not in cli("plan", "--format", "html").stdout
    assert "达标线 threshold" in cli("audit", "--format", "html").stdout


def test_a_bound_gives_its_reason_only_where_it_applies(cli):
    """--hops 99 is refused because longer paths reach nothing more; --hops 0 for no reason
    of that kind (it is below the range, not past it)."""
    low, high = cli("reach", "--hops", "0"), cli("reach", "--hops", "99")
    assert low.exit_code == high.exit_code == 2
    assert "longer paths reach nothing more" in high.stderr
    assert "must be from 1 to 10, not 0" in low.stderr and "longer paths" not in low.stderr
