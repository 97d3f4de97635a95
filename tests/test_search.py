"""Searching sections: ranking basics, filters, AND-then-OR, collapsing, suggestions, the JSON shape.

The search contract: every test that takes ``store`` or ``new_store`` runs against both engines
(Whoosh and a real PostgreSQL server, see tests/conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.querytree import And, Filters, Not, Or, ParsedQuery, Phrase, Prefix, Word
from index.search import collapse_order
from index.store import Store
from ingest.model import Document, Section

HIT_KEYS = {"id", "doc_id", "source", "title", "heading", "kind", "recommendation", "activity",
            "page_number", "text", "snippet", "score", "date", "year", "committee", "doc_type",
            "municipality"}


def make_doc(doc_id, sections, *, year=2023, title=None, **meta):
    secs = [Section(number=i + 1, heading=h, kind="heading", text=t, page=i + 1, recommendation=r)
            for i, (h, t, r) in enumerate(sections)]
    return Document(id=doc_id, source=f"{doc_id}.txt", path=f"/arkiv/{doc_id}.txt", sha256="x",
                    title=title or f"Handling {doc_id}", year=year, date=f"{year}-04-01", sections=secs, **meta)


def q(tree, **filters):
    return ParsedQuery(tree=tree, filters=Filters(**filters))


@pytest.fixture(scope="module")
def store(module_store_factory):
    store = module_store_factory()
    store.write([
        make_doc("soc21", [("Sammanfattning", "Socialnämnden har inrättat ett skyddat boende för pojkar.", None),
                           ("Rekommendation 1", "Nämnden ska se över rutinerna för orosanmälningar.", 1)],
                 year=2021, committee="Socialnämnden", doc_type="yttrande", municipality="Malmö",
                 case_numbers=["SR 2021/5"]),
        make_doc("fsk23", [("Inledning", "Förskolenämnden anställer fler förskolesocionomer.", None),
                           ("Rekommendation 2", "Boende och pojkar nämns här men inte tillsammans som ett skyddat ställe.", 2)],
                 year=2023, committee="Förskolenämnden", doc_type="uppföljning", municipality="Malmö",
                 case_numbers=["SR-2023-81"]),
        make_doc("gbg24", [("Orosanmälningar", "Rutinerna ses över under året.", 1)],
                 year=2024, committee="Socialnämnden", doc_type="yttrande", municipality="Göteborg"),
    ])
    return store


def ids(result):
    return [h["id"] for h in result["hits"]]


def test_the_result_has_the_search_json_shape(store):
    result = store.search("skyddat boende")
    assert {"query", "total", "page", "hits", "facets", "suggestion", "notice"} <= set(result)
    assert set(result["hits"][0]) == HIT_KEYS
    hit = result["hits"][0]
    assert hit["source"] == "soc21.txt" and hit["page_number"] == 1
    assert hit["text"] == "Socialnämnden har inrättat ett skyddat boende för pojkar."
    assert set(result["facets"]) == {"year", "committee", "doc_type", "municipality", "recommendation"}


def test_words_standing_together_rank_first(store):
    result = store.search(q(And((Word("skyddat"), Word("boende"), Word("pojkar")))))
    assert ids(result)[0] == "soc21#1"
    assert "fsk23#2" in ids(result)


def test_a_heading_match_outranks_a_body_match(store):
    result = store.search(q(Word("orosanmälningar")))
    assert ids(result)[0] == "gbg24#1"
    assert set(ids(result)) == {"gbg24#1", "soc21#2"}


def test_inflected_forms_match(store):
    assert "soc21#2" in ids(store.search(q(Word("orosanmälning"))))


def test_phrase_needs_the_words_together(store):
    assert ids(store.search(q(Phrase(("skyddat", "boende"))))) == ["soc21#1"]


def test_not_excludes_and_or_includes(store):
    assert ids(store.search(q(And((Word("boende"), Not(Word("skyddat"))))))) == []
    assert set(ids(store.search(q(Or((Word("förskolesocionomer"), Word("rutinerna"))))))) == \
        {"fsk23#1", "soc21#2", "gbg24#1"}
    assert ids(store.search(q(Not(Word("rutinerna")))))  # everything else


def test_a_query_of_only_negations_matches_everything_else(store):
    everything = store.search(q(None, year_from=2000, year_to=2100))["total"]
    with_word = store.search(q(Word("rutinerna")))["total"]
    assert store.search(q(Not(Word("rutinerna"))))["total"] == everything - with_word
    both = store.search(q(And((Not(Word("rutinerna")), Not(Word("förskolesocionomer"))))))
    assert both["total"] == everything - with_word - 1


def test_prefix_expands_against_the_vocabulary(store):
    assert "fsk23#1" in ids(store.search(q(Prefix("förskolesoc"))))
    assert ids(store.search(q(Prefix("x")))) == []


@pytest.mark.parametrize("filters, expected", [
    ({"year_from": 2022}, {"fsk23#2", "gbg24#1"}),
    ({"year_from": 2021, "year_to": 2021}, {"soc21#1", "soc21#2"}),
    ({"committee": "socialnämnden"}, {"soc21#1", "soc21#2", "gbg24#1"}),
    ({"committee": "forskolenamnden"}, {"fsk23#2"}),
    ({"doc_type": "uppföljning"}, {"fsk23#2"}),
    ({"municipality": "göteborg"}, {"gbg24#1"}),
    ({"recommendation": 1}, {"soc21#2", "gbg24#1"}),
    ({"case_number": "sr 2023/81"}, {"fsk23#2"}),
])
def test_every_filter_narrows_the_match_set(store, filters, expected):
    tree = Or((Word("rutinerna"), Word("pojkar")))
    assert set(ids(store.search(q(tree, **filters)))) == expected


def test_filters_from_the_query_and_the_argument_combine(store):
    result = store.search(q(Or((Word("rutinerna"), Word("pojkar"))), committee="Socialnämnden"),
                          filters=Filters(year_from=2024))
    assert ids(result) == ["gbg24#1"]


def test_only_filters_lists_newest_first(store):
    result = store.search(q(None, municipality="Malmö"))
    assert result["total"] == 4
    assert [h["year"] for h in result["hits"]] == [2023, 2023, 2021, 2021]


def test_all_words_first_then_any_word_in_tiers(store):
    both = store.search(q(And((Word("förskolesocionomer"), Word("orosanmälningar")))))
    assert both["total"] == 3 and both["tiers"]["all_words"] == 0 and both["tiers"]["some_words"] > 0
    assert both["notice"] is None  # the tiers say it; the notice is for what nothing else shows
    exact = store.search(q(And((Word("skyddat"), Word("pojkar")))))
    assert exact["tiers"] == {"all_words": exact["total_documents"], "some_words": 0}
    assert store.search(q(Word("pojkar")))["tiers"] is None  # one word: nothing to tier


def test_a_misspelling_gets_a_suggestion_from_the_vocabulary(store):
    result = store.search(q(Word("orosanmälnigar"), ), filters=None)
    assert result["total"] == 0
    missed = store.search("orosanmälnigar")
    assert missed["suggestion"] == "orosanmälningar"
    assert store.search("rutinerna")["suggestion"] is None


def test_pages_split_the_ranked_list(store):
    tree = Or((Word("rutinerna"), Word("pojkar"), Word("förskolesocionomer")))
    full = ids(store.search(q(tree), limit=10))
    assert ids(store.search(q(tree), limit=2, page=1)) + ids(store.search(q(tree), limit=2, page=2)) + \
        ids(store.search(q(tree), limit=2, page=3)) == full


def test_newer_documents_win_ties(new_store):
    store = new_store()
    same = [("Rubrik", "Samma text om cykelbanor.", None)]
    store.write([make_doc("old", same, year=2015), make_doc("new", same, year=2025),
                 make_doc("mid", same, year=2020)])
    assert [h["doc_id"] for h in store.search("cykelbanor")["hits"]] == ["new", "mid", "old"]


def test_one_document_does_not_fill_the_page(new_store):
    store = new_store()
    many = [(f"Del {i}", "Badplatser badplatser badplatser och mer om badplatser.", None) for i in range(8)]
    store.write([make_doc("big", many), make_doc("small", [("Rubrik", "En rad om badplatser bland mycket annat "
                                                                     "som handlar om helt andra saker.", None)])])
    result = store.search("badplatser", limit=5)
    assert result["total"] == 9
    assert "small" in [h["doc_id"] for h in result["hits"]]
    alone = store.search("badplatser", limit=10, page=1, filters=Filters(doc_type="övrigt"))
    assert len(alone["hits"]) == 9


def test_collapse_order_moves_a_documents_extra_hits_back():
    import numpy as np

    docnums = np.arange(6)
    scores = np.array([9.0, 8.0, 7.0, 6.0, 5.0, 1.0])
    doc_code = np.array([0, 0, 0, 0, 1, 2])
    order = collapse_order(docnums, scores, doc_code, per_doc=2)
    assert list(docnums[order]) == [0, 1, 4, 5, 2, 3]


def test_a_query_of_only_small_words_says_so(store):
    result = store.search(q(Word("och")))
    assert result["total"] == 0 and result["notice"]


def test_proper_swedish_finds_the_ocr_reading(new_store):
    store = new_store()
    store.write([make_doc("ocr", [("Rubrik", "Beslutet fattades av namnden efter beredning.", None)])])
    assert [h["doc_id"] for h in store.search("nämnden")["hits"]] == ["ocr"]


def test_hit_text_puts_a_stating_heading_first():
    from index.search import hit_text

    heading = "Aktivitet 2.3: Nämnden ska kartlägga behovet av stödboende"
    assert hit_text(heading, "activity", "Arbetet pågår.") == heading + "\n\nArbetet pågår."
    assert hit_text("Rekommendation 4", "recommendation", "Text.").startswith("Rekommendation 4\n\n")
    assert hit_text("Bakgrund", "heading", "Text.") == "Text."
    assert hit_text("Sammanfattning", "summary", "Text.") == "Text."


def test_hit_text_ends_with_the_ocr_reading_when_repair_changed_it():
    from index.search import hit_text

    repaired = "Nämnden har beslutat om stöd."
    assert hit_text("Bakgrund", "heading", repaired, "Namnden har beslutat om stéd.") == \
        repaired + "\n\n[OCR]\nNamnden har beslutat om stéd."
    assert hit_text("Bakgrund", "heading", repaired, " Nämnden  har beslutat\nom stöd. ") == repaired
    assert hit_text("Bakgrund", "heading", repaired, "") == repaired


def test_a_hit_shows_the_heading_statement_and_the_scanned_reading(new_store):
    store = new_store()
    sections = [
        Section(number=1, heading="Aktivitet 1.2: Förvaltningen ska starta en samtalsgrupp", kind="activity",
                text="Gruppen för tonåringar har träffats fyra gånger.", raw_text="Gruppen fér tonaringar har "
                "triffats fyra ginger.", activity="1.2"),
        Section(number=2, heading="Övrigt", kind="heading", text="Inget att rapportera om tonåringar.",
                raw_text="Inget att rapportera om tonåringar."),
    ]
    store.write([Document(id="akt", source="akt.txt", path="/arkiv/akt.txt", sha256="y", year=2024,
                          sections=sections)])
    hits = {h["id"]: h for h in store.search("tonåringar")["hits"]}
    first = hits["akt#1"]["text"]
    assert first.startswith("Aktivitet 1.2: Förvaltningen ska starta en samtalsgrupp\n\nGruppen för")
    assert first.endswith("\n\n[OCR]\nGruppen fér tonaringar har triffats fyra ginger.")
    assert "[OCR]" not in hits["akt#1"]["snippet"] and "fér" not in hits["akt#1"]["snippet"]
    assert "<mark>tonåringar</mark>" in hits["akt#1"]["snippet"]
    assert hits["akt#2"]["text"] == "Inget att rapportera om tonåringar."


def test_few_all_words_hits_are_followed_by_most_words_hits(new_store):
    store = new_store()
    store.write([
        make_doc("alla", [("Rubrik", "Kommunen ordnar läxhjälp och simskola för nyanlända barn.", None)], year=2020),
        make_doc("tva", [("Rubrik", "Läxhjälp för nyanlända elever erbjuds på biblioteket.", None)], year=2020),
        make_doc("en", [("Rubrik", "Simskola varje sommar vid stranden och mycket mer simskola.", None)], year=2025),
        make_doc("ingen", [("Rubrik", "Budgeten för vägunderhåll.", None)]),
    ])
    result = store.search("läxhjälp simskola nyanlända")
    assert [h["doc_id"] for h in result["hits"]] == ["alla", "tva", "en"]
    assert result["hit_tiers"] == [0, 1, 2]
    assert result["total"] == 3 and result["tiers"] == {"all_words": 1, "some_words": 2}
    assert [(d["doc_id"], d["tier"]) for d in result["documents"]] == [("alla", 0), ("tva", 1), ("en", 2)]
    assert result["facets"]["year"] == {"2020": 1}  # the first tier only
    assert store.search("läxhjälp nyanlända")["tiers"] == {"all_words": 2, "some_words": 0}


def test_a_section_that_is_only_a_heading_gets_its_heading_as_snippet(new_store):
    store = new_store()
    sections = [Section(number=1, heading="Aktivitet 4.1: Förvaltningen ska erbjuda simskola", kind="activity",
                        text="", activity="4.1")]
    store.write([Document(id="rub", source="rub.txt", path="/arkiv/rub.txt", sha256="z", sections=sections)])
    hit = store.search("simskola")["hits"][0]
    assert hit["text"] == "Aktivitet 4.1: Förvaltningen ska erbjuda simskola"
    assert hit["snippet"] == "Aktivitet 4.1: Förvaltningen ska erbjuda <mark>simskola</mark>"


def test_fewer_words_hits_respect_the_filters(store):
    result = store.search(q(And((Word("rutinerna"), Word("pojkar"))), municipality="Göteborg"))
    assert ids(result) == ["gbg24#1"]
    assert result["facets"]["municipality"] == {"Göteborg": 1}


def test_no_suggestion_of_an_inflection_of_the_same_word(new_store):
    store = new_store()
    store.write([make_doc("jour", [("Rubrik", "Samverkan med kvinnojourerna i staden.", None)])])
    result = store.search("kvinnojourer")
    assert [h["doc_id"] for h in result["hits"]] == ["jour"]
    assert result["suggestion"] is None
    assert store.search("kvinnojorerna")["suggestion"] == "kvinnojourerna"


def test_soft_collapsing_lets_a_strong_extra_hit_beat_a_weak_one():
    import numpy as np

    docnums = np.arange(5)
    scores = np.array([9.0, 8.0, 7.0, 1.0, 5.0])
    doc_code = np.array([0, 0, 0, 1, 2])
    order = collapse_order(docnums, scores, doc_code, per_doc=2, decay=0.5)
    assert list(docnums[order]) == [0, 1, 4, 2, 3]   # 7 x 0.5 = 3.5: after 5, before 1
    assert list(docnums[collapse_order(docnums, scores, doc_code, per_doc=2, decay=0)]) == [0, 1, 4, 3, 2]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), min_size=40, max_size=400),
       st.integers(1, 12))
def test_the_eager_head_is_the_start_of_the_full_ranking(hits, want):
    """Scores drawn from few values (many ties) and few documents (much collapsing)."""
    from index.search import collapse_prefix

    docnums = np.arange(len(hits), dtype=np.int64)
    doc_code = np.array([d for d, _ in hits] + [0], dtype=np.int32)[:len(hits)]
    scores = np.array([float(s) for _, s in hits])
    head = collapse_prefix(docnums, scores, doc_code, want)
    full = collapse_order(docnums, scores, doc_code)
    if head is not None:
        assert head.tolist() == full[:want].tolist()


def test_the_eager_head_is_decided_for_a_large_match_set():
    from index.search import collapse_prefix

    rng = np.random.default_rng(7)
    docnums = np.sort(rng.choice(50_000, size=5_000, replace=False))
    doc_code = rng.integers(0, 300, size=50_000).astype(np.int32)
    scores = np.round(rng.gamma(2.0, 1.0, size=5_000), 2)   # rounded: ties
    head = collapse_prefix(docnums, scores, doc_code, 200)
    assert head is not None
    assert head.tolist() == collapse_order(docnums, scores, doc_code)[:200].tolist()


def test_pages_beyond_the_eager_head_follow_the_full_order(tmp_path, monkeypatch):
    import index.search as search_module

    store = Store(tmp_path / "ix")  # Whoosh's eager head (PostgreSQL: test_engines.py)
    docs = [make_doc(f"d{i}", [(f"Rubrik {k}", f"Nämnden beslutar om stöd nummer {i} och stöd igen." if k % 2
                                else f"Uppföljning av stöd {k} i dokument {i}.", None) for k in range(6)],
                     year=2015 + i % 8)
            for i in range(60)]
    store.write(docs)
    monkeypatch.setattr(search_module, "RANKED_AHEAD", 5)
    search_module._CACHE.clear()
    paged = [h["id"] for p in range(1, 9) for h in store.search("stöd", page=p, limit=10)["hits"]]
    monkeypatch.setattr(search_module, "RANKED_AHEAD", 0)       # everything ordered up front
    search_module._CACHE.clear()
    whole = [h["id"] for p in range(1, 9) for h in store.search("stöd", page=p, limit=10)["hits"]]
    assert paged == whole and len(set(whole)) == 80
    assert store.search("stöd")["total"] == 360


@pytest.fixture(scope="module")
def compounds(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("compounds"))
    store.write([
        make_doc("arkiv", [("E-arkiv", "Kommunen inför ett gemensamt e-arkivsystemet med grannkommunerna.", None)]),
        make_doc("rutin", [("Arbetssätt", "Skolan följer en trappstegsrutin vid frånvaro.", None)]),
        make_doc("modell", [("Modell", "Förvaltningen använder trappstegsmodellen i alla ärenden.", None)]),
        make_doc("annat", [("Övrigt", "Nämnden beslutar om lokaler för förskolan.", None)]),
    ])
    return store


def test_a_hyphenated_compound_query_finds_its_longer_compounds(compounds):
    assert ids(compounds.search("e-arkiv")) == ["arkiv#1"]
    assert ids(compounds.search("e-arkivet")) == ["arkiv#1"]


def test_a_whole_match_needs_no_fallback(compounds):
    result = compounds.search("trappstegsmodell")
    assert ids(result) == ["modell#1"] and result["notice"] is None


def test_compounds_sharing_the_first_part_stand_in_when_nothing_matches_whole(compounds):
    result = compounds.search("trappstegsplan")
    assert set(ids(result)) == {"modell#1", "rutin#1"}
    assert "samma förled" in result["notice"] and "trappstegsrutin" in result["notice"]
    assert ids(compounds.search("e-arkivplan")) == ["arkiv#1"]


def test_the_first_part_alone_is_no_sibling(tmp_path):
    store = Store(tmp_path)
    store.write([make_doc("steg", [("Steg", "Trappsteget byggs om och trappstegen målas.", None)])])
    assert store.search("trappstegsplan")["total"] == 0
