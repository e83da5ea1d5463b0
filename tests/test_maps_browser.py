"""The three maps in real headless Chromium, with the network cut off."""

from __future__ import annotations

import shutil
import time

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


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


def test_street_map_screenshot_shows_chinese(browser, pages, artifacts):
    path = pages["street"].save(artifacts / "street_map.html")
    page, errors, _, _ = open_map(browser, path)
    page.evaluate("jicengNetwork.focus('S0001', {scale: 1.2})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "street_map.png"))
    assert (artifacts / "street_map.png").stat().st_size > 20_000
    assert errors == []


def test_largest_street_and_whole_city_draw(browser, sample, tmp_path):
    from jiceng.maps import overview_map, street_map

    streets = sample.places["street"].value_counts()
    largest = sample.nodes["id"].iat[int(streets.index[streets.index >= 0][0])]
    for name, page in (("largest street", street_map(sample, largest)),
                       ("whole city", overview_map(sample))):
        opened, errors, _, seconds = open_map(browser, page.save(tmp_path / "m.html"))
        assert errors == []
        assert opened.evaluate("jicengNodes.length") == page.n_nodes
        print(f"{name}: {page.n_nodes} nodes drawn in {seconds:.2f} s")
