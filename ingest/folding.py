"""Folding: every way kb makes two spellings of a word compare equal, one function per meaning.

A fold maps text to a key for *comparing*; no fold builds output text. They differ in what they
merge, and the differences matter, so each has its own name:

======================  ==========  =============================================================
function                one for one  merges
======================  ==========  =============================================================
fold_diacritics         yes          case, diacritics (Nämnd -> namnd)
fold_label              no           case (casefold: ß -> ss), diacritics, runs of white space
fold_vowels             yes          fold_diacritics, then every vowel "a" (stöd = stad)
fold_for_matching       yes          case, diacritics, every vowel "a", OCR digits and braces
                                     inside words read as letters (f6r = för), signs as spaces
fold_ocr_confusions     no           fold_for_matching's merges plus d/j/t/b/{ with their OCR
                                     look-alikes, vowel runs as one, signs as one space
fold_word_skeleton      no           one word: case, diacritics, signs dropped, vowels "a"
                                     (and 0/1/4/6 inside a word); lighter than the above
fold_ocr_vowels         yes*         each vowel to its OCR class, vowel runs as one: nämnd =
                                     namnd but stöd != stad (*except vowel runs)
fold_confusion_classes  yes          each letter of a confusion class to the class's mark
======================  ==========  =============================================================

"One for one" folds keep the text's length, so an offset into the folded text is an offset into
the original: use them to find phrases whose words are then taken from the original.

Where each is used: fold_diacritics for deadline and commitment phrases and case grouping;
fold_label for names in queries and filters (nämnd:, typ:, kommun:); fold_vowels for promise
tracing's word keys; fold_for_matching for metadata table phrases (``ingest.metadata``);
fold_ocr_confusions for heading keywords and labels on text not yet repaired (cleaning,
segmentation); fold_word_skeleton for the short words that leave a line open; fold_ocr_vowels
for the analyzer's folded index key (changing it changes the index: bump
``index.analysis.CHAIN_VERSION``); fold_confusion_classes for OCR repair's lexicon lookup.

Several folds run on hot paths (every line, every token): they translate with per-character
tables filled on first use, and the analyzer's and the short-text folds are memoised.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from ingest.tables import load_table

# ---------------------------------------------------------------- fold_diacritics


def fold_char(ch: str) -> str:
    """One character lower-cased and without diacritics: its first character after each step.

    >>> fold_char("Ä"), fold_char("é"), fold_char("ﬁ")
    ('a', 'e', 'f')
    """
    low = ch.lower()[:1] or ch
    return unicodedata.normalize("NFKD", low)[:1] or low


class _DiacriticsTable(dict):
    """str.translate table holding each character's :func:`fold_char`, worked out on first use."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_DIACRITICS = _DiacriticsTable()


def fold_diacritics(text: str) -> str:
    """Lower case without diacritics, one character for one, so offsets stay valid.

    Each character is folded on its own (:func:`fold_char`), so one ``str.translate`` does it.

    >>> fold_diacritics("Senast Våren 2026, Nämnden")
    'senast varen 2026, namnden'
    """
    return text.translate(_DIACRITICS)


# ---------------------------------------------------------------- fold_label


