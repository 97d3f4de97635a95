"""``title`` (titel) and ``subject`` (ärendet): what the document is called and what it is about.

- ``title`` of a protocol: its one § item ("§ 45 Svar på granskning av …") when it is an extract,
  else its body and meeting date ("Socialnämnden, sammanträdesprotokoll 2023-11-14", with the
  protocol word the document uses).
- ``title`` of any other document: the line of the lead that names the matter. A line that
  opens with a matter phrase ("Yttrande över", "Svar på", "Granskning av", "Uppföljning av",
  metadata.toml ``title.cues``) wins, a format heading next; never a letterhead, organ,
  department, address, person, label or "Till" line, nor a form line ("YTTRANDE", "Motion till
  kommunfullmäktige"), a signature ("Kanslichef, Eva Ek"), a numbered report heading ("4.6 ...")
  or OCR debris. A label whose value the copy lost ("Datum Yttrande över ...") is dropped from
  the front of its line. A title runs on over a wrapped line, takes the line before it when it
  goes on with a dash ("Gatunämnden" / "– granskning av verksamhetsåret 2031"), may be long
  (``title.max_chars``), and loses a trailing "Dnr …". A copied web page's own title (the first
  line of its frame) completes a title it starts, and stands in when the text gives none. Without such a line: the document's own entry in its list of
  decision documents ("G-Tjänsteskrivelse - ..."); :func:`ingest.metadata.extract_metadata` falls
  back on the file's title property, then on doc type + subject.
- ``subject``: the words after a subject cue ("granskning av ...s arbete mot", "Motion om",
  "Yttrande över"), looked for in the title first; a plan's subject is its title.
"""

from __future__ import annotations

import re
from functools import cache

from ingest.folding import fold_for_matching
from ingest.labels import parse_item
from ingest.metadata.lead import Line, folded_words, lead_end, lines
from ingest.metadata.letterhead import Letterhead
from ingest.metadata.organs import is_organ
from ingest.metadata.text import DocText, find_dates, furniture_vocabulary, phrase_pattern
from ingest.model import Block
from ingest.tables import load_table

_TRAILING_DNR = re.compile(r"\s*[,–-]?\s*(?i:dnr|diarienummer|diarienr|ärendenummer)\.?:?\s*(?:\S+\s+){0,2}\S*\d\S*\s*$")
# "Anna Berg, handläggare", "Anna Berg handläggare", "Anna Berg Avdelningschef"
_PERSON = re.compile(r"^[A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+){1,3}(?:,\s+[a-zåäö]|\s+[A-ZÅÄÖa-zåäö][a-zåäö]*"
                     r"(?:chef|direktör|sekreterare|handläggare|ordförande|strateg|utredare|samordnare|controller|ekonom)\b)")
_PHONE_OR_MAIL = re.compile(r"\S@\S|(?<!\d)0\d{1,3}-\d{2,3}(?: \d{2,3}){1,3}|https?://|www\.")


@cache
def _folded_set(key: str) -> frozenset[str]:
    return frozenset(folded_words(x) for x in load_table("metadata")["title"][key])


@cache
def _cue_patterns() -> list[re.Pattern[str]]:
    return [phrase_pattern(c, "^") for c in load_table("metadata")["title"]["cues"]]


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" -–—:;,.")
    text = re.sub(r"\s+[-–—]\s+", " – ", text)
    text = re.sub(r"^§(\d)", r"§ \1", text)
    return text


def _has_cue(text: str) -> bool:
    f = fold_for_matching(text)
    return any(p.search(f) for p in _cue_patterns())


def _is_form_line(text: str) -> bool:
    """"YTTRANDE", "Granskningsrapport 2024:3", "Motion till kommunfullmäktige",
    "Uppföljande yttrande till kommunrevisionen": the document's form, not its matter."""
    vocab = furniture_vocabulary()
    words = folded_words(re.sub(r"[\d:./()§–-]+", " ", text)).split()
    if not words:
        return True
    if all(w in vocab for w in words):
        return True
    if "tall" in words:  # "till": <form> till <addressee>
        i = words.index("tall")
        head, rest = words[:i], " ".join(words[i + 1:])
        if _MATTER_AFTER.search(rest):
            return False  # "Yttrande till kommunens revisorer om granskning av ...": names the matter
        return bool(head) and all(w in vocab for w in head) and (is_organ(rest) or _is_addressee(rest))
    return False


