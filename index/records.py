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

from index.schema import DOCUMENT, SECTION
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
    contexts = section_contexts(doc.sections)
    records = []
    for section in doc.sections:
        records.append({
            **common,
            "id": section_id(doc.id, section.number),
            "record": SECTION,
            "body": section.text,
            "heading": section.heading or "",
            "title": doc.title or "",
            "context": contexts.get(section.number, ""),
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
