"""Benchmark the in-process engine against a plain networkx reference, on the Guiyang preset.

    python benchmarks/run.py --scale 1 10 100

For each scale the synthetic Guiyang city is generated once (``jiceng generate``) and kept
in ``--cache``. Then every step runs in a fresh Python process, first with the engine and
then with the networkx reference, and each process reports the wall time of the measured
part and its own peak memory (``ru_maxrss``):

    load        read_dataset(cache=False): read the CSV files, validate, code (reference:
                csv module into a networkx.MultiDiGraph, no validation; no target on the ratio)
    cached      read_dataset from the cache the first read left (docs/design.md §3.4), in a
                new process after an untimed one that writes the cache (reference: as load)
    audit       the 13 default coverage rules, roll-ups included        (reference_audit)
    isolation   isolated and fragile communities, components            (reference_isolation)
    reach2/3    reach of every unit at k = 2 and 3, inflow, deserts     (reference_reach)
    plan        the plan with its default options: needs met and cross-street proposals
                per kind, before/after totals included (reference: the
                integer program of tests/test_plan.py, whole city at once)
    cli         ``jiceng audit DATASET --format json`` end to end, as a user runs it
                (reference: a script that reads the CSV into networkx and runs
                reference_audit, end to end)

Apart from ``load``, ``cached`` and ``cli``, the graph is loaded (from the cache) before the
clock starts. The caches live in ``--cache``/jiceng-cache, emptied at the start of each scale. The indexes
that every query builds on first use (each node's community, street and district; the edge
rows grouped by kind) are timed apart, shown as "index s", and counted in the step's time.
The reference's ``to_networkx()`` build is timed and reported on its own, not in its time.
The answers of both sides are normalised as the tests normalise them and compared; a
table shows engine and reference time, their ratio, peak memory, the target and by how
much it is met or missed. Results go to ``--json``. Exit code 1 when an answer differs.

The reference functions are those of the test suite (``tests/reference_*.py``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

STEPS = ("load", "cached", "audit", "isolation", "reach2", "reach3", "plan", "cli")
RATIO_TARGET = 10.0  # engine at least this many times faster than the reference
RATIO_STEPS = ("audit", "isolation", "reach2", "reach3")
# Wall-time targets (seconds) by scale; the memory target applies to every engine step.
TIME_TARGETS = {100: {"load": 15.0, "cached": 1.5, "audit": 1.0, "isolation": 0.5, "reach3": 2.0, "cli": 25.0},
                10: {"plan": 60.0},
                1: {"cli": 2.0, "plan": 3.0}}
MEMORY_TARGET_MB = {100: 4096.0}
STEP_TIMEOUT = 3600  # seconds; a step that takes longer is reported as failed


# --------------------------------------------------------------------------- datasets
def dataset_path(cache: Path, seed: int, scale: float) -> Path:
    return cache / f"guiyang-seed{seed}-scale{scale:g}"


def ensure_dataset(cache: Path, seed: int, scale: float) -> tuple[Path, float | None]:
    """The cached dataset for (seed, scale), generated first if missing -> (path, seconds)."""
    path = dataset_path(cache, seed, scale)
    if (path / "nodes.csv").is_file() and (path / "edges.csv").is_file():
        return path, None
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    say(f"generating Guiyang seed {seed} scale {scale:g} into {path} …")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jiceng", "generate", "--preset", "guiyang",
                    "--seed", str(seed), "--scale", f"{scale:g}", str(partial)],
                   check=True, env=child_env(), stdout=subprocess.DEVNULL)
    partial.rename(path)
    return path, time.perf_counter() - start


#: Where the steps' processes keep the datasets' caches (set by main, per --cache).
CACHE_ENV: dict[str, str] = {}


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(CACHE_ENV)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src")] + (
        [env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def compile_package() -> None:
    """Byte-compile the package as ``pip install`` does, so that no timed process pays for
    compiling sources (a checkout run with PYTHONDONTWRITEBYTECODE would, every time)."""
    import compileall

    compileall.compile_dir(ROOT / "src" / "jiceng", quiet=1)


# ------------------------------------------------------------------ one step, in a child
def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def held_mb() -> float | None:
    """This process's resident memory now (Linux), or None where /proc cannot say."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def engine_step(step: str, dataset: Path) -> dict:
    from jiceng.loaders import read_dataset

    start = time.perf_counter()
    graph = read_dataset(dataset, cache=step != "load")
    load_s = time.perf_counter() - start
    out: dict = {"load_s": load_s}
    if step in ("load", "cached"):
        out["time_s"] = load_s
        out["answers"] = {"nodes": graph.n_nodes, "edges": graph.n_edges}
        return out
    # The indexes every query builds on first use (each node's community, street and
    # district; edge rows grouped by kind), timed apart and then added to the step's time.
    start = time.perf_counter()
    graph.places  # noqa: B018 - a cached property: build it now
    graph.edge_positions("leads")
    out["index_s"] = time.perf_counter() - start
    if step == "audit":
        from jiceng.queries.coverage import audit

        start = time.perf_counter()
        result = audit(graph)
        out["time_s"] = time.perf_counter() - start
        summary = result.summary.set_index("rule")
        out["answers"] = {rule.id: {"checked": int(summary.loc[rule.id, "checked"]),
                                    "gaps": result.gap_ids(rule.id)} for rule in result.rules}
    elif step == "isolation":
        from jiceng.queries.isolation import isolation

        start = time.perf_counter()
        result = isolation(graph)
        out["time_s"] = time.perf_counter() - start
        out["answers"] = {"isolated": result.isolated, "fragile": result.fragile,
                          "single_points": result.single_points}
    elif step in ("reach2", "reach3"):
        from jiceng.queries.reach import reach

        start = time.perf_counter()
        result = reach(graph, hops=int(step[-1]))
        out["time_s"] = time.perf_counter() - start
        out["answers"] = {
            "units": {u: [int(c), int(h)] for u, c, h in zip(
                result.units["id"], result.units["communities"], result.units["households"])},
            "deserts": result.deserts}
    elif step == "plan":
        out.update(plan_step(graph, "engine"))
    else:
        raise ValueError(step)
    out["query_s"] = out["time_s"]
    out["time_s"] += out["index_s"]
    return out


