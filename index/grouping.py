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
    """Matching sections grouped by document.

    ``order`` holds positions into the section arrays, grouped by document (each group best
    first); group ``g`` is ``order[starts[g]:starts[g] + counts[g]]``. ``ranked`` lists the groups
    in result order; ``tiers`` and ``scores`` are each group's (its best section's).
    """

    order: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    ranked: np.ndarray
    tiers: np.ndarray
    scores: np.ndarray

    @property
    def total(self) -> int:
        return len(self.starts)

    def tier_counts(self) -> dict[str, int]:
        """Documents holding all the words somewhere in one section, and the others."""
        all_words = int(np.count_nonzero(self.tiers == 0))
        return {"all_words": all_words, "some_words": self.total - all_words}

    def page(self, start: int, limit: int, shown: int = SHOWN) -> list[tuple[np.ndarray, int, int, float]]:
        """``(best section positions, matching sections, tier, score)`` of documents
        ``start`` … ``start + limit - 1`` in result order."""
        out = []
        for g in self.ranked[start:start + max(limit, 0)]:
            first = self.starts[g]
            count = int(self.counts[g])
            out.append((self.order[first:first + min(shown, count)], count, int(self.tiers[g]),
                        float(self.scores[g])))
        return out


def group_documents(doc_codes: np.ndarray, scores: np.ndarray, tiers: np.ndarray,
                    tiebreak: np.ndarray, dates: np.ndarray | None = None) -> Grouping:
    """Group matching sections (aligned arrays: document code, score, tier, a unique number for
    ties) by document. ``dates`` (one value per section, larger is newer, the same for all
    sections of a document) ranks the documents newest first within a tier instead of by score."""
    n = len(doc_codes)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Grouping(empty, empty, empty, empty, empty, np.zeros(0))
    order = np.lexsort((tiebreak, -scores, tiers, doc_codes))
    codes = doc_codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    counts = np.diff(np.r_[starts, n])
    best = order[starts]
    keys = [tiebreak[best], -scores[best]]
    if dates is not None:
        keys.append(-dates[best])
    keys.append(tiers[best])
    ranked = np.lexsort(tuple(keys))
    return Grouping(order, starts, counts, ranked, tiers[best], scores[best])
