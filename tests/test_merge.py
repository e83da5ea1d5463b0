"""jiceng merge: a city split into its street offices' files, as they would send them, and
assembled again (docs/design.md §8)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jiceng.graphmodel import NODE_KINDS, OrgGraph
from jiceng.graphmodel.schema import EDGE_KINDS
from jiceng.graphmodel.uscc import check_character
from jiceng.loaders import read_dataset, write_dataset
from jiceng.loaders.synthetic import generate
from jiceng.queries.coverage import audit
from jiceng.queries.isolation import isolation


def _uscc(number: int) -> str:
    first17 = f"91520102{number:09d}"
    return first17 + check_character(first17)


def _variant(name: str, at: int) -> str:
    """A name as another street's clerk types it: full-width brackets, a space."""
    name = name.replace("(", "（").replace(")", "）")
    return name[:2] + (" " if at % 2 else "\u3000") + name[2:]


def office_file(city: OrgGraph, street: str, out: Path, *, csv: bool = False,
                renamed: set[str] = frozenset(), extra: list[tuple] = ()) -> Path:
    """The street's part as its office sends it: every node placed in the street and the
    organisations of other streets tied to it (under variant spellings; those in ``renamed``
    under another name, known by their uscc), local ids, Chinese headings and kind labels.
    ``extra``: rows (local id, kind, name) added. A workbook, or a GB18030 CSV folder."""
    nodes, edges = city.to_tables()
    code = city.code(street)
    own = (city.places["street"].to_numpy() == code)
    own_ids = set(nodes["id"][own])
    touching = edges["source"].isin(own_ids) | edges["target"].isin(own_ids)
    tied = set(edges["source"][touching]) | set(edges["target"][touching])
    # the units of the other streets' unit Party organisations tied here, with their codes
    covered = (edges["kind"] == "covers") & edges["source"].isin(tied - own_ids)
    edges = edges[touching | covered]
    keep = own | nodes["id"].isin(set(edges["source"]) | set(edges["target"])).to_numpy()
    nodes = nodes[keep].reset_index(drop=True)
    local = {i: f"{street[-2:]}-{n + 1}" for n, i in enumerate(nodes["id"])}
    copied = ~nodes["id"].isin(own_ids)
    names = nodes["name"].to_numpy(dtype=object).copy()
    for at in np.flatnonzero(copied.to_numpy()):
        if nodes["id"].iat[at] in renamed:
            names[at] = "原" + names[at]
        else:
            names[at] = _variant(names[at], at)
    nodes = nodes.assign(id=nodes["id"].map(local), name=names)
    for row in extra:
        nodes.loc[len(nodes), ["id", "kind", "name"]] = list(row)
    edges = edges.assign(source=edges["source"].map(local), target=edges["target"].map(local))
    part = OrgGraph.from_tables(nodes.astype(str).where(nodes.notna()),
                                edges.astype(str).where(edges.notna()), name=out.name)
    if not csv:  # headings 编号/类型/名称, 起点/终点/关系, kinds by their Chinese labels
        return write_dataset(part, out, chinese=(True, True))
    nodes, edges = part.to_tables()
    nodes = nodes.assign(kind=nodes["kind"].map(lambda k: NODE_KINDS[k].zh)).rename(
        columns={"id": "编号", "kind": "类型", "name": "名称", "households": "户数"})
    edges = edges.assign(kind=edges["kind"].map(lambda k: EDGE_KINDS[k].zh)).rename(
        columns={"source": "起点", "target": "终点", "kind": "关系"})
    out.mkdir(parents=True)
    nodes.to_csv(out / "nodes.csv", index=False, encoding="gb18030")
    edges.to_csv(out / "edges.csv", index=False, encoding="gb18030")
    return out


