"""Document -> index records: pure functions, no IO.

A section record holds the section's repaired text (``body``), its heading, the document title,
the heading of the statement it belongs under (``context``) and, in its stored payload, what a
search hit shows. The document record stores the whole Document as compressed JSON,
and the document's words once for spelling suggestions.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass

from index.schema import DOCUMENT, SECTION
from ingest.folding import fold_for_matching
from ingest.metadata.case_numbers import case_number_key, case_number_keys
from ingest.model import Document, Section

_NON_ALNUM = re.compile(r"[^0-9a-zåäöéü]+")


def normalise_case_number(value: str) -> str:
    """A diarienummer as a ``dnr:`` filter compares it: "SR 2023/81", "sr-2023-81" and
    "SR2023 81" give "sr202381" (case, spaces, hyphens and slashes ignored)."""
    return case_number_key(value)


def case_number_terms(case_numbers: list[str]) -> list[str]:
    """The keys a document is found by for its diarienummer: each number whole, without its
    suffix, and without its letter prefix (see :func:`ingest.metadata.case_numbers.case_number_keys`)."""
    out: dict[str, None] = {}
    for c in case_numbers:
        if c.strip():
            for key in case_number_keys(c):
                out.setdefault(key, None)
    return list(out)


def section_id(doc_id: str, number: int) -> str:
    return f"{doc_id}#{number}"


def encode_document(doc: Document) -> bytes:
    return zlib.compress(json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8"), 6)


def decode_document(payload: bytes) -> Document:
    return Document.from_dict(json.loads(zlib.decompress(payload).decode("utf-8")))


def _common(doc: Document) -> dict:
    return {
        "doc_id": doc.id,
        "year": str(doc.year) if doc.year else "",
        "date": doc.date or "",
        "committee": doc.committee or "",
        "doc_type": doc.doc_type or "",
        "municipality": doc.municipality or "",
        "case_numbers": ",".join(case_number_terms(doc.case_numbers)),
    }


# The groups a section can belong to, innermost first: the Section attribute that names the
# group, and the kind of the section that opens it (aktivitet, rekommendation, inriktningsmål).
GROUPS = (("activity", "activity"), ("recommendation", "recommendation"), ("goal", "goal"))


def section_contexts(sections: list[Section]) -> dict[int, str]:
    """Section number -> the heading of the statement it belongs under, for sub-sections only.

    A *Beskrivning* or *Uppföljning* under "Aktivitet 3.4: Kunskapen om ... ska öka" gets that
    heading; so does a sub-heading inside a rekommendation. A statement section gets nothing,
    not even the goal above an activity (its own heading says it; giving activities their
    inriktningsmål measured the same), nor does a section outside every group. The innermost
    group whose opening section came before wins: an activity before its goal.
    """
    openers: dict[tuple[str, object], Section] = {}
    contexts = {}
    for section in sections:
        for attribute, kind in GROUPS:
            value = getattr(section, attribute)
            if value is not None and section.kind == kind:
                openers[(attribute, value)] = section
        for attribute, _kind in GROUPS:
            value = getattr(section, attribute)
            opener = openers.get((attribute, value)) if value is not None else None
            if opener is None:
                continue
            if opener is not section and opener.heading.strip():
                contexts[section.number] = opener.heading.strip()
            break
    return contexts


# Section kinds whose heading carries a statement ("Aktivitet 3.1: Förvaltningen ska ...").
STATEMENT_KINDS = frozenset({"recommendation", "activity", "goal"})
# Section kinds whose body lists other documents by their titles (Beslutsunderlag: "Tjänsteskrivelse
# 2024-01-30, Revisionsrapport Granskning av ..."): it names the matter, it does not treat it.
LISTING_KINDS = frozenset({"basis"})
# A section whose body holds fewer words than this (words of letters; dates and diarienummer do
# not count) is a bare heading: a protocol item's "§ 113 Svar på revisionsrapport ...", a
# "Nämndens synpunkter" over its sub-headings, a letterhead line.
MIN_BODY_WORDS = 3


def heading_key(text: str | None) -> str:
    """A heading as compared with the title: case, diacritics, OCR vowels and signs folded."""
    return " ".join(fold_for_matching(text or "").split())


def letter_words(text: str) -> int:
    """Words with letters and no digits: "Dnr SON 2024/0311" has two."""
    return sum(1 for w in text.split()
               if any(c.isalpha() for c in w) and not any(c.isdigit() for c in w))


def is_bare_heading(section: Section) -> bool:
    """A heading with (almost) no body of its own that states nothing: not a rekommendation,
    aktivitet or inriktningsmål (their heading is the statement)."""
    return section.kind not in STATEMENT_KINDS and letter_words(section.text) < MIN_BODY_WORDS


@dataclass(frozen=True)
class IndexedSection:
    """A section as the index searches it: the heading, title, body and context it is found by
    (all empty for a bare heading, whose record then matches no words)."""

    section: Section
    heading: str
    title: str
    body: str
    context: str


def indexed_sections(doc: Document) -> list[IndexedSection]:
    """Every section of ``doc``, in order, with the text its search record is found by.

    A heading that repeats the document's title is not indexed again as a heading: the title is
    already in every section's ``title`` field, and a second copy made that one section win every
    query that names the matter. A bare heading (:func:`is_bare_heading`) is searched through
    the next section instead, which holds what it heads: its words (the heading, unless it is the
    title, and the few words under it) go into that section's ``context``, before the statement
    heading that section belongs under, and its own record matches nothing (it stays, so that
    every section has its record, and is still listed by filters alone). Bare headings at the
    end, with no section after them, keep their words.
    """
    title = heading_key(doc.title)
    contexts = section_contexts(doc.sections)
    out: list[IndexedSection] = []
    pending: list[Section] = []

    def searched(section: Section, context: str) -> IndexedSection:
        if section.kind in LISTING_KINDS:
            context = "\n".join(filter(None, (context, section.text.strip())))
            return IndexedSection(section, _own_heading(section, title), doc.title or "", "", context)
        return IndexedSection(section, _own_heading(section, title), doc.title or "", section.text, context)

    for section in doc.sections:
        if is_bare_heading(section):
            pending.append(section)
            continue
        carried = [w for s in pending for w in (_own_heading(s, title), s.text.strip()) if w]
        out += [IndexedSection(s, "", "", "", "") for s in pending]
        out.append(searched(section, "\n".join(carried + [contexts.get(section.number, "")]).strip()))
        pending = []
    out += [searched(s, contexts.get(s.number, "")) for s in pending]
    return out


def _own_heading(section: Section, title_key: str) -> str:
    heading = (section.heading or "").strip()
    return "" if heading_key(heading) == title_key else heading


def distinct_raw_text(section: Section) -> str:
    """The section's OCR reading when repair changed its words, else "" (nothing to show)."""
    raw = section.raw_text or ""
    return raw if raw.split() != section.text.split() else ""