# Prepositions that go on from the addressee to the matter (folded: om, över, angående, avseende,
# rörande, gällande, med anledning av, beträffande).
_MATTER_AFTER = re.compile(r"(?:^| )(?:am|avar|angaanda|avsaanda|raranda|gallanda|anladnang|batraffanda) ")


def _is_addressee(folded: str) -> bool:
    return bool(re.fullmatch(r"(?:[a-z]+ )?(?:ravasararna|ravasarar|[a-z]*ravasanan|[a-z]*fallmaktaga)(?: .*)?", folded))


_SIGNATURE = re.compile(r"(?:^|\s)[A-ZÅÄÖ]?[a-zåäö]+(?:chef|direktör|sekreterare|handläggare|ordförande|strateg),\s+"
                        r"[A-ZÅÄÖ][\w-]+\s+[A-ZÅÄÖ][\w-]+")
# A report's numbered heading: "4.6 Förändringar i taxor", "1 Sammanfattning" (OCR repair may have
# read the "1" as "i").
_REPORT_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}|[il])\s+(?=[A-ZÅÄÖ])")


_UNIT_WORD = re.compile(r"(?i)\w*(?:förvaltning|enhet|kansli|kontor|avdelning|sektion)(?:en|et)?\b")


def _debris(text: str) -> bool:
    """OCR debris: most of the line's tokens are not words ("HÅI -Klllfifl, V :'.li, I- ...")."""
    tokens = text.split()
    bad = sum(1 for t in tokens if not re.fullmatch(r"[(\"'«»]*[^\W\d_]+(?:[-:][^\W\d_]+)*[)\"'«».,;:!?]*|[\d().,:/§–-]+", t))
    return len(tokens) >= 4 and bad * 2 > len(tokens)


def _excluded(line: Line, organ_lines: set[int], doc: DocText) -> bool:
    text = line.text
    f = folded_words(text)
    if line.start in organ_lines or not re.search(r"[^\W\d_]{2}", text):
        return True
    if _SIGNATURE.search(text) or _REPORT_HEADING.match(text) or _debris(text):
        return True
    if len(text.split()) <= 4 and _UNIT_WORD.search(text):
        return True  # "Central förvaltning Ledningsenhet": a unit of the sender
    if f in _folded_set("labels") or f in _folded_set("web_furniture") or any(f.startswith(w + " ") for w in _folded_set("web_furniture")):
        return True
    first = f.split()[0] if f else ""
    if first in ("tall", "kapaa") or f.startswith("far kannadam"):
        return True
    if re.match(r"^[\w ]{2,25}:", text) and first in furniture_vocabulary():
        return True  # "Vår referens: ...", "Datum: ..."
    if first in _folded_set("units") or "..." in text or "…" in text:
        return True  # a unit ("Avdelningen för ..."), a table of contents
    if len(text.split()) <= 5 and (find_dates(text) or _month_year_line(text)):
        return True  # "Stockholm den 20 december 2023", "Lund, april 2024"
    if _PERSON.match(text) or _PHONE_OR_MAIL.search(text) or is_organ(text) or _is_form_line(text):
        return True
    from ingest.metadata.municipality import bodies_in

    if any(e - s >= len(text.rstrip(" ,")) - 2 for s, e, _, _ in bodies_in(text)):
        return True  # "Västerås stad", "Region Skåne"
    if any(len(text[:s].split()) <= 2 and re.match(r"\s+[A-ZÅÄÖ]", text[e:]) for s, e, _, _ in bodies_in(text)):
        return True  # "Landstinget KIL Central förvaltning Ledningsenhet": the sender's letterhead line
    return bool(re.fullmatch(r"[\W\d]+", text))


def _section_at(doc: DocText, offset: int) -> bool:
    """Whether a section heading starts at ``offset`` (where the lead ended)."""
    from ingest.metadata.lead import _is_section_start

    nxt = lines(doc, offset, min(len(doc.text), offset + 200))
    return bool(nxt) and _is_section_start(nxt[0], doc)


def _month_year_line(text: str) -> bool:
    from ingest.metadata.dating import month_year_line

    return month_year_line(text)


def _continued(doc: DocText, line: Line, max_chars: int) -> str:
    """The line, with the next line of its block when the title wraps onto it (it starts in
    lower case, or the line ends in a word that cannot end a title)."""
    text = line.text
    nl = doc.text.find("\n", line.end, line.end + 2)
    if nl == line.end:
        nxt_end = doc.text.find("\n", line.end + 1)
        nxt = doc.text[line.end + 1: nxt_end if nxt_end >= 0 else len(doc.text)].strip()
        if nxt and (nxt[:1].islower() or re.search(r"\b(?:och|av|för|i|om|till|med|på|inom)$", text)) \
                and len(text) + len(nxt) < max_chars and not find_dates(nxt):
            text = f"{text} {nxt}"
    return text


