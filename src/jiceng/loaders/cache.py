"""A cache of validated datasets: read a dataset's files once, then load its tables from Arrow
files in memory-mapped form (docs/design.md §3.4).

A dataset's cache lies in the user's cache folder (``JICENG_CACHE_DIR``; otherwise
``$XDG_CACHE_HOME/jiceng`` or ``~/.cache/jiceng``), never beside the dataset: a dataset folder
is sent, shared and compared as it is, read-only or not. Each dataset path has three files, named
after a digest of its absolute path: ``NAME.nodes.arrow`` and ``NAME.edges.arrow`` (Arrow IPC,
uncompressed, so that they map into memory) and ``NAME.json`` (the key), written in that order,
each whole or not at all; all three carry one random token, and a cache whose files disagree is
not used.

The key is the content of the source files (the two CSV files, or the workbook): per file its
size, modification and change times, inode and SHA-256, and for a folder the names of the files
it holds. When a file's size and times are what the key recorded (and the file was not written
in the two seconds before the cache was), the cache is used as it is; when they differ but the
size does not, the file's SHA-256 decides (a file touched, or copied back, is still the same
file); otherwise the dataset is read again and the cache replaced. A cache that cannot be read
(truncated, overwritten, of another format) is rebuilt; a cache folder that cannot be written
leaves reading as it was, uncached.

The bundled sample ships its cache inside the package (``loaders/sample/cache``), keyed by the
SHA-256 of its two files only: installed files have new times, not new contents.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from jiceng.graphmodel import OrgGraph
from jiceng.graphmodel.graph import edge_kind_dtype, node_kind_dtype
from jiceng.loaders.dataset import text_array

__all__ = ["cache_folder", "cached", "shipped", "clear_cache", "write_cache", "load_cache",
           "write_shipped", "enabled", "NO_CACHE_ENV", "SAMPLE_FOLDER"]

#: Raised by one each time the cached tables change form (their columns, their types, the
#: graph's fields): caches of another form are rebuilt.
FORMAT = 2
#: Set to 1 to read every dataset from its files (the CLI's ``--no-cache`` sets it).
NO_CACHE_ENV = "JICENG_NO_CACHE"
#: A source written this close (ns) before its cache may have changed again within the same
#: tick of the file system's clock: its hash is checked.
_RACY_NS = 2_000_000_000
#: The bundled sample's folder, and its cache's files in the package (``cache/sample.*``).
SAMPLE_FOLDER = Path(__file__).resolve().parent / "sample"
_SHIPPED = SAMPLE_FOLDER / "cache" / "sample"
_ROW = "__row__"  # the nodes' spreadsheet rows (OrgGraph.node_rows), stored beside them
#: OrgGraph.places (each node's community, street, district), stored beside the nodes too:
#: at 100× Guiyang it takes a second to compute and 50 ms to load.
_PLACES = ("community", "street", "district")


def enabled() -> bool:
    """Whether reading goes through the cache (``JICENG_NO_CACHE`` is not ``1``)."""
    return os.environ.get(NO_CACHE_ENV, "") != "1"


def cache_folder() -> Path:
    """The folder of the caches: ``JICENG_CACHE_DIR``, else ``$XDG_CACHE_HOME/jiceng``, else
    ``~/.cache/jiceng``."""
    if os.environ.get("JICENG_CACHE_DIR"):
        return Path(os.environ["JICENG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jiceng"


#: The names of the files a cache is made of (and of their temporaries): nothing else in the
#: cache folder is jiceng's to remove (``JICENG_CACHE_DIR`` may name a folder of the user's).
_CACHE_FILE = re.compile(r"[0-9a-f]{32}\.(nodes\.arrow|edges\.arrow|json)(\.[0-9a-f]{8}\.part)?")


def clear_cache(folder: Path | None = None) -> int:
    """Remove every cache file jiceng wrote; returns how many files were removed."""
    folder = cache_folder() if folder is None else folder
    removed = 0
    for path in folder.iterdir() if folder.is_dir() else ():
        if _CACHE_FILE.fullmatch(path.name) and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# ------------------------------------------------------------------------------- the key
def _stat(path: Path) -> dict[str, int]:
    found = path.stat()
    return {"size": found.st_size, "mtime_ns": found.st_mtime_ns,
            "ctime_ns": found.st_ctime_ns, "ino": found.st_ino}


def _sha256(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _listing(path: Path) -> list[str] | None:
    """The names a dataset folder holds (hidden ones aside); None for a workbook."""
    if not path.is_dir():
        return None
    return sorted(p.name for p in path.iterdir() if not p.name.startswith("."))


def _key(path: Path, sources: list[Path], digests: dict[str, str] | None = None) -> dict:
    """The key of a dataset's files as they are now (``digests``: their SHA-256 known already)."""
    digests = digests or {}
    return {"format": FORMAT, "version": _version(), "path": os.path.abspath(path),
            "listing": _listing(path),
            "files": {p.name: {**_stat(p), "sha256": digests.get(p.name) or _sha256(p)}
                      for p in sources},
            "written_ns": time.time_ns()}


