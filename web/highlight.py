"""Highlighting the query's words in a whole document (träffmarkering).

The same rule as the hit snippets (``index.snippets``): a word is marked when its analysed form
is one of the query's ("förskolor" in the query marks "förskolan"), a phrase only where its words
stand together, and the first part of a coordinated compound ("Vård- och omsorgsnämnden") only
for a word it contains itself. The result is escaped text plus ``<mark>`` and nothing else.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from index.search import query_marks
from index.snippets import Marks, mark_spans


def query_terms(query: str) -> Marks:
    """What ``query`` marks: its words, phrases and prefixes; filters, negated words and
    operators left out (the parser's reading of the query)."""
    return query_marks(query or "")


def highlight(text: str, marks: Marks) -> Markup:
    """``text`` escaped, with each marked word or phrase wrapped in ``<mark>``."""
    if not marks:
        return escape(text)
    parts: list[str] = []
    last = 0
    for start, end, _weight in mark_spans(text, marks):
        parts.append(escape(text[last:start]))
        parts.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def marks_anything(text: str, marks: Marks) -> bool:
    """True when the query marks at least one word of ``text``."""
    return bool(marks) and bool(mark_spans(text, marks))
