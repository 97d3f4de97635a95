"""Cases (ärenden): the documents that answer the same audit, motion or plan, as a timeline.

Two documents belong to the same case when the evidence adds up to at least ``LINK_SCORE``:

====================================================  =====
evidence                                              score
====================================================  =====
a shared case number (SR-2023-81, "KS-2014/742.912"     3
  = "KS 2014/742": case, signs and a suffix aside)
the same recommendations (most texts alike)             3
one names the other by its date ("I nämndens            2
yttrande den 14 juni 2023 ..."; tables/cases.toml)
the same subject (stemmed words mostly shared)          2
similar titles                                          1
the same committee                                      1
====================================================  =====

so a shared case number links on its own, and a document without one still joins its case
through its subject or the date it names plus the committee, or through its recommendations
(compared by what they are about, not by the verbs every recommendation uses). Subject and title
count only between documents of one known municipality, and only through words that say what the
matter is (two or more of them): the words of a committee's or municipality's name, of a document
form ("protokoll", "sammanträde") and dates do not, so two protocols titled "Barn- och
utbildningsnämndens protokoll" are not one case. Two documents of
two different committees are not linked by subject, title or alike recommendations (unless one is
the auditors' report): an audit of every committee on one subject gives one case per committee.
Documents of two different municipalities are never linked ("Region Uppsala" and "Uppsala" name
one place and count as one). Links are transitive (union-find).

Scale: each document's evidence is reduced once to :class:`LinkFeatures` (plain data, stored with
the trace), and only documents of one municipality that share a case number, a date, or a word of
their subject, title or recommendations are compared, so grouping grows with the number of such
pairs, not with the square of the archive.

A case's documents are in date order; a document without a date is placed by its year, and
within a year an original (yttrande, handlingsplan) comes before its follow-up (uppföljande
yttrande, uppföljning). The case id is ``case-`` + the id of its earliest document, so it stays
the same as long as that document does.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from index.analysis import SWEDISH_STOPWORDS, stem
from ingest.dates import find_dates
from ingest.folding import fold_diacritics
from ingest.metadata.case_numbers import case_number_keys
from ingest.model import Document
from ingest.tables import load_table

LINK_SCORE = 3
SIMILAR = 0.5  # share of stemmed words two subjects or recommendation texts must have in common
MAX_SHARED = 400  # a word in more documents of one municipality than this proposes no pairs
# Words too common in this domain to say that two subjects are the same.
GENERIC = frozenset(fold_diacritics(w) for w in (
    "arbete arbetet granskning granskningen yttrande uppföljande uppföljning avseende gällande "
    "rapport rapporten förslag handlingsplan plan nämnden nämndens säkerställ säkerställa "
    # the verbs every recommendation uses: two recommendations are alike by what they are about
    "följ följa följs upp ta tas fram se ses över utveckla utvecklas tydliggör tydliggöra stärk stärka "
    "förbättra förbättras inför införa införs regelbundet regelbunden löpande revisionens revisorernas "
    "revisionen revisorerna åtgärder åtgärderna anledning "
    # document forms and bodies: "Barn- och utbildningsnämndens protokoll" says no matter
    "protokoll protokollet protokollsutdrag sammanträde sammanträdesprotokoll sammanträdet utdrag "
    "tjänsteskrivelse tjänsteutlåtande remissvar remiss svar revisionsrapport granskningsrapport "
    "kommun kommunen kommunens stad staden region regionen styrelse styrelsen nämnd"
).split())
MIN_SUBJECT_WORDS = 2  # content words two subjects must have before their overlap counts
_PLACE_WORDS = re.compile(r"\b(?:region|regionen|landstinget|kommun|kommuns|stad|stads|lans)\b")


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


def place(municipality: str | None) -> str:
    """A municipality's place name: "Region Uppsala", "Uppsala kommun" and "Uppsala" are one."""
    folded = fold_diacritics(municipality or "")
    return " ".join(_PLACE_WORDS.sub(" ", folded).split())


