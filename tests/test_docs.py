"""The design document is the project's own, and what the code cites in it is there.

Comments, docstrings and the README cite ``docs/design.md §4`` or ``docs/design.md §4.2``; a
heading of the document defines each section: ``## 4. Queries`` defines section 4 and
``### 4.2 Isolation`` section 4.2. A citation of a section that does not exist, a section sign
that names no document, or a citation of
the contract kept outside the repository (which a contributor who clones the project cannot
read) fails here, with the file and line.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from tests.conftest import ROOT

from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS, STATION_TYPES

DESIGN = ROOT / "docs" / "design.md"
DESIGN_NAME = "docs/design.md"

#: Where citations live: folders searched whole, and single files.
FOLDERS = ("src", "tests", "benchmarks", "scripts")
FILES = ("README.md", "pyproject.toml", "docker-compose.yml")
NOTEBOOK_SOURCES = "notebooks/*.py"
SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".txt", ".sh", ".mjs", ".css", ".cfg", ".ini"}
SKIPPED_FOLDERS = {"node_modules", "__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis",
                   "cache"}

HEADING = re.compile(r"^#{2,6}[ \t]+(\d+(?:\.\d+)*)\.?[ \t]+\S")
SECTION = r"§[ \t]*\d+(?:\.\d+)*"
#: ``docs/design.md §4``, ``docs/design.md §4 and §6``, ``docs/design.md §4/§6``.
CITATION = re.compile(re.escape(DESIGN_NAME)
                      + rf"(?P<refs>(?:[ \t]*(?:,|/|and|or|&)?[ \t]*{SECTION})+)")
ANY_SECTION = re.compile(SECTION)
#: The old spelling, which cites the contract outside the repository (written so as not to
#: match this file itself).
OUTSIDE = re.compile(r"\bDESIGN(?:\.md\b|\s*§|'s\s*§)")


def _scanned() -> list[Path]:
    paths = [ROOT / name for name in FILES if (ROOT / name).is_file()]
    paths += sorted(ROOT.glob(NOTEBOOK_SOURCES))
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            parts = set(path.relative_to(ROOT).parts)
            if path.is_file() and path.suffix in SUFFIXES and not parts & SKIPPED_FOLDERS:
                paths.append(path)
    return paths


def _sections(text: str) -> set[str]:
    """Section numbers that the headings of a Markdown text define (code blocks skipped)."""
    found: set[str] = set()
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            found.add(match.group(1))
    return found


def _numbers(refs: str) -> list[str]:
    return [re.sub(r"[§ \t]", "", ref) for ref in ANY_SECTION.findall(refs)]


def _lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return []
    return list(enumerate(text.splitlines(), start=1))


def _where(path: Path, number: int) -> str:
    return f"{path.relative_to(ROOT)}:{number}"


SCANNED = _scanned()


def test_the_design_document_is_in_the_repository_with_numbered_sections():
    assert DESIGN.is_file(), f"{DESIGN_NAME} is missing"
    text = DESIGN.read_text(encoding="utf-8")
    sections = _sections(text)
    assert {str(n) for n in range(1, 8)} <= sections, sorted(sections)
    headings = [m.group(1) for line in text.splitlines() if (m := HEADING.match(line))]
    repeated = sorted({n for n in headings if headings.count(n) > 1})
    assert not repeated, f"section numbers used twice in {DESIGN_NAME}: {repeated}"
    for number in sections:  # section 4.2 lives under section 4
        parent = number.rpartition(".")[0]
        assert not parent or parent in sections, f"§{number} has no §{parent} above it"


def test_the_scan_covers_the_places_that_cite():
    relative = {str(p.relative_to(ROOT)) for p in SCANNED}
    assert {"README.md", "src/jiceng/queries/coverage.py", "tests/conftest.py",
            "notebooks/walkthrough.py", "benchmarks/run.py"} <= relative
    assert not any("node_modules" in name for name in relative)


def test_every_citation_resolves_to_a_heading():
    sections = _sections(DESIGN.read_text(encoding="utf-8"))
    unresolved = []
    for path in SCANNED:
        for number, line in _lines(path):
            for match in CITATION.finditer(line):
                unresolved += [f"{_where(path, number)}: §{n}" for n in _numbers(match["refs"])
                               if n not in sections]
    assert not unresolved, (f"cited sections that {DESIGN_NAME} does not define:\n"
                            + "\n".join(unresolved))


def test_every_section_sign_names_the_design_document():
    """A bare section sign would escape the check above: each belongs to a citation."""
    bare = []
    for path in SCANNED:
        for number, line in _lines(path):
            cited = {at for m in CITATION.finditer(line) for at in range(*m.span("refs"))}
            bare += [f"{_where(path, number)}: {line.strip()}"
                     for m in ANY_SECTION.finditer(line) if m.start() not in cited]
    assert not bare, f"write '{DESIGN_NAME} §N' for these:\n" + "\n".join(bare)


def test_nothing_cites_the_contract_outside_the_repository():
    found = [f"{_where(path, number)}: {line.strip()}"
             for path in SCANNED for number, line in _lines(path) if OUTSIDE.search(line)]
    assert not found, f"cite {DESIGN_NAME} instead:\n" + "\n".join(found)


def test_the_design_documents_own_references_resolve():
    text = DESIGN.read_text(encoding="utf-8")
    sections = _sections(text)
    missing = sorted({n for n in _numbers(text) if n not in sections}, key=str)
    assert not missing, f"{DESIGN_NAME} refers to sections it lacks: {missing}"
    assert not OUTSIDE.search(text)


def test_the_vocabulary_lists_every_kind_of_the_schema():
    """Section 2 points to the schema as the one source, and names every kind there is."""
    text = DESIGN.read_text(encoding="utf-8")
    vocabulary = " ".join(text.split("\n## 2.", 1)[1].split("\n## 3.", 1)[0].split())
    for kind in [*NODE_KINDS.values(), *EDGE_KINDS.values()]:
        assert f"`{kind.id}` {kind.zh}" in vocabulary, kind.id
    assert all(f"`{value}`" in vocabulary for value in STATION_TYPES)
    assert "graphmodel/schema.py" in vocabulary


def _dotted_names(text: str) -> list[tuple[int, str]]:
    """``(line, name)`` of every ``jiceng.…`` name in backticks, outside paragraphs that say
    they are planned."""
    found, paragraph = [], []
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip():
            paragraph.append((number, line))
        elif paragraph:
            if "planned" not in " ".join(body for _, body in paragraph).lower():
                found += [(at, name) for at, body in paragraph
                          for name in re.findall(r"`(jiceng(?:\.\w+)+)(?:\(\))?`", body)]
            paragraph = []
    return found


@pytest.mark.parametrize("number, name", _dotted_names(DESIGN.read_text(encoding="utf-8"))
                         if DESIGN.is_file() else [], ids=lambda v: str(v))
def test_every_module_and_function_the_document_names_exists(number, name):
    """A name in backticks (``jiceng.queries.coverage.audit``) is a module or one of its
    attributes, unless its paragraph says it is planned."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            assert hasattr(found, attribute), f"{DESIGN_NAME}:{number}: {name}"
            found = getattr(found, attribute)
        return
    pytest.fail(f"{DESIGN_NAME}:{number}: no module {name}")
