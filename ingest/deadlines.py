"""Deadlines (tidpunkter) in a sentence, normalised to inclusive ISO date ranges.

Pure functions. The vocabulary is data in ``ingest/tables/deadlines.toml``; in short:

=============================================  ==========================================
phrase                                         range
=============================================  ==========================================
den 31 maj 2024, senast 2025-06-30             that day
i januari 2025, senast vid juni månads         that month (sammanträde: the document's year)
sammanträde
under 2025, år 2025, i år, nästa år            that year (i år = the document's year)
under 2024–2025                                1 Jan 2024 - 31 Dec 2025
mars–april 2024, i augusti och november 2025   first day of the first month - last day of the last
under våren / sommaren / hösten 2024           March-June / June-August / September-December
vintern 2024                                   December 2023 - February 2024
innan sommaren 2024                            1 Jan - 30 June 2024 (table [before]: innan hösten
                                               = to 31 Aug, innan jul = to 23 Dec)
till årsskiftet                                1 Jan - 31 Dec of the document's year
i början / mitten / slutet av 2026             Jan-Mar / May-Aug / Oct-Dec
i början / slutet av mars 2025                 days 1-10 / 21-end (mitten: 11-20)
under första / andra halvåret 2024             Jan-Jun / Jul-Dec; kvartal likewise by quarter
vecka 12 2025, v. 12 2024, veckorna 10–12       that ISO week (or weeks), Monday to Sunday
planeras till hösten 2023                      in the autumn (a scheduling verb before "till")
från och med 2024 till och med 2025            1 Jan 2024 - 31 Dec 2025 (one range)
=============================================  ==========================================

A phrase without a year takes the year of a phrase it is joined to ("i slutet av februari och i
början av mars 2024"), else the document's year; a season or month without a year that has
already ended at the document's date moves to the next year ("under våren" in a document of
September means next spring). Phrases joined by *och*, *till*, *–* become one range covering both.

When a sentence holds several unrelated phrases, the one introduced by *senast* wins, then one
that is not a period of validity ("handlingsplan för perioden 2024–2026"), then the first that has
not already ended at the document's date, then the first. :func:`find_deadlines` gives them all,
so that a sentence with two deadlines can be cut into two commitments.

Each rule's examples (sentences it must read, and must leave alone) are rows of the table's
``[examples]``; the tests run them all.

A deadline that ends before its own document's date gets ``flag="before_document"``: for a
promise that is impossible and is often an OCR error (2020 for 2026). The caller decides whether
the sentence was a promise (see ``ingest.commitments``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.folding import fold_diacritics
from ingest.model import Deadline
from ingest.spans import Taken
from ingest.tables import load_table

FLAG_BEFORE_DOCUMENT = "before_document"





def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class Phrase:
    """A deadline phrase found in a sentence: offsets into the sentence and its kind."""

    start: int
    end: int
    kind: str
    year: int | None
    values: tuple


# --- patterns, built once from the table ---------------------------------------------------

@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    t = load_table("deadlines")
    month = f"(?P<m>{_alt(t['months'])})\\.?"
    prep = f"(?:(?:{_alt(t['words']['prepositions'])})\\s+)?"
    year = r"(?P<y>(?:19|20)\d\d)(?:/(?P<y2>\d{2,4}))?(?![\d:])"
    season_forms = {f: name for name, s in t["seasons"].items() for f in s["forms"]}
    season = f"(?P<s>{_alt(season_forms)})"
    before = f"(?P<b>{_alt(t['words']['before_words'])})\\s+(?P<bt>{_alt(t['before'])})"
    week = r"vecka\s+|veckorna\s+|v\.\s*|v\s+(?=\d)"
    scheduled = _alt(t["words"]["scheduling_verbs"])
    b = r"(?<![\w/-])"
    e = r"(?![\w-])"
    pats = [
        ("iso", rf"{b}{prep}(?P<y>(?:19|20)\d\d)-(?P<mo>[01]\d)-(?P<d>[0-3]\d){e}"),
        ("week", rf"{b}{prep}(?:{week})(?P<w>\d{{1,2}})(?:\s*(?:-|–|—|och|till)\s*(?P<w2>\d{{1,2}}))?"
                 rf"(?:,?\s+{year})?{e}"),
        ("day", rf"{b}{prep}(?P<d>[0-3]?\d)(?::?e)?\s+{month}(?:\s+{year})?{e}"),
        ("meeting", rf"{b}{prep}{month}\s+manads\s+sammantrade{e}"),
        ("month_part", rf"{b}{prep}(?P<p>{_alt(t['month_parts'])})\s+(?:av\s+)?{month}(?:\s+{year})?{e}"),
        ("month_range",
         rf"{b}{prep}{month}(?:\s+(?P<y1>(?:19|20)\d\d))?\s*(?:-|–|—|till|och|eller)\s*"
         rf"(?P<m2>{_alt(t['months'])})\.?(?:\s+{year})?{e}"),
        ("month", rf"{b}{prep}{month}\s+{year}{e}"),
        ("month_noyear", rf"{b}(?:i|under|till|senast|fore|innan|inom|infor|per)\s+{month}{e}(?!\s+(?:manad|\d))"),
        ("scheduled", rf"{b}(?:{scheduled})\s+(?:upp\s+)?till\s+{season}(?:\s+{year})?{e}"),
        ("before", rf"{b}{before}(?:\s+{year})?{e}"),
        ("season", rf"{b}{prep}{season}(?:\s+{year})?{e}"),
        ("bare_season", rf"{b}i\s+(?P<bs>{_alt(t['bare_seasons'])})(?=\s*(?:[.,;:!?)]|$|och\b|ska\b))"),
        ("year_part", rf"{b}{prep}(?P<p>{_alt(t['year_parts'])})\s+av\s+(?:(?:ar|aret)\s+)?(?:{year}|(?P<cur>aret))"),
        ("half", rf"{b}{prep}(?:(?P<y0>(?:19|20)\d\d)\s+ars\s+)?(?P<h>{_alt(t['halves'])})\s+halvar(?:et)?(?:\s+{year})?{e}"),
        ("quarter", rf"{b}{prep}(?P<q>{_alt(t['quarters'])})\s+kvartal(?:et)?(?:\s+{year})?{e}"),
        ("quarter_n", rf"{b}{prep}(?:kvartal|q)\s*(?P<qn>[1-4])(?:\s+{year})?{e}"),
        ("tertial", rf"{b}{prep}(?:(?P<t>{_alt(t['tertials'])})\s+tertial(?:et)?|tertial\s*(?P<tn>[1-3]))(?:\s+{year})?{e}"),
        ("year_range", rf"{b}{prep}(?P<ya>(?:19|20)\d\d)\s*(?:-|–|—|/)\s*(?P<yb>(?:19|20)?\d\d){e}(?![-–]\d)"),
        ("relative", rf"{b}(?P<r>{_alt(t['relative_years'])}){e}"),
        ("year", rf"{b}(?:{_alt(t['words']['prepositions'])}|\w*aret|ar)\s+(?:ar\s+)?{year}{e}(?!-)"),
    ]
    return [(kind, re.compile(p)) for kind, p in pats]


# Kinds whose pattern cannot match without a digit (a day, a week, a year or a quarter number).
_DIGIT_KINDS = frozenset({"iso", "week", "day", "month", "year_range", "year", "quarter_n"})
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1)
def _patterns_without_digits() -> list[tuple[str, re.Pattern]]:
    """The patterns that can match a text holding no digit."""
    return [(kind, pattern) for kind, pattern in _patterns() if kind not in _DIGIT_KINDS]


def _int(m: re.Match, name: str) -> int | None:
    v = m.groupdict().get(name)
    return int(v) if v else None


def _year(m: re.Match) -> int | None:
    y = _int(m, "y")
    y2 = m.groupdict().get("y2")
    if y and y2 and _season(m) == "vintern":  # "vintern 2023/2024" is the winter ending in 2024
        return int(y2) if len(y2) == 4 else (y // 100) * 100 + int(y2)
    return y


def _season(m: re.Match) -> str | None:
    form = m.groupdict().get("s")
    if not form:
        return None
    for name, s in load_table("deadlines")["seasons"].items():
        if form in s["forms"]:
            return name
    return None


def _phrase(kind: str, m: re.Match) -> Phrase:
    t = load_table("deadlines")
    months = t["months"]
    g = m.groupdict()
    y = _year(m)
    if kind == "iso":
        values = (int(g["mo"]), int(g["d"]))
    elif kind == "week":
        values = (int(g["w"]), int(g["w2"]) if g.get("w2") else int(g["w"]))
    elif kind == "day":
        values = (months[g["m"]], int(g["d"]))
    elif kind in ("meeting", "month", "month_noyear"):
        values = (months[g["m"]],)
    elif kind == "month_part":
        values = (months[g["m"]], g["p"])
    elif kind == "month_range":
        y1 = _int(m, "y1")
        values = (months[g["m"]], months[g["m2"]], y1)
    elif kind == "before":
        values = (g["bt"],)
    elif kind in ("season", "scheduled"):
        values = (_season(m),)
    elif kind == "bare_season":
        values = (t["bare_seasons"][g["bs"]],)
    elif kind == "year_part":
        values = (g["p"], bool(g.get("cur")))
    elif kind == "half":
        y = y or _int(m, "y0")
        values = tuple(t["halves"][g["h"]])
    elif kind == "quarter":
        values = tuple(t["quarters"][g["q"]])
    elif kind == "quarter_n":
        n = int(g["qn"])
        values = (3 * n - 2, 3 * n)
    elif kind == "tertial":
        values = tuple(t["tertials"][g["t"]]) if g.get("t") else (4 * int(g["tn"]) - 3, 4 * int(g["tn"]))
    elif kind == "year_range":
        ya, yb = int(g["ya"]), g["yb"]
        values = (ya, int(yb) if len(yb) == 4 else (ya // 100) * 100 + int(yb))
    elif kind == "relative":
        values = (t["relative_years"][g["r"]],)
    else:  # year
        values = ()
    return Phrase(m.start(), m.end(), kind, y, values)


def find_deadline_phrases(sentence: str) -> list[Phrase]:
    """Every deadline phrase in ``sentence``, left to right, longest first where they overlap."""
    folded = fold_diacritics(sentence)
    found: list[Phrase] = []
    for kind, pattern in _patterns() if _DIGIT.search(folded) else _patterns_without_digits():
        for m in pattern.finditer(folded):
            found.append(_phrase(kind, m))
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    chosen: list[Phrase] = []
    taken = Taken(len(folded))
    for p in sorted(found, key=lambda p: -(p.end - p.start)):
        if taken.free(p.start, p.end):
            if p.kind == "year_range" and p.values[1] <= p.values[0]:
                continue
            chosen.append(p)
            taken.take(p.start, p.end)
    return sorted(chosen, key=lambda p: p.start)


# --- resolving phrases to dates --------------------------------------------------------------

def _last(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _months(y: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, first, 1), dt.date(y, last, _last(y, last))


def _resolve(p: Phrase, year: int) -> tuple[dt.date, dt.date] | None:
    """The phrase's range, given the year it refers to (its own or one supplied)."""
    t = load_table("deadlines")
    k, v = p.kind, p.values
    if k in ("iso", "day"):
        month, day = v
        if not 1 <= month <= 12 or not 1 <= day <= _last(year, month):
            return None
        d = dt.date(year, month, day)
        return d, d
    if k == "week":
        try:
            start = dt.date.fromisocalendar(year, v[0], 1)
            end = dt.date.fromisocalendar(year, max(v), 7)
        except ValueError:
            return None
        return start, end
    if k in ("meeting", "month", "month_noyear"):
        return _months(year, v[0], v[0])
    if k == "month_part":
        month, part = v
        first, last = t["month_parts"][part]
        return dt.date(year, month, first), dt.date(year, month, last or _last(year, month))
    if k == "month_range":
        m1, m2, y1 = v
        start_year = y1 or (year - 1 if m1 > m2 else year)
        return dt.date(start_year, m1, 1), dt.date(year, m2, _last(year, m2))
    if k == "before":
        month, day = t["before"][v[0]]
        return dt.date(year, 1, 1), dt.date(year, month, day or _last(year, month))
    if k in ("season", "scheduled", "bare_season"):
        first, last = t["seasons"][v[0]]["months"]
        if first > last:  # vintern: December of the year before
            return dt.date(year - 1, first, 1), dt.date(year, last, _last(year, last))
        return _months(year, first, last)
    if k == "year_part":
        first, last = t["year_parts"][v[0]]
        return _months(year, first, last)
    if k in ("half", "quarter", "quarter_n", "tertial"):
        return _months(year, v[0], v[1])
    if k == "year_range":
        return dt.date(v[0], 1, 1), dt.date(v[1], 12, 31)
    if k == "relative":
        return _months(year + v[0], 1, 12)
    return _months(year, 1, 12)


