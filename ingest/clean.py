"""Cleaning (rensning): reader pages -> paragraphs (:class:`~ingest.model.Block`).

The text is still OCR-damaged here (repair runs after this stage), so every keyword test works on
a *folded* form (:func:`ingest.folding.fold_ocr_confusions`). The rules, applied in this order:

1. **Pages.** A reader's pages are kept. A single page (a .txt file) is split where the text itself
   shows a page break: a form feed, a page counter ("2 (11)", which also gives the page number),
   three or more blank lines, or a line indented by a space at least 12 lines after the last break
   (OCR marks a new page that way).
2. **Furniture** (sidhuvud, sidfot, adressfält) is dropped: page counters and stray URL/phone lines
   anywhere; short lines repeated at the top or bottom of two or more pages; stand-alone
   "Malmö stad"-style headers at a page edge; address blocks (an anchor such as "Box 12278" or
   "192 27 Stockholm", then address prefixes cut off nearby lines, where OCR interleaves the address
   column with the body text). The patterns live in ``tables/headings.toml``.
3. **Paragraphs.** Blank lines end a paragraph, except where the text plainly goes on: the next line
   starts in lower case after a line without a full stop, or a page break falls mid-sentence.
   Within a run of lines, a new paragraph starts at a heading keyword ("Rekommendation 1:",
   "Aktivitet 1.1:", "Beskrivning:", "Sammanfattning"...), after a short first line that reads as a
   heading (no full stop, next line a full text line), after a short line ending a sentence, and at
   a known heading from a structured reader.
   Text without blank lines (a PDF's text layer) shows a heading only by what follows it: a run of
   up to three lines (further lines starting in lower case) with no sentence end, at most 16 words
   (60 after a "Rekommendation:" label) and an end that does not leave a sentence open (a comma, or a
   word such as "och", "med", "från"; a capitalised last word is a name going on), followed by a
   capitalised line of text or another such run, is a block of its own. A label's statement ends
   at its full stop, and a date standing alone after a sentence is its own block.
4. **Lists.** Bullets ("e ", "o ", "¢ ", "•", "-", "*") become "• " items, one per line, kept in one
   paragraph together with the line that introduces them ("Genom att:"); numbered items "1." too.
5. **Unwrapping.** Lines are joined with a space; a word hyphenated at a line end is joined
   ("gymnasie-/skolor" -> "gymnasieskolor") unless the hyphen is a shortened compound
   ("gymnasie- och vuxenutbildning") or follows a capital or digit ("SSPF-nätverket").
   Runs of short lines (signatures, addresses) keep their line breaks.
6. **Markdown.** ``**...**``/``*...*``/``__...__`` are removed; a paragraph wholly emphasised gets
   ``emphasis=True``; "# Rubrik" lines are headings (``heading=True``), as are the texts a
   structured reader passed in ``headings``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from ingest.folding import fold_ocr_confusions, fold_word_skeleton
from ingest.labels import label_words, parse_label, starts_with_keyword
from ingest.model import Block, Page
from ingest.tables import load_table

TERMINAL = ".!?"
PAGE_BREAK_BLANKS = 3
INDENT_BREAK_MIN_LINES = 12
SHORT_LINE = 0.7  # a line shorter than this share of the page width was not wrapped
FIT = 0.85  # a line plus the next word under this share of the width was broken on purpose
MIN_WIDTH = 40
HEADING_LINES = 3  # a heading wraps onto at most this many lines

BULLET = re.compile(r"^(?:[•·▪■◦●○¢»*+]|[-–—](?=\s+\S)|[eo](?=\s+[A-ZÅÄÖ0-9\"”]))\s+")
# "1. Säkerställ ...", and after an introducing "att": "1. säkerställa ...", "a) ta fram ..."
NUMBERED = re.compile(r"^(?:\d{1,2}[.)]|[a-h]\))\s+(?=[A-ZÅÄÖa-zåäö0-9\"”])")
MD_HEADING = re.compile(r"^#{1,6}\s+")
NUMBER_LINE = re.compile(r"^\d[\d\s\-–./:]*$")
INNER_SENTENCE_END = re.compile(r"\w\w[.!?]\s+[A-ZÅÄÖ]")
STRAY_MARK = re.compile(r"^[\[|](?=[A-Za-zÅÄÖåäö])(?!.*\])")


@dataclass
class Line:
    text: str
    page: int
    blank_before: int = 0
    page_start: bool = False
    md_heading: bool = False


@dataclass
class Para:
    lines: list[Line] = field(default_factory=list)
    is_list: bool = False  # does any line start a list item? kept up to date by add()

    def __post_init__(self) -> None:
        self.is_list = any(is_item(line.text) for line in self.lines)

    def add(self, line: Line) -> None:
        self.lines.append(line)
        self.is_list = self.is_list or is_item(line.text)

    @property
    def last(self) -> str:
        return self.lines[-1].text


# ---------------------------------------------------------------------------------------------
# Line classes


def is_item(text: str) -> bool:
    """A list item: a bullet (OCR reads "•" as e, o or ¢) or a numbered item "1."."""
    return bool(BULLET.match(text) or NUMBERED.match(text))


def label_heading(text: str) -> str | None:
    """Which numbered label opens ``text`` ("Rekommendation 1:", "Aktivitet 1.1:"), if any."""
    parsed = parse_label(_unmarked(text))
    return parsed.kind if parsed else None


def _unmarked(text: str) -> str:
    """The line without markdown emphasis at its start ("**Rekommendation 5:**" reads as a label)."""
    return text.lstrip("*_")


def keyword_heading(text: str) -> bool:
    """Does the line open with a heading keyword ("Sammanfattning", "Beskrivning: ...")?"""
    text = _unmarked(text)
    if not text[:1].isupper():
        return False
    return starts_with_keyword(text, load_table("headings")["headings"]["keywords"]) > 0 or bool(label_heading(text))


def keyword_only(text: str) -> bool:
    """The whole line is a heading keyword ("Sammanfattning", "Beslutet skickas till:")."""
    text = _unmarked(text).rstrip("*_")
    if not text[:1].isupper():
        return False
    words = label_words(text.rstrip(":"))
    return bool(words) and starts_with_keyword(text, load_table("headings")["headings"]["keywords"]) == len(words)


def inline_label(text: str) -> bool:
    """A keyword that carries its text after a colon: "Beskrivning: Verksamheten ska ..."."""
    n = starts_with_keyword(text, load_table("headings")["headings"]["inline"])
    if not n:
        return False
    rest = text.split(None, n)[-1] if len(text.split()) > n else ""
    return text.split()[n - 1].endswith(":") or rest.startswith(":")


def ends_sentence(text: str) -> bool:
    return text.rstrip("\"”’)]*_ ")[-1:] in TERMINAL


def furniture_patterns(group: str) -> list[re.Pattern]:
    return [re.compile(p, re.IGNORECASE) for p in load_table("headings")["furniture"][group]]


def is_page_counter(text: str) -> bool:
    return any(p.match(text) for p in furniture_patterns("page_counters"))


# ---------------------------------------------------------------------------------------------
# 1. Pages


def split_pages(pages: Sequence[Page]) -> list[list[tuple[int, str]]]:
    """Physical pages as lists of (page number, line). See rule 1 in the module docstring."""
    out: list[list[tuple[int, str]]] = []
    for page in pages:
        chunks = page.text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
        number = page.number
        for chunk in chunks:
            if out and chunk is not chunks[0]:
                number += 1
            if len(pages) == 1:
                inferred = _infer_breaks(chunk.split("\n"), number)
                out.extend(inferred)
                number = inferred[-1][0][0] if inferred and inferred[-1] else number
            else:
                out.append([(number, line) for line in chunk.split("\n")])
    return [p for p in out if p]


def _infer_breaks(lines: list[str], first: int) -> list[list[tuple[int, str]]]:
    pages: list[list[tuple[int, str]]] = [[]]
    number, blanks, since = first, 0, 0
    for raw in lines:
        line = raw.replace("\t", " ").replace("\u00a0", " ")
        stripped = line.strip()
        if not stripped:
            blanks += 1
            pages[-1].append((number, line))
            continue
        counter = re.match(r"^(\d{1,3})\s*\(\s*\d{1,3}\s*\)$", stripped)
        broke = (
            blanks >= PAGE_BREAK_BLANKS
            or counter is not None
            or (line.startswith(" ") and since >= INDENT_BREAK_MIN_LINES)
        )
        if broke and since > 0:
            number = int(counter.group(1)) if counter else number + 1
            pages.append([])
            since = 0
        pages[-1].append((number, line))
        since += 1
        blanks = 0
    return pages


# ---------------------------------------------------------------------------------------------
# 2. Furniture


def _edges(page: list[tuple[int, str]], n: int = 2) -> tuple[list[int], list[int]]:
    idx = [i for i, (_, t) in enumerate(page) if t.strip()]
    return idx[:n], idx[-n:]


def _header_key(text: str) -> str:
    return fold_ocr_confusions(re.sub(r"\d+", " ", text))


def drop_furniture(pages: list[list[tuple[int, str]]]) -> tuple[list[list[tuple[int, str]]], list[str]]:
    """Blank out furniture lines (and cut address prefixes). Returns the pages and what was removed."""
    removed: list[str] = []
    stray = furniture_patterns("stray")
    running = furniture_patterns("running")
    edge_keys: Counter[str] = Counter()
    for page in pages:  # a running header recurs on two pages: one page's repeated line counts once
        top, bottom = _edges(page)
        edge_keys.update({_header_key(t) for t in (page[i][1].strip() for i in set(top + bottom)) if _could_be_header(t)})
    repeated = {k for k, c in edge_keys.items() if c >= 2 and k}
    out = []
    for page in pages:
        top, bottom = _edges(page)
        edge = set(top + bottom)
        kept = []
        for i, (number, line) in enumerate(page):
            text = line.strip()
            drop = bool(text) and (
                is_page_counter(text)
                or any(p.match(text) for p in stray)
                or (i in edge and _could_be_header(text) and _header_key(text) in repeated)
                or ((i in edge or _header_key(text) in repeated) and any(p.match(text) for p in running))
            )
            if drop:
                removed.append(text)
                line = ""
            kept.append((number, line))
        out.append(kept)
    return _drop_address(out, removed), removed


def _could_be_header(text: str) -> bool:
    return (
        0 < len(text.split()) <= 8
        and not ends_sentence(text)
        and not keyword_heading(text)
        and not is_item(text)
    )


def _drop_address(pages: list[list[tuple[int, str]]], removed: list[str]) -> list[list[tuple[int, str]]]:
    spec = load_table("headings")["address"]
    anchors = [re.compile(p) for p in spec["anchors"]]
    prefixes = [re.compile(p, re.IGNORECASE) for p in spec["prefixes"]]
    flat = [(pi, li) for pi, page in enumerate(pages) for li in range(len(page))]
    text_at = {pos: pages[pos[0]][pos[1]][1] for pos in flat}
    hits = [k for k, pos in enumerate(flat) if any(a.match(text_at[pos].strip()) for a in anchors)]
    near = {k for h in hits for k in range(h - spec["window"], h + spec["window"] + 1)}
    for k in sorted(near):
        if not 0 <= k < len(flat):
            continue
        pi, li = flat[k]
        number, line = pages[pi][li]
        text = line.strip()
        for _ in range(3):  # "Box 12278 192 27 Stockholm text" may carry more than one prefix
            for p in prefixes:
                m = p.match(text)
                if m and m.end() > 0:
                    removed.append(m.group(0).strip())
                    text = text[m.end():].lstrip()
        if text and _is_debris(text):
            removed.append(text)
            text = ""
        lead = " " if line.startswith(" ") else ""
        pages[pi][li] = (number, lead + text if text else "")
    return pages


def _is_debris(text: str) -> bool:
    """OCR debris of an address column: no word of four letters ("axe . . . o")."""
    return len(text) <= 30 and not re.search(r"[^\W\d_]{4,}", text)


# ---------------------------------------------------------------------------------------------
# 3. Paragraphs


def _lines(pages: list[list[tuple[int, str]]]) -> list[Line]:
    out: list[Line] = []
    blanks = 0
    for page in pages:
        first = True
        for number, raw in page:
            text = raw.strip()
            if not text:
                blanks += 1
                continue
            text = STRAY_MARK.sub("", text)
            md = bool(MD_HEADING.match(text))
            if md:
                text = MD_HEADING.sub("", text)
            out.append(Line(text, number, blanks, first and bool(out), md))
            blanks, first = 0, False
    return out


def page_width(lines: Sequence[Line]) -> int:
    """The typical full line length: the 90th percentile of line lengths."""
    lengths = sorted(len(line.text) for line in lines)
    if not lengths:
        return MIN_WIDTH
    return max(MIN_WIDTH, lengths[int(len(lengths) * 0.9)])


def paragraphs(lines: list[Line], headings: Sequence[str] = ()) -> list[Para]:
    """Group lines into paragraphs (rule 3 and 4 of the module docstring)."""
    width = page_width(lines)
    short = SHORT_LINE * width
    known = {fold_ocr_confusions(h) for h in headings if fold_ocr_confusions(h)}
    paras: list[Para] = []
    cur: Para | None = None
    ahead: dict[int, bool] = {}  # _heading_ahead's answers by line, shared along the way
    for i, line in enumerate(lines):
        if cur is None or _starts_new(cur, lines, i, short, known, ahead):
            cur = Para([line])
            paras.append(cur)
        else:
            cur.add(line)
    return paras


def _is_heading_line(line: Line, known: set[str]) -> bool:
    return line.md_heading or (fold_ocr_confusions(line.text) in known and bool(known))


def _starts_new(cur: Para, lines: Sequence[Line], i: int, short: float, known: set[str],
                ahead: dict[int, bool] | None = None) -> bool:
    line = lines[i]
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    text, prev = line.text, cur.lines[-1]
    first = cur.lines[0]
    if _is_heading_line(line, known) or _is_heading_line(prev, known):
        return True
    if label_heading(text) or keyword_only(text) or keyword_only(prev.text) or (
        keyword_heading(text) and (ends_sentence(prev.text) or line.blank_before or line.page_start
                                   or len(cur.lines) == 1)
    ):
        return True
    if inline_label(text):
        return True
    if is_item(text):
        return not (cur.is_list or prev.text.rstrip().endswith(":"))
    lower = _lower_start(text)
    open_end = not ends_sentence(prev.text)
    if _heading_only(cur) and not lower:
        return True
    if line.blank_before and not line.page_start and line.blank_before < PAGE_BREAK_BLANKS:
        return not (lower and open_end and not prev.text.endswith(":"))
    if text[:1].isupper() and _open_heading(cur.lines) and (_body_line(line, short) or _heading_ahead(lines, i, short, ahead)):
        return True  # a heading (or a label's statement) without a full stop, then a new line of text
    if line.page_start or line.blank_before:
        if lower and open_end:
            return False
        return not (open_end and _prose(cur, short) and not cur.is_list and not keyword_heading(text)
                    and not label_heading(first.text))
    # Same page, no blank line between.
    if ends_sentence(prev.text) and label_heading(first.text) and not lower:
        return True  # a label's statement is one sentence: text after its full stop is the answer
    if ends_sentence(prev.text) and NUMBER_LINE.match(text):
        return True  # a date standing alone after a sentence ("2025-01-02") does not continue it
    if cur.is_list and not is_item(prev.text) and len(prev.text) < short and not lower:
        return True
    if len(cur.lines) == 1 and first.text is prev.text and _heads_text(prev, line, nxt, short):
        return True
    if ends_sentence(prev.text) and len(prev.text) < short and not lower:
        return True
    if ends_sentence(prev.text) and nxt is not None and _heads_text(line, nxt, None, short):
        return True  # a heading-like line right after a sentence end starts a new block
    if (ends_sentence(prev.text) or len(prev.text) < short) and _heading_ahead(lines, i, short, ahead):
        return True  # the same, for a heading as wide as the text (or wrapped), or after a letterhead
    if text[:1].isupper() and not _open_end(prev.text) and _fits(prev.text, text, short) and (
        label_heading(first.text) or (len(cur.lines) > 1 and len(cur.lines[-2].text) >= short)
    ):
        return True  # a line broken before a word that would have fitted ends the paragraph
    return False


def _lower_start(text: str) -> bool:
    """The line goes on with a sentence: a lower-case word ("myndigheter/organisationer") or a number."""
    return (text[:1].islower() or text[:1].isdigit()) and not is_item(text)


def _open_heading(run: Sequence[Line]) -> bool:
    """Do ``run``'s lines read as one heading, or a label and its statement, not yet followed by text?

    Text without blank lines (a PDF's text layer) shows where a heading ends only by what follows
    it, so the run itself must look finished: it opens with a capital, holds no sentence end, is
    short (``max_words``, more for a "Rekommendation:" label), and its last word does not leave the
    sentence open (a comma, a hyphen, "och", "med", ... from ``tables/headings.toml``).
    """
    if not run or is_item(run[0].text) or not run[0].text[:1].isupper():
        return False
    spec = load_table("headings")["open_end"]
    limit = spec["label_words"] if label_heading(run[0].text) else spec["max_words"]
    words: list[str] = []
    for line in run:  # stops at the word limit: a long paragraph is never read line by line again
        words += line.text.split()
        if len(words) > limit:
            return False
    if any(ends_sentence(line.text) or is_item(line.text) or INNER_SENTENCE_END.search(line.text) for line in run):
        return False
    if len(words) > 1 and words[-1][:1].isupper():
        return False  # a name broken over two lines ("Region" / "Skåne", "Kristin" / "Jacobsson")
    return not _open_end(run[-1].text)


def _open_end(text: str) -> bool:
    """Does the line end where a sentence cannot: a comma or hyphen, or a word like "och", "med", "från"?"""
    text = text.rstrip()
    if not text or text.endswith(tuple(load_table("headings")["open_end"]["marks"])):
        return True
    return fold_word_skeleton(text.split()[-1]) in _open_words()


@cache
def _open_words() -> frozenset[str]:
    return frozenset(fold_word_skeleton(w) for w in load_table("headings")["open_end"]["words"])


def _body_line(line: Line, short: float) -> bool:
    """A line of running text: full width, a sentence's end, or the lead-in to a list ("Genom att:")."""
    return len(line.text) >= short or ends_sentence(line.text) or line.text.rstrip().endswith(":")


def _heading_ahead(lines: Sequence[Line], i: int, short: float, memo: dict[int, bool] | None = None) -> bool:
    """Does a heading start at line ``i``: a finished-looking run, then a line of text or another heading?

    The run may wrap onto a few lines that start in lower case ("Stöd till familjer\noch barn").
    A chain of heading-like lines is followed in a loop, not by recursion (5,000 one-word lines
    overflowed the stack), and ``memo`` keeps each line's answer, so that a paragraph's lines
    asking in turn stay linear.
    """
    memo = {} if memo is None else memo
    chain: list[int] = []
    answer = False
    while True:
        if i in memo:
            answer = memo[i]
            break
        chain.append(i)
        run = [lines[i]]
        k = i + 1
        while k < len(lines) and len(run) < HEADING_LINES and _lower_start(lines[k].text) and not lines[k].blank_before:
            run.append(lines[k])
            k += 1
        if k >= len(lines) or not lines[k].text[:1].isupper() or not _open_heading(run):
            answer = False
            break
        if _body_line(lines[k], short):
            answer = True
            break
        i = k
    for j in chain:
        memo[j] = answer
    return answer


def _heading_only(cur: Para) -> bool:
    """The paragraph so far is one keyword heading line ("Uppföljning", "Ansvariga")."""
    if len(cur.lines) != 1:
        return False
    text = cur.lines[0].text
    if label_heading(text) or inline_label(text):
        return False
    return keyword_heading(text) and not ends_sentence(text) and not text.endswith(",")


def _prose(cur: Para, short: float) -> bool:
    """Looks like running text: several lines, or a full-width last line."""
    return len(cur.lines) > 1 or len(cur.last) >= short


def _fits(text: str, following: str, short: float) -> bool:
    """Would the first word of ``following`` have fitted on the line ``text``?"""
    word = following.split()[0] if following.split() else ""
    return len(text) + 1 + len(word) <= FIT * short / SHORT_LINE


def _heads_text(prev: Line, line: Line, nxt: Line | None, short: float) -> bool:
    """A first line with no full stop, broken before a word that would have fitted, reads as a heading."""
    text = prev.text
    if not _fits(text, line.text, short):
        return False  # the next word would not have fitted: an ordinary wrapped line
    if ends_sentence(text) or text.endswith(":") or _open_end(text):
        return False
    if not text[:1].isupper() or is_item(text) or is_item(line.text):
        return False
    if not (line.text[:1].isupper() or line.text[:1].isdigit()):
        return False
    return len(line.text) >= short or ends_sentence(line.text)


# ---------------------------------------------------------------------------------------------
# 5. Unwrapping and 6. markdown


def join_lines(lines: Sequence[str], short: float) -> str:
    """Undo hard wraps: items and short-line runs keep their breaks, hyphenated words are joined."""
    out = ""
    keep = set(load_table("headings")["hyphen"]["keep_before"])
    for k, raw in enumerate(lines):
        text = BULLET.sub("• ", raw, count=1) if BULLET.match(raw) else raw
        if k == 0:
            out = text
            continue
        prev = lines[k - 1]
        if is_item(raw) or "|" in raw or (len(prev) < short and not text[:1].islower() and not prev.endswith("-")):
            out += "\n" + text  # (a text table's rows keep their lines)
            continue
        tail = out[-3:]  # only the end matters: searching all of `out` made this quadratic
        m = re.search(r"(\w)-$", tail)
        if m and not re.search(r"\s[-–—]$", tail):
            word = text.split()[0] if text.split() else ""
            if word.lower().strip(",.") in keep:
                out += " " + text
            elif m.group(1).isupper() or m.group(1).isdigit() or word[:1].isupper() or word[:1].isdigit():
                out += text
            else:
                out = out[:-1] + text
            continue
        out += " " + text
    return out


_EMPH = [
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S),
    re.compile(r"__(?=\S)(.+?)(?<=\S)__", re.S),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])", re.S),
    re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])", re.S),
]


