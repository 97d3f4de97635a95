"""One result per document: matching sections grouped, documents ranked by their best section."""

from __future__ import annotations

import numpy as np

from index.grouping import group_documents


def arrays(*rows):
    """rows: (document code, score, tier) per matching section, numbered in order."""
    codes, scores, tiers = (np.array(col) for col in zip(*rows, strict=True))
    return codes, scores.astype(float), tiers, np.arange(len(rows))


def test_a_document_ranks_where_its_best_section_would():
    grouping = group_documents(*arrays((1, 2.0, 0), (2, 9.0, 0), (1, 5.0, 0), (3, 1.0, 0)))
    page = grouping.page(0, 10)
    assert [list(positions) for positions, *_ in page] == [[1], [2, 0], [3]]
    assert [(count, tier, score) for _, count, tier, score in page] == [(1, 0, 9.0), (2, 0, 5.0), (1, 0, 1.0)]
    assert grouping.total == 3


def test_a_document_with_all_the_words_comes_before_a_better_scored_one_without():
    grouping = group_documents(*arrays((1, 20.0, 1), (2, 3.0, 0), (1, 4.0, 0), (3, 30.0, 2)))
    page = grouping.page(0, 10)
    assert [(list(p), tier) for p, _, tier, _ in page] == [([2, 0], 0), ([1], 0), ([3], 2)]
    assert grouping.tier_counts() == {"all_words": 2, "some_words": 1}


def test_only_the_best_three_sections_are_shown_but_all_are_counted():
    rows = [(4, float(s), 0) for s in (1, 7, 3, 9, 5)]
    (positions, count, tier, score), = group_documents(*arrays(*rows)).page(0, 10)
    assert list(positions) == [3, 1, 4] and count == 5 and score == 9.0


def test_sorted_by_date_the_newest_document_comes_first_within_a_tier():
    codes, scores, tiers, tiebreak = arrays((1, 9.0, 0), (2, 1.0, 0), (3, 5.0, 1))
    dates = np.array([20200101, 20240101, 20250101])
    grouping = group_documents(codes, scores, tiers, tiebreak, dates)
    assert [int(p[0]) for p, *_ in grouping.page(0, 10)] == [1, 0, 2]


def test_pages_split_the_documents():
    rows = [(d, 10.0 - d, 0) for d in range(7)]
    grouping = group_documents(*arrays(*rows))
    pages = [[int(p[0]) for p, *_ in grouping.page(start, 3)] for start in (0, 3, 6, 9)]
    assert pages == [[0, 1, 2], [3, 4, 5], [6], []]


def test_no_matches_no_documents():
    grouping = group_documents(*(np.array([], dtype=np.int64) for _ in range(4)))
    assert grouping.total == 0 and grouping.page(0, 10) == [] and grouping.tier_counts() == {
        "all_words": 0, "some_words": 0}