# Kinds whose missing year rolls to next year when the period is already over at the document date.
_ROLLING = {"month_noyear", "season", "scheduled", "bare_season", "before", "month_part", "day", "year_part",
            "week"}


@lru_cache(maxsize=1)
def _connector() -> re.Pattern:
    """What may stand between two phrases of one range: a connector, then maybe a preposition."""
    t = load_table("deadlines")
    prep = _alt(t["words"]["prepositions"])
    return re.compile(rf"^\s*(?:{_alt(t['words']['connectors'])})\s*(?:(?:{prep})\s+)?$")


@lru_cache(maxsize=1)
def _range_end() -> re.Pattern:
    """A phrase that closes a range opened by the phrase before it ("... till och med 2025")."""
    return re.compile(rf"^(?:{_alt(load_table('deadlines')['words']['range_end'])})\s")


def _join(phrases: list[Phrase], folded: str) -> list[list[Phrase]]:
    """Group phrases joined by a connector ("2024 och början av 2025") into one range, and a
    phrase closing a range onto the one before it ("från och med 2024 till och med 2025")."""
    conn = _connector()
    closes = _range_end()
    groups: list[list[Phrase]] = []
    for p in phrases:
        gap = folded[groups[-1][-1].end:p.start] if groups else ""
        if groups and (conn.match(gap) or (not gap.strip() and closes.match(folded[p.start:p.end]))):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _group_range(group: list[Phrase], doc_date: dt.date | None, doc_year: int | None):
    years = [p.year for p in group]
    # a phrase without a year takes the year of the next phrase that has one
    for i in range(len(years) - 2, -1, -1):
        if years[i] is None and years[i + 1] is not None and group[i].kind != "relative":
            years[i] = years[i + 1]
    base = doc_year or (doc_date.year if doc_date else None)
    ranges = []
    for p, y in zip(group, years, strict=True):
        if p.kind in ("year_range",):
            r = _resolve(p, 0)
        elif y is not None:
            r = _resolve(p, y)
        elif base is None:
            return None
        else:
            r = _resolve(p, base)
            if r and doc_date and p.kind in _ROLLING and r[1] < doc_date:
                r = _resolve(p, base + 1)
        if r is None:
            return None
        ranges.append(r)
    return min(r[0] for r in ranges), max(r[1] for r in ranges)


