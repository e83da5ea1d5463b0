"""The doctests in src/ read the bundled sample through ``jiceng.loaders.read_sample``; in a
doctest it is read once per test process (reading it is tested in tests/)."""

from __future__ import annotations

import functools

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
