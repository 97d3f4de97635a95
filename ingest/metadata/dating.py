"""``date`` and ``year``: when the document was written.

- ``date``: the document's own date: a "Datum" label, "Malmö 2024-03-14", or a date standing
  alone near the top or at the end; never a date inside Beslutsplanering. ``year`` from it.
- ``year`` when no own date is stated (``date_inferred`` true): each year mention gets a
  tense from the words around it (dates.toml/metadata.toml). A year spoken of in the present
  ("Under 2025 arbetar") is the current year; otherwise the latest year spoken of in the
  past or perfect ("Under 2024 har", "genomfördes 2024") is, moved on by one when the text
  also plans for the next year ("under 2025 kommer"). Plans for years before the latest
  past one are OCR noise (2020 for 2026) and are ignored; a registry number's year is a
  lower bound. Without any of this: the file's creation date.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from functools import cache

from ingest import dates
from ingest.folding import fold_for_matching
from ingest.metadata.text import find_dates, parse_date
from ingest.model import Block
from ingest.tables import load_table


@cache
def _folded_set(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(" ".join(fold_for_matching(n).split()) for n in names)


def _is_heading_of(text: str, names: list[str]) -> bool:
    return " ".join(fold_for_matching(text).split()) in _folded_set(tuple(names))


def detect_date(blocks: list[Block]) -> tuple[str | None, str]:
    """The document's own date (see module docstring), or None."""
    t = load_table("metadata")["date"]
    label_names = {" ".join(fold_for_matching(x).split()): x.capitalize() for x in t["labels"]}
    labels = list(label_names)
    all_headings = load_table("metadata")["title"]["labels"]
    candidates: list[tuple[int, int, str, str]] = []
    skipping = False
    n = len(blocks)
    for i, block in enumerate(blocks):
        text = block.text.strip()
        if _is_heading_of(text, t["skip_sections"]):
            skipping = True
            continue
        if skipping and (_is_heading_of(text, all_headings) or block.heading):
            skipping = False
        if skipping:
            continue
        folded = " ".join(fold_for_matching(text).split())
        raw = block.raw or text
        for source in (text,) if raw == text else (text, raw):  # the same text gives the same candidates
            if folded in labels and i + 1 < n:
                found = find_dates(blocks[i + 1].text) or find_dates(blocks[i + 1].raw or "")
                if found and found[0].start < 3:
                    candidates.append((10, -i, found[0].iso, f"date: '{label_names[folded]}' label"))
            found = find_dates(source)
            # Folded once per text (fold keeps offsets), and each date looks only at the words
            # and the line just before it: folding the text before every date was quadratic.
            folded_source = fold_for_matching(source) if found else ""
            for d in found:
                label = _label_before(folded_source, d.start, labels)
                if label:
                    candidates.append((10, -i, d.iso, f"date: '{label_names[label]}' label"))
                elif (line := _place_and_date(source, d.start, d.end)) is not None:
                    candidates.append((9, -i, d.iso, f"date: place and date '{line}'"))
            iso = parse_date(source) if i < t["head_blocks"] or i >= n - t["tail_blocks"] else None
            if iso:
                where = "near the top" if i < t["head_blocks"] else "at the end"
                candidates.append((8 if i < t["head_blocks"] else 6, -i, iso, f"date: standing alone {where}"))
    if not candidates:
        return None, "date: none stated"
    best = max(candidates)
    return best[2], best[3]


_WORD = re.compile(r"\S+")
_PLACE = re.compile(r"\s*[A-ZÅÄÖ][\w-]+,?\s*(?:den\s*)?")
_LINE_REST = re.compile(r"[ .,]*(?:\n|\Z)")
PLACE_WINDOW = 80  # characters before a date searched for "Malmö den": more is never a place


def _label_before(folded: str, start: int, labels: list[str]) -> str | None:
    """The date label (folded, spaces collapsed) that the words just before ``start`` end with:
    "Datum", "Beslutsdatum:", "Malmö, datum" (a label preceded by other words counts too)."""
    longest = max((len(lab) for lab in labels), default=0)
    low = max(0, start - 4 * longest - 64)
    words = _WORD.findall(folded, low, start)
    if low > 0 and words and not folded[low - 1].isspace() and not folded[low].isspace():
        words = words[1:]  # the window cut the first word
    tail = " ".join(words)
    return next((lab for lab in labels if tail == lab or tail.endswith(" " + lab)), None)


def _place_and_date(source: str, start: int, end: int) -> str | None:
    """The line "Malmö den 14 mars 2024" when the date at ``start:end`` is all its line says
    after a place name, else None. Only a short stretch before the date is read."""
    low = max(0, start - PLACE_WINDOW)
    line_start = source.rfind("\n", low, start) + 1
    if line_start == 0 and low > 0:
        return None  # the line starts further back than any place and "den" reach
    if not _PLACE.fullmatch(source, line_start, start) or not _LINE_REST.match(source, end):
        return None
    return source[line_start:end].strip()


# Possessive and anchored at a run's start: linear on long runs without a full stop
# (the plain form retried from every position: 20 KB took 17 s).
_SENTENCE = re.compile(r"(?<![^.!?\n])[^.!?\n]++(?:[.!?]+|$)")


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
            window = {w for _, w in words[max(0, idx - t["window"]): idx + t["window"] + 1]}
            nxt = words[idx + 1][1] if idx + 1 < len(words) else ""
            prev = words[idx - 1][1] if idx > 0 else ""
            prev2 = words[idx - 2][1] if idx > 1 else ""
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


def infer_year(text: str, case_numbers: list[str], properties: dict) -> tuple[int | None, str]:
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
    case_years = [int(m.group(0)) for c in case_numbers for m in re.finditer(r"(?<!\d)(?:19|20)\d{2}(?!\d)", c)]
    if case_years and (year is None or max(case_years) > year):
        year, note = max(case_years), f"year: inferred from registry number year {max(case_years)}"
    if year is None and properties.get("created"):
        created = str(properties["created"])[:4]
        low, high = dates.year_range()
        if created.isdigit() and low <= int(created) <= high:  # not Word's empty 1601-01-01
            year, note = int(created), "year: from the file's creation date"
    return year, note or "year: unknown"
