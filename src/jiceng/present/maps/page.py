"""The page around a canvas: one self-contained HTML file, and the map that holds it.

vis-network (shipped in ``jiceng/assets``), the styles (``map.css``) and the page's script
(``map.js``) are inlined, so nothing is loaded from the network (or, for the pages of a site,
referenced in its own ``assets/`` folder, copied there once: ``render_page(..., assets=)``,
:data:`ASSETS`); every name is passed as JSON
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

__all__ = ["NetworkMap", "render_page", "ASSETS", "asset_text", "style_tags", "script_tags",
           "json_for_script"]


@dataclass
class NetworkMap:
    """A finished map: its page (``html``), and the parts a page of the site embeds.

    ``meta`` is the line of figures under the title (plain text), ``header`` the map page's
    title block holding it, ``body`` the map itself (canvas, side panel with
    search, legend and PNG button, and its data); ``assets`` the folder of the shared assets
    relative to the page (``"assets/"``), or None to inline them into ``html``.
    """

    title: str
    n_nodes: int
    n_edges: int
    header: str
    body: str
    assets: str | None = None
    meta: str = ""

    @property
    def html(self) -> str:
        """The self-contained page (or, with ``assets``, the page that references them)."""
        e = html.escape
        return "\n".join([
            "<!DOCTYPE html>",
            '<html lang="zh-CN"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(self.title)}</title>",
            style_tags(self.assets, "map.css"),
            "</head><body>", self.header, self.body,
            script_tags(self.assets, "vis-network.min.js", "map.js"),
            "</body></html>",
        ])

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page atomically, in UTF-8."""
        write_text_atomic(path, self.html, encoding="utf-8")
        return Path(path)

    def _repr_html_(self) -> str:
        """Inline display in Jupyter (and VS Code): the page itself in an iframe's srcdoc."""
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                'style="width:100%;height:720px;border:1px solid #ddd"></iframe>')


#: The files of ``jiceng/assets`` that pages use (the site copies them once into its folder).
ASSETS = ("vis-network.min.js", "vis-network.LICENSE.txt", "map.css", "map.js", "report.css")


def asset_text(name: str) -> str:
    """An asset's text, as a page inlines it (a script without its source map comment)."""
    if name == "vis-network.min.js":
        return _vis_script()
    return _asset(name)


def style_tags(assets: str | None, *names: str) -> str:
    """``<style>`` elements holding the style sheets ``names``, or, with ``assets`` (a folder
    relative to the page), ``<link>`` elements to them."""
    if assets is not None:
        return "".join(f'<link rel="stylesheet" href="{html.escape(assets + n)}">' for n in names)
    return "".join(f"<style>{_asset(n)}</style>" for n in names)


def script_tags(assets: str | None, *names: str) -> str:
    """``<script>`` elements holding the scripts ``names`` (never able to close themselves),
    or, with ``assets``, referencing them in that folder."""
    if assets is not None:
        return "".join(f'<script src="{html.escape(assets + n)}"></script>' for n in names)
    return "\n".join(f"<script>\n{_inline_script(asset_text(n))}</script>" for n in names)


def _asset(name: str) -> str:
    return (files("jiceng") / "assets" / name).read_text(encoding="utf-8")


def _inline_script(text: str) -> str:
    """A script that cannot close the <script> element it is inlined in."""
    return text.replace("</script", "<\\/script")


@lru_cache(maxsize=1)
def _vis_script() -> str:
    # no source map to fetch
    return _inline_script(re.sub(r"//[#@] sourceMappingURL=\S+", "", _asset("vis-network.min.js")))


def json_for_script(value) -> str:
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


def render_page(canvas: Canvas, title: str, dataset: str, summary: str = "", *,
                assets: str | None = None) -> NetworkMap:
    """The canvas in its page: header, search, "problems only", side panel, legend and a
    button that saves the map as a PNG. ``assets`` (a folder relative to the page, such as
    ``"assets/"``) references the scripts and styles there instead of inlining them."""
    e = html.escape
    data = {"nodes": canvas.nodes, "edges": canvas.edges, "options": _OPTIONS}
    today = dt.date.today().isoformat()
    n_problems = sum(1 for n in canvas.nodes if n["problem"])
    meta = (f"{summary}{' · ' if summary else ''}数据集 dataset: {dataset} · 生成于 generated "
            f"{today} · 节点 nodes {len(canvas.nodes)} · 关系 edges {len(canvas.edges)}")
    header = f'<div id="header"><h1>{e(title)}</h1><div class="meta">{e(meta)}</div></div>'

    body = "\n".join([
        '<div id="wrap"><div id="network"></div><div id="side">',
        '<input id="search" type="search" autocomplete="off" '
        'placeholder="搜索名称或编号 search name or id">',
        '<div id="results"></div>',
        f'<label class="problems"><input type="checkbox" id="problems-only"> 只看问题 problems only '
        f"({n_problems})</label>",
        f'<button type="button" id="png" data-file="{e(_png_name(title))}">'
        "保存为图片 save as PNG</button>",
        '<div id="panel" hidden></div>',
        f'<div id="legend">{canvas.legend()}</div>',
        "</div></div>",
        f'<script type="application/json" id="jiceng-data">{json_for_script(data)}</script>',
    ])
    return NetworkMap(title, len(canvas.nodes), len(canvas.edges), header, body, assets, meta)


def _png_name(title: str) -> str:
    """The PNG's file name: the map's title, without what a file name may not hold."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", title.split(" ")[0])[:60] + ".png"
