"""Options shared by every command: the dataset argument and the output options."""

from __future__ import annotations

import functools
import inspect
import math
import os
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import click

from jiceng.cli import to_stderr
from jiceng.graphmodel import (
    BackendUnavailableError,
    InvalidInputError,
    OrgGraph,
    OutputError,
    Problem,
    ProblemCode,
)
from jiceng.graphmodel.errors import JicengError
from jiceng.loaders import read_dataset, sample_path
from jiceng.loaders.dataset import EDGES_FILE, EXCEL_SUFFIXES, NODES_FILE
from jiceng.loaders.disk import is_dataset
from jiceng.present.model import Document
from jiceng.present.report import FORMATS, emit
from jiceng.present.tiers import DEFAULT_TIERS, Tiers
from jiceng.queries.sources import Source
from jiceng.queries.trend import snapshot_label
from jiceng.server import Neo4jSource
from jiceng.server.falkordb import is_falkordb_uri
from jiceng.server.neo4j import is_server_uri, redact_uri, split_credentials

__all__ = ["bounded", "dataset_argument", "output_options", "check_output", "input_paths",
           "is_dataset",
           "load_graph", "say", "emit_report", "progress", "neo4j_option", "connect_neo4j",
           "load_source", "source_argument", "SOURCE", "shown", "refuse_address", "SAMPLE_SHOWN",
           "tier_options", "place_options"]

#: The bundled sample as messages name it: never its path inside the installed package.
SAMPLE_SHOWN = "内置样例 (bundled sample)"
#: The bundled sample's name in reports (the title line, ``info``'s dataset).
SAMPLE_NAME = "内置样例 模拟贵阳 (bundled sample)"


def bounded(low: float, high: float, why_zh: str, why_en: str, *, integer: bool = True,
            low_open: bool = False, why_for: str = "both"):
    """A click callback refusing values outside ``low..high`` (and NaN, infinities) up front,
    with the reason (``why_zh``, ``why_en``) in Chinese then English (exit code 2). The reason
    is said for values past the bound it explains: ``why_for`` ``"high"``, ``"low"`` or
    ``"both"``."""

    def check(ctx: click.Context, param: click.Parameter, value):
        if value is None:
            return value
        if not math.isfinite(value) or not low <= value <= high or (low_open and value == low):
            name = param.opts[0] if param.opts else param.name
            shown = _number(value)[:30]
            said = why_for == "both" or why_for == ("high" if value > high else "low")
            raise click.BadParameter(
                f"须在 {_number(low)}{'（不含）' if low_open else ''} 到 {_number(high)} 之间，"
                f"而不是 {shown}{'：' + why_zh if said else ''}（{name} must be from "
                f"{_number(low)}{' (excluded)' if low_open else ''} to {_number(high)}, not "
                f"{shown}{': ' + why_en if said else ''}）", ctx=ctx, param=param)
        return int(value) if integer else float(value)

    return check


def _number(value: float) -> str:
    """``3``, ``2.5``, ``1e+09``: a number as a person writes it."""
    if isinstance(value, int) or (math.isfinite(value) and value == int(value) and abs(value) < 1e6):
        return str(int(value))
    return f"{value:g}"


def dataset_argument(function):
    """An optional DATASET argument; without it the bundled sample is used."""
    return click.argument("dataset", required=False,
                          type=click.Path(path_type=Path))(function)  # described in each docstring


def place_options(function):
    """``--street NAME|ID`` and ``--district NAME|ID``: show only the results placed there
    (docs/design.md §6), the place named as ``jiceng map --street`` takes it. The command gets
    ``street`` and ``district``; :func:`jiceng.queries.scope.resolve_place` reads them."""
    function = click.option(
        "--district", metavar="NAME|ID", default=None,
        help="只看这个区(县)：编号、名称或名称的一部分；计数仍按全市（only this district, by id, "
             "name or part of the name; counting stays city-wide）。")(function)
    return click.option(
        "--street", metavar="NAME|ID", default=None,
        help="只看这个街道：编号、名称或名称的一部分，如 太慈桥；计数仍按全市（only this street, by "
             "id, name or part of the name, e.g. 太慈桥; counting stays city-wide）。")(function)


