"""The offline site (docs/design.md §9): a city page, a page per district and per street, linked
both ways, searchable, printable on A4, each map saved as a PNG; opened from a folder
(``file://``) or any static server, loading nothing from outside its folder.

::

    from jiceng import read_sample
    from jiceng.present.site import build_site
    build_site(read_sample(), "site/")

The pages are built from what the commands show (:mod:`~jiceng.present.site.pages`), in one
frame (:mod:`~jiceng.present.site.shell`); the assets are copied once into ``assets/``; the
search index is a script (:mod:`~jiceng.present.site.search`); the folder is written whole or
not at all (:mod:`~jiceng.present.site.folder`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jiceng.graphmodel import OrgGraph
from jiceng.present.maps.page import ASSETS, asset_text
from jiceng.present.site.context import SiteContext, page_of
from jiceng.present.site.folder import MARKER, site_folder
from jiceng.present.site.pages import city_page, district_page, street_page
from jiceng.present.site.search import search_index
from jiceng.present.tiers import DEFAULT_TIERS, Tiers
from jiceng.queries.scope import Place
from jiceng.queries.trend import TrendResult

__all__ = ["build_site", "SiteSummary", "SITE_ASSETS"]

#: The assets of the site: the maps' and briefings' own, and the site's frame.
SITE_ASSETS = (*ASSETS, "site.css", "site.js")


@dataclass(frozen=True)
class SiteSummary:
    """What was written: the folder and how many pages of each kind."""

    folder: Path
    districts: int
    streets: int
    files: int


def build_site(graph: OrgGraph, output: str | os.PathLike, *, tiers: Tiers = DEFAULT_TIERS,
               force: bool = False, history: TrendResult | None = None,
               on_page: Callable[[int, int], None] | None = None) -> SiteSummary:
    """Write the site of ``graph`` into the folder ``output``, whole or not at all.

    ``output`` may be new or empty; a site written before is replaced only with ``force``; a
    folder holding anything else is refused (:class:`jiceng.graphmodel.OutputError`).
    ``history`` (:func:`jiceng.queries.trend.trend` of the snapshots up to this one) adds its
    charts to the city page (:func:`jiceng.present.trend.trend_charts_html`); ``on_page(done,
    total)`` is
    called after each page (a progress display). Costs the audit, isolation, reach and plan
    of the city once, then a map and the restricted reports per street and district.

    >>> import tempfile
    >>> from jiceng.loaders.synthetic import generate
    >>> city, _ = generate(seed=5, scale=0.05)  # a small city: four streets
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     summary = build_site(city, Path(folder) / "site")
    ...     (summary.folder / "index.html").is_file(), summary.streets
    (True, 4)
    """
    with site_folder(output, force=force) as folder:  # refused before anything is computed
        (folder / "assets").mkdir()
        for name in SITE_ASSETS:
            (folder / "assets" / name).write_text(asset_text(name), encoding="utf-8")
        ctx = SiteContext(graph, tiers)
        total = 1 + len(ctx.districts) + len(ctx.streets)
        (folder / MARKER).write_text(search_index(ctx), encoding="utf-8")
        (folder / "index.html").write_text(city_page(ctx, _trend(history, tiers)),
                                           encoding="utf-8")
        pages: list[tuple[str, Callable[[SiteContext, Place], str], Place]] = [
            (_file(page_of("district", p.id)), district_page, p) for p in ctx.districts]
        pages += [(_file(page_of("street", p.id)), street_page, p) for p in ctx.streets]
        for done, (name, build, place) in enumerate(pages, 2):
            (folder / name).write_text(build(ctx, place), encoding="utf-8")
            if on_page is not None:
                on_page(done, total)
    return SiteSummary(Path(output), len(ctx.districts), len(ctx.streets),
                       len(pages) + len(SITE_ASSETS) + 2)


def _trend(history: TrendResult | None, tiers: Tiers) -> str:
    """The trend charts of the city page, or nothing without a history."""
    if history is None:
        return ""
    from jiceng.present.trend import trend_charts_html  # loads only for a history

    return f'<div id="trend">{trend_charts_html(history, tiers)}</div>'


def _file(address: str) -> str:
    """The file name of a page's (quoted) address."""
    from urllib.parse import unquote

    return unquote(address)
