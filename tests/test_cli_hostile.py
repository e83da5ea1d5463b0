"""The command line against hostile use: outputs that would lose data, OS errors on
output, exit codes, broken pipes, unbounded arguments, wrong library arguments, markup
in messages, and the loopback-only network guard of the test suite itself."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from jiceng.graphmodel import UnknownNodeError
from jiceng.loaders import read_dataset, write_dataset
from jiceng.loaders.template import write_template


@pytest.fixture
def workbook(tmp_path) -> Path:
    """A small valid dataset as a workbook (the template's example rows)."""
    path = tmp_path / "mine.xlsx"
    write_template(path)
    return path


@pytest.fixture
def folder(tmp_path, workbook) -> Path:
    """The same small dataset as a folder of CSV files."""
    return write_dataset(read_dataset(workbook), tmp_path / "mydata")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden temporary files too) with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def no_temporary_files(root: Path) -> bool:
    return not [p for p in root.rglob("*.part")]


# ---------------------------------------------------------------- 1. one guard for outputs
def test_output_that_is_the_input_workbook_is_refused(cli, tmp_path, workbook):
    before = snapshot(tmp_path)
    result = cli("audit", workbook, "--format", "xlsx", "--output", workbook)
    assert result.exit_code == 2
    assert result.stderr.startswith("错误 error: 无法写入") and str(workbook) in result.stderr
    assert "input of this run" in result.stderr and "输入" in result.stderr
    assert snapshot(tmp_path) == before


def test_output_inside_the_input_folder_over_its_nodes_is_refused(cli, tmp_path, folder):
    before = snapshot(tmp_path)
    for name in ("nodes.csv", "edges.csv"):
        result = cli("audit", folder, "--format", "csv", "--output", folder / name)
        assert result.exit_code == 2, result.stderr
        assert "inside the input dataset" in result.stderr and "输入数据集" in result.stderr
    assert snapshot(tmp_path) == before


def test_output_reaching_the_input_by_another_name_is_refused(cli, tmp_path, workbook):
    """A symbolic link and a relative path with ``..`` both resolve to the input."""
    link = tmp_path / "alias.xlsx"
    link.symlink_to(workbook)
    before = snapshot(tmp_path)
    by_link = cli("isolated", workbook, "--format", "xlsx", "--output", link)
    dotted = tmp_path / "sub" / ".." / workbook.name
    by_dots = cli("info", workbook, "--format", "json", "--output", dotted)
    assert (by_link.exit_code, by_dots.exit_code) == (2, 2)
    assert snapshot(tmp_path) == before


def test_the_rules_file_and_diff_snapshots_are_inputs_too(cli, tmp_path, workbook, folder):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: []\n", encoding="utf-8")
    before = snapshot(tmp_path)
    assert cli("audit", workbook, "--rules", rules, "--format", "json",
               "--output", rules).exit_code == 2
    assert cli("diff", folder, workbook, "--format", "xlsx", "--output", workbook).exit_code == 2
    assert snapshot(tmp_path) == before


def test_map_never_overwrites_its_input(cli, tmp_path, workbook):
    before = snapshot(tmp_path)
    result = cli("map", workbook, "--overview", "--output", workbook)
    assert result.exit_code == 2 and "input of this run" in result.stderr
    assert snapshot(tmp_path) == before


