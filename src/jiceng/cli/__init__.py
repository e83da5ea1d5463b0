"""The ``jiceng`` command line. One module per command group; this file wires them.

Commands are imported only when run, so ``jiceng --help`` and quick commands
start fast. Exit codes (see :class:`LazyGroup`): library errors, usage errors and
errors of the system on a file become 2 with a short message on stderr, anything
unexpected 3 with one line, an interrupt 130.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import os
import signal
import sys
import unicodedata
from typing import NoReturn

import click

from jiceng.graphmodel.cells import terminal_text
from jiceng.graphmodel.errors import JicengError

__all__ = ["main", "cli", "COMMANDS"]

#: command name -> ("module:attribute", the summary ``jiceng --help`` lists), in the order
#: ``--help`` lists them. The summary is the first paragraph of the command's own help (a test
#: keeps them equal): listing it here lets ``jiceng --help`` answer without importing pandas.
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("jiceng.cli.audit:audit",
              "覆盖审计：逐条规则统计覆盖率、缺口，按区县/街道汇总 (Coverage audit by rule, district, "
              "street)."),
    "isolated": ("jiceng.cli.analysis:isolated",
                 "孤立与脆弱社区：找出没有共建资源的社区和单点依赖 (Isolated and fragile communities)."),
    "reach": ("jiceng.cli.analysis:reach",
              "共建资源覆盖：每个单位的资源能到达多远，哪些社区得不到 (Reach of co-building resources)."),
    "whatif": ("jiceng.cli.analysis:whatif",
               "假设分析：若单位退出或关系断开，哪些社区失去资源、哪些规则新失守 (What if units withdraw)."),
    "diff": ("jiceng.cli.analysis:diff",
             "变化对比：两期数据之间增删的节点和关系、覆盖率的变化 (Compare two snapshots)."),
    "trend": ("jiceng.cli.trend:trend",
              "趋势：各街道得分、排名、等级和各规则覆盖率的逐期变化 (Scores, ranks and coverage over "
              "time)."),
    "plan": ("jiceng.cli.plan:plan",
             "配置方案：提出补足缺口的结对共建与兼职委员，并证明最优 (Plan pairings and seats, "
             "optimally)."),
    "map": ("jiceng.cli.maps:map_command",
            "网络地图：画出可交互的网络图，单个 HTML 文件，离线可用 (Interactive network map)."),
    "site": ("jiceng.cli.site:site",
             "离线网站：全市、区县、街道逐级下钻的静态网页，可搜索、可打印 (Offline site to drill down)."),
    "list": ("jiceng.cli.listing:list_command",
             "列出区县、街道、社区或单位的编号和名称 (List districts, streets, communities or units)."),
    "info": ("jiceng.cli.data:info",
             "数据集概况：按类型统计节点和关系 (Count nodes and edges by kind)."),
    "validate": ("jiceng.cli.data:validate",
                 "校验数据集：对照数据格式列出所有问题 (Validate a dataset and list every problem)."),
    "generate": ("jiceng.cli.data:generate",
                 "生成模拟城市数据，按文章中的数字校准 (Generate a synthetic city)."),
    "template": ("jiceng.cli.template:template",
                 "数据模板：写出一个中文的 Excel 工作簿，供街道填写报送 (Write an Excel workbook to fill "
                 "in)."),
    "merge": ("jiceng.cli.merge:merge",
              "合并：把各街道报送的数据合并成全市数据集 (Merge the streets' files into the city)."),
    "cache": ("jiceng.cli.cache:cache_group",
              "缓存：读过的数据集的校验结果，下次读取更快；查看位置、清除 (The cache of datasets read)."),
    "neo4j": ("jiceng.cli.neo4j:neo4j_group",
              "Neo4j 图数据库：推送数据集、取回数据集 (Share a dataset through a Neo4j server)."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, and whose exit codes mean one thing.

    0 done; 1 only "an audit threshold was missed"; 2 bad input, bad rules, a refused
    output or an unreachable backend (a short message, no traceback); 3 an internal
    error (one line; ``--debug`` shows the traceback); 130 interrupted. A closed pipe
    (``jiceng audit --format csv | head -1``) ends quietly with 0.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (target, _) in COMMANDS.items() if _available(target)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS or not _available(COMMANDS[name][0]):
            return None
        module, attribute = COMMANDS[name][0].split(":")
        command = getattr(importlib.import_module(module), attribute)
        _bilingual_help_option(command)
        _settle_imports()
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from :data:`COMMANDS`' summaries, importing no command."""
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            width = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, _shortened(summary, width)) for name, summary in rows])

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        _bilingual_help_option(self)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Abort as abort:
            if isinstance(abort.__context__, KeyboardInterrupt):
                _fail("已中断 interrupted", 130)
            _fail("已取消 aborted", 2)
        except click.ClickException as error:  # usage errors, bad parameters
            with contextlib.suppress(OSError):
                _show_usage_error(error)
            sys.exit(2)
        except BrokenPipeError:
            _quiet_pipe()
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort,
                SystemExit):
            raise
        except BrokenPipeError:
            _quiet_pipe()
        except KeyboardInterrupt:
            _fail("已中断 interrupted", 130)
        except JicengError as error:
            _show_traceback(ctx)
            _fail(f"错误 error: {error}", 2)
        except OSError as error:  # the system refused: a file, a folder, the disk
            _show_traceback(ctx)
            _fail(f"错误 error: {_os_message(error)}", 2)
        except Exception as error:
            if _show_traceback(ctx):
                _fail(f"内部错误 internal error: {type(error).__name__}: {error}", 3)
            _fail(f"内部错误 internal error: {type(error).__name__}: {_one_line(error)} — "
                  "请加 --debug 重新运行查看详情 (rerun with --debug for the traceback)", 3)


