"""The Swedish analyzer: each filter alone, then the chain as index and query see it."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields, query
from whoosh.analysis import LowercaseFilter
from whoosh.filedb.filestore import RamStorage

from index import analysis as an


def texts(chain, text, mode="index"):
    return [t.text for t in chain(text, mode=mode)]


def with_pos(chain, text, mode="index"):
    return [(t.text, t.pos) for t in chain(text, positions=True, mode=mode)]



# --- each filter alone ------------------------------------------------------------------


def test_tokenizer_keeps_case_numbers_and_hyphenated_words_whole():
    chain = an.SwedishTokenizer()
    assert texts(chain, "Dnr SR-2023-81 gäller IT-stöd.") == ["Dnr", "SR-2023-81", "gäller", "IT-stöd"]


def test_tokenizer_keeps_the_hyphen_of_a_dangling_first_part():
    chain = an.SwedishTokenizer()
    assert texts(chain, "hög- och lågstadiet") == ["hög-", "och", "lågstadiet"]


def test_coordinated_compound_takes_the_head_of_the_last_word():
    chain = an.SwedishTokenizer() | LowercaseFilter() | an.CoordinatedCompoundFilter()
    assert texts(chain, "maskulinitets- och feminitetsnormer") == [
        "maskulinitetsnormer", "och", "feminitetsnormer"]


def test_coordinated_compound_with_several_first_parts():
    chain = an.SwedishTokenizer() | LowercaseFilter() | an.CoordinatedCompoundFilter()
    assert texts(chain, "kommun-, region- eller statsbidrag")[:2] == ["kommunbidrag", "regionbidrag"]


def test_dangling_part_without_a_compound_after_it_loses_only_its_hyphen():
    chain = an.SwedishTokenizer() | LowercaseFilter() | an.CoordinatedCompoundFilter()
    assert texts(chain, "för- och") == ["för", "och"]


def test_ocr_digits_inside_words_become_letters():
    chain = an.SwedishTokenizer() | an.OcrDigitFilter()
    assert texts(chain, "f6r 6ver 4r st0d") == ["för", "över", "är", "stod"]


def test_ocr_digits_leave_numbers_and_codes_alone():
    chain = an.SwedishTokenizer() | an.OcrDigitFilter()
    assert texts(chain, "2024 covid19 b2b SR-2023-81") == ["2024", "covid19", "b2b", "SR-2023-81"]


def test_stop_words_and_their_ocr_forms_are_dropped_with_positions_renumbered():
    chain = an.SwedishTokenizer() | an.SwedishStopFilter()
    assert with_pos(chain, "stöd för unga fér barn pa fritid") == [
        ("stöd", 0), ("unga", 1), ("barn", 2), ("fritid", 3)]


def test_decompounding_adds_parts_at_the_same_position_at_index_time():
    chain = an.SwedishTokenizer() | an.DecompoundFilter()
    assert with_pos(chain, "nya förskolesocionomer") == [
        ("nya", 0), ("förskolesocionomer", 1), ("förskole", 1), ("socionomer", 1)]


def test_decompounding_keeps_a_query_word_whole():
    chain = an.SwedishTokenizer() | an.DecompoundFilter()
    assert texts(chain, "förskolesocionomer", mode="query") == ["förskolesocionomer"]


def test_simple_words_are_not_split_into_suffixes():
    for word in ("förvaltningen", "utbildningen", "granskningen", "samverkan", "kommunen"):
        assert an.compound_parts(word) == (), word


def test_stem_filter_stems_swedish_inflections():
    chain = an.SwedishTokenizer() | an.SwedishStemFilter()
    assert texts(chain, "förskolor förskolorna") == ["förskol", "förskol"]


def test_definite_an_meets_the_indefinite_form():
    assert an.stem("förskolan") == an.stem("förskola") == an.stem("förskolor")
    assert an.stem("organ") == "organ"


def test_fold_filter_puts_a_folded_key_beside_each_term():
    chain = an.SwedishTokenizer() | an.OcrFoldFilter()
    assert with_pos(chain, "nämnd") == [("nämnd", 0), ("~namnd", 0)]


@pytest.mark.parametrize(
    "clean, damaged",
    [("nämnden", "namnden"), ("för", "fér"), ("över", "6ver"), ("förskolelärare", "forskolelarare"),
     ("säkerställer", "sakerstiiller"), ("åtgärderna", "atgarderna")],
)
def test_ocr_readings_share_the_folded_key_of_the_real_word(clean, damaged):
    chain = an.SwedishTokenizer() | LowercaseFilter() | an.OcrDigitFilter() | an.SwedishStemFilter()
    [real], [ocr] = texts(chain, clean), texts(chain, damaged)
    assert an.fold_key(real) == an.fold_key(ocr)


# --- the whole chain --------------------------------------------------------------------


def index_terms(text):
    return set(texts(an.swedish_analyzer(), text))


def query_matches(q, text):
    """A query word matches when its stem, its folded key or all its parts' keys are indexed."""
    terms = index_terms(text)
    return all(t.stem in terms or t.key in terms or (t.parts and set(t.parts) <= terms)
               for t in an.analyze_query(q))


