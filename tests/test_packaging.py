"""What ``pip install .`` puts into site-packages: one import package, ``jiceng``, with its data."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "--quiet", "--disable-pip-version-check", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (found,) = out.glob("jiceng-*.whl")
    return found


def top_level_names(names: list[str]) -> set[str]:
    """The importable top-level names a wheel's file list installs."""
    tops = set()
    for name in names:
        first = name.split("/", 1)[0]
        if first.endswith((".dist-info", ".data")):
            continue
        tops.add(first.removesuffix(".py"))
    return tops


@pytest.mark.slow
def test_wheel_installs_one_top_level_package_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert top_level_names(names) == {"jiceng"}
    for data in ("jiceng/py.typed", "jiceng/queries/default_rules.yaml",
                 "jiceng/loaders/sample/nodes.csv", "jiceng/loaders/sample/edges.csv",
                 "jiceng/assets/map.css", "jiceng/assets/map.js"):
        assert data in names
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "jiceng = jiceng.cli:main" in entry_points


def test_top_level_names_sees_modules_and_packages():
    names = ["jiceng/__init__.py", "queries/x.py", "six.py", "jiceng-0.1.dist-info/RECORD"]
    assert top_level_names(names) == {"jiceng", "queries", "six"}


@pytest.mark.slow
def test_installed_wheel_has_no_other_names(wheel, tmp_path):
    """In a fresh venv with only the wheel (no dependencies), ``jiceng`` is found and the
    old top-level names are not."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)  # this pip installs into it (--python)
    python = env_dir / "bin" / "python"
    # without PYTHONPATH: a source tree on it would make pip think jiceng is installed already
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "--no-index", "--quiet", "--disable-pip-version-check", str(wheel)],
                   check=True, capture_output=True, env=clean)
    probe = ("import importlib.util as u; "
             "print([n for n in ('jiceng', 'queries', 'loaders', 'graphmodel') if u.find_spec(n)])")
    done = subprocess.run([python, "-I", "-c", probe], capture_output=True, text=True,
                          cwd=tmp_path, check=True)
    assert done.stdout.strip() == "['jiceng']"
    failed = subprocess.run([python, "-I", "-c", "import queries"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert failed.returncode != 0 and "ModuleNotFoundError" in failed.stderr


def test_public_api_resolves_every_name_lazily():
    probe = ("import sys, jiceng; heavy = [m for m in ('pandas', 'numpy', 'networkx') "
             "if m in sys.modules]; names = [getattr(jiceng, n) for n in jiceng.__all__]; "
             "print(heavy, len(names), jiceng.audit.__module__)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["[]", str(len(__import__("jiceng").__all__)),
                                   "jiceng.queries.coverage"]


def test_every_test_tool_is_pinned_and_every_pin_is_a_test_tool():
    """The test extras name the tools; scripts/test-requirements.txt fixes their versions, one
    pin each, so that a fresh machine judges the code with the same tools as the last run."""
    import re
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].lower()
                for spec in extras["project"]["optional-dependencies"]["test"]}
    pins = {}
    for line in (ROOT / "scripts" / "test-requirements.txt").read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            pins[name.lower()] = version
    assert set(pins) == declared
