"""Refresh docs/map_*.png: run the suite's screenshot test, then copy its pictures to docs/.

    python3 scripts/map_screenshots.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "tests/test_maps_browser.py::test_screenshots_of_the_three_maps"],
                   cwd=ROOT, check=True)
    for name in ("overview", "street", "reach"):
        shutil.copyfile(ROOT / "test-artifacts" / f"map_{name}.png", ROOT / "docs" / f"map_{name}.png")
        print(f"docs/map_{name}.png")
