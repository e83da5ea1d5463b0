"""Credentials never appear in output (docs/design.md §7): a password written into a server address,
whatever its spelling and wherever it is given (a DATASET argument, ``--neo4j``, ``--uri``,
NEO4J_URI), is shown as ``***`` in every message, and the run exits 2."""

from __future__ import annotations

import pytest

from jiceng.server.neo4j import redact_uri, split_credentials

SECRET = "Pa55-w0rd-XYZZY"
HOST = "127.0.0.1:1"  # loopback, a port nothing listens on: refused at once

#: How people write an address with a password in it, right and wrong.
SPELLINGS = [
    f"bolt://u:{SECRET}@{HOST}",
    f"neo4j+s://u:{SECRET}@{HOST}",
    f"BOLT+SSC://u:{SECRET}@{HOST}",
    f"bolt+routing://u:{SECRET}@{HOST}",
    f"http://u:{SECRET}@127.0.0.1:7474",
    f"https://u:{SECRET}@{HOST}/db",
    f"bolt:/u:{SECRET}@{HOST}",
    f"bolt:u:{SECRET}@{HOST}",
    f"bolt:///u:{SECRET}@{HOST}",
    f" bolt://u:{SECRET}@{HOST}",
    f"bolt://u:{SECRET}@{HOST} ",
    f"\tneo4j://u:{SECRET}@{HOST}\n",
    f"bolt://u/x:{SECRET}@{HOST}",
    f"bolt://u?x:{SECRET}@{HOST}",
    f"bolt://u#x:{SECRET}@{HOST}",
    f"neo4j://u@x:{SECRET}@{HOST}",
    f"bolt://u:{SECRET}:{SECRET}@{HOST}",
    f"bolt://u:{SECRET}@x@{HOST}",
    f"bolt://u:/{SECRET}?@{HOST}",
    f"u:{SECRET}@{HOST}",
    f"//u:{SECRET}@{HOST}",
]

#: Every place a server address is given: DATASET of a command that takes a server, DATASET of
#: one that takes only datasets, --neo4j, neo4j push --uri, NEO4J_URI.
PLACES = ["source", "dataset", "validate", "--neo4j", "--uri", "NEO4J_URI"]


def _run(cli, monkeypatch, place: str, uri: str):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    if place == "source":
        return cli("audit", uri)
    if place == "dataset":
        return cli("plan", uri)
    if place == "validate":  # reads the dataset itself, prints each problem
        return cli("validate", uri)
    if place == "--neo4j":
        return cli("isolated", "--neo4j", uri)
    if place == "--uri":
        return cli("neo4j", "push", "--uri", uri)
    monkeypatch.setenv("NEO4J_URI", uri)
    return cli("reach", "--neo4j")


@pytest.mark.parametrize("password_variable", [None, "other"])
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("uri", SPELLINGS)
def test_a_password_in_an_address_is_never_printed(cli, monkeypatch, tmp_path, uri, place,
                                                   password_variable):
    monkeypatch.chdir(tmp_path)  # a relative DATASET resolves here, where nothing is
    if password_variable is None:
        monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("NEO4J_PASSWORD", password_variable)
    result = _run(cli, monkeypatch, place, uri)
    assert result.exit_code == 2, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("错误 error: " if place != "validate" else "")
    assert "***" in result.stderr, result.stderr  # the address is named, its password hidden
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_an_address_given_as_a_dataset_is_refused_as_an_address(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("plan", f"http://u:{SECRET}@127.0.0.1:7474")
    assert result.exit_code == 2
    assert "既不是数据集，也不是 jiceng 能连接的服务器地址" in result.stderr
    assert "neither a dataset nor a server address" in result.stderr
    assert "http:/u:***@127.0.0.1:7474" in result.stderr


def test_an_unsupported_scheme_is_refused_before_connecting(cli, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    result = cli("audit", "--neo4j", f"bolt+routing://u:{SECRET}@{HOST}")
    assert result.exit_code == 2
    assert result.stderr == ("错误 error: bolt+routing://u:***@127.0.0.1:1 不是 jiceng 能连接的 "
                             "Neo4j 地址：应以 bolt:// 或 neo4j:// 开头，可加 +s、+ssc"
                             "（bolt+routing://u:***@127.0.0.1:1 is not a Neo4j address jiceng "
                             "can connect to: it begins with bolt:// or neo4j://, +s or +ssc）\n")


def test_spaces_around_a_server_address_are_ignored(cli, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    result = cli("audit", f"  bolt://u:{SECRET}@{HOST}  ")
    assert result.exit_code == 2
    assert "cannot reach Neo4j at bolt://u:***@127.0.0.1:1 " in result.stderr


def test_a_dataset_folder_named_like_credentials_is_read_and_named_hidden(cli, tmp_path):
    """A real folder whose path reads as user:password@host: it is read, and its own problems
    are reported with the path hidden as every address is."""
    folder = tmp_path / f"u:{SECRET}@h"
    folder.mkdir()
    (folder / "nodes.csv").write_text("id,kind,name\nS1,street_committee,一街道\n",
                                      encoding="utf-8")
    (folder / "edges.csv").write_text("source,target,kind\n", encoding="utf-8")
    read = cli("info", folder, "--format", "json")
    assert read.exit_code == 0 and SECRET not in read.stdout + read.stderr
    (folder / "nodes.csv").write_text("id,kind,name\nX1,no_such_kind,x\n", encoding="utf-8")
    result = cli("info", folder)
    assert result.exit_code == 2
    assert SECRET not in result.stdout + result.stderr
    assert f"u:***@h{'/'}nodes.csv" in result.stderr and "no_such_kind" in result.stderr


@pytest.mark.parametrize("uri", SPELLINGS)
def test_redact_uri_hides_every_spelling(uri):
    assert SECRET not in redact_uri(uri) and "***" in redact_uri(uri)


@pytest.mark.parametrize("uri", ["bolt://localhost:7687", "bolt://user@localhost:7687",
                                 "data/city", "C:/data/x@y", "城市数据/2026@v1"])
def test_redact_uri_leaves_addresses_without_a_password_alone(uri):
    assert redact_uri(uri) == uri


@pytest.mark.parametrize("uri, parts", [
    (f"bolt://u/x:{SECRET}@db:7687", ("bolt://db:7687", "u/x", SECRET)),
    (f" neo4j://u?x:{SECRET}@db ", ("neo4j://db", "u?x", SECRET)),
    (f"bolt://u@x:{SECRET}:y@db", ("bolt://db", "u@x", SECRET + ":y")),
])
def test_split_credentials_reads_what_redaction_hides(uri, parts):
    assert split_credentials(uri) == parts
