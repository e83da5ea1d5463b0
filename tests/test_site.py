"""``jiceng site``: the offline site of docs/design.md §9, built once on the bundled sample with
two hostile names planted, checked on disk and in one headless Chromium session."""

from __future__ import annotations

import functools
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from tests.conftest import XSS
from tests.helpers import chromium

FORMULA = '=HYPERLINK("http://example.com/x","点我")'


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The bundled sample (11 districts, 74 streets), one community renamed as an HTML payload
    and one unit as a spreadsheet formula: (dataset folder, graph, community id of the payload,
    its street id, the formula unit's id)."""
    from jiceng.graphmodel import OrgGraph
    from jiceng.loaders import read_sample, write_dataset

    nodes, edges = read_sample().to_tables()
    nodes = nodes.astype(str).where(nodes.notna())
    community = nodes.loc[nodes["kind"] == "community_party", "id"].iloc[3]
    unit = nodes.loc[nodes["kind"] == "unit_party", "id"].iloc[0]
    nodes.loc[nodes["id"] == community, "name"] = XSS
    nodes.loc[nodes["id"] == unit, "name"] = FORMULA
    edges = edges.astype(str).where(edges.notna())
    hostile = OrgGraph.from_tables(nodes, edges, name="hostile")
    folder = tmp_path_factory.mktemp("site-city")
    data = folder / "2026Q1"
    write_dataset(hostile, data)
    fewer = edges.drop(index=edges.index[edges["kind"] == "pairs_with"][:25])  # a quarter before
    write_dataset(OrgGraph.from_tables(nodes, fewer, name="earlier"), folder / "2025Q4")
    street = str(hostile.nodes["id"].iat[int(hostile.places["street"].iat[
        hostile.code(community)])])
    return data, hostile, community, street, unit


@pytest.fixture(scope="module")
def site(city, tmp_path_factory):
    """The site of the city with the quarter before as its history, written once by the
    command."""
    from click.testing import CliRunner

    from jiceng.cli import cli as command

    out = tmp_path_factory.mktemp("site-out") / "site"
    result = CliRunner().invoke(command, ["site", str(city[0]), "--output", str(out),
                                          "--history", str(city[0].parent / "2025Q4")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "已写出 wrote" in result.stderr and result.stdout == ""
    return out


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            elif name == "id" and value is not None:
                self.ids.add(value)


@functools.cache
def _parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_pages_of_city_districts_and_streets(site, city):
    graph = city[1]
    pages = sorted(p.name for p in site.glob("*.html"))
    n_districts = int(graph.is_kind("district_committee").sum())
    n_streets = int(graph.is_kind("street_committee").sum())
    assert len(pages) == 1 + n_districts + n_streets
    assert "index.html" in pages and len([p for p in pages if p.startswith("street-")]) == n_streets
    assert sorted(p.name for p in (site / "assets").iterdir()) == sorted(
        ["vis-network.min.js", "vis-network.LICENSE.txt", "map.css", "map.js", "report.css",
         "site.css", "site.js"])
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".")]  # no temporary left
    street_page = (site / f"street-{city[3]}.html").read_text(encoding="utf-8")
    assert "vis.Network" not in street_page  # the assets are referenced, not inlined
    assert len(street_page) < 2_000_000


def test_every_link_on_every_page_resolves_in_the_folder(site):
    root = site.resolve()
    checked = 0
    for page in sorted(site.glob("*.html")):
        for link in _parsed(page).links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{page.name} links outside: {link}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file() and target.is_relative_to(root), f"{page.name}: {link}"
            if parts.fragment:
                assert unquote(parts.fragment) in _parsed(target).ids, f"{page.name}: {link}"
            checked += 1
    index = (site / "search-index.js").read_text(encoding="utf-8")
    for href in re.findall(r'"([^"]+\.html(?:#[^"]*)?)"', index):
        path, _, fragment = href.partition("#")
        target = site / unquote(path)
        assert target.is_file(), href
        assert not fragment or unquote(fragment) in _parsed(target).ids, href
        checked += 1
    assert checked > 100


def test_hostile_names_are_text_in_every_file(site):
    for path in [*site.glob("*.html"), site / "search-index.js"]:
        text = path.read_text(encoding="utf-8")
        assert "<img src=x" not in text, path.name  # escaped in HTML, \u003c in JSON
    street = (site / "search-index.js").read_text(encoding="utf-8")
    assert "\\u003cimg src=x" in street and "=HYPERLINK" in street


def test_an_existing_site_is_replaced_only_with_force(city, site, cli):
    before = sorted(p.name for p in site.iterdir())
    stamp = (site / "index.html").stat().st_mtime_ns
    refused = cli("site", city[0], "--output", site)
    assert refused.exit_code == 2
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert sorted(p.name for p in site.iterdir()) == before
    assert (site / "index.html").stat().st_mtime_ns == stamp
    other = site.parent / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep", encoding="utf-8")
    refused = cli("site", city[0], "--output", other, "--force")  # not a site: never replaced
    assert refused.exit_code == 2 and "不是 jiceng site 写出的网站" in refused.stderr
    assert [p.name for p in other.iterdir()] == ["mine.txt"]
    refused = cli("site", city[0], "--output", city[0] / "nodes.csv", "--force")
    assert refused.exit_code == 2 and (city[0] / "nodes.csv").stat().st_size > 0


def test_two_snapshots_of_one_label_are_refused_before_anything_is_read(city, cli, tmp_path):
    out = tmp_path / "site"
    refused = cli("site", city[0], "--history", city[0], "--output", out)
    assert refused.exit_code == 2 and "Traceback" not in refused.stderr
    assert "'2026Q1'" in refused.stderr and "--labels" in refused.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_failure_midway_leaves_the_old_site_and_nothing_else(city, site, tmp_path,
                                                              monkeypatch):
    import jiceng.present.site as site_package

    def broken(*args, **kwargs):  # after the assets are written, before any page
        raise RuntimeError("disk gone")

    monkeypatch.setattr(site_package, "SiteContext", broken)
    with pytest.raises(RuntimeError, match="disk gone"):
        site_package.build_site(city[1], tmp_path / "new")
    assert list(tmp_path.iterdir()) == []
    old = tmp_path / "old"
    shutil.copytree(site, old)
    before = {p.name: p.read_bytes() for p in old.glob("*.html")}
    with pytest.raises(RuntimeError, match="disk gone"):
        site_package.build_site(city[1], old, force=True)
    assert {p.name: p.read_bytes() for p in old.glob("*.html")} == before
    assert [p.name for p in tmp_path.iterdir()] == ["old"]


def test_force_replaces_a_site_whole(site, tmp_path):
    from jiceng.present.site.folder import MARKER, site_folder

    old = tmp_path / "site"
    shutil.copytree(site, old)
    with site_folder(old, force=True) as building:
        assert building.parent == tmp_path and old.is_dir()  # the old site stays until the end
        (building / "index.html").write_text("new", encoding="utf-8")
        (building / MARKER).write_text("", encoding="utf-8")
    assert sorted(p.name for p in old.iterdir()) == ["index.html", MARKER]
    assert (old / "index.html").read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # nothing left beside it


# ------------------------------------------------------------------ one Chromium session
@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser.new_context(viewport={"width": 1300, "height": 900}, offline=True,
                                  accept_downloads=True)


@pytest.fixture(scope="module")
def opened(browser, site):
    """Every page opened once: the requests that left the folder and the errors per page."""
    root = site.resolve().as_uri()
    outside: list[str] = []
    errors: dict[str, list[str]] = {}

    def route(request_route):
        url = request_route.request.url
        if url.startswith(root + "/"):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    browser.route("**/*", route)
    page = browser.new_page()
    page.on("console", lambda m: errors.setdefault(page.url, []).append(m.text)
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.setdefault(page.url, []).append(str(e)))
    texts = {}
    drawn = set()
    for path in sorted(site.glob("*.html")):
        page.goto(path.as_uri())
        kind = path.name.split("-")[0]
        if kind not in drawn and page.locator("#network").count():  # one of each draws
            page.wait_for_function("window.jicengDrawn !== undefined", timeout=60_000)
            drawn.add(kind)
        texts[path.name] = page.evaluate("document.body.innerText")
        assert page.evaluate("window.__xss") is None, path.name
    return page, outside, errors, texts


@pytest.mark.browser
def test_no_page_loads_anything_from_outside_the_folder(opened):
    _, outside, errors, texts = opened
    assert outside == []
    assert errors == {}
    assert len(texts) > 10


def test_history_adds_the_trend_charts_to_the_city_page(site, city):
    from jiceng.queries.coverage import audit

    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<div id="trend">' in index and index.count("<svg") > 3
    assert "2025Q4" in index and "2026Q1" in index
    street = (site / f"street-{city[3]}.html").read_text(encoding="utf-8")
    assert "<svg" not in street
    scores = audit(city[1]).summary.set_index("rule")["coverage"]
    assert f"{scores['community-pairing']:.1%}" in index  # the latest coverage, as audited


@pytest.mark.browser
def test_hostile_names_stay_text_on_every_page(opened, city):
    _, _, _, texts = opened
    street_page = texts[f"street-{city[3]}.html"]
    assert XSS in street_page  # shown as the text it is
    assert any(FORMULA in text for text in texts.values())


@pytest.mark.browser
def test_clicking_a_street_box_on_the_overview_opens_its_page(opened, site, city):
    page = opened[0]
    page.goto((site / "index.html").as_uri())
    page.wait_for_function("window.jicengDrawn !== undefined", timeout=60_000)
    street = city[3]
    page.locator("#network").scroll_into_view_if_needed()
    box = page.locator("#network").bounding_box()
    point = page.evaluate(f"jicengNetwork.canvasToDOM(jicengNetwork.getPosition('{street}'))")
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_url(f"**/street-{street}.html")
    page.wait_for_function("window.jicengDrawn !== undefined", timeout=60_000)
    assert page.evaluate(f"jicengNodes.get('{street}') !== null")
    crumbs = page.locator("nav.crumbs a")  # and back up: city, district
    assert crumbs.count() == 2
    crumbs.first.click()
    page.wait_for_url("**/index.html")


@pytest.mark.browser
def test_search_finds_a_community_by_two_characters_and_opens_its_row(opened, site, city):
    graph = city[1]
    communities = graph.nodes[graph.is_kind("community_party")]
    name = next(n for n in communities["name"] if n != XSS and len(n) > 3)
    community = str(communities.loc[communities["name"] == name, "id"].iat[0])
    page = opened[0]
    page.goto((site / "index.html").as_uri())
    page.fill("#site-search", name[1:3])
    results = page.locator("#site-results a")
    texts = results.all_inner_texts()
    assert any(t.startswith(name) for t in texts), (name[1:3], texts[:5])
    results.filter(has_text=name).first.click()
    page.wait_for_url(re.compile(rf"street-.+\.html#c-{community}$"))
    assert page.evaluate(f"document.getElementById('c-{community}').innerText").startswith(name)


@pytest.mark.browser
def test_each_map_saves_a_png_and_prints_as_an_image(opened, site, city):
    page = opened[0]
    page.goto((site / f"street-{city[3]}.html").as_uri())
    page.wait_for_function("window.jicengDrawn !== undefined", timeout=60_000)
    with page.expect_download() as download:
        page.click("#png")
    saved = Path(download.value.path())
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and saved.stat().st_size > 5000
    page.evaluate("jicengPrintImage()")
    page.emulate_media(media="print")
    assert page.locator(".site-head").is_hidden() and page.locator("#side").is_hidden()
    assert page.locator("#network-print").is_visible()
    page.emulate_media(media="screen")
