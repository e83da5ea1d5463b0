"""How long a planner waits for the two commands run most: ``jiceng --help`` and ``jiceng audit``.

    python benchmarks/startup.py [--runs 5] [--json FILE]

Each command runs ``--runs`` times as a user runs it (a new process each time, the console
script's module, output to a pipe, the package byte-compiled as installed) after one untimed
warm-up run that fills the file cache;
the table shows the median, the fastest and the slowest wall time against the targets
(``--help`` 0.3 s, ``audit`` on the bundled sample 0.8 s), and the floor every command that
reads data stands on: Python with pandas and arrow loaded; ``audit`` is to stay within 0.25 s
of that floor. Exit code 1 when a median misses its target.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from run import child_env, compile_package  # noqa: E402 - beside this script

#: name -> (arguments after ``python -m jiceng``, target median in seconds)
COMMANDS: dict[str, tuple[list[str], float]] = {
    "help": (["--help"], 0.3),
    "audit": (["audit"], 0.8),
}
#: What a command that reads data pays before it does anything: the interpreter with pandas
#: and arrow loaded and unloaded.
FLOOR = ["-c", "import pandas, pyarrow.csv"]
#: ``jiceng audit`` of the sample (its cache shipped in the package) at most this much above
#: the floor measured in the same run (seconds).
ABOVE_FLOOR = 0.25


def time_commands(commands: list[list[str]], runs: int) -> list[list[float]]:
    """Wall times of ``runs`` fresh processes of ``python ARGUMENTS`` per command (after one
    warm-up each), the commands taking turns so that the machine's drift falls on all alike."""
    times: list[list[float]] = [[] for _ in commands]
    for attempt in range(runs + 1):
        for arguments, found in zip(commands, times):
            start = time.perf_counter()
            subprocess.run([sys.executable, *arguments], check=True, env=child_env(),
                           capture_output=True)
            if attempt:
                found.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 100:
        parser.error("--runs takes 1 to 100")
    compile_package()
    rows = []
    runs: list[tuple[str, list[str], float | None]] = [
        ("jiceng " + " ".join(arguments), ["-m", "jiceng", *arguments], target)
        for arguments, target in COMMANDS.values()]
    runs.append((f"python {FLOOR[0]} '{FLOOR[1]}' (floor)", FLOOR, None))
    for (shown, _, target), times in zip(runs, time_commands([r[1] for r in runs], args.runs)):
        median = statistics.median(times)
        rows.append({"command": shown, "runs": args.runs, "median_s": round(median, 3),
                     "min_s": round(min(times), 3), "max_s": round(max(times), 3),
                     "target_s": target, "met": None if target is None else median <= target})
    width = max(len(r["command"]) for r in rows)
    print(f"{'command':<{width}}  median   min     max     target  met")
    for r in rows:
        target = "—" if r["target_s"] is None else f"{r['target_s']:.1f}s"
        met = {None: "—", True: "yes", False: "NO"}[r["met"]]
        print(f"{r['command']:<{width}}  {r['median_s']:.3f}s  {r['min_s']:.3f}s  "
              f"{r['max_s']:.3f}s  {target:<6}  {met}")
    above = rows[1]["median_s"] - rows[-1]["median_s"]  # audit, floor
    floor_row = {"command": "jiceng audit − floor", "median_s": round(above, 3),
                 "target_s": ABOVE_FLOOR, "met": above <= ABOVE_FLOOR}
    print(f"jiceng audit − floor: {above:.3f}s (target ≤ {ABOVE_FLOOR:.2f}s): "
          + ("met" if floor_row["met"] else "NOT met"))
    rows.append(floor_row)
    if args.json:
        args.json.write_text(json.dumps({"startup": rows}, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["met"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