def _content(doc: Document, text: str | None) -> frozenset[str]:
    """The stems of ``text`` that say what the matter is: not the document's committee,
    municipality, form words or dates."""
    own = stems(" ".join(x for x in (doc.committee, doc.municipality) if isinstance(x, str) and x))
    return frozenset(s for s in stems(text) if s not in own and not re.fullmatch(r"[\d-]+", s))


def _similar(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return min(len(a), len(b)) >= MIN_SUBJECT_WORDS and overlap(frozenset(a), frozenset(b)) >= SIMILAR


def body(committee: str | None) -> str:
    """A committee in one form: definite and indefinite ("nämnden" = "nämnd") are one."""
    return fold_diacritics(committee or "").strip().rstrip("n")


@dataclass(frozen=True)
class LinkFeatures:
    """What decides whether a document joins a case, reduced to plain data (JSON-ready)."""

    doc_id: str
    place: str
    body: str
    case_numbers: tuple[str, ...]
    subject: tuple[str, ...]
    title: tuple[str, ...]
    recommendations: tuple[tuple[str, tuple[str, ...]], ...]
    date: str | None
    named_dates: tuple[str, ...]

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict) -> LinkFeatures:
        return cls(
            doc_id=data["doc_id"], place=data["place"], body=data["body"],
            case_numbers=tuple(data["case_numbers"]), subject=tuple(data["subject"]), title=tuple(data["title"]),
            recommendations=tuple((n, tuple(w)) for n, w in data["recommendations"]),
            date=data.get("date"), named_dates=tuple(data["named_dates"]),
        )


@cache
def _naming() -> tuple[int, re.Pattern, re.Pattern]:
    t = load_table("cases")["names"]
    words = lambda ws: re.compile(r"\b(?:" + "|".join(ws) + r")")  # noqa: E731
    return t["window"], words(t["document_words"]), words(t["meeting_words"])


def named_dates(text: str) -> set[str]:
    """The dates by which ``text`` names other documents (``tables/cases.toml``): a document
    word near the date, no meeting word."""
    window, documents, meetings = _naming()
    out = set()
    for d in find_dates(text):
        near = fold_diacritics(text[max(0, d.start - window):d.end + window])
        if documents.search(near) and not meetings.search(near):
            out.add(d.iso)
    return out


def link_features(doc: Document) -> LinkFeatures:
    """The evidence of one document, once."""
    own = doc.date or ""
    named = sorted(named_dates(doc.text or "") - {own})
    recs = tuple((str(r.get("number")), tuple(sorted(stems(r.get("text")))))
                 for r in doc.recommendations or [] if isinstance(r, dict) and r.get("text"))
    return LinkFeatures(
        doc_id=doc.id, place=place(doc.municipality), body=body(doc.committee),
        # each case number's keys, whole and without its suffix (not without its letter prefix:
        # KS 2023/12 and BUN 2023/12 are two matters)
        case_numbers=tuple(sorted({k for c in doc.case_numbers or [] if isinstance(c, str) and c.strip()
                                   for k in case_number_keys(c, bare=False)})),
        subject=tuple(sorted(_content(doc, doc.subject))), title=tuple(sorted(_content(doc, doc.title))),
        recommendations=recs, date=doc.date or None, named_dates=tuple(named),
    )


def _same_recommendations(a: LinkFeatures, b: LinkFeatures) -> bool:
    ra = {n: frozenset(w) for n, w in a.recommendations}
    rb = {n: frozenset(w) for n, w in b.recommendations}
    if not ra or not rb:
        return False
    alike = sum(1 for n, words in ra.items() if n in rb and overlap(words, rb[n]) >= SIMILAR)
    return alike >= min(2, len(ra), len(rb)) and alike >= 0.5 * min(len(ra), len(rb))


_AUDITORS = re.compile(r"revisor|revision")


def _may_share_recommendations(a: str, b: str) -> bool:
    """The same recommendations link a committee's documents, and the auditors' report to its
    answer; two committees given alike recommendations ("Utveckla den interna kontrollen") by
    two audits are two cases."""
    return not a or not b or a == b or bool(_AUDITORS.search(a)) or bool(_AUDITORS.search(b))


