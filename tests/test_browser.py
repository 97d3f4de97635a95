"""End to end in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), at a
desktop width (1280 px) and a phone width (390 px): the list of documents and its tiers, filters
typed in the query as chips removed by a click, a malformed query, Åtaganden with titles, pages
and CSV, the Atom feed, the keyboard path to the results, the print view, and axe-core on every
kind of page, failing on any serious or critical violation.

The app is served by waitress on a free loopback port in a thread. Where Chromium or Playwright
is missing the tests skip, except in CI (``CI`` or ``KB_CI`` set), where they fail.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from optional_tools import CHROMIUM as NO_CHROMIUM
from test_feed import atom_problems
from test_web_support import plan_index

from web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
WIDTHS = {"desktop": 1280, "phone": 390}
SERIOUS = ("serious", "critical")

pytestmark = pytest.mark.browser


def missing(what: str):
    """Skip where the browser is not installed; in CI that is a failure, never a silent skip."""
    if os.environ.get("CI") or os.environ.get("KB_CI"):
        pytest.fail(f"{what} is missing in CI: .ci/run installs it")
    pytest.skip(NO_CHROMIUM if what == "chromium" else f"{what} is not installed")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from waitress.server import create_server

    app = create_app({"INDEX": str(plan_index(tmp_path_factory)), "RATE_LIMIT": 0})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium")
    if not executable:
        missing("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright Python package")
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data dir
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=str(executable), args=ARGS,
                                                       locale="sv-SE", accept_downloads=True)
        yield context
        context.close()


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def page(request, browser):
    page = browser.new_page()
    page.set_viewport_size({"width": WIDTHS[request.param], "height": 900})
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    page.close()


def width(page) -> int:
    return page.viewport_size["width"]


def fits(page) -> None:
    """The page never scrolls sideways (wide tables scroll inside their own box)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width(page), page.url


