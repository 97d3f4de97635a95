"""Search results by document (one result per dokument), from the matching sections.

Every engine answers a query with its matching sections, each with its document, its score and
its tier (0: the section holds all the words of the query; 1, 2 …: one, two … words missing).
This module turns those aligned arrays into what the pages list, the same for every engine:

* each document ranks where its best section would: lowest tier first, then the best score
  (or, sorted by date, the newest document), ties by the section's number in the engine;
* each document shows its best sections (up to ``SHOWN``) and how many of its sections matched;
* a document's tier is its best section's: it "contains all the words" when one section does.

Document-count facets live in :mod:`index.facets`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHOWN = 3  # best sections shown under each document


@dataclass(frozen=True)
class Grouping:
    """Matching sections grouped by document, in O(n) NumPy (``ufunc.at`` per document, no sort of
    all the sections: a broad query over a large index matches hundreds of thousands).

    ``ranked`` lists the document codes in result order; ``best_tier``, ``best_score`` and
    ``counts`` are indexed by document code. The section arrays are kept to pick a page's best
    sections when a page is asked for."""

    codes: np.ndarray
    scores: np.ndarray
    tiers: np.ndarray
    tiebreak: np.ndarray
    counts: np.ndarray
    best_tier: np.ndarray
    best_score: np.ndarray
    ranked: np.ndarray

    @property
    def total(self) -> int:
        return len(self.ranked)

    def tier_counts(self) -> dict[str, int]:
        """Documents holding all the words somewhere in one section, and the others."""
        all_words = int(np.count_nonzero(self.best_tier[self.ranked] == 0))
        return {"all_words": all_words, "some_words": self.total - all_words}

    def page(self, start: int, limit: int, shown: int = SHOWN) -> list[tuple[np.ndarray, int, int, float]]:
        """``(best section positions, matching sections, tier, score)`` of documents
        ``start`` … ``start + limit - 1`` in result order."""
        docs = self.ranked[start:start + max(limit, 0)]
        if not len(docs):
            return []
        positions = np.flatnonzero(np.isin(self.codes, docs))
        order = positions[np.lexsort((self.tiebreak[positions], -self.scores[positions],
                                      self.tiers[positions], self.codes[positions]))]
        by_code: dict[int, list[int]] = {}
        for position in order.tolist():
            code = int(self.codes[position])
            best = by_code.setdefault(code, [])
            if len(best) < shown:
                best.append(position)
        return [(np.array(by_code[int(code)], dtype=np.int64), int(self.counts[code]), int(self.best_tier[code]),
                 float(self.best_score[code])) for code in docs]


def group_documents(doc_codes: np.ndarray, scores: np.ndarray, tiers: np.ndarray,
                    tiebreak: np.ndarray, dates: np.ndarray | None = None) -> Grouping:
    """Group matching sections (aligned arrays: document code, score, tier, a unique number for
    ties) by document. ``dates`` (one value per section, larger is newer, the same for all
    sections of a document) ranks the documents newest first within a tier instead of by score."""
    if len(doc_codes) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Grouping(empty, np.zeros(0), empty, empty, empty, empty, np.zeros(0), empty)
    codes = doc_codes.astype(np.int64)
    tiers = tiers.astype(np.int64)
    tiebreak = tiebreak.astype(np.int64)
    size = int(codes.max()) + 1
    counts = np.bincount(codes, minlength=size)
    docs = np.flatnonzero(counts)
    best_tier = np.full(size, np.iinfo(np.int64).max)
    np.minimum.at(best_tier, codes, tiers)
    in_tier = tiers == best_tier[codes]
    best_score = np.full(size, -np.inf)
    np.maximum.at(best_score, codes[in_tier], scores[in_tier])
    is_best = in_tier & (scores == best_score[codes])
    first = np.full(size, np.iinfo(np.int64).max)
    np.minimum.at(first, codes[is_best], tiebreak[is_best])
    keys = [first[docs], -best_score[docs]]
    if dates is not None:
        newest = np.zeros(size, dtype=np.int64)
        newest[codes] = dates
        keys.append(-newest[docs])
    keys.append(best_tier[docs])
    ranked = docs[np.lexsort(tuple(keys))]
    return Grouping(codes, scores, tiers, tiebreak, counts, best_tier, best_score, ranked)