def test_coordinated_compound_is_found_by_both_full_compounds():
    text = "arbetet mot snäva maskulinitets- och feminitetsnormer"
    assert query_matches("feminitetsnormer", text)
    assert query_matches("maskulinitetsnormer", text)


def test_a_part_finds_the_compound():
    assert query_matches("socionomer", "två nya förskolesocionomer anställdes")


def test_ocr_damaged_text_is_found_by_proper_swedish():
    assert query_matches("nämnden förskolesocionomer", "namnden beslutade om forskolesocionomer")


def test_a_compound_query_does_not_match_one_of_its_parts_alone():
    terms = index_terms("förskolan har nya lokaler")
    [term] = an.analyze_query("förskolesocionomer")
    assert term.stem not in terms and term.key not in terms


def test_query_parts_let_a_compound_meet_its_spelled_out_form():
    assert query_matches("föräldrakurser", "kurser för föräldrar i hela staden")


def test_analyze_query_agrees_with_the_analyzer_in_query_mode():
    q = "Nämndens f6r uppföljning av förskolesocionomer och SR-2023-81"
    expected = texts(an.swedish_analyzer(), q, mode="query")
    got = [term for t in an.analyze_query(q) for term in (t.stem, t.key)]
    assert got == expected


def test_prefix_key_is_a_folded_stem_prefix():
    assert an.prefix_key("förskol*") == "~forskol"
    assert an.fold_key(an.stem("förskolesocionomer")).startswith(an.prefix_key("förskol*"))


def test_spelling_analyzer_keeps_real_words_without_stems_or_keys():
    assert texts(an.spelling_analyzer(), "Nämnden f6r förskolor") == ["nämnden", "för", "förskolor"]


def test_analyzer_pickles_without_a_stemmer_object():
    data = pickle.dumps(an.swedish_analyzer())
    assert b"Stemmer" not in data and b"snowball" not in data.lower()
    assert texts(pickle.loads(data), "förskolor") == texts(an.swedish_analyzer(), "förskolor")


def test_phrase_over_folded_keys_tolerates_ocr_and_stop_words():
    schema = fields.Schema(text=fields.TEXT(analyzer=an.swedish_analyzer(), phrase=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        w.add_document(text="Det saknas tryggt boende fér flickor i staden.")
        w.add_document(text="Flickor har boende men det är inte tryggt.")
    with ix.searcher() as s:
        hits = s.search(query.Phrase("text", an.phrase_keys("tryggt boende för flickor")))
        assert len(hits) == 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_analyzer_never_raises(text):
    for mode in ("index", "query"):
        for t in an.swedish_analyzer()(text, mode=mode, positions=True):
            assert t.text


def test_analyzer_version_names_the_chain_and_the_word_lists_it_depends_on():
    assert an.ANALYZER_VERSION.startswith(an.CHAIN_VERSION + "+")
    assert "wordfreq-" in an.ANALYZER_VERSION and "hunspell-sv-" in an.ANALYZER_VERSION


def test_nfc_filter_composes_decomposed_letters():
    chain = an.SwedishTokenizer() | an.NfcFilter()
    assert texts(chain, "na\u0308mnden") == ["nämnden"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abdefiklmnorstuvåäöé6- ", max_size=80))
def test_query_terms_are_always_among_the_index_terms_of_the_same_text(text):
    indexed = index_terms(text)
    for t in an.analyze_query(text):
        assert t.stem in indexed and t.key in indexed


# --- hyphenated compounds and first parts -------------------------------------------------


def test_a_hyphenated_word_is_stemmed_on_its_last_part():
    assert an.stem("e-arkivet") == an.stem("e-arkiv") == "e-arkiv"
    assert an.stem("it-stödet") == "it-stöd"
    assert an.stem("sr-2023-81") == "sr-2023-81"  # a case number stays as it is


def test_a_hyphenated_compound_is_found_by_its_shorter_hyphenated_form():
    assert an.compound_parts("e-arkivsystemet") == ("arkivsystemet", "arkiv", "systemet", "e-arkiv")
    assert query_matches("e-arkiv", "kommunen upphandlar ett e-arkivsystem")
    assert query_matches("e-arkivet", "leveranser till e-arkivsystemet")
    assert query_matches("arkivsystem", "leveranser till e-arkivsystemet")


def test_the_first_part_of_a_compound_query():
    assert an.compound_first_part("trappstegsmodell") == "trappstegs"
    assert an.compound_first_part("e-arkivplanen") == "e-arkiv"
    assert an.compound_first_part("nämnden") is None
    assert an.compound_first_part("sr-2023-81") is None


def test_a_first_part_keeps_the_consonant_three_in_a_row_lost():
    assert an.split_compound("processtöd") == ("process", "stöd")
    assert an.compound_parts("it-processtödet")[-1] == "it-process"