def _shortened(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns (a Chinese character takes two), "..." after."""
    shown, used = "", 0
    for character in text:
        size = 2 if unicodedata.east_asian_width(character) in "WF" else 1
        if used + size > width - 3:
            return shown.rstrip() + "..."
        shown, used = shown + character, used + size
    return text


def _bilingual_help_option(command: click.Command) -> None:
    """Give ``command`` (and its subcommands) a ``-h/--help`` described Chinese first."""
    if getattr(command, "_help_option", "absent") is None:  # click ≥ 8.1.8 caches it there
        click.help_option("-h", "--help", help="显示帮助并退出（show this message and exit）。")(command)
        command._help_option = command.params.pop()  # type: ignore[assignment]
    for sub in getattr(command, "commands", {}).values():
        _bilingual_help_option(sub)


def _show_usage_error(error: click.ClickException) -> None:
    """A usage error, Chinese first: the usage line, where to find help, what is wrong."""
    context = getattr(error, "ctx", None)
    if context is not None:
        to_stderr(context.get_usage())
        to_stderr(f"查看帮助 for help: {context.command_path} --help")
    message = error.format_message()
    if isinstance(error, click.BadParameter) and context is not None:
        hint = error.param_hint or (error.param.get_error_hint(context) if error.param else "")
        if isinstance(hint, (list, tuple)):
            hint = " / ".join(hint)
        message = (f"缺少参数 {hint}（missing {hint}）" if isinstance(error, click.MissingParameter)
                   else f"参数 {hint} 无效（invalid value for {hint}）：{error.message}")
    to_stderr(f"错误 error: {message}")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 300 else text[:300] + "…"


def _os_message(error: OSError) -> str:
    from jiceng.loaders.atomic import describe_os_error

    if error.filename is None:
        return f"{error.strerror or error}"
    described = describe_os_error(error.filename, error)
    return (f"{error.filename}：{described.reason_zh}（{error.filename}: {described.reason_en}）")


def _show_traceback(ctx: click.Context) -> bool:
    """Print the traceback of the error being handled when ``--debug`` was given."""
    debug = bool(ctx.obj and ctx.obj.get("debug"))
    if debug:
        import traceback

        traceback.print_exc(file=sys.stderr)
    return debug


def to_stderr(message: str, *, nl: bool = True) -> None:
    """Write a message for the person at the terminal on stderr: every message goes through
    here, so text from users' files (a name holding ``\\x1b]52;…``) is shown with its control
    characters escaped (:func:`jiceng.graphmodel.cells.terminal_text`), never acted on."""
    click.echo(terminal_text(message), err=True, nl=nl)


def _fail(message: str, code: int) -> NoReturn:
    with contextlib.suppress(OSError):
        to_stderr(message)
    sys.exit(code)


def _quiet_pipe() -> NoReturn:
    """The reader of stdout went away: stop quietly, without noise when Python exits."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real stdout (in tests)
        pass
    sys.exit(0)


def _available(target: str) -> bool:
    module = target.split(":")[0]
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})
@click.option("--debug", is_flag=True, help="出错时显示调用栈（show the traceback on errors）。")
@click.option("--no-cache", is_flag=True,
              help="这一次不用缓存，重新读取并校验数据文件（read and validate the files this once, "
                   "not the cache）。")
