"""``date`` and ``year``: when the document was written.

- ``date``: every date in the text is a candidate, scored by where it stands and what is
  written before it (metadata.toml ``[date]``): after a date label on its line or in the label
  row above ("Datum", "Sammanträdesdatum", "Utfärdat"); after a meeting cue ("Plats och tid:
  Stadshuset, onsdag den 12 oktober 2011"); after a place ("Örebro den 3 februari 2023", also
  at the end of flattened text); alone on a line near the top or at the end; at the end of a
  short letterhead line ("Revisorerna 2023-11-28"). A date right after a cue that it belongs
  to another document or event is no candidate ("revisionsrapport daterad ...", "ert brev
  daterat den ...", "Uppdaterad ...", "senast den ...", "Justeringens plats och tid"), and
  neither is any date inside a section of meetings ("Beslutsplanering"). The highest score
  wins, the earliest on a tie. Each candidate looks at a bounded window of text, so the rule
  is linear in the length of the document.
- ``year`` when no own date is stated (``date_inferred`` true): a place with a month ("Lund,
  april 2024") or a month and year alone in the lead gives it; otherwise each year mention gets
  a tense from the words around it (dates.toml/metadata.toml). A year spoken of in the present
  ("Under 2025 arbetar") is the current year; otherwise the latest year spoken of in the past or
  perfect ("Under 2024 har", "genomfördes 2024") is, moved on by one when the text also plans for
  the next year ("under 2025 kommer"). Plans for years before the latest past one are OCR noise
  (2020 for 2026) and are ignored; a registry number's year is a lower bound. Without any of
  this: the file's creation date.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from ingest import dates
from ingest.folding import fold_for_matching
from ingest.metadata.lead import doc_text, lead_end
from ingest.metadata.text import DocText, find_dates, furniture_vocabulary
from ingest.model import Block
from ingest.tables import load_table

WINDOW = 120  # characters looked at before a date


@dataclass(frozen=True)
class Candidate:
    score: float
    start: int
    iso: str
    rule: str
    text: str


def _words(text: str) -> str:
    return " ".join(fold_for_matching(text).split())


@cache
def _phrases(group: str) -> re.Pattern[str]:
    """One pattern for a [date] list of phrases over folded words, anchored at the end."""
    words = sorted({_words(p.rstrip("*")) + ("*" if p.endswith("*") else "") for p in load_table("metadata")["date"][group]},
                   key=len, reverse=True)
    parts = []
    for w in words:
        star = w.endswith("*")
        body = r" +".join(re.escape(x) for x in w.rstrip("*").split())
        parts.append(body + (r"[a-z]*" if star else ""))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")


def _ends_with(pattern: re.Pattern[str], folded_prefix: str) -> bool:
    """Whether the last match of ``pattern`` ends the (folded) text."""
    ends = [m.end() for m in pattern.finditer(folded_prefix)]
    return bool(ends) and not folded_prefix[ends[-1]:].strip()


def _skipped_spans(doc: DocText) -> list[tuple[int, int]]:
    """Spans of sections whose dates belong to meetings ("Beslutsplanering") up to the next heading."""
    t = load_table("metadata")
    skip = {_words(x) for x in t["date"]["skip_sections"]}
    headings = {_words(x) for x in t["title"]["labels"]} | {_words(x) for x in t["lead"]["section_starts"]}
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for s, block in zip(doc.starts, doc.blocks, strict=True):
        if len(block) > 60:
            continue
        key = _words(block)
        if key in skip:
            if start is None:
                start = s
        elif start is not None and key in headings:
            spans.append((start, s))
            start = None
    if start is not None:
        spans.append((start, len(doc.text)))
    return spans


def _line_before(text: str, start: int) -> tuple[str, int]:
    """The text before ``start`` on its line (at most WINDOW characters) and where it starts."""
    lo = max(0, start - WINDOW)
    nl = text.rfind("\n", lo, start)
    s = nl + 1 if nl >= 0 else lo
    return text[s:start], s


def _line_after(text: str, end: int) -> str:
    hi = min(len(text), end + WINDOW)
    nl = text.find("\n", end, hi)
    return text[end: nl if nl >= 0 else hi]


def _previous_line(text: str, line_start: int) -> str:
    if line_start <= 0 or text[line_start - 1] != "\n":
        return ""
    lo = max(0, line_start - 1 - WINDOW)
    nl = text.rfind("\n", lo, line_start - 1)
    return text[(nl + 1 if nl >= 0 else lo): line_start - 1]


@cache
def _label_words() -> frozenset[str]:
    return frozenset(w for x in load_table("metadata")["lead"]["labels"] for w in _words(x).split())


def _is_label_row(line: str) -> bool:
    """"Handläggare  Datum  Diarienummer": labels only, one of them a date label, no digits but
    a page number ("Datum Vår beteckning 2 (2)")."""
    line = re.sub(r"\d{1,3}\s*\(\d{1,3}\)", " ", line)
    words = _words(line).split()
    if not words or len(words) > 6 or re.search(r"\d", line):
        return False
    dated = any(_phrases("labels").fullmatch(w) for w in words)
    return dated and sum(w in _label_words() for w in words) >= max(1, len(words) - 1)


def _place(prefix: str) -> str | None:
    """"Örebro den " / "Lund, " at a line start, or after a sentence in flattened text."""
    m = re.search(r"(?:^|(?<=[.!?])\s+)\s*([A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+)?),?\s+(?:den\s+)?$", prefix)
    return m.group(1) if m else None


def candidates(doc: DocText) -> list[Candidate]:
    """Every date that may be the document's own, with its score and rule (see the module docstring)."""
    from ingest.metadata.municipality import municipality_named

    t = load_table("metadata")["date"]
    w = t["weights"]
    labels, meeting, foreign = _phrases("labels"), _phrases("meeting"), _phrases("foreign")
    skipped = _skipped_spans(doc)
    lead = lead_end(doc)
    n_blocks = len(doc.starts)
    head_limit = doc.starts[min(t["head_blocks"], n_blocks) - 1] + len(doc.blocks[min(t["head_blocks"], n_blocks) - 1]) if n_blocks else 0
    tail_start = doc.starts[max(0, n_blocks - t["tail_blocks"])] if n_blocks else 0
    tail_start = max(tail_start, len(doc.text) - t["tail_chars"]) if n_blocks == 1 else tail_start
    out: list[Candidate] = []
    furniture = _furniture()
    for d in find_dates(doc.text):
        prefix, line_start = _line_before(doc.text, d.start)
        own = _OWN_FORM_BEFORE.search(prefix)
        if own:  # "förvaltningens tjänsteutlåtande daterat den 10 oktober 2031": this very document
            out.append(Candidate(w["self_reference"], d.start, d.iso, "the document's own form dated",
                                 f"{own.group(0).strip()} {doc.text[d.start:d.end]}"))
            continue
        if any(a <= d.start < b for a, b in skipped):
            continue
        if d.form == "written" and _SERIAL_BEFORE.search(prefix):
            continue  # "Nr 4 Mars 2013": a report's number and month, not a day
        prev = _previous_line(doc.text, line_start)
        fprefix = _words(prefix)
        fprev = _words(prev)
        sentence = _words(prefix[_sentence_start(prefix):])  # a cue counts within the date's own sentence
        cut = line_start in doc.cuts  # a line cut out of flattened text goes on from the line above
        cue_text = sentence[-t["foreign_window"]:] if fprefix.strip() else \
            fprev[-t["foreign_window"]:] if (len(fprev.split()) <= 3 or cut) else ""
        if _foreign(foreign, labels, cue_text):
            continue
        after = _line_after(doc.text, d.end)
        rest_empty = not re.search(r"[^\W\d_]", after) or bool(_TIME_AFTER.fullmatch(after))
        rest_furniture = rest_empty or _only_furniture(after)
        line = (prefix + doc.text[d.start:d.end] + after).strip()
        in_lead = d.start < lead
        near_top = in_lead or d.start < head_limit
        at_end = d.start >= tail_start
        n_prefix = len(fprefix.split())
        place = _place(prefix)
        organ_after_label = _without_trailing_name(prefix)
        if n_prefix and (n_prefix <= 4 or _capital_label(prefix)) and _ends_with(labels, fprefix):
            out.append(Candidate(w["label"], d.start, d.iso, "date label", line))
        elif organ_after_label and _ends_with(labels, _words(organ_after_label)):
            # "Organ och sammanträdesdatum Kommunstyrelsen 2031-09-09": the labels' values in a row
            out.append(Candidate(w["label"], d.start, d.iso, "date label before an organ's name", line))
        elif not n_prefix and prev and labels.fullmatch(fprev.rstrip(": ")):
            out.append(Candidate(w["label"], d.start, d.iso, "date label on the line above", f"{prev.strip()} / {line}"))
        elif near_top and (meeting.match(fprefix) or (in_lead and n_prefix <= 5 and meeting.search(fprefix))
                           or (in_lead and _after_weekday(fprefix))):
            out.append(Candidate(w["meeting"], d.start, d.iso, "meeting", line))
        elif prev and n_prefix <= 4 and _is_label_row(prev):
            out.append(Candidate(w["label_row"], d.start, d.iso, "under the date label of a label row", f"{prev.strip()} / {line}"))
        elif not n_prefix and in_lead and _label_row_above(doc.text, line_start):
            # "Datum Vår beteckning" / handläggare, unit, e-mail / "2031-08-28 SN 31/0098": the
            # letterhead's values after its other lines
            out.append(Candidate(w["label_row"] - 1, d.start, d.iso, "in the values of a label row above", line))
        elif place and _words(place) not in furniture and (near_top or at_end or municipality_named(place)):
            known = municipality_named(place) is not None
            out.append(Candidate(w["place"] if known else w["place_unknown"], d.start, d.iso, "place and date",
                                 f"{place} {doc.text[d.start:d.end]}"))
        elif not fprefix.replace("den", "").strip() and rest_empty and (near_top or at_end):
            out.append(Candidate(w["alone_top"] if near_top else w["alone_end"], d.start, d.iso,
                                 "standing alone " + ("near the top" if near_top else "at the end"), line))
        elif in_lead and rest_furniture and n_prefix <= 4 and _only_furniture(prefix, organs=True):
            out.append(Candidate(w["letterhead"], d.start, d.iso, "at the end of a letterhead line", line))
    return out


