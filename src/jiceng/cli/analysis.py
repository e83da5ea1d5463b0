"""Commands about the network's resources: isolated, reach, whatif, diff."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pandas as pd

from jiceng.cli.options import (
    SOURCE,
    bounded,
    emit_report,
    load_source,
    neo4j_option,
    output_options,
    progress,
    shown,
    source_argument,
)
from jiceng.graphmodel.schema import kind_code
from jiceng.loaders.neo4j import as_graph, places_of
from jiceng.present.labels import people_text
from jiceng.present.model import Section
from jiceng.present.report import Report
from jiceng.queries import MAX_HOPS
from jiceng.queries.diff import diff as run_diff
from jiceng.queries.isolation import isolation
from jiceng.queries.lookup import resolve_node
from jiceng.queries.reach import reach as run_reach
from jiceng.queries.rules import load_rules
from jiceng.queries.whatif import whatif as run_whatif

_hops_option = click.option(
    "--hops", "-k", type=int, default=2, show_default=True, metavar=f"1..{MAX_HOPS}",
    callback=bounded(1, MAX_HOPS, "更长的路径不会多到达任何社区", "longer paths reach nothing more",
                     why_for="high"),
    help="最长路径：先一条共建关系，再沿领导关系向下（longest path: a co-building edge, then "
         "leads edges）。")


@click.command()
@source_argument
@neo4j_option
@output_options
def isolated(dataset: Path | str | None, neo4j_uri: str | None, fmt: str, output: Path | None) -> None:
    """孤立与脆弱社区：找出没有共建资源的社区和单点依赖 (Isolated and fragile communities).

    孤立：社区党组织没有结对共建、兼职委员或报到党员；脆弱：这些全部来自同一个单位。
    不给 DATASET 时使用内置的贵阳样例。

    Isolated: a community Party organization with no pairing, part-time member or
    reporting members. Fragile: all of those come from one single unit.

    \b
    Example:
      jiceng isolated
      jiceng isolated mydata/ --format json
      jiceng isolated --neo4j bolt://localhost:7687
    """
    source = load_source(dataset, neo4j_uri)
    with progress("finding isolated communities"):
        result = isolation(source)
    graph = places_of(source)
    table = result.communities
    single = pd.DataFrame([(u, c) for u, cs in result.single_points.items() for c in cs],
                          columns=["unit", "community"])
    single.insert(1, "unit_name", _names(graph, single["unit"]))
    single["community_name"] = _names(graph, single["community"])
    report = Report(
        title="孤立与脆弱社区 Isolated and fragile communities",
        dataset=source.name,
        notes=[f"孤立社区 isolated: {len(result.isolated)} · 脆弱社区 fragile: {len(result.fragile)}"
               f" · 共建连通分量 components: {len(result.components)}"],
        sections=[
            Section("isolated", "孤立社区 Isolated communities", table[table["status"] == "isolated"]
                    [["id", "name", "street", "street_name", "district_name"]]),
            Section("fragile", "脆弱社区 Fragile communities (one unit only)",
                    _with_names(graph, table[table["status"] == "fragile"]
                                [["id", "name", "street_name", "ties", "single_point"]],
                                "single_point")),
            Section("single_points", "单点依赖 Single points of failure", single, screen=False,
                    sheet="单点依赖"),
            Section("by_street", "按街道（孤立、脆弱占比高的在前）By street, weakest first",
                    _worst_first(result.by_street, ["isolated_share", "fragile_share"],
                                 [False, False]), screen=False, sheet="按街道"),
            Section("components", "共建连通分量 Co-building components", result.components,
                    screen=False),
            Section("communities", "全部社区（孤立、脆弱的在前）All communities, weakest first",
                    _worst_first(_with_names(graph, table, "single_point"), ["status"], [True],
                                 key=lambda status: status.map(_STATUS_ORDER)), screen=False,
                    sheet="全部社区"),
        ],
        data=lambda: result.to_json() | {"components": len(result.components)},
    )
    emit_report(report, fmt, output)


@click.command()
@source_argument
@_hops_option
@click.option("--unit", "units", multiple=True, metavar="ID",
              help="只看这个单位党组织，可重复（only this unit Party organization; repeatable）。")
@neo4j_option
@output_options
def reach(dataset: Path | str | None, hops: int, units: tuple[str, ...], neo4j_uri: str | None, fmt: str,
          output: Path | None) -> None:
    """共建资源覆盖：每个单位的资源能到达多远，哪些社区得不到 (Reach of co-building resources).

    单位经结对共建、兼职委员或报到党员关系，再沿领导关系向下，k 步之内到达的社区；
    没有任何单位到达的社区是“资源荒漠”。

    reach(u, k) is every community reachable from unit u by a pairing, part-time
    member or reporting tie and then down leads edges, in at most k steps.
    Communities no unit reaches are resource deserts.

    \b
    Example:
      jiceng reach --hops 2
      jiceng reach mydata/ --unit UP00001 --format json
      jiceng reach --neo4j bolt://localhost:7687 --hops 3
    """
    source = load_source(dataset, neo4j_uri)
    with progress(f"computing reach of every unit within {hops} hops"):
        result = run_reach(source, hops=hops, units=list(units) or None)
    deserts = result.communities[result.communities["inflow"] == 0]
    top = result.units.sort_values(["communities", "households"], ascending=False).head(20)
    report = Report(
        title=f"共建资源覆盖 Reach of co-building resources (k = {hops})",
        dataset=source.name,
        notes=[f"资源荒漠 deserts: {len(result.deserts)} · 流入基尼系数 inflow Gini: "
               f"{result.gini:.3f}"],
        sections=[  # the thinnest first, so that what a capped list leaves out is the healthy
            Section("deserts", "资源荒漠 Resource deserts", deserts[["id", "name", "street_name",
                                                                   "district_name", "households"]]),
            Section("by_street", "按街道（资源荒漠多、流入少的在前）By street, thinnest first",
                    _worst_first(result.gini_by_street, ["deserts", "mean_inflow"],
                                 [False, True]), screen=False, sheet="按街道"),
            Section("top_units", "覆盖最广的单位 Widest-reaching units", top, screen=not units),
            Section("communities", "社区资源流入（少的在前）Inflow per community, least first",
                    _worst_first(result.communities, ["inflow"], [True]), screen=False,
                    sheet="社区资源流入"),
            Section("units", "单位覆盖 Reach per unit", result.units, screen=bool(units),
                    html=bool(units)),
        ],
        data=result.to_json,
    )
    emit_report(report, fmt, output)


@click.command()
@source_argument
@click.option("--remove", "remove", multiple=True, metavar="ID|NAME",
              help="移除这个节点（通常是单位党组织），编号或名称，可重复（remove this node, usually "
                   "a unit Party organization, by id or name; repeatable）。")
@click.option("--remove-edge", "remove_edges", multiple=True, type=(str, str, str),
              metavar="SOURCE TARGET KIND",
              help="移除这条关系（所有平行副本），两端为编号或名称，类型为代码或中文名，可重复"
                   "（remove this edge, every parallel copy: ends by id or name, the kind by code "
                   "or Chinese label; repeatable）。")
@_hops_option
@neo4j_option
@output_options
def whatif(dataset: Path | str | None, remove: tuple[str, ...], remove_edges: tuple, hops: int,
           neo4j_uri: str | None, fmt: str, output: Path | None) -> None:
    """假设分析：若单位退出或关系断开，哪些规则新失守、哪些社区变孤立 (What if units withdraw).

    What breaks if units withdraw: newly failing rules, isolated communities, deserts.

    On a Neo4j server the graph is read once and compared in process; the server is
    not changed.

    \b
    Example:
      jiceng whatif --remove UP00155
      jiceng whatif mydata/ --remove-edge UP00001 C00001 pairs_with --format json
      jiceng whatif --neo4j bolt://localhost:7687 --remove UP00155
    """
    if not remove and not remove_edges:
        raise click.UsageError("至少给出一个 --remove ID 或 --remove-edge SOURCE TARGET KIND"
                               "（give at least one --remove ID or --remove-edge SOURCE TARGET KIND）")
    source = load_source(dataset, neo4j_uri)
    with progress("comparing before and after"):
        graph = as_graph(source)  # names are resolved, and what-if counted, on the whole graph
        nodes = [resolve_node(graph, r) for r in remove]
        edges = [(resolve_node(graph, s), resolve_node(graph, t), kind_code(k, edges=True) or k)
                 for s, t, k in remove_edges]
        result = run_whatif(graph, remove=nodes, remove_edges=edges, hops=hops)
    lost = pd.DataFrame({"community": result.newly_isolated + result.newly_fragile
                         + result.new_deserts,
                         "status": ["isolated"] * len(result.newly_isolated)
                         + ["fragile"] * len(result.newly_fragile)
                         + ["desert"] * len(result.new_deserts)})
    lost.insert(1, "community_name", _names(graph, lost["community"]))
    rules = result.rules[result.rules["new_gaps"] > 0].copy()
    rules.insert(4, "change", [f"{b:.1%} → {a:.1%}" for b, a in zip(rules["before"], rules["after"])])
    report = Report(
        title="假设分析 What if: " + "、".join(
            [_named(graph, n) for n in nodes]
            + [f"{_named(graph, s)} → {_named(graph, t)}（{people_text('kind', k)} {k}）"
               for s, t, k in edges]),
        dataset=source.name,
        notes=[f"新增孤立社区 newly isolated: {len(result.newly_isolated)} · 新增脆弱社区 newly "
               f"fragile: {len(result.newly_fragile)} · 新增资源荒漠 new deserts: "
               f"{len(result.new_deserts)}"],
        sections=[
            Section("communities", "受影响社区 Communities affected", lost),
            Section("rules", "规则变化 Rules before and after", rules,
                    percent=("before", "after")),
            Section("new_gaps", "新增缺口 New gaps", result.new_gaps, screen=False),
        ],
        data=result.to_json,
    )
    emit_report(report, fmt, output)


@click.command()
@click.argument("old", type=SOURCE)
@click.argument("new", type=SOURCE)
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), default=None,
              help="YAML 规则文件，默认为文章中的规则（a YAML rule file; default: the article's "
                   "rules）。")
@output_options
def diff(old: Path | str, new: Path | str, rules_file: Path | None, fmt: str, output: Path | None) -> None:
    """变化对比：两期数据之间增删的节点和关系、覆盖率的变化 (Compare two snapshots).

    Compare two snapshots of a city: nodes and edges added and removed, coverage moved.

    OLD and NEW are datasets, or Neo4j servers (bolt://host:7687): e.g. what a dataset
    would change on the shared server.

    \b
    Example:
      jiceng diff city-2024/ city-2025/
      jiceng diff old.xlsx new.xlsx --format xlsx --output changes.xlsx
      jiceng diff bolt://localhost:7687 city-2025/
    """
    rules = load_rules(rules_file)
    with progress("reading both snapshots"):
        before, after = load_source(old), load_source(new)
    result = run_diff(before, after, rules=rules)
    report = diff_report(result, f"{shown(old)} → {shown(new)}")
    emit_report(report, fmt, output)


def diff_report(result, what: str, cap: int = 20) -> Report:
    """The diff, summary first: rules and streets, then pass/fail changes, then the long lists
    (capped in people's formats; complete in JSON, CSV and xlsx)."""
    change = ("before", "after", "delta")
    titles = dict(zip(result.coverage["rule"], result.coverage["title_zh"]))

    def titled(frame: pd.DataFrame) -> pd.DataFrame:  # the rule's title beside its id
        return frame.assign(title_zh=frame["rule"].map(titles))[
            ["rule", "title_zh", *frame.columns.drop("rule")]]

    streets = titled(result.by_street)
    streets = streets.assign(_size=streets["delta"].abs().fillna(1.0)).sort_values(
        ["_size", "rule", "street"], ascending=[False, True, True], kind="stable").drop(
        columns="_size").reset_index(drop=True)
    n_changed = result.nodes_changed["id"].nunique() if len(result.nodes_changed) else 0
    return Report(
        title=f"变化对比 Changes: {what}",
        notes=["无变化 no change" if result.unchanged else
               f"节点 nodes 新增 +{len(result.nodes_added):,} 删除 −{len(result.nodes_removed):,} "
               f"修改 ~{n_changed:,} · 关系 edges 新增 +{int(result.edges_added['count'].sum()):,} "
               f"删除 −{int(result.edges_removed['count'].sum()):,} · 达标状态变化 pass/fail changes "
               f"{len(result.status):,}"],
        sections=[
            Section("coverage", "规则覆盖率变化 Coverage per rule", result.coverage,
                    percent=change, sheet="规则变化"),
            Section("by_street", "街道覆盖率变化（变化最大在前）Coverage moved by street", streets,
                    percent=change, cap=cap, sheet="街道变化"),
            Section("status", "达标状态变化 Pass/fail changes", titled(result.status), cap=cap,
                    sheet="状态变化"),
            Section("nodes_added", "新增节点 Nodes added", result.nodes_added, cap=cap),
            Section("nodes_removed", "删除节点 Nodes removed", result.nodes_removed, cap=cap),
            Section("nodes_changed", "修改节点 Nodes changed", result.nodes_changed, cap=cap,
                    people=_kinds_labelled(result.nodes_changed)),
            Section("edges_added", "新增关系 Edges added", result.edges_added, cap=cap),
            Section("edges_removed", "删除关系 Edges removed", result.edges_removed, cap=cap),
        ],
        data=lambda: result.to_json(frames=True),
    )


_STATUS_ORDER = {"isolated": 0, "fragile": 1, "connected": 2}


def _worst_first(table: pd.DataFrame, by: list[str], ascending: list[bool], key=None
                 ) -> pd.DataFrame:
    """``table`` sorted by ``by`` (through ``key``, as pandas sorts), ties in the order they
    were (by id): the rows a capped list shows are the ones that need work."""
    return table.sort_values(by, ascending=ascending, kind="stable", na_position="last",
                             key=key).reset_index(drop=True)


def _kinds_labelled(changed: pd.DataFrame) -> pd.DataFrame:
    """A diff's changed attributes with a changed kind's codes by their Chinese labels."""
    kinds = (changed["what"] == "kind").to_numpy(dtype=bool)
    if not kinds.any():
        return changed
    out = changed.copy()
    for column in ("before", "after"):
        values = np.array(out[column], dtype=object)
        values[kinds] = [people_text("kind", str(v)) for v in values[kinds]]
        out[column] = values
    return out


def _named(graph, node_id: str) -> str:
    """A node as people read it: its name, then its id."""
    return f"{_names(graph, [node_id])[0]} {node_id}"


def _names(graph, ids) -> list:
    """The names of node ids (ids not in the graph get an empty name)."""
    ids = [str(i) for i in ids]
    if not ids:
        return []
    known = graph.nodes["id"].isin(ids) if len(ids) < 1000 else None
    if known is not None:
        table = graph.nodes.loc[known, ["id", "name"]]
    else:
        table = graph.nodes[["id", "name"]]
    lookup = dict(zip(table["id"].astype(str), table["name"]))
    return [lookup.get(i, "") for i in ids]


def _with_names(graph, frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``frame`` with ``<column>_name`` beside the id column."""
    out = frame.copy()
    out.insert(list(out.columns).index(column) + 1, f"{column}_name",
               _names(graph, out[column].fillna("")))
    return out