def output_options(function):
    """``--format``, ``--output`` and ``--force``, shared by every command that reports.

    Before the command runs, ``--output`` is checked by :func:`check_output` against
    every input of the run (the dataset, the bundled sample when none is given, the
    rules file, both snapshots of ``diff``, every snapshot of ``trend``). A command that writes more than its report
    (``plan --apply``) takes ``force`` as a parameter and gets the flag too.
    """
    wants_force = "force" in inspect.signature(function).parameters

    @click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="table",
                  show_default=True,
                  help="输出格式：table 屏幕表格；json/csv 供程序使用；markdown/html/xlsx 供人阅读"
                       "（table on screen; json/csv for programs; markdown/html/xlsx for people）。")
    @click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
                  help="写入此文件（原子写入）而不是标准输出；xlsx 必须给出"
                       "（write to this file, atomically, instead of stdout; required for xlsx）。")
    @click.option("--force", is_flag=True,
                  help="允许覆盖已有的数据集文件（allow an output to replace an existing dataset）。")
    @click.option("--section", "section", default=None, metavar="NAME",
                  help="与 --format csv 合用：输出哪一部分，默认为主要部分（with --format csv: the "
                       "section to print; default: the main one）。")
    @functools.wraps(function)
    def wrapper(*args, section=None, **kwargs):
        click.get_current_context().meta["jiceng.section"] = section
        force = kwargs["force"] if wants_force else kwargs.pop("force")
        output = kwargs.get("output")
        if output is not None:
            inputs = [value for name, value in kwargs.items()
                      if isinstance(value, Path) and name not in ("output", "dataset")]
            inputs += [path for value in kwargs.values() if isinstance(value, tuple)
                       for path in value if isinstance(path, Path)]  # trend's SNAPSHOT...
            if "dataset" in kwargs:
                inputs += input_paths(kwargs["dataset"], kwargs.get("neo4j_uri"))
            check_output(output, inputs, force=force)
        return function(*args, **kwargs)

    return wrapper


def tier_options(function):
    """``--tier-ok PCT`` and ``--tier-warn PCT``: the thresholds of the score tiers
    (docs/design.md §4.7), given to the command as ``tiers`` (a :class:`Tiers`)."""

    @click.option("--tier-ok", type=float, default=round(DEFAULT_TIERS.ok * 100, 6), metavar="PCT",
                  show_default=True,
                  callback=bounded(0, 100, "得分是百分数", "a score is a percentage", integer=False),
                  help="得分不低于 PCT% 为“达标”（绿）（a score of at least PCT percent is 达标, "
                       "on target: green）。")
    @click.option("--tier-warn", type=float, default=round(DEFAULT_TIERS.warn * 100, 6), metavar="PCT",
                  show_default=True,
                  callback=bounded(0, 100, "得分是百分数", "a score is a percentage", integer=False),
                  help="得分不低于 PCT% 但未达标为“预警”（黄），更低为“重点关注”（红）（a score of at "
                       "least PCT percent but below --tier-ok is 预警, warning: amber; below it "
                       "重点关注, needs attention: red）。")
    @functools.wraps(function)
    def wrapper(*args, tier_ok: float, tier_warn: float, **kwargs):
        if tier_warn > tier_ok:
            raise click.UsageError(
                f"--tier-warn {_number(tier_warn)} 高于 --tier-ok {_number(tier_ok)}：达标线须不低于"
                f"预警线（--tier-warn {_number(tier_warn)} is above --tier-ok "
                f"{_number(tier_ok)}; the target must be at least the warning threshold）")
        return function(*args, tiers=Tiers(ok=tier_ok / 100, warn=tier_warn / 100), **kwargs)

    return wrapper


def input_paths(dataset: Path | str | None, neo4j_uri: str | None = None) -> list[Path]:
    """The files a run reads its graph from: the DATASET, the bundled sample when neither a
    dataset nor a server is given, nothing for a server."""
    if isinstance(dataset, Path):
        return [dataset]
    return [] if dataset or neo4j_uri else [sample_path()]


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links, a name too long
        return path.absolute()


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return _resolved(a) == _resolved(b)


