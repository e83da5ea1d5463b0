"""Commands about the network's resources: isolated, reach, whatif, diff."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import (
    SOURCE,
    bounded,
    emit_report,
    load_source,
    output_options,
    place_options,
    progress,
    snapshot_named,
    snapshot_shown,
    source_options,
)
from jiceng.graphmodel.schema import kind_code
from jiceng.present.diff import diff_report
from jiceng.present.isolation import isolation_report
from jiceng.present.reach import reach_report
from jiceng.present.scope import place_isolation_report, place_reach_report
from jiceng.present.whatif import whatif_report
from jiceng.queries import MAX_HOPS
from jiceng.queries.diff import diff as run_diff
from jiceng.queries.isolation import isolation
from jiceng.queries.lookup import resolve_node
from jiceng.queries.reach import reach as run_reach
from jiceng.queries.rules import load_rules
from jiceng.queries.scope import resolve_place, scope_isolation, scope_reach
from jiceng.queries.sources import as_graph, places_of
from jiceng.queries.whatif import whatif as run_whatif

_hops_option = click.option(
    "--hops", "-k", type=int, default=2, show_default=True, metavar=f"1..{MAX_HOPS}",
    callback=bounded(1, MAX_HOPS, "更长的路径不会多到达任何社区", "longer paths reach nothing more",
                     why_for="high"),
    help="最长路径：先一条共建关系，再沿领导关系向下（longest path: a co-building edge, then "
         "leads edges）。")


@click.command()
@place_options
@source_options
def isolated(dataset: Path | str | None, street: str | None, district: str | None,
             neo4j_uri: str | None, fmt: str, output: Path | None) -> None:
    """孤立与脆弱社区：找出没有共建资源的社区和单点依赖 (Isolated and fragile communities).

    孤立：社区党组织没有结对共建、兼职委员或报到党员；脆弱：这些全部来自同一个单位。
    不给 DATASET 时使用内置的贵阳样例。

    Isolated: a community Party organization with no pairing, part-time member or
    reporting members. Fragile: all of those come from one single unit.

    \b
    Example:
      jiceng isolated
      jiceng isolated mydata/ --format json
      jiceng isolated --street 太慈桥
      jiceng isolated --neo4j bolt://localhost:7687
    """
    source = load_source(dataset, neo4j_uri)
    place = resolve_place(source, street=street, district=district)
    with progress("正在查找孤立与脆弱社区 finding isolated communities"):
        result = isolation(source)
    if place is None:
        report = isolation_report(result, graph=places_of(source), dataset=source.name)
    else:
        report = place_isolation_report(scope_isolation(result, place), place,
                                        graph=places_of(source), dataset=source.name)
    emit_report(report, fmt, output)


@click.command()
@_hops_option
@click.option("--unit", "units", multiple=True, metavar="ID",
              help="只看这个单位党组织，可重复（only this unit Party organization; repeatable）。")
@place_options
@source_options
def reach(dataset: Path | str | None, hops: int, units: tuple[str, ...], street: str | None,
          district: str | None, neo4j_uri: str | None, fmt: str, output: Path | None) -> None:
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
      jiceng reach --district 南明 --format xlsx --output 南明.xlsx
      jiceng reach --neo4j bolt://localhost:7687 --hops 3
    """
    source = load_source(dataset, neo4j_uri)
    place = resolve_place(source, street=street, district=district)
    with progress(f"正在计算每个单位 {hops} 步之内的覆盖 computing reach of every unit within "
                  f"{hops} hops"):
        result = run_reach(source, hops=hops, units=list(units) or None)
    if place is None:
        report = reach_report(result, dataset=source.name, units=bool(units))
    else:
        report = place_reach_report(scope_reach(result, place), place, dataset=source.name,
                                    units=bool(units))
    emit_report(report, fmt, output)


@click.command()
@click.option("--remove", "remove", multiple=True, metavar="ID|NAME",
              help="移除这个节点及其全部关系（通常是单位党组织），编号或名称，可重复（remove this "
                   "node and all its edges, usually a unit Party organization, by id or name; "
                   "repeatable）。")