def reference_step(step: str, dataset: Path) -> dict:
    if step in ("load", "cached"):
        start = time.perf_counter()
        G = read_networkx_plainly(dataset)
        elapsed = time.perf_counter() - start
        return {"time_s": elapsed, "build_s": None,
                "answers": {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}}

    from jiceng.loaders import read_dataset

    start = time.perf_counter()
    graph = read_dataset(dataset)
    out: dict = {"load_s": time.perf_counter() - start}
    start = time.perf_counter()
    G = graph.to_networkx()
    out["build_s"] = time.perf_counter() - start
    if step == "audit":
        from jiceng.queries.rules import default_rules
        from reference_coverage import reference_audit

        rules = default_rules()
        start = time.perf_counter()
        found = reference_audit(G, rules)
        out["time_s"] = time.perf_counter() - start
        out["answers"] = {rule.id: {"checked": len(found[rule.id][0]), "gaps": found[rule.id][1]}
                          for rule in rules}
    elif step == "isolation":
        from reference_network import reference_isolation

        start = time.perf_counter()
        isolated, fragile, single = reference_isolation(G)
        out["time_s"] = time.perf_counter() - start
        out["answers"] = {"isolated": isolated, "fragile": fragile, "single_points": single}
    elif step in ("reach2", "reach3"):
        from reference_network import reference_reach

        start = time.perf_counter()
        reached = reference_reach(G, int(step[-1]))
        out["time_s"] = time.perf_counter() - start
        households = {v: int(d.get("households", 0) or 0) for v, d in G.nodes(data=True)
                      if d.get("kind") == "community_party"}
        inflow = {c for communities in reached.values() for c in communities}
        out["answers"] = {
            "units": {u: [len(c), sum(households[v] for v in c)]
                      for u, c in sorted(reached.items())},
            "deserts": sorted(set(households) - inflow)}
    elif step == "plan":
        out.update(plan_step(graph, "reference", G))
    else:
        raise ValueError(step)
    return out


def plan_step(graph, side: str, G=None) -> dict:
    """``time_s`` and ``answers`` of the plan step: per proposed kind, [needs met,
    cross-street proposals], which every optimal plan shares (the proposals themselves may
    differ between optimal plans)."""
    kinds = ("pairs_with", "part_time")
    start = time.perf_counter()
    if side == "engine":
        from jiceng.queries.plan import plan

        result = plan(graph)
        seconds = time.perf_counter() - start
        from test_plan import met_and_cross, model  # counted as the reference counts

        wants = model(graph)
        answers = {kind: list(met_and_cross(result, kind, wants[kind])) for kind in kinds}
        return {"time_s": seconds, "answers": answers}
    from test_plan import reference_plan

    answers = {kind: list(reference_plan(graph, kind, "street", G=G)) for kind in kinds}
    return {"time_s": time.perf_counter() - start, "answers": answers}


