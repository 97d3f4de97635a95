"""Document metadata (handlingens metadata) from cleaned, OCR-repaired blocks.

:func:`extract_metadata` wires the field rules together; each rule lives in its own module and
records in ``evidence`` the rule that decided its field:

- :mod:`~ingest.metadata.text`: table phrases, the document as one text;
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

from ingest.metadata.case_numbers import find_case_numbers
from ingest.metadata.committee import committees_mentioned, detect_committee
from ingest.metadata.dating import classify_years, detect_date, infer_year
from ingest.metadata.doc_type import detect_doc_type
from ingest.metadata.municipality import _municipalities as _municipalities
from ingest.metadata.municipality import detect_municipality
from ingest.metadata.municipality import municipality_named as municipality_named
from ingest.metadata.organs import Mention as Mention
from ingest.metadata.organs import find_committees
from ingest.metadata.people import find_people
from ingest.metadata.recipient import detect_recipient
from ingest.metadata.text import SEPARATOR as SEPARATOR
from ingest.metadata.text import DocText as DocText
from ingest.metadata.text import doc_text, find_dates, parse_date, phrase_pattern
from ingest.metadata.text import lead_end as lead_end
from ingest.metadata.text import phrase_literal as phrase_literal
from ingest.metadata.title import detect_subject, detect_title
from ingest.model import Block, Section

# The date shortcuts under the names the fast-path tests know them by.
_find_dates = find_dates
_parse_date = parse_date


def extract_metadata(blocks: list[Block], sections: list[Section], properties: dict) -> dict[str, Any]:
    """The Document's metadata fields with ``evidence`` saying which rule decided each."""
    from ingest import sections as segmentation

    properties = properties or {}
    doc = doc_text(blocks)
    evidence: dict[str, str] = {}

    doc_type, evidence["doc_type"] = detect_doc_type(doc)

    municipality, evidence["municipality"] = detect_municipality(doc, properties.get("furniture"))
    mentions = find_committees(doc)
    committee, evidence["committee"] = detect_committee(doc, mentions)
    recipient, evidence["recipient"] = detect_recipient(doc, mentions)
    case_numbers = find_case_numbers(doc.text)
    for extra in find_case_numbers(doc.raw):
        if extra not in case_numbers and extra.replace(" ", "") not in {c.replace(" ", "") for c in case_numbers}:
            case_numbers.append(extra)
    evidence["case_numbers"] = "case_numbers: registry-number patterns"

    date, evidence["date"] = detect_date(blocks)
    if date:
        year, date_inferred = int(date[:4]), False
        evidence["year"] = "year: from the document's date"
    else:
        year, evidence["year"] = infer_year(doc.text, case_numbers, properties)
        date_inferred = True

    title, evidence["title"] = detect_title(blocks, case_numbers)
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
]
