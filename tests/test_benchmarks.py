"""The benchmark script runs from a clean cache and the engine answers as the networkx reference.

Only scale 1 here (about 40 s): scale 10 takes about 4 minutes, most of it building the
networkx view of the reference five times; it is run by hand (benchmarks/README.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STEPS = ["load", "audit", "isolation", "reach2", "reach3", "cli"]


@pytest.mark.slow
def test_benchmark_at_scale_1_runs_and_every_answer_is_identical(tmp_path):
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scale", "1",
         "--cache", str(tmp_path / "cache"), "--json", str(results)],
        capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "engine s" in done.stdout and "ratio" in done.stdout  # the table was printed

    report = json.loads(results.read_text(encoding="utf-8"))
    assert report["machine"]["cpus"] >= 1
    rows = {(row["scale"], row["step"]): row for row in report["rows"]}
    assert sorted(step for _, step in rows) == sorted(STEPS)
    for step in STEPS:
        row = rows[(1.0, step)]
        for side in ("engine", "reference"):
            assert "error" not in row[side], (step, side, row[side])
            assert row[side]["time_s"] > 0 and row[side]["peak_mb"] > 0, (step, side)
        assert row["answers"] == "identical", step
    assert rows[(1.0, "cli")]["engine"]["startup_s"] > 0
