"""The walkthrough notebook: executed end to end, committed clean, in sync, public API only."""

from __future__ import annotations

import ast
import importlib
import os
import re
import zipfile
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from jiceng.loaders import read_excel, sample_path
from jiceng.loaders.template import write_template
from jiceng.queries import audit, isolation, reach

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK = NOTEBOOKS / "walkthrough.ipynb"
SOURCE = NOTEBOOKS / "walkthrough.py"
PROJECT_PACKAGES = {"jiceng"}
#: Names the notebook may import from modules, beyond the packages' ``__all__``.
ALLOWED = {("jiceng.present.maps", "overview_map"), ("jiceng.present.maps", "street_map"),
           ("jiceng.present.maps", "reach_map"), ("jiceng.present.maps", "NetworkMap")}
#: The audit's ledger and briefing, as the notebook saves them.
LEDGER, BRIEFING = "审计台账.xlsx", "审计汇报.html"
#: Where a report says when it was made, and a workbook's own dates.
GENERATED = re.compile("(生成于 generated )".encode() + rb"\d{4}-\d{2}-\d{2}")
CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _code(notebook) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def run_notebook(folder, monkeypatch, *, dataset: str | None = None, neo4j: bool = False):
    """Execute a copy of the notebook in ``folder`` (as its working directory); the Neo4j
    section runs only when ``neo4j`` is true (and NEO4J_URI is set)."""
    if not neo4j:
        monkeypatch.delenv("NEO4J_URI", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    if dataset is not None:
        first = next(c for c in notebook.cells if c.cell_type == "code")
        assert first.source.startswith("DATASET = None")
        first.source = first.source.replace("DATASET = None", f"DATASET = {dataset!r}", 1)
    NotebookClient(notebook, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def _outputs(notebook, output_type: str | None = None):
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output_type is None or output.output_type == output_type:
                yield output


def _stdout(notebook) -> str:
    return "".join(o.text for o in _outputs(notebook, "stream") if o.name == "stdout")


def _assert_clean_run(notebook) -> None:
    assert not list(_outputs(notebook, "error"))
    stderr = [o.text for o in _outputs(notebook, "stream") if o.name == "stderr"]
    assert stderr == []  # no warnings (matplotlib fonts, pandas, ...) reach the planner


@pytest.mark.slow
def test_walkthrough_runs_on_the_sample(tmp_path, monkeypatch, sample, cli):
    notebook = run_notebook(tmp_path, monkeypatch)
    _assert_clean_run(notebook)
    stdout = _stdout(notebook)

    iso = isolation(sample)
    assert f"{len(iso.isolated)} isolated and {len(iso.fragile)} fragile communities " \
           f"out of {sample.count('community_party')}" in stdout
    flow = reach(sample, hops=2)
    assert f"{len(flow.deserts)} resource deserts" in stdout
    biggest = flow.units.sort_values(["communities", "households", "id"],
                                     ascending=[False, False, True]).iloc[0]
    assert f"removing {biggest['id']} {biggest['name']}" in stdout
    assert "skipped: NEO4J_URI is not set" in stdout

    figures = [o for o in _outputs(notebook) if "image/png" in o.get("data", {})]
    assert len(figures) == 2  # coverage by street, reach histograms
    pages = [o.data["text/html"] for o in _outputs(notebook)
             if "<iframe srcdoc=" in o.get("data", {}).get("text/html", "")]
    assert len(pages) == 1

    worst = audit(sample).ranking.sort_values("rank").iloc[-1]["street"]
    saved = tmp_path / "jiceng-output"
    assert sorted(p.name for p in saved.iterdir()) == sorted(
        [f"street-{worst}.html", LEDGER, BRIEFING])
    street_name = sample.nodes.set_index("id").loc[worst, "name"]
    assert street_name in (saved / f"street-{worst}.html").read_text(encoding="utf-8")
    assert f"saved {saved.name}/{LEDGER} and {saved.name}/{BRIEFING}" in stdout

    # the ledger and the briefing are the very files `jiceng audit` writes on the same data
    for fmt, name in (("xlsx", LEDGER), ("html", BRIEFING)):
        written = tmp_path / f"cli-{name}"
        done = cli("audit", sample_path(), "--format", fmt, "--output", written)
        assert done.exit_code == 0, done.stderr
        assert _stamp_masked(saved / name) == _stamp_masked(written)


def _stamp_masked(path: Path) -> dict[str, bytes]:
    """A report file with its time stamp masked: the date of the title block's line
    (生成于 generated 2025-01-31) and, in a workbook, the dates of docProps/core.xml; a
    workbook is compared part by part, unzipped."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            parts = {name: book.read(name) for name in book.namelist()}
    else:
        parts = {path.suffix: path.read_bytes()}
    masked = {name: GENERATED.sub(rb"\1YYYY-MM-DD", data) for name, data in parts.items()}
    if "docProps/core.xml" in masked:
        masked["docProps/core.xml"] = CORE_DATES.sub(rb"\1DATE\2", masked["docProps/core.xml"])
    return masked


@pytest.mark.slow
def test_walkthrough_runs_on_a_users_workbook(tmp_path, monkeypatch):
    """A tiny dataset of one's own (the template, at a Chinese path) goes through every step."""
    path = tmp_path / "我的数据" / "南明区.xlsx"
    write_template(path)
    graph = read_excel(path)
    notebook = run_notebook(tmp_path, monkeypatch, dataset=str(path))
    _assert_clean_run(notebook)
    stdout = _stdout(notebook)
    assert repr(graph) in "".join(o.data.get("text/plain", "") for o in _outputs(notebook)
                                  if "data" in o)
    for unit, communities in isolation(graph).single_points.items():
        assert f"removing {unit} " in stdout and ", ".join(communities) in stdout
    street = graph.nodes.loc[graph.nodes["kind"] == "street_committee", "id"].iloc[0]
    assert (tmp_path / "jiceng-output" / f"street-{street}.html").is_file()


def _neo4j_cell(notebook):
    return next(c for c in notebook.cells
                if c.cell_type == "code" and "NEO4J_URI" in c.source)


def test_neo4j_section_runs_when_a_server_is_named(tmp_path, monkeypatch):
    """With NEO4J_URI set the section is not skipped: an unreachable server is a clear error."""
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "not-a-password")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    setup = nbformat.v4.new_code_cell(
        "import os\nfrom IPython.display import display\nfrom jiceng import read_sample\n"
        "from jiceng.queries import audit\ngraph = read_sample()\nresult = audit(graph)")
    notebook.cells = [setup, _neo4j_cell(notebook)]
    client = NotebookClient(notebook, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError) as raised:
        client.execute()
    assert raised.value.ename == "BackendUnavailableError"
    assert "127.0.0.1:9" in raised.value.evalue and "not-a-password" not in str(raised.value)


@pytest.mark.neo4j
@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                    reason="NEO4J_URI not set: no Neo4j server to test against")
def test_walkthrough_on_neo4j_gives_the_same_answers(tmp_path, monkeypatch):
    """Against a live, disposable server: the notebook's Neo4j audit matches the in-process one."""
    from jiceng.graphmodel import NODE_KINDS
    from jiceng.server.neo4j import Neo4jRunner

    with Neo4jRunner(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                     os.environ.get("NEO4J_PASSWORD", "")) as runner:
        while True:  # start from an empty database, in batches a small server can take
            done = runner.run("MATCH (n) WHERE n.kind IN $kinds WITH n LIMIT 10000 "
                              "DETACH DELETE n RETURN count(*) AS deleted",
                              {"kinds": list(NODE_KINDS)})
            if int(done["deleted"].iloc[0]) == 0:
                break
    notebook = run_notebook(tmp_path, monkeypatch, neo4j=True)
    _assert_clean_run(notebook)
    assert "same answers on Neo4j as in process: True" in _stdout(notebook)


