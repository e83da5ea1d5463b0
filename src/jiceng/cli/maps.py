"""``jiceng map``: interactive HTML network maps that open offline."""

from __future__ import annotations

from pathlib import Path

import click

from jiceng.cli.options import load_source, neo4j_option, progress, say, source_argument
from jiceng.loaders.neo4j import as_graph
from jiceng.maps import overview_map, reach_map, street_map
from jiceng.queries.lookup import resolve_node


@click.command("map")
@source_argument
@click.option("--overview", is_flag=True,
              help="全市一张图: districts, streets, communities marked by what is wrong there.")
@click.option("--district", metavar="ID|NAME", default=None,
              help="With --overview: only this district (id, name or part of the name).")
@click.option("--units", "with_units", is_flag=True,
              help="With --overview: draw the co-building units and their ties too.")
@click.option("--street", metavar="ID|NAME", default=None,
              help="Every node of one street (id, name or part of the name, e.g. 中华北路).")
@click.option("--reach", "unit", metavar="UNIT", default=None,
              help="One unit Party organization (id or name) and what it reaches.")
@click.option("--hops", "-k", type=click.IntRange(min=1), default=2, show_default=True,
              help="With --reach: longest path.")
@neo4j_option
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="The .html file to write (atomically); without it the page goes to stdout.")
def map_command(dataset: Path | str | None, overview: bool, district: str | None,
                with_units: bool, street: str | None, unit: str | None, hops: int,
                neo4j_uri: str | None, output: Path | None) -> None:
    """画网络图 Draw an interactive network map as one self-contained HTML file.

    The page needs no network: open it in any browser on an offline intranet. From a
    Neo4j server (bolt://host:7687 or --neo4j) the graph is read once and drawn here.

    \b
    Example:
      jiceng map --overview --output city.html
      jiceng map --overview --units --output city-units.html
      jiceng map --street 中华北路 --output street.html
      jiceng map mydata/ --street S0001 --output street.html
      jiceng map --reach UP00001 --hops 2 --output reach.html
    """
    chosen = [flag for flag, value in (("--overview", overview), ("--street", street),
                                       ("--reach", unit)) if value]
    if len(chosen) != 1:
        raise click.UsageError("choose exactly one of --overview, --street ID, --reach UNIT")
    if (district or with_units) and not overview:
        raise click.UsageError("--district and --units go with --overview")
    source = load_source(dataset, neo4j_uri)
    with progress("reading the graph"):
        graph = as_graph(source)
    with progress("drawing the map"):
        if overview:
            where = resolve_node(graph, district, ["district_committee"]) if district else None
            page = overview_map(graph, district=where, units=with_units)
        elif street:
            page = street_map(graph, resolve_node(graph, street, ["street_committee"]))
        else:
            page = reach_map(graph, resolve_node(graph, str(unit), ["unit_party"]), hops=hops)
    if output is None:
        click.echo(page.html)
        return
    page.save(output)
    say(f"wrote {output}: {page.n_nodes} nodes, {page.n_edges} edges")