def _inside(path: Path, folder: Path) -> bool:
    resolved, root = _resolved(path), _resolved(folder)
    return resolved != root and resolved.is_relative_to(root)


def check_output(output: Path, inputs: Iterable[Path | None] = (), *, force: bool = False,
                 folder: bool = False) -> None:
    """Refuse an output that would lose data, with the reason (exit code 2).

    Never the input of the same run (nor a file inside an input dataset folder), never
    over an existing dataset unless ``force`` (a dataset as the reader recognises it:
    :func:`jiceng.loaders.disk.is_dataset`); a file output is never an existing folder
    and never under a file. ``folder`` says the output is a dataset folder (``generate``,
    ``neo4j pull``), where an existing folder is fine if it holds no dataset.
    """
    for source in inputs:
        if source is None:
            continue
        if _same(output, source):
            raise OutputError(output, "这是本次运行的输入，不能覆盖",
                              "it is an input of this run; choose another output")
        if source.is_dir() and _inside(output, source) and output.name in (NODES_FILE, EDGES_FILE):
            raise OutputError(output, f"位于输入数据集 {source} 之中，会覆盖数据",
                              f"it is inside the input dataset {source}; choose another output")
    for parent in output.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(output, f"{parent} 是文件而不是文件夹",
                                  f"{parent} is a file, not a folder")
            break
    if output.is_dir() and not folder:
        raise OutputError(output, "这是一个已有的文件夹，请给出文件名",
                          "it is an existing folder; give a file name")
    if output.exists() and not output.is_dir() and folder \
            and output.suffix.lower() not in EXCEL_SUFFIXES:
        raise OutputError(output, "这是一个已有的文件，不是文件夹", "it is an existing file, not a folder")
    if not force and is_dataset(output):
        raise OutputError(output, "这里已有一个数据集；确要覆盖请加 --force",
                          "it holds an existing dataset; add --force to replace it")


def say(message: str) -> None:
    """A message for the person at the terminal: always on stderr, never read as markup, its
    control characters shown escaped (``\\x1b``)."""
    to_stderr(message)


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class progress:
    """A step on stderr ("正在读取 reading dataset … 1.2 s"), shown only when stderr is a
    terminal; ``what`` says it Chinese first, as every message does (docs/design.md §7.6)."""

    def __init__(self, what: str):
        self.what = what
        self.live = _stderr_is_terminal()

    def __enter__(self):
        self.start = time.perf_counter()
        if self.live:
            to_stderr(f"{self.what} …", nl=False)
        return self

    def count(self, done: int, total: int) -> None:
        """How far the step is (``12/86``), rewriting its line, when stderr is a terminal."""
        if self.live:
            to_stderr(f"\r{self.what} {done}/{total} …", nl=False)

    def __exit__(self, *exc):
        if self.live:
            to_stderr(f" {time.perf_counter() - self.start:.1f} s")
        return False


def load_graph(dataset: Path | None) -> OrgGraph:
    """Read and validate DATASET, or the bundled sample when it is None (or ``sample`` where no
    file or folder of that name exists).

    Every message about DATASET shows it as :func:`shown` does (a password written into it
    becomes ``***``); a DATASET that does not exist and reads as a server address
    (``http://u:PW@h``, ``bolt:/u:PW@h``) is refused as one.
    """
    dataset = unless_sample(dataset)
    path = dataset if dataset is not None else sample_path()
    text, seen = str(path), shown(dataset)
    refuse_address(dataset)
    with progress(f"正在读取 reading {seen}"):
        if seen == text:
            graph = read_dataset(path)
        else:  # the path itself reads as holding a password: no message may show it
            try:
                graph = read_dataset(path)
            except (JicengError, OSError) as error:
                raise JicengError(str(error).replace(text, seen)) from None
            graph.name = redact_uri(graph.name)
    if dataset is None:
        graph.name = SAMPLE_NAME
    return graph