def test_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert notebook.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_notebook_is_in_sync_with_its_source():
    from_ipynb = jupytext.read(NOTEBOOK)
    from_py = jupytext.read(SOURCE)
    cells = [[(c.cell_type, c.source) for c in nb.cells] for nb in (from_ipynb, from_py)]
    assert cells[0] == cells[1]
    assert len(cells[0]) > 10


def _parse(source: str) -> ast.Module:
    # IPython magics and shell escapes are not Python; the notebook needs none, but allow them
    return ast.parse(re.sub(r"(?m)^\s*[%!].*$", "", source))


def non_public_uses(source: str) -> tuple[list[str], int]:
    """What code uses of the project beyond its public API, and how many names it imports."""
    found, imported = [], 0
    for node in ast.walk(_parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names
                      if a.name.split(".")[0] in PROJECT_PACKAGES]
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.append(f"relative import from {'.' * node.level}{node.module or ''}")
        elif isinstance(node, ast.ImportFrom) and node.module.split(".")[0] in PROJECT_PACKAGES:
            for alias in node.names:
                imported += 1
                if (node.module, alias.name) in ALLOWED:
                    continue
                # a package's own __all__ is its public API; its modules are internals
                module = importlib.import_module(node.module)
                if node.module.count(".") > 1 or alias.name not in getattr(module, "__all__", ()):
                    found.append(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            found.append(f".{node.attr}")
    return found, imported


def test_notebook_uses_only_public_names():
    source = "\n".join(_code(nbformat.read(NOTEBOOK, as_version=4)))
    found, imported = non_public_uses(source)
    assert found == []
    assert imported >= 8  # the check did see the notebook's imports


@pytest.mark.parametrize(("code", "culprit"), [
    ("from jiceng.queries.coverage import _edge_count", "jiceng.queries.coverage._edge_count"),
    ("from jiceng.queries.reach import reach_matrix", "jiceng.queries.reach.reach_matrix"),
    ("import jiceng.loaders.synthetic", "import jiceng.loaders.synthetic"),
    ("page._repr_html_()", "._repr_html_"),
    ("from .helpers import TINY_NODES", "relative import from .helpers"),
])
def test_public_names_check_catches_private_uses(code, culprit):
    assert non_public_uses(code)[0] == [culprit]