def fold_label(text: str) -> str:
    """A name or label as compared by the query language and its filters: case-folded
    (``casefold``, so ß is ss), diacritics dropped, white space runs one space, ends stripped.

    >>> fold_label("  Nämnd "), fold_label("Malmö  stad")
    ('namnd', 'malmo stad')
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


# ---------------------------------------------------------------- fold_vowels

_ANY_VOWEL = re.compile(r"[aeiouyåäöéèæø]")


def fold_vowels(text: str) -> str:
    """:func:`fold_diacritics`, then every vowel ``a``: OCR's vowel damage (nämnd, namnd, némnd)
    stops mattering, one character for one; digits and signs stay as they are.

    >>> fold_vowels("Namnden, stöd 2026")
    'namndan, stad 2026'
    """
    return _ANY_VOWEL.sub("a", fold_diacritics(text))


# ---------------------------------------------------------------- fold_for_matching

_MATCHING_VOWELS = set("aeiouyåäöæøéèü")


@cache
def _ocr_letters() -> dict[str, str]:
    """OCR characters that stand for a letter inside a word (``tables/metadata.toml`` [fold])."""
    return dict(load_table("metadata")["fold"]["letters"])


class _MatchingTable(dict):
    """str.translate table that works out (and remembers) each character's fold on first use."""

    def __missing__(self, code: int) -> str:
        c = chr(code).lower()[:1] or " "
        c = _ocr_letters().get(c, c) if not c.isdigit() else c
        base = unicodedata.normalize("NFKD", c)[:1]
        if c in _MATCHING_VOWELS or base in _MATCHING_VOWELS:
            out = "a"
        elif base.isascii() and base.isalnum():
            out = base
        elif c.isalpha():
            out = c
        else:
            out = " "
        self[code] = out
        return out


_MATCHING = _MatchingTable()
# A digit stands for a letter when a letter touches it ("f6r", "{6r", "6ver"), not in "2024a".
_OCR_DIGIT = re.compile(r"(?<=[^\W\d_{£])\d|(?<=[{£])\d|(?<!\d)\d(?=[^\W\d_])")


def fold_for_matching(text: str) -> str:
    """OCR-proof and one character for one: lower case, no diacritics, every vowel ``a``, OCR
    digits inside words read as letters (``tables/metadata.toml``), any other sign a space.

    A match on the folded text points straight at the words of the original.

    >>> fold_for_matching("Namnden f6r Malmö-stad")
    'namndan far malma stad'
    """
    letters = _ocr_letters()
    text = _OCR_DIGIT.sub(lambda m: letters.get(m.group(0), m.group(0)), text)
    return text.translate(_MATCHING)


# ---------------------------------------------------------------- fold_ocr_confusions

# OCR confusions merged by fold_ocr_confusions(): å/ä/ö read as a, i, d, 4, o, é, 6, 0; "1" for
# "i"; j for i; "t" or "{" for "f"; "b" for "h".
_CONFUSABLE_CHARS = str.maketrans({
    "4": "a", "6": "a", "0": "a", "1": "a", "d": "a", "j": "a", "ø": "o",
    "e": "a", "i": "a", "o": "a", "u": "a", "y": "a", "t": "f", "{": "f", "b": "h",
})
_NOT_AZ = re.compile(r"[^a-z]+")
_A_RUN = re.compile(r"a+")


class _ConfusionTable(dict):
    """str.translate table: each character's share of :func:`fold_ocr_confusions` before the
    vowel runs merge.

    Lower case, NFKD without combining marks, the OCR merges of ``_CONFUSABLE_CHARS``, and
    anything but a-z as a space. All of it works character by character (the marks NFKD reorders
    are dropped, and a context-dependent lower case, the final sigma, is not a-z either way), so
    translating a text with this table gives what those steps give on the whole text. Filled on
    first use.
    """

    def __missing__(self, code: int) -> str:
        text = unicodedata.normalize("NFKD", chr(code).lower())
        text = "".join(c for c in text if not unicodedata.combining(c)).translate(_CONFUSABLE_CHARS)
        folded = self[code] = _NOT_AZ.sub(" ", text)
        return folded


_CONFUSIONS = _ConfusionTable()
_MEMO_CHARS = 80  # word heads and short lines repeat; long texts are folded afresh


def fold_ocr_confusions(text: str) -> str:
    """Lower case, no diacritics, OCR-confusable letters merged, repeated vowels collapsed,
    anything but a letter one space; for comparing heading keywords on unrepaired OCR text.

    Merges more than :func:`fold_for_matching` (d, j, t, b, {), and does not keep the length.

    >>> fold_ocr_confusions("Férvaltningens dvervaganden") == fold_ocr_confusions("Förvaltningens överväganden")
    True
    >>> fold_ocr_confusions("Uppféljning: 2")
    'appfalanang'
    """
    if len(text) <= _MEMO_CHARS:
        return _fold_ocr_confusions_short(text)
    return _fold_ocr_confusions(text)


