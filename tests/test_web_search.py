"""The search page reads like a case archive: one result per document with its best sections,
honest tiers, every filter visible and removable, malformed input answered with nothing, and the
highlighting marking only what matched. Flask's test client over real indexes built by the service."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from test_web_support import plan_index, shared_index

from web import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return create_app({"INDEX": str(shared_index(tmp_path_factory)), "RATE_LIMIT": 0}).test_client()


@pytest.fixture(scope="module")
def plan_client(tmp_path_factory):
    return create_app({"INDEX": str(plan_index(tmp_path_factory)), "RATE_LIMIT": 0}).test_client()


def html(response) -> str:
    return response.get_data(as_text=True)


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url.replace("&amp;", "&")).query).items()}


def results(page: str) -> str:
    return page.split('id="traffar"', 1)[1]


# -- one result per document -------------------------------------------------------------------

def test_the_json_adds_documents_and_keeps_the_hits(client):
    body = client.get("/api/v1/search?q=digital+skolskjuts").get_json()
    assert body["total"] == len(body["hits"]) and body["total_documents"] == len(body["documents"]) == 3
    hit_ids = {h["id"] for h in body["hits"]}
    for doc in body["documents"]:
        assert {"doc_id", "title", "date", "year", "committee", "doc_type", "municipality", "score", "tier",
                "sections"} <= set(doc)
        assert 1 <= len(doc["sections"]) <= 3 and all(s.startswith(doc["doc_id"] + "#") for s in doc["sections"])
        assert set(doc["sections"]) <= hit_ids  # few hits here: every shown section is one of them
    assert "tier" not in body["hits"][0]  # hits keep their shape


def test_the_page_lists_each_document_once_with_its_sections(client):
    page = html(client.get("/sok?q=skolskjuts"))
    listed = re.findall(r'class="hit doc-hit[^"]*" data-doc-id="([0-9a-f]+)"', page)
    assert len(listed) == len(set(listed)) == 3
    assert re.search(r'id="results-heading"[^>]*>3 dokument för', page)
    assert page.count('class="doc-section-hit"') >= 3


def test_a_document_with_more_matching_sections_links_to_them(plan_client):
    page = html(plan_client.get("/sok?q=plan"))
    more = re.search(r'<p class="more-hits"><a href="([^"]+)">(\d+) fler träffar i dokumentet', page)
    assert more, "the action plan matches in more sections than three"
    document = html(plan_client.get(more.group(1).replace("&amp;", "&")))
    marked = re.findall(r'class="doc-section is-match"', document)
    assert len(marked) == int(more.group(2)) + 3
    assert 'id="traffar-i-dokumentet"' in document and "avsnitt i dokumentet matchar sökningen" in document
    # A section that matches through the document's title alone says so and marks nothing.
    for section in re.findall(r'<section id="avsnitt-\d+" class="doc-section is-match is-title-match">(.*?)</section>',
                              document, re.S):
        assert "<mark>" not in section and "match-badge" not in section


def test_visa_avsnitt_gives_the_section_list(client):
    page = html(client.get("/sok?q=n%C3%A4mnden+avtalen&visa=avsnitt"))
    assert re.search(r'id="results-heading"[^>]*>7 avsnitt för', page)
    assert len(re.findall(r'<li class="hit hit-some-words">', page)) == 7
    switch = re.search(r'<a href="([^"]+)">Visa dokument</a>', page).group(1)
    assert "visa" not in query_of(switch)


def test_pages_count_documents(client):
    first = client.get("/api/v1/search?q=n%C3%A4mnden+avtalen&limit=2").get_json()
    second = client.get("/api/v1/search?q=n%C3%A4mnden+avtalen&limit=2&page=2").get_json()
    assert first["pagination"]["pages"] == 2
    assert len(first["documents"]) == 2 and len(second["documents"]) == 1
    assert not {d["doc_id"] for d in first["documents"]} & {d["doc_id"] for d in second["documents"]}


# -- honest tiers ------------------------------------------------------------------------------

def test_documents_with_all_the_words_come_first_under_their_own_heading(client):
    body = client.get("/api/v1/search?q=digital+skolskjuts").get_json()
    assert [d["tier"] for d in body["documents"]] == [0, 0, 1]
    assert body["tiers"] == {"all_words": 2, "some_words": 1}
    assert sum(body["facets"]["doc_type"].values()) == 2  # facets count the first tier
    page = results(html(client.get("/sok?q=digital+skolskjuts")))
    heading = page.index("2 dokument innehåller alla orden")
    divider = page.index('<hr class="tier-divider">')
    assert heading < divider < page.index("Dokument med några av orden")
    assert page.count('data-tier="0"') == 2 and page.index('data-tier="1"') > divider


def test_without_any_document_holding_all_words_it_says_so(client):
    page = results(html(client.get("/sok?q=n%C3%A4mnden+avtalen")))
    assert "Inga dokument innehåller alla orden" in page and "Dokument med några av orden" in page


def test_one_word_has_no_tiers(client):
    page = results(html(client.get("/sok?q=skolskjuts")))
    assert "tier-divider" not in page and "innehåller alla orden" not in page


# -- malformed input ---------------------------------------------------------------------------

@pytest.mark.parametrize("query", ['"((', "!!!", "()", "-"])
def test_a_query_without_searchable_words_finds_nothing_and_says_why(client, query):
    body = client.get("/api/v1/search", query_string={"q": query}).get_json()
    assert body["total"] == 0 and body["hits"] == [] and body["documents"] == []
    assert "inga ord att söka på" in body["notice"]
    page = html(client.get("/sok", query_string={"q": query}))
    assert re.search(r'id="results-heading"[^>]*>0 dokument', page) and "inga ord att söka på" in page


def test_filters_alone_still_browse(client):
    body = client.get("/api/v1/search?q=%C3%A5r:2024").get_json()
    assert body["total_documents"] == 1 and body["notice"] is None


# -- every filter visible ----------------------------------------------------------------------

def chips(page: str) -> list[tuple[str, str, str, str]]:
    """(href, name, source, text) of every chip."""
    return [(h.replace("&amp;", "&"), n, s, re.sub(r"<[^>]+>|\s+", " ", t).strip()) for h, n, s, t in re.findall(
        r'<a class="chip[^"]*" href="([^"]+)"\s+data-filter="([^"]+)" data-source="([^"]+)"[^>]*>(.*?)</a>',
        page, re.S)]


def test_a_typed_year_range_is_a_chip_a_histogram_selection_and_from_to_values(client):
    page = html(client.get("/sok", query_string={"q": "skolskjuts år:2023..2024"}))
    (href, name, source, text), = chips(page)
    assert (name, source) == ("year", "query") and "2023–2024" in text
    assert query_of(href) == {"q": "skolskjuts"}  # the click takes it out of the query text
    selected = re.findall(r'class="bar-link is-selected"[^>]*title="(\d{4}):', page)
    assert selected == ["2023", "2024"]
    assert re.search(r'id="year_from"[^>]*value="2023"', page, re.S)
    assert re.search(r'id="year_to"[^>]*value="2024"', page, re.S)
    # The Från/till form replaces the typed range instead of narrowing it.
    form = page.split('class="year-range"', 1)[1].split("</form>", 1)[0]
    assert 'name="q" value="skolskjuts"' in form


def test_a_typed_committee_selects_its_facet_value_and_another_click_replaces_it(client):
    page = html(client.get("/sok", query_string={"q": "skolskjuts nämnd:grundskolenämnden"}))
    (href, name, source, _text), = chips(page)
    assert (name, source) == ("committee", "query") and query_of(href) == {"q": "skolskjuts"}
    facet = page.split('id="facet-committee"', 1)[1].split("</section>", 1)[0]
    chosen = re.search(r'<a href="([^"]+)" class="facet-link is-selected"[^>]*>\s*<span class="facet-label">.*?'
                       r'Grundskolenämnden', facet, re.S)
    assert chosen and query_of(chosen.group(1)) == {"q": "skolskjuts"}  # clicking it deselects


def test_every_filter_is_in_active_filters(client):
    body = client.get("/api/v1/search", query_string={"q": "avtalen typ:yttrande kommun:exempelstad",
                                                         "year": "2023"}).get_json()
    got = {(f["name"], f["source"]) for f in body["active_filters"]}
    assert got == {("year", "parameter"), ("doc_type", "query"), ("municipality", "query")}
    typed = next(f for f in body["active_filters"] if f["name"] == "doc_type")
    assert typed["text"] == "typ:yttrande" and query_of(typed["remove_url"])["q"] == "avtalen kommun:exempelstad"


def test_clearing_all_filters_keeps_the_words(client):
    page = html(client.get("/sok", query_string={"q": "avtalen typ:yttrande", "year": "2023"}))
    clear = re.search(r'<a class="chip chip-clear" href="([^"]+)"', page).group(1)
    assert query_of(clear) == {"q": "avtalen"}


# -- highlighting and the query shown once -----------------------------------------------------

def test_the_query_is_quoted_once(client):
    page = html(client.get("/sok", query_string={"q": '"avtalen med"'}))
    heading = re.sub(r"<[^>]+>", "", re.search(r'id="results-heading"[^>]*>(.*?)</h2>', page, re.S).group(1))
    assert heading.replace("&#34;", '"').count('"') + heading.count("”") == 2
    plain = re.sub(r"<[^>]+>", "", re.search(r'id="results-heading"[^>]*>(.*?)</h2>', html(
        client.get("/sok?q=avtalen")), re.S).group(1))
    assert "”avtalen”" in plain


def test_a_phrase_is_marked_as_a_phrase(client):
    page = html(client.get("/sok", query_string={"q": '"digitala ansökan"'}))
    assert "<mark>digitala ansökan</mark>" in page.replace("\n", " ")
    assert "<mark>ansökan</mark>" not in page


# -- follow the search -------------------------------------------------------------------------

def test_the_search_page_offers_its_feed(client):
    page = html(client.get("/sok?q=skolskjuts&year=2024&sort=date&page=1"))
    link = re.search(r'<a href="([^"]+)" type="application/atom\+xml">.*?Bevaka sökningen', page, re.S).group(1)
    assert urlsplit(link).path == "/api/v1/search.atom" and query_of(link) == {"q": "skolskjuts", "year": "2024"}
    assert '<link rel="alternate" type="application/atom+xml"' in page


# -- accessibility, seen in the markup ---------------------------------------------------------

def test_the_skip_link_goes_to_the_results(client):
    page = html(client.get("/sok?q=skolskjuts"))
    assert re.search(r'<a class="skip-link" href="#traffar">Hoppa till träffarna</a>', page)
    assert 'id="traffar"' in page and 'tabindex="-1"' in page.split('id="traffar"', 1)[1][:200]


def test_year_bars_are_named_by_their_visible_text(client):
    page = html(client.get("/sok?q=skolskjuts"))
    bars = re.findall(r'<a [^>]*class="bar-link[^"]*"[^>]*>', page)
    assert bars and not any("aria-label" in b for b in bars)