@functools.cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jiceng")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0"


def _still_valid(key: dict, path: Path, sources: list[Path]) -> tuple[bool, bool]:
    """(the key still holds, the key should be rewritten: a file's times changed, not its
    content)."""
    if (key.get("format") != FORMAT or key.get("version") != _version()
            or key.get("path") != os.path.abspath(path) or key.get("listing") != _listing(path)
            or sorted(key.get("files", {})) != sorted(p.name for p in sources)):
        return False, False
    refresh = False
    for source in sources:
        recorded, now = key["files"][source.name], _stat(source)
        racy = key["written_ns"] - recorded["mtime_ns"] < _RACY_NS
        if all(recorded[k] == now[k] for k in now) and not racy:
            continue
        if recorded["size"] != now["size"] or recorded["sha256"] != _sha256(source):
            return False, False
        refresh = True
    return True, refresh


# ------------------------------------------------------------------------ tables to files
def _arrow_table(frame: pd.DataFrame, token: str, extra: dict) -> pa.Table:
    columns, dtypes = {}, {}
    for name in frame.columns:
        values = frame[name]
        dtypes[name] = str(values.dtype)
        if isinstance(values.dtype, pd.CategoricalDtype):
            columns[name] = pa.array(values.cat.codes.to_numpy())
        else:
            columns[name] = pa.array(values)  # text: the column's own arrow strings
    meta = {"token": token, "dtypes": dtypes, **extra}
    return pa.table(columns).replace_schema_metadata({"jiceng": json.dumps(meta)})


def _frame(table: pa.Table, kind_dtype: pd.CategoricalDtype) -> tuple[pd.DataFrame, dict]:
    meta = json.loads(table.schema.metadata[b"jiceng"])
    columns = {}
    for name, dtype in meta["dtypes"].items():
        values = table.column(name)
        if dtype == "category":
            columns[name] = pd.Categorical.from_codes(values.to_numpy(), dtype=kind_dtype)
        elif dtype == "str":  # the mapped file's strings themselves, not a copy
            columns[name] = text_array(values)
        else:
            wanted = pd.api.types.pandas_dtype(dtype)
            if isinstance(wanted, pd.api.extensions.ExtensionDtype):
                columns[name] = wanted.__from_arrow__(values)  # type: ignore[attr-defined]
            else:  # a copy: the graph's arrays are its own, writable as the readers' are
                columns[name] = np.array(values.to_numpy(), dtype=wanted)
    return pd.DataFrame(columns, copy=False), meta


def _entry(path: Path, folder: Path) -> Path:
    digest = hashlib.sha256(os.path.abspath(path).encode("utf-8", "surrogatepass")).hexdigest()
    return folder / digest[:32]


def write_cache(graph: OrgGraph, entry: Path, key: dict) -> None:
    """Write the graph's tables and their key as the cache files ``entry.*``; each file whole
    or not at all, uncompressed, so that a load maps them as they lie."""
    token = secrets.token_hex(8)
    nodes = graph.nodes
    rows_file = None
    if graph.node_rows is not None:
        rows_file, rows = graph.node_rows
        nodes = nodes.assign(**{_ROW: rows})
    nodes = nodes.assign(**{f"__{p}__": graph.places[p].to_numpy() for p in _PLACES})
    extra = {"name": graph.name, "blank_rows": graph.blank_rows, "rows_file": rows_file,
             "n_nodes": graph.n_nodes, "n_edges": graph.n_edges}
    entry.parent.mkdir(parents=True, exist_ok=True)
    for which, frame in (("nodes", nodes), ("edges", graph.edges)):
        _write_file(entry.with_name(f"{entry.name}.{which}.arrow"),
                    lambda file, f=frame: _write_ipc(file, _arrow_table(f, token, extra)))
    _write_file(entry.with_name(f"{entry.name}.json"),
                lambda file: file.write(json.dumps({**key, "token": token}).encode()))


def _write_ipc(file, table: pa.Table) -> None:
    with pa.ipc.new_file(file, table.schema) as writer:
        writer.write_table(table)