def read_networkx_plainly(dataset: Path):
    """What a networkx user writes: the csv module, one add_node/add_edge per row."""
    import csv

    import networkx as nx

    G = nx.MultiDiGraph()
    with open(dataset / "nodes.csv", encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            node = row.pop("id")
            G.add_node(node, **{k: v for k, v in row.items() if v != ""})
    with open(dataset / "edges.csv", encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            source, target = row.pop("source"), row.pop("target")
            G.add_edge(source, target, **{k: v for k, v in row.items() if v != ""})
    return G


def reference_cli_main(dataset: Path) -> None:
    """The networkx counterpart of ``jiceng audit DATASET --format json``, end to end."""
    from jiceng.queries.rules import default_rules
    from reference_coverage import reference_audit

    rules = default_rules()
    found = reference_audit(read_networkx_plainly(dataset), rules)
    json.dump({"rules": [{"id": r.id, "checked": len(found[r.id][0]), "gaps": found[r.id][1]}
                         for r in rules]}, sys.stdout, ensure_ascii=False)


def cli_step(dataset: Path, side: str) -> dict:
    """Run the whole command in a grandchild; its wall time and peak memory are the figures."""
    if side == "engine":
        command = [sys.executable, "-m", "jiceng", "audit", str(dataset), "--format", "json"]
    else:
        command = [sys.executable, str(Path(__file__).resolve()), "--_reference-cli",
                   str(dataset)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=child_env(), timeout=STEP_TIMEOUT)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}: "
                           f"{done.stderr.decode(errors='replace')[-2000:]}")
    data = json.loads(done.stdout)
    out = {"time_s": elapsed, "peak_mb": peak_mb(resource.RUSAGE_CHILDREN),
           "answers": {r["id"]: {"checked": r["checked"], "gaps": r["gaps"]}
                       for r in data["rules"]}}
    if side == "engine":  # how much of it is starting Python and importing the command
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import jiceng.cli.audit"], check=True,
                       env=child_env())
        out["startup_s"] = time.perf_counter() - start
    return out


def run_in_child(step: str, side: str, dataset: Path, out_file: Path) -> None:
    if step == "cli":
        result = cli_step(dataset, side)
    else:
        result = engine_step(step, dataset) if side == "engine" else reference_step(step, dataset)
        result["peak_mb"] = peak_mb()
    out_file.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