@click.version_option(package_name="jiceng", help="显示版本并退出（show the version and exit）。")
@click.pass_context
def cli(ctx: click.Context, debug: bool, no_cache: bool) -> None:
    """基层 (jiceng)：找出城市党建引领基层治理网络的薄弱之处 (where a city's Party-building-led
    grassroots network is thin).

    \b
    主要用法，在内置的贵阳样例上 (the main job, on the bundled Guiyang sample):
      jiceng audit
    在本地数据上：含 nodes.csv 和 edges.csv 的文件夹，或 .xlsx 工作簿
    (on your own data: a folder with nodes.csv and edges.csv, or a .xlsx):
      jiceng audit mydata/ --format xlsx --output ledger.xlsx
    退出码 exit codes: 0 完成 done · 1 未达 --fail-under threshold missed ·
    2 输入有误或输出被拒 bad input / refused output · 3 内部错误 internal error
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if no_cache:  # through the environment, so that merge's worker processes see it too
        before = os.environ.get(NO_CACHE_ENV)
        os.environ[NO_CACHE_ENV] = "1"
        ctx.call_on_close(lambda: _restore(NO_CACHE_ENV, before))


#: jiceng.loaders.cache.NO_CACHE_ENV, named here so that ``--help`` imports no pandas.
NO_CACHE_ENV = "JICENG_NO_CACHE"


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _interrupt(signum: int, frame: object) -> NoReturn:
    """SIGTERM as an interrupt: the writers' cleanup removes their temporary files, and the run
    ends with 130 and "已中断 interrupted", where the default action would leave them behind."""
    raise KeyboardInterrupt


#: Whether :func:`main` holds the cyclic garbage collector until the command is imported.
_HELD = {"gc": False}


def _settle_imports() -> None:
    """Once the console script's command is imported: the collector again, over what comes next.

    Importing pandas, numpy, arrow, rich and the command makes over 100,000 objects that live
    as long as the process. Collected as they come, they are walked again and again, and every
    later full collection walks them all once more: about 0.1 s of a sample audit. Frozen
    (:func:`gc.freeze`), they are never walked; the command's own garbage is collected as usual.
    """
    if _HELD["gc"]:
        _HELD["gc"] = False
        gc.freeze()
        gc.enable()


def main() -> NoReturn:
    """The console script: run the command, then leave at once.

    Everything has been written, flushed and closed when a command returns; tearing the
    interpreter down would only unload pandas and arrow, about 0.1 s a planner waits for.
    The collector waits while the command is imported (:func:`_settle_imports`).
    SIGTERM (``kill``, a service manager, a CI timeout) ends the run as an interrupt does.
    """
    gc.disable()
    _HELD["gc"] = True
    with contextlib.suppress(ValueError, AttributeError):  # not the main thread; no SIGTERM
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        cli(prog_name="jiceng")
        code: object = 0
    except SystemExit as done:
        code = done.code
    if code is not None and not isinstance(code, int):  # as Python reports sys.exit("text")
        with contextlib.suppress(OSError, ValueError):
            print(terminal_text(str(code)), file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone, a closed stream
            stream.flush()
    os._exit(code or 0)
