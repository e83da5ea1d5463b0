"""The three maps in real headless Chromium, with the network cut off."""

from __future__ import annotations

import re
import time

import pytest
from tests.helpers import chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def open_map(browser, path):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(request_route):
        if request_route.request.url.startswith("file:"):
            request_route.continue_()
        else:
            requests.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    started = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("window.jicengDrawn !== undefined", timeout=60_000)
    seconds = time.perf_counter() - started
    return page, errors, requests, seconds


@pytest.mark.parametrize("which", ["overview", "street", "reach"])
def test_map_renders_offline_without_errors(browser, pages, which, tmp_path):
    path = pages[which].save(tmp_path / f"{which}.html")
    page, errors, requests, seconds = open_map(browser, path)
    counts = page.evaluate("[jicengNodes.length, jicengEdges.length]")
    assert counts == [pages[which].n_nodes, pages[which].n_edges]
    assert page.evaluate("document.querySelectorAll('#network canvas').length") == 1
    assert errors == [] and requests == []
    assert page.evaluate("window.__xss") is None  # the <img onerror> name did not run
    print(f"{which}: drawn in {seconds:.2f} s")


@pytest.mark.parametrize("which", ["overview", "street", "reach"])
def test_the_whole_map_is_in_view_when_it_opens(browser, pages, which, tmp_path):
    """Every node lies inside the canvas beside the legend, a margin from its edges, when the
    page has drawn: no column of the map starts under the side panel or off the left edge."""
    page, _, _, _ = open_map(browser, pages[which].save(tmp_path / f"{which}.html"))
    inside = page.evaluate("""() => {
        const net = window.jicengNetwork, box = document.getElementById("network");
        const width = box.clientWidth, height = box.clientHeight, margin = 0.02;
        const at = net.getPositions();
        return Object.keys(at).every(id => {
            const p = net.canvasToDOM(at[id]);
            return p.x > width * margin && p.x < width * (1 - margin)
                && p.y > height * margin && p.y < height * (1 - margin);
        });
    }""")
    assert inside