@cache
def _weekdays() -> frozenset[str]:
    return frozenset(_words(w) for w in load_table("metadata")["date"]["weekdays"])


def _after_weekday(fprefix: str) -> bool:
    """"... onsdagen den ": a weekday right before the date (a meeting's day)."""
    words = [w for w in fprefix.split() if w != "dan"]
    return bool(words) and words[-1] in _weekdays()


def _capital_label(prefix: str) -> bool:
    """Whether the word right before the date is written as a label ("... Sammanträdesdatum")."""
    words = prefix.rstrip(" :").split()
    return bool(words) and words[-1][:1].isupper()


_BODY_WORDS = frozenset(_words(w) for w in ("kommun", "stad", "region", "landsting"))


def _only_furniture(text: str, organs: bool = False) -> bool:
    """Whether ``text`` holds only letterhead furniture: form words, labels, case and page
    numbers (and, with ``organs``, any capitalised name: "Revisorerna", "Socialtjänsten")."""
    from ingest.metadata.case_numbers import case_number_spans

    for s, e, _ in case_number_spans(text)[::-1]:
        text = text[:s] + " " + text[e:]
    furniture = _furniture()
    for word in re.findall(r"[^\W\d_][\w-]*", text):
        if _words(word) in furniture or (organs and (word[:1].isupper() or _words(word) in _BODY_WORDS)):
            continue
        return False
    return True


