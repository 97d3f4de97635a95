"""Heading keywords and numbered labels at the start of a paragraph: the grammar that both
cleaning (``ingest.clean``: where a paragraph starts) and segmentation (``ingest.sections``: what
a heading is) read.

Keywords ("Sammanfattning", "Förslag till beslut") and labels ("Rekommendation 1:", "Aktivitet
1.1:", "Inriktningsmål två -") come from ``tables/headings.toml`` and are compared folded
(:func:`ingest.folding.fold_ocr_confusions`), because cleaning runs before OCR repair.

>>> starts_with_keyword("Förslag till beslut: Nämnden", ["Förslag", "Förslag till beslut"])
3
>>> parse_label("Rekommendation 2: Se över rutinerna")
Label(kind='recommendation', word='Rekommendation', number=2, rest='Se över rutinerna')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from ingest.folding import fold_ocr_confusions
from ingest.tables import load_table

SEPARATOR = r"\s*[:\-–—]\s*"


@dataclass
class Label:
    """A numbered label at the start of a paragraph."""

    kind: str  # recommendation | goal | activity
    word: str  # the label as written ("Rekommendation")
    number: int | str | None  # None: unnumbered, numbered in order of appearance
    rest: str  # the statement after the label


# ---------------------------------------------------------------- keywords

_WORD = re.compile(r"[^\s:–—\-]+(?:-[^\s:–—\-]+)*")


def label_words(text: str) -> list[str]:
    """The words keywords and labels are counted in: a hyphenated word is one, a colon or dash
    splits ("Beslutet skickas till:" is four words, "Gymnasie-/vuxenutbildning" one)."""
    return _WORD.findall(text)


@cache
def _folded_keywords(names: tuple[str, ...]) -> tuple[tuple[int, frozenset[str], dict[int, tuple[str, ...]]], ...]:
    """``names`` by word count, longest first: (count, folded forms, forms of 10+ letters by length)."""
    by_count: dict[int, set[str]] = {}
    for name in names:
        by_count.setdefault(len(name.split()), set()).add(fold_ocr_confusions(name))
    out = []
    for n, forms in sorted(by_count.items(), reverse=True):
        long_: dict[int, list[str]] = {}
        for form in sorted(f for f in forms if len(f) >= 10):
            long_.setdefault(len(form), []).append(form)
        out.append((n, frozenset(forms), {k: tuple(v) for k, v in long_.items()}))
    return tuple(out)


def starts_with_keyword(text: str, names: Sequence[str]) -> int:
    """How many words of ``text``'s start spell one of ``names`` (folded), else 0.

    Longer keywords win ("Förslag till beslut" before "Förslag"). A keyword of 10+ folded letters
    also matches with one letter wrong (fresh OCR damage such as "Uppfljning").
    """
    words = label_words(text)
    for n, exact, long_ in _folded_keywords(tuple(names)):
        if len(words) < n:
            continue
        head = fold_ocr_confusions(" ".join(words[:n]))
        if head in exact:
            return n
        if long_ and any(
            _one_edit(head, folded) for size in (len(head) - 1, len(head), len(head) + 1)
            for folded in long_.get(size, ())
        ):
            return n
    return 0


def _one_edit(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` equal but for one letter changed, added or dropped?

    Past the first difference the rest must be equal: shifted by one when the lengths differ.
    """
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    for x, y in zip(a, b, strict=False):  # b may be one longer
        if x != y:
            break
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


# ---------------------------------------------------------------- numbered labels

_DOTTED = re.compile(r"\s*(\d{1,2})\s*[.,]\s*(\d{1,2})\b(?:" + SEPARATOR + r"|\s+(?=[A-ZÅÄÖ])|\s*$)")
_NUMBER = re.compile(r"\s*(\d{1,2})\b(?![.,]\d)(?:" + SEPARATOR + r"|\s+(?=[A-ZÅÄÖ])|\s*$)")
_NUMBER_WORD = re.compile(r"\s*(\w+)(?:" + SEPARATOR + r"|\s*$)")
_BARE_COLON = re.compile(r"\s*:\s*")
_LETTER = re.compile(r"\s*([a-hA-H])(?:" + SEPARATOR + r"|\s*$)")


