"""Document -> the rows PostgreSQL stores: pure functions, no IO.

Every searchable token comes from kb's own analyzer (the fused chain the Whoosh schema uses), at
Whoosh's positions: for each section and text field (body, heading, title, context) the terms
with their positions, and the field's length as Whoosh counts it (one per token, every form at a
position counted). A document's postings are one list per (field, term): the document's
sections holding the term, how often (term frequency) and, for the OCR fold keys that phrase
queries match, where. Together with the field lengths they are what Whoosh's BM25F needs, so
both engines score every section alike (see ``index.pg.postings``).

Posting lists are packed little-endian: section ids as int32, term frequencies as uint16
(omitted when all are 1), positions as int32 (only for fold keys, which phrases match).
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
import zlib
from array import array
from dataclasses import dataclass, field

from index.analysis import FOLD_MARK
from index.columns import date_ordinal
from index.fast_analysis import index_terms, spelling_terms
from index.records import (
    case_number_terms,
    indexed_sections,
    section_id,
    section_payload,
    spelling_text,
)
from ingest.model import Document

#: Whoosh's text fields (index.schema.TEXT_FIELDS) and their codes in ``kb_postings.field``.
FIELD_NAMES = ("body", "heading", "title", "context")
FIELD_CODES = {name: code for code, name in enumerate(FIELD_NAMES)}
MAX_TERM_BYTES = 1000      # a longer "word" is not a word: counted in the length, not stored
MAX_TERM_CHARS = MAX_TERM_BYTES // 4      # terms up to this many characters are always short enough
MAX_TF = 65535             # term frequencies are stored as uint16

def field_terms(text: str) -> tuple[dict[str, list[int]], int]:
    """One field value as Whoosh indexes it: term -> its positions (in token order, a position
    repeated when two forms at it are the same term), and the field length (number of tokens)."""
    return index_terms(text) if text else ({}, 0)


def keeps_positions(term: str) -> bool:
    """Positions are stored for fold keys only: phrases (and proximity) match the keys."""
    return term.startswith(FOLD_MARK)


def _usable(term: str) -> bool:
    return len(term.encode("utf-8")) <= MAX_TERM_BYTES


@dataclass
class SectionRow:
    number: int
    recommendation: int
    lengths: tuple[int, int, int, int]     # in FIELD_NAMES order
    payload: str


@dataclass
class DocumentRows:
    """What one document writes: its row, its sections (each with its four fields' terms, as
    ``field_terms`` gives them) and its words for "menade du"."""

    doc: dict
    sections: list[SectionRow]
    terms: list[tuple[dict[str, list[int]], ...]] = field(default_factory=list)   # per section, FIELD_NAMES order
    spelling: list[str] = field(default_factory=list)


def document_rows(doc: Document, data: bytes | None = None) -> DocumentRows:
    """Every row of one document; ``data`` is its JSON (``document_json``) when already made."""
    title = field_terms(doc.title or "")
    context_cache: dict[str, tuple[dict[str, list[int]], int]] = {"": ({}, 0)}
    sections, terms = [], []
    for indexed in indexed_sections(doc):
        section, context = indexed.section, indexed.context
        if context not in context_cache:
            context_cache[context] = field_terms(context)
        values = (field_terms(indexed.body), field_terms(indexed.heading),
                  title if indexed.title else field_terms(""), context_cache[context])
        terms.append(tuple(v[0] for v in values))
        sections.append(SectionRow(section.number, section.recommendation or 0,
                                   tuple(v[1] for v in values), section_payload(doc, section)))
    return DocumentRows(doc=document_row(doc, data), sections=sections, terms=terms,
                        spelling=spelling_words(doc))


_LITTLE = sys.byteorder == "little"


def _packed(typecode: str, values) -> bytes:
    out = array(typecode, values)
    if not _LITTLE:
        out.byteswap()
    return out.tobytes()


def postings(built: list[DocumentRows], firsts: list[int]) -> list[tuple[int, str, list[int], list[int], list[int] | None]]:
    """The posting lists of documents written together (one segment): (field code, term,
    section ids, term frequencies, positions or None). ``firsts`` are the documents' first
    section ids, ascending, so every list is in section order."""
    by_field: list[dict[str, list]] = [{} for _ in FIELD_NAMES]
    for rows, first in zip(built, firsts, strict=True):
        for sid, values in enumerate(rows.terms, start=first):
            for terms, lists in zip(values, by_field, strict=True):
                for term, at in terms.items():
                    entry = lists.get(term)
                    if entry is None:
                        if len(term) > MAX_TERM_CHARS and not _usable(term):
                            continue
                        lists[term] = [[sid], [len(at)], at[:MAX_TF] if term[0] == FOLD_MARK else None]
                        continue
                    entry[0].append(sid)
                    entry[1].append(len(at))
                    if entry[2] is not None:
                        entry[2].extend(at if len(at) <= MAX_TF else at[:MAX_TF])
    return [(code, term, ids, tfs, pos) for code, lists in enumerate(by_field)
            for term, (ids, tfs, pos) in lists.items()]


def pack(ids: list[int], tfs: list[int], positions: list[int] | None) -> tuple[bytes, bytes | None, bytes | None]:
    """One posting list as ``kb_postings`` stores it: (ids, tfs or None when all are 1,
    positions or None)."""
    if len(ids) == 1:
        return (_ONE_ID.pack(ids[0]), None if tfs[0] == 1 else _ONE_TF.pack(min(tfs[0], MAX_TF)),
                None if positions is None else _packed("i", positions))
    packed_tfs = None if tfs.count(1) == len(tfs) else _packed("H", [min(tf, MAX_TF) for tf in tfs])
    return _packed("i", ids), packed_tfs, None if positions is None else _packed("i", positions)


_ONE_ID = struct.Struct("<i")
_ONE_TF = struct.Struct("<H")


def spelling_words(doc: Document) -> list[str]:
    """The document's distinct words for "menade du" (Whoosh's spell field), sorted (writers
    insert them in one order, so two writers never wait on each other's words in a cycle)."""
    return sorted(w for w in spelling_terms(spelling_text(doc)) if _usable(w))


def quote_lexeme(text: str) -> str:
    """A lexeme as tsvector/tsquery input: single-quoted, with quotes and backslashes doubled."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def spelling_tsvector(words: list[str]) -> str:
    """The document's words as a tsvector without positions (which documents use a word)."""
    return " ".join(quote_lexeme(w) for w in words)


def document_json(doc: Document) -> bytes:
    """The Document as JSON (what its payload compresses and its content hash digests)."""
    return json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8")


def content_hash(doc: Document, data: bytes | None = None) -> str:
    """What makes a re-ingest a no-op: the same Document (its JSON) written again."""
    return hashlib.sha256(data if data is not None else document_json(doc)).hexdigest()


def document_row(doc: Document, data: bytes | None = None) -> dict:
    data = data if data is not None else document_json(doc)
    return {
        "doc_id": doc.id,
        "path": doc.path or "",
        "sha256": doc.sha256 or "",
        "content_hash": content_hash(doc, data),
        "year": doc.year or 0,
        "date_ord": date_ordinal(doc.date or ""),
        "committee": doc.committee or "",
        "doc_type": doc.doc_type or "",
        "municipality": doc.municipality or "",
        "case_numbers": case_number_terms(doc.case_numbers),
        "payload": zlib.compress(data, 6),    # index.records.encode_document, JSON made once
    }


def section_ids(doc_id: str, numbers: list[int]) -> list[str]:
    return [section_id(doc_id, n) for n in numbers]
