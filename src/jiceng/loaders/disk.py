"""A dataset on disk, whichever its form: a folder with ``nodes.csv`` and ``edges.csv``
(:mod:`jiceng.loaders.dataset`) or an Excel workbook (:mod:`jiceng.loaders.excel`), read and
written by the same three functions."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa

from jiceng.graphmodel import InvalidInputError, OrgGraph, ProblemCode
from jiceng.loaders.cache import SAMPLE_FOLDER, cached, shipped
from jiceng.loaders.cache import enabled as cache_enabled
from jiceng.loaders.dataset import (
    EDGES_FILE,
    EXCEL_SUFFIXES,
    NODES_FILE,
    build_graph,
    check_writable,
    folder_language,
    problem,
    read_table_file,
    text_array,
    write_folder,
)

__all__ = ["read_dataset", "write_dataset", "is_dataset", "dataset_language", "SUPPORTED"]


#: What a dataset can be, for messages about paths that are none of these.
SUPPORTED = ("数据集是一个包含 nodes.csv 和 edges.csv 的文件夹，或一个 .xlsx 工作簿 "
             "(a dataset is a folder holding nodes.csv and edges.csv, or an .xlsx workbook)")


def read_dataset(path: str | os.PathLike, *, cache: bool | None = None) -> OrgGraph:
    """Read and validate a dataset: a folder of CSV files or an Excel workbook.

    A dataset read and validated once is read again from its cache in the user's cache folder
    until one of its files changes (:mod:`jiceng.loaders.cache`). ``cache=False`` reads the
    files whatever the cache holds, and writes none; the default, None, follows
    ``JICENG_NO_CACHE`` (the CLI's ``--no-cache``).

    Raises
    ------
    InvalidInputError
        Listing every problem, each with file, row and column.

    Examples
    --------
    >>> from jiceng.loaders import sample_path
    >>> g = read_dataset(sample_path())
    >>> g.count("community_party") > 0
    True
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidInputError([problem(repr(path)[:80], None, None,
                                         f"不是路径 (not a path); {SUPPORTED}",
                                         code=ProblemCode.NOT_A_DATASET)])
    path = Path(path)
    suffix = path.suffix.lower()
    use_cache = cache_enabled() if cache is None else cache
    if suffix in EXCEL_SUFFIXES:
        from jiceng.loaders.excel import read_excel

        if not use_cache:
            return _indexed(read_excel(path))
        return _indexed(cached(path, [path], lambda: read_excel(path), name=path.stem))
    if path.is_dir():
        if not use_cache:
            return _indexed(read_folder(path))
        files = [path / NODES_FILE, path / EDGES_FILE]
        if path.resolve() == SAMPLE_FOLDER:
            return _indexed(shipped(path, files, lambda: read_folder(path), name=path.name))
        return _indexed(cached(path, files, lambda: read_folder(path), name=path.name))
    if not path.exists():
        raise InvalidInputError([problem(str(path), None, None,
                                         f"找不到这个数据集 (no such dataset); {SUPPORTED}",
                                         code=ProblemCode.FILE_NOT_FOUND)])
    if suffix == ".csv":
        what = "单个 CSV 文件 (a single CSV file); 请给出它所在的文件夹 (give its folder)"
    elif suffix in (".xls", ".et"):
        what = "旧版 Excel 97-2003 文件，请在 Excel/WPS 中另存为 .xlsx (an old .xls workbook: save it as .xlsx)"
    elif suffix in (".ods", ".numbers"):
        what = f"{suffix} 表格，请另存为 .xlsx (a {suffix} spreadsheet: save it as .xlsx)"
    else:
        what = "不支持的文件类型 (not a supported file)"
    raise InvalidInputError([problem(str(path), None, None, f"{what}; {SUPPORTED}",
                                     code=ProblemCode.NOT_A_DATASET)])


def _indexed(graph: OrgGraph) -> OrgGraph:
    """``graph``, read, with its indexes built once the read's tables are freed; arrow's pool
    first gives their blocks back to the system (it keeps freed blocks for reuse: after a first
    read at 100×, 1.7 GB that the process held until it ended)."""
    pa.default_memory_pool().release_unused()
    return graph.build_indexes()


def read_folder(folder: Path) -> OrgGraph:
    """The dataset of a folder's two CSV files, read side by side: one file's checks (one core)
    run while arrow parses the other (its threads); every problem of both is reported.

    Validation is handed the tables and lets go of each column once it has coded or taken it
    (see ``consume`` in :func:`~jiceng.graphmodel.validate.check_tables`); a problem it then
    cannot tell has the files read again and checked the full way, which tells every problem.
    """
    files = str(folder / NODES_FILE), str(folder / EDGES_FILE)
    graph = build_graph(*_read_tables(folder), name=folder.name, nodes_file=files[0],
                        edges_file=files[1], consume=True)
    if graph is None:
        graph = build_graph(*_read_tables(folder), name=folder.name, nodes_file=files[0],
                            edges_file=files[1])
    pa.default_memory_pool().release_unused()  # the read's tables: their blocks take the copy
    for column in ("id", "name"):  # one chunk: arrow's take over many joins them each time
        values = graph.nodes[column].array.__arrow_array__()
        if values.num_chunks > 1:
            graph.nodes[column] = text_array(pa.chunked_array([values.combine_chunks()]))
    return graph


def _read_tables(folder: Path) -> list:
    """A folder's nodes and edges as raw tables, the two files read side by side."""
    pool = ThreadPoolExecutor(2, thread_name_prefix="jiceng-read")
    tables, problems = [], []
    try:
        reads = [pool.submit(read_table_file, folder / filename, edges=filename == EDGES_FILE)
                 for filename in (NODES_FILE, EDGES_FILE)]
        for read in reads:  # nodes' problems first, then edges'
            try:
                tables.append(read.result())
            except InvalidInputError as error:
                problems += error.problems
    finally:  # an interrupt does not wait for the other file's parse
        pool.shutdown(wait=False, cancel_futures=True)
    del reads  # the futures hold the tables too: validation is to hold them alone
    pa.default_memory_pool().release_unused()  # the parsers' freed blocks, back to the system
    if problems:
        raise InvalidInputError(problems)
    return tables


def is_dataset(path: str | os.PathLike) -> bool:
    """Whether ``path`` holds a dataset as :func:`read_dataset` finds one (or a file of one),
    so that no output replaces it unasked: a folder holding ``nodes.csv`` or ``edges.csv``, one
    of those two files, or a workbook in which the reader finds a nodes or edges sheet with its
    header (sheets 节点/关系 or NODES/EDGES too; see :func:`jiceng.loaders.excel.dataset_tables`).

    >>> from jiceng.loaders import sample_path
    >>> is_dataset(sample_path()), is_dataset(sample_path() / NODES_FILE)
    (True, True)
    """
    path = Path(path)
    try:
        if path.is_dir():
            return (path / NODES_FILE).exists() or (path / EDGES_FILE).exists()
        if not path.is_file():
            return False
        if path.name in (NODES_FILE, EDGES_FILE):
            return True
        if path.suffix.lower() in EXCEL_SUFFIXES:
            from jiceng.loaders.excel import dataset_tables

            return bool(dataset_tables(path))
    except OSError:  # a path the system cannot look at holds nothing to keep
        return False
    return False


def write_dataset(graph: OrgGraph, path: str | os.PathLike, *,
                  chinese: tuple[bool, bool] = (False, False)) -> Path:
    """Write a graph as a dataset folder (or ``.xlsx`` workbook), losslessly: what could not be
    read back is refused first (:func:`check_writable`).

    A folder's two CSV files are replaced together (:func:`~jiceng.loaders.dataset.write_folder`).
    ``chinese``: (headings, kinds) in Chinese, such as :func:`dataset_language` finds in the
    dataset it was read from, so that a Chinese workbook stays Chinese.
    """
    path = Path(path)
    check_writable(graph, path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from jiceng.loaders.excel import write_excel

        write_excel(graph, path, chinese=chinese)
        return path
    write_folder(graph, path, chinese=chinese)
    return path


def dataset_language(path: str | os.PathLike) -> tuple[bool, bool]:
    """Whether a dataset read already keeps its nodes' headings (编号/类型/名称) and kinds
    (社区党组织) in Chinese: what :func:`write_dataset` takes as ``chinese`` to write a dataset
    derived from it in its own language (docs/design.md §3.2). Anything else: (False, False).

    >>> from jiceng.loaders import sample_path
    >>> dataset_language(sample_path())
    (False, False)
    """
    path = Path(path)
    try:
        if path.suffix.lower() in EXCEL_SUFFIXES and path.is_file():
            from jiceng.loaders.excel import workbook_language

            return workbook_language(path)
        if (path / NODES_FILE).is_file():
            return folder_language(path)
    except (OSError, ValueError, KeyError):  # unreadable now: written in the codes, as ever
        return False, False
    return False, False
