"""The shared text helpers of metadata extraction: table phrases, the document as one text.

Every rule reads tables under ``ingest/tables/`` (:func:`ingest.tables.load_table`) and matches
on text folded by :func:`ingest.folding.fold_for_matching`: lower case, diacritics dropped, every
vowel ``a``, OCR digits inside words read as letters (``f6r`` = ``för``) and punctuation a space.
That fold keeps the length of the text, so a match on the folded text points straight at the
words of the repaired text, which is what the fields are built from. A table phrase
("Uppföljning av … handlingsplan*") compiles to a pattern over folded text; :class:`DocText` is
the document's blocks joined into one text with its fold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from ingest import dates
from ingest.folding import fold_for_matching
from ingest.tables import load_table

SEPARATOR = "\n\n"


# ---------------------------------------------------------------- table phrases

@cache
def phrase_literal(phrase: str) -> str:
    """The longest folded word piece every match of ``phrase_pattern(phrase)`` contains: a quick
    ``in`` test that skips the regex for texts that cannot match."""
    pieces = [c for word in phrase.split() if word != "…" for c in fold_for_matching(word.rstrip("*")).split()]
    return max(pieces, key=len, default="")


def skeleton(folded: str) -> str:
    """Folded text without its vowels (every vowel is "a" after the fold), words kept apart:
    what OCR leaves of a word when it drops å/ä/ö ("Uppfljning" and "Uppföljning" both give
    "ppfljnng"). Words left empty by it are dropped.

    >>> skeleton(fold_for_matching("Uppfljning av handlingsplan"))
    'ppfljnng v hndlngspln'
    """
    return " ".join(w for w in folded.replace("a", "").split())


@cache
def phrase_pattern(phrase: str, anchor: str = "", skeletal: bool = False) -> re.Pattern[str]:
    """Compile a table phrase: words folded, ``*`` = any ending, ``…`` = up to four words.

    ``anchor`` is ``"$"`` to require the phrase to end the text, ``"^"`` to start it;
    ``skeletal`` compiles it for :func:`skeleton` text.
    """
    parts = []
    for word in phrase.split():
        if word == "…":
            parts.append(r"(?:[a-z0-9]+ +){0,4}")
            continue
        star = word.endswith("*")
        core = fold_for_matching(word.rstrip("*")).split()
        if skeletal:
            core = [c.replace("a", "") for c in core if c.replace("a", "")]
            if not core:
                continue
        body = r" +".join(re.escape(c) for c in core)
        parts.append(body + (r"[a-z0-9]*" if star else "") + " +")
    regex = "".join(parts)
    regex = regex[:-2] if regex.endswith(" +") else regex
    regex = r"(?<![a-z0-9])" + regex + r"(?![a-z0-9])"
    if anchor == "$":
        regex += r" *$"
    elif anchor == "^":
        regex = r"^ *" + regex
    return re.compile(regex)


# ---------------------------------------------------------------- letterhead words


def _folded_words(text: str) -> str:
    return " ".join(fold_for_matching(text).split())


@cache
def furniture_vocabulary() -> frozenset[str]:
    """Folded words that may stand beside an organ on its letterhead line."""
    t = load_table("metadata")["lead"]
    words = set()
    for phrase in t["forms"] + t["labels"] + t["section_starts"] + t["organ_parts"]:
        words.update(_folded_words(phrase).split())
    months = load_table("dates")["months"]
    words.update(_folded_words(m) for m in months)
    words.update(_folded_words(d) for d in ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
                                            "och", "nr", "den"))
    return frozenset(words)



# ---------------------------------------------------------------- the document as one text


@dataclass
class DocText:
    """Blocks joined into one text, with its fold and where each block starts (built by
    :func:`ingest.metadata.lead.doc_text`)."""

    text: str
    folded: str
    starts: list[int]
    blocks: list[str]
    head_end: int  # offset where the document's head (first words) ends
    raw: str = ""
    cuts: frozenset[int] = frozenset()  # line starts cut into flattened text (lead.relineate)
    body_start: int = 0  # where the document's own text starts, after a web page's frame (lead.frame_end)
    lead_end_cache: int | None = None
    memo: dict = field(default_factory=dict)  # per-document results the rules share

    def block_at(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo


# ---------------------------------------------------------------- date shortcuts

_DIGIT = re.compile(r"\d")  # every date form has digits (any script: \d as in ingest.dates)


def find_dates(text: str, start: int = 0) -> list[dates.DateMatch]:
    """:func:`ingest.dates.find_dates` (from ``start`` on), skipped for a text without a digit."""
    if not _DIGIT.search(text, start):
        return []
    found = dates.find_dates(text[start:]) if start else dates.find_dates(text)
    if not start:
        return found
    return [dates.DateMatch(d.iso, d.start + start, d.end + start, d.text, d.form) for d in found]


def parse_date(text: str) -> str | None:
    """:func:`ingest.dates.parse_date`, skipped for a text without a digit."""
    return dates.parse_date(text) if _DIGIT.search(text) else None
