"""Document metadata (handlingens metadata) from cleaned, OCR-repaired blocks.

:func:`extract_metadata` wires the field rules together; each rule lives in its own module and
records in ``evidence`` the rule that decided its field:

- :mod:`~ingest.metadata.text`: table phrases and date shortcuts;
- :mod:`~ingest.metadata.lead`: the document as one text, its lead (first lines), flattened
  text cut into letterhead lines;
- :mod:`~ingest.metadata.letterhead`: the organs the lead's lines name, and their roles
  (author, addressee, address block);
- :mod:`~ingest.metadata.doc_type`: ``doc_type``;
- :mod:`~ingest.metadata.municipality`: ``municipality``;
- :mod:`~ingest.metadata.organs`: where the text names a nämnd, förvaltning or other body;
- :mod:`~ingest.metadata.committee`: ``committee`` and ``committees_mentioned``;
- :mod:`~ingest.metadata.recipient`: ``recipient``;
- :mod:`~ingest.metadata.dating`: ``date``, ``year`` and ``date_inferred``;
- :mod:`~ingest.metadata.case_numbers`: ``case_numbers``;
- :mod:`~ingest.metadata.title`: ``title`` and ``subject``;
- :mod:`~ingest.metadata.people`: ``people``;
- ``recommendations`` / ``activities`` come from segmentation (``ingest.sections``).

Every rule reads tables under ``ingest/tables/`` (:func:`ingest.tables.load_table`) and matches on folded text (see
:func:`ingest.folding.fold_for_matching`). The names other modules and tests import from
``ingest.metadata`` are re-exported here.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.metadata.case_numbers import case_number_keys, find_case_numbers
from ingest.metadata.committee import committees_mentioned, detect_committee, motion_assembly
from ingest.metadata.dating import classify_years, detect_date, infer_year
from ingest.metadata.doc_type import detect_doc_type
from ingest.metadata.lead import doc_text, lead_end
from ingest.metadata.letterhead import Letterhead, read_letterhead
from ingest.metadata.municipality import _municipalities as _municipalities
from ingest.metadata.municipality import detect_municipality, is_region, site_name
from ingest.metadata.municipality import municipality_named as municipality_named
from ingest.metadata.organs import Mention as Mention
from ingest.metadata.organs import find_committees, organ_key
from ingest.metadata.people import find_people
from ingest.metadata.recipient import detect_recipient
from ingest.metadata.text import SEPARATOR as SEPARATOR
from ingest.metadata.text import DocText as DocText
from ingest.metadata.text import find_dates, parse_date, phrase_pattern
from ingest.metadata.text import phrase_literal as phrase_literal
from ingest.metadata.title import detect_subject, detect_title, protocol_title
from ingest.model import Block, Section
from ingest.tables import load_table

# The date shortcuts under the names the fast-path tests know them by.
_find_dates = find_dates
_parse_date = parse_date


def _author_kind(committee: str | None, mentions: list[Mention]) -> str | None:
    """"regional" when the author is a region's organ, "municipal" when a municipality's, else None."""
    if not committee:
        return None
    t = load_table("committees")
    key = organ_key(committee)
    if key in {organ_key(n) for n in t["regional"]["names"]}:
        return "regional"
    if key in {organ_key(n) for n in t["regional"]["ambiguous"]}:
        return None
    return "municipal"


def extract_metadata(blocks: list[Block], sections: list[Section], properties: dict) -> dict[str, Any]:
    """The Document's metadata fields with ``evidence`` saying which rule decided each."""
    from ingest import sections as segmentation

    properties = properties or {}
    furniture = properties.get("furniture") or []
    doc = doc_text(blocks)
    evidence: dict[str, str] = {}

    mentions = find_committees(doc)
    letterhead = read_letterhead(doc, mentions, furniture)
    case_numbers = find_case_numbers(doc.text)
    known = {case_number_keys(c)[0] for c in case_numbers}  # kept as it grows: linear in the numbers
    for extra in find_case_numbers(doc.raw):
        key = case_number_keys(extra)[0]
        if key not in known:
            case_numbers.append(extra)
            known.add(key)
    evidence["case_numbers"] = f"case_numbers: registry-number forms and labels {case_numbers}" if case_numbers \
        else "case_numbers: none found"

    doc_type, evidence["doc_type"] = detect_doc_type(doc, letterhead)

    committee, evidence["committee"] = detect_committee(doc, mentions, letterhead, doc_type, case_numbers)
    district_keys = [m.key for m in mentions if m.key.startswith("stadsdel ")]
    municipality, evidence["municipality"] = detect_municipality(
        doc, furniture, sender_lines=[line.text for line in letterhead.sender_lines],
        site=site_name(properties.get("title")), district_keys=district_keys,
        author_kind=_author_kind(committee, mentions))
    if doc_type == "motion" and not any(m.kind == "assembly" for m in mentions):
        committee, evidence["committee"] = motion_assembly(mentions, regional=is_region(municipality))
    recipient, evidence["recipient"] = detect_recipient(doc, mentions, letterhead, doc_type, committee)

    date, evidence["date"] = detect_date(doc)
    if date:
        year, date_inferred = int(date[:4]), False
        evidence["year"] = "year: from the document's date"
    else:
        year, evidence["year"] = infer_year(doc.text[doc.body_start:], case_numbers, properties, doc)
        date_inferred = True

    if doc_type == "protokoll":
        title, evidence["title"] = protocol_title(doc, committee, date)
    else:
        title, evidence["title"] = detect_title(blocks, case_numbers, doc=doc, letterhead=letterhead)
    if not title and properties.get("title") and not re.search(r"\.(docx?|pdf|odt)\b|microsoft", str(properties["title"]), re.I):
        title, evidence["title"] = str(properties["title"]).strip(), "title: the file's title property"
    subject, evidence["subject"] = detect_subject(doc, title, doc_type)
    if not title and subject:
        title, evidence["title"] = f"{doc_type[:1].upper()}{doc_type[1:]} – {subject}", "title: composed from doc type and subject"

    people = find_people(blocks)
    evidence["people"] = "people: signature blocks" if people else "people: no signature block"

    return {
        "title": title,
        "doc_type": doc_type,
        "municipality": municipality,
        "committee": committee,
        "committees_mentioned": committees_mentioned(mentions),
        "recipient": recipient,
        "date": date,
        "year": year,
        "date_inferred": date_inferred,
        "case_numbers": case_numbers,
        "subject": subject,
        "recommendations": segmentation.recommendation_statements(sections),
        "activities": segmentation.activity_list(sections),
        "people": people,
        "evidence": evidence,
    }


__all__ = [
    "extract_metadata", "phrase_pattern", "doc_text", "detect_doc_type", "detect_municipality",
    "find_committees", "detect_committee", "detect_recipient", "detect_date", "infer_year",
    "classify_years", "find_case_numbers", "detect_title", "detect_subject", "find_people",
    "read_letterhead", "Letterhead", "lead_end", "case_number_keys",
]