def _write_file(path: Path, write: Callable) -> None:
    temporary = path.with_name(f"{path.name}.{secrets.token_hex(4)}.part")
    try:
        with open(temporary, "wb") as file:
            write(file)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def load_cache(entry: Path) -> tuple[OrgGraph, dict] | None:
    """The graph the cache files ``entry.*`` hold and their key, or None where they are
    missing, unreadable or disagree."""
    try:
        key = json.loads(entry.with_name(f"{entry.name}.json").read_bytes())
        tables = [pa.ipc.open_file(pa.memory_map(str(entry.with_name(f"{entry.name}.{w}.arrow"))))
                  .read_all() for w in ("nodes", "edges")]
        nodes, meta = _frame(tables[0], node_kind_dtype())
        edges, edge_meta = _frame(tables[1], edge_kind_dtype())
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None
    if not (key.get("token") == meta["token"] == edge_meta["token"]
            and len(nodes) == meta["n_nodes"] and len(edges) == meta["n_edges"]):
        return None
    rows = nodes.pop(_ROW).to_numpy(dtype=np.int64) if _ROW in nodes.columns else None
    places = pd.DataFrame({p: nodes.pop(f"__{p}__").to_numpy() for p in _PLACES}, copy=False)
    graph = OrgGraph(nodes, edges, name=meta["name"])
    graph.__dict__["places"] = places  # what the cached property would compute (and store)
    graph.blank_rows = meta["blank_rows"]
    if rows is not None:
        graph.node_rows = (meta["rows_file"], rows)
    return graph, key


def cached(path: Path, sources: list[Path], read: Callable[[], OrgGraph], *,
           name: str) -> OrgGraph:
    """The dataset at ``path`` (files ``sources``), from its cache where the cache still holds;
    otherwise ``read()`` (which validates), then cached. ``name``: the graph's name, as the
    reader gives it for ``path`` as spelt now."""
    if not all(source.is_file() for source in sources):
        return read()  # the reader says what is missing
    entry = _entry(path, cache_folder())
    found = load_cache(entry)
    if found is not None:
        graph, key = found
        try:
            valid, refresh = _still_valid(key, path, sources)
        except OSError:
            valid = refresh = False
        if valid:
            if refresh:  # touched, not changed: next time the times alone say so
                digests = {n: f["sha256"] for n, f in key["files"].items()}
                with contextlib.suppress(OSError):
                    _write_file(entry.with_name(f"{entry.name}.json"), lambda file: file.write(
                        json.dumps({**_key(path, sources, digests), "token": key["token"],
                                    "given": key["given"]}).encode()))
            return _as_given(graph, key["given"], str(path), name)
    key = _key(path, sources)  # before reading: a file changed meanwhile is read again next time
    graph = read()
    with contextlib.suppress(OSError, ValueError, TypeError, pa.ArrowException):
        write_cache(graph, entry, {**key, "given": str(path)})  # no cache folder: uncached
    return graph


def _as_given(graph: OrgGraph, given: str, path: str, name: str) -> OrgGraph:
    """The cached graph as the reader would name it for ``path`` (the cache was written for the
    same dataset spelt ``given``)."""
    graph.name = name
    if graph.node_rows is not None and given != path:
        rows_file, rows = graph.node_rows
        if rows_file.startswith(given):
            graph.node_rows = (path + rows_file[len(given):], rows)
    return graph


def shipped(path: Path, sources: list[Path], read: Callable[[], OrgGraph], *,
            name: str) -> OrgGraph:
    """The bundled sample from the cache the package ships, while its files' SHA-256 are those
    the cache was made from; otherwise as :func:`cached` reads any dataset."""
    found = load_cache(_SHIPPED)
    if found is not None:
        graph, key = found
        with contextlib.suppress(OSError, KeyError):
            if key.get("format") == FORMAT and all(
                    key["files"][s.name]["sha256"] == _sha256(s) for s in sources):
                return _as_given(graph, key["given"], str(path), name)
    return cached(path, sources, read, name=name)


def write_shipped(graph: OrgGraph) -> None:
    """Write the cache the package ships for the bundled sample (``graph``: the sample read
    from its files); run whenever the sample's files change (a test compares them)."""
    sources = [SAMPLE_FOLDER / "nodes.csv", SAMPLE_FOLDER / "edges.csv"]
    if graph.node_rows is not None:  # named as the sample is spelt when it is loaded
        graph.node_rows = (os.path.join("SAMPLE", "nodes.csv"), graph.node_rows[1])
    # uncompressed, mapped as it lies: 15 MB in the package (about 1 MB in a wheel), where
    # lz4's 2.4 MB took 15-35 ms to unpack on every sample command
    write_cache(graph, _SHIPPED, {"format": FORMAT, "given": "SAMPLE",
                                  "files": {s.name: {"sha256": _sha256(s)} for s in sources}})
