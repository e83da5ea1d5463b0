"""The doctests in src/ read the bundled sample through ``jiceng.loaders.read_sample``; in a
doctest it is read once per test process (reading it is tested in tests/).

Every test process (and every process a test starts) keeps its datasets' caches in a folder of
the test session's own, never in the user's cache folder."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile

import pytest
from _pytest.doctest import DoctestItem


@functools.cache
def _sample():
    from jiceng.loaders import read_dataset, sample_path

    return read_dataset(sample_path())


@pytest.fixture(autouse=True)
def _doctests_read_the_sample_once(request, monkeypatch):
    if isinstance(request.node, DoctestItem):
        import jiceng.loaders

        monkeypatch.setattr(jiceng.loaders, "read_sample", _sample)


def pytest_configure(config):
    config._jiceng_cache = tempfile.mkdtemp(prefix="jiceng-cache-")
    os.environ["JICENG_CACHE_DIR"] = config._jiceng_cache
    os.environ.pop("JICENG_NO_CACHE", None)


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_jiceng_cache", ""), ignore_errors=True)