@click.option("--withdraw", "withdraw", multiple=True, metavar="UNIT",
              help="撤出这个单位的共建关系（结对共建、兼职委员、在职党员报到），单位和党组织保留；"
                   "单位或单位党组织的编号或名称，单位代表其党组织，可重复（withdraw this unit's "
                   "co-building ties only, the unit and its Party organization stay: a unit or unit "
                   "Party organization by id or name, a unit standing for its Party organization; "
                   "repeatable）。")
@click.option("--remove-edge", "remove_edges", multiple=True, type=(str, str, str),
              metavar="SOURCE TARGET KIND",
              help="移除这条关系（所有平行副本），两端为编号或名称，类型为代码或中文名，可重复"
                   "（remove this edge, every parallel copy: ends by id or name, the kind by code "
                   "or Chinese label; repeatable）。")
@_hops_option
@source_options
def whatif(dataset: Path | str | None, remove: tuple[str, ...], withdraw: tuple[str, ...],
           remove_edges: tuple, hops: int, neo4j_uri: str | None, fmt: str,
           output: Path | None) -> None:
    """假设分析：若单位退出或关系断开，哪些社区失去资源、哪些规则新失守 (What if units withdraw).

    先列出资源流入减少的社区（之前 → 之后）及户数，再列新增孤立、脆弱社区和资源荒漠，
    最后是新增和消除的规则缺口。--withdraw 只撤出单位的共建关系，--remove 移除整个节点。

    What the communities lose when units withdraw (--withdraw: only their co-building
    ties) or nodes are removed (--remove: the node and its edges): the communities whose
    inflow drops, before → after, with their households; new isolated and fragile
    communities and deserts; rule gaps opened and closed.

    On a Neo4j server the graph is read once and compared in process; the server is
    not changed.

    \b
    Example:
      jiceng whatif --withdraw UP00553
      jiceng whatif --remove UP00155
      jiceng whatif mydata/ --remove-edge UP00001 C00001 pairs_with --format json
      jiceng whatif --neo4j bolt://localhost:7687 --withdraw UP00155
    """
    if not remove and not remove_edges and not withdraw:
        raise click.UsageError("至少给出一个 --withdraw UNIT、--remove ID 或 --remove-edge SOURCE "
                               "TARGET KIND（give at least one --withdraw UNIT, --remove ID or "
                               "--remove-edge SOURCE TARGET KIND）")
    source = load_source(dataset, neo4j_uri)
    with progress("正在比较前后 comparing before and after"):
        graph = as_graph(source)  # names are resolved, and what-if counted, on the whole graph
        nodes = [resolve_node(graph, r) for r in remove]
        edges = [(resolve_node(graph, s), resolve_node(graph, t), kind_code(k, edges=True) or k)
                 for s, t, k in remove_edges]
        units = [_resolve_unit(graph, u) for u in withdraw]
        result = run_whatif(graph, remove=nodes, remove_edges=edges, withdraw=units, hops=hops)
    report = whatif_report(result, graph=graph, dataset=source.name, remove=nodes,
                           remove_edges=edges, withdraw=result.withdrawn)
    emit_report(report, fmt, output)


def _resolve_unit(graph, text: str) -> str:
    """A unit or unit Party organization by id or name (a unit stands for its Party
    organization); a part of a name that fits a unit and its Party organization (a unit's name
    is part of its 党委's) names the Party organization. "Did you mean" lists both kinds."""
    from jiceng.graphmodel import AmbiguousNodeError

    try:
        return resolve_node(graph, text, ["unit_party", "unit"])
    except AmbiguousNodeError:
        return resolve_node(graph, text, ["unit_party"])


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
    with progress("正在读取两期数据 reading both snapshots"):
        before, after = load_source(old), load_source(new)
    result = run_diff(before, after, rules=rules)
    report = diff_report(result, what=f"{snapshot_named(old)} → {snapshot_named(new)}")
    report.dataset = f"{snapshot_shown(old)} → {snapshot_shown(new)}"
    emit_report(report, fmt, output)