def search(page, base_url: str, query: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Sök i yttranden, remissvar och uppföljningar").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_url("**/sok?**")


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


# -- the list of documents and its tiers -------------------------------------------------------

def test_documents_with_all_the_words_come_first_then_a_divider(page, base_url):
    search(page, base_url, "digital skolskjuts")
    docs = page.locator("li.doc-hit")
    n = docs.count()
    ids = [docs.nth(i).get_attribute("data-doc-id") for i in range(n)]
    assert n >= 3 and len(set(ids)) == n  # one result per document
    assert f"{n} dokument för" in page.locator("#results-heading").inner_text()
    assert [docs.nth(i).get_attribute("data-tier") for i in range(n)][:3] == ["0", "0", "1"]
    all_words = page.get_by_role("heading", name="2 dokument innehåller alla orden")
    some_words = page.get_by_role("heading", name=re.compile("^Dokument med några av orden"))
    divider = page.locator("hr.tier-divider")
    assert all_words.is_visible() and some_words.is_visible() and divider.is_visible()
    y = [loc.bounding_box()["y"] for loc in (all_words, docs.nth(0), docs.nth(1), divider, docs.nth(2))]
    assert y == sorted(y)
    assert docs.nth(1).locator(".doc-section-hit").count() >= 1
    fits(page)
    assert page.errors == []


def test_more_hits_lead_to_the_document_with_its_matching_sections_marked(page, base_url):
    search(page, base_url, "plan")
    more = page.locator(".more-hits a").first
    count = int(more.inner_text().split()[0])
    more.click()
    page.wait_for_url("**/dokument/**")
    assert page.locator("#traffar-i-dokumentet").is_visible()
    assert page.locator(".doc-section.is-match").count() == count + 3
    fits(page)


def test_the_section_list_is_one_click_away(page, base_url):
    search(page, base_url, "skolskjuts")
    page.get_by_role("link", name="Visa avsnitt").click()
    page.wait_for_url("**visa=avsnitt**")
    assert "avsnitt för" in page.locator("#results-heading").inner_text()
    assert page.locator("li.hit").count() >= 3 and page.locator("li.doc-hit").count() == 0


# -- filters typed in the query ----------------------------------------------------------------

def test_typed_filters_are_chips_that_a_click_removes(page, base_url):
    search(page, base_url, "skolskjuts år:2023..2024 nämnd:grundskolenämnden")
    chips = page.locator(".chip[data-source='query']")
    assert chips.count() == 2
    assert page.locator(".bar-link.is-selected").count() == 2
    assert page.locator("#year_from").input_value() == "2023" and page.locator("#year_to").input_value() == "2024"
    assert page.locator(".facet-link.is-selected", has_text="Grundskolenämnden").count() == 1
    page.locator(".chip[data-filter='year']").click()
    page.wait_for_url(lambda url: "år" not in query_of(url).get("q", ""))
    assert page.locator("#q").input_value() == "skolskjuts nämnd:grundskolenämnden"
    assert page.locator(".chip[data-source='query']").count() == 1
    assert page.locator(".bar-link.is-selected").count() == 0 and page.locator("#year_from").input_value() == ""
    page.locator(".chip[data-filter='committee']").click()
    page.wait_for_url(lambda url: query_of(url).get("q") == "skolskjuts")
    assert page.locator("#q").input_value() == "skolskjuts" and page.locator(".chip").count() == 0
    fits(page)


def test_a_query_with_nothing_to_search_finds_nothing_and_says_why(page, base_url):
    search(page, base_url, '"((')
    assert page.locator("#results-heading").inner_text().startswith("0 dokument")
    assert "inga ord att söka på" in page.locator(".alert-info").inner_text()
    assert page.locator("li.hit").count() == 0


# -- Åtaganden ---------------------------------------------------------------------------------

def test_commitments_are_named_paged_sorted_and_downloaded(page, base_url, tmp_path):
    page.goto(base_url + "/ataganden")
    cards = page.locator("li.commitment")
    assert cards.count() == 50
    listing = page.locator("#ataganden-lista").inner_text()
    assert ".txt" not in listing and "Handlingsplan för fritid och lärande 2024" in listing
    total = int(page.locator(".list-count strong").inner_text())
    page.get_by_role("link", name="Nästa ›").click()
    page.wait_for_url("**page=2**")
    assert cards.count() == total - 50
    page.get_by_role("link", name="Tidpunkt", exact=True).click()
    page.wait_for_url("**sort=deadline**")
    page.locator("#f-committee").select_option("Grundskolenämnden")
    page.wait_for_url("**committee=**")
    assert "sort=deadline" in page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som CSV").click()
    saved = tmp_path / "ataganden.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == int(page.locator(".list-count strong").inner_text()) >= 2
    assert {r["committee"] for r in rows} == {"Grundskolenämnden"} and all(r["document_title"] for r in rows)
    assert page.locator("#f-due").get_attribute("placeholder") == "ÅÅÅÅ-MM-DD"
    fits(page)
    assert page.errors == []


# -- Bevaka sökningen --------------------------------------------------------------------------

def test_the_search_offers_a_valid_atom_feed(page, base_url):
    search(page, base_url, "skolskjuts")
    link = page.get_by_role("link", name="Bevaka sökningen")
    href = link.get_attribute("href")
    assert page.locator("link[rel=alternate][type='application/atom+xml']").get_attribute("href") == href
    response = page.request.get(base_url + href)
    assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.body())
    assert atom_problems(root) == []
    again = ElementTree.fromstring(page.request.get(base_url + href).body())
    ids = [e.findtext("{http://www.w3.org/2005/Atom}id") for e in root.iter("{http://www.w3.org/2005/Atom}entry")]
    assert ids and ids == [e.findtext("{http://www.w3.org/2005/Atom}id")
                           for e in again.iter("{http://www.w3.org/2005/Atom}entry")]


# -- keyboard, print ---------------------------------------------------------------------------

