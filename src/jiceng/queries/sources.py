"""The backend seam: what the queries take as a *source*, and how each kind of source answers.

A source type registers, once, how it answers each question (:data:`QUESTIONS`):

- ``graph``: the source as a whole :class:`OrgGraph` in memory (``whatif``, ``diff``,
  ``plan``, ``reach_from``, lookups and maps count on it);
- ``places``: a graph holding every node, its name and its place (for naming and rolling up
  results: the whole graph, or less);
- ``audit``, ``isolation``, ``reach``: the question itself, with the arguments already
  checked by the query (``audit(source, rules, on_rule)``, ``isolation(source)``,
  ``reach(source, hops, units)``).

:class:`OrgGraph` is registered by the queries themselves (each query module registers its
in-process answer); a Cypher server's source is registered by :mod:`jiceng.server` when it
is imported, which is before anyone can hold one. The queries look the answer up by the
source's type, walking its MRO, and never branch on a backend. A type registered with
``graph`` but not with a question answers it in process, on its graph. Anything else is
refused with :class:`ArgumentTypeError` naming the types accepted.

>>> from jiceng.loaders import read_sample
>>> as_graph(read_sample()) is read_sample()
True
>>> as_graph("data/")
Traceback (most recent call last):
...
jiceng.graphmodel.errors.ArgumentTypeError: graph 须为 OrgGraph（用 jiceng.read_dataset 读取）...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from jiceng.graphmodel import OrgGraph
from jiceng.graphmodel.errors import ArgumentTypeError

__all__ = ["Source", "QUESTIONS", "register_source", "answer_for", "as_graph", "places_of",
           "accepted_sources"]

#: What a source may say how it answers.
QUESTIONS = ("graph", "places", "audit", "isolation", "reach")

#: question -> source type -> the function answering it for sources of that type
_ANSWERS: dict[str, dict[type, Callable[..., Any]]] = {question: {} for question in QUESTIONS}


class Source(Protocol):
    """What the queries take: an :class:`OrgGraph`, or an object of a type registered with
    :func:`register_source` (a Cypher server's ``jiceng.server.Neo4jSource``). Each has a
    ``name`` that reports show."""

    @property
    def name(self) -> str: ...


def register_source(source_type: type, **answers: Callable[..., Any]) -> None:
    """Say how sources of ``source_type`` (and its subclasses) answer the questions named.

    ``answers`` maps question names (:data:`QUESTIONS`) to functions taking the source
    first. Registering a question again for the same type replaces the answer.
    """
    unknown = sorted(set(answers) - set(QUESTIONS))
    if unknown:
        raise ValueError(f"no such question {unknown[0]!r}; the questions are {', '.join(QUESTIONS)}")
    for question, answer in answers.items():
        _ANSWERS[question][source_type] = answer


def _registered(question: str, source: object) -> Callable[..., Any] | None:
    answers = _ANSWERS[question]
    return next((answers[cls] for cls in type(source).__mro__ if cls in answers), None)


def accepted_sources() -> list[type]:
    """The source types registered (each gives at least its graph), OrgGraph first."""
    types = dict.fromkeys(t for answers in _ANSWERS.values() for t in answers)
    return sorted(types, key=lambda t: (t is not OrgGraph, t.__name__))


def answer_for(question: str, source: object, *, name: str = "graph") -> Callable[..., Any]:
    """The function answering ``question`` for ``source``: registered for its type or a base
    of it, else the in-process answer on the source's graph; :class:`ArgumentTypeError`
    naming the source types accepted when its type is registered for neither."""
    found = _registered(question, source)
    if found is not None:
        return found
    to_graph = _registered("graph", source)
    in_process = _ANSWERS[question].get(OrgGraph)
    if to_graph is None or in_process is None:
        raise _not_a_source(source, name)
    return lambda source, *args, **kwargs: in_process(to_graph(source), *args, **kwargs)


def _not_a_source(source: object, name: str) -> ArgumentTypeError:
    others = [t.__name__ for t in accepted_sources() if t is not OrgGraph]
    kind = type(source).__name__
    zh = "".join(f"或 {other}" for other in others)
    en = "".join(f", or a {other}" for other in others)
    return ArgumentTypeError(f"{name} 须为 OrgGraph（用 jiceng.read_dataset 读取）{zh}，而不是 {kind}"
                             f"（{name} must be an OrgGraph, e.g. from jiceng.read_dataset{en}, "
                             f"not {kind}）")


def as_graph(source: object, *, name: str = "graph") -> OrgGraph:
    """The source as an in-memory graph: an :class:`OrgGraph` itself, a server's whole graph
    (read once); :class:`ArgumentTypeError` for anything else."""
    return answer_for("graph", source, name=name)(source)


def places_of(source: object, *, name: str = "graph") -> OrgGraph:
    """A graph with every node, its name and its place, for naming and rolling up results:
    the graph itself, or what the source registered (a server's skeleton, read once)."""
    return answer_for("places", source, name=name)(source)


register_source(OrgGraph, graph=lambda graph: graph, places=lambda graph: graph)
