"""The page around a canvas: one self-contained HTML file, and the map that holds it.

vis-network (shipped in ``jiceng/assets``), the styles (``map.css``) and the page's script
(``map.js``) are inlined, so nothing is loaded from the network; every name is passed as JSON
data and shown with ``textContent`` (never parsed as HTML), and the file is UTF-8 whatever the
system's locale.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from jiceng.loaders.atomic import write_text_atomic
from jiceng.present.maps.canvas import Canvas
from jiceng.present.maps.style import FONT

__all__ = ["NetworkMap", "render_page"]


@dataclass
class NetworkMap:
    """A finished map: the self-contained HTML page and what it shows."""

    html: str
    title: str
    n_nodes: int
    n_edges: int

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page atomically, in UTF-8."""
        write_text_atomic(path, self.html, encoding="utf-8")
        return Path(path)

    def _repr_html_(self) -> str:
        """Inline display in Jupyter (and VS Code): the page itself in an iframe's srcdoc."""
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                'style="width:100%;height:720px;border:1px solid #ddd"></iframe>')


def _asset(name: str) -> str:
    return (files("jiceng") / "assets" / name).read_text(encoding="utf-8")


def _inline_script(text: str) -> str:
    """A script that cannot close the <script> element it is inlined in."""
    return text.replace("</script", "<\\/script")


@lru_cache(maxsize=1)
def _vis_script() -> str:
    # no source map to fetch
    return _inline_script(re.sub(r"//[#@] sourceMappingURL=\S+", "", _asset("vis-network.min.js")))


def _json_for_script(value) -> str:
    """JSON that cannot end the <script> element it sits in, whatever the names contain."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


#: vis-network's options: the layout is computed before the page opens, so no physics
_OPTIONS = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True,
                    "multiselect": False},
    "nodes": {"font": {"face": FONT, "size": 14}, "borderWidth": 1},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
              "smooth": False, "width": 1, "selectionWidth": 2},
}


def render_page(canvas: Canvas, title: str, dataset: str, summary: str = "") -> NetworkMap:
    """The canvas in its page: header, search, "problems only", side panel and legend."""
    e = html.escape
    data = {"nodes": canvas.nodes, "edges": canvas.edges, "options": _OPTIONS}
    today = dt.date.today().isoformat()
    n_problems = sum(1 for n in canvas.nodes if n["problem"])
    page = "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{_asset('map.css')}</style>",
        "</head><body>",
        f'<div id="header"><h1>{e(title)}</h1><div class="meta">{e(summary)}'
        f"{' · ' if summary else ''}数据集 dataset: {e(dataset)} · 生成于 generated {today} · "
        f"节点 nodes {len(canvas.nodes)} · 关系 edges {len(canvas.edges)}</div></div>",
        '<div id="wrap"><div id="network"></div><div id="side">',
        '<input id="search" type="search" autocomplete="off" '
        'placeholder="搜索名称或编号 search name or id">',
        '<div id="results"></div>',
        f'<label class="problems"><input type="checkbox" id="problems-only"> 只看问题 problems only '
        f"({n_problems})</label>",
        '<div id="panel" hidden></div>',
        f'<div id="legend">{canvas.legend()}</div>',
        "</div></div>",
        f'<script type="application/json" id="jiceng-data">{_json_for_script(data)}</script>',
        f"<script>{_vis_script()}</script>",
        f"<script>\n{_inline_script(_asset('map.js'))}</script>",
        "</body></html>",
    ])
    return NetworkMap(page, title, len(canvas.nodes), len(canvas.edges))
