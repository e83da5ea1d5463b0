"""Outputs that must never lose data: an existing dataset is recognised as the reader recognises
it, a planned dataset is written before its report, a folder's two files are replaced together,
SIGTERM leaves no temporary files, and ``--apply`` refuses what jiceng would not read back before
anything is written or printed."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from tests.helpers import TINY_EDGES, TINY_NODES, write_dataset_files

from jiceng.graphmodel import OrgGraph, UnknownNodeError
from jiceng.loaders import read_dataset, write_dataset
from jiceng.loaders.limits import MAX_COLUMNS

#: The tiny city with a second unit in the street, so the plan proposes edges.
NODES = TINY_NODES + [("U2", "unit", "贵阳市第二中学"), ("UP2", "unit_party", "贵阳市第二中学党委")]
EDGES = TINY_EDGES + [("U2", "S1", "within"), ("UP2", "U2", "covers")]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden temporary files too) with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    """Temporary files and backups a write left behind."""
    return [p.name for p in root.rglob(".*") if p.is_file()]


@pytest.fixture
def city(tmp_path) -> Path:
    return write_dataset_files(tmp_path / "city", NODES, EDGES)


def workbook_with_sheets(path: Path, source: Path, nodes: str, edges: str) -> Path:
    """``source`` written as a workbook whose two sheets are called ``nodes`` and ``edges``."""
    write_dataset(read_dataset(source), path)
    book = load_workbook(path)
    book["nodes"].title, book["edges"].title = "a", "b"  # openpyxl renames NODES over nodes NODES1
    book["a"].title, book["b"].title = nodes, edges
    book.save(path)
    return path


# ---------------------------------------------------------------- one way to recognise a dataset
@pytest.mark.parametrize("sheets", [("节点", "关系"), ("NODES", "EDGES"), ("Nodes", "Edges")])
def test_a_workbook_the_reader_takes_for_a_dataset_is_never_replaced_without_force(
        cli, tmp_path, city, sheets):
    target = workbook_with_sheets(tmp_path / "x.xlsx", city, *sheets)
    assert read_dataset(target).n_nodes == len(NODES)  # the reader takes it for a dataset
    before = snapshot(tmp_path)
    for command in (["plan", city, "--apply", target],
                    ["audit", city, "--format", "xlsx", "-o", target],
                    ["list", "communities", "-d", city, "--format", "xlsx", "-o", target],
                    ["generate", target, "--scale", "0.1"]):
        result = cli(*command)
        assert result.exit_code == 2, (command, result.stderr)
        assert result.stderr.startswith(f"错误 error: 无法写入 {target}：这里已有一个数据集"), command
        assert "add --force to replace it" in result.stderr, command
        assert result.stdout == "", command
        assert snapshot(tmp_path) == before, command
    forced = cli("audit", city, "--format", "xlsx", "-o", target, "--force")
    assert forced.exit_code == 0, forced.stderr


def test_a_file_of_a_dataset_folder_is_never_replaced_without_force(cli, tmp_path, city):
    other = write_dataset_files(tmp_path / "other", NODES, EDGES)
    before = snapshot(tmp_path)
    result = cli("audit", city, "--format", "csv", "-o", other / "nodes.csv")
    assert result.exit_code == 2 and "--force" in result.stderr, result.stderr
    assert snapshot(tmp_path) == before


def test_a_report_with_sheets_named_like_a_dataset_is_no_dataset(cli, tmp_path, city):
    """``info``'s workbook has sheets 节点 and 关系 holding counts, not a header the reader takes:
    it is replaced without --force, as any report."""
    report = tmp_path / "info.xlsx"
    for _ in range(2):
        result = cli("info", city, "--format", "xlsx", "-o", report)
        assert result.exit_code == 0, result.stderr


# ---------------------------------------------------------------- the apply before the report
def test_the_planned_dataset_is_written_even_when_stdout_is_closed(tmp_path, city):
    out = tmp_path / "planned"
    process = subprocess.Popen([sys.executable, "-m", "jiceng", "plan", str(city), "--apply",
                                str(out), "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # as `| head` that has already gone
    with process.stderr:
        err = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=120) == 0, err
    assert read_dataset(out).n_edges > len(EDGES)  # the proposals are in it


# ---------------------------------------------------------------- a folder's pair replaced together
def _second_replace_fails(monkeypatch, error: BaseException) -> None:
    import jiceng.loaders.atomic as atomic

    calls = []
    replace = os.replace

    cache = os.environ["JICENG_CACHE_DIR"]

    def failing(source, target):
        if str(target).startswith(cache):  # a cache the reading wrote: not the dataset's pair
            return replace(source, target)
        calls.append(target)
        if len(calls) == 2:
            raise error
        return replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", failing)


@pytest.mark.parametrize("error, code", [(KeyboardInterrupt(), 130),
                                         (PermissionError(errno.EACCES, "Permission denied"), 2)])
def test_a_failure_between_the_two_renames_keeps_the_old_pair(cli, tmp_path, city, monkeypatch,
                                                              error, code):
    old = write_dataset_files(tmp_path / "old", TINY_NODES, TINY_EDGES)
    before = snapshot(tmp_path)
    _second_replace_fails(monkeypatch, error)
    result = cli("plan", city, "--apply", old, "--force", "--format", "json")
    assert result.exit_code == code, result.stderr
    assert snapshot(tmp_path) == before and leftovers(tmp_path) == []
    assert len(read_dataset(old).edges) == len(TINY_EDGES)


def test_a_new_folder_is_not_left_half_written(tmp_path, city, monkeypatch):
    _second_replace_fails(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_dataset(read_dataset(city), tmp_path / "new")
    assert not (tmp_path / "new" / "nodes.csv").exists()
    assert not (tmp_path / "new" / "edges.csv").exists()
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- SIGTERM
def _terminated(tmp_path: Path, patch: str, args: list[str]) -> tuple[int, str]:
    """Run jiceng with ``patch`` applied, SIGTERM it once it prints 'ready'."""
    process = subprocess.Popen([sys.executable, "-c", (
        "import os, sys, time, jiceng.loaders.atomic as atomic\n" + patch +
        "from jiceng.cli import main\n"
        f"sys.argv = ['jiceng', *{[str(a) for a in args]!r}]\nmain()\n")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert process.stdout.readline().strip() == "ready"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    return process.returncode, err


def test_sigterm_while_writing_removes_the_temporary_file(tmp_path, city):
    slow_open = ("real = open\n"
                 "def slow(path, *a, **k):\n"
                 "    handle = real(path, *a, **k)\n"
                 "    print('ready', flush=True); time.sleep(30)\n"
                 "    return handle\n"
                 "atomic.open = slow\n")
    target = tmp_path / "audit.json"
    code, err = _terminated(tmp_path, slow_open, ["audit", city, "--format", "json", "-o", target])
    assert code == 130 and err.strip() == "已中断 interrupted"
    assert not target.exists() and leftovers(tmp_path) == []


def test_sigterm_during_the_renames_waits_for_the_pair(tmp_path, city):
    """A SIGTERM arriving between the renames of nodes.csv and edges.csv ends the run once both
    are in place: the folder holds the new pair, never one new file beside one old."""
    slow_replace = ("real = os.replace\n"
                    "def slow(a, b):\n"
                    "    real(a, b)\n"
                    "    if str(b).endswith('.csv') and 'planned' in str(b):\n"
                    "        print('ready', flush=True); time.sleep(1)\n"
                    "atomic.os.replace = slow\n")
    out = write_dataset_files(tmp_path / "planned", TINY_NODES, TINY_EDGES)
    code, err = _terminated(tmp_path, slow_replace, ["plan", city, "--apply", out, "--force",
                                                     "--format", "json", "-o", "plan.json"])
    assert code == 130 and err.strip() == "已中断 interrupted"
    after = read_dataset(out)  # the pair is whole: new nodes with new edges
    assert after.n_nodes == len(NODES) and after.n_edges > len(EDGES)
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- --apply checks what it writes
def test_apply_refuses_more_columns_than_the_reader_takes_before_anything(cli, tmp_path):
    extra = [f"note{i}" for i in range(MAX_COLUMNS - 1 - 3)]  # 199 columns in all: readable
    edges = [(*edge, *[""] * len(extra)) for edge in EDGES]
    city = write_dataset_files(tmp_path / "wide", NODES, edges,
                               edge_columns=("source", "target", "kind", *extra))
    assert len(read_dataset(city).edges.columns) == MAX_COLUMNS - 1
    out = tmp_path / "planned"
    for target in (out, tmp_path / "planned.xlsx"):
        result = cli("plan", city, "--apply", target, "--format", "json")
        assert result.exit_code == 2, result.stderr
        assert result.stdout == ""  # refused before the report
        assert result.stderr.startswith(f"错误 error: {city}")
        assert "201" in result.stderr and str(MAX_COLUMNS) in result.stderr
        assert "status" in result.stderr and "need" in result.stderr
        assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wide"]


def test_apply_refuses_a_carriage_return_for_csv_in_terms_of_the_input(cli, tmp_path):
    nodes = pd.DataFrame([(i, k, "市南路\r\n社区党委" if i == "C1" else n) for i, k, n in NODES],
                         columns=["id", "kind", "name"])
    edges = pd.DataFrame(EDGES, columns=["source", "target", "kind"])
    city = write_dataset(OrgGraph.from_tables(nodes, edges), tmp_path / "city.xlsx")
    assert read_dataset(city).nodes.set_index("id").at["C1", "name"] == "市南路\r\n社区党委"
    out = tmp_path / "planned"
    result = cli("plan", city, "--apply", out, "--format", "json")
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"错误 error: {city}") and "'C1'" in result.stderr
    assert "name" in result.stderr and ".xlsx" in result.stderr
    assert str(out / "nodes.csv") not in result.stderr  # a file that does not exist
    assert result.stderr.index("回车") < result.stderr.index("carriage return")
    assert not out.exists()
    as_workbook = cli("plan", city, "--apply", tmp_path / "planned.xlsx", "--format", "json")
    assert as_workbook.exit_code == 0, as_workbook.stderr
    back = read_dataset(tmp_path / "planned.xlsx")
    assert back.nodes.set_index("id").at["C1", "name"] == "市南路\r\n社区党委"


def test_apply_plan_refuses_unknown_ids_in_an_edited_proposal_table(city):
    from jiceng.queries.plan import apply_plan, plan

    graph = read_dataset(city)
    proposals = plan(graph).proposals
    assert len(proposals) >= 2
    edited = proposals.copy()
    edited.loc[0, "unit"] = "UP20"  # typed by hand: UP2 was meant
    edited.loc[1, "target"] = "C11"
    with pytest.raises(UnknownNodeError) as raised:
        apply_plan(graph, edited)
    message = str(raised.value)
    assert "'UP20'" in message and "'C11'" in message
    assert message.index("没有") < message.index("unknown")
    assert apply_plan(graph, proposals).n_edges == graph.n_edges + len(proposals)
