"""Snippets (utdrag): a window of the repaired section text with the matched words in <mark>.

The snippet is built from HTML-escaped pieces plus ``<mark>``/``</mark>`` only, so text that
contains markup (``<script>``) renders inert. A word is highlighted when its analysed form is
one of the query's analysed forms ("nämndens" for the query "nämnden"), or when it starts with
a prefix the query asked for ("barn*").
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from index.fast_analysis import fused_swedish_analyzer

SNIPPET_WIDTH = 240
ELLIPSIS = "…"
WEAK_WEIGHT = 0.25        # a compound-part match counts this much when placing the window

_ANALYZER = fused_swedish_analyzer()  # swedish_analyzer() in one memoized pass


def weighted_spans(text: str, terms: Iterable[str], prefixes: Iterable[str] = (),
                   weak: Iterable[str] = ()) -> list[tuple[int, int, float]]:
    """Character spans of the matched words with a weight: 1 for a word the query names (its
    stem, OCR key or prefix), ``WEAK_WEIGHT`` for a word matched only through a compound part
    (weak terms), so the snippet window goes to the query's own words first. Merged, in order."""
    weak = set(weak)
    strong = set(terms) - weak
    prefixes = tuple(p for p in prefixes if p)
    spans: list[tuple[int, int, float]] = []
    for token in _ANALYZER(text, positions=True, chars=True, mode="index"):
        start, end = token.startchar, token.endchar
        if token.text in strong or (prefixes and text[start:end].casefold().startswith(prefixes)):
            weight = 1.0
        elif token.text in weak:
            weight = WEAK_WEIGHT
        else:
            continue
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]), max(weight, spans[-1][2]))
        else:
            spans.append((start, end, weight))
    return spans


def match_spans(text: str, terms: Iterable[str], prefixes: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Character spans of the words in ``text`` that the query matches, in order, merged."""
    return [(start, end) for start, end, _ in weighted_spans(text, terms, prefixes)]


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
                 width: int = SNIPPET_WIDTH, weak: Iterable[str] = ()) -> str:
    """Escaped HTML: the best window of ``text`` with the matched words wrapped in <mark>."""
    text = " ".join(text.split())
    spans = weighted_spans(text, terms, prefixes, weak)
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
