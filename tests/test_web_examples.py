"""Every page and API answer over real documents: the bundled examples/ and, where present,
the shared corpus of OCR'd municipal documents.

A small crawler starts at the search page and a few searches, follows every link a page
offers (documents, originals, sections, facets, chips, pages, commitments, cases, JSON
twins) and asks the API for every document id and every case id it lists. Each answer must
be 200 with the right content type and must not be an error page.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from kb.service import KnowledgeBase
from web import create_app

SEEDS = ("/", "/sok?q=barn", "/sok?q=n%C3%A4mnden&sort=date", "/sok?q=rekommendation&limit=3&page=2",
         "/dokument", "/ataganden", "/sparning", "/api/v1/documents", "/api/v1/cases",
         "/api/v1/commitments", "/api/v1/trace", "/api/v1/facets?q=barn", "/api/v1/search?q=barn",
         "/api/v1/openapi.json")
MAX_URLS = 700  # enough for every link of the examples and the corpus; a bound, not a goal
# Links differing only in a parameter's value lead to the same code; these values matter.
VALUES_THAT_MATTER = ("verdict", "status", "sort")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def local_links(page: str) -> list[str]:
    parser = Links()
    parser.feed(page)
    links = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def api_links(path: str, data) -> list[str]:
    """The per-id URLs an API list names: every document and every case."""
    if path.startswith("/api/v1/documents") and isinstance(data, dict) and "documents" in data:
        return [f"/api/v1/documents/{d['id']}" for d in data["documents"]]
    if path.startswith("/api/v1/cases") and isinstance(data, dict) and "cases" in data:
        return [f"/api/v1/cases/{c['id']}" for c in data["cases"]]
    return []


def shape(url: str) -> str:
    """What makes a URL worth its own visit: its path (ids included) and which parameters it
    sets, so ``/sok?q=a&year=2024`` and ``/sok?q=b&year=2025`` are visited once between them."""
    parts = urlsplit(url)
    names = sorted({
        pair.split("=", 1)[0] + (f"={pair.split('=', 1)[-1]}" if pair.startswith(VALUES_THAT_MATTER) else "")
        for pair in parts.query.split("&") if pair
    })
    return parts.path + "?" + "&".join(names)


def expands(path: str, depth: int) -> bool:
    """Follow the links of every page, but of search pages only near the seeds (facet
    combinations would otherwise multiply without end)."""
    return depth <= 1 or not path.startswith(("/sok", "/?"))


def crawl(client) -> dict[str, int]:
    seen: dict[str, int] = {}
    shapes: set[str] = set()
    queue = deque((seed, 0) for seed in SEEDS)
    failures = []
    while queue and len(seen) < MAX_URLS:
        path, depth = queue.popleft()
        if path in seen or shape(path) in shapes:
            continue
        shapes.add(shape(path))
        response = client.get(path)
        seen[path] = response.status_code
        kind = response.mimetype
        if response.status_code != 200:
            failures.append(f"{path}: {response.status_code}")
            continue
        if path.startswith("/api/v1/search.atom"):
            if kind != "application/atom+xml":
                failures.append(f"{path}: {kind}")
            ElementTree.fromstring(response.data)  # well-formed
            found = []
        elif urlsplit(path).path.endswith(".csv"):
            if kind != "text/csv":
                failures.append(f"{path}: {kind}")
            found = []
        elif path.startswith("/api/"):
            if kind != "application/json":
                failures.append(f"{path}: {kind}")
            found = api_links(path, response.get_json())
        elif kind == "text/html":
            page = response.get_data(as_text=True)
            if "Internt fel" in page or "Traceback" in page:
                failures.append(f"{path}: error page")
            found = local_links(page) if expands(path, depth) else []
        else:  # an original file
            found = []
        queue.extend((link, depth + 1) for link in found if link not in seen)
    assert failures == []
    return seen


def build_client(tmp_path_factory, name: str, folder):
    index = tmp_path_factory.mktemp(name) / "index"
    KnowledgeBase(index).ingest(sorted(folder.glob("*.txt")))
    return create_app({"INDEX": str(index), "RATE_LIMIT": 0}).test_client()


@pytest.fixture(scope="module")
def examples_client(tmp_path_factory, examples_dir):
    return build_client(tmp_path_factory, "examples", examples_dir)


@pytest.fixture(scope="module")
def corpus_client(tmp_path_factory, corpus_dir):
    return build_client(tmp_path_factory, "corpus", corpus_dir)


def assert_everything_visited(client, seen: dict[str, int]) -> None:
    docs = client.get("/api/v1/documents").get_json()["documents"]
    cases = client.get("/api/v1/cases").get_json()["cases"]
    assert docs and cases
    for doc in docs:
        assert f"/dokument/{doc['id']}" in seen, doc["source"]
        assert f"/dokument/{doc['id']}/original" in seen, doc["source"]
        assert f"/api/v1/documents/{doc['id']}" in seen, doc["source"]
    for case in cases:
        assert f"/sparning/{case['id']}" in seen, case["id"]
        assert f"/api/v1/cases/{case['id']}" in seen, case["id"]
    counts = client.get("/api/v1/commitments").get_json()["verdict_counts"]
    assert {"reported", "overdue"} <= set(counts)
    for verdict, n in counts.items():  # every verdict the examples give has its tab, and it was followed
        if n and verdict != "none":
            assert any(re.search(rf"/ataganden\?.*verdict={verdict}", p) for p in seen), verdict
    assert any(p.startswith("/sok?") and "year=" in p for p in seen)  # a year of the histogram
    assert any(p.startswith("/ataganden?doc=") for p in seen)  # a document's own commitments


def test_every_page_and_api_answer_over_the_examples(examples_client):
    seen = crawl(examples_client)
    assert_everything_visited(examples_client, seen)


@pytest.mark.slow
def test_every_page_and_api_answer_over_the_shared_corpus(corpus_client):
    seen = crawl(corpus_client)
    assert_everything_visited(corpus_client, seen)
