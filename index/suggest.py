"""Menade du: a spelling suggestion from the index's own vocabulary (unstemmed words).

Used when a query finds little. Each word that is rare or absent in the vocabulary is replaced
by the most frequent word within a small edit distance that is clearly more common.
"""

from __future__ import annotations

import re

from whoosh.support.levenshtein import damerau_levenshtein

from index.compile import analyse
from index.schema import SPELL_FIELD

MIN_WORD_LENGTH = 4
MAX_CANDIDATES = 500


def max_distance(word: str) -> int:
    return 1 if len(word) < 7 else 2


def _stems(word: str) -> set[str]:
    return {t.stem for t in analyse(word)}


def correct_word(reader, word: str) -> str | None:
    """The best correction for ``word`` or None when the word is fine or nothing is better."""
    word = word.casefold()
    if len(word) < MIN_WORD_LENGTH or not word.isalpha():
        return None
    known = reader.doc_frequency(SPELL_FIELD, word)
    limit = max_distance(word)
    best: tuple[int, int, str] | None = None
    stems: set[str] | None = None
    for i, candidate in enumerate(reader.terms_within(SPELL_FIELD, word, limit, prefix=1)):
        if i >= MAX_CANDIDATES:
            break
        if candidate == word:
            continue
        if stems is None:
            stems = _stems(word)
        if stems and _stems(candidate) == stems:
            continue  # an inflection of the same word (kvinnojourerna for kvinnojourer): it finds the same
        freq = reader.doc_frequency(SPELL_FIELD, candidate)
        if freq < max(1, 3 * known) or (known and freq < 2):
            continue
        key = (damerau_levenshtein(word, candidate), -freq, candidate)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def suggest(reader, text: str, words: list[str]) -> str | None:
    """``text`` with its misspelt words corrected, or None when there is nothing to correct."""
    corrected = text
    changed = False
    for word in dict.fromkeys(words):
        better = correct_word(reader, word)
        if better:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, corrected, flags=re.IGNORECASE)
            changed = True
    return corrected if changed else None
