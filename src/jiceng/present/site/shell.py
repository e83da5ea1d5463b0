"""The frame of every page of the site: head, breadcrumbs, the search box, the scripts.

Styles and scripts are the shared assets (``report.css`` of the briefings, ``map.css`` and
``map.js`` of the maps, ``site.css`` and ``site.js``), referenced in the site's ``assets/``
folder, never inlined; the search index is ``search-index.js`` beside the pages (a script, since
a page opened from disk may not ``fetch()`` a file).
"""

from __future__ import annotations

import datetime as dt
import html

from jiceng.present.maps.page import NetworkMap, script_tags, style_tags

__all__ = ["ASSET_FOLDER", "render_shell", "map_block", "figures_block"]

#: The folder of the shared assets, relative to the pages.
ASSET_FOLDER = "assets/"


def render_shell(title: str, crumbs: list[tuple[str, str]], body: str, *, meta: str,
                 with_map: bool) -> str:
    """A whole page: ``body`` (trusted HTML, built with escaping) under the breadcrumbs (name,
    address) and the search box; every text given here is escaped."""
    e = html.escape
    trail = " › ".join(f'<a href="{e(href)}">{e(name)}</a>' for name, href in crumbs[:-1])
    here = f'<span aria-current="page">{e(crumbs[-1][0])}</span>'
    styles = ("report.css", "map.css", "site.css") if with_map else ("report.css", "site.css")
    scripts = ("vis-network.min.js", "map.js", "site.js") if with_map else ("site.js",)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        style_tags(ASSET_FOLDER, *styles),
        '</head><body class="site">',
        '<header class="site-head"><nav class="crumbs" aria-label="位置 breadcrumbs">'
        f"{trail}{' › ' if trail else ''}{here}</nav>",
        '<div class="site-search"><input id="site-search" type="search" autocomplete="off" '
        'placeholder="搜索社区、街道、单位 search a community, street or unit" '
        'aria-label="搜索 search"><div id="site-results" hidden></div></div></header>',
        f"<h1>{e(title)}</h1>",
        f'<p class="meta">{e(meta)} · 生成于 generated {dt.date.today().isoformat()}</p>',
        body,
        '<script src="search-index.js"></script>',
        script_tags(ASSET_FOLDER, *scripts),
        "</body></html>",
    ])


def map_block(page: NetworkMap, heading: str) -> str:
    """A map of :mod:`jiceng.present.maps` inside a page: its heading, the map's own line of
    figures, and the map (canvas, side panel with search, legend and PNG button)."""
    return (f'<h2 id="map">{html.escape(heading)}</h2><p class="meta">{html.escape(page.meta)}</p>'
            f'<div class="mapbox">{page.body}</div>')


def figures_block(figures: list[tuple[str, ...]]) -> str:
    """The headline figures: (value, Chinese label, English label[, fill]) as cards; a value
    that is not zero in a card whose label is a problem is shown in red (class ``bad``), a card
    with a fill (a tier's colour) is filled with it."""
    e = html.escape
    cards = []
    for value, zh, en, *fill in figures:
        bad = value.split("/")[0].strip() not in ("0", "") and zh in _BAD
        style = f' style="background:{e(fill[0])}"' if fill else ""
        cards.append(f'<div class="figure{" bad" if bad else ""}"{style}><b>{e(value)}</b>'
                     f"<span>{e(zh)}</span><small>{e(en)}</small></div>")
    return f'<div class="figures">{"".join(cards)}</div>'


#: Figures that count problems (red when not zero).
_BAD = {"问题社区", "孤立", "脆弱", "资源荒漠", "重点关注"}
