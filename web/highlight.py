"""Highlighting the query's words in a whole document (träffmarkering).

The text goes through the same Swedish analyzer as the index, so "förskolor" in the query
marks "förskolan" in the text. The result is escaped text plus ``<mark>`` and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from index.fast_analysis import fused_swedish_analyzer

FIELD_FILTER = re.compile(r"(?<!\S)[\wåäöÅÄÖ]+:(?:\"[^\"]*\"|\S+)")
NEGATED = re.compile(r"(?<!\S)-(?:\"[^\"]*\"|\S+)")
PREFIX = re.compile(r"([\wåäöÅÄÖ]+)\*")
OPERATORS = {"och", "eller", "inte", "and", "or", "not"}
MIN_PREFIX = 2
_ANALYZER = fused_swedish_analyzer()  # the index's analyzer chain, in one memoized pass


@dataclass(frozen=True)
class Terms:
    """Analysed query forms (stems and OCR fold keys) and lower-cased prefixes."""

    forms: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.forms or self.prefixes)

    def matches(self, forms: set[str], word: str) -> bool:
        return bool(forms & self.forms) or any(word.startswith(p) for p in self.prefixes)


def query_terms(query: str) -> Terms:
    """The words worth marking: field filters, negated words and operators left out."""
    query = NEGATED.sub(" ", FIELD_FILTER.sub(" ", query or ""))
    prefixes = tuple(p.lower() for p in PREFIX.findall(query) if len(p) >= MIN_PREFIX)
    query = PREFIX.sub(" ", query)
    words = " ".join(w for w in re.findall(r"\w+", query) if w.lower() not in OPERATORS)
    forms = frozenset(t.text for t in _ANALYZER(words, mode="query"))
    return Terms(forms, prefixes)


def highlight(text: str, terms: Terms) -> Markup:
    """``text`` escaped, with each word that matches ``terms`` wrapped in ``<mark>``.

    The analyzer gives several forms at one place in the text (stem, OCR fold key, compound
    parts); a word is marked when any of its forms is one of the query's.
    """
    if not terms:
        return escape(text)
    spans: dict[tuple[int, int], set[str]] = {}
    for token in _ANALYZER(text, chars=True, positions=True):
        spans.setdefault((token.startchar, token.endchar), set()).add(token.text)
    parts: list[str] = []
    last = 0
    for (start, end), forms in sorted(spans.items()):
        if start < last or not terms.matches(forms, text[start:end].lower()):
            continue
        parts.append(escape(text[last:start]))
        parts.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
