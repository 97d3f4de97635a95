"""``case_numbers``: the document's registry numbers (diarienummer), in every local form.

Each form is a row of metadata.toml ``[[case_numbers.forms]]`` with the numbers it must and
must not find: ``KS 2025/181``, ``SN/2017:18``, ``KS-2014/742.912``, ``2016/0166 KS-2``,
``N152-0412/19``, ``24KFN45``, ``8.5-29206/2014``... A number after a label (``Dnr``,
``Diarienummer``, ``Ärendenummer``, ``Vår beteckning``), or in the column under such a label,
may take any shape that holds a digit (``Dnr 2022.2187``), and so may the numbers listed after
it ("Dnr 7-742-2031 och 5-744-2031"). Numbers are kept as printed (white
space made single), without their label; dates, page numbers and the references of laws and
official reports (SFS, SOU, Ds) are not case numbers.

:func:`case_number_keys` gives the forms the ``dnr:`` filter matches: case, spaces, hyphens and
slashes ignored, with and without a suffix (``KS-2014/742.912`` is found as ``ks 2014/742``).
"""

from __future__ import annotations

import re
from functools import cache

from ingest import dates
from ingest.tables import load_table


@cache
def _forms() -> list[tuple[str, re.Pattern[str]]]:
    return [(f["name"], re.compile(f["pattern"])) for f in load_table("metadata")["case_numbers"]["forms"]]


@cache
def _labelled() -> re.Pattern[str]:
    t = load_table("metadata")["case_numbers"]
    labels = "|".join(sorted((re.escape(x).replace(r"\ ", r"\s+") for x in t["labels"]), key=len, reverse=True))
    return re.compile(r"(?i:(?<![\w])(?:" + labels + r"))\.?:?[ \t]*(?:\n[ \t]*)?(?P<num>" + t["labelled_value"] + r")")


@cache
def _label_row() -> re.Pattern[str]:
    t = load_table("metadata")["case_numbers"]
    labels = "|".join(re.escape(x) for x in t["labels"] if " " not in x)
    return re.compile(r"(?i)(?<![\w])(?:" + labels + r")(?![\w])")


@cache
def _not_prefixes() -> frozenset[str]:
    return frozenset(p.upper() for p in load_table("metadata")["case_numbers"]["not_prefixes"])


def _plausible(num: str) -> bool:
    """Not a date, a bare year, a law or report reference, a page or a time."""
    if not re.search(r"\d", num):
        return False
    prefix = re.match(r"[A-ZÅÄÖa-zåäö]+", num)
    if prefix and prefix.group(0).upper() in _not_prefixes():
        return False
    core = re.sub(r"^[A-ZÅÄÖ]+[ -/]?", "", num)
    if dates.parse_date(core) or dates.find_dates(num):
        return False
    if re.fullmatch(r"(?:19|20)\d{2}", num) or re.fullmatch(r"\d{1,3}", num):
        return False
    return not re.fullmatch(r"\d{1,2}[.:]\d{2}(?:[-–]\d{1,2}[.:]\d{2})?", num)  # kl. 13.00-15.30


# A further number after a labelled one: ", 2031/88" or " och 2031/88" (digits on both sides of a sign).
_MORE = re.compile(r"(?:,| och| samt) (?P<num>(?:[A-ZÅÄÖ]{1,6}[ /-]?)?\d[\d./:-]*[./:-]\d+)(?![\w/])")


def _tidy(num: str) -> str:
    return re.sub(r"\s+", " ", num).strip(" .,;:")


