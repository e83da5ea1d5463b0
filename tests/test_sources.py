"""The backend seam (jiceng.queries.sources): a source's type says how it answers each question,
found by its MRO; the queries never branch on a backend."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from jiceng.graphmodel import OrgGraph
from jiceng.queries import audit, diff, isolation, plan, reach, reach_from, whatif
from jiceng.queries.sources import QUESTIONS, accepted_sources, as_graph, places_of, register_source
from jiceng.server import Neo4jSource

QUERIES = Path(__file__).resolve().parent.parent / "src" / "jiceng" / "queries"


class Held:
    """A source that only knows how to give its graph."""

    def __init__(self, graph: OrgGraph):
        self.graph, self.name = graph, "held"


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    """The registry as the package leaves it, Held added; every test's own registrations are
    gone after it (a doctest in the same process lists the types accepted)."""
    from jiceng.queries import sources

    monkeypatch.setattr(sources, "_ANSWERS",
                        {question: dict(answers) for question, answers in sources._ANSWERS.items()})
    register_source(Held, graph=lambda held: held.graph)


def test_a_source_with_only_its_graph_answers_every_question_in_process(sample):
    held = Held(sample)
    assert as_graph(held) is sample and places_of(held) is sample
    assert audit(held).summary.equals(audit(sample).summary)
    assert isolation(held).communities.equals(isolation(sample).communities)
    assert reach(held, hops=3).units.equals(reach(sample, hops=3).units)
    assert reach_from(held, "UP00001").equals(reach_from(sample, "UP00001"))
    assert whatif(held, remove=["UP00001"]).newly_isolated == \
        whatif(sample, remove=["UP00001"]).newly_isolated
    assert diff(held, sample).unchanged
    assert plan(held).proposals.equals(plan(sample).proposals)


def test_a_registered_answer_is_found_through_the_mro(sample):
    calls = []

    class Counting(Held):
        pass

    class Subclass(Counting):
        pass

    def counted(source, hops, units):
        calls.append((type(source).__name__, hops, units))
        return reach(source.graph, hops=hops, units=units)

    register_source(Counting, reach=counted)
    result = reach(Subclass(sample), hops=2, units="UP00001")
    assert calls == [("Subclass", 2, ["UP00001"])]  # arguments checked by the query first
    assert result.units.equals(reach(sample, hops=2, units=["UP00001"]).units)


@pytest.mark.parametrize("call", [
    lambda: audit("data/"), lambda: isolation(None), lambda: reach({}, hops=2),
    lambda: reach_from(3, "UP00001"), lambda: whatif([]), lambda: diff(object(), object()),
    lambda: plan("g"), lambda: as_graph(b"x"), lambda: places_of(1.5),
])
def test_an_unknown_source_names_every_type_accepted(call):
    with pytest.raises(TypeError) as raised:
        call()
    message = str(raised.value)
    assert type(raised.value).__name__ == "ArgumentTypeError"
    assert message.index("须为") < message.index(" must be ")
    for accepted in ("OrgGraph", "Neo4jSource"):  # jiceng.server is imported: it registered
        assert message.count(accepted) == 2


def test_the_server_registers_every_question():
    assert {OrgGraph, Neo4jSource} <= set(accepted_sources())
    assert accepted_sources()[0] is OrgGraph
    from jiceng.queries.sources import _ANSWERS

    assert all(Neo4jSource in _ANSWERS[question] for question in QUESTIONS)
    assert all(OrgGraph in _ANSWERS[question] for question in QUESTIONS)


def test_an_unknown_question_is_refused():
    with pytest.raises(ValueError, match="no such question 'layout'"):
        register_source(Held, layout=lambda held: None)


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.py")), ids=lambda p: p.name)
def test_no_query_branches_on_a_source_type(path):
    """Every query finds its source's answer by the seam: no ``isinstance(source, ...)`` on a
    source."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance":
            checked = node.args[0]
            assert not (isinstance(checked, ast.Name) and checked.id in ("source", "old", "new")), \
                f"{path.name}:{node.lineno}"


@pytest.mark.parametrize("name", ["coverage.py", "isolation.py", "reach.py", "sources.py"])
def test_the_questions_a_server_answers_import_nothing_inside_a_function(name):
    """The hidden coverage/isolation/reach ↔ Cypher cycle was an import inside the query."""
    for node in ast.walk(ast.parse((QUERIES / name).read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lazy = [n.module for n in ast.walk(node)
                    if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("jiceng")]
            assert lazy == [], f"{name}: {node.name} imports {lazy}"
