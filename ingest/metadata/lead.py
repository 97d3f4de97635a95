"""The document as one text (:class:`DocText`) and its lead: the first lines, up to the first
section heading or running prose, where letterhead, form, labels, addressee and title stand.

Text copied out of a PDF often has no line breaks at all. Its first words are then cut into
lines (:func:`relineate`) where a letterhead would break them: before labels ("Datum",
"Diarienummer"), forms ("Tjänsteskrivelse"), section headings ("Förslag till beslut"), organs
and municipalities, and around dates, case numbers, page, phone and e-mail. A cut turns one
space into a line break, so every offset stays valid (the fold is one character for one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.folding import fold_for_matching
from ingest.metadata.text import SEPARATOR, DocText, find_dates
from ingest.model import Block
from ingest.tables import load_table


@dataclass(frozen=True)
class Line:
    """One line of the document's text: its span and text (stripped)."""

    start: int
    end: int
    text: str


def lines(doc: DocText, start: int = 0, end: int | None = None) -> list[Line]:
    """The non-empty lines between ``start`` and ``end`` (whole lines that start there)."""
    end = len(doc.text) if end is None else end
    out = []
    for m in re.finditer(r"[^\n]+", doc.text[start:end]):
        text = m.group(0).strip()
        if text:
            out.append(Line(start + m.start(), start + m.end(), text))
    return out


def line_span(text: str, offset: int) -> tuple[int, int]:
    """The line of ``text`` that holds ``offset``: its start and end."""
    s = text.rfind("\n", 0, offset) + 1
    e = text.find("\n", offset)
    return s, len(text) if e < 0 else e


def folded_words(text: str) -> str:
    return " ".join(fold_for_matching(text).split())


# ---------------------------------------------------------------- relineating flattened text