# ----------------------------------------------------------------------- the driver
def run_step(step: str, side: str, dataset: Path, workdir: Path) -> dict:
    out_file = workdir / f"{step}-{side}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--_step", step, "--_side", side,
               "--_dataset", str(dataset), "--_out", str(out_file)]
    say(f"  {step:<9} {side:<9} …", end="")
    start = time.perf_counter()
    try:
        done = subprocess.run(command, env=child_env(), timeout=STEP_TIMEOUT,
                              capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        say(" timed out")
        return {"error": f"timed out after {STEP_TIMEOUT} s"}
    if done.returncode != 0 or not out_file.is_file():
        say(" failed")
        return {"error": (done.stderr or "")[-3000:] or f"exit code {done.returncode}"}
    result = json.loads(out_file.read_text(encoding="utf-8"))
    out_file.unlink()
    say(f" {result['time_s']:.3f} s, {result['peak_mb']:.0f} MB peak "
        f"({time.perf_counter() - start:.0f} s in all)")
    return result


def digest(answers) -> str:
    text = json.dumps(answers, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def compare(engine: dict, reference: dict | None) -> str:
    if reference is None:
        return "not run"
    if "error" in engine or "error" in reference:
        return "error"
    if engine["answers"] == reference["answers"]:
        return "identical"
    differing = [k for k in engine["answers"]
                 if engine["answers"].get(k) != reference["answers"].get(k)]
    return "DIFFERENT: " + ", ".join(map(str, differing[:5]))


def verdicts(scale: float, step: str, engine: dict, reference: dict | None) -> list[dict]:
    """Each target that applies to this row: what it is, the figure, met or missed by how much."""
    out = []
    if "error" in engine:
        return out
    time_target = TIME_TARGETS.get(scale, {}).get(step)
    if time_target is not None:
        out.append(_verdict(f"≤ {time_target:g} s", engine["time_s"], time_target, "s"))
    memory_target = MEMORY_TARGET_MB.get(scale)
    if memory_target is not None:
        out.append(_verdict(f"≤ {memory_target / 1024:g} GB", engine["peak_mb"], memory_target,
                            "MB"))
    if step in RATIO_STEPS and reference is not None and "error" not in reference:
        ratio = reference["time_s"] / engine["time_s"]
        met = ratio >= RATIO_TARGET
        out.append({"target": f"≥ {RATIO_TARGET:g}× faster", "value": ratio, "met": met,
                    "note": "met" if met else
                    f"missed: {ratio:.1f}× (needs {RATIO_TARGET / ratio:.1f}× more)"})
    return out


def _verdict(label: str, value: float, limit: float, unit: str) -> dict:
    met = value <= limit
    over = value - limit
    note = "met" if met else f"missed by {over:.2f} {unit} ({over / limit:.0%})"
    if unit == "MB" and not met:
        note = f"missed by {over:.0f} MB ({over / limit:.0%})"
    return {"target": label, "value": value, "met": met, "note": note}


def machine() -> dict:
    import importlib.metadata as md

    memory_gb = None
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("MemTotal:"):
                    memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for package in ("jiceng", "numpy", "pandas", "pyarrow", "scipy", "networkx"):
        try:
            versions[package] = md.version(package)
        except md.PackageNotFoundError:
            versions[package] = None
    return {"host": socket.gethostname(), "cpus": os.cpu_count(), "memory_gb": memory_gb,
            "python": platform.python_version(), "platform": platform.platform(),
            "packages": versions}


def table(rows: list[dict]) -> str:
    head = ["scale", "step", "engine s", "(index s)", "ref s", "ref build s", "ratio",
            "engine MB", "ref MB", "answers", "targets"]
    lines = []
    for row in rows:
        e, r = row["engine"], row.get("reference")

        def fig(side, key, fmt):
            if side is None or "error" in side or side.get(key) is None:
                return "—" if side is None or "error" not in side else "error"
            return fmt.format(side[key])

        ratio = "—"
        if r is not None and "error" not in r and "error" not in e:
            ratio = f"{r['time_s'] / e['time_s']:.1f}×"
        targets = "; ".join(f"{v['target']}: {v['note']}" for v in row["verdicts"]) or "—"
        extra = ""
        if e.get("startup_s") is not None:
            extra = f" (start-up {e['startup_s']:.2f} s)"
        lines.append([f"{row['scale']:g}", row["step"], fig(e, "time_s", "{:.3f}") + extra,
                      fig(e, "index_s", "{:.3f}"), fig(r, "time_s", "{:.2f}"), fig(r, "build_s", "{:.2f}"), ratio,
                      fig(e, "peak_mb", "{:.0f}"), fig(r, "peak_mb", "{:.0f}"), row["answers"],
                      targets])
    widths = [max(len(str(x)) for x in column) for column in zip(head, *lines)]
    render = [" | ".join(str(x).ljust(w) for x, w in zip(line, widths)) for line in [head] + lines]
    render.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(render)


def reference_memory_mb(scale: float) -> float:
    """Peak memory of a reference step (engine graph + networkx view), measured at scale 10."""
    return 200 + 170 * scale


def available_mb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def say(message: str, end: str = "\n") -> None:
    print(message, file=sys.stderr, end=end, flush=True)


DIFF_TARGET_S = 5.0  # issue 14: diff of two generated samples in every format


def diff_benchmark(cache: Path, scale: float = 1.0) -> list[dict]:
    """``jiceng diff`` of the Guiyang samples of seeds 1 and 2, once per output format, each
    the whole command in a subprocess (wall time, reading both snapshots included)."""
    import subprocess

    old, _ = ensure_dataset(cache, 1, scale)
    new, _ = ensure_dataset(cache, 2, scale)
    rows = []
    with tempfile.TemporaryDirectory(prefix="jiceng-diff-") as workdir:
        for fmt in ("table", "json", "csv", "markdown", "html", "xlsx"):
            out = Path(workdir) / f"diff.{fmt}"
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "jiceng", "diff", str(old), str(new),
                                   "--format", fmt, "--output", str(out)], env=child_env(),
                                  capture_output=True, text=True)
            seconds = time.perf_counter() - start
            lines = out.read_text(encoding="utf-8-sig").count("\n") if fmt != "xlsx" and \
                out.exists() else None
            records = None
            if fmt == "json" and done.returncode == 0:  # complete: every list, every record
                data = json.loads(out.read_text(encoding="utf-8"))
                records = {k: len(v) for k, v in data.items() if isinstance(v, list)}
            rows.append({"format": fmt, "seconds": round(seconds, 2), "exit": done.returncode,
                         "lines": lines, "records": records, "met": seconds <= DIFF_TARGET_S})
            say(f"  diff --format {fmt}: {seconds:.1f} s (target {DIFF_TARGET_S:g} s)"
                + (f", {lines} lines" if lines is not None else "")
                + (f", records {records}" if records else ""))
    return rows


