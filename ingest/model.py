"""The data every layer shares: a case document (ärende-handling) after ingest.

These are plain dataclasses with a JSON form (``to_dict``/``from_dict``) so that the
index can store a whole document in one record and give it back unchanged.
Identifiers and JSON keys are English; the Swedish domain terms live in docstrings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class Page:
    """One page of text as a reader delivered it (a .txt file is one page)."""

    number: int
    text: str


@dataclass
class RawDocument:
    """What a reader gives back: pages of text plus weak metadata from the file itself.

    ``properties`` holds the file's own metadata (PDF /Title, DOCX core properties...):
    keys ``title``, ``created`` (ISO date), ``author``. It is weak evidence, used only
    where the text says nothing. ``headings`` lists heading texts the format marks as
    such (Word heading styles, HTML <h1>-<h6>), so segmentation can trust them.
    """

    pages: list[Page]
    properties: dict[str, Any] = field(default_factory=dict)
    headings: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"


@dataclass
class Block:
    """A cleaned paragraph: hard wraps undone, page furniture gone.

    ``raw`` is the paragraph's text before OCR repair, ``text`` after it.
    ``emphasis`` is true when the source marked the whole block as bold/italic
    (markdown ``**...**``), which segmentation reads as a heading hint.
    ``heading`` is true when the format itself says this is a heading.
    """

    text: str
    page: int = 1
    raw: str = ""
    emphasis: bool = False
    heading: bool = False


@dataclass
class Deadline:
    """A normalised deadline (tidpunkt): an inclusive ISO date range.

    ``text`` is the phrase it came from ("innan sommaren 2024"); ``flag`` names a problem
    such as ``before_document`` (a promise dated before its own document).
    """

    start: str
    end: str
    text: str
    flag: str | None = None


@dataclass
class Commitment:
    """An åtagande: a clause that commits to future action, with its context.

    ``text`` is the clause (one action with its own deadline); ``sentence`` the whole sentence
    when the clause is a part of it. In ``Document.plans_by_others`` the same record holds a plan
    of another actor kept as context: ``actor`` names it and ``reason`` says why it is not the
    author's own (``other_actor``, ``reply_deadline``, ``proposal``, ``motion``, ``auditors``).
    """

    id: str
    doc_id: str
    section: int
    recommendation: int | None
    activity: str | None
    text: str
    actor: str | None
    status: str  # planned | ongoing | done
    deadline: Deadline | None = None
    sentence: str | None = None
    reason: str | None = None


@dataclass
class Section:
    """An avsnitt, the unit of search.

    ``kind`` is one of: ``summary`` (Sammanfattning), ``proposal`` (Förslag till beslut),
    ``basis`` (Beslutsunderlag), ``matter`` (Ärendet), ``recommendation`` (Rekommendation N),
    ``goal`` (Inriktningsmål N), ``activity`` (Aktivitet N.N), ``heading`` (any other
    heading) and ``preamble`` (text before the first heading).
    ``recommendation``/``activity``/``goal`` say what the section belongs to, also for a
    sub-heading inside a recommendation.
    """

    number: int
    heading: str
    kind: str
    text: str
    raw_text: str = ""
    recommendation: int | None = None
    activity: str | None = None
    goal: int | None = None
    page: int | None = None


@dataclass
class Document:
    """A case document with its metadata, sections and commitments."""

    id: str
    source: str  # the file name
    path: str  # absolute path of the source file
    sha256: str
    title: str | None = None
    doc_type: str = "övrigt"
    municipality: str | None = None
    committee: str | None = None
    committees_mentioned: list[str] = field(default_factory=list)
    recipient: str | None = None
    date: str | None = None
    year: int | None = None
    date_inferred: bool = False
    case_numbers: list[str] = field(default_factory=list)
    subject: str | None = None
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    plans_by_others: list[Commitment] = field(default_factory=list)
    text: str = ""
    raw_text: str = ""
    pages: int = 1
    evidence: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """A Document from its JSON form. Metadata fields that do not fit their schema (an index
        written before sidecars were checked may hold ``"year": "abc"``) get their empty value,
        and a section or commitment that cannot be read is left out, so a stored document
        always reads (see :mod:`ingest.fields`)."""
        from ingest.fields import repair_fields

        known = {f.name for f in fields(cls)}
        values = repair_fields({k: v for k, v in data.items() if k in known})
        values["sections"] = _readable(data.get("sections"), lambda s: Section(**s))
        values["commitments"] = _readable(data.get("commitments"), _commitment_from_dict)
        values["plans_by_others"] = _readable(data.get("plans_by_others"), _commitment_from_dict)
        for name, kind in (("text", str), ("raw_text", str), ("evidence", dict), ("warnings", list)):
            if name in values and not isinstance(values[name], kind):
                values[name] = kind()
        return cls(**values)

    def summary(self) -> dict[str, Any]:
        """The `kb docs --json` shape: metadata, with `sections` as a count."""
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "doc_type": self.doc_type,
            "municipality": self.municipality,
            "committee": self.committee,
            "recipient": self.recipient,
            "date": self.date,
            "year": self.year,
            "date_inferred": self.date_inferred,
            "case_numbers": list(self.case_numbers),
            "subject": self.subject,
            "recommendations": [dict(r) for r in self.recommendations],
            "activities": [dict(a) for a in self.activities],
            "sections": len(self.sections),
            "pages": self.pages,
        }


def _readable(items, build) -> list:
    """``build(item)`` for each item that builds; a list of anything else gives what can be read."""
    out = []
    for item in items if isinstance(items, list) else []:
        try:
            out.append(build(item))
        except (TypeError, ValueError, KeyError, AttributeError):
            continue
    return out


def _commitment_from_dict(data: dict[str, Any]) -> Commitment:
    values = dict(data)
    if values.get("deadline"):
        values["deadline"] = Deadline(**values["deadline"])
    return Commitment(**values)