_SERIAL_BEFORE = re.compile(r"(?i)(?<![\w])(?:nr|nummer|no)\.?\s*$")
# The document's own form, dated, in its decision text or its Beslutsunderlag.
_OWN_FORM_BEFORE = re.compile(r"(?i)(?<![\w-])(?:tjänsteskrivelse|tjänsteutlåtande)(?:n|t|ns|ts)?,?\s+(?:(?:daterad|daterat)\s+)?(?:den\s+)?$")
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÅÄÖ])")


def _sentence_start(prefix: str) -> int:
    """Where the date's own sentence starts in the text before it (0: the whole prefix)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(prefix)]
    return ends[-1] if ends else 0


def _foreign(foreign: re.Pattern[str], labels: re.Pattern[str], cue_text: str) -> bool:
    """Whether a cue that the date is another document's stands before it, with no date label
    after that cue ("... genom anslag Organ och sammanträdesdatum Kommunstyrelsen")."""
    last = [m.end() for m in foreign.finditer(cue_text)]
    if not last:
        return False
    return not any(m.start() >= last[-1] for m in labels.finditer(cue_text))


_TRAILING_NAME = re.compile(r"\s+((?:[A-ZÅÄÖ][\w-]*\s+)?(?:(?:och\s+)?[\w-]*(?:[Nn]ämnd|[Ss]tyrelse|[Uu]tskott|[Ff]ullmäktige|NÄMND|STYRELSE)\w*\s*){1,2})$")


def _without_trailing_name(prefix: str) -> str:
    """The text before the date without the organ's name that ends it ("Organ och
    sammanträdesdatum Kommunstyrelsen " -> "Organ och sammanträdesdatum"), or "" when none does
    (a person's name there belongs to a label row's handläggare)."""
    m = _TRAILING_NAME.search(prefix)
    return prefix[:m.start()] if m and m.start() > 0 else ""


def _label_row_above(text: str, line_start: int) -> bool:
    """A row of labels with a date label within the few short letterhead lines above this one."""
    pos = line_start
    for _ in range(load_table("metadata")["date"]["label_row_reach"]):
        prev = _previous_line(text, pos)
        if not prev.strip():
            if pos > 1 and text[pos - 2:pos] == "\n\n":
                pos -= 1  # a blank line between
                prev = _previous_line(text, pos)
            if not prev.strip():
                return False
        if _is_label_row(prev):
            return True
        if len(prev.split()) > 6 or find_dates(prev):
            return False
        pos = text.rfind("\n", 0, pos - 1) + 1
    return False
_TIME_AFTER = re.compile(r"\s*,?\s*(?:kl\.?|klockan)\s*\d.*", re.IGNORECASE)


@cache
def _furniture() -> frozenset[str]:
    return furniture_vocabulary()


def detect_date(source: DocText | list[Block]) -> tuple[str | None, str]:
    """The document's own date (see the module docstring), or None."""
    doc = source if isinstance(source, DocText) else doc_text(source)
    found = candidates(doc)
    if not found:
        return None, "date: none stated"
    best = max(found, key=lambda c: (c.score, -c.start))
    return best.iso, f"date: {best.rule} '{best.text[:80]}'"