def test_report_over_another_existing_dataset_needs_force(cli, tmp_path, workbook, folder):
    other = tmp_path / "other.xlsx"
    write_template(other)
    before = other.read_bytes()
    refused = cli("info", folder, "--format", "xlsx", "--output", other)
    assert refused.exit_code == 2
    assert "--force" in refused.stderr and "existing dataset" in refused.stderr
    assert other.read_bytes() == before
    forced = cli("info", folder, "--format", "xlsx", "--output", other, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert other.read_bytes() != before


def test_generate_refuses_an_existing_dataset_without_force(cli, tmp_path, folder, workbook):
    before = snapshot(tmp_path)
    for out in (folder, workbook):
        result = cli("generate", out, "--scale", "0.1")
        assert result.exit_code == 2
        assert "--force" in result.stderr and str(out) in result.stderr
    assert snapshot(tmp_path) == before
    forced = cli("generate", folder, "--scale", "0.1", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert read_dataset(folder).n_nodes > 1000  # replaced by the generated city


def test_generate_into_an_empty_folder_is_fine(cli, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert cli("generate", out, "--scale", "0.1").exit_code == 0
    assert (out / "nodes.csv").exists()


def test_output_that_is_an_existing_folder_is_refused(cli, tmp_path, workbook):
    target = tmp_path / "reports"
    target.mkdir()
    result = cli("audit", workbook, "--format", "json", "--output", target)
    assert result.exit_code == 2
    assert "existing folder" in result.stderr and "文件夹" in result.stderr
    assert list(target.iterdir()) == []


def test_output_under_a_file_is_refused(cli, tmp_path, workbook):
    plain = tmp_path / "notes.txt"
    plain.write_text("keep me", encoding="utf-8")
    for command in (["audit", workbook, "--format", "json", "--output"],
                    ["map", workbook, "--overview", "--output"]):
        result = cli(*command, plain / "report.json")
        assert result.exit_code == 2
        assert f"{plain} is a file, not a folder" in result.stderr and "是文件" in result.stderr
    for out in (plain / "new", plain / "new.xlsx"):
        result = cli("generate", out, "--scale", "0.1")
        assert result.exit_code == 2, result.stderr
        assert str(plain) in result.stderr
    assert cli("template", plain / "t.xlsx").exit_code == 2
    assert plain.read_text(encoding="utf-8") == "keep me"


def test_a_name_too_long_is_refused_and_a_long_valid_one_works(cli, tmp_path, workbook):
    too_long = tmp_path / ("长" * 100 + ".json")  # 300 bytes: beyond the file system's 255
    result = cli("info", workbook, "--format", "json", "--output", too_long)
    assert result.exit_code == 2
    assert "文件名过长" in result.stderr and "too long" in result.stderr
    assert no_temporary_files(tmp_path)
    near_limit = tmp_path / ("a" * 245 + ".json")  # valid; its temporary file must be too
    assert cli("info", workbook, "--format", "json", "--output", near_limit).exit_code == 0
    assert near_limit.read_text(encoding="utf-8").startswith("{")


class _FailingFile:
    """A real file whose writes fail with ``error`` once ``after`` bytes are written."""

    def __init__(self, handle, error: BaseException, after: int = 100):
        self._handle, self._error, self._left = handle, error, after

    def write(self, data):
        if len(data) > self._left:
            self._handle.write(data[: self._left])
            self._handle.flush()
            raise self._error
        self._left -= len(data)
        return self._handle.write(data)

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()
        return False


def _fail_writes(monkeypatch, error: BaseException) -> None:
    import jiceng.loaders.atomic as atomic

    def failing_open(path, mode="r", **kwargs):
        return _FailingFile(open(path, mode, **kwargs), error)

    monkeypatch.setattr(atomic, "open", failing_open, raising=False)


@pytest.mark.parametrize("code, zh, en", [
    (errno.ENOSPC, "磁盘空间不足", "No space left on device"),
    (errno.EACCES, "没有写入权限", "Permission denied"),
    (errno.EROFS, "只读文件系统", "Read-only file system"),
])
def test_an_os_error_while_writing_names_path_and_reason_and_keeps_the_old_file(
        cli, tmp_path, workbook, monkeypatch, code, zh, en):
    target = tmp_path / "report.csv"
    target.write_text("the previous report", encoding="utf-8")
    _fail_writes(monkeypatch, OSError(code, os.strerror(code)))
    result = cli("audit", workbook, "--format", "csv", "--output", target)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(target) in result.stderr and zh in result.stderr and en in result.stderr
    assert result.stderr.index(zh) < result.stderr.index(en)  # Chinese first
    assert target.read_text(encoding="utf-8") == "the previous report"
    assert no_temporary_files(tmp_path)


def test_a_failing_rename_removes_the_temporary_file(cli, tmp_path, workbook, monkeypatch):
    import jiceng.loaders.atomic as atomic

    def no_permission(*args):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", no_permission)
    result = cli("map", workbook, "--overview", "--output", tmp_path / "city.html")
    assert result.exit_code == 2 and "没有写入权限" in result.stderr
    assert not (tmp_path / "city.html").exists() and no_temporary_files(tmp_path)


def test_an_interrupt_while_writing_exits_130_and_leaves_nothing(cli, tmp_path, workbook,
                                                                monkeypatch):
    target = tmp_path / "ledger.json"
    _fail_writes(monkeypatch, KeyboardInterrupt())
    result = cli("audit", workbook, "--format", "json", "--output", target)
    assert result.exit_code == 130
    assert result.stderr.strip() == "已中断 interrupted"
    assert not target.exists() and no_temporary_files(tmp_path)


def test_atomic_write_cleans_up_on_every_error(tmp_path):
    from jiceng.loaders.atomic import OutputError, atomic_path, write_text_atomic

    target = tmp_path / "kept.txt"
    write_text_atomic(target, "old")
    for error in (ValueError("bad"), KeyboardInterrupt(), OSError(errno.ENOSPC, "full")):
        with pytest.raises((type(error), OutputError)), atomic_path(target) as temporary:
            temporary.write_text("half", encoding="utf-8")
            raise error
        assert target.read_text(encoding="utf-8") == "old"
        assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]
    with pytest.raises(OutputError) as raised, atomic_path(tmp_path):
        pass
    assert isinstance(raised.value, OSError) and "is a folder" in str(raised.value)


# ---------------------------------------------------------------- 2. exit codes mean one thing
def test_an_unexpected_exception_is_exit_3_with_one_line(cli, monkeypatch, workbook):
    import jiceng.cli.options as options

    def broken(path):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(options, "read_dataset", broken)
    result = cli("info", workbook)
    assert result.exit_code == 3
    assert result.stderr == ("内部错误 internal error: RuntimeError: boom second line — "
                             "请加 --debug 重新运行查看详情 (rerun with --debug for the traceback)\n")
    debug = cli("--debug", "info", workbook)
    assert debug.exit_code == 3
    assert "Traceback (most recent call last)" in debug.stderr and "def broken" not in debug.stdout
    assert "RuntimeError: boom" in debug.stderr


def test_bad_input_is_exit_2_with_debug_traceback_only_when_asked(cli, tmp_path):
    missing = tmp_path / "nowhere"
    plain = cli("info", missing)
    assert plain.exit_code == 2 and "Traceback" not in plain.stderr
    assert plain.stderr.startswith("错误 error: ")
    debug = cli("--debug", "info", missing)
    assert debug.exit_code == 2 and "Traceback" in debug.stderr


def test_usage_errors_are_exit_2_chinese_first(cli):
    for args in (["audit", "--no-such-option"], ["no-such-command"], ["whatif"],
                 ["map"], ["audit", "--format", "pdf"]):
        result = cli(*args)
        assert result.exit_code == 2, args
        assert "错误 error: " in result.stderr and "Traceback" not in result.stderr


def test_an_interrupt_is_exit_130(cli, monkeypatch, workbook):
    import jiceng.cli.options as options

    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(options, "read_dataset", interrupted)
    result = cli("audit", workbook)
    assert result.exit_code == 130 and result.stderr.strip() == "已中断 interrupted"


def test_sigint_in_a_real_process_is_exit_130(tmp_path):
    # SIGINT as at a terminal, even when the suite itself was started in the background (a
    # shell's background job ignores SIGINT, and Python then installs no handler for it)
    with subprocess.Popen([sys.executable, "-c", (
            "import sys, time, jiceng.cli.options as o\n"
            "def slow(p):\n    print('ready', flush=True); time.sleep(30)\n"
            "o.read_dataset = slow\n"
            "from jiceng.cli import main\nsys.argv = ['jiceng', 'info']\nmain()\n")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) as process:
        assert process.stdout.readline().strip() == "ready"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 130 and err.strip() == "已中断 interrupted"


@pytest.mark.parametrize("args", [["audit"], ["audit", "--by", "street", "--format", "csv"],
                                  ["reach", "--format", "markdown"], ["map", "--overview"]])
def test_a_closed_pipe_ends_quietly(args):
    """The reader goes away before reading anything (as ``| head -1`` does)."""
    process = subprocess.Popen([sys.executable, "-m", "jiceng", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()
    with process.stderr:
        err = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=120) == 0
    assert err == ""  # no "Exception ignored ... BrokenPipeError", no message


def test_a_shell_pipe_into_head(tmp_path):
    done = subprocess.run(["bash", "-c", "set -o pipefail; "
                           f"{sys.executable} -m jiceng isolated --format csv | head -1"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    # stderr holds only the note on which CSV section was printed: no noise from the pipe
    assert done.returncode == 0
    assert [line.startswith("已输出 CSV 部分 '") for line in done.stderr.splitlines()] == [True]
    assert done.stdout.count("\n") == 1


# ---------------------------------------------------------------- 3. limits on arguments
@pytest.mark.parametrize("args, option", [
    (["reach", "--hops", "0"], "--hops"),
    (["reach", "--hops", "11"], "--hops"),
    (["reach", "--hops", "99999999999999999999"], "--hops"),
    (["whatif", "--remove", "UP00001", "--hops", "-1"], "--hops"),
    (["map", "--reach", "UP00001", "--hops", "3000000", "--output", "{tmp}/reach.html"], "--hops"),
    (["generate", "{tmp}/city", "--scale", "inf"], "--scale"),
    (["generate", "{tmp}/city", "--scale", "nan"], "--scale"),
    (["generate", "{tmp}/city", "--scale", "1e9"], "--scale"),
    (["generate", "{tmp}/city", "--scale", "0"], "--scale"),
    (["generate", "{tmp}/city", "--scale", "-2"], "--scale"),
    (["generate", "{tmp}/city", "--seed", "-1"], "--seed"),
    (["generate", "{tmp}/city", "--seed", "99999999999999999999999"], "--seed"),
    (["audit", "--fail-under", "nan"], "--fail-under"),
    (["audit", "--fail-under", "101"], "--fail-under"),
    (["audit", "--fail-under", "-0.5"], "--fail-under"),
    (["neo4j", "push", "--batch-size", "0"], "--batch-size"),
])
def test_arguments_out_of_range_are_refused_up_front(cli, tmp_path, args, option):
    result = cli(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2
    message = result.stderr.splitlines()[-1]
    assert message.startswith(f"错误 error: 参数 '{option}'"), message
    for other in ("--hops", "--scale", "--seed", "--fail-under", "--batch-size"):
        if other != option:
            assert other not in message  # the message blames the right option
    assert list(tmp_path.iterdir()) == []  # nothing allocated, nothing written


def test_limits_say_their_reason(cli, tmp_path):
    hops = cli("reach", "--hops", "3000000").stderr
    assert "须在 1 到 10 之间" in hops and "must be from 1 to 10, not 3000000" in hops
    scale = cli("generate", tmp_path / "x", "--scale", "inf").stderr
    assert "约 150 即全国规模" in scale and "not inf" in scale
    seed = cli("generate", tmp_path / "x", "--seed", "-1").stderr
    assert "随机种子" in seed and "not -1" in seed


def test_the_largest_allowed_values_are_accepted(cli):
    assert cli("reach", "--hops", "10", "--format", "json").exit_code == 0
    assert cli("audit", "--fail-under", "0", "--format", "json").exit_code == 0


# ---------------------------------------------------------------- 4. library arguments
def test_reach_takes_one_str_as_one_id(sample):
    from jiceng.queries.reach import reach

    one = reach(sample, units="UP00001")
    assert one.units["id"].tolist() == ["UP00001"]
    assert one.units.equals(reach(sample, units=["UP00001"]).units)


@pytest.mark.parametrize("hops", [0, -1, 11, 10**20])
def test_every_reach_function_rejects_the_same_hops(sample, hops):
    from jiceng.present.maps import reach_map
    from jiceng.queries.reach import reach, reach_from
    from jiceng.queries.whatif import whatif

    messages = set()
    for call in (lambda: reach(sample, hops=hops), lambda: reach_from(sample, "UP00001", hops=hops),
                 lambda: reach_map(sample, "UP00001", hops=hops),
                 lambda: whatif(sample, remove=["UP00001"], hops=hops)):
        with pytest.raises(ValueError) as raised:
            call()
        messages.add(str(raised.value))
    assert len(messages) == 1 and "hops must be a whole number from 1 to 10" in messages.pop()


@pytest.mark.parametrize("call", [
    "reach(g, units=5)", "reach(g, units=[1, 2])", "reach(g, hops='2')", "reach(g, hops=2.0)",
    "reach({}, hops=2)", "reach_from(g, ['UP00001'])", "isolation('data/')", "audit(None)",
    "whatif(g, remove=[7])", "diff(g, 'x')",
])
def test_wrong_types_raise_a_clear_type_error(sample, call):
    from jiceng.queries.coverage import audit  # noqa: F401
    from jiceng.queries.diff import diff  # noqa: F401
    from jiceng.queries.isolation import isolation  # noqa: F401
    from jiceng.queries.reach import reach, reach_from  # noqa: F401
    from jiceng.queries.whatif import whatif  # noqa: F401

    with pytest.raises(TypeError) as raised:
        eval(call, {**locals(), "g": sample})
    message = str(raised.value)
    assert " must be " in message and "须为" in message
    assert type(raised.value).__name__ == "ArgumentTypeError"


@pytest.mark.parametrize("call, argument", [
    ("audit(g, rules=5)", "rules"), ("audit(g, rules=[5])", "rules"),
    ("audit(g, rules={'min': 1})", "rules"), ("audit(g, on_rule=5)", "on_rule"),
    ("isolation(5)", "graph"), ("reach(g, units=5)", "units"),
    ("whatif(g, remove_edges=5)", "remove_edges"), ("whatif(g, remove_edges=['UP1'])",
                                                    "remove_edges"),
    ("whatif(g, remove_edges=[('UP1', 'C1')])", "remove_edges"), ("whatif(g, rules=5)", "rules"),
    ("diff(g, g, rules=5)", "rules"), ("diff(g, g, rules=['grid-branch'])", "rules"),
    ("plan(5)", "graph"), ("plan(g, units=['UP00001'])", "units"), ("plan(g, units=5)", "units"),
    ("plan(g, units=[{'id': 'UP00001'}])", "units"), ("plan(g, rules=5)", "rules"),
    ("plan(g, scope=['street'])", "scope"), ("plan(g, scope=None)", "scope"),
    ("apply_plan(g, 5)", "result"), ("apply_plan(g, [])", "result"),
    ("apply_plan(g, pd.DataFrame({'unit': ['UP00001']}))", "result"),
    ("apply_plan(5, pd.DataFrame(columns=['unit', 'target', 'kind', 'need']))", "graph"),
])
def test_public_api_misuse_is_a_jiceng_error_naming_the_argument(sample, call, argument):
    """A wrong type for any argument of the public queries is refused up front with a jiceng
    error (the CLI's exit 2) naming the argument and what it accepts, Chinese first; never an
    AttributeError or TypeError from deep inside."""
    import pandas as pd  # noqa: F401

    from jiceng.graphmodel import JicengError
    from jiceng.queries.coverage import audit  # noqa: F401
    from jiceng.queries.diff import diff  # noqa: F401
    from jiceng.queries.isolation import isolation  # noqa: F401
    from jiceng.queries.plan import apply_plan, plan  # noqa: F401
    from jiceng.queries.reach import reach  # noqa: F401
    from jiceng.queries.whatif import whatif  # noqa: F401

    edges_before = sample.n_edges
    with pytest.raises(JicengError) as raised:
        eval(call, {**locals(), "g": sample})
    message = str(raised.value)
    assert message.startswith(argument) or f"{argument} " in message.split("（")[0], message
    chinese = message.split("（")[0]
    assert ("须为" in chinese or "应为" in chinese) and "must be" in message, message
    assert sample.n_edges == edges_before


def test_unknown_ids_suggest_the_closest(sample):
    from jiceng.queries.reach import reach
    from jiceng.queries.whatif import whatif

    with pytest.raises(UnknownNodeError) as raised:
        reach(sample, units=["UP0001"])
    assert "did you mean" in str(raised.value) and "是否指" in str(raised.value)
    suggested = str(raised.value).split("did you mean '")[1].split("'")[0]
    assert sample.nodes.set_index("id").loc[suggested, "kind"] == "unit_party"
    with pytest.raises(UnknownNodeError):
        whatif(sample, remove=["NOPE"])


# ---------------------------------------------------------------- 5/6. messages
def test_messages_are_chinese_first_and_never_markup(cli, tmp_path, workbook):
    out = tmp_path / "[red]x[/red][link=https://evil.example]y[/link].json"
    result = cli("info", workbook, "--format", "json", "--output", out)
    assert result.exit_code == 0
    assert result.stderr == f"已写入 wrote {out}\n"  # printed as it is, not as rich markup
    unknown = cli("reach", workbook, "--unit", "[b]UP[/b]")
    assert unknown.exit_code == 2 and "'[b]UP[/b]'" in unknown.stderr


CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"  # a terminal's "write this to the clipboard"
REVERSED = "\u202e\u2066\x9b\r\n伪造的一行"  # bidi override and isolate, C1, a line break


@pytest.fixture
def hostile_names(tmp_path) -> Path:
    """Two streets and their communities whose names hold terminal commands."""
    from helpers import TINY_EDGES, TINY_NODES, write_dataset_files

    nodes = [(i, k, n + CLIPBOARD if k in ("street_committee", "community_party", "unit_party")
              else n) for i, k, n in TINY_NODES]
    nodes += [("S2", "street_committee", "太慈桥街道党工委" + REVERSED),
              ("C2", "community_party", "太慈社区党委" + REVERSED)]
    edges = TINY_EDGES + [("D1", "S2", "leads"), ("S2", "C2", "leads")]
    return write_dataset_files(tmp_path / "hostile", nodes, edges)


def raw_controls(text: str) -> list[str]:
    """The characters of ``text`` a terminal would act on (line feed is a message's own)."""
    return [c for c in text if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) <= 0x9f
            or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]


def test_names_reach_the_terminal_with_their_controls_escaped(cli, tmp_path, hostile_names):
    """A node name holding a clipboard write or a bidi override is shown escaped in every
    message on stderr (an ambiguous street, "did you mean", the screen table), and kept
    unchanged in the output for programs (JSON)."""
    before = snapshot(tmp_path)
    ambiguous = cli("map", hostile_names, "--street", "街道", "--output", tmp_path / "m.html")
    assert ambiguous.exit_code == 2
    assert "'街道' 对应 2 个街道党工委" in ambiguous.stderr
    assert "油榨街道党工委\\x1b]52;c;ZXZpbA==\\x07" in ambiguous.stderr
    assert "太慈桥街道党工委\\u202e\\u2066\\x9b\\x0d\\x0a伪造的一行" in ambiguous.stderr
    assert len(ambiguous.stderr.splitlines()) == 3  # the message and its two candidates
    typo = cli("whatif", hostile_names, "--remove", "贵阳市第一中学党委x")
    assert typo.exit_code == 2 and "did you mean" in typo.stderr
    assert "UP1  贵阳市第一中学党委\\x1b]52;c;ZXZpbA==\\x07" in typo.stderr
    table = cli("whatif", hostile_names, "--remove", "UP1")
    assert table.exit_code == 0
    assert "市南路社区党委\\x1b]52;c;ZXZpbA==\\x07" in table.stdout
    for result in (ambiguous, typo, table):
        assert raw_controls(result.stderr) == [] and raw_controls(result.stdout) == []
    assert snapshot(tmp_path) == before  # the refused map left nothing behind
    data = cli("list", "streets", "--dataset", hostile_names, "--format", "json")
    assert data.exit_code == 0, data.stderr
    names = {row["id"]: row["name"] for row in json.loads(data.stdout)}
    assert names == {"S1": "油榨街道党工委" + CLIPBOARD, "S2": "太慈桥街道党工委" + REVERSED}


# ---------------------------------------------------------------- 7. the network guard
def test_the_network_guard_fires_for_any_address_but_loopback(loopback_only):
    for address in [("192.0.2.1", 80), ("example.org", 443), ("10.0.0.1", 7687),
                    ("2001:db8::1", 80)]:
        with pytest.raises(RuntimeError, match="only connect to loopback") as raised:
            socket.create_connection(address, timeout=0.1)
        assert not isinstance(raised.value, OSError)  # no code may take it for "unreachable"
    with socket.socket() as sock, pytest.raises(RuntimeError, match="only connect to loopback"):
        sock.connect_ex(("198.51.100.7", 7687))
    assert len(loopback_only) == 5
    loopback_only.clear()  # the attempts were this test's own
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=5):
            pass  # loopback stays allowed
