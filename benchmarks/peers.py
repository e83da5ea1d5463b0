"""Loading a dataset: jiceng's first and cached read beside DuckDB and igraph, in one run.

    pip install -r benchmarks/requirements-peers.txt   # duckdb, igraph (not jiceng's own)
    python benchmarks/peers.py --scale 10 100

For each scale the synthetic Guiyang city (``run.py``'s, kept in ``--cache``) is loaded by
each side in a fresh process, which reports its wall time, the processor time it used (user and
system, every thread), its peak memory (``ru_maxrss``), the memory it holds once loaded
(resident, what a notebook keeps while it works) and how many nodes and edges it holds (the
answers, to be identical):

    jiceng first    read_dataset(cache=False): parse, validate, code the ids, index
    jiceng cached   read_dataset from the cache an untimed first read left (docs/design.md §3.4)
    duckdb          CREATE TABLE ... AS SELECT * FROM read_csv(...) of both files, in memory,
                    every thread (no validation, no coding)
    duckdb coded    what a graph needs of the same files, in DuckDB: both read as text (ids
                    such as 007 stay text, as jiceng reads them), each node numbered by its
                    row, and each edge's two ends coded as those numbers (-1 where unknown)
                    by two joins (no validation)
    igraph          both files read by pyarrow as text, then igraph.Graph.DataFrame with the
                    node table as vertices (igraph names each vertex by its id and matches the
                    edges' ends to them; the nodes' own name column kept as ``label``)
    arrow read      both files parsed by pyarrow as text side by side, as jiceng's reader does,
                    and nothing more: the floor of any first read built on pyarrow's parser
    arrow coded     the same, then each edge's two ends coded as node rows by jiceng's id table
                    (graphmodel/idtable.py): the part of a first read no validation adds

The sides take turns ``--runs`` times and each figure is the median; the load average before
and after is recorded with the figures, since a busy machine slows every side. A side whose
package is not installed is reported as such, never left out silently. Results go to ``--json``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import (  # noqa: E402 - beside this script
    CACHE_ENV,
    ROOT,
    child_env,
    compile_package,
    ensure_dataset,
    held_mb,
    machine,
    peak_mb,
    say,
    write_json,
)

SIDES = ("jiceng first", "jiceng cached", "duckdb", "duckdb coded", "igraph", "arrow read",
         "arrow coded")


def _text_types(path: Path) -> dict:
    """Every column of a CSV file as text, its names read from the first block only."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    with pa_csv.open_csv(path) as head:
        return {name: pa.string() for name in head.schema.names}


def _arrow_tables(nodes_csv: Path, edges_csv: Path) -> list:
    """Both files parsed by pyarrow side by side, every column as text, empty cells missing."""
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow.csv as pa_csv

    def read(path: Path):
        return pa_csv.read_csv(path, read_options=pa_csv.ReadOptions(block_size=1 << 24),
                               convert_options=pa_csv.ConvertOptions(
                                   column_types=_text_types(path), strings_can_be_null=True,
                                   null_values=[""]))

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(read, (nodes_csv, edges_csv)))


