"""How long ``jiceng site`` takes to write the pages of a city of 74 streets (the bundled sample).

    python benchmarks/site.py [--runs 3] [--target 20] [--json FILE]

Each run is a new process that reads the bundled sample (not timed), then writes its site into
a new folder with :func:`jiceng.present.site.build_site`: the audit, isolation, reach and plan
of the city once, then the city page, 11 district pages and 74 street pages, the assets and the
search index, written whole. The clock runs around ``build_site`` alone; the process's CPU time
is shown beside the wall time, since on a shared machine the two part. The table shows each
step of one run and the median of all runs against ``--target`` seconds (20 s: issue 25's bound
for the pages of a city of 74 streets); exit code 1 when the median misses it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

#: What one child process runs: read the sample, then time the site's build, step by step.
CHILD = r"""
import json, sys, time
from pathlib import Path
from jiceng.loaders import read_sample
from jiceng.present import site as package
graph = read_sample()
steps = {}
build = package.SiteContext
def timed_context(*args, **kwargs):
    start = time.perf_counter()
    context = build(*args, **kwargs)
    steps["queries"] = time.perf_counter() - start
    return context
package.SiteContext = timed_context
wall, cpu = time.perf_counter(), time.process_time()
summary = package.build_site(graph, Path(sys.argv[1]) / "site")
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
files = sum(1 for p in summary.folder.rglob("*") if p.is_file())
size = sum(p.stat().st_size for p in summary.folder.rglob("*") if p.is_file())
print(json.dumps({"seconds": wall, "cpu": cpu, "queries": steps["queries"],
                  "pages": 1 + summary.districts + summary.streets, "files": files,
                  "megabytes": size / 1e6}))
"""


def run_once() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([sys.executable, "-c", CHILD, folder], capture_output=True,
                              text=True, encoding="utf-8", check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--target", type=float, default=20.0, help="seconds (default 20)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    rows = [run_once() for _ in range(max(1, args.runs))]
    print(f"{'run':>3} {'wall s':>7} {'cpu s':>6} {'queries s':>9} {'pages':>5} {'files':>5} "
          f"{'MB':>5}")
    for i, row in enumerate(rows, 1):
        print(f"{i:>3} {row['seconds']:>7.2f} {row['cpu']:>6.2f} {row['queries']:>9.2f} "
              f"{row['pages']:>5} {row['files']:>5} {row['megabytes']:>5.1f}")
    median = statistics.median(row["seconds"] for row in rows)
    print(f"median {median:.2f} s; target {args.target:g} s: "
          f"{'met' if median <= args.target else 'MISSED'}")
    if args.json is not None:
        args.json.write_text(json.dumps({"target": args.target, "median": median, "runs": rows},
                                        indent=2) + "\n", encoding="utf-8")
    return 0 if median <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