def _fold_ocr_confusions(text: str) -> str:
    return " ".join(_A_RUN.sub("a", text.translate(_CONFUSIONS)).split())


@lru_cache(maxsize=1 << 16)
def _fold_ocr_confusions_short(text: str) -> str:
    return _fold_ocr_confusions(text)


# ---------------------------------------------------------------- fold_word_skeleton

_VOWEL_DIGITS = str.maketrans({"0": "a", "1": "a", "4": "a", "6": "a"})


def fold_word_skeleton(word: str) -> str:
    """A short word's consonant skeleton: lower case, no diacritics, signs dropped, vowels (and
    OCR's digits for them inside a word) ``a``.

    Lighter than :func:`fold_ocr_confusions`, which merges d/t with vowels and would make
    "skede" read as "ska".

    >>> fold_word_skeleton("fér"), fold_word_skeleton("f6r"), fold_word_skeleton("skede")
    ('far', 'far', 'skada')
    """
    word = unicodedata.normalize("NFKD", word.lower())
    word = "".join(c for c in word if not unicodedata.combining(c))
    if re.search(r"[^\W\d_]", word):  # digits for vowels only inside a word ("f6r"), not a number ("1")
        word = word.translate(_VOWEL_DIGITS)
    return re.sub(r"[aeiouy]", "a", re.sub(r"[^\w]", "", word))


# ---------------------------------------------------------------- fold_ocr_vowels

#: Vowels OCR confuses with each other, by class: ä reads as a/i, å as a, ö as o/é. The
#: analyzer's folded key is built from these: a change here changes the index (bump
#: ``index.analysis.CHAIN_VERSION``).
OCR_VOWEL_CLASSES = {
    "a": "aåäàáâæiíìî",
    "o": "oöóòôøé",
    "e": "eèêë",
    "u": "uüúùû",
    "y": "yý",
}
_VOWEL_CLASS = str.maketrans({c: cls for cls, chars in OCR_VOWEL_CLASSES.items() for c in chars})
_VOWEL_RUN = re.compile("[" + "".join(c for chars in OCR_VOWEL_CLASSES.values() for c in chars) + "]{2,}")


@lru_cache(maxsize=500_000)
def fold_ocr_vowels(text: str) -> str:
    """The analyzer's OCR-folded form of a lower-case stem: each vowel stands for its class of
    OCR confusions, and a run of vowels for one letter split in two.

    The classes (:data:`OCR_VOWEL_CLASSES`) keep apart vowels OCR does not confuse:

    >>> fold_ocr_vowels("bättre") == fold_ocr_vowels("bittre") == fold_ocr_vowels("battre")
    True
    >>> fold_ocr_vowels("stöd"), fold_ocr_vowels("stad"), fold_ocr_vowels("séiker"), fold_ocr_vowels("säker")
    ('stod', 'stad', 'saker', 'saker')
    """
    text = _VOWEL_RUN.sub("a", text)
    return text.translate(_VOWEL_CLASS)


# ---------------------------------------------------------------- fold_confusion_classes


def confusion_class_table(classes: dict[str, str]) -> dict[int, str]:
    """The translate table of a character -> class mark map (``repair.Confusions.fold_map``)."""
    return str.maketrans(classes)


def fold_confusion_classes(word: str, table: dict[int, str]) -> str:
    """``word`` with each character of a confusion class replaced by the class's mark, so a
    damaged word and its original share one key (OCR repair's lexicon lookup).

    ``table`` comes from :func:`confusion_class_table`.

    >>> t = confusion_class_table({"ä": "A", "a": "A", "i": "A", "ö": "O", "o": "O"})
    >>> fold_confusion_classes("namnd", t) == fold_confusion_classes("nämnd", t)
    True
    """
    return word.translate(table)