@cache
def _leading_labels() -> re.Pattern[str]:
    labels = sorted({folded_words(x) for x in load_table("metadata")["lead"]["labels"] if len(x) > 3}, key=len, reverse=True)
    return re.compile(r"^(?:(?:" + "|".join(re.escape(x) for x in labels) + r") +)+")


def _without_label(line: Line) -> Line:
    """The line without letterhead labels in front of it whose values the copy lost ("Datum
    Yttrande över förslaget ..."), when at least two words remain."""
    f = fold_for_matching(line.text)
    m = _leading_labels().match(f)
    if not m or not line.text[:1].isupper():
        return line
    rest = line.text[m.end():]
    if len(rest.split()) < 2 or not rest[:1].isupper():
        return line
    return Line(line.start + m.end(), line.end, rest)


def _after_dash(doc: DocText, line: Line, title: str, organ_lines: set[int], max_chars: int) -> str:
    """A title line that goes on with a dash ("– granskning av verksamhetsåret 2031") takes the
    line before it ("Gatunämnden"), which names what the matter is about."""
    if not re.match(r"^[–—•-]\s", line.text):
        return title
    before = [x for x in lines(doc, max(doc.body_start, line.start - 300), line.start) if x.end <= line.start]
    if not before:
        return title
    prev = before[-1].text
    if find_dates(prev) or _month_year_line(prev) or len(prev) + len(title) > max_chars or not re.search(r"[^\W\d_]{3}", prev):
        return title
    rest = re.sub(r"^[–—•-]\s*", "", line.text)
    return _tidy(f"{prev} – {rest}") if title else title


def _page_title(doc: DocText) -> str:
    """The first line of a copied web page's frame: the page's (and so the document's) title."""
    if not doc.body_start:
        return ""
    from ingest.metadata.lead import _frame_lines

    for line in lines(doc, 0, doc.body_start):
        if not _frame_lines().fullmatch(" ".join(line.text.split()).lower()):
            title = _tidy(line.text)
            form = _form_prefix().match(title)  # "Revisionsrapport: Personalförsörjning ..."
            return title[form.end():] if form and len(title[form.end():].split()) >= 2 else title
    return ""


def _page_title_in_body(doc: DocText, page: str, organ_lines: set[int]) -> bool:
    """Whether a copied page's own title reads as a title (a few words, one in lower case, no
    sentence, no letterhead or form line) and the document's first lines repeat it."""
    words = page.split()
    if len(words) < 3 or not any(w[:1].islower() and len(w) >= 3 for w in words[1:]) or re.search(r"[.!?] +[A-ZÅÄÖ]", page):
        return False
    if _excluded(Line(-1, -1, page), organ_lines, doc):
        return False
    return folded_words(page) in " ".join(fold_for_matching(doc.text[doc.body_start:doc.body_start + 3000]).split())


def _completed_by_page_title(doc: DocText, title: str, max_chars: int) -> str:
    """The page's own title when it starts with the title the text gives and goes on a little
    ("... räkenskaper och bokslut" / "... räkenskaper och bokslut 2031.")."""
    page = _page_title(doc)
    if not page or not title:
        return title
    ft, fp = folded_words(title), folded_words(page)
    if fp.startswith(ft) and 0 < len(fp.split()) - len(ft.split()) <= 3 and len(page) <= max_chars:
        return page
    return title


_TRAILING_COMPANY = re.compile(r"\s+[A-ZÅÄÖ][\w&-]*(?: [A-ZÅÄÖ&][\w&-]*)? AB$")  # "... KPMG AB": a byline


@cache
def _form_prefix() -> re.Pattern[str]:
    forms = sorted(load_table("metadata")["lead"]["forms"], key=len, reverse=True)
    return re.compile(r"(?i)^(?:" + "|".join(re.escape(f) for f in forms) + r")\b\s*:?\s+(?=[A-ZÅÄÖ])")


def _clean(title: str, max_chars: int) -> str:
    title = _TRAILING_DNR.sub("", title)
    title = _TRAILING_COMPANY.sub("", title)
    title = _tidy(title)
    if len(title) > max_chars:
        title = title[:max_chars].rsplit(" ", 1)[0]
    return title