def _work(side: str, dataset: Path):
    """What ``side`` does to load ``dataset``, as a function returning what it loaded (held
    while the memory it holds is measured) and its counts of nodes and edges; the side's imports
    are done here, outside the clock."""
    nodes_csv, edges_csv = dataset / "nodes.csv", dataset / "edges.csv"
    if side.startswith("jiceng"):
        from jiceng.loaders import read_dataset

        def jiceng():
            graph = read_dataset(dataset, cache=side == "jiceng cached")
            return graph, graph.n_nodes, graph.n_edges
        return jiceng
    if side.startswith("duckdb"):
        import duckdb

        plain = ["CREATE TABLE nodes AS SELECT * FROM read_csv(?)",
                 "CREATE TABLE edges AS SELECT * FROM read_csv(?)"]
        coded = ["CREATE TABLE nodes AS SELECT row_number() OVER () - 1 AS position, * "
                 "FROM read_csv(?, all_varchar = true)",
                 "CREATE TABLE edges AS SELECT * FROM read_csv(?, all_varchar = true)",
                 "CREATE TABLE ends AS SELECT coalesce(s.position, -1) AS source, "
                 "coalesce(t.position, -1) AS target FROM edges e "
                 "LEFT JOIN nodes s ON e.source = s.id LEFT JOIN nodes t ON e.target = t.id"]

        def in_duckdb():
            connection = duckdb.connect()
            for statement, path in zip(coded if side == "duckdb coded" else plain,
                                       (nodes_csv, edges_csv, None)):
                connection.execute(statement, [] if path is None else [str(path)])
            return (connection, *(connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                  for t in ("nodes", "ends" if side == "duckdb coded" else "edges")))
        return in_duckdb
    if side == "igraph":
        import igraph
        import pyarrow.csv as pa_csv

        def read(path: Path):
            return pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(
                column_types=_text_types(path))).to_pandas()

        def in_igraph():
            nodes = read(nodes_csv).rename(columns={"name": "label"})  # igraph's own: the id
            graph = igraph.Graph.DataFrame(read(edges_csv), directed=True, vertices=nodes,
                                           use_vids=False)
            return graph, graph.vcount(), graph.ecount()
        return in_igraph
    if side.startswith("arrow"):
        import pyarrow.csv  # noqa: F401 - imported outside the clock, as the other sides' are

        from jiceng.graphmodel.validate import _packed_codes

        def in_arrow():
            nodes, edges = _arrow_tables(nodes_csv, edges_csv)
            if side == "arrow coded":  # as validation codes the ends, by the id table
                codes = _packed_codes(nodes.column("id"),
                                      [edges.column(end) for end in ("source", "target")])
                if codes is None:
                    raise ValueError("ids the id table cannot take (repeated, or over 24 bytes)")
                return (nodes, edges, codes), nodes.num_rows, edges.num_rows
            return (nodes, edges), nodes.num_rows, edges.num_rows
        return in_arrow
    raise ValueError(side)


def load(side: str, dataset: Path) -> dict:
    """Load ``dataset`` as ``side`` does, in this process -> wall and processor time, peak and
    held memory, counts."""
    work = _work(side, dataset)
    start, cpu = time.perf_counter(), _cpu_s()
    loaded, nodes, edges = work()
    seconds, cpu = time.perf_counter() - start, _cpu_s() - cpu
    peak, held = peak_mb(), held_mb()  # while what was loaded is still held
    del loaded
    return {"time_s": seconds, "cpu_s": cpu, "peak_mb": peak, "held_mb": held, "nodes": nodes,
            "edges": edges}


