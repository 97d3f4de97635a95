"""Field filters (år:, nämnd:, typ:, kommun:, rekommendation:, dnr:) as masks over column arrays.

Label filters compare folded text (case and diacritics ignored, so "kommun:malmo" finds
"Malmö"): an exact label wins; otherwise every label containing the value matches.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
from whoosh import query as wq

from index.columns import ColumnArrays
from index.querytree import Filters
from index.records import normalise_case_number
from ingest.folding import fold_label

LABEL_FILTERS = {"committee": "committee", "doc_type": "doc_type", "municipality": "municipality"}


def merge_filters(first: Filters | None, second: Filters | None) -> Filters:
    """Both sets of filters at once (AND); where both name a field, the second narrows the first."""
    merged = Filters()
    for f in fields(Filters):
        a = getattr(first, f.name, None) if first else None
        b = getattr(second, f.name, None) if second else None
        setattr(merged, f.name, b if b is not None else a)
    if first and second:
        lows = [v for v in (first.year_from, second.year_from) if v is not None]
        highs = [v for v in (first.year_to, second.year_to) if v is not None]
        merged.year_from = max(lows) if lows else None
        merged.year_to = min(highs) if highs else None
    return merged


def matching_codes(labels: list[str], wanted: str) -> list[int]:
    target = fold_label(wanted)
    folded = [fold_label(label) for label in labels]
    exact = [i for i, f in enumerate(folded) if i and f == target]
    if exact:
        return exact
    return [i for i, f in enumerate(folded) if i and target and target in f]


def filter_mask(arrays: ColumnArrays, docnums: np.ndarray, filters: Filters, searcher) -> np.ndarray:
    """Boolean mask over ``docnums``: live section records that pass every active filter."""
    mask = arrays.live_sections[docnums]
    if filters.year_from is not None:
        mask &= arrays.year[docnums] >= filters.year_from
    if filters.year_to is not None:
        mask &= (arrays.year[docnums] <= filters.year_to) & (arrays.year[docnums] > 0)
    if filters.recommendation is not None:
        mask &= arrays.recommendation[docnums] == filters.recommendation
    for attr, column in LABEL_FILTERS.items():
        wanted = getattr(filters, attr)
        if wanted:
            codes, labels = arrays.labels[column]
            mask &= np.isin(codes[docnums], matching_codes(labels, wanted))
    if filters.case_number:
        hits = searcher.docs_for_query(wq.Term("case_numbers", normalise_case_number(filters.case_number)))
        allowed = np.fromiter(hits, dtype=np.int64)
        mask &= np.isin(docnums, allowed)
    return mask
