"""The cache of validated datasets (docs/design.md §3.4): a second read loads what the first
validated; any change to the files reads them again; a broken cache is rebuilt."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from jiceng.loaders import disk, read_dataset, write_dataset
from jiceng.loaders.cache import _SHIPPED, SAMPLE_FOLDER, load_cache
from jiceng.loaders.excel import write_excel
from jiceng.loaders.synthetic import generate

HOUR_NS = 3600 * 10**9


@pytest.fixture(scope="module")
def city():
    return generate(seed=3, scale=0.02)[0]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("JICENG_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def reads(monkeypatch):
    """How many times each reader read files: ``reads["folder"]``, ``reads["excel"]``."""
    import jiceng.loaders.excel as excel

    counts = {"folder": 0, "excel": 0}

    def counting(name, real):
        def read(path):
            counts[name] += 1
            return real(path)
        return read

    monkeypatch.setattr(disk, "read_folder", counting("folder", disk.read_folder))
    monkeypatch.setattr(excel, "read_excel", counting("excel", excel.read_excel))
    return counts


def aged(*paths) -> None:
    """Files written an hour ago, so that only what the test does next makes them recent."""
    for path in paths:
        found = path.stat()
        os.utime(path, ns=(found.st_atime_ns - HOUR_NS, found.st_mtime_ns - HOUR_NS))


@pytest.fixture
def folder(tmp_path, city, cache_dir):
    path = write_dataset(city, tmp_path / "城市")
    aged(path / "nodes.csv", path / "edges.csv")
    return path


def same(a, b) -> None:
    for left, right in [(a.nodes, b.nodes), (a.edges, b.edges), *zip(a.to_tables(), b.to_tables())]:
        pd.testing.assert_frame_equal(left, right)  # values and dtypes
    assert (a.name, a.blank_rows, a.node_rows[0]) == (b.name, b.blank_rows, b.node_rows[0])
    assert (a.node_rows[1] == b.node_rows[1]).all()
    pd.testing.assert_frame_equal(a.places, b.places)


def test_the_second_read_is_the_cache_and_the_same_graph(folder, reads, cache_dir):
    first = read_dataset(folder)
    assert reads["folder"] == 1 and len(list(cache_dir.iterdir())) == 3
    second = read_dataset(folder)
    assert reads["folder"] == 1
    same(first, second)
    from jiceng.queries import audit, isolation

    assert audit(second).to_json(by="street") == audit(first).to_json(by="street")
    assert isolation(second).to_json() == isolation(first).to_json()


def test_nothing_is_written_into_the_dataset_folder(folder):
    before = sorted(p.name for p in folder.iterdir())
    read_dataset(folder)
    read_dataset(folder)
    assert sorted(p.name for p in folder.iterdir()) == before


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _a_name(folder) -> str:
    return pd.read_csv(folder / "nodes.csv", dtype=str)["name"].iloc[-1]


def test_an_edited_cell_is_read_again(folder, reads):
    read_dataset(folder)
    name = _a_name(folder)
    _edit(folder / "nodes.csv", name, name + "新")
    assert name + "新" in read_dataset(folder).nodes["name"].tolist()
    assert reads["folder"] == 2


def test_a_same_size_edit_with_its_old_time_put_back_is_read_again(folder, reads):
    read_dataset(folder)
    path = folder / "nodes.csv"
    before = path.stat()
    name = _a_name(folder)
    changed = name[:-1] + ("甲" if name[-1] != "甲" else "乙")  # as many bytes
    _edit(path, name, changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert changed in read_dataset(folder).nodes["name"].tolist()
    assert reads["folder"] == 2


def test_a_replaced_file_is_read_again(folder, tmp_path, reads):
    read_dataset(folder)
    name = _a_name(folder)
    other = tmp_path / "other.csv"
    other.write_text((folder / "nodes.csv").read_text(encoding="utf-8").replace(name, "换过的名称"),
                     encoding="utf-8")
    aged(other)
    os.replace(other, folder / "nodes.csv")
    assert "换过的名称" in read_dataset(folder).nodes["name"].tolist()
    assert reads["folder"] == 2


def test_a_file_added_to_the_folder_reads_it_again(folder, reads):
    read_dataset(folder)
    (folder / "说明.txt").write_text("新加的文件", encoding="utf-8")
    read_dataset(folder)
    assert reads["folder"] == 2


def test_a_touched_file_is_still_the_cache_and_its_new_time_is_kept(folder, reads, monkeypatch):
    read_dataset(folder)
    aged(folder / "edges.csv")  # another time, the content as it was
    read_dataset(folder)
    assert reads["folder"] == 1
    import jiceng.loaders.cache as cache

    hashed = []
    monkeypatch.setattr(cache, "_sha256", lambda p: hashed.append(p) or "x")
    assert read_dataset(folder).n_nodes > 0 and reads["folder"] == 1
    assert hashed == []  # the key took the new time: no file is hashed again


@pytest.mark.parametrize("damage", ["truncated", "overwritten", "key missing"])
def test_a_broken_cache_is_rebuilt_never_trusted(folder, reads, cache_dir, damage):
    first = read_dataset(folder)
    nodes = next(cache_dir.glob("*.nodes.arrow"))
    if damage == "truncated":
        nodes.write_bytes(nodes.read_bytes()[: nodes.stat().st_size // 2])
    elif damage == "overwritten":
        nodes.write_bytes(b"\0" * nodes.stat().st_size)
    else:
        next(cache_dir.glob("*.json")).unlink()
    same(first, read_dataset(folder))
    assert reads["folder"] == 2
    read_dataset(folder)
    assert reads["folder"] == 2  # rebuilt whole


def test_a_cache_of_another_copy_of_the_files_is_not_used(folder, tmp_path, reads, cache_dir):
    """Two datasets never share a cache file, even with the same content."""
    read_dataset(folder)
    other = write_dataset(read_dataset(folder, cache=False), tmp_path / "copy")
    read_dataset(other)
    assert reads["folder"] == 3 and len(list(cache_dir.glob("*.json"))) == 2


def test_a_read_only_dataset_folder_and_an_unwritable_cache_folder(folder, tmp_path, reads,
                                                                   monkeypatch):
    folder.chmod(0o555)
    try:
        read_dataset(folder)
        read_dataset(folder)
        assert reads["folder"] == 1
    finally:
        folder.chmod(0o755)
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("JICENG_CACHE_DIR", str(blocked / "cache"))  # cannot be made
    assert read_dataset(folder).n_nodes == read_dataset(folder).n_nodes
    assert reads["folder"] == 3


def test_a_workbook_is_cached_and_read_again_when_it_changes(city, tmp_path, cache_dir, reads):
    book = tmp_path / "城市.xlsx"
    write_excel(city, book)
    aged(book)
    first = read_dataset(book)
    same(first, read_dataset(book))
    assert reads["excel"] == 1
    write_excel(city.without(nodes=[str(city.nodes["id"].iat[-1])]), book)
    assert read_dataset(book).n_nodes == first.n_nodes - 1 and reads["excel"] == 2


def test_a_path_spelt_otherwise_names_its_rows_as_spelt(folder, reads, monkeypatch):
    read_dataset(folder)
    monkeypatch.chdir(folder.parent)
    graph = read_dataset(folder.name)
    assert reads["folder"] == 1
    assert graph.node_rows[0] == os.path.join(folder.name, "nodes.csv")


def test_cache_false_and_no_cache_read_the_files(folder, reads, cli):
    read_dataset(folder)
    read_dataset(folder, cache=False)
    assert reads["folder"] == 2
    assert cli("--no-cache", "info", str(folder)).exit_code == 0
    assert reads["folder"] == 3 and "JICENG_NO_CACHE" not in os.environ
    assert cli("info", str(folder)).exit_code == 0
    assert reads["folder"] == 3


def test_cache_clear_removes_the_files_and_path_names_the_folder(folder, cache_dir, cli):
    read_dataset(folder)
    (cache_dir / "mine.json").write_text("{}")  # a file of the user's where the cache is
    assert cli("cache", "path").stdout.strip() == str(cache_dir)
    result = cli("cache", "clear")
    assert result.exit_code == 0 and "已删除 3 个缓存文件" in result.stderr
    assert [p.name for p in cache_dir.iterdir()] == ["mine.json"]


def test_the_shipped_sample_cache_is_the_sample(reads):
    """The package's cache of the bundled sample holds what reading its files gives, and is
    the cache of the files as they are (scripts/sample_cache.py writes it again)."""
    found = load_cache(_SHIPPED)
    assert found is not None, "run python scripts/sample_cache.py"
    from jiceng.loaders.cache import _sha256

    assert {n: f["sha256"] for n, f in found[1]["files"].items()} == {
        n: _sha256(SAMPLE_FOLDER / n) for n in ("nodes.csv", "edges.csv")}
    loaded = read_dataset(SAMPLE_FOLDER)
    assert reads["folder"] == 0
    same(read_dataset(SAMPLE_FOLDER, cache=False), loaded)


def test_the_script_that_writes_the_shipped_cache_finds_what_it_calls():
    """scripts/sample_cache.py, which the message above sends people to, still imports."""
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "sample_cache.py"
    names = runpy.run_path(str(script), run_name="imported")  # not __main__: writes nothing
    assert callable(names["read_folder"]) and callable(names["write_shipped"])
