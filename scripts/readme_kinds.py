"""Write the README's "Node kinds" and "Edge kinds" paragraphs from the schema.

    python scripts/readme_kinds.py          # rewrite the block in README.md
    python scripts/readme_kinds.py --check  # exit 1 when README.md differs from the schema

The block lies between ``<!-- kinds:start -->`` and ``<!-- kinds:end -->``; the rest of the
README is left as it is. tests/test_readme.py compares the block to :func:`kinds_block`.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from jiceng.graphmodel.schema import EDGE_KINDS, NODE_KINDS  # noqa: E402

START, END = "<!-- kinds:start -->", "<!-- kinds:end -->"
WIDTH = 100


NBSP = "\u00a0"  # keeps an id and its label on one line while wrapping


def _node(kind) -> str:
    text = f"`{kind.id}`{NBSP}{kind.zh}"
    for attribute, values in kind.enums.items():
        listed = " | ".join(f"`{value}`{NBSP}{zh}" for value, (zh, _) in values.items())
        text += f" (`{attribute}`: {listed})"
    return text


def kinds_block() -> str:
    """The two paragraphs, wrapped at 100 characters, markers included."""
    nodes = "Node kinds: " + ", ".join(_node(k) for k in NODE_KINDS.values()) + "."
    edges = ("Edge kinds (source → target): "
             + ", ".join(f"`{k.id}`{NBSP}{k.zh}" for k in EDGE_KINDS.values()) + ".")
    wrap = textwrap.TextWrapper(width=WIDTH, break_long_words=False, break_on_hyphens=False)
    return "\n".join([START, wrap.fill(nodes), "", wrap.fill(edges), END]).replace(NBSP, " ")


def readme_block(text: str) -> str:
    """The block as the README has it (markers included)."""
    start, end = text.index(START), text.index(END) + len(END)
    return text[start:end]


def main(argv: list[str]) -> int:
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    current, wanted = readme_block(text), kinds_block()
    if "--check" in argv:
        return int(current != wanted)
    path.write_text(text.replace(current, wanted), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