def strip_emphasis(text: str) -> tuple[str, bool]:
    """Remove markdown emphasis; say whether it covered the whole text."""
    whole = False
    for pattern in _EMPH:
        m = pattern.fullmatch(text.strip())
        if m and not any(mark in m.group(1) for mark in ("**", "__")):
            whole = True
        text = pattern.sub(r"\1", text)
    text = re.sub(r"(?<!\S)\*{1,2}(?=\S)|(?<=\S)\*{1,2}(?!\S)", "", text)  # an unpaired marker
    return text, whole


# ---------------------------------------------------------------------------------------------
# The stage


def clean_pages(pages: list[Page], headings: Sequence[str] = ()) -> list[Block]:
    """Turn reader pages into cleaned paragraphs (Blocks). See the module docstring."""
    blocks, _ = clean_pages_with_removed(pages, headings)
    return blocks


def clean_pages_with_removed(pages: list[Page], headings: Sequence[str] = ()) -> tuple[list[Block], list[str]]:
    """Like :func:`clean_pages`, also returning the furniture that was dropped (for checks)."""
    physical, removed = drop_furniture(split_pages(pages))
    lines = _lines(physical)
    short = SHORT_LINE * page_width(lines)
    known = {fold_ocr_confusions(h) for h in headings if fold_ocr_confusions(h)}
    blocks = []
    for para in paragraphs(lines, headings):
        text = join_lines([line.text for line in para.lines], short)
        text, emphasis = strip_emphasis(text)
        text = re.sub(r"[ \t]+", " ", text).strip()
        if not text:
            continue
        heading = any(line.md_heading for line in para.lines) or (bool(known) and fold_ocr_confusions(text) in known)
        blocks.append(Block(text=text, page=para.lines[0].page, raw=text, emphasis=emphasis, heading=heading))
    return blocks, removed