def default_json() -> Path:
    stamp = _dt.date.today().isoformat()
    return ROOT / "benchmarks" / "results" / f"{socket.gethostname()}-{stamp}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0],
                        help="scales of the Guiyang preset (default: 1)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: 1)")
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / "cache",
                        help="where generated datasets are kept (default: benchmarks/cache)")
    parser.add_argument("--json", type=Path, default=None,
                        help="results file (default: benchmarks/results/<host>-<date>.json)")
    parser.add_argument("--skip-reference", action="store_true",
                        help="time the engine only (no networkx reference, no comparison)")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS),
                        help=f"steps to run (default: all of {', '.join(STEPS)})")
    parser.add_argument("--skip-reference-above", type=float, default=None, metavar="SCALE",
                        help="run the reference only at scales up to SCALE")
    parser.add_argument("--diff", action="store_true",
                        help="time only `jiceng diff` of the samples of seeds 1 and 2 (at the "
                             "first --scale) in every format, against the 5 s target")
    parser.add_argument("--force-reference", action="store_true",
                        help="run the reference even where its networkx graph would not fit "
                             "in 60%% of the available memory (about 0.17 GB per scale unit)")
    # internal: one step in a child process
    parser.add_argument("--_step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--_side", choices=["engine", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--_dataset", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_reference-cli", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._reference_cli:
        reference_cli_main(args._reference_cli)
        return 0
    if args._step:
        run_in_child(args._step, args._side, args._dataset, args._out)
        return 0

    compile_package()
    if args.diff:
        rows = diff_benchmark(args.cache, args.scale[0])
        return 0 if all(r["exit"] == 0 for r in rows) else 1

    out_json = args.json or default_json()
    report = {"machine": machine(), "started": _dt.datetime.now().isoformat(timespec="seconds"),
              "seed": args.seed, "steps": args.steps, "datasets": {}, "rows": []}
    rows = report["rows"]
    with tempfile.TemporaryDirectory(prefix="jiceng-bench-") as workdir:
        for scale in args.scale:
            dataset, generated_s = ensure_dataset(args.cache, args.seed, scale)
            report["datasets"][f"{scale:g}"] = {"path": str(dataset), "generated_s": generated_s}
            say(f"scale {scale:g}: {dataset}")
            with_reference = not args.skip_reference and (
                args.skip_reference_above is None or scale <= args.skip_reference_above)
            need, available = reference_memory_mb(scale), available_mb()
            if with_reference and not args.force_reference and available and \
                    need > 0.6 * available:
                with_reference = False
                note = (f"reference skipped: its networkx graph needs about {need / 1024:.0f} GB "
                        f"at scale {scale:g}, more than 60% of the {available / 1024:.0f} GB "
                        f"available (--force-reference runs it anyway)")
                report["datasets"][f"{scale:g}"]["reference_skipped"] = note
                say("  " + note)
            caches = args.cache / "jiceng-cache"
            shutil.rmtree(caches, ignore_errors=True)  # every scale's first read is a first read
            CACHE_ENV["JICENG_CACHE_DIR"] = str(caches)
            for step in args.steps:
                if step == "cached":  # a first read that writes the cache, untimed
                    run_step("cached", "engine", dataset, Path(workdir))
                engine = run_step(step, "engine", dataset, Path(workdir))
                reference = (run_step(step, "reference", dataset, Path(workdir))
                             if with_reference else None)
                row = {"scale": scale, "step": step, "answers": compare(engine, reference),
                       "verdicts": verdicts(scale, step, engine, reference)}
                for side, result in (("engine", engine), ("reference", reference)):
                    if result is not None and "answers" in result:
                        result = dict(result)
                        result["answers_sha256"] = digest(result.pop("answers"))
                    row[side] = result
                rows.append(row)
                write_json(out_json, report)
    report["finished"] = _dt.datetime.now().isoformat(timespec="seconds")
    write_json(out_json, report)
    print(table(rows))
    print(f"\nresults: {out_json}")
    bad = [r for r in rows if r["answers"] not in ("identical", "not run")
           or "error" in r["engine"] or "error" in (r.get("reference") or {})]
    return 1 if bad else 0


def write_json(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(path)


if __name__ == "__main__":
    sys.exit(main())