def test_the_skip_link_leads_straight_to_the_results(page, base_url):
    page.goto(base_url + "/sok?q=skolskjuts")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.textContent") == "Hoppa till träffarna"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "traffar"
    presses = 0
    while presses < 7 and not page.evaluate("!!document.activeElement.closest('.hit-title')"):
        page.keyboard.press("Tab")
        presses += 1
    assert presses <= 6, "the first result is more than six Tab presses past the skip link"
    page.goto(base_url + "/sok")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"


def test_keyboard_focus_is_visible_on_links_and_controls(page, base_url):
    page.goto(base_url + "/ataganden")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand link
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_the_print_view_keeps_the_metadata_table(page, base_url):
    search(page, base_url, "skolskjuts")
    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/dokument/**")
    page.emulate_media(media="print")
    assert page.locator(".meta-table").is_visible()
    assert page.locator(".meta-table th", has_text="Diarienummer").is_visible()
    assert not page.locator(".site-header").is_visible() and not page.locator("nav.outline").is_visible()
    page.emulate_media(media="screen")


# -- every kind of page fits, and axe finds nothing serious ------------------------------------

def page_paths(page, base_url: str) -> dict[str, str]:
    cases = page.request.get(base_url + "/api/v1/cases").json()["cases"]
    case = next(c for c in cases if (c["subject"] or "").lower() == "skolskjutsar")
    docs = page.request.get(base_url + "/api/v1/documents").json()["documents"]
    statement = next(d for d in docs if d["source"] == "yttrande-skolskjuts.txt")
    return {
        "start": "/",
        "search": "/sok?q=skolskjuts",
        "search with tiers": "/sok?q=digital+skolskjuts",
        "search with typed filters": "/sok?q=skolskjuts+%C3%A5r%3A2023..2024+n%C3%A4mnd%3Agrundskolen%C3%A4mnden",
        "sections": "/sok?q=digital+skolskjuts&visa=avsnitt",
        "nothing to search": "/sok?q=%22((",
        "document": f"/dokument/{statement['id']}?q=skolskjuts",
        "documents": "/dokument",
        "commitments": "/ataganden?as_of=2025-01-01",
        "cases": "/sparning",
        "case": f"/sparning/{case['id']}?as_of=2025-01-01",
        "not found": "/finns-inte",
    }


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page. axe is evaluated through the
    DevTools protocol, which the pages' Content-Security-Policy (no inline scripts) does not
    govern, so the test runs against the real policy, not a relaxed one."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    assert page.evaluate("axe.version") == AXE_VERSION
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")
    return [v for v in result if v["impact"] in SERIOUS]


def test_every_kind_of_page_fits_and_has_no_serious_accessibility_violation(page, base_url):
    found = {}
    for name, path in page_paths(page, base_url).items():
        before = len(page.errors)
        page.goto(base_url + path)
        if name == "not found":  # the browser logs the 404 status itself
            del page.errors[before:]
        for details in page.locator("details").all():  # open blocks: the raw OCR text, follow-ups
            details.evaluate("d => d.open = true")
        fits(page)
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert found == {}
    assert page.errors == []


def test_the_case_matrix_turns_into_cards_on_a_phone(page, base_url):
    page.goto(base_url + page_paths(page, base_url)["case"])
    display = page.locator(".matrix td").first.evaluate("e => getComputedStyle(e).display")
    assert display == ("block" if width(page) < 700 else "table-cell")


def test_axe_catches_the_faults_this_ui_had(page):
    """The check can fail: a link named otherwise than it reads, and a scrolling block that
    cannot take focus, are what axe reported on these pages before."""
    page.set_content('<html lang="sv"><head><title>Prov</title></head><body><main><h1>Prov</h1>'
                     '<a href="#s3" aria-label="Öppna originalet på sidan 3">s. 3</a>'
                     '<div style="overflow:auto;height:2em"><pre>rad 1\nrad 2\nrad 3\nrad 4\nrad 5</pre></div>'
                     '</main></body></html>')
    assert {v["id"] for v in axe_violations(page)} == {"label-content-name-mismatch", "scrollable-region-focusable"}