_SENAST_BEFORE = re.compile(r"senast\s*$")


@lru_cache(maxsize=1)
def _period_before() -> re.Pattern:
    """Words before a phrase that make it a period of validity ("handlingsplan för 2024–2026")."""
    return re.compile(rf"(?:^|\s)(?:{_alt(load_table('deadlines')['words']['period_words'])})\s*$")


@dataclass(frozen=True)
class Found:
    """One deadline of a sentence: where its phrases stand and the range they name."""

    start: int
    end: int
    deadline: Deadline
    senast: bool  # introduced by "senast": the deadline the sentence insists on
    period: bool  # a period of validity ("för perioden 2024–2026"), not a time to act


def find_deadlines(sentence: str, doc_date: dt.date | None = None, doc_year: int | None = None) -> list[Found]:
    """Every deadline a sentence names, left to right (joined phrases are one deadline)."""
    phrases = find_deadline_phrases(sentence)
    if not phrases:
        return []
    folded = fold_diacritics(sentence)
    if doc_year is None and doc_date is not None:
        doc_year = doc_date.year
    found = []
    for group in _join(phrases, folded):
        span = _group_range(group, doc_date, doc_year)
        if span is None:
            continue
        start, end = group[0].start, group[-1].end
        first, last = span
        flag = None
        if doc_date is not None and last < doc_date:
            flag = FLAG_BEFORE_DOCUMENT
        elif doc_date is None and doc_year is not None and last.year < doc_year:
            flag = FLAG_BEFORE_DOCUMENT
        before = folded[max(0, start - 40):start]
        senast = bool(_SENAST_BEFORE.search(before[-10:])) or folded.startswith("senast", start)
        period = group[0].kind in ("year", "year_range") and bool(_period_before().search(before))
        deadline = Deadline(start=first.isoformat(), end=last.isoformat(), text=sentence[start:end].strip(), flag=flag)
        found.append(Found(start, end, deadline, senast, period))
    return found


def preferred(found: list[Found], doc_date: dt.date | None = None) -> Found | None:
    """The deadline a sentence with several commits to: one introduced by *senast*, then one
    that is not a period of validity, then one not already ended at the document's date, then
    the first."""
    if not found:
        return None

    def preference(f: Found):
        ended = doc_date is not None and f.deadline.end < doc_date.isoformat()
        return (not f.senast, f.period, ended, f.start)

    return min(found, key=preference)


def parse_deadline(sentence: str, doc_date: dt.date | None = None, doc_year: int | None = None) -> Deadline | None:
    """The deadline a sentence names, as an inclusive ISO range, or None.

    ``doc_date``/``doc_year`` anchor phrases without a year ("i år", "under hösten",
    "vid juni månads sammanträde"). See the module docstring for the table.
    """
    best = preferred(find_deadlines(sentence, doc_date, doc_year), doc_date)
    return best.deadline if best else None