def test_street_map_screenshot_shows_chinese(browser, pages, artifacts):
    path = pages["street"].save(artifacts / "street_map.html")
    page, errors, _, _ = open_map(browser, path)
    page.evaluate("jicengNetwork.focus('S0001', {scale: 1.2})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "street_map.png"))
    assert (artifacts / "street_map.png").stat().st_size > 20_000
    assert errors == []


def test_largest_street_and_whole_city_draw(browser, sample, tmp_path):
    from jiceng.present.maps import overview_map, street_map

    streets = sample.places["street"].value_counts()
    largest = sample.nodes["id"].iat[int(streets.index[streets.index >= 0][0])]
    for name, page in (("largest street", street_map(sample, largest)),
                       ("whole city", overview_map(sample))):
        opened, errors, _, seconds = open_map(browser, page.save(tmp_path / "m.html"))
        assert errors == []
        assert opened.evaluate("jicengNodes.length") == page.n_nodes
        print(f"{name}: {page.n_nodes} nodes drawn in {seconds:.2f} s")


# ------------------------------------------------ what a planner does on the maps
@pytest.fixture(scope="module")
def facts(sample):
    from jiceng.queries.coverage import audit
    from jiceng.queries.isolation import isolation
    from jiceng.queries.reach import reach

    return audit(sample), isolation(sample), reach(sample)


@pytest.fixture(scope="module")
def overview_units(sample, facts, tmp_path_factory):
    from jiceng.present.maps import overview_map

    page = overview_map(sample, units=True, audit_result=facts[0], isolation_result=facts[1],
                        reach_result=facts[2])
    return page.save(tmp_path_factory.mktemp("maps") / "overview_units.html")


def _problems(sample, facts):
    result, iso, rch = facts
    rules = {r.id for r in result.rules if "community_party" in r.each}
    failing = set(result.gaps.loc[result.gaps["rule"].isin(rules), "id"])
    return set(iso.isolated), set(iso.fragile), set(rch.deserts), failing


DRAWN_COMMUNITIES = """Array.from(jicengNetwork.body.nodeIndices).filter(
    id => jicengMeta[id].kind === 'community_party')"""


def test_search_by_part_of_a_name_selects_and_centres(browser, overview_units, sample):
    page, errors, _, seconds = open_map(browser, overview_units)
    started = time.perf_counter()
    page.fill("#search", "翠安桥")
    page.press("#search", "Enter")
    page.wait_for_function("window.jicengFocused !== undefined")
    print(f"overview with units ({page.evaluate('jicengNodes.length')} nodes): drawn in "
          f"{seconds:.2f} s, search result focused in {time.perf_counter() - started:.2f} s")
    assert page.evaluate("window.jicengFocused") == "C00001"
    assert "C00001" in page.evaluate("jicengNetwork.getSelectedNodes()")
    centre = page.evaluate("[jicengNetwork.getViewPosition(), jicengNetwork.getPosition('C00001')]")
    assert abs(centre[0]["x"] - centre[1]["x"]) < 1 and abs(centre[0]["y"] - centre[1]["y"]) < 1
    assert page.locator("#results button").first.text_content().startswith("中华北路街道翠安桥")
    assert errors == []


def test_legend_hides_the_unit_kind(browser, overview_units):
    page, errors, _, _ = open_map(browser, overview_units)
    count = "Array.from(jicengNetwork.body.nodeIndices).filter(id => jicengMeta[id].kind === 'unit_party').length"
    assert page.evaluate(count) > 1000
    page.click('#legend [data-style="kind:unit_party"]')
    assert page.evaluate(count) == 0
    page.click('#legend [data-style="kind:unit_party"]')
    assert page.evaluate(count) > 1000
    assert errors == []


def test_problems_only_leaves_exactly_the_problem_communities(browser, overview_units, sample,
                                                              facts):
    page, errors, _, _ = open_map(browser, overview_units)
    everything = set().union(*_problems(sample, facts))
    assert len(page.evaluate(DRAWN_COMMUNITIES)) == sample.count("community_party")
    page.check("#problems-only")
    assert set(page.evaluate(DRAWN_COMMUNITIES)) == everything
    assert errors == []


def test_click_an_isolated_community_opens_its_panel(browser, overview_units, sample, facts):
    result, iso, _ = facts
    community = iso.isolated[0]
    titles = dict(zip(result.summary["rule"], result.summary["title_zh"]))
    failing = [titles[r] for r in result.gaps.loc[result.gaps["id"] == community, "rule"]]
    page, errors, _, _ = open_map(browser, overview_units)
    page.evaluate(f"jicengNetwork.focus('{community}', {{scale: 2, animation: false}})")
    point = page.evaluate(f"jicengNetwork.canvasToDOM(jicengNetwork.getPosition('{community}'))")
    box = page.locator("#network").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("#panel:not([hidden])")
    text = page.text_content("#panel")
    assert "孤立" in text and failing and all(t in text for t in failing)
    assert page.evaluate("window.jicengFocused") == community
    assert errors == []


def test_overview_marks_no_overlaps_and_honest_legend(browser, sample, facts, tmp_path):
    from jiceng.present.maps import overview_map

    page_file = overview_map(sample, audit_result=facts[0], isolation_result=facts[1],
                             reach_result=facts[2]).save(tmp_path / "overview.html")
    page, errors, _, _ = open_map(browser, page_file)
    isolated, fragile, deserts, failing = _problems(sample, facts)
    styles = page.evaluate("Object.fromEntries(jicengNodes.map(n => [n.id, n.styles]))")
    shapes = page.evaluate("Object.fromEntries(jicengNodes.map(n => [n.id, n.shape]))")
    assert {i for i, s in styles.items() if "status:isolated" in s} == isolated
    assert {i for i, s in styles.items() if "status:fragile" in s} == fragile
    assert {i for i, s in styles.items() if "status:desert" in s} == deserts
    assert all(shapes[i] == "diamond" for i in isolated)
    assert all(shapes[i] == "triangle" for i in fragile - isolated)
    used = set().union(*styles.values()) | set(page.evaluate(
        "[].concat(...jicengEdges.map(e => e.styles))"))
    legend = set(page.evaluate(
        "Array.from(document.querySelectorAll('#legend [data-style]')).map(r => r.dataset.style)"))
    assert legend == used
    # a fill in the legend is the fill drawn
    colours = page.evaluate("""Object.fromEntries(Array.from(document.querySelectorAll(
        '#legend [data-style]')).map(r => [r.dataset.style, r.dataset.colour]))""")
    fills = page.evaluate("jicengNodes.map(n => [n.styles[0], n.color.background])")
    assert {s for s, _ in fills} >= {"fails:0", "fails:1"}
    assert all(colours[s] == c for s, c in fills)
    boxes = page.evaluate("""(() => { const b = jicengNetwork.body.nodeIndices.map(
        id => jicengNetwork.getBoundingBox(id)); const hits = [];
        for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) {
          if (b[i].left < b[j].right && b[j].left < b[i].right &&
              b[i].top < b[j].bottom && b[j].top < b[i].bottom) hits.push([i, j]); }
        return hits; })()""")
    assert boxes == []
    assert errors == []


def test_payload_stays_inert_in_search_panel_and_tooltip(browser, pages, tmp_path):
    path = pages["street"].save(tmp_path / "street.html")
    page, errors, _, _ = open_map(browser, path)
    page.fill("#search", "<img")
    page.wait_for_selector("#results button")
    assert "<img" in page.locator("#results button").first.text_content()
    page.locator("#results button").first.click()
    page.wait_for_selector("#panel:not([hidden])")
    assert page.locator("#panel img").count() == 0 and page.locator("#results img").count() == 0
    node = page.evaluate("window.jicengFocused")
    point = page.evaluate(f"jicengNetwork.canvasToDOM(jicengNetwork.getPosition('{node}'))")
    box = page.locator("#network").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_timeout(600)
    assert page.locator("div.vis-tooltip img").count() == 0
    assert page.evaluate("window.__xss") is None
    assert errors == []


def test_largest_street_opens_and_responds(browser, sample, facts, tmp_path):
    from jiceng.present.maps import street_map

    streets = sample.places["street"].value_counts()
    largest = sample.nodes["id"].iat[int(streets.index[streets.index >= 0][0])]
    path = street_map(sample, largest, audit_result=facts[0], isolation_result=facts[1],
                      reach_result=facts[2]).save(tmp_path / "largest.html")
    page, errors, _, seconds = open_map(browser, path)
    started = time.perf_counter()
    target = page.evaluate("jicengNodes.get().find(n => n.kind === 'community_party').id")
    page.fill("#search", target)
    page.press("#search", "Enter")
    page.wait_for_function("window.jicengFocused !== undefined")
    print(f"largest street {largest}: drawn in {seconds:.2f} s, "
          f"search focused in {time.perf_counter() - started:.2f} s")
    assert errors == []


def test_screenshots_of_the_three_maps(browser, sample, facts, artifacts):
    """Writes test-artifacts/{overview,street,reach}.png; scripts/map_screenshots.py copies
    them to docs/."""
    from jiceng.present.maps import overview_map, reach_map, street_map

    kw = {"audit_result": facts[0], "isolation_result": facts[1], "reach_result": facts[2]}
    maps = {"overview": overview_map(sample, **kw), "street": street_map(sample, "S0001", **kw),
            "reach": reach_map(sample, sorted(facts[1].single_points)[0], **kw)}
    for name, network_map in maps.items():
        page, errors, _, _ = open_map(browser, network_map.save(artifacts / f"map_{name}.html"))
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts / f"map_{name}.png"))
        assert (artifacts / f"map_{name}.png").stat().st_size > 20_000 and errors == []


