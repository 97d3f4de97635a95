"""Cases (ärenden): the documents that answer the same audit, motion or plan, as a timeline.

Two documents belong to the same case when the evidence adds up to at least ``LINK_SCORE``:

====================================================  =====
evidence                                              score
====================================================  =====
a shared case number (SR-2023-81, "KS-2014/742.912"     3
  = "KS 2014/742": case, signs and a suffix aside)
the same recommendations (most texts alike)             3
the same subject (stemmed words mostly shared)          2
similar titles                                          1
the same committee                                      1
====================================================  =====

so a shared case number links on its own, and a document without one still joins its case
through subject plus committee, or its recommendations. Subject and title count only between
documents of one municipality, and only through words that say what the matter is: the words of
a committee's or municipality's name, of a document form ("protokoll", "sammanträde") and dates
do not, so two protocols titled "Barn- och utbildningsnämndens protokoll" are not one case.
Documents of two different municipalities are never linked. Links are transitive (union-find).

A case's documents are in date order; a document without a date is placed by its year, and
within a year an original (yttrande, handlingsplan) comes before its follow-up (uppföljande
yttrande, uppföljning). The case id is ``case-`` + the id of its earliest document, so it stays
the same as long as that document does.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from index.analysis import SWEDISH_STOPWORDS, stem
from ingest.folding import fold_diacritics
from ingest.metadata.case_numbers import case_number_keys
from ingest.model import Document

LINK_SCORE = 3
SIMILAR = 0.5  # share of stemmed words two subjects or recommendation texts must have in common
# Words too common in this domain to say that two subjects are the same.
GENERIC = frozenset(fold_diacritics(w) for w in (
    "arbete arbetet granskning granskningen yttrande uppföljande uppföljning avseende gällande "
    "rapport rapporten förslag handlingsplan plan nämnden nämndens säkerställ säkerställa "
    "protokoll protokollet protokollsutdrag sammanträde sammanträdesprotokoll sammanträdet utdrag "
    "tjänsteskrivelse tjänsteutlåtande remissvar remiss svar revisionsrapport granskningsrapport "
    "kommun kommunen kommunens stad staden region regionen styrelse styrelsen nämnd"
).split())
MIN_SUBJECT_WORDS = 2  # content words two subjects must have before their overlap counts


@dataclass
class Case:
    """An ärende: documents answering the same audit, motion or plan, earliest first."""

    id: str
    subject: str | None
    documents: list[Document] = field(default_factory=list)


def stems(text: str | None) -> frozenset[str]:
    """Folded Swedish stems of the content words of ``text`` (stop words and generic words out)."""
    words = re.findall(r"\w+", (text or "").lower())
    return frozenset(fold_diacritics(stem(w)) for w in words
                     if w not in SWEDISH_STOPWORDS and fold_diacritics(w) not in GENERIC and not w.isdigit() and len(w) > 1)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set found in the other (1.0 when one subject contains the other)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _case_numbers(doc: Document) -> set[str]:
    """Each case number's keys, whole and without its suffix (not without its letter prefix:
    KS 2023/12 and BUN 2023/12 are two matters)."""
    return {k for c in doc.case_numbers or [] for k in case_number_keys(c, bare=False)}


def _content(doc: Document, text: str | None) -> frozenset[str]:
    """The stems of ``text`` that say what the matter is: not the document's committee,
    municipality, form words or dates."""
    own = stems(" ".join(x for x in (doc.committee, doc.municipality) if x))
    return frozenset(s for s in stems(text) if s not in own and not re.fullmatch(r"[\d-]+", s))


def _recommendations(doc: Document) -> dict[str, frozenset[str]]:
    return {str(r.get("number")): stems(r.get("text")) for r in doc.recommendations or [] if r.get("text")}


def _same_recommendations(a: Document, b: Document) -> bool:
    ra, rb = _recommendations(a), _recommendations(b)
    if not ra or not rb:
        return False
    alike = sum(1 for n, words in ra.items() if n in rb and overlap(words, rb[n]) >= SIMILAR)
    return alike >= min(2, len(ra), len(rb)) and alike >= 0.5 * min(len(ra), len(rb))


def _same_body(a: str | None, b: str | None) -> bool:
    return bool(a and b and fold_diacritics(a).rstrip("n") == fold_diacritics(b).rstrip("n"))


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    return min(len(a), len(b)) >= MIN_SUBJECT_WORDS and overlap(a, b) >= SIMILAR


def link_evidence(a: Document, b: Document) -> dict[str, int]:
    """The evidence that ``a`` and ``b`` belong to one case, with its score (see the table)."""
    if a.municipality and b.municipality and fold_diacritics(a.municipality) != fold_diacritics(b.municipality):
        return {}
    evidence: dict[str, int] = {}
    if _case_numbers(a) & _case_numbers(b):
        evidence["case_number"] = 3
    if _same_recommendations(a, b):
        evidence["recommendations"] = 3
    one_municipality = bool(a.municipality and b.municipality)
    if one_municipality and _similar(_content(a, a.subject), _content(b, b.subject)):
        evidence["subject"] = 2
    if one_municipality and _similar(_content(a, a.title), _content(b, b.title)):
        evidence["title"] = 1
    if _same_body(a.committee, b.committee):
        evidence["committee"] = 1
    return evidence


def linked(a: Document, b: Document) -> bool:
    return sum(link_evidence(a, b).values()) >= LINK_SCORE


def timeline_key(doc: Document) -> tuple:
    """Year, then originals before follow-ups, then date, then id."""
    follow_up = "uppfolj" in fold_diacritics(doc.doc_type or "")
    year = doc.year or (int(doc.date[:4]) if doc.date and doc.date[:4].isdigit() else 9999)
    return (year, follow_up, doc.date or "", doc.id)


def group_cases(docs: list[Document]) -> list[Case]:
    """Group documents into cases; every document is in exactly one case (maybe alone)."""
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if find(i) != find(j) and linked(docs[i], docs[j]):
                parent[find(j)] = find(i)
    groups: dict[int, list[Document]] = {}
    for i, doc in enumerate(docs):
        groups.setdefault(find(i), []).append(doc)
    cases = []
    for members in groups.values():
        members.sort(key=timeline_key)
        cases.append(Case(id=f"case-{members[0].id}", subject=_subject(members), documents=members))
    cases.sort(key=lambda c: timeline_key(c.documents[0]))
    return cases


def _subject(members: list[Document]) -> str | None:
    subjects = Counter(d.subject for d in members if d.subject)
    if subjects:
        return subjects.most_common(1)[0][0]
    return next((d.title for d in members if d.title), None)
