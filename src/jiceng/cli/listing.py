"""``jiceng list``: the ids and names of districts, streets, communities or units."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import (
    check_output,
    emit_report,
    input_paths,
    is_dataset,
    load_graph,
    output_options,
)
from jiceng.loaders.dataset import EXCEL_SUFFIXES
from jiceng.present.listing import list_report
from jiceng.queries.lookup import LIST_KINDS, find_nodes

#: Suffixes of files people give as a dataset (the readers say what is wrong with .xls, .csv …).
_DATASET_SUFFIXES = (*EXCEL_SUFFIXES, ".xls", ".ods", ".csv")


def _looks_like_dataset(text: str) -> bool:
    """A workbook's (or table's) name, or a path with a folder in it: meant as a dataset."""
    return Path(text).suffix.lower() in _DATASET_SUFFIXES or "/" in text or "\\" in text


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long, a NUL
        return False


def _is_dataset(text: str) -> bool | None:
    """True: ``text`` is a dataset (or meant as one); False: a keyword; None: both could be
    meant (an existing file or folder that holds no dataset)."""
    if _looks_like_dataset(text) or is_dataset(text):
        return True
    return None if _exists(Path(text)) else False


def _keyword_and_dataset(words: tuple[str, ...], dataset: Path | None
                         ) -> tuple[str | None, Path | None]:
    """KEYWORD and DATASET from the words after KIND (docs/design.md §6); ambiguous words are
    refused, with what to write instead."""
    if len(words) > 2:
        raise click.UsageError(f"KIND 之后最多两个参数 KEYWORD DATASET，而不是 {len(words)} 个"
                               f"（at most KEYWORD and DATASET after KIND, not {len(words)} words）")
    if dataset is not None:  # --dataset named it: the words are the keyword alone
        if len(words) == 2:
            raise click.UsageError("已用 --dataset 给出数据集，只能再给一个 KEYWORD（the dataset is "
                                   "given by --dataset: give one KEYWORD at most）")
        return (words[0] if words else None), dataset
    if len(words) == 2:
        keyword, path = words
        if _looks_like_dataset(keyword) or is_dataset(keyword):
            raise click.UsageError(f"'{keyword}' 像是数据集：请按 KIND KEYWORD DATASET 的顺序给出"
                                   f"（'{keyword}' looks like a dataset: the order is KIND KEYWORD "
                                   "DATASET）")
        return keyword, Path(path)
    if not words:
        return None, None
    found = _is_dataset(words[0])
    if found is None:
        raise click.UsageError(
            f"'{words[0]}' 是已有的文件或文件夹，但不是数据集（没有 nodes.csv、edges.csv 或工作表 "
            f"nodes、edges），也可能是要查找的关键词：读数据集请写 --dataset {words[0]}，按关键词"
            f"查找请在别的文件夹中运行（'{words[0]}' exists but holds no dataset, and might be "
            f"meant as a keyword: for the dataset write --dataset {words[0]}; for the keyword run "
            "from another folder）")
    return (None, Path(words[0])) if found else (words[0], None)


@click.command("list")
@click.argument("what", metavar="KIND", type=click.Choice(list(LIST_KINDS)))
@click.argument("words", nargs=-1, metavar="[KEYWORD] [DATASET]")
@click.option("--dataset", "-d", "dataset", type=click.Path(path_type=Path), default=None,
              help="数据集文件夹或 .xlsx，默认为内置样例；给出时其余参数都是关键词（a dataset folder "
                   "or .xlsx; default: the bundled sample; when given, the word after KIND is the "
                   "keyword）。")
@output_options
def list_command(what: str, words: tuple[str, ...], dataset: Path | None, fmt: str,
                 output: Path | None, force: bool) -> None:
    """列出区县、街道、社区或单位的编号和名称 (List districts, streets, communities or units).

    KEYWORD 只保留编号或名称含有它的（名称的一部分即可）。DATASET 是数据集：一个 .xlsx 工作簿、
    含 nodes.csv 和 edges.csv 的文件夹，或写有路径的名字（如 data/city）；不给时使用内置样例。
    KIND 之后的一个参数是已有数据集、以 .xlsx 结尾或含有 / 时读作 DATASET，否则是 KEYWORD；
    一个已有的文件或文件夹却不是数据集时，会提示写 --dataset，不会去猜。

    KEYWORD keeps those whose id or name contains it (part of a Chinese name will do).
    DATASET is a workbook (.xlsx), a folder with nodes.csv and edges.csv, or a path
    with a folder in it; without it, the bundled sample. One word after KIND is the
    DATASET when it is an existing dataset, ends in .xlsx or holds a /, and the
    KEYWORD otherwise; an existing file or folder that holds no dataset is refused
    with a hint (--dataset), never guessed.

    \b
    示例 Example:
      jiceng list streets
      jiceng list communities 翠安
      jiceng list communities filled.xlsx
      jiceng list units 交警 mydata/ --format csv
      jiceng list units 交警 --dataset mydata --format csv
    """
    keyword, dataset = _keyword_and_dataset(words, dataset)
    if output is not None and dataset is not None:  # the words named the input: not over it
        check_output(output, input_paths(dataset), force=force)
    kind = LIST_KINDS[what]
    graph = load_graph(dataset)
    found = find_nodes(graph, [kind], keyword)
    report = list_report(found, kind=kind, what=what, keyword=keyword, dataset=graph.name)
    emit_report(report, fmt, output)
