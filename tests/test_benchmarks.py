"""The benchmark script runs from a clean cache and the engine answers as the networkx reference.

Scale 0.3 here, so that every step's agreement is checked in each run of the suite at a cost the
suite can bear; the README's figures at scales 1, 10 and 100 are made by hand with the same
script (benchmarks/README.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ["load", "cached", "audit", "isolation", "reach2", "reach3", "plan", "cli"]


def test_benchmark_runs_and_every_answer_is_identical(tmp_path):
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scale", "0.3",
         "--cache", str(tmp_path / "cache"), "--json", str(results)],
        capture_output=True, text=True, encoding="utf-8", timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "engine s" in done.stdout and "ratio" in done.stdout  # the table was printed

    report = json.loads(results.read_text(encoding="utf-8"))
    assert report["machine"]["cpus"] >= 1
    rows = {(row["scale"], row["step"]): row for row in report["rows"]}
    assert sorted(rows) == sorted((scale, step) for scale in (0.3,) for step in STEPS)
    for (scale, step), row in rows.items():
        for side in ("engine", "reference"):
            assert "error" not in row[side], (scale, step, side, row[side])
            assert row[side]["time_s"] > 0 and row[side]["peak_mb"] > 0, (scale, step, side)
        assert row["answers"] == "identical", (scale, step)
    assert rows[(0.3, "cli")]["engine"]["startup_s"] > 0


def test_the_peer_benchmark_loads_alike_and_names_what_it_could_not_run(tmp_path):
    results = tmp_path / "peers.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "peers.py"), "--scale", "0.1", "--runs", "1",
         "--cache", str(tmp_path / "cache"), "--json", str(results)],
        capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "answers (node and edge counts): identical" in done.stdout

    (row,) = json.loads(results.read_text(encoding="utf-8"))["rows"]
    assert row["load_average_before"] is not None
    sides = row["sides"]
    assert list(sides) == ["jiceng first", "jiceng cached", "duckdb", "duckdb coded", "igraph",
                           "arrow read", "arrow coded"]
    for side in ("jiceng first", "jiceng cached", "arrow read", "arrow coded"):
        assert sides[side]["time_s"] > 0 and sides[side]["peak_mb"] > 0, sides[side]
        assert sides[side]["cpu_s"] > 0 or side == "jiceng cached", sides[side]  # it maps a file
        # the kernel's counts of resident pages are approximate (kept per CPU): /proc and
        # getrusage may differ by a few pages
        assert 0 < sides[side]["held_mb"] <= sides[side]["peak_mb"] + 2, sides[side]
    for side in ("jiceng cached", "arrow read", "arrow coded"):
        assert sides[side]["nodes"] == sides["jiceng first"]["nodes"] > 0, side
        assert sides[side]["edges"] == sides["jiceng first"]["edges"] > 0, side
    for side in ("duckdb", "duckdb coded", "igraph"):  # figures where installed, said where not
        result = sides[side]
        assert ("error" in result and "not installed" in result["error"]) or (
            result["nodes"] == sides["jiceng first"]["nodes"]
            and result["edges"] == sides["jiceng first"]["edges"]), result
