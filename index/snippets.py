"""Snippets (utdrag) and highlighting (träffmarkering): which words of a text a query marks.

One rule for the hit snippets and for whole documents alike (``weighted_spans``):

* a word is marked when one of its analysed forms (stem, OCR fold key, compound part) is the
  analysed form of a query word: "nämndens" for "nämnden", the OCR reading "nimnden" too;
* a word is marked when it starts with a prefix the query asked for ("barn*");
* a phrase is marked as a phrase: only where its words stand in order, as one mark over the
  whole run (stop words between them included), never a lone word of it elsewhere;
* the first part of a coordinated compound ("Arbetsmarknads- och socialnämnden") is judged by
  its own letters only: the analyzer completes it with the next word's head for the index, but
  "Arbetsmarknads-" does not contain "nämnden", so the query "nämnden" does not mark it.

A snippet is built from HTML-escaped pieces plus ``<mark>``/``</mark>`` only, so text that
contains markup (``<script>``) renders inert.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from index.fast_analysis import _TOKENS as _WORDS
from index.fast_analysis import fused_swedish_analyzer

SNIPPET_WIDTH = 240
ELLIPSIS = "…"
WEAK_WEIGHT = 0.25        # a compound-part match counts this much when placing the window

_ANALYZER = fused_swedish_analyzer()  # swedish_analyzer() in one memoized pass


@dataclass(frozen=True)
class Marks:
    """What a query marks in a text: analysed forms of its words (``terms``; ``weak`` are the
    fold keys of its compounds' parts), lower-case ``prefixes`` and ``phrases`` (the fold keys
    of each phrase's words, in order)."""

    terms: frozenset[str] = frozenset()
    weak: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.phrases)


@lru_cache(maxsize=100_000)
def _own_forms(word: str) -> frozenset[str]:
    """The analysed forms of one word by itself (a coordinated first part without its completion)."""
    return frozenset(t.text for t in _ANALYZER(word, mode="index"))


def _phrase_spans(words: list[tuple[int, int, int, set[str]]],
                  phrases: Iterable[tuple[str, ...]]) -> list[tuple[int, int, float]]:
    """Character spans of each place where a phrase's keys stand at consecutive positions."""
    spans = []
    for keys in phrases:
        n = len(keys)
        if not n:
            continue
        for i in range(len(words) - n + 1):
            first = words[i][0]
            if all(words[i + j][0] == first + j and keys[j] in words[i + j][3] for j in range(n)):
                spans.append((words[i][1], words[i + n - 1][2], 1.0))
    return spans


def weighted_spans(text: str, terms: Iterable[str], prefixes: Iterable[str] = (),
                   weak: Iterable[str] = (), phrases: Iterable[tuple[str, ...]] = ()
                   ) -> list[tuple[int, int, float]]:
    """Character spans of the marked words and phrases with a weight: 1 for a word the query
    names (its stem, OCR key or prefix) and for a phrase, ``WEAK_WEIGHT`` for a word matched only
    through a compound part (weak terms), so the snippet window goes to the query's own words
    first. Sorted, overlapping spans merged.

    A word's weight depends on the word alone (its own analysed forms), so each distinct word of
    the text is judged once; a phrase is found over the same words, stop words left out as the
    analyzer leaves them out."""
    weak = set(weak)
    strong = set(terms) - weak
    prefixes = tuple(p.casefold() for p in prefixes if p)
    phrases = [p for p in phrases if p]
    weights: dict[str, float] = {}
    spans: list[tuple[int, int, float]] = []
    words: list[tuple[int, int, int, frozenset[str]]] = []  # kept words, numbered, for phrases
    for match in _WORDS.finditer(text):
        surface = match.group()
        weight = weights.get(surface)
        if weight is None:
            weight = weights[surface] = _weight(surface, strong, weak, prefixes)
        if weight:
            spans.append((match.start(), match.end(), weight))
        if phrases:
            forms = _own_forms(surface[:-1] if surface.endswith("-") else surface)
            if forms:  # a stop word has none, and the positions run on without it
                words.append((len(words), match.start(), match.end(), forms))
    if phrases:
        spans += _phrase_spans(words, phrases)
        spans.sort()
    merged: list[tuple[int, int, float]] = []
    for start, end, weight in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(end, last[1]), max(weight, last[2]))
        else:
            merged.append((start, end, weight))
    return merged


def _weight(surface: str, strong: set[str], weak: set[str], prefixes: tuple[str, ...]) -> float:
    """How one word of a text is marked: by a prefix, or by its own analysed forms (a coordinated
    first part "Vård-" by its own letters only, never by the head the analyzer completes it with)."""
    if prefixes and surface.casefold().startswith(prefixes):
        return 1.0
    forms = _own_forms(surface[:-1] if surface.endswith("-") else surface)
    if forms & strong:
        return 1.0
    return WEAK_WEIGHT if forms & weak else 0.0


def mark_spans(text: str, marks: Marks) -> list[tuple[int, int, float]]:
    """``weighted_spans`` for a query's :class:`Marks`."""
    if not marks:
        return []
    return weighted_spans(text, marks.terms, marks.prefixes, marks.weak, marks.phrases)


def match_spans(text: str, terms: Iterable[str], prefixes: Iterable[str] = (),
                phrases: Iterable[tuple[str, ...]] = ()) -> list[tuple[int, int]]:
    """Character spans of the words in ``text`` that the query matches, in order, merged."""
    return [(start, end) for start, end, _ in weighted_spans(text, terms, prefixes, phrases=phrases)]


def _window(text: str, spans: list[tuple[int, int, float]], width: int) -> tuple[int, int]:
    """The ``width``-character stretch holding the most match weight, widened to word boundaries."""
    if len(text) <= width:
        return 0, len(text)
    best_start, best_count = 0, -1
    for i, (start, _, _) in enumerate(spans):
        begin = max(0, start - width // 4)
        count = sum(w for _, e, w in spans[i:] if e <= begin + width)
        if count > best_count:
            best_start, best_count = begin, count
    begin = best_start
    end = min(len(text), begin + width)
    if end == len(text):
        begin = max(0, end - width)
    if begin > 0:
        space = text.find(" ", begin, begin + 30)
        begin = space + 1 if space >= 0 else begin
    if end < len(text):
        space = text.rfind(" ", end - 30, end)
        end = space if space > begin else end
    return begin, end


def make_snippet(text: str, terms: Iterable[str], prefixes: Iterable[str] = (),
                 width: int = SNIPPET_WIDTH, weak: Iterable[str] = (),
                 phrases: Iterable[tuple[str, ...]] = ()) -> str:
    """Escaped HTML: the best window of ``text`` with the marked words wrapped in <mark>."""
    text = " ".join(text.split())
    spans = weighted_spans(text, terms, prefixes, weak, phrases)
    begin, end = _window(text, spans, width)
    out = [ELLIPSIS] if begin > 0 else []
    cursor = begin
    for start, stop, _ in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out.append(html.escape(text[cursor:start]))
        out.append("<mark>" + html.escape(text[start:stop]) + "</mark>")
        cursor = stop
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append(ELLIPSIS)
    return "".join(out)