@cache
def _keyword_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(labels, forms, section starts) as patterns over folded text, longest phrase first."""
    t = load_table("metadata")

    def alt(words: list[str]) -> re.Pattern[str]:
        phrases = sorted({folded_words(w) for w in words}, key=len, reverse=True)
        body = "|".join(r" +".join(re.escape(x) for x in p.split()) for p in phrases)
        return re.compile(r"(?<![a-z0-9])(?:" + body + r")(?![a-z0-9])")

    labels = t["lead"]["labels"] + ["vår referens", "er referens", "vår beteckning", "er beteckning",
                                    "för kännedom", "plats och tid"]
    return alt(labels), alt(t["lead"]["forms"]), alt(t["lead"]["section_starts"])


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d-])0\d{1,3}-\d{2,3}(?: \d{2,3}){1,3}(?![\d])")
_PAGE = re.compile(r"(?<![\w(])(?:[Ss]ida |[Ss]id\. )?\d{1,3} \(\d{1,3}\)")
_MUNICIPALITY = re.compile(r"(?<![\w-])(?:[A-ZÅÄÖ][\w-]+s? (?:[Kk]ommun|KOMMUN|[Ss]tad|STAD)|(?:Region|REGION) [A-ZÅÄÖ][\w]+)(?![\w-])")


def relineate(text: str) -> tuple[str, frozenset[int]]:
    """``text`` with its flattened first words cut into letterhead lines (see the module
    docstring), and the offsets of the cuts. Text whose first line is short is returned as is."""
    t = load_table("metadata")["lead"]
    first_end = text.find("\n", 0, 200_000)
    first_end = min(len(text), 200_000) if first_end < 0 else first_end
    words = list(re.finditer(r"\S+", text[:first_end]))
    if len(words) <= t["flat_words"]:
        return text, frozenset()
    end = words[min(len(words), t["flat_head_words"]) - 1].end()
    window = text[:end]
    folded = fold_for_matching(window)
    before: set[int] = set()  # cut before this offset
    after: set[int] = set()  # cut after this offset

    def around(s: int, e: int) -> None:
        before.add(s)
        after.add(e)

    for d in find_dates(window):
        around(d.start, d.end)
    from ingest.metadata.case_numbers import case_number_spans

    for s, e, _ in case_number_spans(window):
        around(s, e)
    for pattern in (_EMAIL, _PHONE, _PAGE):
        for m in pattern.finditer(window):
            around(m.start(), m.end())
    labels, forms, sections = _keyword_patterns()
    for pattern, cut_after in ((labels, False), (forms, True), (sections, False)):
        for m in pattern.finditer(folded):
            if window[m.start()].isupper():
                before.add(m.start())
                if cut_after and m.end() < len(window) - 1 and window[m.end() + 1:m.end() + 2].isupper():
                    after.add(m.end())
    for m in _MUNICIPALITY.finditer(window):
        around(m.start(), m.end())
    from ingest.metadata.lead import doc_text_of
    from ingest.metadata.organs import find_committees

    for mention in find_committees(doc_text_of(window)):
        if window[mention.start].isupper():
            before.add(mention.start)
            nxt = window[mention.end + 1:mention.end + 2]
            if nxt.isupper() or nxt.isdigit():
                after.add(mention.end)
    cuts = {s - 1 for s in before if s > 0 and window[s - 1] == " "}
    cuts |= {e for e in after if e < len(window) and window[e] == " "}
    if not cuts:
        return text, frozenset()
    chars = list(text)
    for c in cuts:
        chars[c] = "\n"
    return "".join(chars), frozenset(c + 1 for c in cuts)


# ---------------------------------------------------------------- the document as one text


def doc_text(blocks: list[Block]) -> DocText:
    """The blocks joined into one text with its fold; flattened first words relineated."""
    texts = [b.text for b in blocks]
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + len(SEPARATOR)
    text, cuts = relineate(SEPARATOR.join(texts))
    raw = SEPARATOR.join(b.raw or b.text for b in blocks)
    return _doc(text, starts, texts, raw, cuts)


def doc_text_of(text: str) -> DocText:
    """A short text of its own (a line, a running header) as a DocText, without relineating."""
    return _doc(text, [0], [text], text, frozenset())


def _doc(text: str, starts: list[int], texts: list[str], raw: str, cuts: frozenset[int]) -> DocText:
    head_words = load_table("doctypes")["scoring"]["head_words"]
    words = list(re.finditer(r"\w+", text[: 40 * head_words]))
    head_end = words[head_words - 1].end() if len(words) >= head_words else min(len(text), 40 * head_words)
    return DocText(text, fold_for_matching(text), starts, texts, head_end, raw, cuts)


_SENTENCE_END = re.compile(r"[.!?]\s*$")
_INNER_SENTENCE = re.compile(r"[.!?] +[A-ZÅÄÖ]")


def _is_section_start(line: Line, doc: DocText) -> bool:
    """A line that is a section heading ("Förslag till beslut", "Sammanfattning:"), or starts
    with one where flattened text was cut."""
    _, _, sections = _keyword_patterns()
    f = fold_for_matching(line.text)
    m = sections.match(f)
    if not m:
        return False
    return not f[m.end():].strip() or line.text[m.end():].lstrip().startswith(":") or line.start in doc.cuts


def lead_end(doc: DocText) -> int:
    """Where the document's lead ends: at its first section heading or first running prose (a
    sentence of six words or more, a line of more than ``title.prose_words`` words holding a
    sentence end, any line three times that long), and never past the head's first words."""
    if doc.lead_end_cache is not None:
        return doc.lead_end_cache
    prose_words = load_table("metadata")["title"]["prose_words"]
    end = doc.head_end
    for line in lines(doc, 0, doc.head_end):
        n = len(line.text.split())
        prose = (n >= 6 and _SENTENCE_END.search(line.text)) or (n > prose_words and _INNER_SENTENCE.search(line.text)) \
            or n > 3 * prose_words
        if _is_section_start(line, doc) or prose:
            end = line.start
            break
    doc.lead_end_cache = end
    return end


def lead_lines(doc: DocText) -> list[Line]:
    return lines(doc, 0, lead_end(doc))
