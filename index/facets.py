"""Facet counts in documents over the whole match set, from column arrays.

A facet value counts the documents with at least one matching section that has it: "Malmö 7"
means seven documents, however many of their sections matched. Year, committee, document type
and municipality belong to the whole document; a recommendation to a section, so a document
counts once under each recommendation its matching sections answer. Counting is one pass that
keeps each document's first section plus one ``np.bincount`` per facet (and one small sort for the
recommendations, over the sections that have one).

Datasette style: the facets have a time budget; a facet that cannot be counted in time is
reported in ``timed_out`` instead of failing the page.
"""

from __future__ import annotations

import time

import numpy as np

from index.columns import LABEL_COLUMNS, ColumnArrays

FACETS = ("year", "committee", "doc_type", "municipality", "recommendation")
FACET_TIME_LIMIT = 0.5  # seconds for all facets of one request


def _numeric_counts(values: np.ndarray) -> dict[str, int]:
    """Counts of a small-integer column, ascending, without the missing value 0."""
    if values.size == 0:
        return {}
    counts = np.bincount(values)
    return {str(v): int(counts[v]) for v in np.flatnonzero(counts) if v != 0}


def _label_counts(codes: np.ndarray, labels: list[str]) -> dict[str, int]:
    """Counts of a coded label column, most frequent first, without the missing value."""
    counts = np.bincount(codes, minlength=len(labels))
    pairs = [(labels[c], int(counts[c])) for c in np.flatnonzero(counts) if c != 0]
    pairs.sort(key=lambda p: (-p[1], p[0]))
    return dict(pairs)


def _per_document(doc_codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` with each (document, value) pair once: a section-level column counted in documents.
    Only sections with a value (non-zero) are paired, so the one sort is over few of them."""
    keep = values != 0
    values, doc_codes = values[keep], doc_codes[keep]
    if values.size == 0:
        return values
    width = int(values.max()) + 1
    pairs = np.unique(doc_codes.astype(np.int64) * width + values)
    return (pairs % width).astype(values.dtype)


def one_per_document(doc_codes: np.ndarray) -> np.ndarray:
    """Positions of each document's first section among ``doc_codes`` (O(n), no sort)."""
    if doc_codes.size == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.full(int(doc_codes.max()) + 1, -1, dtype=np.int64)
    first[doc_codes[::-1]] = np.arange(len(doc_codes) - 1, -1, -1)
    return first[first >= 0]


def facet_counts(arrays: ColumnArrays, docnums: np.ndarray,
                 time_limit: float = FACET_TIME_LIMIT) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Documents per facet value among the matching sections ``docnums``, and the names of
    facets that ran out of time."""
    deadline = time.monotonic() + time_limit
    doc_codes = arrays.doc_code[docnums]
    representatives = docnums[one_per_document(doc_codes)]
    counts: dict[str, dict[str, int]] = {}
    timed_out: list[str] = []
    for name in FACETS:
        if time.monotonic() > deadline:
            counts[name] = {}
            timed_out.append(name)
            continue
        if name == "year":
            counts[name] = _numeric_counts(arrays.year[representatives])
        elif name == "recommendation":
            counts[name] = _numeric_counts(_per_document(doc_codes, arrays.recommendation[docnums]))
        elif name in LABEL_COLUMNS:
            codes, labels = arrays.labels[name]
            counts[name] = _label_counts(codes[representatives], labels)
    return counts, timed_out