@pytest.fixture(scope="module")
def offices(tmp_path_factory):
    """A generated city with codes on its units, and its streets' files: the first street's a
    GB18030 CSV folder, the last street sends nothing."""
    folder = tmp_path_factory.mktemp("merge")
    graph, _ = generate(seed=5, scale=0.05)
    nodes, edges = graph.to_tables()
    units = np.flatnonzero((nodes["kind"] == "unit").to_numpy())
    nodes["uscc"] = pd.array([None] * len(nodes), dtype="str")
    nodes.loc[units, "uscc"] = [_uscc(n) for n in range(len(units))]
    city = OrgGraph.from_tables(nodes.astype(str).where(nodes.notna()),
                                edges.astype(str).where(edges.notna()), name="city")
    base = write_dataset(city, folder / "city")
    city = read_dataset(base)
    streets = sorted(city.nodes["id"][city.is_kind("street_committee")])
    places = city.places["street"].to_numpy()
    renamed = set()  # units copied into another street's file under another name
    for unit in city.nodes["id"].to_numpy()[units][::3]:
        renamed.add(unit)
    files = {}
    for at, street in enumerate(streets[:-1]):
        path = folder / (f"{street}-csv" if at == 0 else f"{street}.xlsx")
        files[street] = office_file(city, street, path, csv=at == 0, renamed=renamed)
    return {"folder": folder, "base": base, "city": city, "streets": streets, "files": files,
            "places": places}


def _kinds(graph: OrgGraph) -> dict:
    return graph.nodes["kind"].astype(str).value_counts().to_dict()


def _audit(graph: OrgGraph) -> dict:
    summary = audit(graph).summary
    return {r: (c, p) for r, c, p in zip(summary["rule"], summary["checked"], summary["passing"])}


def _communities(graph: OrgGraph, ids) -> set[str]:
    names = dict(zip(graph.nodes["id"], graph.nodes["name"]))
    return {names[i] for i in ids}


