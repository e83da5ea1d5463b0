"""``--help`` is bilingual, Chinese first, for the group, every command and every option."""

from __future__ import annotations

import re

import click
import pytest

from jiceng.cli import COMMANDS
from jiceng.cli import cli as group

CJK = re.compile(r"[\u4e00-\u9fff]")


def _commands() -> list[tuple[str, click.Command]]:
    """Every command as ``jiceng`` runs it, subcommands of groups included."""
    context = click.Context(group)
    found = []
    for name in COMMANDS:
        command = group.get_command(context, name)
        assert command is not None, name
        found.append((name, command))
        for sub_name, sub in getattr(command, "commands", {}).items():
            found.append((f"{name} {sub_name}", sub))
    return found


def _starts_chinese(text: str | None) -> bool:
    """Chinese comes before any English word (a name such as ``YAML`` or ``Neo4j`` may lead)."""
    text = text or ""
    chinese, english = CJK.search(text), re.search(r"[a-z]{3,}", text)
    return chinese is not None and (english is None or chinese.start() < english.start())


@pytest.mark.parametrize("name, command", _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_help_is_chinese_first_with_an_example(cli, name, command):
    assert _starts_chinese(command.help), f"{name}: {command.help[:40]!r}"
    first = command.help.strip().splitlines()[0]
    assert re.search(r"\([A-Z][^()]*\)\.?$", first), f"{name}: no English after the Chinese: {first}"
    result = cli(*name.split(), "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    example = result.stdout.split("Example:")[1].strip().splitlines()
    assert any(line.strip().startswith("jiceng ") for line in example), name


@pytest.mark.parametrize("name, command", _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_option_help_is_chinese_first(cli, name, command):
    context = click.Context(command, info_name=name)
    for param in command.get_params(context):
        if isinstance(param, click.Option):
            assert _starts_chinese(param.help), f"{name} {param.opts}: {param.help!r}"
            assert re.search(r"[a-z]", param.help), f"{name} {param.opts}: no English"
    shown = cli(*name.split(), "--help").stdout
    assert "Show this message and exit." not in shown  # click's English-only default


def test_group_help_lists_every_command_chinese_first(cli):
    result = cli("--help")
    assert result.exit_code == 0
    description = result.stdout.split("\n\n")[1].strip()
    assert _starts_chinese(description)
    listed = result.stdout.split("Commands:")[1]
    for name in COMMANDS:
        line = next(line for line in listed.splitlines() if line.strip().startswith(name + " "))
        assert CJK.search(line), line
    for option in ("--debug", "--version", "--help"):
        line = next(line for line in result.stdout.splitlines() if option in line)
        assert CJK.search(line), line


@pytest.mark.parametrize("name", list(COMMANDS))
def test_listed_summary_is_the_commands_own_first_paragraph(name):
    """``jiceng --help`` lists COMMANDS' summaries without importing the commands: each must
    stay the first paragraph of the command's own help."""
    command = group.get_command(click.Context(group), name)
    first = " ".join((command.help or "").split("\n\n")[0].split())
    assert COMMANDS[name][1] == first


def test_group_help_lists_every_command_without_importing_pandas():
    import subprocess
    import sys

    probe = ("import sys; from jiceng.cli import cli\n"
             "try:\n    cli(['--help'], prog_name='jiceng')\nexcept SystemExit:\n    pass\n"
             "print('pandas' in sys.modules, 'jiceng.cli.audit' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    *listing, last = done.stdout.strip().splitlines()
    assert last == "False False"
    text = "\n".join(listing)
    for name, (_, summary) in COMMANDS.items():
        assert re.search(rf"^  {name} +{re.escape(summary[:12])}", text, re.M), name


@pytest.mark.parametrize(("args", "missing"), [(["diff"], "'OLD'"),
                                               (["merge", "x.xlsx", "--output", "new"], "'--base'")])
def test_a_missing_argument_is_named(cli, args, missing):
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == ""
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"错误 error: 缺少参数 {missing}（missing {missing}）", result.stderr


def test_the_console_script_runs_a_command_with_the_collector_on_and_its_imports_frozen(tmp_path):
    """``main`` holds the garbage collector while the command is imported (start-up), then
    freezes what the imports made and collects again before the command runs."""
    import subprocess
    import sys

    (tmp_path / "probe_command.py").write_text(
        "import gc, click\n"
        "import pandas  # a command's imports, made while the collector waits\n"
        "@click.command()\n"
        "def probe():\n"
        "    click.echo(f'{gc.isenabled()} {gc.get_freeze_count() > 50_000}')\n",
        encoding="utf-8")
    script = ("import sys, jiceng.cli as c\n"
              "c.COMMANDS['probe'] = ('probe_command:probe', 'probe')\n"
              "sys.argv = ['jiceng', 'probe']\n"
              "c.main()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, check=True)
    assert done.stdout.split() == ["True", "True"]
