"""Commands about the network's resources: isolated, reach, whatif, diff."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from jiceng.cli.options import (
    dataset_argument,
    emit_report,
    load_graph,
    load_source,
    neo4j_option,
    output_options,
    progress,
)
from jiceng.report import Report, Section
from jiceng.loaders import read_dataset
from jiceng.queries.diff import diff as run_diff
from jiceng.queries.isolation import isolation
from jiceng.queries.reach import reach as run_reach
from jiceng.queries.rules import load_rules
from jiceng.queries.whatif import whatif as run_whatif

_hops_option = click.option("--hops", "-k", type=click.IntRange(min=1), default=2, show_default=True,
                            help="Longest path: co-building edge, then leads edges.")


@click.command()
@dataset_argument
@neo4j_option
@output_options
def isolated(dataset: Path | None, neo4j_uri: str | None, fmt: str, output: Path | None) -> None:
    """Find isolated and fragile communities and their single points of failure.

    Isolated: a community Party organization with no pairing, part-time member or
    reporting members. Fragile: all of those come from one single unit.

    \b
    Example:
      jiceng isolated
      jiceng isolated mydata/ --format json
      jiceng isolated --neo4j bolt://localhost:7687
    """
    graph, server = load_source(dataset, neo4j_uri)
    with progress("finding isolated communities"):
        if server is None:
            result = isolation(graph)
        else:
            from jiceng.queries.cypher import isolation_neo4j

            result = isolation_neo4j(server, graph=graph)
    table = result.communities
    single = pd.DataFrame([(u, c) for u, cs in result.single_points.items() for c in cs],
                          columns=["unit", "community"])
    single.insert(1, "unit_name", _names(graph, single["unit"]))
    single["community_name"] = _names(graph, single["community"])
    report = Report(
        title="孤立与脆弱社区 Isolated and fragile communities",
        dataset=graph.name,
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
            Section("by_street", "按街道 By street", result.by_street, screen=False),
            Section("components", "共建连通分量 Co-building components", result.components,
                    screen=False),
            Section("communities", "全部社区 All communities", table, screen=False),
        ],
        data=result.to_json() | {"components": len(result.components)},
    )
    emit_report(report, fmt, output)


@click.command()
@dataset_argument
@_hops_option
@click.option("--unit", "units", multiple=True, metavar="ID",
              help="Only this unit Party organization (repeatable).")
@neo4j_option
@output_options
def reach(dataset: Path | None, hops: int, units: tuple[str, ...], neo4j_uri: str | None, fmt: str,
          output: Path | None) -> None:
    """How far each unit's co-building resources reach, and which communities get none.

    reach(u, k) is every community reachable from unit u by a pairing, part-time
    member or reporting tie and then down leads edges, in at most k steps.
    Communities no unit reaches are resource deserts.

    \b
    Example:
      jiceng reach --hops 2
      jiceng reach mydata/ --unit UP00001 --format json
      jiceng reach --neo4j bolt://localhost:7687 --hops 3
    """
    graph, server = load_source(dataset, neo4j_uri)
    with progress(f"computing reach of every unit within {hops} hops"):
        if server is None:
            result = run_reach(graph, hops=hops, units=list(units) or None)
        else:
            from jiceng.queries.cypher import reach_neo4j

            result = reach_neo4j(server, hops=hops, units=list(units) or None, graph=graph)
    deserts = result.communities[result.communities["inflow"] == 0]
    top = result.units.sort_values(["communities", "households"], ascending=False).head(20)
    report = Report(
        title=f"共建资源覆盖 Reach of co-building resources (k = {hops})",
        dataset=graph.name,
        notes=[f"资源荒漠 deserts: {len(result.deserts)} · 流入基尼系数 inflow Gini: "
               f"{result.gini:.3f}"],
        sections=[
            Section("units", "单位覆盖 Reach per unit", result.units,
                    screen=bool(units)),
            Section("top_units", "覆盖最广的单位 Widest-reaching units", top, screen=not units),
            Section("deserts", "资源荒漠 Resource deserts", deserts[["id", "name", "street_name",
                                                                   "district_name", "households"]]),
            Section("communities", "社区资源流入 Inflow per community", result.communities,
                    screen=False),
            Section("by_street", "按街道 By street", result.gini_by_street, screen=False),
        ],
        data=result.to_json(),
    )
    emit_report(report, fmt, output)


@click.command()
@dataset_argument
@click.option("--remove", "remove", multiple=True, metavar="ID",
              help="Remove this node (usually a unit Party organization); repeatable.")
@click.option("--remove-edge", "remove_edges", multiple=True, type=(str, str, str),
              metavar="SOURCE TARGET KIND", help="Remove this edge (every parallel copy); repeatable.")
@_hops_option
@output_options
def whatif(dataset: Path | None, remove: tuple[str, ...], remove_edges: tuple, hops: int,
           fmt: str, output: Path | None) -> None:
    """What breaks if units withdraw: newly failing rules, isolated communities, deserts.

    \b
    Example:
      jiceng whatif --remove UP00155
      jiceng whatif mydata/ --remove-edge UP00001 C00001 pairs_with --format json
    """
    if not remove and not remove_edges:
        raise click.UsageError("give at least one --remove ID or --remove-edge SOURCE TARGET KIND")
    graph = load_graph(dataset)
    with progress("comparing before and after"):
        result = run_whatif(graph, remove=remove, remove_edges=list(remove_edges), hops=hops)
    lost = pd.DataFrame({"community": result.newly_isolated + result.newly_fragile
                         + result.new_deserts,
                         "status": ["isolated"] * len(result.newly_isolated)
                         + ["fragile"] * len(result.newly_fragile)
                         + ["desert"] * len(result.new_deserts)})
    lost.insert(1, "community_name", _names(graph, lost["community"]))
    rules = result.rules[result.rules["new_gaps"] > 0].copy()
    rules.insert(4, "change", [f"{b:.1%} → {a:.1%}" for b, a in zip(rules["before"], rules["after"])])
    report = Report(
        title="假设分析 What if: " + "、".join(result.removed),
        dataset=graph.name,
        notes=[f"新增孤立社区 newly isolated: {len(result.newly_isolated)} · 新增脆弱社区 newly "
               f"fragile: {len(result.newly_fragile)} · 新增资源荒漠 new deserts: "
               f"{len(result.new_deserts)}"],
        sections=[
            Section("communities", "受影响社区 Communities affected", lost),
            Section("rules", "规则变化 Rules before and after", rules,
                    percent=("before", "after")),
            Section("new_gaps", "新增缺口 New gaps", result.new_gaps, screen=False),
        ],
        data=result.to_json(),
    )
    emit_report(report, fmt, output)


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), default=None,
              help="A YAML rule file (default: the article's rules).")
@output_options
def diff(old: Path, new: Path, rules_file: Path | None, fmt: str, output: Path | None) -> None:
    """Compare two snapshots of a city: nodes and edges added and removed, coverage moved.

    \b
    Example:
      jiceng diff city-2024/ city-2025/
      jiceng diff old.xlsx new.xlsx --format xlsx --output changes.xlsx
    """
    rules = load_rules(rules_file)
    with progress("reading both snapshots"):
        before, after = read_dataset(old), read_dataset(new)
    result = run_diff(before, after, rules=rules)
    report = diff_report(result, f"{old} → {new}")
    emit_report(report, fmt, output)


def diff_report(result, what: str, cap: int = 20) -> Report:
    """The diff, summary first: rules and streets, then pass/fail changes, then the long lists
    (capped in people's formats; complete in JSON, CSV and xlsx)."""
    change = ("before", "after", "delta")
    streets = result.by_street.assign(_size=result.by_street["delta"].abs().fillna(1.0)).sort_values(
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
            Section("status", "达标状态变化 Pass/fail changes", result.status, cap=cap,
                    sheet="状态变化"),
            Section("nodes_added", "新增节点 Nodes added", result.nodes_added, cap=cap),
            Section("nodes_removed", "删除节点 Nodes removed", result.nodes_removed, cap=cap),
            Section("nodes_changed", "修改节点 Nodes changed", result.nodes_changed, cap=cap),
            Section("edges_added", "新增关系 Edges added", result.edges_added, cap=cap),
            Section("edges_removed", "删除关系 Edges removed", result.edges_removed, cap=cap),
        ],
        data=result.to_json(),
    )


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
