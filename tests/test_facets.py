"""Facet counts are in documents, cover the whole match set and stay right under filters
(checked by brute force)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from index.columns import LABEL_COLUMNS, ColumnArrays, generation_key, merged_codes
from index.facets import facet_counts
from index.querytree import Filters, ParsedQuery, Word
from index.store import Store
from ingest.model import Document, Section

COMMITTEES = ["Socialnämnden", "Förskolenämnden", "Grundskolenämnden", None]
TYPES = ["yttrande", "remissvar", "handlingsplan", "uppföljning"]
TOWNS = ["Malmö", "Lund", "Ystad"]
WORDS = ["skola", "boende", "ungdomar", "rutiner", "budget", "trygghet"]


def corpus(seed: int = 7, n: int = 40) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        year = rng.choice([2016, 2019, 2020, 2021, 2024, None])
        sections = [Section(number=s + 1, heading=f"Avsnitt {s + 1}", kind="heading",
                            text=" ".join(rng.choices(WORDS, k=6)), recommendation=rng.choice([None, 1, 2, 3]))
                    for s in range(rng.randint(1, 5))]
        docs.append(Document(id=f"d{i}", source=f"d{i}.txt", path=f"/arkiv/d{i}.txt", sha256="x",
                             year=year, date=f"{year}-01-15" if year else None,
                             committee=rng.choice(COMMITTEES), doc_type=rng.choice(TYPES),
                             municipality=rng.choice(TOWNS), sections=sections))
    return docs


def brute_force(docs, word, keep) -> dict[str, Counter]:
    """Documents per value: a document counts once per value any of its matching sections has."""
    counts = {name: Counter() for name in ("year", "committee", "doc_type", "municipality", "recommendation")}
    for doc in docs:
        seen: set[tuple[str, str]] = set()
        for sec in doc.sections:
            if word in sec.text.split() and keep(doc, sec):
                for name, value in (("year", doc.year), ("committee", doc.committee), ("doc_type", doc.doc_type),
                                    ("municipality", doc.municipality), ("recommendation", sec.recommendation)):
                    if value:
                        seen.add((name, str(value)))
        for name, value in seen:
            counts[name][value] += 1
    return counts


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    docs = corpus()
    store = Store(tmp_path_factory.mktemp("ix"))
    store.write(docs, batch=9)   # several segments
    return store, docs


CASES = [
    (Filters(), lambda d, s: True),
    (Filters(year_from=2019, year_to=2021), lambda d, s: d.year and 2019 <= d.year <= 2021),
    (Filters(committee="Socialnämnden"), lambda d, s: d.committee == "Socialnämnden"),
    (Filters(doc_type="remissvar", municipality="Lund"), lambda d, s: d.doc_type == "remissvar" and d.municipality == "Lund"),
    (Filters(recommendation=2), lambda d, s: s.recommendation == 2),
]


@pytest.mark.parametrize("word", ["skola", "trygghet"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_counts_match_a_brute_force_count_under_filters(indexed, word, case):
    store, docs = indexed
    filters, keep = CASES[case]
    result = store.search(ParsedQuery(tree=Word(word)), filters=filters, limit=3)
    expected = brute_force(docs, word, keep)
    assert result["facets"] == {name: dict(c) for name, c in expected.items()}
    assert result["total"] == sum(1 for d in docs for s in d.sections if word in s.text.split() and keep(d, s))
    assert result["total_documents"] == sum(1 for d in docs if any(word in s.text.split() and keep(d, s)
                                                                   for s in d.sections))
    assert len(result["hits"]) <= 3


def test_counts_survive_replacing_documents(indexed, tmp_path):
    docs = corpus(seed=3, n=12)
    store = Store(tmp_path / "ix")
    store.write(docs)
    changed = docs[0]
    changed.year = 2030
    store.write([changed])
    facets = store.facets("budget")
    assert facets == {name: dict(c) for name, c in brute_force(docs, "budget", lambda d, s: True).items()}


def test_year_counts_run_oldest_first_and_labels_most_frequent_first():
    arrays = ColumnArrays(key=(), size=4, live_sections=np.ones(4, bool), doc_code=np.arange(4, dtype=np.int32),
                          year=np.array([2024, 2019, 2024, 0], dtype=np.int32), date=np.zeros(4, np.int32),
                          recommendation=np.array([0, 1, 1, 3], dtype=np.int32),
                          labels={"committee": (np.array([1, 2, 2, 0], np.int32), ["", "Kulturnämnden", "Miljönämnden"]),
                                  "doc_type": (np.array([1, 1, 1, 1], np.int32), ["", "yttrande"]),
                                  "municipality": (np.array([0, 0, 0, 0], np.int32), [""])})
    counts, timed_out = facet_counts(arrays, np.arange(4))
    assert list(counts["year"].items()) == [("2019", 1), ("2024", 2)]
    assert list(counts["committee"].items()) == [("Miljönämnden", 2), ("Kulturnämnden", 1)]
    assert counts["recommendation"] == {"1": 2, "3": 1}
    assert counts["municipality"] == {} and timed_out == []
    counts, timed_out = facet_counts(arrays, np.arange(4), time_limit=-1.0)
    assert timed_out == ["year", "committee", "doc_type", "municipality", "recommendation"]


def test_sections_of_one_document_count_once():
    """Three matching sections of one document: the document's values count 1, and each
    recommendation its sections answer counts the document once."""
    arrays = ColumnArrays(key=(), size=4, live_sections=np.ones(4, bool),
                          doc_code=np.array([5, 5, 5, 7], dtype=np.int32),
                          year=np.array([2024, 2024, 2024, 2020], dtype=np.int32), date=np.zeros(4, np.int32),
                          recommendation=np.array([1, 1, 2, 1], dtype=np.int32),
                          labels={"committee": (np.array([1, 1, 1, 1], np.int32), ["", "Kulturnämnden"]),
                                  "doc_type": (np.zeros(4, np.int32), [""]),
                                  "municipality": (np.zeros(4, np.int32), [""])})
    counts, _ = facet_counts(arrays, np.arange(4))
    assert counts["year"] == {"2020": 1, "2024": 1}
    assert counts["committee"] == {"Kulturnämnden": 2}
    assert counts["recommendation"] == {"1": 2, "2": 1}


def test_column_arrays_merged_from_segments_equal_a_whole_index_read(indexed):
    """Per-segment codes, merged, are what coding the whole index's column at once gives."""
    store, _docs = indexed
    searcher = store.searcher()
    reader = searcher.reader()
    assert len(reader.leaf_readers()) >= 2
    arrays = ColumnArrays.load(searcher, generation_key(searcher))
    for name in LABEL_COLUMNS:
        whole = list(reader.column_reader(name))
        codes, labels = arrays.labels[name]
        assert [labels[c] for c in codes] == whole
        assert labels == ["", *dict.fromkeys(v for v in whole if v)]
    years = [int(y) if y else 0 for y in reader.column_reader("year")]
    assert arrays.year.tolist() == years
    again = ColumnArrays.load(searcher, generation_key(searcher))         # from the segment cache
    assert again.doc_code.tolist() == arrays.doc_code.tolist()


def test_merged_codes_code_by_first_appearance():
    codes, labels = merged_codes([(np.array([1, 0, 2], np.int32), ["", "b", "a"]),
                                  (np.array([1, 2, 1], np.int32), ["", "a", "c"])])
    assert labels == ["", "b", "a", "c"]
    assert [labels[c] for c in codes] == ["b", "", "a", "a", "c", "a"]


def test_one_section_stands_for_each_document_in_order_of_first_appearance():
    from index.facets import one_per_document

    assert list(one_per_document(np.array([7, 3, 7, 9, 3]))) == [1, 0, 3]  # by code: 3, 7, 9
    assert list(one_per_document(np.array([], dtype=np.int32))) == []
