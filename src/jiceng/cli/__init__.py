"""The ``jiceng`` command line. One module per command group; this file wires them.

Commands are imported only when run, so ``jiceng --help`` and quick commands
start fast. Exit codes (see :class:`LazyGroup`): library errors, usage errors and
errors of the system on a file become 2 with a short message on stderr, anything
unexpected 3 with one line, an interrupt 130.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
from typing import NoReturn

import click

from jiceng.graphmodel import JicengError

__all__ = ["main", "cli", "COMMANDS"]

#: command name -> "module:attribute", in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    "audit": "jiceng.cli.audit:audit",
    "isolated": "jiceng.cli.analysis:isolated",
    "reach": "jiceng.cli.analysis:reach",
    "whatif": "jiceng.cli.analysis:whatif",
    "diff": "jiceng.cli.analysis:diff",
    "plan": "jiceng.cli.plan:plan",
    "map": "jiceng.cli.maps:map_command",
    "list": "jiceng.cli.listing:list_command",
    "info": "jiceng.cli.data:info",
    "validate": "jiceng.cli.data:validate",
    "generate": "jiceng.cli.data:generate",
    "template": "jiceng.cli.template:template",
    "neo4j": "jiceng.cli.neo4j:neo4j_group",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, and whose exit codes mean one thing.

    0 done; 1 only "an audit threshold was missed"; 2 bad input, bad rules, a refused
    output or an unreachable backend (a short message, no traceback); 3 an internal
    error (one line; ``--debug`` shows the traceback); 130 interrupted. A closed pipe
    (``jiceng audit --format csv | head -1``) ends quietly with 0.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, target in COMMANDS.items() if _available(target)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None or not _available(target):
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        _bilingual_help_option(command)
        return command

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
        click.echo(context.get_usage(), err=True)
        click.echo(f"查看帮助 for help: {context.command_path} --help", err=True)
    message = error.format_message()
    if isinstance(error, click.BadParameter) and context is not None:
        hint = error.param_hint or (error.param.get_error_hint(context) if error.param else "")
        if isinstance(hint, (list, tuple)):
            hint = " / ".join(hint)
        message = f"参数 {hint} 无效（invalid value for {hint}）：{error.message}"
    click.echo(f"错误 error: {message}", err=True)


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


def _fail(message: str, code: int) -> NoReturn:
    with contextlib.suppress(OSError):
        click.echo(message, err=True)
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
@click.version_option(package_name="jiceng", help="显示版本并退出（show the version and exit）。")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
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


def main() -> None:
    cli(prog_name="jiceng")
