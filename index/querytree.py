"""The parsed form of a staff query (the query language's syntax tree).

``index.querylang.parse_query`` builds it from what people type; ``index.search`` turns
it into a Whoosh query. Keeping the tree separate lets both sides be tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    text: str  # without the trailing *


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Word | Phrase | Prefix | Not | And | Or


@dataclass
class Filters:
    """Field filters (fältfilter): år:, nämnd:, typ:, rekommendation:, kommun:, dnr:."""

    year_from: int | None = None
    year_to: int | None = None
    committee: str | None = None
    doc_type: str | None = None
    municipality: str | None = None
    recommendation: int | None = None
    case_number: str | None = None

    def active(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class ParsedQuery:
    """What a query means. ``tree`` is None when only filters were given (or nothing at all).

    ``notice`` explains a fallback ("Frågan kunde inte tolkas; sökte på orden …").
    ``no_words`` says the text held something besides filters but nothing to search for
    (``"((``, ``!!!``): such a query matches nothing, and ``notice`` says why.
    """

    tree: Node | None
    filters: Filters = field(default_factory=Filters)
    notice: str | None = None
    text: str = ""
    no_words: bool = False