def case_number_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, number) for every registry number in ``text``, in reading order, no overlaps."""
    found: list[tuple[int, int, str]] = []
    taken = bytearray(len(text))  # characters already in a number: overlaps refused in linear time

    def add(s: int, e: int, num: str) -> None:
        inner = dates.find_dates(text[s:e])
        if inner and inner[0].start > 0:  # "Dnr SN 2019/31 2019-02-12": the date is not part of it
            e = s + inner[0].start
            num = text[s:e]
        num = _tidy(num)
        e = s + len(text[s:e].rstrip(" .,;:"))
        if taken.find(1, s, e) >= 0 or not _plausible(num):
            return
        taken[s:e] = b"\x01" * (e - s)
        found.append((s, e, num))

    for m in _labelled().finditer(text):
        add(m.start("num"), m.end("num"), m.group("num"))
        pos = m.end("num")
        while more := _MORE.match(text, pos):  # "Dnr 7-742-2031 och 5-744-2031": every number the label lists
            add(more.start("num"), more.end("num"), more.group("num"))
            pos = more.end("num")
    for _, pattern in _forms():
        for m in pattern.finditer(text):
            add(m.start("num"), m.end("num"), m.group("num"))
    _column_values(text, add)
    return sorted(found)


_COLUMN_VALUE = re.compile(r"(?<![\w/.:-])(?:[A-ZÅÄÖ]{1,6}[ /-]?)?\d[\w./:-]*\d(?:[ -][A-ZÅÄÖ]{1,5}(?:-\d{1,3})?)?(?![\w/-])")


def _column_values(text: str, add) -> None:
    """The value under a "Diarienummer"/"Dnr" label in a row of labels ("Datum  Dnr" over
    "2023-10-17  2023.1842"): the next line's value that is not a date."""
    row = _label_row()
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0)
        if len(line.split()) > 6 or not row.search(line):
            continue
        rest = row.sub("", line)
        if re.search(r"[\d]", rest) or len(rest.split()) > 3:
            continue  # labels only (and a word or two such as "Datum", "Handläggare")
        nxt = re.match(r"\n[ \t]*([^\n]+)", text[m.end():m.end() + 200])
        if not nxt:
            continue
        base = m.end() + nxt.start(1)
        value_line = nxt.group(1)
        taken = [(d.start, d.end) for d in dates.find_dates(value_line)]
        for v in _COLUMN_VALUE.finditer(value_line):
            if any(v.start() < e and s < v.end() for s, e in taken):
                continue
            add(base + v.start(), base + v.end(), v.group(0))


def find_case_numbers(text: str) -> list[str]:
    """Registry numbers in reading order, as printed (the first way), without duplicates."""
    out: dict[str, str] = {}
    for _, _, num in case_number_spans(text):
        out.setdefault(case_number_key(num), num)  # "KS-2014/742" and "KS 2014/742" are one
    return list(out.values())


# ---------------------------------------------------------------- search keys

_SUFFIXES = (
    re.compile(r"(?<=\d)[.:]\d{1,4}$"),  # KS-2014/742.912, BUN 2009/193:04
    re.compile(r"(?<=\d)(?:[ -]|(?<=\d))[A-ZÅÄÖa-zåäö]{1,5}(?:-\d{1,3})?$"),  # 2016/0166 KS-2, 2011/430-KS
)


def case_number_key(value: str) -> str:
    """A number as the ``dnr:`` filter compares it: lower case, letters and digits only.

    >>> case_number_key("KS 2025/181") == case_number_key("ks-2025-181")
    True
    """
    return re.sub(r"[\W_]+", "", value.casefold())


def case_number_keys(value: str, bare: bool = True) -> list[str]:
    """The keys a stored number is found by: whole, without its suffix, and (for a number with a
    year, unless ``bare`` is false) without its letter prefix.

    >>> case_number_keys("KS-2014/742.912")
    ['ks2014742912', 'ks2014742', '2014742912', '2014742']
    """
    forms = [value.strip()]
    core = forms[0]
    for pattern in _SUFFIXES:
        stripped = pattern.sub("", core)
        if stripped != core and re.search(r"\d", stripped):
            core = stripped.rstrip(" -")
            forms.append(core)
    for form in list(forms) if bare else []:
        stripped = re.sub(r"^[A-ZÅÄÖa-zåäö]{1,6}[ /-]?(?=\d)", "", form)
        if stripped != form and re.search(r"(?:19|20)\d{2}", stripped) and len(re.sub(r"\D", "", stripped)) >= 5:
            forms.append(stripped)
    out: dict[str, None] = {}
    for f in forms:
        key = case_number_key(f)
        if key:
            out.setdefault(key, None)
    return list(out)