@pytest.fixture(scope="module")
def merged(offices, tmp_path_factory):
    """The offices' files merged by the command (JSON on stdout; the files read one after the
    other) and by the Python API (the files read in two processes)."""
    from click.testing import CliRunner

    from jiceng import merge
    from jiceng.cli import cli

    folder = tmp_path_factory.mktemp("merged")
    files = [str(p) for p in offices["files"].values()]
    result = CliRunner().invoke(cli, ["merge", "--base", str(offices["base"]), *files,
                                      "--output", str(folder / "new"), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return {"json": json.loads(result.stdout), "graph": read_dataset(folder / "new"),
            "api": merge(str(offices["base"]), files, processes=2)}


def test_offices_files_merge_back_into_the_city(offices, merged):
    data, city, merged_graph = merged["json"], offices["city"], merged["graph"]
    assert _kinds(merged_graph) == _kinds(city)
    assert merged_graph.n_edges == city.n_edges
    assert _audit(merged_graph) == _audit(city)
    before, after = isolation(city), isolation(merged_graph)
    assert _communities(merged_graph, after.isolated) == _communities(city, before.isolated)
    assert _communities(merged_graph, after.fragile) == _communities(city, before.fragile)
    assert all(s["added"] == s["removed"] == 0 for s in data["submissions"]), data["submissions"]
    assert {s["street"] for s in data["submissions"]} == set(offices["files"])
    # the street that sent nothing keeps its part, and the report says so
    assert [u["street"] for u in data["unsent"]] == offices["streets"][-1:]
    # copies known by their code under another name: matched by uscc, the name a conflict
    by_uscc = [m for m in data["matched"] if m["by"] == "uscc"]
    assert by_uscc and all(len(m["copies"]) >= 2 for m in by_uscc)
    assert {c["attribute"] for c in data["conflicts"]} == {"name"}
    files = {str(p) for p in offices["files"].values()}
    assert set(merged_graph.nodes["submitted_by"]) == files | {str(offices["base"])}
    assert set(merged_graph.edges["submitted_by"]) == files | {str(offices["base"])}


def test_a_near_twin_stays_two_nodes_for_review_until_a_decision(offices, cli, tmp_path):
    city = offices["city"]
    street, other = offices["streets"][1], offices["streets"][0]
    places, units = offices["places"], city.is_kind("unit")
    twin = city.nodes["name"].to_numpy()[units & (places == city.code(other))][0]
    sent = office_file(city, street, tmp_path / "twin.xlsx",
                       extra=[("T-1", "unit", f"{twin}分公司")])
    new, report = tmp_path / "new", tmp_path / "合并.xlsx"
    result = cli("merge", "--base", offices["base"], sent, "--output", new, "--format", "json",
                 "--report", report)
    assert result.exit_code == 0, result.stderr
    review = json.loads(result.stdout)["review"]
    assert review and {(r["a_name"], r["b_name"], r["why"]) for r in review} == {
        (twin, f"{twin}分公司", "contains")}  # the generated city repeats some unit names
    assert read_dataset(new).count("unit") == city.count("unit") + 1
    # the report's 合并核对 sheet, filled in, is the decisions file of the next run
    from openpyxl import load_workbook

    book = load_workbook(report)
    sheet = book["合并核对"]
    header = next(r for r in sheet.iter_rows() if r[1].value and "甲" in str(r[1].value))
    column = [c.value for c in header].index("结论 (decision)")
    sheet.cell(row=header[0].row + 1, column=column + 1, value="同一")
    book.save(report)
    again = cli("merge", "--base", offices["base"], sent, "--output", new, "--force",
                "--decisions", report, "--format", "json")
    assert again.exit_code == 0, again.stderr
    data = json.loads(again.stdout)
    assert data["review"] == []
    assert {m["by"] for m in data["matched"] if m["name"] == twin} == {"decision"}
    assert read_dataset(new).count("unit") == city.count("unit")


def test_a_removal_is_counted_and_listed(offices, cli, tmp_path):
    city, street = offices["city"], offices["streets"][1]
    sent = read_dataset(offices["files"][street])
    gone = sent.nodes["id"][sent.is_kind("building")].iat[0]
    name = sent.nodes["name"][sent.is_kind("building")].iat[0]
    edges = int(((sent.edges["source"] == sent.code(gone)) |
                 (sent.edges["target"] == sent.code(gone))).sum())
    smaller = tmp_path / "smaller"
    write_dataset(sent.without(nodes=[gone]), smaller)
    result = cli("merge", "--base", offices["base"], smaller, "--output", tmp_path / "new",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    (line,) = [c for c in data["changes"] if c["table"] == "node"]
    assert (line["change"], line["name"], line["street"]) == ("removed", name, street)
    (counted,) = data["submissions"]
    assert (counted["nodes_removed"], counted["edges_removed"], counted["added"]) == (1, edges, 0)
    assert counted["removed"] == 1 + edges
    assert read_dataset(tmp_path / "new").n_nodes == city.n_nodes - 1


def test_a_conflict_lists_both_values_and_the_one_kept(offices, merged, tmp_path):
    names = dict(zip(offices["city"].nodes["id"], offices["city"].nodes["name"]))
    conflict = merged["json"]["conflicts"][0]
    original = names[conflict["id"]]
    assert conflict["values"] == [original, "原" + original]
    assert conflict["kept"] == original  # the file of its own street (or the city's) wins
    assert "所在街道" in conflict["why"]
    from jiceng.present.merge import merge_report

    shown = merge_report(merged["api"]).write(tmp_path / "merge.txt").read_text(encoding="utf-8")
    assert "属性冲突" in shown and "原" + original in shown and "保留的值" in shown


def test_an_invalid_submission_writes_nothing_and_lists_every_problem(offices, cli, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "nodes.csv").write_text("编号,类型,名称\nA,街道党工委,甲街道\nB,火星,乙\n", encoding="utf-8")
    (bad / "edges.csv").write_text("起点,终点,关系\nA,Z,领导\n", encoding="utf-8")
    worse = tmp_path / "worse.xlsx"
    pd.DataFrame({"id": ["A", "A"], "kind": ["street_committee"] * 2, "name": ["x", "y"]}) \
        .to_excel(worse, sheet_name="nodes", index=False)
    with pd.ExcelWriter(worse, mode="a", engine="openpyxl") as writer:
        pd.DataFrame({"source": ["A"], "target": ["A"], "kind": ["leads"]}).to_excel(
            writer, sheet_name="edges", index=False)
    new = tmp_path / "new"
    good = offices["files"][offices["streets"][1]]
    result = cli("merge", "--base", offices["base"], good, bad, worse, "--output", new)
    assert result.exit_code == 2
    assert sorted(tmp_path.iterdir()) == sorted([bad, worse])  # NEW not written, nothing left
    message = result.stderr
    assert "bad/nodes.csv 第 3 行 kind 列" in message  # the unknown kind 火星
    assert "bad/edges.csv 第 2 行 target 列" in message  # the unknown endpoint Z
    assert "worse.xlsx" in message and "第 3 行 id 列" in message  # the duplicate id
    assert "Traceback" not in message


def test_merge_refuses_to_replace_a_dataset_without_force(offices, cli, tmp_path):
    result = cli("merge", "--base", offices["base"], "--output", offices["base"])
    assert result.exit_code == 2 and "输入" in result.stderr
    new = tmp_path / "new"
    assert cli("merge", "--base", offices["base"], "--output", new).exit_code == 0
    again = cli("merge", "--base", offices["base"], "--output", new)
    assert again.exit_code == 2 and "--force" in again.stderr


def test_python_api_matches_the_json(merged):
    result = merged["api"]
    assert result.to_json() == merged["json"]  # the same inputs give the same ids and report
    assert list(result.to_json())[:4] == ["submissions", "matched", "review", "conflicts"]
    assert set(result.submissions.columns) >= {"file", "street", "added", "changed", "removed"}


def test_a_street_sends_its_template_back_untouched_and_nothing_changes(cli, tmp_path):
    """``template --from sample --street 太慈桥``, sent back as it is, changes nothing."""
    sent = tmp_path / "太慈桥.xlsx"
    made = cli("template", "--from", "sample", "--street", "太慈桥", sent)
    assert made.exit_code == 0, made.stderr
    result = cli("merge", "--base", "sample", sent, "--output", tmp_path / "new",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    (counted,) = json.loads(result.stdout)["submissions"]
    assert (counted["street_name"], counted["added"], counted["changed"], counted["removed"]) == (
        "太慈桥街道党工委", 0, 0, 0)
    assert json.loads(result.stdout)["changes"] == []


def test_a_wrong_check_digit_is_refused_with_its_cell(offices, cli, tmp_path):
    street = offices["streets"][1]
    sent = read_dataset(offices["files"][street])
    nodes, edges = sent.to_tables()
    row = int(np.flatnonzero(nodes["uscc"].notna().to_numpy())[0])
    good = nodes["uscc"].iat[row]
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    nodes.loc[row, "uscc"] = wrong
    folder = tmp_path / "wrong"
    folder.mkdir()
    nodes.to_csv(folder / "nodes.csv", index=False)
    edges.to_csv(folder / "edges.csv", index=False)
    new = tmp_path / "new"
    result = cli("merge", "--base", offices["base"], folder, "--output", new)
    assert result.exit_code == 2 and not new.exists()
    assert f"nodes.csv 第 {row + 2} 行 uscc 列" in result.stderr and wrong in result.stderr


def test_a_decisions_csv_is_read_and_a_bad_conclusion_refused_with_its_cell(tmp_path):
    from jiceng.graphmodel import InvalidInputError
    from jiceng.loaders.decisions import read_decisions

    good = tmp_path / "决定.csv"
    good.write_text("甲,乙,结论\nU1,N1,同一\nU2,N2,\nU3,N3,不同\n", encoding="gb18030")
    read = read_decisions(good)
    assert read[["a", "b", "decision"]].to_numpy().tolist() == [["U1", "N1", "同一"],
                                                               ["U3", "N3", "不同"]]
    bad = tmp_path / "bad.csv"
    bad.write_text("甲,乙,结论\nU1,N1,也许\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_decisions(bad)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.code) == (2, "结论", "bad_value")
