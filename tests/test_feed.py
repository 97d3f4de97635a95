"""Bevaka sökningen: the Atom feed of a search is well-formed Atom 1.0 (RFC 4287), its ids are
stable from request to request, and every entry has an updated time."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from test_web_support import shared_index

from web import create_app

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return create_app({"INDEX": str(shared_index(tmp_path_factory)), "RATE_LIMIT": 0}).test_client()


def atom_problems(root: ElementTree.Element) -> list[str]:
    """What RFC 4287 requires of a feed and its entries (section 4.1), checked one by one."""
    problems = []

    def once(element, name, where):
        found = element.findall(A + name)
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} atom:{name}, want exactly 1")
        return found[0] if found else None

    def date(element, name, where):
        value = once(element, name, where)
        if value is not None and not RFC3339.match(value.text or ""):
            problems.append(f"{where}: atom:{name} {value.text!r} is not an RFC 3339 date-time")

    if root.tag != A + "feed":
        return [f"root is {root.tag}, not atom:feed"]
    once(root, "id", "feed")
    once(root, "title", "feed")
    date(root, "updated", "feed")
    entries = root.findall(A + "entry")
    if not root.findall(A + "author") and any(not e.findall(A + "author") for e in entries):
        problems.append("feed: no atom:author, and an entry has none")
    if not [link for link in root.findall(A + "link") if link.get("rel") == "self"]:
        problems.append("feed: no rel=self link (SHOULD)")
    for i, entry in enumerate(entries):
        where = f"entry {i}"
        once(entry, "id", where)
        once(entry, "title", where)
        date(entry, "updated", where)
        alternates = [link for link in entry.findall(A + "link") if link.get("rel", "alternate") == "alternate"]
        if len(alternates) != 1 or not alternates[0].get("href"):
            problems.append(f"{where}: want one alternate link with an href")
        if not entry.findall(A + "content") and not entry.findall(A + "summary"):
            problems.append(f"{where}: neither content nor summary")
    for element in root.iter():
        if element.tag in (A + "id",) and not re.match(r"^[a-z][a-z0-9+.-]*:", element.text or ""):
            problems.append(f"atom:id {element.text!r} is not an absolute IRI")
    return problems


def feed(client, query: str):
    response = client.get("/api/v1/search.atom" + query)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert response.data.startswith(b"<?xml")
    return ElementTree.fromstring(response.data)


def test_the_feed_is_valid_atom(client):
    root = feed(client, "?q=skolskjuts")
    assert atom_problems(root) == []
    assert len(root.findall(A + "entry")) == 3


def test_entry_ids_are_stable_and_unique(client):
    first = [e.findtext(A + "id") for e in feed(client, "?q=skolskjuts").findall(A + "entry")]
    again = [e.findtext(A + "id") for e in feed(client, "?q=skolskjuts").findall(A + "entry")]
    assert first == again and len(set(first)) == len(first)
    assert all(i.startswith("urn:uuid:") for i in first)
    # The same document has the same id in any search's feed.
    other = {e.findtext(A + "title"): e.findtext(A + "id") for e in feed(client, "?q=avtalen").findall(A + "entry")}
    mine = {e.findtext(A + "title"): e.findtext(A + "id") for e in feed(client, "?q=skolskjuts").findall(A + "entry")}
    assert all(mine[t] == i for t, i in other.items() if t in mine)


def test_the_feed_id_belongs_to_the_search(client):
    assert feed(client, "?q=skolskjuts&year=2024").findtext(A + "id") == \
        feed(client, "?year=2024&q=skolskjuts").findtext(A + "id")
    assert feed(client, "?q=skolskjuts").findtext(A + "id") != feed(client, "?q=avtalen").findtext(A + "id")


def test_entries_are_newest_first_with_the_documents_dates(client):
    entries = feed(client, "?q=skolskjuts").findall(A + "entry")
    updated = [e.findtext(A + "updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert updated[0] == "2024-06-12T00:00:00Z"  # the follow-up's own date


def test_the_feed_keeps_the_searchs_filters_and_links_back(client):
    root = feed(client, "?q=skolskjuts&year=2024")
    entries = root.findall(A + "entry")
    assert len(entries) == 1
    link = entries[0].find(A + "link").get("href")
    assert "/dokument/" in link and parse_qs(urlsplit(link).query) == {"q": ["skolskjuts"], "year": ["2024"]}
    self_link = next(x.get("href") for x in root.findall(A + "link") if x.get("rel") == "self")
    assert urlsplit(self_link).path == "/api/v1/search.atom"


def test_a_bad_parameter_is_a_problem_not_a_feed(client):
    response = client.get("/api/v1/search.atom?year=tjugo")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_the_validator_catches_what_atom_forbids():
    bad = ElementTree.fromstring(f'<feed xmlns="{A[1:-1]}"><title>x</title><updated>igår</updated>'
                                 f'<entry><title>y</title></entry></feed>')
    problems = atom_problems(bad)
    assert any("atom:id" in p for p in problems) and any("RFC 3339" in p for p in problems)
    assert any("atom:author" in p for p in problems) and any("alternate" in p for p in problems)
