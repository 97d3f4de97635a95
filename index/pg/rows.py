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
from dataclasses import dataclass, field

from index.analysis import FOLD_MARK
from index.columns import date_ordinal
from index.fast_analysis import fused_spelling_analyzer, fused_swedish_analyzer
from index.records import (
    encode_document,
    normalise_case_number,
    section_contexts,
    section_id,
    section_payload,
    spelling_text,
)
from ingest.model import Document

#: Whoosh's text fields (index.schema.TEXT_FIELDS) and their codes in ``kb_postings.field``.
FIELD_NAMES = ("body", "heading", "title", "context")
FIELD_CODES = {name: code for code, name in enumerate(FIELD_NAMES)}
MAX_TERM_BYTES = 1000      # a longer "word" is not a word: counted in the length, not stored
MAX_TF = 65535             # term frequencies are stored as uint16

_TEXT = fused_swedish_analyzer()
_SPELLING = fused_spelling_analyzer()


def field_terms(text: str) -> tuple[dict[str, list[int]], int]:
    """One field value as Whoosh indexes it: term -> its positions (in token order, a position
    repeated when two forms at it are the same term), and the field length (number of tokens)."""
    positions: dict[str, list[int]] = {}
    length = 0
    if text:
        for token in _TEXT(text, positions=True, boosts=True, mode="index"):
            length += 1
            slot = positions.get(token.text)
            if slot is None:
                positions[token.text] = [token.pos]
            else:
                slot.append(token.pos)
    return positions, length


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
    """What one document writes: its row, its sections and its postings (section ids counted from
    0, the store adds the first id it allocated)."""

    doc: dict
    sections: list[SectionRow]
    # (field code, term) -> (section indexes, term frequencies, positions or None), sections ascending
    postings: dict[tuple[int, str], tuple[list[int], list[int], list[int] | None]] = field(default_factory=dict)
    spelling: list[str] = field(default_factory=list)


def document_rows(doc: Document) -> DocumentRows:
    contexts = section_contexts(doc.sections)
    title_terms, title_length = field_terms(doc.title or "")
    context_cache: dict[str, tuple[dict[str, list[int]], int]] = {}
    postings: dict[tuple[int, str], tuple[list[int], list[int], list[int] | None]] = {}
    sections = []
    for index, section in enumerate(doc.sections):
        context = contexts.get(section.number, "")
        if context not in context_cache:
            context_cache[context] = field_terms(context)
        values = {"body": field_terms(section.text), "heading": field_terms(section.heading or ""),
                  "title": (title_terms, title_length), "context": context_cache[context]}
        for name, (terms, _length) in values.items():
            code = FIELD_CODES[name]
            for term, at in terms.items():
                entry = postings.get((code, term))
                if entry is None:
                    if not _usable(term):
                        continue
                    entry = postings[(code, term)] = ([], [], [] if keeps_positions(term) else None)
                entry[0].append(index)
                entry[1].append(min(len(at), MAX_TF))
                if entry[2] is not None:
                    entry[2].extend(at[:MAX_TF])
        lengths = tuple(values[name][1] for name in FIELD_NAMES)
        sections.append(SectionRow(section.number, section.recommendation or 0, lengths,
                                   section_payload(doc, section)))
    return DocumentRows(doc=document_row(doc), sections=sections, postings=postings,
                        spelling=spelling_words(doc))


def pack_postings(entry: tuple[list[int], list[int], list[int] | None], first_sid: int) -> tuple[bytes, bytes | None, bytes | None]:
    """(ids, tfs or None when all are 1, positions or None) as stored in ``kb_postings``."""
    local, tfs, positions = entry
    n = len(local)
    ids = struct.pack(f"<{n}i", *(first_sid + i for i in local))
    packed_tfs = None if all(tf == 1 for tf in tfs) else struct.pack(f"<{n}H", *tfs)
    packed_positions = None if positions is None else struct.pack(f"<{len(positions)}i", *positions)
    return ids, packed_tfs, packed_positions


def spelling_words(doc: Document) -> list[str]:
    """The document's distinct words for "menade du" (Whoosh's spell field), sorted (writers
    insert them in one order, so two writers never wait on each other's words in a cycle)."""
    return sorted({t.text for t in _SPELLING(spelling_text(doc)) if t.text and _usable(t.text)})


def quote_lexeme(text: str) -> str:
    """A lexeme as tsvector/tsquery input: single-quoted, with quotes and backslashes doubled."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def spelling_tsvector(words: list[str]) -> str:
    """The document's words as a tsvector without positions (which documents use a word)."""
    return " ".join(quote_lexeme(w) for w in words)


def content_hash(doc: Document) -> str:
    """What makes a re-ingest a no-op: the same Document (its JSON) written again."""
    data = json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def document_row(doc: Document) -> dict:
    return {
        "doc_id": doc.id,
        "path": doc.path or "",
        "sha256": doc.sha256 or "",
        "content_hash": content_hash(doc),
        "year": doc.year or 0,
        "date_ord": date_ordinal(doc.date or ""),
        "committee": doc.committee or "",
        "doc_type": doc.doc_type or "",
        "municipality": doc.municipality or "",
        "case_numbers": [normalise_case_number(c) for c in doc.case_numbers if c.strip()],
        "payload": encode_document(doc),
    }


def section_ids(doc_id: str, numbers: list[int]) -> list[str]:
    return [section_id(doc_id, n) for n in numbers]
