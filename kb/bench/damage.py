"""OCR damage for the scale corpus: the confusions a scan of a Swedish document shows.

Pure functions of (text, random generator): å/ä/ö read as other letters (ä -> i/a/d,
ö -> o/é/6, å -> a), the word "i" read as "1", hard line wraps at about 80 characters and
page counters ("2 (5)") between pages.
"""

from __future__ import annotations

import random
import re
import textwrap

#: printed letter -> what the scan may show instead, and how often a letter is damaged.
CONFUSIONS: dict[str, tuple[str, ...]] = {
    "ä": ("i", "a", "d"), "Ä": ("A",),
    "ö": ("o", "é", "6"), "Ö": ("O",),
    "å": ("a",), "Å": ("A",),
}
LETTER_RATE = 0.7
WORD_I_RATE = 0.4
LINE_WIDTH = 80
LINES_PER_PAGE = 46

_WORD_I = re.compile(r"(?<= )i(?= )")


def damage_letters(text: str, rng: random.Random) -> str:
    """Replace å/ä/ö (and capitals) by their OCR look-alikes, each at ``LETTER_RATE``."""
    out = []
    for ch in text:
        options = CONFUSIONS.get(ch)
        if options and rng.random() < LETTER_RATE:
            out.append(rng.choice(options))
        else:
            out.append(ch)
    return "".join(out)


def damage_word_i(text: str, rng: random.Random) -> str:
    """The preposition " i " read as " 1 ", at ``WORD_I_RATE``."""
    return _WORD_I.sub(lambda m: "1" if rng.random() < WORD_I_RATE else "i", text)


def hard_wrap(paragraphs: list[str], width: int = LINE_WIDTH) -> list[str]:
    """Lines as a scan gives them: each paragraph wrapped, a blank line between paragraphs."""
    lines: list[str] = []
    for para in paragraphs:
        lines.extend(textwrap.wrap(para, width=width) or [""])
        lines.append("")
    return lines


def paginate(lines: list[str], per_page: int = LINES_PER_PAGE) -> str:
    """Join lines into pages, with a page counter "N (M)" at the top of every page after the first."""
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    total = len(pages)
    out: list[str] = []
    for number, page in enumerate(pages, start=1):
        if number > 1:
            out.extend(["", "", f"{number} ({total})", ""])
        out.extend(page)
    return "\n".join(out).rstrip() + "\n"


def scan(paragraphs: list[str], rng: random.Random) -> str:
    """A damaged scan of a document given as paragraphs."""
    damaged = [damage_word_i(damage_letters(p, rng), rng) for p in paragraphs]
    return paginate(hard_wrap(damaged))
