"""``title`` (titel) and ``subject`` (ärendet): what the document is called and what it is about.

- ``title``: the first short sentence-case line before the running prose that is not a
  letterhead label; else the document's own entry in the list of decision documents
  ("G-Tjänsteskrivelse - ..."). :func:`ingest.metadata.extract_metadata` falls back on the
  file's title property, then on doc type + subject.
- ``subject``: the words after a subject cue ("granskning av ...s arbete mot", "Motion om",
  "Yttrande över"), looked for in the title first; a plan's subject is its title.
"""

from __future__ import annotations

import re

from ingest.folding import fold_for_matching
from ingest.metadata.organs import is_organ
from ingest.metadata.text import DocText, find_dates, phrase_pattern
from ingest.model import Block
from ingest.tables import load_table


def _looks_like_title(text: str, labels: set[str], max_words: int) -> bool:
    words = text.split()
    if not 2 <= len(words) <= max_words or text.rstrip().endswith((".", ":", ",", ";")):
        return False
    if " ".join(fold_for_matching(text).split()) in labels or "@" in text:
        return False
    if find_dates(text) or re.fullmatch(r"[\W\d]+", text) or is_organ(text):
        return False
    if re.fullmatch(r"[A-ZÅÄÖ][\w-]+s? (?:stad|kommun)", text.strip()):
        return False
    return any(w[:1].islower() and len(w) >= 3 and w.isalpha() for w in words[1:])


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" -–—:;,.")
    text = re.sub(r"\s+[-–—]\s+", " – ", text)
    return text


def detect_title(blocks: list[Block], case_numbers: list[str]) -> tuple[str | None, str]:
    t = load_table("metadata")["title"]
    labels = {" ".join(fold_for_matching(x).split()) for x in t["labels"]}
    for block in blocks:
        text = block.text.strip()
        for line in text.splitlines() or [text]:  # lines cleaning kept apart are letterhead lines
            line = re.sub(r"^§\s*\d+\s*", "", line.strip())
            if _looks_like_title(line, labels, t["max_words"]):
                for c in case_numbers:
                    line = line.replace(c, "")
                return _tidy(line), "title: first title line"
        if len(text.split()) > t["prose_words"]:
            break
    for block in blocks:
        f = fold_for_matching(block.text)
        for ref in t["self_reference"]:
            m = phrase_pattern(ref).search(f)
            if m and m.start() < 4:
                rest = block.text[m.end():]
                if len(rest.split()) >= 3:
                    return _tidy(rest)[:1].upper() + _tidy(rest)[1:], "title: the document's own entry in Beslutsunderlag"
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