def evidence(a: LinkFeatures, b: LinkFeatures) -> dict[str, int]:
    """The evidence that two documents belong to one case, with its score (see the table)."""
    if a.place and b.place and a.place != b.place:
        return {}
    found: dict[str, int] = {}
    if set(a.case_numbers) & set(b.case_numbers):
        found["case_number"] = 3
    if _same_recommendations(a, b) and _may_share_recommendations(a.body, b.body):
        found["recommendations"] = 3
    if (a.date and a.date in b.named_dates) or (b.date and b.date in a.named_dates):
        found["names_date"] = 2
    if a.body and a.body == b.body:
        found["committee"] = 1
    if (a.body and b.body and a.body != b.body) or not (a.place and b.place):
        return found  # two committees on one subject (an audit of every nämnd) are two cases
    if _similar(a.subject, b.subject):
        found["subject"] = 2
    if _similar(a.title, b.title):
        found["title"] = 1
    return found


def link_evidence(a: Document, b: Document) -> dict[str, int]:
    """The evidence that ``a`` and ``b`` belong to one case (see the table)."""
    return evidence(link_features(a), link_features(b))


def is_link(found: dict[str, int]) -> bool:
    return sum(found.values()) >= LINK_SCORE


def linked(a: Document, b: Document) -> bool:
    return is_link(link_evidence(a, b))


def link_tokens(f: LinkFeatures) -> set[str]:
    tokens = {f"c:{c}" for c in f.case_numbers} | {f"s:{w}" for w in f.subject} | {f"t:{w}" for w in f.title}
    tokens |= {f"r:{w}" for _n, words in f.recommendations for w in words}
    tokens |= {f"d:{d}" for d in f.named_dates} | ({f"d:{f.date}"} if f.date else set())
    return tokens


def candidate_pairs(features: list[LinkFeatures]) -> set[tuple[int, int]]:
    """Index pairs worth comparing: one municipality (or one unknown), a shared token."""
    by_place: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(features):
        by_place[f.place].append(i)
    unknown = by_place.get("", [])
    pairs: set[tuple[int, int]] = set()
    for key, members in by_place.items():
        scope = members if key == "" else members + unknown
        postings: dict[str, list[int]] = defaultdict(list)
        for i in scope:
            for token in link_tokens(features[i]):
                postings[token].append(i)
        for ids in postings.values():
            if len(ids) < 2 or len(ids) > MAX_SHARED:
                continue
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    a, b = ids[x], ids[y]
                    pairs.add((a, b) if a < b else (b, a))
    return pairs


def components(features: list[LinkFeatures]) -> list[list[int]]:
    """Indices of linked documents, one list per case (union-find over the candidate pairs)."""
    parent = list(range(len(features)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in sorted(candidate_pairs(features)):
        if find(a) != find(b) and is_link(evidence(features[a], features[b])):
            parent[find(b)] = find(a)
    groups: dict[int, list[int]] = {}
    for i in range(len(features)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def timeline_key(doc: Document) -> tuple:
    """Year, then originals before follow-ups, then date, then id."""
    follow_up = "uppfolj" in fold_diacritics(doc.doc_type or "")
    year = doc.year or (int(doc.date[:4]) if doc.date and doc.date[:4].isdigit() else 9999)
    return (year, follow_up, doc.date or "", doc.id)


def make_case(members: list[Document]) -> Case:
    members = sorted(members, key=timeline_key)
    return Case(id=f"case-{members[0].id}", subject=_subject(members), documents=members)


def group_cases(docs: list[Document], features: list[LinkFeatures] | None = None) -> list[Case]:
    """Group documents into cases; every document is in exactly one case (maybe alone)."""
    features = features if features is not None else [link_features(d) for d in docs]
    cases = [make_case([docs[i] for i in group]) for group in components(features)]
    cases.sort(key=lambda c: timeline_key(c.documents[0]))
    return cases


def _subject(members: list[Document]) -> str | None:
    subjects = Counter(d.subject for d in members if isinstance(d.subject, str) and d.subject)
    if subjects:
        return subjects.most_common(1)[0][0]
    return next((d.title for d in members if isinstance(d.title, str) and d.title), None)