# ------------------------------------------------ score tiers (docs/design.md §4.7)
@pytest.fixture
def tiered_overview(tmp_path):
    """The overview of a city whose three streets score exactly 95 %, 90 % and 80 %."""
    from tests.test_tiers import tiered_city

    from jiceng.loaders import read_dataset
    from jiceng.present.maps import overview_map
    from jiceng.queries.coverage import audit
    from jiceng.queries.rules import load_rules

    data, rules = tiered_city(tmp_path)
    graph = read_dataset(data)
    result = audit(graph, load_rules(rules))
    scores = dict(zip(result.ranking["street"], result.ranking["score"]))
    assert scores == {"S1": 0.95, "S2": 0.90, "S3": 0.80}
    return overview_map(graph, audit_result=result).save(tmp_path / "overview.html")


def test_overview_street_boxes_in_the_three_tier_colours(browser, tiered_overview):
    from tests.test_tiers import _green_amber_red

    page, errors, _, _ = open_map(browser, tiered_overview)
    fills = page.evaluate("Object.fromEntries(['S1', 'S2', 'S3'].map("
                          "id => [id, jicengNodes.get(id).color.background]))")
    assert {s: _green_amber_red(c) for s, c in fills.items()} == \
        {"S1": "green", "S2": "amber", "S3": "red"}
    # a legend row per tier, its swatch the fill drawn, its text the tier and its range
    rows = page.evaluate("""Array.from(document.querySelectorAll('#legend [data-style^="tier:"]'))
        .map(r => [r.dataset.style, r.dataset.colour,
                   getComputedStyle(r.querySelector('.swatch')).backgroundColor, r.textContent])""")
    assert [r[0] for r in rows] == ["tier:ok", "tier:warn", "tier:focus"]
    assert [r[1] for r in rows] == [fills["S1"], fills["S2"], fills["S3"]]
    shown = ["#" + "".join(f"{int(v):02x}" for v in re.findall(r"\d+", r[2])[:3]) for r in rows]
    assert shown == [r[1] for r in rows]
    assert [r[3].split()[0] for r in rows] == ["达标", "预警", "重点关注"]
    assert "≥ 95%" in rows[0][3] and "85%–95%" in rows[1][3] and "< 85%" in rows[2][3]
    page.click('#legend [data-style="tier:warn"]')  # the entry hides what it describes
    assert page.evaluate("jicengNetwork.body.nodes['S2'].options.hidden") is True
    assert errors == []


def test_clicking_a_street_opens_its_map_beside_the_overview(browser, cli, tmp_path):
    from tests.test_tiers import tiered_city

    data, _ = tiered_city(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    assert cli("map", data, "--street", "S2", "--output", site).exit_code == 0
    assert cli("map", data, "--overview", "--output", site).exit_code == 0
    page, errors, requests, _ = open_map(browser, site / "overview.html")
    box = page.locator("#network").bounding_box()
    for street in ("S1", "S2"):  # S1 has no map written: a click selects it
        point = page.evaluate(f"jicengNetwork.canvasToDOM(jicengNetwork.getPosition('{street}'))")
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        if street == "S1":
            page.wait_for_selector("#panel:not([hidden])")
            assert page.evaluate("window.jicengFocused") == "S1"
            assert page.locator("#panel a.open").count() == 0
    page.wait_for_url("**/street-S2.html")
    page.wait_for_function("window.jicengDrawn !== undefined", timeout=60_000)
    assert page.evaluate("jicengNodes.get('S2') !== null")
    assert errors == [] and requests == []
