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
from dataclasses import dataclass
from functools import cache

from ingest import dates
from ingest.folding import fold_for_matching
from ingest.model import Block
from ingest.tables import load_table

SEPARATOR = "\n\n"


# ---------------------------------------------------------------- table phrases

@cache
def phrase_literal(phrase: str) -> str:
    """The longest folded word piece every match of ``phrase_pattern(phrase)`` contains: a quick
    ``in`` test that skips the regex for texts that cannot match."""
    pieces = [c for word in phrase.split() if word != "…" for c in fold_for_matching(word.rstrip("*")).split()]
    return max(pieces, key=len, default="")


@cache
def phrase_pattern(phrase: str, anchor: str = "") -> re.Pattern[str]:
    """Compile a table phrase: words folded, ``*`` = any ending, ``…`` = up to four words.

    ``anchor`` is ``"$"`` to require the phrase to end the text, ``"^"`` to start it.
    """
    parts = []
    for word in phrase.split():
        if word == "…":
            parts.append(r"(?:[a-z0-9]+ +){0,4}")
            continue
        star = word.endswith("*")
        core = fold_for_matching(word.rstrip("*")).split()
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


# ---------------------------------------------------------------- the document as one text


@dataclass
class DocText:
    """Blocks joined into one text, with its fold and where each block starts."""

    text: str
    folded: str
    starts: list[int]
    blocks: list[str]
    head_end: int  # offset where the document's head (first words) ends
    raw: str = ""

    def block_at(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo


def doc_text(blocks: list[Block]) -> DocText:
    texts = [b.text for b in blocks]
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + len(SEPARATOR)
    text = SEPARATOR.join(texts)
    head_words = load_table("doctypes")["scoring"]["head_words"]
    words = list(re.finditer(r"\w+", text))
    head_end = words[head_words - 1].end() if len(words) >= head_words else len(text)
    raw = SEPARATOR.join(b.raw or b.text for b in blocks)
    return DocText(text, fold_for_matching(text), starts, texts, head_end, raw)


_SENTENCE_END = re.compile(r"[.!?]\s*$")


def lead_end(doc: DocText) -> int:
    """Where the document's lead ends: its letterhead, form, title and subtitle lines, up to the
    first block of running prose (a long block, or a sentence of several words), and never
    past the head's first words."""
    prose_words = load_table("metadata")["title"]["prose_words"]
    for start, block in zip(doc.starts, doc.blocks, strict=True):
        if start >= doc.head_end:
            return doc.head_end
        n = len(block.split())
        if n > prose_words or (n >= 6 and _SENTENCE_END.search(block)):
            return start
    return doc.head_end


# ---------------------------------------------------------------- date shortcuts

_DIGIT = re.compile(r"\d")  # every date form has digits (any script: \d as in ingest.dates)


def find_dates(text: str) -> list[dates.DateMatch]:
    """:func:`ingest.dates.find_dates`, skipped for a text without a digit."""
    return dates.find_dates(text) if _DIGIT.search(text) else []


def parse_date(text: str) -> str | None:
    """:func:`ingest.dates.parse_date`, skipped for a text without a digit."""
    return dates.parse_date(text) if _DIGIT.search(text) else None
