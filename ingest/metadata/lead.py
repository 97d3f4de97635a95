"""The document as one text (:class:`DocText`) and its lead: the first lines, up to the first
section heading or running prose, where letterhead, form, labels, addressee and title stand.

Text copied out of a PDF often has no line breaks at all. Its first words are then cut into
lines (:func:`relineate`) where a letterhead would break them: before labels ("Datum",
"Diarienummer"), forms ("Tjänsteskrivelse"), section headings ("Förslag till beslut"), organs
and municipalities, and around dates, case numbers, page, phone and e-mail. A cut turns one
space into a line break, so every offset stays valid (the fold is one character for one).

A web page copied as text may open with its frame (a document-sharing site's widgets, a cookie
banner, a skip link: metadata.toml ``[frame]``). The document's own text, where its lead is
read, starts after it (:func:`frame_end`).
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


@cache
def _frame_lines() -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(load_table("metadata")["frame"]["lines"]) + ")")


def frame_end(text: str) -> int:
    """Where a copied web page's frame ends (0 when there is none): after the last frame line
    (metadata.toml ``[frame]``) among the first lines.

    >>> frame_end("Kakor (cookies)\\nVi använder kakor för statistik.\\nRapport om skolskjuts")
    49
    """
    t = load_table("metadata")["frame"]
    pattern = _frame_lines()
    end = 0
    for n, m in enumerate(re.finditer(r"[^\n]*(?:\n|$)", text[:t["max_chars"]])):
        if n >= t["max_lines"] or not m.group(0):
            break
        line = " ".join(m.group(0).split()).lower()
        if line and pattern.fullmatch(line):
            end = m.end()
    return end


# The page number a PDF transcript opens with ("1 Revisionsrapport ..."; repair may have read
# the "1" as "i").
_LEADING_PAGE = re.compile(r"(?:\d{1,3}|i)(?= [A-ZÅÄÖ])")
_INNER_STOP = re.compile(r"[.!?] +[A-ZÅÄÖ]")


def _flat_cover(line: str) -> bool:
    """A report's cover page flattened into one line ("Revisionsrapport Granskning av
    ekonomistyrning Kils kommun Jan Ek Maj 2031"): a dozen words or more, no sentence in them, and
    a municipality, a capitalised month and year or a date among them."""
    n = len(line.split())
    return n >= load_table("metadata")["lead"]["flat_cover_words"] and not _INNER_STOP.search(line) \
        and bool(_MUNICIPALITY.search(line) or _month_year().search(line) or find_dates(line))


def relineate(text: str, start: int = 0) -> tuple[str, frozenset[int]]:
    """``text`` with its flattened first words (from ``start``, where a web page's frame ends)
    cut into letterhead lines (see the module docstring), and the offsets of the cuts. Text
    whose first line is short is returned as is."""
    t = load_table("metadata")["lead"]
    first_end = text.find("\n", start, start + 200_000)
    first_end = min(len(text), start + 200_000) if first_end < 0 else first_end
    words = list(re.finditer(r"\S+", text[start:first_end]))
    if len(words) <= t["flat_words"] and not _flat_cover(text[start:first_end]):
        return text, frozenset()
    end = start + words[min(len(words), t["flat_head_words"]) - 1].end()
    window = text[:end]
    folded = fold_for_matching(window)
    before: set[int] = set()  # cut before this offset
    after: set[int] = set()  # cut after this offset

    def around(s: int, e: int) -> None:
        before.add(s)
        after.add(e)

    for d in find_dates(window, start):
        if not _inside_phrase(window, d.start, d.end):
            around(d.start, d.end)
    for m in _month_year().finditer(window, start):
        if not _inside_phrase(window, m.start(), m.end()):
            around(m.start(), m.end())
    from ingest.metadata.case_numbers import case_number_spans

    for s, e, _ in case_number_spans(window):
        around(s, e)
    for pattern in (_EMAIL, _PHONE, _PAGE):
        for m in pattern.finditer(window, start):
            around(m.start(), m.end())
    page = _LEADING_PAGE.match(window, start)
    if page:
        after.add(page.end())  # "1 Revisionsrapport ...": the page number a transcript opens with
    labels, forms, sections = _keyword_patterns()
    for pattern, cut_after in ((labels, False), (forms, True), (sections, False)):
        for m in pattern.finditer(folded, start):
            if window[m.start()].isupper():
                before.add(m.start())
                if cut_after and m.end() < len(window) - 1 and window[m.end() + 1:m.end() + 2].isupper():
                    after.add(m.end())
    for m in _MUNICIPALITY.finditer(window, start):
        nxt = window[m.end() + 1:m.end() + 2]
        if nxt.isupper() or nxt.isdigit():
            after.add(m.end())
            before.add(m.start())
        elif not _lower_word_before(window, m.start()):
            before.add(m.start())  # "... och Göteborgs Stads räkenskaper": a name inside a phrase stays in it
    from ingest.metadata.lead import doc_text_of
    from ingest.metadata.organs import find_bodies, find_committees

    window_doc = doc_text_of(window)
    for mention in find_committees(window_doc) + find_bodies(window_doc):
        if mention.start >= start and window[mention.start].isupper():
            if not _FUNCTION_WORD_BEFORE.search(window, max(0, mention.start - 12), mention.start):
                before.add(mention.start)  # not in "granskning av Kommunstyrelsens ansvarsutövande"
            nxt = window[mention.end + 1:mention.end + 2]
            if nxt.isupper() or nxt.isdigit():
                after.add(mention.end)
    cuts = {s - 1 for s in before if s > start and window[s - 1] == " "}
    cuts |= {e for e in after if start <= e < len(window) and window[e] == " "}
    return _break_at(text, cuts)


def _break_at(text: str, cuts) -> tuple[str, frozenset[int]]:
    """``text`` with the spaces at ``cuts`` turned into line breaks, and where the new lines start."""
    if not cuts:
        return text, frozenset()
    chars = list(text)
    for c in cuts:
        chars[c] = "\n"
    return "".join(chars), frozenset(c + 1 for c in cuts)


def _inside_phrase(text: str, start: int, end: int) -> bool:
    """A date written inside a phrase, between commas ("Revisionsrapport, september 2031, efter
    granskning av ...") or between words in lower case ("som överlämnades den 30 juni 2031 till
    regeringen"): not a letterhead value of its own."""
    if text[max(0, start - 2):start] == ", " and text[end:end + 1] == ",":
        return True
    nxt = re.match(r",?\s+(\S+)", text[end:end + 40])
    return _lower_word_before(text, start) and bool(nxt) and nxt.group(1)[:1].islower()


_FUNCTION_WORD_BEFORE = re.compile(r"(?<![\w-])(?:av|och|för|i|om|till|med|på|från|över|inom|hos|samt|eller) $")


def _lower_word_before(text: str, start: int) -> bool:
    """Whether the word before ``start`` is written in lower case ("och Göteborgs Stad")."""
    m = re.search(r"(\S+)\s+$", text[max(0, start - 40):start])
    return bool(m) and m.group(1)[:1].islower()


@cache
def _month_year() -> re.Pattern[str]:
    """A capitalised month and a year ("Mars 2021"): a report's date on its cover, never in
    running prose, where months are written in lower case."""
    from ingest import dates

    names = sorted({n.capitalize() for n in dates.months() if len(n) > 3 or n == "maj"}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r") (?:19|20)\d{2}(?![\w-])")


_CONTACT_THEN_WORDS = re.compile(r"(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+|(?<![\w@.-])[\w-]+\.se\b(?:/\S*)?)"
                                 r"(?= [A-ZÅÄÖ][\w-]* [\w-])")


def _cut_after_contacts(text: str, start: int) -> tuple[str, frozenset[int]]:
    """A letterhead's contact line that ends in an e-mail or web address runs on into the next
    line when a copy joined them ("... Webb: kil.se Nya regler för parkering"): cut after the
    address, in the document's first characters."""
    limit = min(len(text), start + 3000)
    cuts = [m.end() for m in _CONTACT_THEN_WORDS.finditer(text, start, limit) if text[m.end()] == " "]
    return _break_at(text, cuts)


# ---------------------------------------------------------------- the document as one text


def doc_text(blocks: list[Block]) -> DocText:
    """The blocks joined into one text with its fold; flattened first words relineated."""
    texts = [b.text for b in blocks]
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + len(SEPARATOR)
    joined = SEPARATOR.join(texts)
    body = frame_end(joined)
    text, cuts = relineate(joined, body)
    text, more = _cut_after_contacts(text, body)
    cuts |= more
    raw = SEPARATOR.join(b.raw or b.text for b in blocks)
    return _doc(text, starts, texts, raw, cuts, body)


def doc_text_of(text: str) -> DocText:
    """A short text of its own (a line, a running header) as a DocText, without relineating."""
    return _doc(text, [0], [text], text, frozenset())


def _doc(text: str, starts: list[int], texts: list[str], raw: str, cuts: frozenset[int], body: int = 0) -> DocText:
    head_words = load_table("doctypes")["scoring"]["head_words"]
    words = list(re.finditer(r"\w+", text[body: body + 40 * head_words]))
    head_end = body + (words[head_words - 1].end() if len(words) >= head_words else min(len(text) - body, 40 * head_words))
    return DocText(text, fold_for_matching(text), starts, texts, head_end, raw, cuts, body_start=body)


_SENTENCE_END = re.compile(r"[.!?]\s*$")
_INNER_SENTENCE = re.compile(r"[.!?] +[A-ZÅÄÖ]")


def _is_section_start(line: Line, doc: DocText) -> bool:
    """A line that is a section heading ("Förslag till beslut", "Sammanfattning:"), or starts
    with one where flattened text was cut; a page's number may stand before it ("2
    Innehållsförteckning"). A form word written in capitals at a letterhead's head
    ("BESLUTSUNDERLAG Landstingsfullmäktige Datum") is the document's form, not a heading."""
    _, forms, sections = _keyword_patterns()
    f = fold_for_matching(line.text)
    page = re.match(r"\d{1,3} +(?=[a-z])", f)
    m = sections.match(f, page.end() if page else 0)
    if not m:
        return False
    word = line.text[m.start():m.end()]
    if word.isupper() and forms.fullmatch(f[m.start():m.end()]) and f[m.end():].strip():
        return False
    return not f[m.end():].strip() or line.text[m.end():].lstrip().startswith(":") or line.start in doc.cuts


def lead_end(doc: DocText) -> int:
    """Where the document's lead ends: at its first section heading or first running prose (a
    sentence of six words or more, a line of more than ``title.prose_words`` words holding a
    sentence end, any line three times that long), and never past the head's first words."""
    if doc.lead_end_cache is not None:
        return doc.lead_end_cache
    prose_words = load_table("metadata")["title"]["prose_words"]
    # Past the head's words the lead goes on while its lines stay short (a letterhead of many
    # lines: labels, people, units, addresses), up to `lead.max_chars`; then the head ends it.
    reach = min(len(doc.text), doc.head_end + load_table("metadata")["lead"]["max_chars"])
    end = doc.head_end
    for line in lines(doc, doc.body_start, reach):
        n = len(line.text.split())
        prose = (n >= 6 and _SENTENCE_END.search(line.text)) or (n > prose_words and _INNER_SENTENCE.search(line.text)) \
            or n > 3 * prose_words
        if _is_section_start(line, doc) or prose:
            end = line.start
            break
        if line.end > doc.head_end and n > prose_words and not (_EMAIL.search(line.text) or _PHONE.search(line.text)):
            break  # past the head only short lines, or an address and contact line, go on
    doc.lead_end_cache = end
    return end


def lead_lines(doc: DocText) -> list[Line]:
    return lines(doc, doc.body_start, lead_end(doc))
