"""The query language: every form staff can type, and every malformed one falling back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.querylang import MAX_DEPTH, MAX_TERMS, YEAR_MAX, YEAR_MIN, parse_query
from index.querytree import And, Not, Or, Phrase, Prefix, Word


def tree(q):
    parsed = parse_query(q)
    assert parsed.notice is None, parsed.notice
    return parsed.tree


def filters(q):
    parsed = parse_query(q)
    assert parsed.notice is None, parsed.notice
    return parsed.filters.active()


# --- the forms ------------------------------------------------------------------------


def test_plain_words_must_all_occur():
    assert tree("hemlöshet unga") == And((Word("hemlöshet"), Word("unga")))


def test_a_single_word():
    assert tree("hemtjänst") == Word("hemtjänst")


def test_quoted_words_are_a_phrase():
    assert tree('"tryggt boende" flickor') == And((Phrase(("tryggt", "boende")), Word("flickor")))


def test_a_one_word_phrase_is_a_word():
    assert tree('"boende"') == Word("boende")


@pytest.mark.parametrize("op", ["OR", "ELLER"])
def test_or_in_english_and_swedish(op):
    assert tree(f"våld {op} hot") == Or((Word("våld"), Word("hot")))


def test_or_binds_looser_than_the_implicit_and():
    assert tree("a b OR c") == Or((And((Word("a"), Word("b"))), Word("c")))


@pytest.mark.parametrize("q", ["hot -våld", "hot NOT våld", "hot INTE våld"])
def test_not_and_minus_exclude(q):
    assert tree(q) == And((Word("hot"), Not(Word("våld"))))


def test_lower_case_och_and_eller_are_words():
    assert tree("barn och unga") == And((Word("barn"), Word("och"), Word("unga")))


def test_explicit_and_is_the_same_as_juxtaposition():
    assert tree("barn AND unga") == tree("barn unga")


def test_hyphen_inside_a_word_is_not_a_minus():
    assert tree("IT-stöd") == Word("IT-stöd")


def test_prefix():
    assert tree("förskol*") == Prefix("förskol")


def test_parentheses_group():
    assert tree("(våld OR hot) -(barn OR unga)") == And(
        (Or((Word("våld"), Word("hot"))), Not(Or((Word("barn"), Word("unga"))))))


def test_double_negation_cancels():
    assert tree("-(-barn)") == Word("barn")


def test_a_negated_phrase():
    assert tree('stöd -"skyddat boende"') == And((Word("stöd"), Not(Phrase(("skyddat", "boende")))))


@pytest.mark.parametrize("q", ["år:2024", "ar:2024", "year:2024", "ÅR:2024"])
def test_one_year(q):
    assert filters(q) == {"year_from": 2024, "year_to": 2024}


@pytest.mark.parametrize("q", ["år:2023..2025", "år:2025..2023", "year:2023-2025"])
def test_year_range(q):
    assert filters(q) == {"year_from": 2023, "year_to": 2025}


def test_open_year_ranges():
    assert filters("år:2023..") == {"year_from": 2023}
    assert filters("år:..2023") == {"year_to": 2023}


def test_year_range_is_clamped_and_says_so():
    parsed = parse_query("år:1850..2300 barn")
    assert parsed.filters.active() == {"year_from": YEAR_MIN, "year_to": YEAR_MAX}
    assert parsed.tree == Word("barn") and "1900" in parsed.notice


@pytest.mark.parametrize("q", ["nämnd:Förskolenämnden", "namnd:förskolenämnden", "committee:FÖRSKOLENÄMNDEN"])
def test_committee(q):
    assert filters(q) == {"committee": "förskolenämnden"}


@pytest.mark.parametrize(
    "q, doc_type",
    [("typ:yttrande", "yttrande"), ('typ:"uppföljande yttrande"', "uppföljande yttrande"),
     ('type:"Uppfoljande  Yttrande"', "uppföljande yttrande"), ("doc_type:remissvar", "remissvar"),
     ('type:"action plan"', "handlingsplan"), ("typ:beslut", "beslut")],
)
def test_document_type(q, doc_type):
    assert filters(q) == {"doc_type": doc_type}


@pytest.mark.parametrize("q", ["rekommendation:3", "rek:3", "recommendation:3"])
def test_recommendation(q):
    assert filters(q) == {"recommendation": 3}


@pytest.mark.parametrize("q", ["kommun:Malmö", "municipality:malmö"])
def test_municipality(q):
    assert filters(q) == {"municipality": "malmö"}


@pytest.mark.parametrize("q", ["dnr:SR-2023-81", "case:sr-2023-81"])
def test_case_number(q):
    assert filters(q) == {"case_number": "SR-2023-81"}


def test_filters_and_words_together():
    parsed = parse_query('våld år:2024 typ:"uppföljande yttrande" kommun:malmö')
    assert parsed.tree == Word("våld")
    assert parsed.filters.active() == {"year_from": 2024, "year_to": 2024,
                                       "doc_type": "uppföljande yttrande", "municipality": "malmö"}


def test_only_filters_give_no_tree():
    assert tree("år:2024 rek:2") is None


def test_an_unknown_field_is_a_plain_word():
    assert tree("kl:15") == Word("kl:15")


def test_empty_query():
    parsed = parse_query("")
    assert parsed.tree is None and parsed.notice is None


# --- malformed queries fall back to plain words and say so ----------------------------


def fallback(q):
    parsed = parse_query(q)
    assert parsed.notice and "kunde inte tolkas" in parsed.notice
    return parsed


@pytest.mark.parametrize(
    "q, words",
    [('"skyddat boende', ("skyddat", "boende")),
     ("(våld OR hot", ("våld", "hot")),
     ("våld)", ("våld",)),
     ("år:abc barn", ("abc", "barn")),
     ("år:1..99999 barn", ("1", "99999", "barn")),
     ("barn *", ("barn",)),
     ("OR OR barn", ("barn",)),
     ("barn OR", ("barn",)),
     ("barn NOT", ("barn",)),
     ("barn AND OR unga", ("barn", "unga")),
     ("fö*rskola", ("förskola",)),
     ("rek:tre barn", ("tre", "barn")),
     ("nämnd: barn", ("barn",)),
     ("() barn", ("barn",))],
)
def test_malformed_query_searches_its_plain_words(q, words):
    parsed = fallback(q)
    expected = Word(words[0]) if len(words) == 1 else And(tuple(Word(w) for w in words))
    assert parsed.tree == expected


def test_a_lone_star_finds_nothing_to_search_and_says_so():
    parsed = fallback("*")
    assert parsed.tree is None


def test_fallback_keeps_the_filters_that_were_valid():
    parsed = fallback('"öppet citat år:2024 rek:x')
    assert parsed.filters.active() == {"year_from": 2024, "year_to": 2024}
    assert parsed.tree == And((Word("öppet"), Word("citat"), Word("x")))


def test_a_negated_filter_is_dropped():
    parsed = fallback("-år:2024 barn")
    assert parsed.tree == Word("barn") and not parsed.filters.active()


def test_a_year_wholly_outside_the_bounds_is_malformed():
    assert fallback("år:1500 barn").tree == And((Word("1500"), Word("barn")))
    assert not fallback("år:1500").filters.active()


def test_thousands_of_terms_are_capped():
    parsed = fallback(" ".join(f"ord{i}" for i in range(5000)))
    assert len(parsed.tree.children) == MAX_TERMS


def test_deep_nesting_is_refused():
    parsed = fallback("(" * 500 + "barn" + ")" * 500)
    assert parsed.tree == Word("barn")


def test_long_input_is_truncated_and_says_so():
    parsed = parse_query("barn " * 1000)
    assert "för lång" in parsed.notice


# --- never raises, never hangs ---------------------------------------------------------

QUERY_ALPHABET = st.sampled_from(
    list('abcåäö ()"-*:.OR NOT AND år: rek: typ: nämnd: dnr: 2024 .. \\ \t\n\x00') + ["OR", "NOT", "år:", "(", '"']
)


def leaves(node):
    if isinstance(node, Not):
        yield from leaves(node.child)
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from leaves(child)
    else:
        yield node


def check_well_formed(node, depth=0):
    """The shapes the search side relies on: And/Or of two or more, no Not(Not(..)), terms that
    hold a letter or digit, and no deeper nesting than the parser allows."""
    assert depth <= MAX_DEPTH, "nested deeper than MAX_DEPTH"
    if isinstance(node, Not):
        assert not isinstance(node.child, Not), "a double negation was kept"
        check_well_formed(node.child, depth + 1)
    elif isinstance(node, And | Or):
        assert len(node.children) >= 2, node
        for child in node.children:
            check_well_formed(child, depth + isinstance(child, And | Or))
    elif isinstance(node, Phrase):
        assert len(node.words) >= 2 and all(w and not any(c.isspace() for c in w) for w in node.words)
    else:
        assert isinstance(node, Word | Prefix), node
        assert node.text and not any(c.isspace() for c in node.text)
        assert any(c.isalnum() for c in node.text), node


def render(node) -> str:
    """The tree written back in the query language: words quoted (so a word that looks like an
    operator or a field stays a word), parentheses only where the grammar needs them."""
    if isinstance(node, Word):
        return f'"{node.text}"'
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Prefix):
        return node.text + "*"
    if isinstance(node, Not):
        inner = render(node.child)
        return f"NOT ({inner})" if isinstance(node.child, And | Or) else f"NOT {inner}"
    if isinstance(node, And):
        return " ".join(f"({render(c)})" if isinstance(c, And | Or) else render(c) for c in node.children)
    return " OR ".join(f"({render(c)})" if isinstance(c, Or) else render(c) for c in node.children)


def check_query_properties(q):
    parsed = parse_query(q)
    if parsed.tree is None:
        return parsed
    check_well_formed(parsed.tree)
    terms = [w for leaf in leaves(parsed.tree) for w in (leaf.words if isinstance(leaf, Phrase) else [leaf.text])]
    assert len(terms) <= MAX_TERMS
    # Nothing is invented: every term stands in what was typed (a fallback drops stray stars).
    typed = q.replace("\x00", " ").replace("*", "")
    assert all(term.replace("*", "") in typed for term in terms), (terms, q)
    # The tree means what it says: written back in the query language, it parses to itself.
    again = parse_query(render(parsed.tree))
    assert again.notice is None and again.tree == parsed.tree, render(parsed.tree)
    return parsed


@settings(max_examples=500, deadline=None)
@given(st.lists(QUERY_ALPHABET, max_size=80).map("".join))
def test_query_language_symbols_give_well_formed_trees_that_round_trip(q):
    check_query_properties(q)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_well_formed_tree_that_round_trips(q):
    check_query_properties(q)


@pytest.mark.parametrize("q", ['(barn OR "skyddat boende") -hot förskol*', "NOT (a OR b) c", "a (b c) OR d",
                               '"OR" "år:2024" x', "((a))", "a OR (b OR c)"])
def test_forms_round_trip(q):
    parsed = check_query_properties(q)
    assert parsed.tree is not None and parsed.notice is None


@pytest.mark.parametrize("q", ["(" * 100_000, '"' * 100_001, "-" * 100_000 + "x", "a OR " * 50_000, "x*" * 50_000])
def test_pathological_input_is_cut_to_the_input_cap(q):
    parsed = parse_query(q)
    assert parsed.notice and "för lång" in parsed.notice


@pytest.mark.parametrize("q", ['"("', '"( )"', '"-"'])
def test_a_phrase_of_signs_only_is_no_search_term(q):
    assert parse_query(q).tree is None


# --- the same on both engines ----------------------------------------------------------

@pytest.fixture(scope="module")
def searched(module_store_factory):
    """A small store of each engine (Whoosh, PostgreSQL) that queries run against."""
    from ingest.model import Document, Section

    store = module_store_factory()
    texts = ["Förskolenämnden anställer förskolesocionomer.", "Skyddat boende för pojkar i Malmö.",
             "Rutiner för orosanmälningar ses över årligen.", "Hot och våld mot personal ska förebyggas."]
    store.write([Document(id=f"q{i}", source=f"q{i}.txt", path=f"/arkiv/q{i}.txt", sha256="x", title="Yttrande",
                          year=2020 + i, date=f"{2020 + i}-03-01", committee="Socialnämnden", doc_type="yttrande",
                          municipality="Malmö", case_numbers=[f"SR-{2020 + i}-81"],
                          sections=[Section(number=1, heading="Rekommendation 1", kind="recommendation",
                                            text=t, recommendation=1)])
                 for i, t in enumerate(texts)])
    return store


NASTY = ["(" * 100_000, '"' * 100_001, "-" * 100_000 + "x", "a OR " * 50_000, "x*" * 50_000,
         "för* OR bo* OR ru* OR hot*", '"skyddat boende" -pojkar OR "hot och våld"', "-boende -hot",
         "år:2021..2022 nämnd:social typ:yttrande kommun:malmö rek:1 dnr:sr-2022-81", "dnr:finns-inte",
         "\x00 \\ ' % _ ;-- DROP TABLE kb_sections", "förskolesocionomerr", "*", "och i att", ""]


@pytest.mark.parametrize("q", NASTY, ids=range(len(NASTY)))
def test_every_query_answers_on_both_engines(searched, q):
    result = searched.search(q, limit=3)
    assert result["total"] >= 0 and len(result["hits"]) <= 3


@settings(max_examples=150, deadline=None)
@given(st.lists(QUERY_ALPHABET, max_size=40).map("".join))
def test_query_language_symbols_search_without_error_on_both_engines(searched, q):
    searched.search(q, limit=2)