def refuse_address(dataset: Path | None) -> None:
    """Refuse a DATASET that does not exist and reads as a server address (``http://u:PW@h``,
    ``bolt:/u:PW@h``, ``u:PW@h``), naming it as :func:`shown` does."""
    if dataset is None or _exists(dataset):
        return
    text, seen = str(dataset), shown(dataset)
    if _SCHEME.match(text) or seen != text:
        raise InvalidInputError([Problem(
            seen, None, None, "既不是数据集，也不是 jiceng 能连接的服务器地址（Neo4j 地址以 bolt:// "
            "或 neo4j:// 开头，可加 +s、+ssc；FalkorDB 地址以 falkordb:// 开头）",
            "neither a dataset nor a server address jiceng can connect to (a Neo4j address "
            "begins with bolt:// or neo4j://, +s or +ssc; a FalkorDB address with falkordb://)",
            code=ProblemCode.NOT_A_DATASET)])


#: A scheme-like start (two letters or more, so a Windows drive ``C:/`` is a path).
_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]+:/")


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long, a NUL
        return False


def emit_report(report: Document, fmt: str, output: Path | None) -> None:
    """Write the report; a closed stdout ends the run quietly (see ``cli.LazyGroup``)."""
    context = click.get_current_context(silent=True)
    section = context.meta.get("jiceng.section") if context is not None else None
    try:
        printed = emit(report, fmt, output, section=section)
    except SystemExit as stop:  # rich exits on a closed stdout; say it is the pipe
        raise BrokenPipeError("stdout closed") from stop
    if printed is not None and len(report.sections) > 1:
        others = ", ".join(s.key for s in report.sections if s.key != printed)
        say(f"已输出 CSV 部分 '{printed}'；其他部分 {others}，用 --section 选择（printed the "
            f"'{printed}' section as CSV; other sections: {others}, chosen by --section NAME）")
    if output is not None:
        say(f"已写入 wrote {output}")


# ---------------------------------------------------------------- sources: a dataset or Neo4j
class _SourceType(click.ParamType):
    """A dataset path, or a Neo4j server URI (``bolt://`` or ``neo4j://``, kept as text)."""

    name = "DATASET|URI"

    def convert(self, value, param, ctx):
        if isinstance(value, Path):
            return value
        text = str(value)
        return text if is_server_uri(text) else Path(text)


#: DATASET arguments that may also name a Neo4j server.
SOURCE = _SourceType()


def source_argument(function):
    """An optional DATASET argument that may also be a server URI (``bolt://host:7687``);
    without it the bundled sample is used."""
    return click.argument("dataset", required=False, type=SOURCE)(function)


def neo4j_option(function):
    """``--neo4j [URI]``: run on a Neo4j server (the URI, or NEO4J_URI when none is given)."""
    return click.option(
        "--neo4j", "neo4j_uri", is_flag=False, flag_value="", default=None, metavar="[URI]",
        help="在 Neo4j 服务器上运行而不读数据集：bolt://host:7687，不给 URI 时取 NEO4J_URI；"
             "账号密码取自 NEO4J_USER/NEO4J_PASSWORD 或提示输入（run on a Neo4j server instead "
             "of a dataset: bolt://host:7687, or NEO4J_URI when no URI is given; credentials "
             "from NEO4J_USER/NEO4J_PASSWORD, or a prompt）。",
    )(function)


def source_options(function):
    """DATASET, which may also be a server URI, ``--neo4j`` and the output options: what every
    command takes that asks its question of a dataset or a server and reports the answer.

    Put it last, above the function, so that the command's own options come first in
    ``--help`` as they did.
    """
    return source_argument(neo4j_option(output_options(function)))


def dataset_options(function):
    """DATASET (without it the bundled sample) and the output options: what every command
    takes that reports on a dataset; put it last, above the function, as
    :func:`source_options`."""
    return dataset_argument(output_options(function))


def shown(dataset: Path | str | None) -> str:
    """A dataset or server as people may see it (a password in a URI becomes ``***``; the
    bundled sample, None, is :data:`SAMPLE_SHOWN`, not its path inside the package)."""
    return SAMPLE_SHOWN if dataset is None else redact_uri(str(dataset))


