"""``jiceng merge``: assemble the city from its street offices' files."""

from __future__ import annotations

import os
from pathlib import Path

import click

from jiceng.cli.options import (
    check_output,
    dataset_named,
    emit_report,
    progress,
    say,
    snapshot_shown,
)
from jiceng.loaders import write_dataset
from jiceng.loaders.dataset import EXCEL_SUFFIXES
from jiceng.loaders.disk import dataset_language
from jiceng.present.merge import merge_report
from jiceng.present.report import FORMATS, SUFFIXES
from jiceng.queries.merge import merge as run_merge

__all__ = ["merge"]


@click.command()
@click.option("--base", required=True, type=click.Path(path_type=Path), metavar="CITY",
              help="全市数据集（文件夹或 .xlsx；sample 为内置示例城市），各街道的报送替换其中本街道的部分"
                   "（the city's dataset, sample: the bundled one; each submission replaces its "
                   "street's part）。")
@click.argument("submissions", nargs=-1, type=click.Path(path_type=Path))
@click.option("--output", "-o", "new", required=True, type=click.Path(path_type=Path),
              metavar="NEW", help="写出合并后的数据集：文件夹或 .xlsx，完整写出或不写（the merged "
                                  "dataset: a folder or an .xlsx, written whole or not at all）。")
@click.option("--decisions", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="核对结论：CSV 或 xlsx，列 甲、乙、结论（同一 或 不同），如填好的合并报告"
                   "（settled review pairs: columns 甲, 乙, 结论 = 同一 | 不同, such as the "
                   "merge report's 合并核对 sheet filled in）。")
@click.option("--report", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="把合并报告写入此文件，格式取自后缀（.xlsx 含 合并核对 工作表、.html、.json ...）"
                   "（write the merge report to FILE, in the format its suffix names: .xlsx with "
                   "its 合并核对 sheet, .html, .json ...）。")
@click.option("--format", "-f", "fmt", type=click.Choice([f for f in FORMATS if f != "xlsx"]),
              default=None,
              help="在标准输出上显示报告的格式，默认 table；给了 --report 时不给就不显示（the "
                   "report's format on stdout, table by default; with --report, shown only when "
                   "given）。")
@click.option("--force", is_flag=True,
              help="允许覆盖已有的数据集或报告（allow NEW or the report to replace an existing "
                   "dataset）。")
def merge(base: Path, submissions: tuple[Path, ...], new: Path, decisions: Path | None,
          report: Path | None, fmt: str | None, force: bool) -> None:
    """合并：把各街道报送的数据合并成全市数据集 (Merge the streets' files into the city).

    每份报送（工作簿或文件夹）先整体校验：任何一份有误，就什么也不写，并列出每个文件的每个问题。
    每份报送替换全市数据中本街道的部分（新增、修改、删除，按街道统计）。同一组织：统一社会信用代码
    相同，否则类型相同且名称规范化后相同（全半角、空格）；名称相近的列入“合并核对”，不会猜测合并，
    用 --decisions 给出结论。属性冲突时保留节点所在街道报送的值。每个节点和关系记录来源
    (submitted_by)。没有报送的街道保留原有数据。

    Each submission (a workbook or folder) is validated first; if any is invalid nothing is
    written and every problem of every file is listed. Each replaces its street's part of
    the base. One organisation in several files becomes one node (same uscc, else same kind
    and normalised name); close names are listed for review, never merged on a guess.

    \b
    示例 Example:
      jiceng merge --base city/ 太慈桥.xlsx 中华北路/ --output city-new/ --report 合并.xlsx
      jiceng merge --base city/ 太慈桥.xlsx --output city-new/ --decisions 合并.xlsx --force
      jiceng audit city-new/ --street 太慈桥 --format xlsx --output 太慈桥-审计.xlsx
    """
    base = dataset_named(base)
    inputs = [base, *submissions, decisions]
    check_output(new, inputs, force=force, folder=new.suffix.lower() not in EXCEL_SUFFIXES)
    if report is not None:
        check_output(report, [*inputs, new], force=force)
    if report is not None and report.suffix.lower() not in SUFFIXES:
        raise click.BadParameter(f"{report.name} 的后缀不是报告格式（not a report's suffix: one of "
                                 f"{', '.join(SUFFIXES)}）", param_hint="--report")
    with progress("正在合并 merging"):
        # the files are read on every core when there are enough of them to pay for the start
        processes = min(os.cpu_count() or 1, len(submissions) + 1) if len(submissions) >= 4 else 1
        result = run_merge(base, list(submissions), decisions=decisions, processes=processes)
    with progress(f"正在写出 writing {new}"):
        write_dataset(result.graph, new, chinese=dataset_language(base))
    say(f"已写出 wrote {new}：节点 {result.graph.n_nodes:,} nodes，关系 {result.graph.n_edges:,} "
        f"edges")
    merged = merge_report(result, dataset=snapshot_shown(base))
    if report is not None:
        merged.write(report)
        say(f"已写入 wrote {report}")
    if report is None or fmt is not None:
        emit_report(merged, fmt or "table", None)