# ---------------------------------------------------------------- year


# Possessive and anchored at a run's start: linear on long runs without a full stop
# (the plain form retried from every position: 20 KB took 17 s).
_SENTENCE = re.compile(r"(?<![^.!?\n])[^.!?\n]++(?:[.!?]+|$|(?=\n))")


def classify_years(text: str) -> list[tuple[int, str]]:
    """``(year, tense)`` for each year mention; tense is past, present, future or neutral."""
    t = load_table("metadata")["year"]
    past = {fold_for_matching(w).strip() for w in t["past"]}
    future = {fold_for_matching(w).strip() for w in t["future"]}
    present = {fold_for_matching(w).strip() for w in t["present_after_under"]}
    out = []
    for sentence in _SENTENCE.finditer(text.replace("\n\n", ".\n")):
        s = sentence.group(0)
        words = [(m.start(), fold_for_matching(m.group(0))) for m in re.finditer(r"[\w:]+", s)]
        offsets = [p for p, _ in words]
        for year, start, _ in dates.find_years(s):
            idx = bisect_left(offsets, start)  # the first word at or after the year
            lo, hi = max(0, idx - t["window"]), min(len(words), idx + t["window"] + 1)
            window = {w for _, w in words[lo:hi]}
            prev = words[idx - 1][1] if idx > 0 else ""
            prev2 = words[idx - 2][1] if idx > 1 else ""
            nxt = words[idx + 1][1] if idx + 1 < len(words) else ""
            under = prev == "andar" or prev2 == "andar"
            if under and nxt in present:
                tense = "present"
            elif under and nxt in past:
                tense = "past"
            elif window & future:
                tense = "future"
            elif window & past:
                tense = "past"
            else:
                tense = "neutral"
            out.append((year, tense))
    return out


