"""Swedish dates (datum) and years in running text, as ISO strings.

Forms understood, each checked against the calendar:

- ISO dates: ``2024-03-14`` (also with ``.`` or ``/``: ``2024.03.14``);
- short dates in beslutsplanering and headers: ``25-01-02`` (two-digit year, read as 20YY);
- written-out dates: ``14 mars 2024``, ``den 21 mars 2024``, ``1:e januari 2025``,
  ``20 dec. 2023``; month names and abbreviations come from ``tables/dates.toml``.

Years (``år``) are four-digit numbers inside the plausible range of the same table, so
OCR noise such as ``20206`` or a page number never passes as a year.
All functions are pure: text in, matches out.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import cache

from ingest.spans import Taken
from ingest.tables import load_table


@dataclass(frozen=True)
class DateMatch:
    """One date found in a text: its ISO form, where it stands and how it was written."""

    iso: str
    start: int
    end: int
    text: str
    form: str  # iso | short | written



def months() -> dict[str, int]:
    """Month name or abbreviation (lower case) -> month number."""
    return dict(load_table("dates")["months"])


def year_range() -> tuple[int, int]:
    years = load_table("dates")["years"]
    return int(years["min"]), int(years["max"])


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    names = sorted(months(), key=len, reverse=True)
    month_alt = "|".join(re.escape(n) for n in names)
    return [
        ("iso", re.compile(r"(?<![\d\w/-])(?P<y>\d{4})(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d/]|-\d)")),
        ("short", re.compile(r"(?<![\d\w/-])(?P<y>\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d/-])")),
        (
            "written",
            re.compile(
                r"(?<![\d\w])(?:den\s+)?(?P<d>\d{1,2})(?::?[ae])?\.?\s+(?P<mon>" + month_alt + r")\.?\s+(?P<y>\d{4})(?!\d)",
                re.IGNORECASE,
            ),
        ),
    ]


def _iso(year: int, month: int, day: int) -> str | None:
    low, high = year_range()
    if not low <= year <= high:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Every calendar-valid date in ``text``, in reading order, without overlaps."""
    found: list[DateMatch] = []
    taken = Taken(len(text))
    month_numbers = months()
    for form, pattern in _patterns():
        for m in pattern.finditer(text):
            if not taken.free(m.start(), m.end()):
                continue
            year = int(m["y"])
            if form == "short":
                year += 2000
            month = month_numbers[m["mon"].lower()] if form == "written" else int(m["m"])
            iso = _iso(year, month, int(m["d"]))
            if iso is None:
                continue
            taken.take(m.start(), m.end())
            found.append(DateMatch(iso, m.start(), m.end(), m.group(0), form))
    return sorted(found, key=lambda d: d.start)


def parse_date(text: str) -> str | None:
    """The ISO date when ``text`` is a date and nothing else (``"Malmö 2024-03-14"`` is not)."""
    stripped = text.strip().strip(".,;:")
    dates = find_dates(stripped)
    if len(dates) == 1 and dates[0].start == 0 and dates[0].end == len(stripped):
        return dates[0].iso
    return None


_YEAR = re.compile(r"(?<![\d\w/-])(\d{4})(?![\d])")


def find_years(text: str) -> list[tuple[int, int, int]]:
    """``(year, start, end)`` for every plausible four-digit year standing as its own number.

    Years inside dates count too (``2024-03-14`` gives 2024); numbers glued to other digits
    (``20206``) or to letters do not.
    """
    low, high = year_range()
    out = []
    for m in _YEAR.finditer(text):
        year = int(m.group(1))
        if low <= year <= high:
            out.append((year, m.start(), m.end()))
    return out
