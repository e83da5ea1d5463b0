"""Small builders for hand-made datasets written as real files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

#: Debian's Chromium, as the browser tests launch it, cut off from everything but the page.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (playwright's ``Browser``) for one test module; the test is skipped
    where Debian's chromium is not installed."""
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def write_dataset_files(folder: Path, nodes: list[tuple], edges: list[tuple], *,
                        node_columns=("id", "kind", "name"),
                        edge_columns=("source", "target", "kind"),
                        encoding: str = "utf-8") -> Path:
    """Write ``nodes.csv`` and ``edges.csv`` from tuples; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(nodes, columns=list(node_columns)).to_csv(folder / "nodes.csv", index=False,
                                                           encoding=encoding)
    pd.DataFrame(edges, columns=list(edge_columns)).to_csv(folder / "edges.csv", index=False,
                                                           encoding=encoding)
    return folder


#: A tiny valid city: one street with one community, a grid with its branch, a unit.
TINY_NODES = [
    ("D1", "district_committee", "南明区委"),
    ("S1", "street_committee", "油榨街道党工委"),
    ("C1", "community_party", "市南路社区党委"),
    ("G1", "grid", "第一网格"),
    ("GB1", "grid_branch", "第一网格党支部"),
    ("U1", "unit", "贵阳市第一中学"),
    ("UP1", "unit_party", "贵阳市第一中学党委"),
]
TINY_EDGES = [
    ("D1", "S1", "leads"),
    ("S1", "C1", "leads"),
    ("G1", "C1", "within"),
    ("GB1", "G1", "covers"),
    ("C1", "GB1", "leads"),
    ("U1", "S1", "within"),
    ("UP1", "U1", "covers"),
    ("UP1", "C1", "pairs_with"),
]


def assert_same_graph(expected, actual) -> None:
    """Same nodes and edges with the same attributes, whatever their order."""
    for old, new in zip(expected.to_tables(), actual.to_tables()):
        assert sorted(old.columns) == sorted(new.columns)
        columns = sorted(old.columns)
        old = old[columns].sort_values(columns).reset_index(drop=True)
        new = new[columns].sort_values(columns).reset_index(drop=True)
        pd.testing.assert_frame_equal(old, new, check_dtype=False, check_categorical=False)