def protocol_items(doc: DocText) -> list[tuple[str, str]]:
    """(number, title) of each § item, in order: "§ 87 Svar på ... Dnr SN 22/0143", or "§ 112
    Dnr KS 2023/00412" with its title on the next line (:func:`ingest.labels.parse_item`)."""
    out: dict[str, str] = {}
    all_lines = lines(doc)
    first_prefix: str | None = None
    for i, line in enumerate(all_lines):
        prefix = _ITEM_PREFIX.match(line.text)
        text = line.text[prefix.end():] if prefix else line.text
        item = parse_item(text)
        if not item or out.get(item[0]):
            continue  # a later line may give the title an earlier one lacked (a page's header "BUN § 83")
        # "BUN § 83": an organ's initials before the §; a § of another organ under the item
        # ("Au § 170", the arbetsutskott's) is a reference, not an item of this protocol
        tag = prefix.group(1) if prefix else ""
        if first_prefix is None:
            first_prefix = tag
        elif tag != first_prefix:
            continue
        number, rest = item
        if not re.search(r"[^\W\d_]{3}", rest) and i + 1 < len(all_lines):
            rest = (parse_item("§ 0 " + all_lines[i + 1].text) or ("", ""))[1]
            if _PHONE_OR_MAIL.search(rest) or re.match(r"^[\w ]{2,25}:", rest):
                rest = ""  # "Utskrivet från: http://...", a label: the page's furniture, not the item's title
        out[number] = rest
    return list(out.items())


def _protocol_word(doc: DocText) -> str:
    words = load_table("metadata")["title"]["protocol_words"]
    head = doc.folded[: max(lead_end(doc), doc.head_end)]
    found = []
    for w in words:
        m = re.search(r"(?<![a-z])" + re.escape(folded_words(w)) + r"(?![a-z])", head)
        if m:
            found.append((m.start(), w))
    return min(found)[1] if found else words[0]


_ITEM_PREFIX = re.compile(r"^([A-ZÅÄÖ][A-ZÅÄÖa-zåäö]{0,5})\s+(?=§)")
_AGENDA_ITEM = re.compile(r"(?m)^[ \t]*(\d{1,3})\.?[ \t]+[A-ZÅÄÖ]")


def _agenda_items(doc: DocText) -> int:
    """How many numbered matters the text lists ("1 Val av justerare", "2 Budget 2031", ...): a
    meeting's agenda, not a one-matter extract."""
    return len({m.group(1) for m in _AGENDA_ITEM.finditer(doc.text, doc.body_start)})


def protocol_title(doc: DocText, committee: str | None, date: str | None) -> tuple[str | None, str]:
    items = protocol_items(doc)
    if len(items) == 1 and items[0][1] and _agenda_items(doc) < 3:
        number, text = items[0]
        return _clean(f"§ {number} {text}", load_table("metadata")["title"]["max_chars"]), "title: the protocol's one § item"
    if committee:
        word = _protocol_word(doc)
        return f"{committee}, {word}" + (f" {date}" if date else ""), "title: a protocol's body and meeting date"
    return None, "title: a protocol without its body"


def _best_line(doc: DocText, blocks: list[Block], candidates: list[Line], organ_lines: set[int],
               before_section: int) -> tuple[int, int, Line] | None:
    """The candidate line that names the matter best: a matter phrase, a format heading, the
    line before the first section; the first on a tie."""
    best: tuple[int, int, Line] | None = None
    for order, line in enumerate(candidates):
        if _excluded(line, organ_lines, doc):
            continue
        words = line.text.split()
        if len(words) < 2 and not _has_cue(line.text):
            continue
        if not any((w[:1].islower() and len(w) >= 3) or re.search(r"-[a-zåäö]{3}", w) for w in words[1:]) \
                and not _has_cue(line.text):
            continue
        score = (10 if _has_cue(line.text) else 0) + (4 if blocks and blocks[min(doc.block_at(line.start), len(blocks) - 1)].heading else 0)
        score += 1 if line.start == before_section else 0
        if best is None or score > best[0]:
            best = (score, order, line)
    return best


def _after_headings(doc: DocText, start: int) -> list[Line]:
    """The short lines after ``start`` up to the first running prose, section headings skipped."""
    from ingest.metadata.lead import _is_section_start

    prose_words = load_table("metadata")["title"]["prose_words"]
    out = []
    for line in lines(doc, start, min(len(doc.text), start + 2000)):
        n = len(line.text.split())
        if n > prose_words or (n >= 6 and line.text.rstrip().endswith((".", "!", "?"))):
            break
        if not _is_section_start(line, doc):
            out.append(line)
    return out