@cache
def _month_year() -> re.Pattern[str]:
    names = sorted(dates.months(), key=len, reverse=True)
    place = r"(?:[A-ZÅÄÖ][\w-]+(?:\s+(?:[Kk]ommun|[Ss]tad|[A-ZÅÄÖ][\w-]+))?,?\s+(?:i\s+)?)?"
    return re.compile(r"^" + place + r"(?:" + "|".join(re.escape(n) for n in names) + r")\.?\s+((?:19|20)\d{2})\s*$",
                      re.IGNORECASE)


def month_year_line(line: str) -> bool:
    """"Lund, april 2024", "Mars 2023", "Kils kommun Maj 2031": a month and year (and a place)
    on a line of their own."""
    return bool(_month_year().match(line.strip()))


def stated_year(doc: DocText) -> tuple[int | None, str]:
    """A year the document states without a day: "Lund, april 2024" or "Mars 2023" on a line
    of its own near the top or at the end."""
    t = load_table("metadata")["date"]
    n = len(doc.starts)
    picks = list(range(min(t["head_blocks"], n))) + list(range(max(0, n - t["tail_blocks"]), n))
    for i in dict.fromkeys(picks):
        start = doc.starts[i]  # the block as relineated ("... Kils kommun" / "Maj 2031" / ...)
        for line in doc.text[start:start + len(doc.blocks[i])].splitlines()[:8]:
            m = _month_year().match(line.strip())
            if m:
                low, high = dates.year_range()
                if low <= int(m.group(1)) <= high:
                    return int(m.group(1)), f"year: stated with its month '{line.strip()}'"
    return None, ""


# Registry numbers with a two-digit year: "0256/31" (serial/year), "SN 31/0098", "N152-0412/31",
# "31KFN112".
_TWO_DIGIT_YEAR = (
    re.compile(r"^\d{1,6}/(\d{2})$"),
    re.compile(r"^[A-ZÅÄÖ]{2,6} (\d{2})/\d{3,6}$"),
    re.compile(r"^[A-ZÅÄÖ]{1,3}\d{2,4}-\d{2,6}/(\d{2})$"),
    re.compile(r"^(\d{2})[A-ZÅÄÖ]{2,5}\d{1,5}$"),
)


def case_number_years(number: str) -> list[int]:
    """The years a registry number carries: four digits anywhere, or two in a form that puts
    the year there ("0256/31" -> 2031).

    >>> case_number_years("KS 2024/181"), case_number_years("0256/20"), case_number_years("SN 18/0098")
    ([2024], [2020], [2018])
    """
    years = [int(m.group(0)) for m in re.finditer(r"(?<!\d)(?:19|20)\d{2}(?!\d)", number)]
    if years:
        return years
    low, high = dates.year_range()
    for pattern in _TWO_DIGIT_YEAR:
        m = pattern.match(number.strip())
        if m and low <= 2000 + int(m.group(1)) <= high:
            return [2000 + int(m.group(1))]
    return []


def infer_year(text: str, case_numbers: list[str], properties: dict, doc: DocText | None = None) -> tuple[int | None, str]:
    if doc is not None:
        year, note = stated_year(doc)
        if year:
            return year, note
    mentions = classify_years(text)
    present = [y for y, t in mentions if t == "present"]
    past = [y for y, t in mentions if t == "past"]
    planned = {y for y, t in mentions if t in ("future", "present")}
    year, note = None, ""
    if present:
        year = max(max(present), max(past, default=0))
        note = f"year: inferred from the present tense 'under {max(present)}'"
    elif past:
        latest = max(past)
        if latest + 1 in planned:
            year, note = latest + 1, f"year: inferred from latest past year {latest} and plans for {latest + 1}"
        else:
            year, note = latest, f"year: inferred from latest past-tense year {latest}"
    elif mentions:
        counts: dict[int, int] = defaultdict(int)
        for y, _ in mentions:
            counts[y] += 1
        year = max(counts, key=lambda y: (counts[y], y))
        note = f"year: inferred as the year most spoken of ({year})"
    case_years = [y for c in case_numbers for y in case_number_years(c)]
    if case_years and (year is None or max(case_years) > year):
        year, note = max(case_years), f"year: inferred from registry number year {max(case_years)}"
    if year is None and properties.get("created"):
        created = str(properties["created"])[:4]
        low, high = dates.year_range()
        if created.isdigit() and low <= int(created) <= high:  # not Word's empty 1601-01-01
            year, note = int(created), "year: from the file's creation date"
    return year, note or "year: unknown"
