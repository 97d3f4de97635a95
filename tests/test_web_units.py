"""The web layer's pure parts, each alone: parameters, facets as data, pages, highlighting, limits."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from web.facets import DENSE_YEARS, active_filters, facet_results, year_ticks
from web.highlight import highlight, query_terms
from web.pages import capfirst
from web.params import Limits, ParamError, commitment_params, search_params, url_args
from web.security import truthy
from web.views import pagination

LIMITS = Limits(max_query_chars=50, max_page_size=20, max_page=100)


def as_query(args: dict) -> str:
    return "?" + "&".join(f"{k}={v}" for k, v in args.items())


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


# -- parameters -------------------------------------------------------------------------------

def test_search_parameters_have_defaults():
    params = search_params({}, LIMITS)
    assert params["q"] == "" and params["page"] == 1 and params["limit"] == 10 and params["sort"] == "relevance"


@pytest.mark.parametrize("args, name", [
    ({"page": "0"}, "page"),
    ({"page": "två"}, "page"),
    ({"limit": "21"}, "limit"),
    ({"year": "18"}, "year"),
    ({"year": "2024.5"}, "year"),
    ({"sort": "alfabetisk"}, "sort"),
    ({"recommendation": "-1"}, "recommendation"),
    ({"q": "ord " * 20}, "q"),
])
def test_bad_search_parameters_name_the_parameter(args, name):
    with pytest.raises(ParamError) as err:
        search_params(args, LIMITS)
    assert err.value.param == name
    assert name in err.value.message


def test_control_characters_in_a_query_become_spaces():
    assert search_params({"q": "barn\x00omsorg"}, LIMITS)["q"] == "barn omsorg"


def test_a_reversed_year_range_is_put_in_order():
    params = search_params({"year_from": "2025", "year_to": "2021"}, LIMITS)
    assert (params["year_from"], params["year_to"]) == (2021, 2025)


def test_url_args_leave_out_defaults_and_empty_values():
    params = search_params({"q": "skolskjuts", "page": "1", "committee": ""}, LIMITS)
    assert url_args(params) == {"q": "skolskjuts"}
    assert url_args(params, page=3, sort="date") == {"q": "skolskjuts", "sort": "date", "page": 3}


@pytest.mark.parametrize("args", [{"due_before": "2024-13-01"}, {"due_before": "31 maj"},
                                  {"status": "klar"}, {"verdict": "kanske"}, {"doc": "../../etc"}])
def test_bad_commitment_filters_are_refused(args):
    with pytest.raises(ParamError):
        commitment_params(args)


def test_commitment_filters_are_read():
    f = commitment_params({"status": "planned", "due_before": "2024-06-30", "year": "2023"})
    assert f["status"] == "planned" and f["due_before"] == "2024-06-30" and f["year"] == 2023


# -- facets as data ---------------------------------------------------------------------------

COUNTS = {
    "year": {"2021": 1, "2024": 3},
    "committee": {"Kulturnämnden": 1, "Grundskolenämnden": 3},
    "doc_type": {"yttrande": 2, "remissvar": 1},
    "municipality": {},
    "recommendation": {"1": 2},
}


def facets_for(args: dict) -> dict:
    params = search_params(args, LIMITS)
    return {f["name"]: f for f in facet_results(COUNTS, params, as_query)}


def test_the_year_facet_spans_every_year_with_zeros_in_order():
    year = facets_for({"q": "skolskjuts"})["year"]
    assert [(r["value"], r["count"]) for r in year["results"]] == [
        ("2021", 1), ("2022", 0), ("2023", 0), ("2024", 3)]
    assert year["max_count"] == 3


def test_selecting_a_value_keeps_the_query_and_resets_the_page():
    committee = facets_for({"q": "skolskjuts", "page": "3"})["committee"]
    first = committee["results"][0]
    assert first["value"] == "Grundskolenämnden"  # most hits first
    assert query_of(first["toggle_url"]) == {"q": "skolskjuts", "committee": "Grundskolenämnden"}


def test_a_selected_value_toggles_off():
    committee = facets_for({"q": "skolskjuts", "committee": "Kulturnämnden"})["committee"]
    chosen = next(r for r in committee["results"] if r["selected"])
    assert chosen["value"] == "Kulturnämnden"
    assert query_of(chosen["toggle_url"]) == {"q": "skolskjuts"}


def test_a_chosen_year_replaces_a_range():
    year = facets_for({"year_from": "2021", "year_to": "2024"})["year"]
    assert query_of(year["results"][0]["toggle_url"]) == {"year": "2021"}


def test_a_chosen_value_without_hits_stays_visible():
    committee = facets_for({"committee": "Miljönämnden"})["committee"]
    assert {"value": "Miljönämnden", "count": 0, "selected": True}.items() <= committee["results"][-1].items()


def test_long_facets_are_truncated():
    counts = {"committee": {f"Nämnd {i}": i for i in range(1, 15)}}
    facet = facet_results(counts, search_params({}, LIMITS), as_query, max_values=5)[1]
    assert facet["truncated"] and len(facet["results"]) == 5
    assert facet["results"][0]["label"] == "Nämnd 14"


def test_recommendations_are_listed_in_number_order_not_by_count():
    counts = {"recommendation": {"1": 2, "10": 9, "2": 5, "3": 1}}
    facet = facet_results(counts, search_params({}, LIMITS), as_query)[4]
    assert facet["name"] == "recommendation"
    assert [r["value"] for r in facet["results"]] == ["1", "2", "3", "10"]


def test_every_year_is_labelled_while_the_histogram_is_short():
    years = [str(y) for y in range(2014, 2014 + DENSE_YEARS)]
    assert year_ticks(years) == set(years)


def test_a_long_histogram_labels_round_years_and_far_ends():
    years = [str(y) for y in range(1997, 2026)]  # 29 years
    assert year_ticks(years) == {"1997", "2000", "2005", "2010", "2015", "2020", "2025"}
    years = [str(y) for y in range(1998, 2022)]  # the ends stand too near a round year
    assert year_ticks(years) == {"2000", "2005", "2010", "2015", "2020"}


def test_a_very_long_histogram_labels_decades():
    years = [str(y) for y in range(1961, 2026)]
    assert year_ticks(years) == {"1961", "1970", "1980", "1990", "2000", "2010", "2020"}


def test_a_chosen_year_is_labelled_and_crowding_round_years_give_way():
    years = [str(y) for y in range(1996, 2026)]
    ticks = year_ticks(years, selected="2012")
    assert "2012" in ticks and "2010" not in ticks and {"2005", "2015"} <= ticks
    assert year_ticks(years, selected="1890") == year_ticks(years)


def test_capfirst_raises_only_the_first_letter():
    assert capfirst("barn som befinner sig i kriminalitet") == "Barn som befinner sig i kriminalitet"
    assert capfirst("ärendehantering och SR-2023-81") == "Ärendehantering och SR-2023-81"
    assert capfirst("") == "" and capfirst(None) == ""


def test_active_filters_are_removable_chips():
    params = search_params({"q": "barn", "doc_type": "remissvar", "year": "2024"}, LIMITS)
    chips = {c["name"]: c for c in active_filters(params, as_query)}
    assert set(chips) == {"doc_type", "year"}
    assert chips["doc_type"]["title"] == "Dokumenttyp" and chips["doc_type"]["label"] == "Remissvar"
    assert query_of(chips["year"]["remove_url"]) == {"q": "barn", "doc_type": "remissvar"}


# -- pagination -------------------------------------------------------------------------------

def test_pagination_shows_first_last_and_a_window():
    p = pagination(total=95, page=5, limit=10, page_url=lambda n: f"/?page={n}")
    assert p["pages"] == 10
    assert [link["page"] for link in p["links"]] == [1, 3, 4, 5, 6, 7, 10]
    assert p["prev_url"] == "/?page=4" and p["next_url"] == "/?page=6"


def test_one_page_has_no_neighbours():
    p = pagination(total=0, page=1, limit=10, page_url=str)
    assert p["pages"] == 1 and p["prev_url"] is None and p["next_url"] is None


# -- highlighting -----------------------------------------------------------------------------

def test_highlight_marks_inflected_forms_and_escapes_the_rest():
    html = str(highlight("Nämndens <i>avtalet</i> gäller.", query_terms("nämnden avtal")))
    assert html == "<mark>Nämndens</mark> &lt;i&gt;<mark>avtalet</mark>&lt;/i&gt; gäller."


def test_highlight_leaves_out_filters_and_negated_words():
    terms = query_terms("avtal -buss år:2024 nämnd:kultur")
    html = str(highlight("Avtalen om buss och kultur 2024", terms))
    assert html.count("<mark>") == 1 and "<mark>Avtalen</mark>" in html


def test_highlight_of_a_prefix():
    assert "<mark>trafikföretagen</mark>" in str(highlight("med trafikföretagen", query_terms("trafik*")))


def test_no_query_means_plain_escaped_text():
    assert str(highlight("<script>", query_terms(""))) == "&lt;script&gt;"


@pytest.mark.parametrize("value, expected", [("1", True), (1, True), ("true", True), ("0", False),
                                             (None, False), ("", False), (False, False)])
def test_truthy_configuration_values(value, expected):
    assert truthy(value) is expected


def test_highlight_never_marks_a_coordinated_first_part_for_a_head_it_lacks():
    html = str(highlight("Arbetsmarknads- och socialnämnden samt Vård- och omsorgsnämnden", query_terms("nämnden")))
    assert "<mark>Arbetsmarknads-</mark>" not in html and "<mark>Vård-</mark>" not in html
    assert "<mark>socialnämnden</mark>" in html and "<mark>omsorgsnämnden</mark>" in html


def test_highlight_marks_a_phrase_only_where_it_stands():
    html = str(highlight("Hedersrelaterat våld och förtryck. Våld i nära relationer.",
                         query_terms('"hedersrelaterat våld"')))
    assert html.count("<mark>") == 1 and "<mark>Hedersrelaterat våld</mark>" in html


def test_a_query_is_quoted_once():
    from web.pages import quoted

    assert quoted("trygga barnet") == "”trygga barnet”"
    assert quoted('"hedersrelaterat våld"') == '"hedersrelaterat våld"'
    assert quoted('"skyddat boende" pojkar') == '”"skyddat boende" pojkar”'


# -- typed filters ------------------------------------------------------------------------------

def typed(query: str):
    from index.querylang import typed_filters

    return typed_filters(query)


def test_typed_filters_become_chips_that_take_them_out_of_the_query():
    params = search_params({"q": "avtal år:2023..2025 nämnd:kulturnämnden", "sort": "date"}, LIMITS)
    chips = active_filters(params, as_query, typed(params["q"]))
    assert [(c["name"], c["source"], c["label"]) for c in chips] == [
        ("year", "query", "2023–2025"), ("committee", "query", "Kulturnämnden")]
    assert query_of(chips[0]["remove_url"]) == {"q": "avtal nämnd:kulturnämnden", "sort": "date"}


def test_a_typed_year_range_selects_its_years_and_a_click_replaces_it():
    params = search_params({"q": "avtal år:2021..2023"}, LIMITS)
    year = {f["name"]: f for f in facet_results(COUNTS, params, as_query, typed=typed(params["q"]))}["year"]
    assert [r["value"] for r in year["results"] if r["selected"]] == ["2021", "2022", "2023"]
    twenty_four = next(r for r in year["results"] if r["value"] == "2024")
    assert query_of(twenty_four["toggle_url"]) == {"q": "avtal", "year": "2024"}


def test_a_typed_single_year_toggles_off_by_a_click():
    params = search_params({"q": "avtal år:2024"}, LIMITS)
    year = {f["name"]: f for f in facet_results(COUNTS, params, as_query, typed=typed(params["q"]))}["year"]
    chosen = next(r for r in year["results"] if r["selected"])
    assert chosen["value"] == "2024" and query_of(chosen["toggle_url"]) == {"q": "avtal"}