def word_end(text: str, n: int) -> int:
    """Offset just after the n-th word of ``text``."""
    for k, m in enumerate(_WORD.finditer(text), 1):
        if k == n:
            return m.end()
    return len(text)


@cache
def _folded_number_words() -> dict[str, int]:
    """Number words ("två", "tre") by folded form, from ``tables/headings.toml``."""
    return {fold_ocr_confusions(w): v for w, v in load_table("headings")["number_words"].items()}


def parse_label(text: str) -> Label | None:
    """Parse "Rekommendation 1: ...", "Rekommendation: ...", "Aktivitet 1.1: ...", "Inriktningsmål 2 - ..."."""
    text = text.strip()
    if not text[:1].isupper():
        return None
    parsed = _parse_label(text)
    return Label(*parsed) if parsed else None


@lru_cache(maxsize=1 << 14)
def _parse_label(text: str) -> tuple[str, str, int | str | None, str] | None:
    """:func:`parse_label`'s fields for a stripped text (memoized: clean and segmentation ask again
    for the same lines; a fresh :class:`Label` is built from them on every call)."""
    folded_words = _folded_number_words()
    for kind, spec in load_table("headings")["labels"].items():
        n = starts_with_keyword(text, spec["words"])
        if not n:
            continue
        end = word_end(text, n)
        word, tail = text[:end], text[end:]
        style = spec["number"]
        if style == "dotted":
            m = _DOTTED.match(tail)
            if m:
                return kind, word, f"{m.group(1)}.{m.group(2)}", tail[m.end():].strip()
            m = _NUMBER.match(tail)  # "Aktivitet 4 Lägesrapport": a plan numbered 1, 2, 3
            if m:
                return kind, word, m.group(1), tail[m.end():].strip()
            continue
        m = _NUMBER.match(tail)
        if m:
            return kind, word, int(m.group(1)), tail[m.end():].strip()
        m = _NUMBER_WORD.match(tail)
        if m and fold_ocr_confusions(m.group(1)) in folded_words:
            return kind, word, folded_words[fold_ocr_confusions(m.group(1))], tail[m.end():].strip()
        m = _LETTER.match(tail) if kind == "recommendation" else None
        if m:  # "Rekommendation b: ...": lettered a–h, numbered 1–8
            return kind, word, ord(m.group(1).lower()) - ord("a") + 1, tail[m.end():].strip()
        if style == "optional":
            m = _BARE_COLON.match(tail)
            if m:
                return kind, word, None, tail[m.end():].strip()
    return None


# ---------------------------------------------------------------- protocol § items

_ITEM = re.compile(r"^[ \t]*§[ \t]*(\d{1,4})(?![\d.,])[ \t]*(.*)$")
_ITEM_DNR = re.compile(r"(?:^|[\s,–-]+)(?i:dnr|diarienummer|diarienr|ärendenummer)\.?:?\s*(?:\S+\s+){0,2}\S*\d\S*\s*$")


def parse_item(line: str) -> tuple[str, str] | None:
    """A protocol's § item: its number and title, without the diarienummer after it.

    >>> parse_item("§ 87 Svar på revisionsrapport om placeringar Dnr SN 22/0143")
    ('87', 'Svar på revisionsrapport om placeringar')
    >>> parse_item("§34 Dnr BUN 2024/0055")
    ('34', '')
    """
    m = _ITEM.match(line)
    if not m:
        return None
    return m.group(1), _ITEM_DNR.sub("", m.group(2)).strip(" ,–-")


def item_case_number(line: str) -> str:
    """The diarienummer a § item's line ends with, as written ("" when none): what
    :func:`parse_item` leaves out of the title.

    >>> item_case_number("§ 87 Svar på revisionsrapport om placeringar Dnr SN 22/0143")
    'Dnr SN 22/0143'
    >>> item_case_number("§ 88 Val av justerare")
    ''
    """
    m = _ITEM.match(line)
    found = _ITEM_DNR.search(m.group(2)) if m else None
    return found.group(0).strip(" \t,–-") if found else ""