def dataset_named(path: Path) -> Path:
    """A dataset named on the command line: ``sample``, where no file or folder of that name
    exists, is the bundled sample (``template --from sample``, ``merge --base sample``)."""
    return sample_path() if str(path) == "sample" and not path.exists() else path


def unless_sample(dataset: Path | None) -> Path | None:
    """DATASET as commands take it: None (the bundled sample) for none given, and for
    ``sample`` where no file or folder of that name exists (:func:`dataset_named`)."""
    if dataset is not None and dataset_named(dataset) != dataset:
        return None
    return dataset


def snapshot_named(snapshot: Path | str) -> str:
    """A snapshot as the title names it: its folder or file name (``2025Q1``), the bundled
    sample as such, a server by its address without a password; never a whole path (a
    sample's path inside site-packages)."""
    if isinstance(snapshot, Path):
        return _sample_shown(snapshot) or snapshot_label(snapshot)
    return shown(snapshot)


def snapshot_shown(snapshot: Path | str) -> str:
    """A snapshot as the line under the title shows it: its path, the bundled sample by name."""
    return (_sample_shown(snapshot) if isinstance(snapshot, Path) else None) or shown(snapshot)


def _sample_shown(path: Path) -> str | None:
    try:
        if path.exists() and path.resolve() == sample_path().resolve():
            return SAMPLE_SHOWN
    except OSError:
        pass
    return None


def connect_neo4j(uri: str | None) -> Neo4jSource:
    """A connected :class:`jiceng.server.Neo4jSource`, closed when the command ends.

    The URI comes from the option or NEO4J_URI; the user from NEO4J_USER (default
    ``neo4j``); the password from NEO4J_PASSWORD or, at a terminal, a hidden prompt.
    Credentials are never printed: every address shown is redacted.
    """
    uri = (uri or os.environ.get("NEO4J_URI") or "").strip()
    if not uri:
        raise BackendUnavailableError("未指定 Neo4j 服务器（no Neo4j server given: pass a URI "
                                      "such as bolt://localhost:7687, or set NEO4J_URI）")
    if not is_server_uri(uri):
        raise BackendUnavailableError(
            f"{redact_uri(uri)} 不是 jiceng 能连接的 Neo4j 地址：应以 bolt:// 或 neo4j:// 开头，"
            f"可加 +s、+ssc（{redact_uri(uri)} is not a Neo4j address jiceng can connect to: "
            "it begins with bolt:// or neo4j://, +s or +ssc）")
    user = os.environ.get("NEO4J_USER", "neo4j")
    password = os.environ.get("NEO4J_PASSWORD")
    if password is None and (split_credentials(uri)[2] is not None or is_falkordb_uri(uri)):
        password = ""  # the URI carries it (FalkorDB's, when it has one, is only there)
    if password is None:
        if not sys.stdin.isatty():
            raise BackendUnavailableError(
                f"缺少 Neo4j 密码（no password for Neo4j at {redact_uri(uri)}: "
                "set NEO4J_PASSWORD）")
        password = click.prompt(f"Neo4j password for {user}", hide_input=True, err=True)
    with progress(f"正在连接 connecting to {redact_uri(uri)}"):
        source = Neo4jSource.connect(uri, user, password,
                                     database=os.environ.get("NEO4J_DATABASE"))
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(source.close)
    return source


def load_source(dataset: Path | str | None, neo4j_uri: str | None = None) -> Source:
    """What a command works on: an in-memory graph, or a Neo4j server (a ``Neo4jSource``).

    DATASET may be a folder, a workbook or a server URI (``bolt://host:7687``);
    ``--neo4j [URI]`` names a server too (NEO4J_URI when no URI is given). Without
    either, the bundled sample. The queries take either source alike, so commands
    never ask which one they got.
    """
    if neo4j_uri is not None:
        if dataset is not None:
            raise click.UsageError("DATASET 与 --neo4j 只能给一个（give either DATASET or "
                                   "--neo4j, not both）")
        return connect_neo4j(neo4j_uri)
    if is_server_uri(dataset):
        return connect_neo4j(str(dataset))
    return load_graph(Path(dataset) if dataset is not None else None)
