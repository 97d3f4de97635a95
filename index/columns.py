"""Per-commit column arrays: docnum -> year, committee, doc type... as NumPy code arrays.

Loaded once per index generation from Whoosh's sortable columns (never from stored fields), so
facet counts are one ``np.bincount`` over the match set and filters are array masks. A
segment's columns are read once and kept by segment id: after a commit only the new or merged
segments are read, and the per-segment codes are merged by small lookup tables.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from index.schema import SECTION

LABEL_COLUMNS = ("committee", "doc_type", "municipality")
SEGMENT_CACHE = 512     # (segment, column) entries kept
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def generation_key(searcher) -> tuple:
    """Identifies one committed state: the generation plus the segments and their deletions."""
    reader = searcher.reader()
    segments = tuple((getattr(r, "segment", lambda: None)() and r.segment().segment_id(),
                      r.doc_count()) for r, _ in reader.leaf_readers())
    return (reader.generation(), segments)


def _codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Code every value by its first appearance; code 0 is always the empty value (missing)."""
    table: dict[str, int] = {"": 0}
    codes = np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int32,
                        count=len(values))
    return codes, list(table)


_SEGMENTS: OrderedDict = OrderedDict()
_SEGMENTS_LOCK = threading.Lock()


def _segment_codes(reader, name: str) -> tuple[np.ndarray, list[str]]:
    """One segment's column as codes by first appearance (cached by segment id)."""
    segment = reader.segment() if reader.is_atomic() else None
    key = (segment.segment_id(), name) if segment is not None else None
    with _SEGMENTS_LOCK:
        cached = _SEGMENTS.get(key) if key else None
        if cached is not None:
            _SEGMENTS.move_to_end(key)
            return cached
    size = reader.doc_count_all()
    values = list(reader.column_reader(name)) if reader.has_column(name) else [""] * size
    coded = _codes(values)
    if key:
        with _SEGMENTS_LOCK:
            _SEGMENTS[key] = coded
            while len(_SEGMENTS) > SEGMENT_CACHE:
                _SEGMENTS.popitem(last=False)
    return coded


def merged_codes(parts: list[tuple[np.ndarray, list[str]]]) -> tuple[np.ndarray, list[str]]:
    """Segments' codes as one array over the whole index, coded by first appearance as
    ``_codes`` would code the concatenated values."""
    table: dict[str, int] = {"": 0}
    out = []
    for codes, labels in parts:
        remap = np.array([table.setdefault(label, len(table)) for label in labels], dtype=np.int32)
        out.append(remap[codes])
    return (np.concatenate(out) if out else np.zeros(0, dtype=np.int32)), list(table)


YEARS = (1900, 2100)


def _int_or_zero(text: str, high: int = 999_999) -> int:
    """A stored column number, 0 when it is not one (an index written before metadata was checked
    may hold "abc" or a 20-digit year, which no int32 array holds)."""
    if not (isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 9):
        return 0
    number = int(text)
    return number if number <= high else 0


def _year_or_zero(text: str) -> int:
    year = _int_or_zero(text)
    return year if YEARS[0] <= year <= YEARS[1] else 0


def date_ordinal(text: str) -> int:
    """"2024-03-05" -> 20240305, "2024" -> 20240000; 0 when missing (sorts last, newest first)."""
    m = _DATE.match(text or "")
    if not m:
        return 0
    return int(m.group(1)) * 10000 + int(m.group(2) or 0) * 100 + int(m.group(3) or 0)


@dataclass
class ColumnArrays:
    key: tuple
    size: int
    live_sections: np.ndarray          # bool: a section record not deleted
    doc_code: np.ndarray               # int32: which document (for collapsing)
    year: np.ndarray                   # int32, 0 = unknown
    date: np.ndarray                   # int32 YYYYMMDD, 0 = unknown
    recommendation: np.ndarray         # int32, 0 = none
    labels: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)
    _reader: object = None
    year_span: tuple[int, int] = (0, 0)    # lowest and highest known year (0, 0: none)

    @classmethod
    def load(cls, searcher, key: tuple) -> ColumnArrays:
        reader = searcher.reader()
        size = reader.doc_count_all()

        leaves = [r for r, _ in reader.leaf_readers()]

        def coded(name: str) -> tuple[np.ndarray, list[str]]:
            return merged_codes([_segment_codes(r, name) for r in leaves])

        live = np.zeros(size, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        record_values, record_labels = coded("record")
        record = np.array([label == SECTION for label in record_labels], dtype=bool)[record_values]
        doc_code, _ = coded("doc_id")
        year_values, year_labels = coded("year")
        year_table = np.array([_year_or_zero(y) for y in year_labels], dtype=np.int32)
        date_values, date_labels = coded("date")
        date_table = np.array([date_ordinal(d) for d in date_labels], dtype=np.int32)
        rec_values, rec_labels = coded("recommendation")
        rec_table = np.array([_int_or_zero(r) for r in rec_labels], dtype=np.int32)
        labels = {name: coded(name) for name in LABEL_COLUMNS}
        year = year_table[year_values]
        known = year[year > 0]
        span = (int(known.min()), int(known.max())) if len(known) else (0, 0)
        return cls(key=key, size=size, live_sections=live & record, doc_code=doc_code,
                   year=year, date=date_table[date_values],
                   recommendation=rec_table[rec_values], labels=labels, _reader=reader, year_span=span)

    def sources(self) -> dict[str, tuple[str, str]]:
        """Source path -> (doc id, sha256), from the document records' columns."""
        reader = self._reader
        if reader.doc_count_all() == 0:  # an empty index has no columns to read
            return {}
        paths = list(reader.column_reader("path"))
        shas = list(reader.column_reader("sha256"))
        ids = list(reader.column_reader("doc_id"))
        out = {}
        for docnum in reader.all_doc_ids():
            if paths[docnum]:
                out[paths[docnum]] = (ids[docnum], shas[docnum])
        return out
