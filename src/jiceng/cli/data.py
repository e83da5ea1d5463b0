"""Commands about datasets themselves: generate, validate, info."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import (
    bounded,
    check_output,
    dataset_argument,
    dataset_options,
    emit_report,
    load_graph,
    progress,
    refuse_address,
    say,
    shown,
    unless_sample,
)
from jiceng.graphmodel import InvalidInputError
from jiceng.loaders import read_dataset, sample_path
from jiceng.loaders.synthetic import PRESETS, write_generated
from jiceng.present.info import info_report
from jiceng.queries.dataset_warnings import dataset_warnings
from jiceng.queries.history import MAX_QUARTERS, quarter_labels, write_history

#: Largest --scale: about 150 is the whole country; beyond 200 the memory runs out.
MAX_SCALE = 200
#: Largest --seed (a 32-bit word, the usual size of a seed).
MAX_SEED = 2**32 - 1
#: Warnings ``validate`` shows one by one (then how many more).
MAX_WARNINGS = 50


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default="guiyang", show_default=True,
              help="模拟哪个城市（which city to model）。")
@click.option("--seed", type=int, default=1, show_default=True, metavar=f"0..{MAX_SEED}",
              callback=bounded(0, MAX_SEED, "随机种子是非负整数", "a seed is a whole number ≥ 0",
                               why_for="low"),
              help="随机种子（random seed）。")
@click.option("--scale", type=float, default=1.0, show_default=True, metavar=f"0..{MAX_SCALE}",
              callback=bounded(0, MAX_SCALE, "约 150 即全国规模，更大会耗尽内存",
                               "about 150 is national; more would run out of memory",
                               integer=False, low_open=True, why_for="high"),
              help="各类数量的倍数，约 150 为全国规模（multiply every count; about 150 is "
                   "national）。")
@click.option("--history", "quarters", type=int, default=None, metavar=f"1..{MAX_QUARTERS}",
              callback=bounded(1, MAX_QUARTERS, f"最多 {MAX_QUARTERS} 个季度", f"at most "
                               f"{MAX_QUARTERS} quarters", why_for="high"),
              help="写出同一城市的 N 个季度快照 OUT/2025Q1、OUT/2025Q2 …：每季度采纳上季度配置方案的"
                   "一部分（60%），少量共建关系中止，覆盖率随之上升；中间一季有一个街道改名（write N "
                   "quarterly snapshots of one city, OUT/2025Q1, OUT/2025Q2 ...: each quarter takes "
                   "up part (60%) of the previous quarter's plan and a few ties lapse, so coverage "
                   "rises; one street is renamed in the middle quarter）。")
@click.option("--force", is_flag=True,
              help="OUT 已有数据集时覆盖它（replace an existing dataset at OUT）。")
def generate(out: Path, preset: str, seed: int, scale: float, quarters: int | None,
             force: bool) -> None:
    """生成模拟城市数据，按文章中的数字校准 (Generate a synthetic city).

    写出 OUT/nodes.csv、OUT/edges.csv 和 OUT/truth.json（有意埋下的缺口）；OUT 以 .xlsx
    结尾时写出工作簿，并在旁边写 OUT.truth.json。OUT 已有数据集时须加 --force。

    Generate a synthetic city calibrated on the article's figures.

    Writes OUT/nodes.csv, OUT/edges.csv and OUT/truth.json (the gaps planted on
    purpose); OUT ending in .xlsx writes a workbook and OUT.truth.json beside it.
    --history N writes N quarterly snapshots in OUT/2025Q1 ... instead, for jiceng trend.

    \b
    Example:
      jiceng generate --preset guiyang --seed 1 guiyang/
      jiceng generate --scale 10 big/
      jiceng generate --history 4 history/
    """
    excel = out.suffix.lower() in (".xlsx", ".xlsm")
    if quarters is not None:
        _generate_history(out, preset, seed, scale, quarters, force, excel)
        return
    check_output(out, force=force, folder=not excel)
    with progress(f"正在生成 generating {preset} × {scale:g}"):
        try:
            graph, _ = write_generated(out, preset, seed=seed, scale=scale,
                                       excel=excel)
        except ValueError as error:  # a scale too small for the preset
            raise click.BadParameter(str(error), param_hint="--scale") from None
    say(f"已写入 wrote {out}：{graph.n_nodes:,} 个节点 nodes，{graph.n_edges:,} 条关系 edges")


def _generate_history(out: Path, preset: str, seed: int, scale: float, quarters: int,
                      force: bool, excel: bool) -> None:
    if excel:
        raise click.BadParameter("--history 写出文件夹，OUT 须是文件夹（--history writes folders: "
                                 "OUT must be a folder）", param_hint="OUT")
    check_output(out, force=force, folder=True)
    for label in quarter_labels(quarters):
        check_output(out / label, force=force, folder=True)
    with progress(f"正在生成 generating {quarters} × {preset} × {scale:g}"):
        try:
            made = write_history(out, quarters, preset, seed=seed, scale=scale)
        except ValueError as error:  # a scale too small for the preset
            raise click.BadParameter(str(error), param_hint="--scale") from None
    say(f"已写入 wrote {quarters} 期 snapshots: {out}/{made.labels[0]} … {made.labels[-1]}")
    if made.renamed is not None:
        say(f"改名 renamed: {made.renamed[1]} → {made.renamed[2]} ({made.renamed[0]})")


@click.command()
@dataset_argument
def validate(dataset: Path | None) -> None:
    """校验数据集：对照数据格式列出所有问题 (Validate a dataset and list every problem).

    每个问题写明文件、行号（与表格软件一致，表头为第 1 行）和列。有效时退出码 0，否则 2。
    有效的数据也可能有警告（留在表中的示例行、同一街道内同类同名的组织），写在 stderr，退出码仍为 0。

    Check a dataset against the schema and list every problem.

    Each problem names the file, the row (as a spreadsheet shows it: the header is
    row 1) and the column. Exit code 0 when valid, 2 when not. Warnings about valid
    data (example rows left in, two nodes of one kind with one name in a street) go to
    stderr; the exit code stays 0.

    \b
    Example:
      jiceng validate mydata/
      jiceng validate ledger.xlsx
    """
    dataset = unless_sample(dataset)
    path = dataset if dataset is not None else sample_path()
    seen = shown(dataset)  # never a password written into the argument, nor the sample's path
    try:
        refuse_address(dataset)
        graph = read_dataset(path)
    except InvalidInputError as error:
        for problem in error.problems:
            say(str(problem).replace(str(path), seen))
        count = len(error.problems)
        say(f"{seen}：无效，{count} 个问题（invalid, {count} problem{'s' if count != 1 else ''}）")
        raise SystemExit(2) from None
    click.echo(f"{seen}：有效，{graph.n_nodes:,} 个节点、{graph.n_edges:,} 条关系（valid, "
               f"{graph.n_nodes:,} nodes and {graph.n_edges:,} edges）")
    if graph.blank_rows:
        say(f"跳过 {graph.blank_rows:,} 个空行（{graph.blank_rows:,} blank rows skipped）")
    warnings = dataset_warnings(graph)
    for warning in warnings[:MAX_WARNINGS]:
        say(f"警告 warning：{str(warning).replace(str(path), seen)}")
    if len(warnings) > MAX_WARNINGS:
        say(f"……另有 {len(warnings) - MAX_WARNINGS:,} 条警告（... and "
            f"{len(warnings) - MAX_WARNINGS:,} more warnings）")
    if warnings:
        say(f"{seen}：{len(warnings):,} 条警告，不影响使用，请核对（{len(warnings):,} warning"
            f"{'s' if len(warnings) != 1 else ''}: the data is usable; please check）")


@click.command()
@dataset_options
def info(dataset: Path | None, fmt: str, output: Path | None) -> None:
    """数据集概况：按类型统计节点和关系 (Count nodes and edges by kind).

    Count the nodes and edges of a dataset by kind, with Chinese labels.

    \b
    Example:
      jiceng info mydata/
      jiceng info --format json
    """
    graph = load_graph(dataset)
    report = info_report(graph)
    emit_report(report, fmt, output)
