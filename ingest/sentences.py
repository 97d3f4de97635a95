"""Sentences (meningar) of a section text: paragraphs, then list items, then full stops.

Pure functions; abbreviations and list markers are data in ``tables/commitments.toml``
(``[sentences]``). A full stop after an abbreviation (t.ex., bl.a., s.k., ca.) or before a
lower-case word does not end a sentence; hard line wraps, and hyphenation at a wrap ("genom-
förd"), are undone. A list item ("-", "•", "1.", "a)") is a sentence of its own.

>>> split_sentences("Vi erbjuder bl.a. stöd. Kursen startar i maj.")
['Vi erbjuder bl.a. stöd.', 'Kursen startar i maj.']
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.tables import load_table

# From the start of a run of stops only, and possessive: on a long run of dots without a space
# the plain form retried from every dot (quadratic).
_END = re.compile(r"(?<![.!?])[.!?]++[\"”’)]*+\s+")
_PARAGRAPH = re.compile(r"\n\s*\n")
_WRAP_HYPHEN = re.compile(r"(\w)- (?!och\b|eller\b|samt\b)([a-zåäö])")
# An enumeration run into one line: "1. att anta svaret, 2. att ge förvaltningen i uppdrag ...".
_INLINE_ITEM = re.compile(r"(?<=[,;])\s+(?=(?:\d{1,2}[.)]|[a-z]\))\s+(?:att\s|[A-ZÅÄÖ]))")


@lru_cache(maxsize=1)
def _list_item() -> re.Pattern:
    return re.compile(load_table("commitments")["sentences"]["list_item"])


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(load_table("commitments")["sentences"]["abbreviations"])


def _is_abbreviation(before: str) -> bool:
    word = re.split(r"[\s(]", before.rstrip("."))[-1].lower()
    return word in _abbreviations() or (len(word) == 1 and word.isalpha())


def _split_item(text: str) -> list[str]:
    out, start = [], 0
    for m in _END.finditer(text):
        nxt = text[m.end():m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "*\"”(§•–-"):
            continue
        if text[m.start()] == "." and _is_abbreviation(text[max(start, m.start() - 12):m.start() + 1].rstrip(".")):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a section text (blank lines apart), white space kept."""
    return [p for p in _PARAGRAPH.split(text) if p.strip()]


def paragraph_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph (list items apart, wraps undone)."""
    list_item = _list_item()
    items: list[str] = []
    current: list[str] = []
    for line in paragraph.splitlines():
        if not line.strip():
            continue
        if list_item.match(line) and current:
            items.append(" ".join(current))
            current = []
        current.append(line.strip())
    if current:
        items.append(" ".join(current))
    sentences: list[str] = []
    for item in items:
        item = _WRAP_HYPHEN.sub(r"\1\2", re.sub(r"\s+", " ", item))
        for part in _INLINE_ITEM.split(item):
            sentences.extend(s for s in _split_item(part) if s)
    return sentences


def split_sentences(text: str) -> list[str]:
    """Sentences of a section text: paragraphs, then list items, then full stops."""
    return [s for para in paragraphs(text) for s in paragraph_sentences(para)]
