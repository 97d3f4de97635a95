"""End to end in real headless Chromium: type a query, click a year in the histogram, open a
document. The app is served by waitress on a free loopback port in a thread. The screenshots
go to a temporary directory; the README's pictures come from docs/screenshots/make.py."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from optional_tools import CHROMIUM as NO_CHROMIUM
from playwright.sync_api import sync_playwright
from test_web_support import shared_index

from web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from waitress.server import create_server

    app = create_app({"INDEX": str(shared_index(tmp_path_factory)), "RATE_LIMIT": 0})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file() and not shutil.which("chromium"):
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def test_search_click_a_year_and_open_a_document(browser, base_url, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(base_url + "/")
    page.get_by_label("Sök i yttranden, remissvar och uppföljningar").fill("skolskjuts")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=skolskjuts**")
    heading = page.locator("#results-heading")
    assert "träffar för" in heading.inner_text()
    hits_before = page.locator("li.hit").count()
    assert hits_before >= 2
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

    page.locator(".histogram a", has_text="2023").click()
    page.wait_for_url("**year=2023**")
    assert page.locator(".chip", has_text="2023").count() == 1
    hits = page.locator("li.hit")
    assert 1 <= hits.count() < hits_before
    assert all("2023" in hits.nth(i).inner_text() for i in range(hits.count()))

    hits.first.locator("h3 a").click()
    page.wait_for_url("**/dokument/**")
    back = page.locator(".breadcrumbs a").first
    assert "q=skolskjuts" in back.get_attribute("href") and "year=2023" in back.get_attribute("href")
    assert page.locator("h1").inner_text().startswith("Yttrande")
    assert page.locator(".doc-body mark").count() >= 1  # the query words are highlighted
    page.locator("summary", has_text="ursprungliga OCR-texten").click()
    assert page.locator(".raw-text pre").is_visible()
    page.screenshot(path=str(tmp_path / "document.png"), full_page=True)
    assert (tmp_path / "document.png").stat().st_size > 0
    assert errors == []  # no CSP violations, no failed resources, no script errors


def test_the_search_page_works_at_phone_width_and_by_keyboard(browser, base_url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base_url + "/sok?q=skolskjuts")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innehall"
    page.goto(base_url + "/sok")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"


def test_every_kind_of_page_fits_a_phone(browser, base_url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base_url + "/sparning")
    case_url = page.locator(".case-list h2 a", has_text="Skolskjutsar").get_attribute("href")
    page.goto(base_url + "/dokument")
    doc_url = page.locator(".data-table a").first.get_attribute("href")
    for path in ("/ataganden", "/sparning", case_url, doc_url, "/dokument", "/sok?q=skolskjuts&year=2023"):
        page.goto(base_url + path)
        # The wide tables scroll inside their own box; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(base_url + case_url)
    assert page.locator(".matrix td").first.evaluate("e => getComputedStyle(e).display") == "block"


def test_keyboard_focus_is_visible_on_links_and_controls(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/ataganden")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand link
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