def _cpu_s() -> float:
    """Processor time this process has used so far, user and system, every thread."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def installed(side: str) -> bool:
    module = {"duckdb": "duckdb", "duckdb coded": "duckdb", "igraph": "igraph"}.get(side)
    if module is None:
        return True
    return importlib.util.find_spec(module) is not None


def run_side(side: str, dataset: Path, workdir: Path) -> dict:
    out = workdir / "side.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--_side", side,
               "--_dataset", str(dataset), "--_out", str(out)]
    done = subprocess.run(command, env=child_env(), capture_output=True, text=True)
    if done.returncode != 0 or not out.is_file():
        return {"error": (done.stderr or "")[-2000:] or f"exit code {done.returncode}"}
    result = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return result


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def measure(dataset: Path, runs: int, workdir: Path, sides: list[str]) -> dict[str, dict]:
    """Each installed side ``runs`` times, taking turns -> side -> median figures."""
    present = [side for side in sides if installed(side)]
    found: dict[str, list[dict]] = {side: [] for side in present}
    say("  an untimed first read fills the cache …")
    run_side("jiceng cached", dataset, workdir)  # writes the cache; warms the file cache too
    for attempt in range(runs):
        for side in present:
            result = run_side(side, dataset, workdir)
            found[side].append(result)
            shown = result.get("error", "").splitlines()[-1:] or [
                f"{result['time_s']:.2f} s (processor {result['cpu_s']:.2f} s), "
                f"{result['peak_mb']:.0f} MB, held "
                + ("—" if result["held_mb"] is None else f"{result['held_mb']:.0f} MB")]
            say(f"  run {attempt + 1}: {side:<14} {shown[0]}")
    out = {}
    for side in sides:
        results = found.get(side)
        if results is None:
            out[side] = {"error": "not installed (pip install -r benchmarks/requirements-peers.txt)"}
        elif any("error" in r for r in results):
            out[side] = next(r for r in results if "error" in r)
        else:
            out[side] = {"time_s": round(statistics.median(r["time_s"] for r in results), 3),
                         "cpu_s": round(statistics.median(r["cpu_s"] for r in results), 3),
                         "peak_mb": round(statistics.median(r["peak_mb"] for r in results)),
                         "held_mb": _median_of(r["held_mb"] for r in results),
                         "times_s": [round(r["time_s"], 3) for r in results],
                         "nodes": results[0]["nodes"], "edges": results[0]["edges"]}
    return out


def _median_of(figures) -> int | None:
    known = [f for f in figures if f is not None]
    return round(statistics.median(known)) if known else None


def table(rows: list[dict]) -> str:
    lines = ["scale | side          | time s (median) | runs                 | cpu s | peak MB | "
             "held MB | nodes, edges",
             "------+---------------+-----------------+----------------------+-------+---------+-"
             "--------+-------------"]
    for row in rows:
        for side, result in row["sides"].items():
            if "error" in result:
                figures = (f"{'—':<15} | {'—':<20} | {'—':<5} | {'—':<7} | {'—':<7} | "
                           f"{result['error'].splitlines()[-1]}")
            else:
                runs = ", ".join(f"{t:.2f}" for t in result["times_s"])
                held = "—" if result["held_mb"] is None else result["held_mb"]
                figures = (f"{result['time_s']:<15.2f} | {runs:<20} | {result['cpu_s']:<5.2f} | "
                           f"{result['peak_mb']:<7} | "
                           f"{held:<7} | {result['nodes']:,}, {result['edges']:,}")
            lines.append(f"{row['scale']:<5g} | {side:<13} | {figures}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, nargs="+", default=[10.0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per side (default 3)")
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / "cache",
                        help="where generated datasets are kept (default: benchmarks/cache)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--sides", nargs="+", choices=SIDES, default=list(SIDES), metavar="SIDE",
                        help=f"sides to run (default: all of {', '.join(SIDES)}; quote the "
                             "names with a space)")
    parser.add_argument("--_side", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--_dataset", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._side:
        result = load(args._side, args._dataset)
        args._out.write_text(json.dumps(result), encoding="utf-8")
        return 0
    if not 1 <= args.runs <= 20:
        parser.error("--runs takes 1 to 20")
    compile_package()
    report = {"machine": machine(), "started": _dt.datetime.now().isoformat(timespec="seconds"),
              "rows": []}
    with tempfile.TemporaryDirectory(prefix="jiceng-peers-") as workdir:
        for scale in args.scale:
            dataset, _ = ensure_dataset(args.cache, args.seed, scale)
            caches = args.cache / "jiceng-cache"
            shutil.rmtree(caches, ignore_errors=True)
            CACHE_ENV["JICENG_CACHE_DIR"] = str(caches)
            say(f"scale {scale:g}: {dataset}")
            before = load_average()
            sides = measure(dataset, args.runs, Path(workdir), args.sides)
            report["rows"].append({"scale": scale, "load_average_before": before,
                                   "load_average_after": load_average(), "sides": sides})
    print(table(report["rows"]))
    for row in report["rows"]:
        print(f"scale {row['scale']:g}: load average before {row['load_average_before']}, "
              f"after {row['load_average_after']}")
    if args.json:
        write_json(args.json, report)
    failed = [f"{side} at scale {r['scale']:g}" for r in report["rows"]
              for side, s in r["sides"].items()
              if "error" in s and not s["error"].startswith("not installed")]
    if failed:
        print("failed: " + ", ".join(failed))
        return 1
    counts = {(r["scale"], s["nodes"], s["edges"]) for r in report["rows"]
              for s in r["sides"].values() if "error" not in s}
    same = len(counts) == len(report["rows"])
    print("answers (node and edge counts): " + ("identical" if same else "DIFFERENT"))
    return 0 if same else 1

if __name__ == "__main__":
    sys.exit(main())