def section_payload(doc: Document, section: Section) -> str:
    """What a hit shows, stored with the section so a page of hits reads one record each.

    ``raw_text`` is the OCR reading when repair changed the section, so the hit builder does not
    have to open the whole stored document for it.
    """
    return json.dumps({
        "doc_id": doc.id, "source": doc.source, "title": doc.title, "heading": section.heading,
        "kind": section.kind, "recommendation": section.recommendation,
        "activity": section.activity, "page_number": section.page, "text": section.text,
        "raw_text": distinct_raw_text(section),
        "date": doc.date, "year": doc.year, "committee": doc.committee,
        "doc_type": doc.doc_type, "municipality": doc.municipality,
    }, ensure_ascii=False)


def spelling_text(doc: Document) -> str:
    """The document's words for "menade du": its title, then each section's heading and text.

    Indexed once per document (not per section): suggestions count the documents that use a
    word, and Whoosh writes one posting per distinct word instead of one per section.
    """
    parts = [doc.title]
    for section in doc.sections:
        parts += [section.heading, section.text]
    return "\n".join(filter(None, parts))


def document_records(doc: Document) -> list[dict]:
    """Every record of one document: its sections, then the document record itself."""
    common = _common(doc)
    records = []
    for indexed in indexed_sections(doc):
        section = indexed.section
        records.append({
            **common,
            "id": section_id(doc.id, section.number),
            "record": SECTION,
            "body": indexed.body,
            "heading": indexed.heading,
            "title": indexed.title,
            "context": indexed.context,
            "recommendation": str(section.recommendation) if section.recommendation else "",
            "payload": section_payload(doc, section),
        })
    records.append({
        **common,
        "id": doc.id,
        "record": DOCUMENT,
        "recommendation": "",
        "path": doc.path,
        "sha256": doc.sha256,
        "spell": spelling_text(doc),
        "payload": encode_document(doc),
    })
    return records
