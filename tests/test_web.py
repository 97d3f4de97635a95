"""The HTML pages through Flask's test client, over a real index built by the service."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from test_web_support import doc_id_of, shared_index

from web import create_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"INDEX": str(shared_index(tmp_path_factory)), "RATE_LIMIT": 0})


@pytest.fixture()
def client(app):
    return app.test_client()


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_search_page_without_a_query_offers_the_query_language(client):
    page = html(client.get("/"))
    assert '<html lang="sv">' in page
    assert 'role="search"' in page and '<label for="q"' in page
    for example in ("år:2024", "nämnd:", "typ:", '"skyddat boende"', "-pojkar", "utbild*"):
        assert example.replace('"', "&#34;") in page or example in page
    assert 'class="skip-link"' in page and '<main id="innehall"' in page


def test_a_search_shows_hits_with_snippet_and_metadata(client):
    page = html(client.get("/sok?q=skolskjuts"))
    assert "dokument för" in page
    assert "<mark>skolskjuts</mark>" in page.lower() or "<mark>skolskjuts" in page.lower()
    assert "Grundskolenämnden" in page and "2023-05-10" in page and "uppföljande yttrande" in page


def test_the_year_facet_is_a_histogram_of_links_that_select_a_year(client):
    page = html(client.get("/sok?q=skolskjuts"))
    bars = re.findall(r'<a href="([^"]+)" class="bar-link[^"]*"', page)
    years = [parse_qs(urlsplit(h.replace("&amp;", "&")).query)["year"][0] for h in bars]
    assert years == sorted(years) and "2023" in years
    chosen = html(client.get("/sok?q=skolskjuts&year=2023"))
    assert re.search(r'class="chip" href="[^"]+"\s+data-filter="year" data-source="parameter"', chosen)
    # The chosen year narrows the hits, but the histogram still shows the other years.
    assert "2024-06-12" not in re.sub(r'<aside.*?</aside>', "", chosen, flags=re.S)
    assert len(re.findall(r'class="bar-link', chosen)) == len(bars)


def test_a_chip_removes_its_filter_and_keeps_the_rest(client):
    page = html(client.get("/sok?q=skolskjuts&committee=Grundskolen%C3%A4mnden&sort=date"))
    chip = re.search(r'<a class="chip" href="([^"]+)"\s+data-filter="committee"', page)
    target = parse_qs(urlsplit(chip.group(1).replace("&amp;", "&")).query)
    assert target == {"q": ["skolskjuts"], "sort": ["date"]}


def test_a_year_range_filters_by_from_and_to(client):
    page = html(client.get("/sok?q=skolskjuts&year_from=2024&year_to=2024"))
    assert "Från år" in page and "Uppföljande yttrande om skolskjutsar" in page
    results = page.split('class="results"', 1)[1]
    assert "Yttrande över revisionsrapport" not in results


def test_sorting_by_date_puts_the_newest_first(client):
    page = html(client.get("/sok?q=skolskjuts&sort=date"))
    dates = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', page)
    assert dates == sorted(dates, reverse=True) and len(dates) >= 2


def test_a_hit_leads_to_its_document_and_back_to_the_same_filtered_search(client):
    search = "/sok?q=skolskjuts&committee=Grundskolen%C3%A4mnden&year_from=2023&sort=date"
    page = html(client.get(search))
    link = re.search(r'<h3 class="hit-title"[^>]*>\s*<a href="([^"]+)"', page).group(1).replace("&amp;", "&")
    document = html(client.get(link))
    back = re.search(r'<nav class="breadcrumbs"[^>]*>\s*<a href="([^"]+)"', document).group(1).replace("&amp;", "&")
    assert urlsplit(back).path == "/sok"
    assert query_of(back) == {"q": "skolskjuts", "committee": "Grundskolenämnden", "year_from": "2023",
                              "sort": "date"}
    assert "2 filter aktiva" in document and "<mark>" in document


def test_a_document_opened_with_a_broken_filter_still_opens_and_leads_back_to_the_query(client):
    doc_id = doc_id_of(client, "yttrande-skolskjuts.txt")
    response = client.get(f"/dokument/{doc_id}?q=skolskjuts&year=igår")
    back = re.search(r'<nav class="breadcrumbs"[^>]*>\s*<a href="([^"]+)"', html(response)).group(1)
    assert response.status_code == 200 and query_of(back.replace("&amp;", "&")) == {"q": "skolskjuts"}


def test_pagination_keeps_the_query(client):
    page = html(client.get("/sok?q=skolskjuts&limit=1"))
    nav = page.split('class="pagination"', 1)[1]
    next_url = re.search(r'href="([^"]+)" rel="next"', nav).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(next_url).query) == {"q": ["skolskjuts"], "limit": ["1"], "page": ["2"]}


def test_bad_search_parameters_give_400_with_a_clear_message(client):
    response = client.get("/sok?q=skolskjuts&page=nolla")
    assert response.status_code == 400
    assert "page ska vara ett heltal" in html(response)


def test_an_over_long_query_is_refused_with_400(client, app):
    response = client.get("/sok", query_string={"q": "x" * (app.config["MAX_QUERY_CHARS"] + 1)})
    assert response.status_code == 400 and "för lång" in html(response)


def test_a_query_with_markup_is_rendered_inert(client):
    page = html(client.get("/sok", query_string={"q": '"><script>alert(1)</script>'}))
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_a_document_with_a_script_in_its_text_renders_it_as_text(client):
    doc_id = doc_id_of(client, "konstiga-tecken.txt")
    page = html(client.get(f"/dokument/{doc_id}?q=skolskjuts"))
    assert "<script>alert" not in page and "<b>fetstil</b>" not in page
    assert "&lt;script&gt;alert(" in page
    search = html(client.get("/sok?q=fetstil"))
    assert "<b>fetstil" not in search and "&lt;b&gt;" in search


def test_the_document_page_has_metadata_outline_highlights_raw_text_and_case(client):
    doc_id = doc_id_of(client, "yttrande-skolskjuts.txt")
    follow_up = doc_id_of(client, "uppfoljning-skolskjuts.txt")
    page = html(client.get(f"/dokument/{doc_id}?q=avtalen"))
    for label in ("Typ", "Nämnd", "Datum", "Diarienummer", "Mottagare", "Ämne", "Kommun"):
        assert f'<th scope="row">{label}</th>' in page
    assert "RV-2022-17" in page and "Grundskolenämnden" in page
    anchors = re.findall(r'<a href="#(avsnitt-\d+)">', page)
    assert anchors and all(f'id="{a}"' in page for a in anchors)
    assert "<mark>Avtalen</mark>" in page
    assert "<details class=\"raw-text\">" in page
    assert f"/dokument/{follow_up}" in page  # the other document of the same case
    assert f"/dokument/{doc_id}/original" in page


def test_an_inferred_date_is_marked():
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader("web/templates"), autoescape=True)
    macro = env.get_template("_macros.html").module.doc_date
    assert "(uppskattat)" in str(macro("2024", True)) and "(uppskattat)" not in str(macro("2024-01-02", False))


def test_the_original_file_is_served_from_its_stored_path_only(client):
    doc_id = doc_id_of(client, "konstiga-tecken.txt")
    response = client.get(f"/dokument/{doc_id}/original")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert b"<script>" in response.data
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", [
    "/dokument/..%2F..%2Fetc%2Fpasswd",
    "/dokument/../../etc/passwd",
    "/dokument/0123456789abcdef",
    "/dokument/0123456789abcdef/original",
    "/dokument/%2e%2e/original",
    "/sparning/ingen-sadan",
    "/sparning/..%2F..",
])
def test_unknown_or_malformed_ids_give_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in html(response)


def test_the_documents_page_lists_every_document(client):
    page = html(client.get("/dokument"))
    assert page.count("/dokument/") >= 4 and "4 dokument" in page


def test_the_commitments_page_filters_and_shows_verdicts(client):
    page = html(client.get("/ataganden"))
    assert "badge-reported" in page and "Rapporterat" in page
    assert 'for="f-committee"' in page and 'for="f-due"' in page
    planned = html(client.get("/ataganden?status=planned&committee=Grundskolen%C3%A4mnden"))
    assert "digital ansökan" in planned
    none = html(client.get("/ataganden?committee=Kulturn%C3%A4mnden"))
    assert "digital ansökan" not in none
    due = html(client.get("/ataganden?due_before=2024-01-01"))
    assert "digital ansökan" in due and "trafikföretagen ska ses över" not in due


def test_the_commitments_page_refuses_a_bad_date(client):
    response = client.get("/ataganden?due_before=igår")
    assert response.status_code == 400 and "ÅÅÅÅ-MM-DD" in html(response)


def test_the_tracing_pages_show_the_case_matrix_and_follow_ups(client):
    cases = html(client.get("/sparning"))
    case_url = re.search(r'<a href="(/sparning/[^"]+)">Skolskjutsar</a>', cases).group(1)
    page = html(client.get(case_url))
    assert "Rekommendationer och vad varje handling säger" in page
    assert re.search(r"<th scope=\"col\">Yttrande.*<th scope=\"col\">Uppföljande yttrande", page, re.S)
    assert "Den digitala ansökan om skolskjuts infördes" in page  # a cell of the later column
    assert "badge-reported" in page
    assert html(client.get(case_url + "?as_of=2020-01-01")).count("badge-overdue") == 0


def test_security_headers_are_on_every_page(client):
    for path in ("/", "/sok?q=x", "/dokument", "/finns-inte", "/static/style.css"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_use_no_inline_script_or_style(client):
    doc_id = doc_id_of(client, "yttrande-skolskjuts.txt")
    for path in ("/sok?q=skolskjuts", f"/dokument/{doc_id}", "/ataganden", "/sparning"):
        page = html(client.get(path))
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)
        assert " style=" not in page and "onclick" not in page


def test_an_unknown_page_is_a_swedish_404(client):
    response = client.get("/finns-inte")
    assert response.status_code == 404 and "Hittades inte" in html(response)


def test_debug_mode_is_off_whatever_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KB_DEBUG", "true")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"INDEX": str(tmp_path / "leer")})
    assert app.debug is False


@pytest.fixture(scope="module")
def empty_client(tmp_path_factory):
    return create_app({"INDEX": str(tmp_path_factory.mktemp("empty") / "index"), "RATE_LIMIT": 0}).test_client()


@pytest.mark.parametrize("path, message", [
    ("/", "Indexet är tomt"),
    ("/dokument", "Indexet är tomt"),
    ("/ataganden", "Inga åtaganden matchar filtren"),
    ("/sparning", "Inga ärenden ännu"),
])
def test_an_empty_index_says_so_on_every_page(empty_client, path, message):
    response = empty_client.get(path)
    assert response.status_code == 200 and message in html(response)


def test_a_filter_without_hits_offers_the_search_without_filters(client):
    page = html(client.get("/sok?q=skolskjuts&committee=Milj%C3%B6n%C3%A4mnden"))
    assert "Inga träffar med de valda filtren" in page and 'href="/sok?q=skolskjuts">Sök utan filter' in page


def test_a_query_on_an_empty_index_finds_nothing_without_error(empty_client):
    response = empty_client.get("/sok?q=barn")
    assert response.status_code == 200 and "0 dokument" in html(response)
