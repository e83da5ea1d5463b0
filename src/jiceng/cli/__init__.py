"""The ``jiceng`` command line. One module per command group; this file wires them.

Commands are imported only when run, so ``jiceng --help`` and quick commands
start fast. Library errors become exit code 2 with a short message on stderr.
"""

from __future__ import annotations

import importlib
import sys

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
    """A group whose commands are imported on first use, and whose errors are short."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, target in COMMANDS.items() if _available(target)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None or not _available(target):
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except JicengError as error:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)


def _available(target: str) -> bool:
    module = target.split(":")[0]
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show a traceback on errors.")
@click.version_option(package_name="jiceng")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """jiceng 基层: where a city's Party-building-led grassroots network is thin.

    \b
    The main job, on the bundled Guiyang sample:
      jiceng audit
    and on your own data (a folder with nodes.csv and edges.csv, or a .xlsx):
      jiceng audit mydata/ --format xlsx --output ledger.xlsx
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main() -> None:
    cli(prog_name="jiceng")