def detect_title(blocks: list[Block], case_numbers: list[str] | None = None, *, doc: DocText | None = None,
                 letterhead: Letterhead | None = None) -> tuple[str | None, str]:
    """The line of the lead that names the matter (see the module docstring)."""
    from ingest.metadata.lead import doc_text

    doc = doc or doc_text(blocks)
    t = load_table("metadata")["title"]
    organ_lines: set[int] = set()
    if letterhead:
        for o in letterhead.organs:
            if o.where == "lead":
                for line in lines(doc, max(0, o.mention.start - 200), o.mention.end + 1):
                    if line.start <= o.mention.start < line.end + 1:
                        organ_lines.add(line.start)
    end = lead_end(doc)
    candidates = [_without_label(line) for line in lines(doc, doc.body_start, end)]
    # The line right before the first section heading ("Förslag till beslut") names the matter.
    before_section = candidates[-1].start if candidates and end < doc.head_end and _section_at(doc, end) else -1
    best = _best_line(doc, blocks, candidates, organ_lines, before_section)
    where = "of the lead"
    if best is None:  # a lead that is only a heading ("Bakgrund"): the lines before the running prose
        best, where = _best_line(doc, blocks, _after_headings(doc, end), organ_lines, -1), "before the running prose"
    page = _page_title(doc)
    if page and (best is None or best[0] < 10) and _page_title_in_body(doc, page, organ_lines):
        return _clean(page, t["max_chars"]), "title: the copied web page's own title, which the text repeats"
    if best is not None:
        title = _clean(_continued(doc, best[2], t["max_chars"]), t["max_chars"])
        title = _after_dash(doc, best[2], title, organ_lines, t["max_chars"])
        for c in case_numbers or []:
            if title.endswith(c):
                title = _tidy(title[: -len(c)])
        title = _completed_by_page_title(doc, title, t["max_chars"])
        if title:
            return title, f"title: {'a matter line' if best[0] >= 10 else 'the first title line'} {where}"
    for block in blocks:
        f = fold_for_matching(block.text)
        for ref in t["self_reference"]:
            m = phrase_pattern(ref).search(f)
            if m and m.start() < 4:
                rest = block.text[m.end():]
                if len(rest.split()) >= 3:
                    return _tidy(rest)[:1].upper() + _tidy(rest)[1:], "title: the document's own entry in Beslutsunderlag"
    page = _page_title(doc)
    if page and _has_cue(page):
        return _clean(page, t["max_chars"]), "title: the copied web page's own title"
    return None, "title: no title line"


def _subject_at(doc_text: str, folded: str) -> str | None:
    t = load_table("metadata")["subject"]
    for phrase in t["after"]:
        m = phrase_pattern(phrase).search(folded)
        if not m:
            continue
        rest = doc_text[m.end():]
        rest = re.split(r"[.;:!?\n(]|\s[-–—]\s", rest, maxsplit=1)[0]
        frest = fold_for_matching(rest)
        cut = len(rest)
        for stop in t["stop_words"]:
            sm = phrase_pattern(stop).search(frest)
            if sm:
                cut = min(cut, sm.start())
        words = rest[:cut].split()
        while words and words[0].lower() in t["drop_leading"]:
            words = words[1:]
        subject = re.sub(r"\s+(?:för\s+)?\d{4}(?:\s*[-–]\s*\d{4})?$", "", _tidy(" ".join(words)))
        if 1 <= len(subject.split()) <= 14:
            return subject
    return None


def detect_subject(doc: DocText, title: str | None, doc_type: str) -> tuple[str | None, str]:
    if title:
        s = _subject_at(title, fold_for_matching(title))
        if s:
            return s, "subject: from the title"
        if doc_type in ("handlingsplan", "uppföljning av handlingsplan"):
            return title, "subject: the plan's name (its title)"
    s = _subject_at(doc.text, doc.folded)
    if s:
        return s, "subject: from the text"
    if title:
        f = fold_for_matching(title)
        for prefix in load_table("metadata")["subject"]["title_prefixes"]:
            m = phrase_pattern(prefix, "^").search(f)
            if m:
                return _tidy(title[m.end():]), "subject: the title without its form"
        return title, "subject: the title"
    return None, "subject: not found"
