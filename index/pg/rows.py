"""Document -> the rows PostgreSQL stores: pure functions, no IO.

A section's text fields become ONE ``tsvector`` written from kb's own analyzer (the fused chain
the Whoosh schema uses), never from PostgreSQL's parser: the stems, OCR fold keys and compound
parts are Whoosh's tokens, at Whoosh's positions. Each field gets its weight label, so
``ts_rank`` weighs them as the Whoosh query does (rubrik above brödtext):

    A heading   B body   C title   D context

Fields follow each other with a gap of ``FIELD_GAP`` positions, so a phrase or proximity match
never runs from one field into the next (Whoosh matches phrases within one field). A heading's
terms are also written once more with ``HEAD_MARK`` in front: a large match set ranks the
sections whose heading holds a query word first (see ``index.pg.search``).
"""

from __future__ import annotations

import hashlib
import json

from index.columns import date_ordinal
from index.fast_analysis import fused_spelling_analyzer, fused_swedish_analyzer
from index.records import (
    case_number_terms,
    encode_document,
    section_contexts,
    section_id,
    section_payload,
    spelling_text,
)
from ingest.folding import fold_label as fold
from ingest.model import Document

#: The order the fields are written in, with their tsvector weight labels.
FIELD_LABELS = (("title", "C"), ("heading", "A"), ("context", "D"), ("body", "B"))
#: ts_rank's weights in its own order {D, C, B, A}: context 0.5, title 0.5, body 1, heading 2
#: (index.compile.FIELD_WEIGHTS), scaled into ts_rank's range 0..1.
RANK_WEIGHTS = "{0.25, 0.25, 0.5, 1.0}"
FIELD_GAP = 16             # positions between fields: more than any phrase or proximity slop
MAX_POSITION = 16383       # tsvector's last position (later words share it)
MAX_POSITIONS = 255        # positions kept per lexeme (tsvector keeps at most 256)
MAX_LEXEME_BYTES = 2000    # tsvector refuses longer lexemes (2 KB); such a "word" is not a word
HEAD_MARK = "^"            # never the first character of an analyzer token (see analysis.py)

_TEXT = fused_swedish_analyzer()
_SPELLING = fused_spelling_analyzer()


def quote_lexeme(text: str) -> str:
    """A lexeme as tsvector/tsquery input: single-quoted, with quotes and backslashes doubled."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _usable(text: str) -> bool:
    return bool(text) and len(text.encode("utf-8")) <= MAX_LEXEME_BYTES


def section_tsvector(fields: dict[str, str]) -> tuple[str, int]:
    """The tsvector input text of one section's fields (see the module docstring) and the
    section's length in word positions (BM25's document length)."""
    positions: dict[str, list[str]] = {}
    base = 1
    length = 0
    for name, label in FIELD_LABELS:
        text = fields.get(name) or ""
        last = 0
        for token in _TEXT(text, positions=True, mode="index"):
            if not _usable(token.text):
                continue
            pos = min(base + token.pos, MAX_POSITION)
            last = max(last, token.pos)
            slot = positions.setdefault(token.text, [])
            if len(slot) < MAX_POSITIONS:
                slot.append(f"{pos}{label}")
            if name == "heading":
                mark = positions.setdefault(HEAD_MARK + token.text, [])
                if len(mark) < MAX_POSITIONS:
                    mark.append(f"{pos}{label}")
        if text:
            base = min(base + last + 1 + FIELD_GAP, MAX_POSITION)
            length += last + 1 if name != "title" else 0
    text = " ".join(f"{quote_lexeme(lexeme)}:{','.join(at)}" for lexeme, at in positions.items())
    return text, length


def spelling_words(doc: Document) -> list[str]:
    """The document's distinct real words for "menade du", sorted (writers insert them in one
    order, so two writers never wait on each other's words in a cycle)."""
    words = {t.text for t in _SPELLING(spelling_text(doc))}
    return sorted(w for w in words if w.isalpha() and _usable(w))


def spelling_tsvector(words: list[str]) -> str:
    """The document's words as a tsvector without positions (document frequencies)."""
    return " ".join(quote_lexeme(w) for w in words)


def content_hash(doc: Document) -> str:
    """What makes a re-ingest a no-op: the same Document (its JSON) written again."""
    data = json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def document_row(doc: Document) -> dict:
    words = spelling_words(doc)
    return {
        "doc_id": doc.id,
        "path": doc.path or "",
        "sha256": doc.sha256 or "",
        "content_hash": content_hash(doc),
        "year": doc.year or 0,
        "date_ord": date_ordinal(doc.date or ""),
        "committee": doc.committee or "",
        "committee_fold": fold(doc.committee or ""),
        "doc_type": doc.doc_type or "",
        "doc_type_fold": fold(doc.doc_type or ""),
        "municipality": doc.municipality or "",
        "municipality_fold": fold(doc.municipality or ""),
        "case_numbers": case_number_terms(doc.case_numbers),
        "payload": encode_document(doc),
        "spell": spelling_tsvector(words),
        "words": words,
    }


#: kb_sections columns in the order ``section_rows`` gives them (for COPY).
SECTION_COLUMNS = ("id", "doc_id", "number", "year", "date_ord", "committee", "committee_fold",
                   "doc_type", "doc_type_fold", "municipality", "municipality_fold",
                   "recommendation", "payload", "tsv", "length")


def section_rows(doc: Document) -> list[tuple]:
    """One tuple per section, in ``SECTION_COLUMNS`` order."""
    contexts = section_contexts(doc.sections)
    common = (doc.year or 0, date_ordinal(doc.date or ""), doc.committee or "", fold(doc.committee or ""),
              doc.doc_type or "", fold(doc.doc_type or ""), doc.municipality or "",
              fold(doc.municipality or ""))
    rows = []
    for section in doc.sections:
        tsv, length = section_tsvector({"title": doc.title or "", "heading": section.heading or "",
                                "context": contexts.get(section.number, ""), "body": section.text})
        rows.append((section_id(doc.id, section.number), doc.id, section.number, *common,
                     section.recommendation or 0, section_payload(doc, section), tsv, length))
    return rows
